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
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let empty = std::env::temp_dir().join(format!("switchboard-no-node-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["emulator", "--listen", &address.to_string()])
        .env("PATH", &empty)
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let mut runtime = serde_json::Value::Null;
    for _ in 0..200 {
        if let Ok(response) = http
            .get(format!("http://{address}/__emulator/runtime"))
            .basic_auth(ACCOUNT, Some(AUTH_TOKEN))
            .send()
            .await
        {
            runtime = response.json().await.unwrap();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
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
