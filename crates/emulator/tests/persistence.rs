//! A SQLite file keeps everything acknowledged across a restart; `--seed demo` fills only an
//! empty store.

mod common;

use common::{Server, test_config};
use std::path::PathBuf;
use switchboard_emulator::Seed;

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "switchboard-emulator-{name}-{:032x}.sqlite",
        rand_suffix()
    ))
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

fn remove(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn everything_acknowledged_survives_a_restart() {
    let file = temp_file("restart");
    let mut config = test_config();
    config.data = Some(file.clone());
    config.build_time = std::time::Duration::from_secs(3600);
    let server = Server::start_with(config.clone()).await;
    let service = server.service("durable").await;
    let environment = server.environment(&service, "dev", Some("dev")).await;
    let (function, version) = server
        .function_version(&service, "/hello", "exports.handler = 1;")
        .await;
    let build = server
        .post(
            &format!("/v1/Services/{service}/Builds"),
            &[("FunctionVersions", &version)],
        )
        .await
        .str("sid");
    drop(server);

    // A build cut short by the restart is finished after it, on its original deadline or later.
    config.build_time = std::time::Duration::from_millis(200);
    let server = Server::start_with(config).await;
    assert_eq!(
        server.get("/v1/Services/durable").await.ok(200)["sid"],
        service
    );
    server
        .get(&format!(
            "/v1/Services/{service}/Environments/{environment}"
        ))
        .await
        .ok(200);
    let content = server
        .get(&format!(
            "/v1/Services/{service}/Functions/{function}/Versions/{version}/Content"
        ))
        .await;
    assert_eq!(content.ok(200)["content"], "exports.handler = 1;");
    assert_eq!(
        server
            .get(&format!("/v1/Services/{service}/Builds/{build}/Status"))
            .await
            .ok(200)["status"],
        "building"
    );
    // SIDs are never reused, even across restarts.
    assert_ne!(server.service("another").await, service);
    remove(&file);
}

#[tokio::test]
async fn the_demo_seed_fills_an_empty_store_once() {
    let file = temp_file("seed");
    let mut config = test_config();
    config.data = Some(file.clone());
    config.seed = Some(Seed::Demo);
    let server = Server::start_with(config.clone()).await;
    let services = server.get("/v1/Services").await;
    assert_eq!(
        services.ok(200)["services"].as_array().map(Vec::len),
        Some(1)
    );
    let service = server.get("/v1/Services/demo-hotline").await.str("sid");
    let environments = server
        .get(&format!("/v1/Services/{service}/Environments"))
        .await;
    let list = environments.ok(200)["environments"]
        .as_array()
        .expect("list")
        .clone();
    let names: Vec<&str> = list
        .iter()
        .map(|e| e["unique_name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["dev", "prod"]);
    let dev = list[0]["sid"].as_str().expect("sid");
    assert!(list[0]["build_sid"].is_string());
    let logs = server
        .get(&format!("/v1/Services/{service}/Environments/{dev}/Logs"))
        .await;
    assert!(
        logs.ok(200)["logs"]
            .as_array()
            .is_some_and(|logs| logs.len() > 10)
    );
    let variables = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{dev}/Variables"
        ))
        .await;
    assert_eq!(
        variables.ok(200)["variables"].as_array().map(Vec::len),
        Some(2)
    );
    let functions = server
        .get(&format!("/v1/Services/{service}/Functions"))
        .await;
    assert_eq!(
        functions.ok(200)["functions"].as_array().map(Vec::len),
        Some(3)
    );
    let assets = server.get(&format!("/v1/Services/{service}/Assets")).await;
    assert_eq!(assets.ok(200)["assets"].as_array().map(Vec::len), Some(2));
    let builds = server.get(&format!("/v1/Services/{service}/Builds")).await;
    assert_eq!(builds.ok(200)["builds"][0]["status"], "completed");
    let invoke = format!("/__emulator/invoke/{service}/{dev}/hello");
    let request = server.request(reqwest::Method::POST, &invoke);
    server
        .send(reqwest::Method::POST, &invoke, request)
        .await
        .ok(200);
    drop(server);

    let server = Server::start_with(config).await;
    assert_eq!(
        server.get("/v1/Services").await.body["services"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    remove(&file);
}

#[tokio::test]
async fn the_demo_seed_works_in_memory_too() {
    let mut config = test_config();
    config.seed = Some(Seed::Demo);
    let server = Server::start_with(config).await;
    server.get("/v1/Services/demo-hotline").await.ok(200);
}

#[test]
fn seeds_and_credentials_parse() {
    assert_eq!("demo".parse::<Seed>(), Ok(Seed::Demo));
    assert!("other".parse::<Seed>().is_err());
    let credentials = switchboard_emulator::Credentials::generated();
    assert!(credentials.account_sid.starts_with("AC") && credentials.account_sid.len() == 34);
    assert_eq!(credentials.auth_token.len(), 32);
}

#[tokio::test]
async fn another_accounts_resources_are_not_found() {
    let file = temp_file("accounts");
    let mut first = test_config();
    first.data = Some(file.clone());
    let server = Server::start_with(first).await;
    let service = server.service("mine").await;
    drop(server);
    let mut second = test_config();
    second.data = Some(file.clone());
    let server = Server::start_with(second).await;
    server
        .get(&format!("/v1/Services/{service}"))
        .await
        .error(404, 20404);
    server.get("/v1/Services/mine").await.error(404, 20404);
    assert_eq!(
        server.get("/v1/Services").await.body["services"],
        serde_json::json!([])
    );
    // Unique names are per account.
    server.service("mine").await;
    remove(&file);
}
