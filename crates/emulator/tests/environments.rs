//! ListEnvironment, CreateEnvironment, FetchEnvironment, DeleteEnvironment, and Variables
//! (List, Create, Fetch, Update, Delete) inside them.

mod common;

use common::Server;
use serde_json::Value;

#[tokio::test]
async fn create_list_fetch_and_delete_environments() {
    let server = Server::start().await;
    let service = server.service("envs").await;
    let domain_base = server
        .get(&format!("/v1/Services/{service}"))
        .await
        .str("domain_base");
    let path = format!("/v1/Services/{service}/Environments");
    let created = server
        .post(
            &path,
            &[
                ("UniqueName", "dev-environment"),
                ("DomainSuffix", "dev"),
                ("FriendlyName", "toolkit extra"),
            ],
        )
        .await;
    let dev = created.str("sid");
    assert_eq!(
        created.ok(201)["domain_name"],
        format!("{domain_base}-dev.twil.io")
    );
    assert_eq!(created.body["build_sid"], Value::Null);
    assert_eq!(
        created.body["links"]["logs"],
        format!("{}{path}/{dev}/Logs", server.base)
    );
    let production = server.post(&path, &[("UniqueName", "production")]).await;
    assert_eq!(production.ok(201)["domain_suffix"], Value::Null);
    assert_eq!(
        production.body["domain_name"],
        format!("{domain_base}.twil.io")
    );

    let list = server.get(&path).await;
    assert_eq!(
        list.ok(200)["environments"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        server.get(&format!("{path}/{dev}")).await.ok(200)["unique_name"],
        "dev-environment"
    );
    // Nested paths accept the service's unique name too.
    server
        .get(&format!("/v1/Services/envs/Environments/{dev}"))
        .await
        .ok(200);

    server.delete(&format!("{path}/{dev}")).await.ok(204);
    let gone = server.get(&format!("{path}/{dev}")).await;
    assert_eq!(
        gone.error(404, 20404),
        format!("The requested resource /Services/{service}/Environments/{dev} was not found")
    );
    server
        .get("/v1/Services/ZS00000000000000000000000000000000/Environments")
        .await
        .error(404, 20404);
}

#[tokio::test]
async fn environment_names_and_suffixes_are_checked_and_unique() {
    let server = Server::start().await;
    let service = server.service("checked").await;
    let path = format!("/v1/Services/{service}/Environments");
    for form in [
        vec![("DomainSuffix", "dev")],
        vec![("UniqueName", "x".repeat(101).leak() as &str)],
        vec![("UniqueName", "a"), ("DomainSuffix", "Upper")],
        vec![("UniqueName", "a"), ("DomainSuffix", "has.dot")],
        vec![("UniqueName", "a"), ("DomainSuffix", "seventeen-chars-x")],
    ] {
        server.post(&path, &form).await.error(400, 20001);
    }
    server.environment(&service, "stage", Some("stage")).await;
    let message = "Environment with this UniqueName or DomainSuffix already exists.";
    assert_eq!(
        server
            .post(&path, &[("UniqueName", "stage")])
            .await
            .error(409, 20409),
        message
    );
    assert_eq!(
        server
            .post(&path, &[("UniqueName", "other"), ("DomainSuffix", "stage")])
            .await
            .error(409, 20409),
        message
    );
    // Without a suffix an environment takes the service's bare domain, which only one can have.
    server.environment(&service, "production", None).await;
    assert_eq!(
        server
            .post(&path, &[("UniqueName", "live")])
            .await
            .error(409, 20409),
        message
    );
}

#[tokio::test]
async fn a_service_holds_at_most_twenty_five_environments() {
    let server = Server::start().await;
    let service = server.service("crowded").await;
    for n in 0..25 {
        let name = format!("env-{n}");
        server.environment(&service, &name, Some(&name)).await;
    }
    let reply = server
        .post(
            &format!("/v1/Services/{service}/Environments"),
            &[("UniqueName", "env-25")],
        )
        .await;
    assert!(reply.error(400, 20001).contains("25"));
}

#[tokio::test]
async fn variables_live_in_an_environment() {
    let server = Server::start().await;
    let service = server.service("vars").await;
    let environment = server.environment(&service, "dev", Some("dev")).await;
    let path = format!("/v1/Services/{service}/Environments/{environment}/Variables");
    let created = server
        .post(&path, &[("Key", "API_KEY"), ("Value", "secret")])
        .await;
    let sid = created.str("sid");
    assert_eq!(created.ok(201)["value"], "secret");
    assert_eq!(created.body["url"], format!("{}{path}/{sid}", server.base));
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["key"],
        "API_KEY"
    );
    let updated = server
        .post(&format!("{path}/{sid}"), &[("Value", "rotated")])
        .await;
    assert_eq!(updated.ok(200)["value"], "rotated");
    assert_eq!(updated.body["key"], "API_KEY");
    let renamed = server
        .post(&format!("{path}/{sid}"), &[("Key", "TOKEN")])
        .await;
    assert_eq!(renamed.ok(200)["key"], "TOKEN");
    assert_eq!(
        server.get(&path).await.ok(200)["variables"][0]["key"],
        "TOKEN"
    );
    server.delete(&format!("{path}/{sid}")).await.ok(204);
    server.get(&format!("{path}/{sid}")).await.error(404, 20404);
    assert_eq!(
        server.get(&path).await.body["variables"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn variable_keys_and_values_are_checked_and_keys_unique() {
    let server = Server::start().await;
    let service = server.service("limits").await;
    let environment = server.environment(&service, "dev", None).await;
    let path = format!("/v1/Services/{service}/Environments/{environment}/Variables");
    let long_key = "K".repeat(129);
    let long_value = "é".repeat(226);
    for form in [
        vec![("Value", "v")],
        vec![("Key", "k")],
        vec![("Key", long_key.as_str()), ("Value", "v")],
        vec![("Key", "k"), ("Value", long_value.as_str())],
    ] {
        server.post(&path, &form).await.error(400, 20001);
    }
    server
        .post(&path, &[("Key", "k"), ("Value", &"v".repeat(450))])
        .await
        .ok(201);
    let other = server
        .post(&path, &[("Key", "other"), ("Value", "")])
        .await
        .str("sid");
    server
        .post(&path, &[("Key", "k"), ("Value", "again")])
        .await
        .error(409, 20409);
    server
        .post(&format!("{path}/{other}"), &[("Key", "k")])
        .await
        .error(409, 20409);
    server
        .post(
            &format!("{path}/{other}"),
            &[("Value", long_value.as_str())],
        )
        .await
        .error(400, 20001);
    server
        .post(
            &format!("{path}/ZV00000000000000000000000000000000"),
            &[("Value", "x")],
        )
        .await
        .error(404, 20404);
}
