//! Running deployed code is off in a relay that shares its console (`--token`,
//! `--trust-proxy-auth`, or an address beyond loopback) unless `--allow-code-execution` turns it
//! on, and the relay says so when it starts (docs/SECURITY.md, "Running deployed code").

mod common;

use common::spawn_relay;

const TOKEN: &str = "a-console-token-for-this-test";

async fn session(args: &[&str]) -> (serde_json::Value, String) {
    let relay = spawn_relay(args, &[]).await;
    let response = reqwest::Client::new()
        .get(relay.url("/api/session"))
        .header("X-Switchboard-Token", TOKEN)
        .send()
        .await
        .expect("session answers");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let printed = relay.stop().await;
    (body, printed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_console_does_not_run_deployed_code() {
    for shared in [vec!["--token", TOKEN], vec!["--trust-proxy-auth"]] {
        let (body, printed) = session(&shared).await;
        assert_eq!(body["upstream"], "emulator", "{body}");
        assert_eq!(body["runtime"], "off", "{shared:?}: {body}");
        assert!(
            printed.contains("Deployed functions will not run"),
            "{shared:?} printed: {printed}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_code_execution_turns_it_back_on() {
    let (body, printed) = session(&["--token", TOKEN, "--allow-code-execution"]).await;
    assert_ne!(body["runtime"], "off", "{body}");
    assert!(
        !printed.contains("Deployed functions will not run"),
        "{printed}"
    );
    // On loopback without a token the console is the developer's own: code runs (or is
    // simulated when node is missing), and the live URLs are on the emulator's port.
    let (body, _) = session(&[]).await;
    assert_ne!(body["runtime"], "off", "{body}");
    let template = body["live_url_template"].as_str().unwrap();
    assert!(
        template.starts_with("http://{domain}.localhost:"),
        "{template}"
    );
}
