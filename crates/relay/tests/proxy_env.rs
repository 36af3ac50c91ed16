//! A relay behind a corporate proxy: with `HTTP_PROXY`/`HTTPS_PROXY` set, its upstream calls go
//! through an HTTP CONNECT tunnel to that proxy (the upstream's name is never resolved locally).

mod common;

use common::{connect_proxy, fake_upstream, spawn_relay};

#[tokio::test]
async fn upstream_calls_tunnel_through_the_environments_proxy() {
    let upstream = fake_upstream().await;
    let (proxy_address, connects) = connect_proxy(upstream.address).await;
    let proxy_url = format!("http://{proxy_address}");
    let relay = spawn_relay(
        &["--serverless-url", "http://twilio.invalid:8443"],
        &[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
            ("TWILIO_AUTH_TOKEN", "proxy-test-token"),
            ("HTTP_PROXY", proxy_url.as_str()),
            ("HTTPS_PROXY", proxy_url.as_str()),
        ],
    )
    .await;
    let response = reqwest::get(relay.url("/api/serverless/v1/Services"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        *connects.lock().unwrap(),
        ["CONNECT twilio.invalid:8443 HTTP/1.1"]
    );
    let calls = upstream.take();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path_and_query, "/v1/Services");
    assert!(
        calls[0]
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic ")),
        "the credentials travel inside the tunnel"
    );
    relay.stop().await;
}

/// A `.env` with `TWILIO_REGION=ashburn.attacker.invalid/` in the working directory sent the
/// user's Basic header to `serverless.ashburn.ashburn.attacker.invalid/.twilio.com` (seen here as
/// the CONNECT the relay asked its proxy for). With the credentials from the environment, the
/// `.env` is not read for them nor for their hosts.
#[tokio::test]
async fn a_dotenv_region_cannot_send_the_credentials_elsewhere() {
    let upstream = fake_upstream().await;
    let (proxy_address, connects) = connect_proxy(upstream.address).await;
    let dir = std::env::temp_dir().join(format!("switchboard-proxy-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dotenv = dir.join(".env");
    std::fs::write(
        &dotenv,
        "TWILIO_REGION=ashburn.attacker.invalid/\nTWILIO_EDGE=x\n",
    )
    .unwrap();
    let proxy_url = format!("http://{proxy_address}");
    let relay = spawn_relay(
        &["--env-file", dotenv.to_str().unwrap()],
        &[
            ("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"),
            ("TWILIO_AUTH_TOKEN", "0123456789abcdef0123456789abcdef"),
            ("HTTPS_PROXY", proxy_url.as_str()),
        ],
    )
    .await;
    let response = reqwest::get(relay.url("/api/serverless/v1/Services"))
        .await
        .unwrap();
    // The fake upstream speaks no TLS, so the call itself fails; where it went is the point.
    assert_eq!(response.status(), 502);
    assert_eq!(
        *connects.lock().unwrap(),
        ["CONNECT serverless.twilio.com:443 HTTP/1.1"]
    );
    assert!(upstream.take().is_empty());
    relay.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
