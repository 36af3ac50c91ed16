//! A relay behind a corporate proxy: with `HTTP_PROXY`/`HTTPS_PROXY` set, its upstream calls go
//! through an HTTP CONNECT tunnel to that proxy (the upstream's name is never resolved locally).

mod common;

use common::{fake_upstream, spawn_relay};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn upstream_calls_tunnel_through_the_environments_proxy() {
    let upstream = fake_upstream().await;
    // A CONNECT proxy on loopback that sends every tunnel to the fake upstream, whatever host
    // the tunnel names, and keeps the request lines it was sent.
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_address = proxy.local_addr().unwrap();
    let connects: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = connects.clone();
    let target = upstream.address;
    tokio::spawn(async move {
        while let Ok((mut client, _)) = proxy.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                seen.lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or_default().to_owned());
                let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });

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
