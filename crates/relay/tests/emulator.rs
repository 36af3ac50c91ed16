//! The relay in front of the real emulator: what `switchboard serve` does without credentials.

mod common;

use common::relay_to;
use std::time::Duration;
use switchboard::cli::EmulatorOptions;
use switchboard::serve::{emulator_upstream, start_emulator};
use switchboard_emulator::Credentials;

async fn relay_on_emulator() -> common::TestRelay {
    let options = EmulatorOptions {
        seed: None,
        data: None,
        build_time: Duration::from_millis(200),
        runtime: switchboard_emulator::Execution::Simulated,
    };
    let (address, emulator) = start_emulator(&options, Credentials::generated())
        .await
        .unwrap();
    relay_to(emulator_upstream(address, emulator.credentials()), |_| {}).await
}

#[tokio::test]
async fn session_says_emulator_with_a_masked_account() {
    let relay = relay_on_emulator().await;
    let (status, session) = relay.get_json("/api/session").await;
    assert_eq!(status, 200);
    assert_eq!(session["upstream"], "emulator");
    // The emulator's generated auth token signs protected calls, as Twilio's would.
    assert_eq!(session["signs_protected"], true, "{session}");
    let account = session["account"].as_str().unwrap();
    assert!(
        account.starts_with("AC…") && account.chars().count() == 7,
        "{account}"
    );
}

#[tokio::test]
async fn services_and_uploads_go_through_to_the_emulator() {
    let relay = relay_on_emulator().await;
    let created = relay
        .post_form(
            "/api/serverless/v1/Services",
            &[
                ("UniqueName", "through-relay"),
                ("FriendlyName", "Through the relay"),
            ],
        )
        .await;
    let service = created["sid"].as_str().unwrap().to_owned();
    let function = relay
        .post_form(
            &format!("/api/serverless/v1/Services/{service}/Functions"),
            &[("FriendlyName", "/hello")],
        )
        .await;
    let function = function["sid"].as_str().unwrap().to_owned();

    let source = "exports.handler = (context, event, callback) => callback(null, 'hi');";
    let form = reqwest::multipart::Form::new()
        .text("Path", "/hello")
        .text("Visibility", "public")
        .part(
            "Content",
            reqwest::multipart::Part::text(source)
                .file_name("hello.js")
                .mime_str("application/javascript")
                .unwrap(),
        );
    let upload = relay
        .post(&format!(
            "/api/upload/v1/Services/{service}/Functions/{function}/Versions"
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    let version: serde_json::Value = upload.json().await.unwrap();
    let version = version["sid"].as_str().unwrap();

    let content = relay
        .get_json(&format!(
            "/api/serverless/v1/Services/{service}/Functions/{function}/Versions/{version}/Content"
        ))
        .await;
    assert_eq!(content.0, 200);
    assert_eq!(content.1["content"], source);
}
