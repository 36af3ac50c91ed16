//! The relay beside a console hosted elsewhere: CORS for exactly the origins named, preflights
//! from others refused, who may frame the console, the config.json it writes from its flags, and
//! the policy `switchboard csp` prints for static hosts.

mod common;

use common::{fake_upstream, relay, serve_refuses};

const CONSOLE: &str = "https://admin.example.com";
const PORTAL: &str = "https://portal.example.com";

fn preflight(relay: &common::TestRelay, origin: &str) -> reqwest::RequestBuilder {
    relay
        .client
        .request(
            reqwest::Method::OPTIONS,
            relay.url("/api/serverless/v1/Services"),
        )
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "x-switchboard-csrf,x-switchboard-token",
        )
}

#[tokio::test]
async fn a_preflight_passes_from_the_configured_origin_and_is_refused_from_another() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.allow_origin = vec![CONSOLE.into(), "http://127.0.0.1:3000".into()]
    })
    .await;
    for origin in [CONSOLE, "http://127.0.0.1:3000"] {
        let allowed = preflight(&relay, origin).send().await.unwrap();
        assert_eq!(allowed.status(), 200, "{origin}");
        let headers = allowed.headers();
        assert_eq!(headers["access-control-allow-origin"], origin);
        let listed = headers["access-control-allow-headers"].to_str().unwrap();
        for needed in ["x-switchboard-csrf", "x-switchboard-token", "content-type"] {
            assert!(listed.contains(needed), "{needed} in {listed}");
        }
        // The token is a header, never a cookie: nothing asks the browser to send cookies.
        assert!(!headers.contains_key("access-control-allow-credentials"));
    }
    for origin in [
        "https://evil.example",
        "https://admin.example.com.evil.example",
        "http://admin.example.com",
        "null",
    ] {
        let refused = preflight(&relay, origin).send().await.unwrap();
        assert_eq!(refused.status(), 403, "{origin}");
        assert!(
            !refused
                .headers()
                .contains_key("access-control-allow-origin"),
            "{origin}"
        );
    }
    let no_origin = relay
        .client
        .request(
            reqwest::Method::OPTIONS,
            relay.url("/api/serverless/v1/Services"),
        )
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403);
    assert!(upstream.take().is_empty(), "no preflight reached Twilio");
}

/// Without `--allow-origin`, a preflight went on to the API routes as if it were a call (and the
/// relayed ones to Twilio); now every cross-origin preflight is refused.
#[tokio::test]
async fn without_allowed_origins_every_preflight_is_refused() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |_| {}).await;
    for path in [
        "/api/serverless/v1/Services",
        "/api/session",
        "/api/upload/v1/x",
    ] {
        let refused = relay
            .client
            .request(reqwest::Method::OPTIONS, relay.url(path))
            .header("Origin", CONSOLE)
            .header("Access-Control-Request-Method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{path}");
    }
    assert!(upstream.take().is_empty());
}

/// A write from the configured console passes with the CSRF header and is readable there; the
/// same write from another origin, or without the header, is refused as before.
#[tokio::test]
async fn cross_origin_writes_keep_the_csrf_and_origin_rules() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.allow_origin = vec![CONSOLE.into()]
    })
    .await;
    let post = |origin: &'static str, csrf: bool| {
        let mut request = relay
            .client
            .post(relay.url("/api/serverless/v1/Services"))
            .header("Origin", origin)
            .form(&[("UniqueName", "a"), ("FriendlyName", "b")]);
        if csrf {
            request = request.header("X-Switchboard-Csrf", "1");
        }
        request.send()
    };
    let ok = post(CONSOLE, true).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["access-control-allow-origin"], CONSOLE);
    assert_eq!(post(CONSOLE, false).await.unwrap().status(), 403);
    let other = post("https://evil.example", true).await.unwrap();
    assert_eq!(other.status(), 403);
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    assert_eq!(
        upstream.take().len(),
        1,
        "only the allowed write was relayed"
    );
}

#[tokio::test]
async fn by_default_nothing_may_frame_the_console() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |_| {}).await;
    for path in [
        "/",
        "/services/ZS0123456789abcdef0123456789abcdef",
        "/api/session",
    ] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.ends_with("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn frame_ancestors_name_who_may_frame_the_console() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.frame_ancestors = vec![PORTAL.into(), "http://127.0.0.1:3000".into()]
    })
    .await;
    for path in [
        "/",
        "/services/ZS0123456789abcdef0123456789abcdef",
        "/api/session",
    ] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.ends_with(&format!("frame-ancestors {PORTAL} http://127.0.0.1:3000")),
            "{path}: {csp}"
        );
        // The older header can only say DENY or SAMEORIGIN, and would override the list.
        assert!(!headers.contains_key("x-frame-options"), "{path}");
    }
    // hyper's own answers (here a malformed request) carry the same rule.
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n";
    let answer = common::raw_exchange(relay.address, request)
        .await
        .to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 400"), "{answer}");
    assert!(
        answer.contains(&format!("frame-ancestors {PORTAL}")),
        "{answer}"
    );
    assert!(!answer.contains("x-frame-options"), "{answer}");
}

#[tokio::test]
async fn wildcards_keywords_and_paths_are_refused_as_frame_ancestors() {
    for bad in [
        "*",
        "'self'",
        "'unsafe-inline'",
        "https:",
        "https://*.example.com",
        "https://portal.example.com/admin",
        "https://portal.example.com/",
        "portal.example.com",
        "https://portal.example.com; script-src *",
    ] {
        let printed = serve_refuses(&["--frame-ancestors", bad], &[]).await;
        assert!(printed.contains("--frame-ancestors"), "{bad}: {printed}");
    }
    let printed = serve_refuses(&[], &[("SWITCHBOARD_FRAME_ANCESTORS", "*")]).await;
    assert!(printed.contains("wildcard"), "{printed}");
    for bad in [
        "relay.example.com/api",
        "//relay.example.com/api",
        "javascript:alert(1)",
        "https://relay.example.com/api; connect-src *",
    ] {
        let printed = serve_refuses(&["--public-api-url", bad], &[]).await;
        assert!(printed.contains("--public-api-url"), "{bad}: {printed}");
    }
    let printed = serve_refuses(&["--display-name", "a\nb"], &[]).await;
    assert!(printed.contains("--display-name"), "{printed}");
}

/// In-process relays (the browser tests, the bench) hold the same rule as the command line.
#[tokio::test]
#[should_panic(expected = "--frame-ancestors")]
async fn a_relay_is_never_built_with_a_wildcard_frame_ancestor() {
    let upstream = fake_upstream().await;
    relay(&upstream, |config| {
        config.frame_ancestors = vec!["*".into()]
    })
    .await;
}

#[tokio::test]
async fn the_relay_writes_config_json_from_its_flags() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.public_api_url = Some("https://relay.example.com/api".into());
        config.display_name = Some("Acme \"production\"".into());
    })
    .await;
    let response = relay
        .client
        .get(relay.url("/config.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let config: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        config,
        serde_json::json!({
            "apiBaseUrl": "https://relay.example.com/api",
            "displayName": "Acme \"production\"",
        })
    );
    // The console may call that origin, and only that one besides its own.
    let page = relay.client.get(relay.url("/")).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("connect-src 'self' https://relay.example.com;"),
        "{csp}"
    );
}

/// Without those flags there is no config.json: the console behaves as it always did.
#[tokio::test]
async fn without_flags_there_is_no_config_json() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |_| {}).await;
    let response = relay
        .client
        .get(relay.url("/config.json"))
        .send()
        .await
        .unwrap();
    let kind = response.headers()["content-type"].to_str().unwrap();
    assert!(
        kind.starts_with("text/html"),
        "the SPA fallback, not JSON: {kind}"
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("connect-src 'self';"), "{csp}");
}

/// What `switchboard csp` prints for a static host is what the relay itself sends with the page.
#[tokio::test]
async fn switchboard_csp_prints_the_policy_the_relay_sends() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.frame_ancestors = vec![PORTAL.into()];
        config.public_api_url = Some("https://relay.example.com/api".into());
    })
    .await;
    let page = relay.client.get(relay.url("/")).send().await.unwrap();
    let sent = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("csp")
        .arg("--dist")
        .arg(&relay.dist.0)
        .args(["--frame-ancestors", PORTAL])
        .args(["--public-api-url", "https://relay.example.com/api"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), sent);
}
