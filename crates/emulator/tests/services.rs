//! ListService, CreateService, FetchService, UpdateService, DeleteService, and the limits,
//! validation, authentication and concurrency rules around them.

mod common;

use common::Server;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn create_fetch_update_list_and_delete_a_service() {
    let server = Server::start().await;
    let created = server
        .post(
            "/v1/Services",
            &[
                ("UniqueName", "my-app"),
                ("FriendlyName", "My App"),
                ("Unknown", "ignored"),
            ],
        )
        .await;
    let body = created.ok(201);
    let sid = created.str("sid");
    assert!(sid.starts_with("ZS") && sid.len() == 34);
    assert_eq!(body["include_credentials"], true);
    assert_eq!(body["ui_editable"], false);
    assert_eq!(
        body["account_sid"],
        server.emulator.credentials().account_sid
    );
    assert!(
        body["domain_base"]
            .as_str()
            .is_some_and(|d| d.starts_with("my-app-"))
    );
    assert_eq!(body["url"], format!("{}/v1/Services/{sid}", server.base));
    assert_eq!(
        body["links"]["environments"],
        format!("{}/v1/Services/{sid}/Environments", server.base)
    );

    assert_eq!(
        server.get(&format!("/v1/Services/{sid}")).await.ok(200)["unique_name"],
        "my-app"
    );
    assert_eq!(server.get("/v1/Services/my-app").await.ok(200)["sid"], sid);

    let updated = server
        .post(
            "/v1/Services/my-app",
            &[
                ("FriendlyName", "Renamed"),
                ("UiEditable", "true"),
                ("IncludeCredentials", "false"),
            ],
        )
        .await;
    assert_eq!(updated.ok(200)["friendly_name"], "Renamed");
    assert_eq!(updated.body["ui_editable"], true);
    assert_eq!(updated.body["include_credentials"], false);
    assert_eq!(updated.body["unique_name"], "my-app");

    let list = server.get("/v1/Services").await;
    assert_eq!(list.ok(200)["services"][0]["sid"], sid);
    assert_eq!(list.body["meta"]["key"], "services");
    assert_eq!(
        list.body["meta"]["first_page_url"],
        format!("{}/v1/Services?PageSize=50&Page=0", server.base)
    );

    assert_eq!(
        server.delete(&format!("/v1/Services/{sid}")).await.ok(204),
        &json!(null)
    );
    let gone = server.get(&format!("/v1/Services/{sid}")).await;
    assert_eq!(
        gone.error(404, 20404),
        format!("The requested resource /Services/{sid} was not found")
    );
    server.delete("/v1/Services/my-app").await.error(404, 20404);
}

#[tokio::test]
async fn create_service_validates_its_fields() {
    let server = Server::start().await;
    let cases: [(&[(&str, &str)], &str); 7] = [
        (
            &[("FriendlyName", "x")],
            "Missing required parameter UniqueName in the post body",
        ),
        (
            &[("UniqueName", "x")],
            "Missing required parameter FriendlyName in the post body",
        ),
        (
            &[("UniqueName", "bad name"), ("FriendlyName", "x")],
            "letters, numbers and hyphens",
        ),
        (
            &[("UniqueName", "-lead"), ("FriendlyName", "x")],
            "letters, numbers and hyphens",
        ),
        (
            &[("UniqueName", &"a".repeat(51)), ("FriendlyName", "x")],
            "at most 50",
        ),
        (
            &[("UniqueName", "ok"), ("FriendlyName", &"f".repeat(256))],
            "at most 255",
        ),
        (
            &[
                ("UniqueName", "ok"),
                ("FriendlyName", "x"),
                ("IncludeCredentials", "yes"),
            ],
            "true or false",
        ),
    ];
    for (form, message) in cases {
        let reply = server.post("/v1/Services", form).await;
        assert!(
            reply.error(400, 20001).contains(message),
            "{form:?}: {}",
            reply.body
        );
    }
    let reply = server
        .post("/v1/Services/nope", &[("FriendlyName", "x")])
        .await;
    reply.error(404, 20404);
    server.service("fine").await;
    let reply = server
        .post("/v1/Services/fine", &[("UiEditable", "maybe")])
        .await;
    reply.error(400, 20001);
    let reply = server
        .post("/v1/Services/fine", &[("FriendlyName", &"f".repeat(256))])
        .await;
    reply.error(400, 20001);
}

#[tokio::test]
async fn a_duplicate_unique_name_is_a_conflict() {
    let server = Server::start().await;
    server.service("twin").await;
    let reply = server
        .post(
            "/v1/Services",
            &[("UniqueName", "twin"), ("FriendlyName", "again")],
        )
        .await;
    assert_eq!(
        reply.error(409, 20409),
        "Service UniqueName must be unique."
    );
}

#[tokio::test]
async fn an_account_holds_at_most_fifty_services() {
    let server = Server::start().await;
    for n in 0..50 {
        server.service(&format!("service-{n}")).await;
    }
    let reply = server
        .post(
            "/v1/Services",
            &[("UniqueName", "one-too-many"), ("FriendlyName", "x")],
        )
        .await;
    assert_eq!(
        reply.error(400, 20001),
        "Services are limited to less than or equal to 50"
    );
}

#[tokio::test]
async fn concurrent_creates_of_one_name_make_exactly_one_service() {
    let server = std::sync::Arc::new(Server::start().await);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let server = server.clone();
        tasks.spawn(async move {
            let friendly = format!("racer {n}");
            server
                .post(
                    "/v1/Services",
                    &[("UniqueName", "contested"), ("FriendlyName", &friendly)],
                )
                .await
                .status
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.expect("task").as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(
        server.get("/v1/Services").await.body["services"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_twilio_20003() {
    let server = Server::start().await;
    let url = format!("{}/v1/Services", server.base);
    let account = server.emulator.credentials().account_sid.clone();
    for request in [
        server.http.get(&url),
        server.http.get(&url).basic_auth(&account, Some("wrong")),
        server.http.get(&url).basic_auth("ACnope", Some("x")),
        server.http.get(&url).bearer_auth("token"),
    ] {
        let reply = server.send(Method::GET, "/v1/Services", request).await;
        assert_eq!(reply.error(401, 20003), "Authenticate");
        assert_eq!(
            reply.body["detail"],
            "Your AccountSid or AuthToken was incorrect."
        );
    }
}

#[tokio::test]
async fn an_api_key_of_the_account_is_accepted() {
    let mut config = common::test_config();
    config.api_keys.push(switchboard_emulator::ApiKey {
        sid: format!("SK{}", "1".repeat(32)),
        secret: "s3cret".into(),
    });
    let account = config.credentials.account_sid.clone();
    let server = Server::start_with(config).await;
    let request = server
        .http
        .get(format!("{}/v1/Services", server.base))
        .basic_auth(format!("SK{}", "1".repeat(32)), Some("s3cret"));
    server
        .send(Method::GET, "/v1/Services", request)
        .await
        .ok(200);
    let request = server
        .http
        .post(format!("{}/v1/Services", server.base))
        .basic_auth(format!("SK{}", "1".repeat(32)), Some("s3cret"))
        .form(&[("UniqueName", "by-key"), ("FriendlyName", "x")]);
    let reply = server.send(Method::POST, "/v1/Services", request).await;
    assert_eq!(reply.ok(201)["account_sid"], account);
}

#[tokio::test]
async fn a_get_with_a_body_is_forbidden_and_unknown_paths_are_json_404s() {
    let server = Server::start().await;
    let request = server
        .request(Method::GET, "/v1/Services")
        .body("UniqueName=x");
    server
        .send(Method::GET, "/v1/Services", request)
        .await
        .error(403, 20403);
    let reply = server.get("/v1/Nothing/here").await;
    assert_eq!(
        reply.error(404, 20404),
        "The requested resource /Nothing/here was not found"
    );
    server.get("/elsewhere").await.error(404, 20404);
    let request = server.request(Method::PUT, "/v1/Services");
    server
        .send(Method::PUT, "/v1/Services", request)
        .await
        .error(405, 20004);
}

#[tokio::test]
async fn urls_follow_the_host_the_request_came_in_on() {
    let server = Server::start().await;
    server.service("hosted").await;
    let request = server
        .request(Method::GET, "/v1/Services/hosted")
        .header("Host", "example.test:8443");
    let reply = server
        .send(Method::GET, "/v1/Services/hosted", request)
        .await;
    assert!(
        reply
            .str("url")
            .starts_with("http://example.test:8443/v1/Services/ZS")
    );
}
