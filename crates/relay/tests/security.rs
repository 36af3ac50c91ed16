//! Token, CSRF, security headers and static files, over real sockets.

mod common;

use base64::Engine;
use common::{INLINE_SCRIPT, PRECOMPRESSED_WASM, default_relay, fake_upstream, relay};
use sha2::Digest;
use switchboard_models::{TwilioError, relay};

#[tokio::test]
async fn the_token_guards_the_api_but_not_the_console_or_health() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.token = Some("s3cret-token-0123456789".into())
    })
    .await;
    let (status, body) = relay.get_json("/api/serverless/v1/Services").await;
    assert_eq!((status, body["status"].as_u64()), (401, Some(401)));
    let refusal: TwilioError = serde_json::from_value(body).unwrap();
    assert!(
        relay::is_token_required(&refusal),
        "the console recognises it by code: {refusal:?}"
    );
    let wrong = relay
        .client
        .get(relay.url("/api/session"))
        .header("X-Switchboard-Token", "s3cret-tokex")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = relay
        .client
        .get(relay.url("/api/serverless/v1/Services"))
        .header("X-Switchboard-Token", "s3cret-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert_eq!(relay.get_json("/api/health").await.0, 200);
    assert_eq!(
        relay
            .client
            .get(relay.url("/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        upstream.take().len(),
        1,
        "only the authorised call reached the upstream"
    );
}

#[tokio::test]
async fn writes_need_the_csrf_header_and_a_same_origin() {
    let (upstream, relay) = default_relay().await;
    let post = |csrf: bool, origin: Option<String>| {
        let mut request = relay
            .client
            .post(relay.url("/api/serverless/v1/Services"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("UniqueName=a&FriendlyName=b");
        if csrf {
            request = request.header("X-Switchboard-Csrf", "1");
        }
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send()
    };
    let refused = post(false, None).await.unwrap();
    assert_eq!(refused.status(), 403);
    let refusal: TwilioError = refused.json().await.unwrap();
    assert!(relay::is_refusal(&refusal) && !relay::is_token_required(&refusal));
    assert_eq!(
        post(true, Some("https://evil.example".into()))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(true, Some(format!("http://{}", relay.address)))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(post(true, None).await.unwrap().status(), 200);
    let seen = upstream.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body_len, "UniqueName=a&FriendlyName=b".len());
}

#[tokio::test]
async fn another_origin_is_allowed_only_when_named() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.allow_origin = vec!["https://admin.example.com".into()]
    })
    .await;
    let preflight = relay
        .client
        .request(
            reqwest::Method::OPTIONS,
            relay.url("/api/serverless/v1/Services"),
        )
        .header("Origin", "https://admin.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-switchboard-csrf")
        .send()
        .await
        .unwrap();
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let other = relay
        .client
        .get(relay.url("/api/serverless/v1/Services"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    let allowed = other.headers().get("access-control-allow-origin");
    assert!(
        allowed.is_none_or(|o| o == "https://admin.example.com"),
        "{allowed:?}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (_upstream, relay) = default_relay().await;
    let hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(INLINE_SCRIPT.as_bytes()));
    for path in [
        "/",
        "/services/ZS0123456789abcdef0123456789abcdef/builds",
        "/api/session",
        "/api/nope",
    ] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{path}: the bootstrap script is allowed by hash"
        );
        assert!(
            !csp.contains("unsafe-inline"),
            "{path}: no inline script beyond the hashed one"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
}

/// The console rebuilt while the relay runs (`cargo xtask dist`, a redeploy of `dist/`): the
/// page's CSP allows the new index.html's bootstrap. It used to keep the hash read at start-up,
/// and every page stayed blank until a restart.
#[tokio::test]
async fn a_rebuilt_console_gets_the_csp_of_its_own_index_html() {
    let (_upstream, relay) = default_relay().await;
    let rebuilt = "import init from '/app-fedcba9876543210.js'; init();";
    std::fs::write(
        relay.dist.0.join("index.html"),
        format!(
            "<!DOCTYPE html><html><head><script type=\"module\">{rebuilt}</script></head></html>"
        ),
    )
    .unwrap();
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(rebuilt.as_bytes()));
    for path in ["/", "/services/ZS0123456789abcdef0123456789abcdef"] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
        let modified = response.headers()["last-modified"].clone();
        assert!(response.text().await.unwrap().contains(rebuilt), "{path}");
        // A reload asks whether its copy is current; the 304 refreshes the copy's headers, so
        // it must carry the same policy, not the one read at start-up.
        let again = relay
            .client
            .get(relay.url(path))
            .header("If-Modified-Since", modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        let csp = again.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{path} (304): {csp}"
        );
    }
}

#[tokio::test]
async fn static_files_have_spa_fallback_mime_types_and_cache_policy() {
    let (_upstream, relay) = default_relay().await;
    let deep = relay
        .client
        .get(relay.url("/services/ZS0123/functions/ZH0123"))
        .send()
        .await
        .unwrap();
    assert_eq!(deep.status(), 200);
    assert_eq!(deep.headers()["cache-control"], "no-cache");
    assert!(deep.text().await.unwrap().contains(INLINE_SCRIPT));

    let wasm = relay
        .client
        .get(relay.url("/app-0123456789abcdef_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let js = relay
        .client
        .get(relay.url("/app-0123456789abcdef.js"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(js.headers()["content-encoding"], "gzip");
    let br = relay
        .client
        .get(relay.url("/app-0123456789abcdef.js"))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");

    let (status, body) = relay.get_json("/api/unknown/thing").await;
    assert_eq!((status, body["code"].as_u64()), (404, Some(20404)));
}

/// A tab opened before a redeploy asks for the previous build's files: they are gone, and
/// answering with index.html (the SPA fallback) under a name browsers cache for a year would
/// leave that HTML in place of the script or chunk for good.
#[tokio::test]
async fn a_built_file_that_is_not_in_the_build_is_a_404_not_the_page() {
    let (_upstream, relay) = default_relay().await;
    for path in [
        "/app-fedcba9876543210.js",
        "/app-fedcba9876543210_bg.wasm",
        "/chunks-fedcba9876543210/split_deploy.wasm",
        "/chunks-fedcba9876543210/loader.js",
    ] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_ne!(
            response
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    // Deep links get the console, uncached, even when a segment ends in hex digits.
    for path in ["/services/ZS0123", "/services/api-20240101abcd"] {
        let page = relay.client.get(relay.url(path)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
    }

    // A revalidated built file stays cacheable for good.
    let url = relay.url("/app-0123456789abcdef_bg.wasm");
    let first = relay.client.get(&url).send().await.unwrap();
    let modified = first.headers()["last-modified"].clone();
    let again = relay
        .client
        .get(&url)
        .header("If-Modified-Since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(
        again.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

/// A wrong URL for a script, a chunk or a style (a relative URL resolved against a deep link,
/// `/services/chunks-…/loader.js`) fails loudly with a 404 rather than receiving the page as a
/// script, whatever its name: only addresses that are not files get the SPA fallback.
#[tokio::test]
async fn an_asset_path_that_is_not_in_the_build_is_a_404_not_the_page() {
    let (_upstream, relay) = default_relay().await;
    for path in [
        "/services/chunks-0123456789abcdef/loader.js",
        "/services/ZS0123/app.js",
        "/sb/app_bg.wasm",
        "/services/main.css",
        "/services/ZS0123/favicon.svg",
        "/services/app.mjs",
    ] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
    }
    // config.json is not a built file: without one, the page's script reads the fallback as
    // "no settings", as on a static host.
    let config = relay.client.get(relay.url("/config.json")).send().await;
    assert_eq!(config.unwrap().status(), 200);
}

/// DNS rebinding: a page at http://rebind.attacker:8080 whose name is re-pointed at 127.0.0.1 is
/// same-origin with a token-less loopback relay. Only loopback names may reach its API.
#[tokio::test]
async fn without_a_token_the_api_answers_only_to_loopback_names() {
    let (upstream, relay) = default_relay().await;
    let port = relay
        .url("/")
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    let get = |host: String| {
        relay
            .client
            .get(relay.url("/api/serverless/v1/Services"))
            .header("Host", host)
            .send()
    };
    let rebound = get(format!("rebind.attacker:{port}")).await.unwrap();
    assert_eq!(rebound.status(), 403);
    let body: serde_json::Value = rebound.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("loopback"),
        "{body}"
    );
    assert!(
        upstream.take().is_empty(),
        "a rebound request reached the upstream"
    );
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get(host.clone()).await.unwrap().status(), 200, "{host}");
    }
    // The console itself is still served, so a rebinding page learns nothing it could not fetch.
    let page = relay
        .client
        .get(relay.url("/"))
        .header("Host", format!("rebind.attacker:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);

    // With a token (required beyond loopback) any name may be used: the token is the guard.
    let guarded = relay_with_token(&upstream).await;
    let named = guarded
        .client
        .get(guarded.url("/api/serverless/v1/Services"))
        .header("Host", "admin.example.com")
        .header("X-Switchboard-Token", "s3cret-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), 200);
}

async fn relay_with_token(upstream: &common::FakeUpstream) -> common::TestRelay {
    relay(upstream, |config| {
        config.token = Some("s3cret-token-0123456789".into())
    })
    .await
}

#[tokio::test]
async fn precompressed_siblings_are_served_as_they_are() {
    let (_upstream, relay) = default_relay().await;
    let get = |encoding: &'static str| {
        relay
            .client
            .get(relay.url("/app-0123456789abcdef_bg.wasm"))
            .header("Accept-Encoding", encoding)
            .send()
    };

    let br = get("gzip, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.bytes().await.unwrap().as_ref(), PRECOMPRESSED_WASM);

    // No `.gz` sibling: the file itself, never the brotli bytes under another name.
    let gzip = get("gzip").await.unwrap();
    assert!(gzip.headers().get("content-encoding").is_none());
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");
}

/// `--trust-proxy-auth` on a loopback address turned the DNS-rebinding check off: a rebound page
/// got a 200 on a POST. On loopback the flag keeps the loopback-name rule.
#[tokio::test]
async fn trusting_a_proxy_on_loopback_keeps_the_loopback_name_rule() {
    let upstream = fake_upstream().await;
    let serverless = format!("http://{}", upstream.address);
    let relay = common::spawn_relay(
        &["--trust-proxy-auth", "--serverless-url", &serverless],
        &[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
            ("TWILIO_AUTH_TOKEN", "trust-proxy-test-token"),
        ],
    )
    .await;
    let port = relay.address.port();
    let client = reqwest::Client::new();
    let post = |host: String| {
        client
            .post(relay.url("/api/serverless/v1/Services"))
            .header("Host", host.clone())
            .header("Origin", format!("http://{host}"))
            .header("X-Switchboard-Csrf", "1")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("UniqueName=rebound&FriendlyName=x")
            .send()
    };
    let rebound = post(format!("rebind.attacker:{port}")).await.unwrap();
    assert_eq!(rebound.status(), 403);
    assert!(
        upstream.take().is_empty(),
        "a rebound write reached the upstream"
    );
    assert_eq!(
        post(format!("localhost:{port}")).await.unwrap().status(),
        200
    );
    relay.stop().await;
}

/// Host forms a browser never sends but a lax parser took for loopback, and duplicate Host
/// headers (the first won): all refused before reaching the upstream.
#[tokio::test]
async fn only_strict_loopback_hosts_pass_and_duplicates_are_refused() {
    let (upstream, relay) = default_relay().await;
    let port = relay.address.port();
    let corpus = include_str!("data/attack_hosts.txt");
    let hosts: Vec<String> = corpus
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.replace("PORT", &port.to_string()))
        .collect();
    assert!(hosts.len() >= 20, "the corpus lost entries");
    for host in hosts {
        let request = format!(
            "GET /api/serverless/v1/Services HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let answer = common::raw_exchange(relay.address, request.as_bytes()).await;
        let status = common::status_of(&answer);
        assert!(status == 403 || status == 400, "{host}: {answer}");
    }
    for hosts in [
        format!("Host: localhost:{port}\r\nHost: rebind.attacker:{port}"),
        format!("Host: rebind.attacker:{port}\r\nHost: localhost:{port}"),
        format!("Host: localhost:{port}\r\nHost: localhost:{port}"),
    ] {
        let request = format!(
            "GET /api/serverless/v1/Services HTTP/1.1\r\n{hosts}\r\nConnection: close\r\n\r\n"
        );
        let answer = common::raw_exchange(relay.address, request.as_bytes()).await;
        assert_eq!(common::status_of(&answer), 400, "{hosts}: {answer}");
        assert!(
            common::header_of(&answer, "content-security-policy").is_some(),
            "{answer}"
        );
    }
    assert!(
        upstream.take().is_empty(),
        "a lax Host reached the upstream"
    );
}

/// A symlink in `dist/` to `/etc/passwd` was served, and so were dotfiles.
#[tokio::test]
async fn symlinks_out_of_dist_and_dotfiles_are_not_served() {
    let (_upstream, relay) = default_relay().await;
    let dist = &relay.dist.0;
    std::os::unix::fs::symlink("/etc/passwd", dist.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", dist.join("etc")).unwrap();
    // A precompressed sibling that points out: ServeDir would pick it for `br`.
    std::os::unix::fs::symlink("/etc/passwd", dist.join("app-0123456789abcdef.js.br")).unwrap();
    std::fs::write(dist.join(".env"), "TWILIO_AUTH_TOKEN=left-in-dist\n").unwrap();
    std::fs::create_dir_all(dist.join(".git")).unwrap();
    std::fs::write(dist.join(".git/config"), "[core]\n").unwrap();
    std::fs::write(dist.join("inside.txt"), "a file of the build\n").unwrap();
    std::os::unix::fs::symlink(dist.join("inside.txt"), dist.join("alias.txt")).unwrap();

    for (path, encoding) in [
        ("/passwd.txt", "identity"),
        ("/etc/passwd", "identity"),
        ("/etc/hostname", "identity"),
        ("/app-0123456789abcdef.js", "br"),
        ("/.env", "identity"),
        ("/%2eenv", "identity"),
        ("/.git/config", "identity"),
        ("/services/.env", "identity"),
    ] {
        let answer = relay
            .client
            .get(relay.url(path))
            .header("Accept-Encoding", encoding)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body = answer.text().await.unwrap_or_default();
        assert_eq!(status, 404, "{path} ({encoding}): {body}");
        assert!(
            !body.contains("root:") && !body.contains("left-in-dist") && !body.contains("[core]"),
            "{path}: {body}"
        );
    }
    // A link that stays inside dist/ is a file of the build like any other.
    let alias = relay
        .client
        .get(relay.url("/alias.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(alias.status(), 200);
    assert_eq!(alias.text().await.unwrap(), "a file of the build\n");
}

/// A file outside any build, for links to point at.
struct Outside(std::path::PathBuf);

impl Outside {
    fn new(name: &str) -> Outside {
        let path = std::env::temp_dir().join(format!(
            "switchboard-outside-{}-{name}.txt",
            std::process::id()
        ));
        std::fs::write(&path, "outside-secret <script>alert(1)</script>\n").unwrap();
        Outside(path)
    }
}

impl Drop for Outside {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// GETs `path` and returns the status and body.
async fn fetch(relay: &common::TestRelay, path: &str, encoding: &str) -> (u16, String) {
    let answer = relay
        .client
        .get(relay.url(path))
        .header("Accept-Encoding", encoding)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap_or_default())
}

/// `dist` as a symlink that a redeploy re-points: the check looked at the release the link named
/// at start-up, so a file only in the new release passed unchecked, and a link in it to a file
/// outside was served.
#[tokio::test]
async fn a_redeployed_dist_link_is_checked_where_it_points_now() {
    let upstream = fake_upstream().await;
    let outside = Outside::new("redeploy");
    let (old, new) = (common::TempDist::new(), common::TempDist::new());
    std::fs::write(new.0.join("fresh.txt"), "only in the new release\n").unwrap();
    std::os::unix::fs::symlink(&outside.0, new.0.join("linked.txt")).unwrap();
    let link = old.0.with_extension("current");
    std::os::unix::fs::symlink(&old.0, &link).unwrap();
    let served = link.clone();
    let relay = relay(&upstream, move |config| config.dist = served).await;
    // Before the redeploy, neither file is in the build: the console's page answers.
    let (status, body) = fetch(&relay, "/fresh.txt", "identity").await;
    assert_eq!(status, 200);
    assert!(body.contains(INLINE_SCRIPT), "{body}");

    // The redeploy: the link is replaced, atomically, by one to the new release.
    let next = old.0.with_extension("next");
    std::os::unix::fs::symlink(&new.0, &next).unwrap();
    std::fs::rename(&next, &link).unwrap();
    let (status, body) = fetch(&relay, "/linked.txt", "identity").await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.contains("outside-secret"), "{body}");
    let (status, body) = fetch(&relay, "/fresh.txt", "identity").await;
    assert_eq!(
        (status, body.as_str()),
        (200, "only in the new release\n"),
        "the new release is served"
    );
    let _ = std::fs::remove_file(&link);
}

/// The directory's `index.html` (and its precompressed copies) for `/` and `/sub/`, and the
/// index.html of the SPA fallback, were never checked: linked out of `dist/`, they were served.
#[tokio::test]
async fn index_files_linked_out_of_dist_are_not_served() {
    let upstream = fake_upstream().await;
    let outside = Outside::new("index");
    let relay = relay(&upstream, |_| {}).await;
    let dist = &relay.dist.0;
    std::fs::create_dir_all(dist.join("sub")).unwrap();
    std::os::unix::fs::symlink(&outside.0, dist.join("sub/index.html")).unwrap();
    std::fs::create_dir_all(dist.join("zipped")).unwrap();
    std::fs::write(dist.join("zipped/index.html"), "<p>zipped</p>").unwrap();
    std::os::unix::fs::symlink(&outside.0, dist.join("zipped/index.html.gz")).unwrap();
    for (path, encoding) in [("/sub/", "identity"), ("/zipped/", "gzip")] {
        let (status, body) = fetch(&relay, path, encoding).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("outside-secret"), "{path}: {body}");
    }
    // The page itself: for `/`, and as the fallback for a deep link.
    std::fs::remove_file(dist.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&outside.0, dist.join("index.html")).unwrap();
    for path in ["/", "/services/ZS0123456789abcdef0123456789abcdef"] {
        let (status, body) = fetch(&relay, path, "identity").await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("outside-secret"), "{path}: {body}");
    }
}

/// A precompressed file differs by Accept-Encoding; without `Vary`, a cache could hand brotli to
/// a browser that never asked for it.
#[tokio::test]
async fn precompressed_files_vary_by_accept_encoding() {
    let (_upstream, relay) = default_relay().await;
    let br = relay
        .client
        .get(relay.url("/app-0123456789abcdef_bg.wasm"))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let vary: Vec<_> = br.headers().get_all("vary").iter().collect();
    assert_eq!(vary, ["accept-encoding"], "{:?}", br.headers());
}
