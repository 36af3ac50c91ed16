//! The path every real user takes: `switchboard serve` with real-looking credentials calling an
//! HTTPS upstream. The upstream here is a local TLS server with a throwaway CA and certificates
//! made by the test (rcgen), reached directly and through a CONNECT proxy (`HTTPS_PROXY`), and
//! trusted through `--ca-file` or `SSL_CERT_FILE` as a corporate network's own CA would be.

mod common;

use axum::body::Body;
use base64::Engine;
use common::{connect_proxy, fake_upstream, spawn_relay};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const ACCOUNT: &str = "AC5f0e9b3c1d2a4f6e8b7c9d0a1b2c3d4e";
const AUTH_TOKEN: &str = "9d1c7e3a5b2f4086a1c3e5f7b9d0e2a4";

/// A throwaway certificate authority, written to a PEM file the relay can be pointed at.
struct TestCa {
    cert: Certificate,
    key: KeyPair,
    pem_file: PathBuf,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Switchboard throwaway test CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let pem_file =
            std::env::temp_dir().join(format!("switchboard-ca-{}-{name}.pem", std::process::id()));
        std::fs::write(&pem_file, cert.pem()).unwrap();
        TestCa {
            cert,
            key,
            pem_file,
        }
    }

    fn path(&self) -> &str {
        self.pem_file.to_str().unwrap()
    }

    /// A server certificate for `names`, valid now unless `expired`.
    fn issue(
        &self,
        names: &[&str],
        expired: bool,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "upstream");
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (
            cert.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.pem_file);
    }
}

/// What the TLS upstream received: the request line's path and every header.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
}

/// A local HTTPS server with `cert`, answering every request with an empty service list and
/// recording what it received.
async fn tls_upstream(
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> (SocketAddr, Arc<Mutex<Vec<Received>>>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let record = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, record) = (acceptor.clone(), record.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake; nothing to serve.
                let Ok(tls) = acceptor.accept(socket).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                        record.lock().unwrap().push(Received {
                            path: request.uri().to_string(),
                            headers: request
                                .headers()
                                .iter()
                                .map(|(k, v)| {
                                    (k.to_string(), v.to_str().unwrap_or_default().to_owned())
                                })
                                .collect(),
                        });
                        async {
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Body::from(
                                        r#"{"services": [], "meta": {"key": "services"}}"#,
                                    ))
                                    .unwrap(),
                            )
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (address, received)
}

fn credentials() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
    ]
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{AUTH_TOKEN}"))
    )
}

/// Calls the relay as the console would, with the browser's own headers that must stay behind.
async fn list_services(relay: &common::RelayProcess) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .get(relay.url("/api/serverless/v1/Services?PageSize=20"))
        .header("Cookie", "session=browser-cookie")
        .header("Authorization", "Basic YnJvd3Nlcjpjb29raWU=")
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// The upstream got the relay's Basic header and nothing of the browser's.
fn assert_only_the_relays_headers(received: &[Received]) {
    assert_eq!(received.len(), 1, "{received:?}");
    let call = &received[0];
    assert_eq!(call.path, "/v1/Services?PageSize=20");
    let auth: Vec<&str> = call
        .headers
        .iter()
        .filter(|(k, _)| k == "authorization")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(auth, [basic().as_str()]);
    for (name, _) in &call.headers {
        assert!(
            ["host", "authorization", "user-agent", "accept"].contains(&name.as_str()),
            "the upstream received {name}"
        );
    }
}

#[tokio::test]
async fn an_https_upstream_signed_by_the_ca_file_gets_the_credentials_and_nothing_else() {
    let ca = TestCa::new("direct");
    let (cert, key) = ca.issue(&["localhost"], false);
    let (address, received) = tls_upstream(cert, key).await;
    let url = format!("https://localhost:{}", address.port());
    let relay = spawn_relay(
        &["--serverless-url", &url, "--ca-file", ca.path()],
        &credentials(),
    )
    .await;
    let (status, body) = list_services(&relay).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["key"], "services");
    relay.stop().await;
    assert_only_the_relays_headers(&received.lock().unwrap());

    // SSL_CERT_FILE, as curl and OpenSSL read it, does the same.
    let relay = spawn_relay(
        &["--serverless-url", &url],
        &[credentials(), vec![("SSL_CERT_FILE", ca.path())]].concat(),
    )
    .await;
    let (status, body) = list_services(&relay).await;
    assert_eq!(status, 200, "{body}");
    relay.stop().await;
}

#[tokio::test]
async fn an_https_upstream_through_a_connect_proxy() {
    let ca = TestCa::new("proxied");
    let (cert, key) = ca.issue(&["serverless.twilio.test"], false);
    let (address, received) = tls_upstream(cert, key).await;
    let (proxy, connects) = connect_proxy(address).await;
    let proxy_url = format!("http://{proxy}");
    let relay = spawn_relay(
        &[
            "--serverless-url",
            "https://serverless.twilio.test",
            "--ca-file",
            ca.path(),
        ],
        &[credentials(), vec![("HTTPS_PROXY", proxy_url.as_str())]].concat(),
    )
    .await;
    let (status, body) = list_services(&relay).await;
    assert_eq!(status, 200, "{body}");
    relay.stop().await;
    assert_eq!(
        *connects.lock().unwrap(),
        ["CONNECT serverless.twilio.test:443 HTTP/1.1"]
    );
    assert_only_the_relays_headers(&received.lock().unwrap());
}

/// Each refused certificate is a 502 whose message names the reason, and the upstream never
/// receives a request (so never the credentials).
#[tokio::test]
async fn a_refused_certificate_is_a_502_that_names_the_reason() {
    let ca = TestCa::new("refused");
    let cases = [
        // (names on the certificate, expired, trust the CA, what the message says)
        (
            &["localhost"][..],
            false,
            false,
            "not signed by an authority",
        ),
        (&["localhost"][..], true, true, "expired"),
        (
            &["other.example"][..],
            false,
            true,
            "not valid for the upstream's host name",
        ),
    ];
    for (names, expired, trusted, reason) in cases {
        let (cert, key) = ca.issue(names, expired);
        let (address, received) = tls_upstream(cert, key).await;
        let url = format!("https://localhost:{}", address.port());
        let mut args = vec!["--serverless-url", url.as_str()];
        if trusted {
            args.extend(["--ca-file", ca.path()]);
        }
        let relay = spawn_relay(&args, &credentials()).await;
        let (status, body) = list_services(&relay).await;
        relay.stop().await;
        assert_eq!(status, 502, "{reason}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("TLS"), "{reason}: {message}");
        assert!(message.contains(reason), "{reason}: {message}");
        assert!(received.lock().unwrap().is_empty(), "{reason}");
    }
}

/// An https:// upstream that answers in plain HTTP is a TLS failure, never a retry in plain HTTP
/// that would carry the credentials in the clear.
#[tokio::test]
async fn an_https_upstream_never_falls_back_to_plain_http() {
    let plain = fake_upstream().await;
    let url = format!("https://127.0.0.1:{}", plain.address.port());
    let relay = spawn_relay(&["--serverless-url", &url], &credentials()).await;
    let (status, body) = list_services(&relay).await;
    relay.stop().await;
    assert_eq!(status, 502, "{body}");
    assert!(
        body["message"].as_str().unwrap_or_default().contains("TLS"),
        "{body}"
    );
    assert!(plain.take().is_empty(), "a request went out in plain HTTP");
}

/// A `--ca-file` that holds no certificate is a start-up error, not a relay that trusts less
/// than it was told.
#[tokio::test]
async fn a_ca_file_without_certificates_is_refused_at_start_up() {
    let empty =
        std::env::temp_dir().join(format!("switchboard-empty-ca-{}.pem", std::process::id()));
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let printed = common::serve_refuses(
        &[
            "--serverless-url",
            "https://serverless.twilio.test",
            "--ca-file",
            empty.to_str().unwrap(),
        ],
        &credentials(),
    )
    .await;
    let _ = std::fs::remove_file(&empty);
    assert!(printed.contains("holds no PEM certificate"), "{printed}");
}
