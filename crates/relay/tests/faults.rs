//! The relay against a deliberately faulty local upstream: every refusal, cap, timeout and fault,
//! checked over real sockets, with a record of what reached the upstream.

mod common;

use common::{FakeUpstream, TestRelay, default_relay, fake_upstream, relay};
use std::time::Duration;

#[tokio::test]
async fn allowlisted_calls_are_forwarded_with_server_side_credentials_only() {
    let (upstream, relay) = default_relay().await;
    let response = relay
        .client
        .get(relay.url("/api/serverless/v1/Services?PageSize=5"))
        .header("Authorization", "Basic c3RvbGVuOmNyZWRz")
        .header("Cookie", "session=abc")
        .header("X-Forwarded-Host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = upstream.take();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(call.path_and_query, "/v1/Services?PageSize=5");
    assert_eq!(call.authorization.as_deref(), Some(common::UPSTREAM_BASIC));
    assert!(
        call.headers
            .iter()
            .all(|(name, _)| name != "cookie" && name != "x-forwarded-host")
    );
}

#[tokio::test]
async fn paths_outside_the_serverless_tree_never_reach_the_upstream() {
    let (upstream, relay) = default_relay().await;
    let corpus = [
        "/api/serverless/v1/Services/..%2F..%2F2010-04-01%2FAccounts",
        "/api/serverless/v1/Services/%2e%2e/%2e%2e/Accounts",
        "/api/serverless/v1/../../2010-04-01/Accounts.json",
        "/api/serverless//evil.example/v1/Services",
        "/api/serverless/v1//Services",
        "/api/serverless/v2/Services",
        "/api/serverless/v1/Accounts",
        "/api/serverless/v1/Services/ZS0123456789abcdef0123456789abcdef/Secrets",
        "/api/serverless/v1/Services/bad_name!/Environments",
        "/api/serverless/v1/Services/a@evil.example",
        "/api/serverless/v1/Services/x%40evil.example",
        "/api/serverless/v1/Services/%0d%0aHost:evil",
        "/api/serverless/https:%2F%2Fevil.example/v1/Services",
        "/api/upload/v1/Services",
        "/api/upload/v1/Services/ZS0123456789abcdef0123456789abcdef/Builds",
        "/api/v1/Services",
        "/api",
        "/api/",
    ];
    for path in corpus {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["code"], 20404, "{path}: {body}");
    }
    let response = relay
        .write(reqwest::Method::PUT, "/api/serverless/v1/Services")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        404,
        "methods Twilio does not use are refused"
    );
    assert!(upstream.take().is_empty(), "nothing may reach the upstream");
}

#[tokio::test]
async fn oversized_and_malformed_uploads_are_refused_before_forwarding() {
    let (upstream, relay) = default_relay().await;
    let path = "/api/upload/v1/Services/ZS0123456789abcdef0123456789abcdef/Functions/ZH0123456789abcdef0123456789abcdef/Versions";

    let too_big = relay
        .post(path)
        .header("Content-Type", "multipart/form-data; boundary=x")
        .header("Content-Length", (30 * 1024 * 1024).to_string())
        .body(vec![b'x'; 1024])
        .send()
        .await;
    // The relay answers 413 as soon as it reads the headers; the client may see the answer or a
    // closed connection while still sending, but never a forwarded call.
    if let Ok(response) = too_big {
        assert_eq!(response.status(), 413);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], 413);
    }

    let chunked = relay
        .post(path)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"--x--"))],
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(chunked.status(), 411);

    let get_with_body = relay
        .client
        .get(relay.url("/api/serverless/v1/Services"))
        .body("FriendlyName=x")
        .send()
        .await
        .unwrap();
    assert_eq!(get_with_body.status(), 403);
    assert!(upstream.take().is_empty());
}

#[tokio::test]
async fn upstream_faults_become_json_errors_and_the_relay_stays_up() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.upstream_timeout = Duration::from_millis(300)
    })
    .await;

    let slow = relay.get_json("/api/serverless/v1/Services/slow").await;
    assert_eq!((slow.0, slow.1["status"].as_u64()), (504, Some(504)));

    let limited = relay
        .client
        .get(relay.url("/api/serverless/v1/Services/ratelimited"))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], 20429);

    let broken = relay.get_json("/api/serverless/v1/Services/broken").await;
    assert_eq!((broken.0, broken.1["code"].as_u64()), (500, Some(20500)));

    // Cut off after the headers: either a 502 before anything was sent, or a body that fails;
    // never a response that looks complete.
    if let Ok(response) = relay
        .client
        .get(relay.url("/api/serverless/v1/Services/hangup"))
        .send()
        .await
    {
        let status = response.status().as_u16();
        let body = response.bytes().await;
        assert!(
            status == 502 || body.is_err(),
            "status {status}, body {body:?}"
        );
    }

    // A body that stops coming is held to the same deadline as the call: the relay cuts it off
    // rather than keep the client waiting.
    let stalled = relay
        .client
        .get(relay.url("/api/serverless/v1/Services/stall"))
        .send()
        .await
        .unwrap();
    assert_eq!(stalled.status(), 200);
    let body = tokio::time::timeout(Duration::from_secs(5), stalled.bytes()).await;
    assert!(
        matches!(body, Ok(Err(_))),
        "the stalled body was not cut off: {body:?}"
    );

    // Still serving after all of that.
    assert_eq!(relay.get_json("/api/serverless/v1/Services").await.0, 200);
    assert_eq!(relay.get_json("/api/health").await.0, 200);
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let upstream = FakeUpstream::unreachable(address);
    let relay = relay(&upstream, |_| {}).await;
    let (status, body) = relay.get_json("/api/serverless/v1/Services").await;
    assert_eq!(status, 502);
    assert_eq!(body["status"], 502);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
}

#[tokio::test]
async fn no_response_ever_contains_a_credential() {
    let upstream = fake_upstream().await;
    let relay: TestRelay = relay(&upstream, |config| {
        config.upstream_timeout = Duration::from_millis(300)
    })
    .await;
    let paths = [
        "/",
        "/services/ZS0123456789abcdef0123456789abcdef",
        "/api/session",
        "/api/health",
        "/api/serverless/v1/Services",
        "/api/serverless/v1/Services/slow",
        "/api/serverless/v1/Services/broken",
        "/api/serverless/v1/Nope",
    ];
    for path in paths {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        let headers = format!("{:?}", response.headers());
        let body = response.text().await.unwrap_or_default();
        for secret in [common::UPSTREAM_PASSWORD, common::UPSTREAM_BASIC] {
            assert!(
                !headers.contains(secret) && !body.contains(secret),
                "{path} leaks a credential"
            );
        }
    }
}

/// Raw request lines, which an HTTP client would normalise before sending.
#[tokio::test]
async fn dot_segments_sent_raw_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (upstream, relay) = default_relay().await;
    for target in [
        "/api/serverless/v1/Services/../../../2010-04-01/Accounts",
        "/api/serverless/v1/Services/./Environments",
        "/api/upload/v1/Services/ZS0123456789abcdef0123456789abcdef/Functions/../../../Builds",
        "/../../../../etc/passwd",
        "/api/serverless/v1/Services/%2e%2e/Accounts",
    ] {
        let mut stream = tokio::net::TcpStream::connect(relay.address).await.unwrap();
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            relay.address
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(
            !answer.contains("root:"),
            "{target} read a file outside dist"
        );
        let status_line = answer.lines().next().unwrap_or_default();
        if target.starts_with("/api") {
            assert!(
                status_line.contains(" 404 ") || status_line.contains(" 400 "),
                "{target}: {status_line}"
            );
        }
    }
    assert!(upstream.take().is_empty(), "nothing may reach the upstream");
}

/// A client that declares an upload and then stalls before its Visibility part cannot hold a
/// worker (or a graceful shutdown) forever: the call's deadline covers the relay's peek too.
#[tokio::test]
async fn an_upload_that_stalls_before_its_visibility_times_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.upstream_timeout = Duration::from_millis(300)
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(relay.address).await.unwrap();
    let head = format!(
        "POST /api/upload/v1/Services/ZS0123456789abcdef0123456789abcdef/Functions/ZH0123456789abcdef0123456789abcdef/Versions HTTP/1.1\r\n\
         Host: {}\r\nX-Switchboard-Csrf: 1\r\nContent-Type: multipart/form-data; boundary=b\r\n\
         Content-Length: 1000000\r\nConnection: close\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n",
        relay.address
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer))
        .await
        .expect("the relay answers instead of waiting for the rest")
        .unwrap();
    let status_line = answer.lines().next().unwrap_or_default();
    assert!(status_line.contains(" 504 "), "{status_line}");
    assert!(upstream.take().is_empty(), "nothing may reach the upstream");
}

fn multipart(visibility: &str, content_len: usize) -> Vec<u8> {
    let mut body = format!(
        "--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/big.bin\r\n\
         --b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\n{visibility}\r\n\
         --b\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'z', content_len));
    body.extend_from_slice(b"\r\n--b--\r\n");
    body
}

#[tokio::test]
async fn private_uploads_have_the_smaller_cap_before_forwarding() {
    let (upstream, relay) = default_relay().await;
    let path = ASSET_UPLOAD;
    let send = |body: Vec<u8>| {
        relay
            .post(path)
            .header("Content-Type", "multipart/form-data; boundary=b")
            .body(body)
            .send()
    };
    let twelve_mb = 12 * 1024 * 1024;
    if let Ok(response) = send(multipart("private", twelve_mb)).await {
        assert_eq!(response.status(), 413);
    }
    assert!(
        upstream.take().is_empty(),
        "a private upload over 10 MB is not forwarded"
    );

    let public = send(multipart("public", twelve_mb)).await.unwrap();
    assert_eq!(public.status(), 200);
    let small_private = send(multipart("private", 1024)).await.unwrap();
    assert_eq!(small_private.status(), 200);
    let seen = upstream.take();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].body_len,
        multipart("public", twelve_mb).len(),
        "streamed through whole"
    );
}

/// Sends one raw request line, byte for byte, and returns the whole answer.
async fn raw_get(address: std::net::SocketAddr, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The data-driven corpus in `tests/data/attack_targets.txt`: path traversal, SSRF and injection
/// attempts. API targets are refused with a JSON 400/404 and never reach the upstream; static
/// targets answer the console's index.html or an error, never another file.
#[tokio::test]
async fn the_attack_corpus_is_refused() {
    let (upstream, relay) = default_relay().await;
    let corpus = include_str!("data/attack_targets.txt");
    let targets: Vec<&str> = corpus
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert!(targets.len() >= 60, "the corpus lost entries");
    for target in targets {
        let answer = raw_get(relay.address, target).await;
        let status_line = answer.lines().next().unwrap_or_default();
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        assert!(
            !body.contains("root:x:0:0") && !body.contains("PATH=") && !body.contains("[package]"),
            "{target} read a file outside dist"
        );
        if target.starts_with("/api") {
            assert!(status == 400 || status == 404, "{target}: {status_line}");
            if status == 404 {
                assert!(body.contains("\"code\":20404"), "{target}: {body}");
            }
        } else {
            assert!(matches!(status, 200 | 400 | 404), "{target}: {status_line}");
            if status == 200 {
                assert!(body.contains(common::INLINE_SCRIPT), "{target}: {body}");
            }
        }
    }
    assert!(upstream.take().is_empty(), "nothing may reach the upstream");
}

/// The upstream goes away and comes back on the same address: the relay answers a JSON 502
/// meanwhile, and forwards again once it is back, without a restart.
#[tokio::test]
async fn the_relay_recovers_when_its_upstream_comes_back() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let relay = relay(&FakeUpstream::unreachable(address), |_| {}).await;
    for _ in 0..3 {
        let (status, body) = relay.get_json("/api/serverless/v1/Services").await;
        assert_eq!((status, body["status"].as_u64()), (502, Some(502)));
    }
    assert_eq!(relay.get_json("/api/health").await.0, 200);

    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let back = axum::Router::new().fallback(|| async {
        axum::Json(serde_json::json!({"services": [], "meta": {"key": "services"}}))
    });
    let server = tokio::spawn(async move { axum::serve(listener, back).await });
    let (status, body) = relay.get_json("/api/serverless/v1/Services").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["key"], "services");

    server.abort();
    let _ = server.await;
    let (status, body) = relay.get_json("/api/serverless/v1/Services").await;
    assert!(status == 502 || status == 504, "{status}: {body}");
    assert!(body["message"].is_string(), "{body}");
}

/// Many calls stuck on a slow upstream time out one by one as JSON 504s; meanwhile the relay
/// keeps answering everything else: the other requests are all answered while every stuck call
/// is still waiting (an order, not a wall-clock bound, so a loaded machine cannot fail it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_does_not_hold_up_other_requests() {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |config| {
        config.upstream_timeout = Duration::from_secs(5)
    })
    .await;
    let mut stuck = Vec::new();
    for _ in 0..16 {
        let (client, url) = (
            relay.client.clone(),
            relay.url("/api/serverless/v1/Services/slow"),
        );
        stuck.push(tokio::spawn(async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (status, body)
        }));
    }
    // Every stuck call is with the upstream (which takes 10 s).
    upstream
        .wait_for(16, "the stuck calls never all reached the upstream")
        .await;
    for path in ["/api/health", "/api/serverless/v1/Services", "/"] {
        let response = relay.client.get(relay.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert!(
        stuck.iter().all(|call| !call.is_finished()),
        "other requests waited for the slow ones"
    );
    for call in stuck {
        let (status, body) = call.await.unwrap();
        assert_eq!(
            (status, body["status"].as_u64()),
            (504, Some(504)),
            "{body}"
        );
    }
}

fn multipart_with(disposition: &str, visibility: &str, content_len: usize) -> Vec<u8> {
    let mut body = format!(
        "--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/big.bin\r\n\
         --b\r\nContent-Disposition: {disposition}\r\n\r\n{visibility}\r\n\
         --b\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'z', content_len));
    body.extend_from_slice(b"\r\n--b--\r\n");
    body
}

/// Where the private-cap tests upload: an asset's versions.
const ASSET_UPLOAD: &str = "/api/upload/v1/Services/ZS0123456789abcdef0123456789abcdef/Assets/ZH0123456789abcdef0123456789abcdef/Versions";

/// Sends a private upload over 10 MB: it must be refused with 413 (or cut off while sending)
/// and never reach the upstream. `what` names the case in a failure.
async fn refused_unforwarded(
    relay: &TestRelay,
    upstream: &FakeUpstream,
    boundary: &str,
    body: Vec<u8>,
    what: &str,
) {
    let sent = relay
        .post(ASSET_UPLOAD)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await;
    if let Ok(response) = sent {
        assert_eq!(response.status(), 413, "{what}");
    }
    assert!(
        upstream.take().is_empty(),
        "{what}: a private upload over 10 MB was forwarded"
    );
}

/// `name=Visibility` unquoted, a lowercase `visibility` and the value `Private` each let a
/// 12 MB private upload through to the upstream.
#[tokio::test]
async fn every_spelling_of_a_private_upload_gets_the_private_cap() {
    let (upstream, relay) = default_relay().await;
    let twelve_mb = 12 * 1024 * 1024;
    for (disposition, value) in [
        ("form-data; name=Visibility", "private"),
        ("form-data; name=\"visibility\"", "private"),
        ("form-data; name=\"Visibility\"", "Private"),
        ("form-data; NAME=\"VISIBILITY\"", " PRIVATE"),
        ("form-data;name=\"Visibility\"", "private"),
    ] {
        let body = multipart_with(disposition, value, twelve_mb);
        let what = format!("{disposition} {value}");
        refused_unforwarded(&relay, &upstream, "\"b\"", body, &what).await;
    }
}

/// RFC 2046 allows a part with no headers; one before the Visibility part made the peek read
/// the Visibility part's headers as that part's body, and a part whose headers never end ran the
/// header search past the next delimiter. Either let a 12 MB private upload through.
#[tokio::test]
async fn a_part_without_headers_does_not_hide_a_private_upload() {
    let (upstream, relay) = default_relay().await;
    let twelve_mb = 12 * 1024 * 1024;
    for before in ["--b\r\n\r\nfiller\r\n", "--b\r\nX-Junk: 1\r\n"] {
        let mut body = format!(
            "{before}--b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\nprivate\r\n\
             --b\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"big.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(b'z', twelve_mb));
        body.extend_from_slice(b"\r\n--b--\r\n");
        refused_unforwarded(&relay, &upstream, "b", body, &format!("{before:?}")).await;
    }
}

/// An upstream answer framed both as chunked and with a `Content-Length` (chunked wins, RFC
/// 9112): the relay passed the stale length on, and the browser got the body cut short.
#[tokio::test]
async fn a_rechunked_answer_does_not_keep_a_stale_length() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let whole = r#"{"services": [], "meta": {"key": "services", "note": "all of it"}}"#;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0u8; 4096];
            let _ = socket.read(&mut request).await;
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
                 Content-Length: 10\r\n\r\n{:x}\r\n{whole}\r\n0\r\n\r\n",
                whole.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    let relay = relay(&FakeUpstream::unreachable(address), |_| {}).await;
    let response = relay
        .client
        .get(relay.url("/api/serverless/v1/Services"))
        .header("Accept-Encoding", "identity")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let length = response.headers().get("content-length").cloned();
    let body = response.text().await.unwrap();
    assert_eq!(body, whole, "content-length {length:?}");
}
