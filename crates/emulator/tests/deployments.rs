//! ListDeployment, CreateDeployment, FetchDeployment, ListLog, FetchLog and the emulator's invoke
//! endpoint.

mod common;

use common::Server;
use reqwest::Method;
use serde_json::{Value, json};

struct Deployed {
    service: String,
    environment: String,
    function: String,
    build: String,
}

async fn deployed(server: &Server) -> Deployed {
    let service = server.service("deployed").await;
    let environment = server.environment(&service, "dev", Some("dev")).await;
    let (function, version) = server
        .function_version(&service, "/hello", "exports.handler = () => {};")
        .await;
    let build = server
        .finished_build(&service, &[("FunctionVersions", &version)])
        .await;
    let build = build["sid"].as_str().expect("sid").to_owned();
    let path = format!("/v1/Services/{service}/Environments/{environment}/Deployments");
    server.post(&path, &[("BuildSid", &build)]).await.ok(201);
    Deployed {
        service,
        environment,
        function,
        build,
    }
}

#[tokio::test]
async fn a_deployment_makes_its_build_live() {
    let server = Server::start().await;
    let Deployed {
        service,
        environment,
        build,
        ..
    } = deployed(&server).await;
    let environment_path = format!("/v1/Services/{service}/Environments/{environment}");
    assert_eq!(
        server.get(&environment_path).await.ok(200)["build_sid"],
        build
    );
    let path = format!("{environment_path}/Deployments");
    let list = server.get(&path).await;
    let deployment = list.ok(200)["deployments"][0].clone();
    assert_eq!(deployment["build_sid"], build);
    let sid = deployment["sid"].as_str().expect("sid");
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["sid"],
        sid
    );
    server
        .get(&format!("{path}/ZD00000000000000000000000000000000"))
        .await
        .error(404, 20404);

    let again = server.post(&path, &[("BuildSid", &build)]).await;
    assert_eq!(
        again.error(409, 20409),
        "Environment already has requested deployment."
    );
    let builds = format!("/v1/Services/{service}/Builds/{build}");
    assert!(
        server
            .delete(&builds)
            .await
            .error(409, 20409)
            .contains("deployed")
    );

    let undeploy = server.post(&path, &[]).await;
    assert_eq!(undeploy.ok(201)["build_sid"], Value::Null);
    assert_eq!(
        server.get(&environment_path).await.body["build_sid"],
        Value::Null
    );
    server.post(&path, &[]).await.error(409, 20409);
    server.delete(&builds).await.ok(204);
}

#[tokio::test]
async fn only_a_completed_build_of_the_service_can_be_deployed() {
    let server = Server::start().await;
    let service = server.service("deploy-rules").await;
    let environment = server.environment(&service, "dev", None).await;
    let (_, version) = server.function_version(&service, "/f", "x").await;
    let path = format!("/v1/Services/{service}/Environments/{environment}/Deployments");
    let building = server
        .post(
            &format!("/v1/Services/{service}/Builds"),
            &[("FunctionVersions", &version)],
        )
        .await;
    server
        .post(&path, &[("BuildSid", &building.str("sid"))])
        .await
        .error(400, 20001);
    let failed = server
        .finished_build(
            &service,
            &[
                ("FunctionVersions", &version),
                ("Dependencies", r#"[{"name":"x","version":"nope"}]"#),
            ],
        )
        .await;
    server
        .post(&path, &[("BuildSid", failed["sid"].as_str().expect("sid"))])
        .await
        .error(400, 20001);
    server
        .post(&path, &[("BuildSid", "ZB00000000000000000000000000000000")])
        .await
        .error(400, 20001);
    server
        .post(
            &path,
            &[
                ("BuildSid", "ZB00000000000000000000000000000000"),
                ("IsPlugin", "maybe"),
            ],
        )
        .await
        .error(400, 20001);
}

#[tokio::test]
async fn deployments_and_invocations_write_logs_newest_first() {
    let server = Server::start().await;
    let Deployed {
        service,
        environment,
        function,
        build,
    } = deployed(&server).await;
    let invoke = format!("/__emulator/invoke/{service}/{environment}/hello");
    let body = json!({"logs": [{"level": "warn", "message": "careful"}, {"level": "ERROR", "message": "boom"}]});
    let request = server.request(Method::POST, &invoke).json(&body);
    let invoked = server.send(Method::POST, &invoke, request).await;
    let written = invoked.ok(200)["logs"].as_array().expect("logs").clone();
    let messages: Vec<&str> = written
        .iter()
        .map(|log| log["message"].as_str().expect("message"))
        .collect();
    assert_eq!(messages[..3], ["Execution started", "careful", "boom"]);
    assert!(messages[3].starts_with("Execution ended in ") && messages[3].ends_with(" ms"));
    let levels: Vec<&str> = written
        .iter()
        .map(|log| log["level"].as_str().expect("level"))
        .collect();
    assert_eq!(levels, ["info", "warn", "error", "info"]);

    let path = format!("/v1/Services/{service}/Environments/{environment}/Logs");
    let logs = server.get(&path).await;
    let entries = logs.ok(200)["logs"].as_array().expect("logs").clone();
    assert_eq!(entries.len(), 6);
    assert!(
        entries[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Execution ended"))
    );
    assert!(
        entries[5]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&build) && m.ends_with("started"))
    );
    assert_eq!(entries[5]["function_sid"], Value::Null);
    assert_eq!(entries[0]["function_sid"], function);
    let sid = entries[1]["sid"].as_str().expect("sid");
    assert_eq!(
        server.get(&format!("{path}/{sid}")).await.ok(200)["message"],
        "boom"
    );
    server
        .get(&format!("{path}/NO00000000000000000000000000000000"))
        .await
        .error(404, 20404);

    let filtered = server
        .get(&format!("{path}?FunctionSid={function}&PageSize=2"))
        .await;
    assert_eq!(filtered.ok(200)["logs"].as_array().map(Vec::len), Some(2));
    let next = filtered.body["meta"]["next_page_url"]
        .as_str()
        .expect("next page")
        .to_owned();
    assert!(
        next.contains(&format!(
            "?FunctionSid={function}&PageSize=2&Page=1&PageToken=PANO"
        )),
        "{next}"
    );
    let rest = server
        .get(next.strip_prefix(&server.base).expect("same base"))
        .await;
    assert_eq!(rest.ok(200)["logs"].as_array().map(Vec::len), Some(2));
    assert_eq!(rest.body["logs"][1]["message"], "Execution started");

    let window = "StartDate=2018-11-10T20%3A00%3A00Z&EndDate=2018-12-10T20%3A00%3A00Z";
    let old = server.get(&format!("{path}?{window}")).await;
    assert_eq!(old.ok(200)["logs"], json!([]));
    assert_eq!(
        old.body["meta"]["first_page_url"],
        format!("{}{path}?{window}&PageSize=50&Page=0", server.base)
    );
    server
        .get(&format!("{path}?StartDate=yesterday"))
        .await
        .error(400, 20001);
}

#[tokio::test]
async fn invoking_what_is_not_deployed_is_a_404() {
    let server = Server::start().await;
    let Deployed {
        service,
        environment,
        ..
    } = deployed(&server).await;
    let missing = format!("/__emulator/invoke/{service}/{environment}/nope");
    let reply = server
        .send(
            Method::POST,
            &missing,
            server.request(Method::POST, &missing),
        )
        .await;
    reply.error(404, 20404);
    let idle = server.environment(&service, "idle", None).await;
    let path = format!("/__emulator/invoke/{service}/{idle}/hello");
    server
        .send(Method::POST, &path, server.request(Method::POST, &path))
        .await
        .error(404, 20404);
    let path = format!("/__emulator/invoke/{service}/{environment}/hello");
    let bad = server
        .request(Method::POST, &path)
        .json(&json!({"logs": [{"level": "loud", "message": "x"}]}));
    server
        .send(Method::POST, &path, bad)
        .await
        .error(400, 20001);
    let unauthenticated = server.http.post(format!("{}{path}", server.base));
    server
        .send(Method::POST, &path, unauthenticated)
        .await
        .error(401, 20003);
}
