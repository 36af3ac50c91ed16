//! What `switchboard serve` refuses to start with, and where it takes its credentials from: the
//! real binary, its settings from flags, the environment and a `.env` file.

mod common;

use common::{fake_upstream, relay, serve_refuses, spawn_relay};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "the-users-own-auth-token-0001";

/// `SWITCHBOARD_TOKEN=` (a unit file whose variable is unset) or `--token ""` made every empty
/// `X-Switchboard-Token` header pass, and let the relay listen on any address.
#[tokio::test]
async fn an_empty_or_short_console_token_is_refused_at_start_up() {
    let printed = serve_refuses(&["--token", ""], &[]).await;
    assert!(printed.contains("at least 16"), "{printed}");
    let printed = serve_refuses(&[], &[("SWITCHBOARD_TOKEN", "")]).await;
    assert!(printed.contains("at least 16"), "{printed}");
    let printed = serve_refuses(&["--token", "s3cret"], &[]).await;
    assert!(printed.contains("at least 16"), "{printed}");
    let printed = serve_refuses(&["--token", "has a space in it!!"], &[]).await;
    assert!(printed.contains("visible ASCII"), "{printed}");
    // A long enough token starts.
    let relay = spawn_relay(&["--token", "0123456789abcdef0123"], &[]).await;
    let refused = reqwest::Client::new()
        .get(relay.url("/api/session"))
        .header("X-Switchboard-Token", "")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    relay.stop().await;
}

/// A relay built in-process with an empty token (the library, not the command line) refuses to
/// be built, so an empty secret is never compared against.
#[tokio::test]
#[should_panic(expected = "the console token is empty")]
async fn a_relay_is_never_built_with_an_empty_token() {
    let upstream = fake_upstream().await;
    relay(&upstream, |config| config.token = Some(String::new())).await;
}

/// The same minimum holds for relays built in-process (the browser tests, the bench), not only
/// for the command line.
#[tokio::test]
#[should_panic(expected = "it needs at least 16")]
async fn a_relay_is_never_built_with_a_short_token() {
    let upstream = fake_upstream().await;
    relay(&upstream, |config| {
        config.token = Some("short-token".into())
    })
    .await;
}

/// `--allow-origin '*'` put `Access-Control-Allow-Origin: *` on every `/api` answer, so any
/// website could read services and variables from a loopback relay.
#[tokio::test]
async fn a_wildcard_or_malformed_allowed_origin_is_refused_at_start_up() {
    for origin in [
        "*",
        "https://*.example.com",
        "null",
        "admin.example.com",
        "https://admin.example.com/",
        "https://admin.example.com/console",
    ] {
        let printed = serve_refuses(&["--allow-origin", origin], &[]).await;
        assert!(
            printed.contains("exactly one origin"),
            "{origin}: {printed}"
        );
    }
    let printed = serve_refuses(&[], &[("SWITCHBOARD_ALLOW_ORIGIN", "*")]).await;
    assert!(printed.contains("wildcard"), "{printed}");
    let relay = spawn_relay(&["--allow-origin", "https://admin.example.com"], &[]).await;
    let answer = reqwest::Client::new()
        .get(relay.url("/api/session"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_ne!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("*")
    );
    relay.stop().await;
}

/// A `.env` in the working directory: its `TWILIO_REGION` made the upstream
/// `https://serverless.ashburn.ashburn.attacker.invalid/.twilio.com`, and its API key replaced
/// the auth token from the environment while the log still said "from the environment".
#[tokio::test]
async fn a_dotenv_neither_replaces_nor_redirects_the_environments_credentials() {
    let upstream = fake_upstream().await;
    let dir = std::env::temp_dir().join(format!("switchboard-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dotenv = dir.join(".env");
    std::fs::write(
        &dotenv,
        "TWILIO_API_KEY=SK0123456789abcdef0123456789abcdef\nTWILIO_API_SECRET=planted-secret\n\
         TWILIO_REGION=ashburn.attacker.invalid/\n",
    )
    .unwrap();
    let serverless = format!("http://{}", upstream.address);
    let env_file = dotenv.to_str().unwrap();
    let relay = spawn_relay(
        &["--serverless-url", &serverless, "--env-file", env_file],
        &[
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
        ],
    )
    .await;
    let listed = reqwest::get(relay.url("/api/serverless/v1/Services"))
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let session = relay.session().await;
    assert_eq!(session["api_key"], serde_json::Value::Null, "{session}");
    // The auth token signs the Test panel's calls of protected Functions.
    assert_eq!(session["signs_protected"], true, "{session}");
    assert_eq!(
        session["unsigned_reason"],
        serde_json::Value::Null,
        "{session}"
    );
    let printed = relay.stop().await;
    let calls = upstream.take();
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{AUTH_TOKEN}"))
    );
    assert_eq!(calls[0].authorization.as_deref(), Some(expected.as_str()));
    assert!(
        printed.contains("ignoring TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_REGION"),
        "{printed}"
    );
    assert!(
        printed.contains("from the environment: the auth token of account AC…cdef"),
        "{printed}"
    );

    // The environment's SID alone is not completed with the file's key: no credentials, so the
    // embedded emulator (with its own throwaway ones) serves.
    let relay = spawn_relay(
        &["--env-file", env_file],
        &[
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("HOME", dir.to_str().unwrap()),
        ],
    )
    .await;
    let session = relay.session().await;
    assert_eq!(session["upstream"], "emulator", "{session}");
    let printed = relay.stop().await;
    assert!(printed.contains("not a whole set"), "{printed}");

    // Alone, the .env's credentials are used, but not with a region that is not a name.
    std::fs::write(
        &dotenv,
        format!(
            "TWILIO_ACCOUNT_SID={ACCOUNT}\nTWILIO_AUTH_TOKEN=x\nTWILIO_REGION=ashburn.attacker.invalid/\n"
        ),
    )
    .unwrap();
    let printed = serve_refuses(
        &["--env-file", env_file],
        &[("HOME", dir.to_str().unwrap())],
    )
    .await;
    assert!(printed.contains("not a Twilio region name"), "{printed}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn region_and_edge_from_the_environment_must_be_twilio_names() {
    for (key, value) in [
        ("TWILIO_REGION", "ashburn.attacker.invalid/"),
        ("TWILIO_EDGE", "evil.example:443/x"),
        ("TWILIO_REGION", "IE1"),
    ] {
        let printed = serve_refuses(
            &["--env-file", "/nonexistent/.env"],
            &[
                ("TWILIO_ACCOUNT_SID", ACCOUNT),
                ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
                (key, value),
            ],
        )
        .await;
        assert!(
            printed.contains("is not a Twilio"),
            "{key}={value}: {printed}"
        );
    }
}

/// With an API key, `/api/session` shows the key's SID masked beside the account's, so the
/// console says which credential acts, and says that protected Functions cannot be tested:
/// signing their calls needs the auth token.
#[tokio::test]
async fn the_session_shows_the_api_key_in_use() {
    let upstream = fake_upstream().await;
    let serverless = format!("http://{}", upstream.address);
    let relay = spawn_relay(
        &[
            "--serverless-url",
            &serverless,
            "--env-file",
            "/nonexistent/.env",
        ],
        &[
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_API_KEY", "SKfedcba9876543210fedcba9876543210"),
            ("TWILIO_API_SECRET", "api-secret-of-the-user"),
        ],
    )
    .await;
    let session = relay.session().await;
    assert_eq!(session["account"], "AC…cdef", "{session}");
    assert_eq!(session["api_key"], "SK…3210", "{session}");
    assert_eq!(session["signs_protected"], false, "{session}");
    let reason = session["unsigned_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("API-key") && reason.contains("auth token"),
        "{session}"
    );
    let printed = relay.stop().await;
    assert!(
        printed.contains("from the environment: API key SK…3210 of account AC…cdef"),
        "{printed}"
    );
}

/// `TWILIO_REGION=` or `TWILIO_EDGE=` set to nothing (a unit file or shell whose variable is
/// unset) stopped the start with "not a Twilio region name": empty means unset, as for the
/// credentials.
#[tokio::test]
async fn an_empty_region_or_edge_counts_as_unset() {
    let relay = spawn_relay(
        &["--env-file", "/nonexistent/.env"],
        &[
            ("TWILIO_ACCOUNT_SID", ACCOUNT),
            ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
            ("TWILIO_REGION", ""),
            ("TWILIO_EDGE", ""),
        ],
    )
    .await;
    let session = relay.session().await;
    assert_eq!(session["upstream"], "twilio", "{session}");
    assert_eq!(session["region"], serde_json::Value::Null, "{session}");
    assert_eq!(session["edge"], serde_json::Value::Null, "{session}");
    let printed = relay.stop().await;
    assert!(
        printed.contains("Twilio (https://serverless.twilio.com)"),
        "{printed}"
    );
}
