//! Forwarding of allowlisted API calls. Bodies stream through in both directions; only a fixed
//! set of headers crosses, and the credentials are added here, never taken from the browser.

use crate::allowlist::{Host, allowed};
use crate::connect::ProxyAware;
use crate::deadline::Deadline;
use crate::error::RelayError;
use crate::state::AppState;
use crate::upload_peek::{Peek, Scanner};
use crate::upstream::Upstream;
use anyhow::{Context, bail};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::uri::{Authority, PathAndQuery, Scheme};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use axum::response::Response;
use base64::Engine;
use futures_util::StreamExt;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::time::Duration;
use switchboard_models::limits::{MAX_ASSET_BYTES, MAX_PRIVATE_ASSET_BYTES};
use tokio::time::Instant;

/// Room for the multipart framing and the small `Path` and `Visibility` parts around the file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// How far into an upload the relay looks for its `Visibility` part. The console and the
/// serverless toolkit send `Path` and `Visibility` before `Content`, so this is plenty; a client
/// that sends it after more than this of `Content` gets the public cap here and the private one
/// from Twilio.
const PEEK_BYTES: usize = 64 * 1024;
/// Form posts to the Serverless host are small; a megabyte is generous.
const MAX_FORM_BYTES: u64 = 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Request headers the browser may pass on. Everything else (cookies, the console token,
/// `Authorization`, hop-by-hop headers) stays at the relay.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] =
    [header::ACCEPT, header::CONTENT_TYPE, header::CONTENT_LENGTH];

/// Response headers worth passing back: the body's type, rate-limit advice and Twilio's request
/// identifiers for support tickets. Not its length: hyper has already taken the body out of its
/// framing (chunked, or both chunked and a stale `Content-Length`, which cut the body short when
/// it was passed on), and frames it again from the body's own exact size.
const FORWARDED_RESPONSE_HEADERS: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::RETRY_AFTER,
    header::ETAG,
    HeaderName::from_static("twilio-request-id"),
    HeaderName::from_static("twilio-request-duration"),
];

/// How long the upstream took, for the access log.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamTime(pub Duration);

/// The upstream side of the relay, fixed at start-up so a request only joins its path on.
///
/// hyper's pooled client is used directly rather than through reqwest, which re-parses every URL
/// (with IDNA) and rebuilds its headers per call: about a sixth of the relay's CPU time per
/// relayed call (issue 9). HTTP/1 only, keep-alive, `TCP_NODELAY`.
pub struct Proxy {
    client: Client<HttpsConnector<ProxyAware>, Body>,
    serverless: Target,
    upload: Target,
    /// `Basic ...`, encoded once and marked sensitive so no `Debug` of the headers shows it.
    authorization: HeaderValue,
    timeout: Duration,
}

/// One upstream host, from its base URL.
struct Target {
    scheme: Scheme,
    authority: Authority,
    host: HeaderValue,
    /// The base URL's path without its trailing slash (usually empty).
    prefix: String,
}

impl Target {
    fn parse(base: &str) -> anyhow::Result<Target> {
        let uri: Uri = base
            .parse()
            .with_context(|| format!("{base} is not a URL"))?;
        let parts = uri.into_parts();
        let scheme = parts
            .scheme
            .context("the upstream URL needs http:// or https://")?;
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            bail!("the upstream URL must be http:// or https://, not {scheme}://");
        }
        let authority = parts.authority.context("the upstream URL needs a host")?;
        if authority.as_str().contains('@') {
            bail!("the upstream URL may not carry credentials");
        }
        let prefix = match parts.path_and_query {
            Some(p) if p.query().is_some() => bail!("the upstream URL may not have a query"),
            Some(p) => p.path().trim_end_matches('/').to_owned(),
            None => String::new(),
        };
        Ok(Target {
            host: HeaderValue::from_str(authority.as_str())?,
            scheme,
            authority,
            prefix,
        })
    }

    fn uri(&self, path: &str, query: Option<&str>) -> Result<Uri, RelayError> {
        let query = query.filter(|q| !q.is_empty());
        let mut target = String::with_capacity(
            self.prefix.len() + path.len() + query.map_or(0, |q| q.len() + 1),
        );
        target.push_str(&self.prefix);
        target.push_str(path);
        if let Some(query) = query {
            target.push('?');
            target.push_str(query);
        }
        let mut parts = axum::http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query =
            Some(PathAndQuery::from_maybe_shared(target).map_err(|_| RelayError::Upstream)?);
        Uri::from_parts(parts).map_err(|_| RelayError::Upstream)
    }
}

impl Proxy {
    pub fn new(
        upstream: &Upstream,
        timeout: Duration,
        ca_file: Option<&std::path::Path>,
    ) -> anyhow::Result<Proxy> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https_upstream = [&upstream.serverless_base, &upstream.upload_base]
            .iter()
            .any(|base| base.starts_with("https://"));
        // Each URL keeps its scheme: an https:// upstream that fails TLS is an error (502 with
        // the reason), never a retry in plain HTTP.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(crate::trust::client_config(https_upstream, ca_file)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(ProxyAware::new(http));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(https);
        let auth = &upstream.auth;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", auth.username, auth.password));
        let mut authorization = HeaderValue::from_str(&format!("Basic {basic}"))?;
        authorization.set_sensitive(true);
        Ok(Proxy {
            client,
            serverless: Target::parse(&upstream.serverless_base)?,
            upload: Target::parse(&upstream.upload_base)?,
            authorization,
            timeout,
        })
    }
}

pub async fn forward_serverless(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, RelayError> {
    forward(&state.proxy, Host::Serverless, request).await
}

pub async fn forward_upload(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, RelayError> {
    forward(&state.proxy, Host::Upload, request).await
}

pub(crate) async fn forward(
    proxy: &Proxy,
    host: Host,
    request: Request,
) -> Result<Response, RelayError> {
    let (prefix, target) = match host {
        Host::Serverless => ("/api/serverless", &proxy.serverless),
        Host::Upload => ("/api/upload", &proxy.upload),
    };
    let path = request
        .uri()
        .path()
        .strip_prefix(prefix)
        .unwrap_or_default();
    if !allowed(host, request.method(), path) {
        return Err(RelayError::NotAllowed(
            path.strip_prefix("/v1").unwrap_or(path).to_owned(),
        ));
    }
    check_body_size(host, &request)?;
    let uri = target.uri(path, request.uri().query())?;

    let (mut parts, body) = request.into_parts();
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(header::HOST, target.host.clone());
    headers.insert(header::AUTHORIZATION, proxy.authorization.clone());
    headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
    for name in FORWARDED_REQUEST_HEADERS {
        if let Some(value) = parts.headers.remove(&name) {
            headers.insert(name, value);
        }
    }
    // The deadline covers the whole call, from the relay's peek into an upload on: a client
    // that stalls before its Visibility part must not hold a worker (or a shutdown) forever.
    let started = Instant::now();
    let deadline = started + proxy.timeout;
    let body = if parts.method != Method::POST {
        Body::empty()
    } else if host == Host::Upload {
        tokio::time::timeout_at(deadline, checked_upload(&headers, body))
            .await
            .map_err(|_| RelayError::Timeout)??
    } else {
        body
    };
    let mut upstream = axum::http::Request::new(body);
    *upstream.method_mut() = parts.method;
    *upstream.uri_mut() = uri;
    *upstream.headers_mut() = headers;

    let reply = tokio::time::timeout_at(deadline, proxy.client.request(upstream))
        .await
        .map_err(|_| RelayError::Timeout)?
        .map_err(classify)?;
    let upstream_time = UpstreamTime(started.elapsed());
    let (mut reply, body) = reply.into_parts();
    let mut response = Response::new(Body::new(Deadline::new(body, deadline)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    for name in FORWARDED_RESPONSE_HEADERS {
        if let Some(value) = reply.headers.remove(&name) {
            headers.insert(name, value);
        }
    }
    response.extensions_mut().insert(upstream_time);
    Ok(response)
}

const USER_AGENT: &str = concat!("switchboard/", env!("CARGO_PKG_VERSION"));

/// Refuses oversized bodies before anything is sent upstream. Uploads must say how big they are,
/// so the cap is known up front; hyper then holds the body to its declared length.
fn check_body_size(host: Host, request: &Request) -> Result<(), RelayError> {
    let declared = declared_length(request.headers());
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    if request.method() != Method::POST {
        return match (declared, chunked) {
            (Some(n), _) if n > 0 => Err(RelayError::BodyNotAllowed),
            (_, true) => Err(RelayError::BodyNotAllowed),
            _ => Ok(()),
        };
    }
    let limit = match host {
        Host::Upload => MAX_ASSET_BYTES + MULTIPART_OVERHEAD,
        Host::Serverless => MAX_FORM_BYTES,
    };
    match declared {
        None if host == Host::Upload || chunked => Err(RelayError::LengthRequired),
        Some(size) if size > limit => Err(RelayError::TooLarge { size, limit }),
        _ => Ok(()),
    }
}

/// Reads the start of a multipart upload to find its visibility, refuses a private upload over
/// the private cap, and streams the rest through untouched.
async fn checked_upload(headers: &HeaderMap, body: Body) -> Result<Body, RelayError> {
    let declared = declared_length(headers).unwrap_or(0);
    let mut stream = body.into_data_stream();
    let mut head: Vec<Bytes> = Vec::new();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Not multipart (Twilio refuses it anyway): nothing to peek at.
    if let Some(mut scanner) = Scanner::new(content_type) {
        let mut seen = 0;
        let mut peek = Peek::More;
        while seen < PEEK_BYTES && peek == Peek::More {
            let Some(chunk) = stream.next().await else {
                break;
            };
            let chunk = chunk.map_err(|_| RelayError::Upstream)?;
            seen += chunk.len();
            peek = scanner.feed(&chunk);
            head.push(chunk);
        }
        let limit = MAX_PRIVATE_ASSET_BYTES + MULTIPART_OVERHEAD;
        if peek == Peek::Private && declared > limit {
            return Err(RelayError::TooLarge {
                size: declared,
                limit,
            });
        }
    }
    let head = futures_util::stream::iter(head.into_iter().map(Ok::<_, axum::Error>));
    Ok(Body::from_stream(head.chain(stream)))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// A connect timeout counts as a timeout (504), like the overall deadline; any other failure to
/// connect means the upstream is unreachable (502).
fn classify(error: hyper_util::client::legacy::Error) -> RelayError {
    let timed_out = std::iter::successors(std::error::Error::source(&error), |e| e.source())
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::TimedOut);
    if timed_out {
        RelayError::Timeout
    } else if let Some(reason) = crate::trust::tls_failure(&error) {
        tracing::warn!(reason, "TLS to the upstream failed");
        RelayError::Tls(reason)
    } else if error.is_connect() {
        RelayError::Unreachable
    } else {
        tracing::warn!(error = %chain(&error), "upstream call failed");
        RelayError::Upstream
    }
}

/// An error with its causes, which hyper keeps out of `Display`. None of them carries a URL or a
/// header, so nothing secret can reach the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
