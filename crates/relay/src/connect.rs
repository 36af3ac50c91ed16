//! How the relay opens its upstream connections: straight to the host, or through the proxy
//! that `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` name (curl's rules), with an HTTP
//! CONNECT tunnel, so a relay behind a corporate proxy reaches Twilio as reqwest did before the
//! relay used hyper's client directly. TLS to the upstream runs inside the tunnel, end to end.

use crate::security::is_loopback_host;
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

impl Service<axum::http::Uri> for ProxyAware {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: axum::http::Uri) -> Self::Future {
        let direct = self.direct.clone();
        // The embedded or a local emulator is never reached through a proxy, whatever
        // `NO_PROXY` says.
        let loopback = is_loopback_host(dst.host().unwrap_or_default());
        match self.proxies.intercept(&dst).filter(|_| !loopback) {
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
