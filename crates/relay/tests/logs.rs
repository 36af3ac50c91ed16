//! The upstream credential never appears in what the relay prints or answers: the real binary,
//! given a known `TWILIO_AUTH_TOKEN` and pointed at a local fake upstream, is driven through
//! every kind of route and fault at the most verbose log level, and everything it wrote to
//! stdout and stderr, and every response, is scanned.

mod common;

use base64::Engine;
use common::{RelayProcess, fake_upstream, spawn_relay};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "tok3n-that-must-never-leak-7f3a9c";
const CONSOLE_TOKEN: &str = "console-token-also-secret-51be";

/// Every form the credential could take in a log line or a response.
fn secrets() -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{AUTH_TOKEN}"));
    vec![
        AUTH_TOKEN.to_owned(),
        basic.clone(),
        format!("Basic {basic}"),
        CONSOLE_TOKEN.to_owned(),
        // The whole account SID is not a secret on its own, but the relay only ever shows it
        // masked, so seeing it in full would mean a header or URL was dumped.
        ACCOUNT.to_owned(),
    ]
}

/// Calls every route shape, fault and refusal, returning all response headers and bodies.
async fn exercise(relay: &RelayProcess) -> String {
    let http = reqwest::Client::new();
    let zs = "ZS0123456789abcdef0123456789abcdef";
    let zh = "ZH0123456789abcdef0123456789abcdef";
    let mut seen = String::new();
    let gets = [
        "/",
        "/services",
        "/api/health",
        "/api/session",
        "/api/serverless/v1/Services?PageSize=5",
        "/api/serverless/v1/Services/broken",
        "/api/serverless/v1/Services/ratelimited",
        "/api/serverless/v1/Services/slow",
        "/api/serverless/v1/Services/hangup",
        "/api/serverless/v1/Accounts",
        "/api/serverless/v1/Services/..%2F..%2FAccounts",
        "/api/nope",
    ];
    for path in gets {
        for token in [None, Some(CONSOLE_TOKEN), Some("wrong")] {
            let mut request = http.get(relay.url(path));
            if let Some(token) = token {
                request = request.header("X-Switchboard-Token", token);
            }
            if let Ok(response) = request.send().await {
                seen.push_str(&format!("{:?}\n", response.headers()));
                seen.push_str(&response.text().await.unwrap_or_default());
            }
        }
    }
    let posts = [
        (
            "/api/serverless/v1/Services",
            "UniqueName=a&FriendlyName=b".to_owned(),
        ),
        (
            &*format!("/api/upload/v1/Services/{zs}/Functions/{zh}/Versions"),
            "--x\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\npublic\r\n--x--\r\n"
                .to_owned(),
        ),
    ]
    .map(|(p, b)| (p.to_owned(), b));
    for (path, body) in posts {
        for csrf in [true, false] {
            let mut request = http
                .post(relay.url(&path))
                .header("X-Switchboard-Token", CONSOLE_TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=x")
                .body(body.clone());
            if csrf {
                request = request.header("X-Switchboard-Csrf", "1");
            }
            if let Ok(response) = request.send().await {
                seen.push_str(&format!("{:?}\n", response.headers()));
                seen.push_str(&response.text().await.unwrap_or_default());
            }
        }
    }
    seen
}

async fn check_run(extra_args: &[&str]) {
    let upstream = fake_upstream().await;
    let serverless = format!("http://{}", upstream.address);
    let mut args = vec![
        "--serverless-url",
        serverless.as_str(),
        "--upstream-timeout",
        "300ms",
    ];
    args.extend_from_slice(extra_args);
    let relay = spawn_relay(
        &args,
        &[
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("SWITCHBOARD_TOKEN", CONSOLE_TOKEN),
            ("RUST_LOG", "trace"),
        ],
    )
    .await;
    let responses = exercise(&relay).await;
    let output = relay.stop().await;

    // The run was real: the credential went upstream, and the relay logged its requests.
    let calls = upstream.take();
    assert!(
        calls.len() >= 5,
        "{} calls reached the upstream",
        calls.len()
    );
    assert!(calls.iter().all(|c| {
        c.authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))
    }));
    assert!(
        output.contains("/api/serverless/v1/Services"),
        "no access log:\n{output}"
    );
    assert!(
        output.lines().count() > 20,
        "too little output to mean anything:\n{output}"
    );
    for secret in secrets() {
        if let Some(line) = output.lines().find(|l| l.contains(&secret)) {
            panic!("the relay printed a credential ({secret}):\n{line}");
        }
        assert!(!responses.contains(&secret), "a response carries {secret}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_or_response_carries_a_credential() {
    check_run(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_json_log_line_carries_a_credential() {
    check_run(&["--log-json"]).await;
}

/// `switchboard emulator` prints throwaway credentials so a client can use them, but never the
/// ones it was given through the environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_does_not_print_credentials_from_the_environment() {
    let (address, mut child) =
        common::spawn_emulator((ACCOUNT, AUTH_TOKEN), &[("RUST_LOG", "trace".as_ref())]);
    let mut answered = false;
    if let Some(answer) = common::first_answer(address, "/v1/Services", (ACCOUNT, AUTH_TOKEN)).await
    {
        answered = answer.status() == 200;
        let _ = common::first_answer(address, "/v1/Services", (ACCOUNT, "wrong")).await;
    }
    child.start_kill().unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(
        answered,
        "the emulator accepted the environment's credentials"
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("credentials from the environment"),
        "{printed}"
    );
    assert!(!printed.contains(AUTH_TOKEN), "{printed}");
}
