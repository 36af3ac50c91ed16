//! The call itself: to the environment's own host only, with no redirects followed, a time
//! limit and a cap on the answer.
//!
//! Against Twilio the host is `<domain_name>` over HTTPS, and a name that resolves to a
//! loopback, private, link-local or otherwise non-public address is refused (a domain the
//! account does not control cannot point the relay into its own network). Against an emulator
//! the call goes to the emulator's own loopback port, naming the environment in `Host`.

use crate::error::RelayError;
use axum::body::{Body, Bytes};
use http_body_util::BodyExt as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::rt::TokioExecutor;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::Service;

/// Twilio stops a Function after 10 s; the margin covers the network around it.
pub const TIME_LIMIT: Duration = Duration::from_secs(12);
/// The answer the console is shown; the rest is cut, and the panel says so.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct Caller {
    client: Client<HttpsConnector<HttpConnector<PublicOnly>>, Body>,
}

/// What came back.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub truncated: bool,
}

impl Caller {
    pub fn new(tls: rustls::ClientConfig) -> Caller {
        let mut http = HttpConnector::new_with_resolver(PublicOnly(GaiResolver::new()));
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Caller {
            client: Client::builder(TokioExecutor::new()).build(https),
        }
    }

    pub async fn call(&self, request: axum::http::Request<Body>) -> Result<Answer, RelayError> {
        let call = async {
            let reply = self.client.request(request).await.map_err(|error| {
                tracing::debug!(%error, "a function's host could not be reached");
                RelayError::Unreachable
            })?;
            let (parts, mut body) = reply.into_parts();
            let mut kept = Vec::new();
            let mut truncated = false;
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|_| RelayError::Upstream)?;
                if let Ok(data) = frame.into_data() {
                    let room = BODY_LIMIT - kept.len();
                    if data.len() > room {
                        kept.extend_from_slice(&data[..room]);
                        truncated = true;
                        break;
                    }
                    kept.extend_from_slice(&data);
                }
            }
            Ok(Answer {
                status: parts.status.as_u16(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.to_string(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: kept.into(),
                truncated,
            })
        };
        tokio::time::timeout(TIME_LIMIT, call)
            .await
            .map_err(|_| RelayError::Timeout)?
    }
}

/// The system's resolver, keeping only public addresses.
#[derive(Clone)]
struct PublicOnly(GaiResolver);

impl Service<Name> for PublicOnly {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let resolving = self.0.call(name);
        Box::pin(async move {
            let public: Vec<SocketAddr> = resolving
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if public.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the function's host resolves to no public address",
                ));
            }
            Ok(public.into_iter())
        })
    }
}

/// Whether an address is on the public internet (not loopback, private, link-local, shared,
/// multicast, documentation or unspecified).
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_addresses_pass() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(refused.parse().unwrap()), "{refused}");
        }
        for allowed in ["54.172.60.1", "2600:1f18::1", "8.8.8.8"] {
            assert!(is_public(allowed.parse().unwrap()), "{allowed}");
        }
    }
}
