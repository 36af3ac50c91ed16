//! Console token, CSRF and the security headers every response carries.

use crate::csp::PageCsp;
use crate::error::RelayError;
use crate::state::{AppState, RelayConfig};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tower::{Layer, Service};

/// The console's token header and the CSRF header every state-changing call must carry, named
/// once for the console and the relay. CORS is off unless `--allow-origin` names a site.
pub use switchboard_models::relay::{CSRF_HEADER, TOKEN_HEADER};

/// Guards `/api`: the token when one is configured, then the CSRF checks on writes. The checks
/// read headers only, so this is a plain service: a refused request never reaches the routes and
/// an accepted one costs no extra future.
#[derive(Clone)]
pub struct GuardLayer(pub AppState);

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            state: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Guard<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match check(&self.state.config, &request) {
            Ok(()) => Either::Right(self.inner.call(request)),
            Err(error) => Either::Left(ready(Ok(error.into_response()))),
        }
    }
}

pub(crate) fn check(config: &RelayConfig, request: &Request) -> Result<(), RelayError> {
    if request.uri().path() == "/api/health" || request.method() == Method::OPTIONS {
        return Ok(());
    }
    match &config.token {
        Some(expected) => {
            let presented = request
                .headers()
                .get(TOKEN_HEADER)
                .map(HeaderValue::as_bytes);
            // Never compared against an empty secret, which an empty header would match
            // (`AppState::new` refuses one too; this holds whatever built the config).
            if expected.is_empty()
                || !presented.is_some_and(|p| constant_time_eq(p, expected.as_bytes()))
            {
                return Err(RelayError::TokenRequired);
            }
        }
        // Without a token the relay listens on loopback only, which a page elsewhere can still
        // reach through DNS rebinding (its own name re-pointed at 127.0.0.1, making it
        // same-origin): such requests name that page's host, so only loopback names get in.
        None if !config.trust_proxy_auth && !addressed_to_loopback(request) => {
            return Err(RelayError::ForeignHost);
        }
        None => {}
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        check_csrf(request.headers(), &config.allow_origin)?;
    }
    Ok(())
}

/// Whether the request names the relay as `localhost` or a loopback address (any port), by the
/// authority of an absolute-form target or else by its Host header, parsed strictly: anything a
/// browser would not send (user information, a port that is not a number, a bracketed name) is
/// not loopback.
fn addressed_to_loopback(request: &Request) -> bool {
    match request.uri().authority() {
        Some(authority) => is_loopback_authority(authority.as_str()),
        None => request
            .headers()
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .is_some_and(is_loopback_authority),
    }
}

/// `host[:port]` where host is `localhost`, a loopback IPv4 address or a bracketed loopback IPv6
/// address, and port is a number.
pub fn is_loopback_authority(authority: &str) -> bool {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, port)) => (&authority[..v6.len() + 2], port),
            None => return false,
        },
        None => match authority.split_once(':') {
            Some((host, _)) => (host, &authority[host.len()..]),
            None => (authority, ""),
        },
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            !digits.is_empty()
                && digits.len() <= 5
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.parse::<u16>().is_ok()
        }
    };
    port_ok && is_loopback_host(host)
}

/// `localhost`, a loopback IPv4 address, or a loopback IPv6 address (bracketed or not); no port.
pub fn is_loopback_host(host: &str) -> bool {
    let v6 = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Refuses what no browser sends and only a smuggling or cache-poisoning attempt would: more than
/// one Host header (RFC 9112 asks for a 400), and a request target that is not a path (the
/// authority form, `GET evil.example:80`, is for CONNECT to a proxy, which the relay is not).
pub(crate) fn check_request_shape(request: &Request) -> Result<(), RelayError> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    if hosts.next().is_some() && hosts.next().is_some() {
        return Err(RelayError::BadRequest("more than one Host header"));
    }
    if *request.method() == Method::CONNECT || !request.uri().path().starts_with('/') {
        return Err(RelayError::BadRequest("the request target must be a path"));
    }
    Ok(())
}

fn check_csrf(headers: &HeaderMap, allow_origin: &[String]) -> Result<(), RelayError> {
    if !headers.contains_key(CSRF_HEADER) {
        return Err(RelayError::CrossSite(
            "missing the x-switchboard-csrf header",
        ));
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        // Non-browser clients send no Origin; the custom header is proof enough for them.
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let same_origin = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest == host);
    if same_origin || allow_origin.iter().any(|allowed| allowed == origin) {
        Ok(())
    } else {
        Err(RelayError::CrossSite("origin not allowed"))
    }
}

/// A CORS preflight to `/api` from an origin `--allow-origin` does not name is refused outright
/// (403), before the CORS layer, which would answer it without allowing anything, or, with CORS
/// off, before the API routes, which would take it for a call.
pub(crate) fn check_preflight(config: &RelayConfig, request: &Request) -> Result<(), RelayError> {
    let headers = request.headers();
    let preflight = request.method() == Method::OPTIONS
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        && (request.uri().path() == "/api" || request.uri().path().starts_with("/api/"));
    if !preflight {
        return Ok(());
    }
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    match origin {
        Some(origin) if config.allow_origin.iter().any(|allowed| allowed == origin) => Ok(()),
        _ => Err(RelayError::CrossSite("origin not allowed")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Adds the security headers to every response. The CSP allows only our own scripts (plus the
/// hashes of index.html's inline bootstrap, computed at start-up, and again for each page) and
/// wasm compilation.
#[derive(Clone)]
pub struct SecurityHeadersLayer {
    pub csp: HeaderValue,
    /// `X-Frame-Options: DENY`, unless `--frame-ancestors` names who may frame the console: the
    /// CSP's `frame-ancestors` then says who, which that older header cannot.
    pub deny_framing: bool,
}

impl<S> Layer<S> for SecurityHeadersLayer {
    type Service = SecurityHeaders<S>;

    fn layer(&self, inner: S) -> SecurityHeaders<S> {
        SecurityHeaders {
            inner,
            csp: self.csp.clone(),
            deny_framing: self.deny_framing,
        }
    }
}

#[derive(Clone)]
pub struct SecurityHeaders<S> {
    inner: S,
    csp: HeaderValue,
    deny_framing: bool,
}

impl<S> Service<Request> for SecurityHeaders<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = WithSecurityHeaders<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        WithSecurityHeaders {
            inner: self.inner.call(request),
            csp: Some(self.csp.clone()),
            deny_framing: self.deny_framing,
        }
    }
}

pin_project! {
    pub struct WithSecurityHeaders<F> {
        #[pin]
        inner: F,
        csp: Option<HeaderValue>,
        deny_framing: bool,
    }
}

impl<F, E> Future for WithSecurityHeaders<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        let page = response.extensions().get::<PageCsp>().is_some();
        let headers = response.headers_mut();
        // A page brings its own, from the index.html it is (`static_files::page_csp`).
        if let Some(csp) = this.csp.take()
            && !page
        {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        for (name, value) in FIXED_HEADERS {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if *this.deny_framing {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        Poll::Ready(Ok(response))
    }
}

/// The security headers every response carries besides its Content-Security-Policy and, unless
/// framing is allowed, `X-Frame-Options: DENY`.
const FIXED_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

/// The security headers as raw header lines, for the answers hyper writes by itself
/// (`connections::Guarded`).
pub fn header_lines(csp: &HeaderValue, deny_framing: bool) -> std::sync::Arc<[u8]> {
    let mut lines = Vec::new();
    let csp = (header::CONTENT_SECURITY_POLICY, csp.as_bytes());
    let fixed = FIXED_HEADERS.into_iter().map(|(n, v)| (n, v.as_bytes()));
    let frames = deny_framing.then_some((header::X_FRAME_OPTIONS, b"DENY".as_slice()));
    for (name, value) in std::iter::once(csp).chain(fixed).chain(frames) {
        lines.extend_from_slice(name.as_str().as_bytes());
        lines.extend_from_slice(b": ");
        lines.extend_from_slice(value);
        lines.extend_from_slice(b"\r\n");
    }
    lines.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn csrf_needs_the_header_and_a_matching_origin() {
        assert!(check_csrf(&headers(&[]), &[]).is_err());
        assert!(check_csrf(&headers(&[(CSRF_HEADER, "1")]), &[]).is_ok());
        let same = headers(&[
            (CSRF_HEADER, "1"),
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(check_csrf(&same, &[]).is_ok());
        let other = headers(&[
            (CSRF_HEADER, "1"),
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ]);
        assert!(check_csrf(&other, &[]).is_err());
        assert!(check_csrf(&other, &["https://evil.example".to_owned()]).is_ok());
    }

    #[test]
    fn only_strict_loopback_authorities_count() {
        for good in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.2:65535",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(is_loopback_authority(good), "{good}");
        }
        for bad in [
            "localhost:18080.attacker",
            "[localhost]",
            "[localhost]:80",
            "localhost:abc",
            "localhost:",
            "localhost:99999",
            "localhost:080800",
            "user@localhost",
            "user@localhost:80",
            "localhost.:80",
            "rebind.attacker",
            "127.0.0.1.attacker",
            "[::1",
            "::1",
            "[::1]x",
            "[::2]:80",
            "",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
