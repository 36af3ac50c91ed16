//! `POST /api/invoke`: calls a deployed Function or Asset of one of the account's environments
//! for the console's Test panel, and signs the call when the Function is protected, since the
//! relay holds the auth token and the browser never does (docs/SECURITY.md, "Invocations").
//!
//! The relay calls only `<domain_name><path>` of an environment the Serverless API names, for
//! a path of that environment's live build: the caller chooses an environment and a path, never
//! a host.

mod call;
mod lookup;
pub mod signature;

pub use call::{BODY_LIMIT, Caller, TIME_LIMIT, is_public};
pub use lookup::Lookups;

use crate::error::RelayError;
use crate::state::AppState;
use crate::upstream::UpstreamKind;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use std::time::Instant;
use switchboard_models::relay::{Invocation, Invoked};
use switchboard_models::sid::{SidKind, is_sid};

/// Why protected Functions cannot be tested with API-key credentials: `/api/invoke`'s refusal
/// and `/api/session`'s `unsigned_reason`, so the panel says it before a call is tried.
pub const CANNOT_SIGN: &str = "protected Functions cannot be tested with API-key credentials: signing a call needs the account's auth token, which this relay does not have";

/// Headers a caller may not set: the relay sets the host and the signature, and the others
/// belong to the connection.
const REFUSED_HEADERS: [&str; 13] = [
    "host",
    "x-twilio-signature",
    "content-length",
    "content-type",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
    "expect",
];

pub async fn invoke(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Invoked>, RelayError> {
    // Read here rather than by axum's `Json`, so a malformed request is refused in Twilio's shape.
    let invocation: Invocation = serde_json::from_slice(&body)
        .map_err(|error| RelayError::Refused(format!("the invocation is not valid: {error}")))?;
    let method = match invocation.method.as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        _ => return Err(refused("the method must be GET or POST")),
    };
    if !is_sid(SidKind::Service, &invocation.service_sid)
        || !is_sid(SidKind::Environment, &invocation.environment_sid)
    {
        return Err(refused(
            "service_sid and environment_sid must be ZS… and ZE… SIDs",
        ));
    }
    if invocation.json.is_some() && (method != Method::POST || !invocation.params.is_empty()) {
        return Err(refused("a JSON body goes with POST and no form parameters"));
    }
    if !invocation.path.starts_with('/') || invocation.path.starts_with("//") {
        return Err(refused("the path must start with a single /"));
    }
    let extra = checked_headers(&invocation.headers)?;
    let (service, environment) = (&invocation.service_sid, &invocation.environment_sid);
    let live = state
        .invoker
        .lookups
        .live(&state.proxy, service, environment)
        .await?;
    let Some(build) = live.build_sid else {
        return Err(refused("nothing is deployed to this environment"));
    };
    let routes = state
        .invoker
        .lookups
        .routes(&state.proxy, service, &build)
        .await?;
    let route = routes
        .into_iter()
        .find(|route| route.path == invocation.path)
        .ok_or_else(|| {
            refused("the environment's live build has no Function or Asset at this path")
        })?;
    let signed = match route.visibility.as_str() {
        "public" => false,
        "protected" => true,
        _ => return Err(refused("private Functions and Assets have no URL")),
    };
    let target = where_to_call(&state, &live.domain_name)?;
    let mut path_and_query = invocation.path.clone();
    if method == Method::GET && !invocation.params.is_empty() {
        path_and_query.push('?');
        path_and_query.push_str(&form(&invocation.params));
    }
    let url = format!("{}{path_and_query}", target.base);
    let mut request = Request::builder()
        .method(method.clone())
        .uri(format!("{}{path_and_query}", target.connect_to));
    let headers = request.headers_mut().ok_or(RelayError::Upstream)?;
    for (name, value) in extra {
        headers.append(name, value);
    }
    headers.insert(
        header::HOST,
        HeaderValue::from_str(&target.host).map_err(|_| RelayError::Upstream)?,
    );
    if !target.keep_alive {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let body = if method == Method::GET {
        Body::empty()
    } else if let Some(json) = &invocation.json {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Body::from(json.clone())
    } else {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        Body::from(form(&invocation.params))
    };
    if signed {
        let token = state
            .invoker
            .auth_token
            .as_deref()
            .ok_or_else(|| refused(CANNOT_SIGN))?;
        // A form's parameters are signed with the URL; a query is part of the URL.
        let params = if method == Method::POST && invocation.json.is_none() {
            invocation.params.as_slice()
        } else {
            &[]
        };
        let signature = signature::sign(token, &url, params);
        headers.insert(
            HeaderName::from_static("x-twilio-signature"),
            HeaderValue::from_str(&signature).map_err(|_| RelayError::Upstream)?,
        );
    }
    let request = request
        .body(body)
        .map_err(|_| refused("the path or parameters do not make a valid URL"))?;
    let started = Instant::now();
    let answer = state.invoker.caller()?.call(request).await?;
    let request_sid = answer
        .headers
        .iter()
        .find(|(name, _)| name == "x-switchboard-request-sid")
        .map(|(_, value)| value.clone());
    Ok(Json(Invoked {
        url,
        status: answer.status,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        headers: answer.headers,
        body: String::from_utf8_lossy(&answer.body).into_owned(),
        truncated: answer.truncated,
        request_sid,
        signed,
    }))
}

/// What the relay needs to invoke functions: the lookups, the client, and the auth token to
/// sign with (`None` with API-key credentials).
pub struct Invoker {
    pub lookups: Lookups,
    /// Made at the first invocation: loading the system's certificates takes a while, and a
    /// relay that never invokes need not pay for it while starting.
    caller: std::sync::OnceLock<Result<Caller, String>>,
    ca_file: Option<std::path::PathBuf>,
    pub auth_token: Option<String>,
}

impl Invoker {
    pub fn new(ca_file: Option<std::path::PathBuf>, auth_token: Option<String>) -> Invoker {
        Invoker {
            lookups: Lookups::default(),
            caller: std::sync::OnceLock::new(),
            ca_file,
            auth_token,
        }
    }

    fn caller(&self) -> Result<&Caller, RelayError> {
        self.caller
            .get_or_init(|| {
                crate::trust::client_config(true, self.ca_file.as_deref())
                    .map(Caller::new)
                    .map_err(|error| error.to_string())
            })
            .as_ref()
            .map_err(|reason| RelayError::Tls(reason.clone()))
    }
}

/// The URL a function is called at (and signed with), and where the relay connects for it.
struct Target {
    /// `https://<domain_name>`, or `http://<name>.localhost:<port>` on an emulator.
    base: String,
    host: String,
    /// Scheme and authority the relay connects to.
    connect_to: String,
    /// Whether a connection may carry a later call. An emulator hands each connection to the
    /// process of the environment its first request names, so one to its port serves one call.
    keep_alive: bool,
}

/// Against Twilio (or another region or edge), the environment's own `*.twil.io` name over
/// HTTPS. Against an emulator (embedded, or a `switchboard emulator` on loopback named by
/// `--serverless-url`), the emulator's own port, where its live URLs answer by `Host`.
fn where_to_call(state: &AppState, domain_name: &str) -> Result<Target, RelayError> {
    let label = domain_name
        .strip_suffix(".twil.io")
        .filter(|label| {
            !label.is_empty()
                && label.split('.').all(|part| {
                    !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        })
        .ok_or_else(|| refused("the environment's domain is not a twil.io name"))?;
    let address = state
        .upstream
        .serverless_base
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .and_then(|authority| authority.parse::<std::net::SocketAddr>().ok());
    let emulator = match &state.upstream.kind {
        UpstreamKind::Emulator => address,
        UpstreamKind::Custom => address.filter(|address| address.ip().is_loopback()),
        UpstreamKind::Twilio { .. } => None,
    };
    if let Some(address) = emulator {
        let host = format!("{label}.localhost:{}", address.port());
        return Ok(Target {
            base: format!("http://{host}"),
            host,
            connect_to: format!("http://{address}"),
            keep_alive: false,
        });
    }
    Ok(Target {
        base: format!("https://{domain_name}"),
        host: domain_name.to_owned(),
        connect_to: format!("https://{domain_name}"),
        keep_alive: true,
    })
}

/// The caller's extra headers, refusing those it may not set.
fn checked_headers(
    headers: &[(String, String)],
) -> Result<Vec<(HeaderName, HeaderValue)>, RelayError> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| refused("a header name is not valid"))?;
            if REFUSED_HEADERS.contains(&name.as_str())
                || name.as_str().starts_with("x-switchboard-")
                || name.as_str().starts_with("proxy-")
            {
                return Err(RelayError::Refused(format!(
                    "the header {name} is set by the relay or the connection, not by a test"
                )));
            }
            let value =
                HeaderValue::from_str(value).map_err(|_| refused("a header value is not valid"))?;
            Ok((name, value))
        })
        .collect()
}

fn form(params: &[(String, String)]) -> String {
    serde_urlencoded::to_string(params).unwrap_or_default()
}

fn refused(reason: &str) -> RelayError {
    RelayError::Refused(reason.to_owned())
}
