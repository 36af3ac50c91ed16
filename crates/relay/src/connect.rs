//! How the relay opens its upstream connections: straight to the host, or through the proxy
//! that `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` name (curl's rules), with an HTTP
//! CONNECT tunnel, so a relay behind a corporate proxy reaches Twilio as reqwest did before the
//! relay used hyper's client directly. TLS to the upstream runs inside the tunnel, end to end.

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;
use tower::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An `HttpConnector` that tunnels through the environment's proxy where its rules say so.
#[derive(Clone)]
pub struct ProxyAware {
    direct: HttpConnector,
    proxies: Arc<Matcher>,
}

impl ProxyAware {
    pub fn new(direct: HttpConnector) -> ProxyAware {
        ProxyAware {
            direct,
            proxies: Arc::new(Matcher::from_env()),
        }
    }
}

/// The embedded or a local emulator is never reached through a proxy, whatever `NO_PROXY` says.
fn is_loopback(dst: &axum::http::Uri) -> bool {
    let host = dst.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Service<axum::http::Uri> for ProxyAware {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: axum::http::Uri) -> Self::Future {
        let direct = self.direct.clone();
        match self.proxies.intercept(&dst).filter(|_| !is_loopback(&dst)) {
            Some(proxy) => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), direct);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move { Ok(tunnel.call(dst).await?) })
            }
            None => {
                let mut direct = direct;
                Box::pin(async move { Ok(direct.call(dst).await?) })
            }
        }
    }
}
