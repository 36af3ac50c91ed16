//! Forwarding of allowlisted API calls. Bodies stream through in both directions; only a fixed
//! set of headers crosses, and the credentials are added here, never taken from the browser.

use crate::allowlist::{Host, allowed};
use crate::app::AppState;
use crate::error::RelayError;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderName, Method, header};
use axum::response::Response;
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use switchboard_models::limits::{MAX_ASSET_BYTES, MAX_PRIVATE_ASSET_BYTES};

/// Room for the multipart framing and the small `Path` and `Visibility` parts around the file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// How far into an upload the relay looks for its `Visibility` part. The console and the
/// serverless toolkit send `Path` and `Visibility` before `Content`, so this is plenty; a client
/// that sends `Content` first gets the public cap here and the private one from Twilio.
const PEEK_BYTES: usize = 64 * 1024;
/// Form posts to the Serverless host are small; a megabyte is generous.
const MAX_FORM_BYTES: u64 = 1024 * 1024;

/// Request headers the browser may pass on. Everything else (cookies, the console token,
/// `Authorization`, hop-by-hop headers) stays at the relay.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] =
    [header::ACCEPT, header::CONTENT_TYPE, header::CONTENT_LENGTH];

/// Response headers worth passing back: the body's type and size, rate-limit advice and Twilio's
/// request identifiers for support tickets.
const FORWARDED_RESPONSE_HEADERS: [&str; 6] = [
    "content-type",
    "content-length",
    "retry-after",
    "etag",
    "twilio-request-id",
    "twilio-request-duration",
];

/// How long the upstream took, for the access log.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamTime(pub Duration);

pub async fn forward_serverless(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, RelayError> {
    forward(state, Host::Serverless, request).await
}

pub async fn forward_upload(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, RelayError> {
    forward(state, Host::Upload, request).await
}

async fn forward(state: AppState, host: Host, request: Request) -> Result<Response, RelayError> {
    let (prefix, base) = match host {
        Host::Serverless => ("/api/serverless", &state.upstream.serverless_base),
        Host::Upload => ("/api/upload", &state.upstream.upload_base),
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

    let mut url = format!("{base}{path}");
    if let Some(query) = request.uri().query().filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    let auth = &state.upstream.auth;
    let method = request.method().clone();
    let mut upstream = state
        .client
        .request(method.clone(), url)
        .basic_auth(&auth.username, Some(&auth.password))
        .timeout(state.config.upstream_timeout);
    for name in FORWARDED_REQUEST_HEADERS {
        if let Some(value) = request.headers().get(&name) {
            upstream = upstream.header(name, value);
        }
    }
    if method == Method::POST && host == Host::Upload {
        upstream = upstream.body(checked_upload(request).await?);
    } else if method == Method::POST {
        upstream = upstream.body(reqwest::Body::wrap_stream(
            request.into_body().into_data_stream(),
        ));
    }

    let started = Instant::now();
    let reply = upstream.send().await.map_err(classify)?;
    let mut response = Response::builder().status(reply.status());
    for name in FORWARDED_RESPONSE_HEADERS {
        if let Some(value) = reply.headers().get(name) {
            response = response.header(name, value);
        }
    }
    let mut response = response
        .body(Body::from_stream(reply.bytes_stream()))
        .map_err(|_| RelayError::Upstream)?;
    response
        .extensions_mut()
        .insert(UpstreamTime(started.elapsed()));
    Ok(response)
}

/// Refuses oversized bodies before anything is sent upstream. Uploads must say how big they are,
/// so the cap is known up front; hyper then holds the body to its declared length.
fn check_body_size(host: Host, request: &Request) -> Result<(), RelayError> {
    let declared = declared_length(request);
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
async fn checked_upload(request: Request) -> Result<reqwest::Body, RelayError> {
    let declared = declared_length(&request).unwrap_or(0);
    let mut stream = request.into_body().into_data_stream();
    let mut head: Vec<Bytes> = Vec::new();
    let mut seen = 0;
    let mut visibility = None;
    while seen < PEEK_BYTES && visibility.is_none() {
        let Some(chunk) = stream.next().await else {
            break;
        };
        let chunk = chunk.map_err(|_| RelayError::Upstream)?;
        seen += chunk.len();
        head.push(chunk);
        visibility = multipart_field(&head.concat(), "Visibility");
    }
    let limit = MAX_PRIVATE_ASSET_BYTES + MULTIPART_OVERHEAD;
    if visibility.as_deref() == Some("private") && declared > limit {
        return Err(RelayError::TooLarge {
            size: declared,
            limit,
        });
    }
    let head = futures_util::stream::iter(head.into_iter().map(Ok::<_, axum::Error>));
    Ok(reqwest::Body::wrap_stream(head.chain(stream)))
}

/// The value of a small text part of a multipart body, if the body holds all of it.
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = find(body, marker.as_bytes())?;
    let value_start = start + find(&body[start..], b"\r\n\r\n")? + 4;
    let value_len = find(&body[value_start..], b"\r\n")?;
    String::from_utf8(body[value_start..value_start + value_len].to_vec()).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn classify(error: reqwest::Error) -> RelayError {
    if error.is_timeout() {
        RelayError::Timeout
    } else if error.is_connect() {
        RelayError::Unreachable
    } else {
        tracing::warn!(error = %without_url(&error), "upstream call failed");
        RelayError::Upstream
    }
}

/// reqwest errors print the URL; ours never hold credentials, but keep log lines short.
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), url.path());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::multipart_field;

    #[test]
    fn reads_small_parts_only_when_whole() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/x\r\n--b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\nprivate\r\n--b\r\n";
        assert_eq!(
            multipart_field(body, "Visibility").as_deref(),
            Some("private")
        );
        assert_eq!(multipart_field(body, "Path").as_deref(), Some("/x"));
        assert_eq!(
            multipart_field(&body[..body.len() - 16], "Visibility"),
            None
        );
        assert_eq!(multipart_field(body, "Content"), None);
    }
}
