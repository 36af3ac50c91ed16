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

/// Without node and npm on the PATH the emulator says so once and simulates builds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_node_the_emulator_says_so_and_simulates() {
    const ACCOUNT: &str = "AC00000000000000000000000000000019";
    const AUTH_TOKEN: &str = "token-for-the-runtime-test";
    let empty = std::env::temp_dir().join(format!("switchboard-no-node-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (address, mut child) =
        common::spawn_emulator((ACCOUNT, AUTH_TOKEN), &[("PATH", empty.as_os_str())]);
    let mut runtime = serde_json::Value::Null;
    if let Some(answer) =
        common::first_answer(address, "/__emulator/runtime", (ACCOUNT, AUTH_TOKEN)).await
    {
        runtime = answer.json().await.unwrap();
    }
    child.start_kill().unwrap();
    let output = child.wait_with_output().await.unwrap();
    let _ = std::fs::remove_dir_all(&empty);
    assert_eq!(runtime["execution"], "simulated", "{runtime}");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        printed
            .matches("node and npm are not both installed")
            .count(),
        1,
        "{printed}"
    );
    assert!(printed.contains("Builds are simulated"), "{printed}");
}
