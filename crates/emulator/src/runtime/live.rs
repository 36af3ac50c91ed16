//! Live URLs: `http://<domain>.localhost:<port>/<path>` on the emulator's own port, where
//! `<domain>` is the environment's `domain_name` with `.twil.io` removed (the whole
//! `domain_name` works too). Browsers and curl resolve every `*.localhost` name to loopback, so
//! no DNS or hosts file is needed. A request is told apart from an API call by its Host alone,
//! and needs no credentials, as on Twilio.

use super::execution::{REFUSED_HEADER, execute};
use super::processes::{self, Process};
use crate::Emulator;
use crate::config::Execution;
use crate::store::live::{self as live_store, Target};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;

/// The answer header naming an execution's request SID.
pub const REQUEST_HEADER: &str = "x-switchboard-request-sid";

/// A request body a function may receive (AWS Lambda's, which Twilio Functions run on).
const BODY_LIMIT: usize = 6 * 1024 * 1024;

/// Sends requests for a live URL to the environment; everything else goes on to the API.
pub async fn dispatch(State(emulator): State<Emulator>, request: Request, next: Next) -> Response {
    match live_domain(request.headers()) {
        Some(domain) => serve(&emulator, domain, request).await,
        None => next.run(request).await,
    }
}

/// The `domain_name` a Host of the form `<domain>.localhost[:port]` names.
pub fn live_domain(headers: &HeaderMap) -> Option<String> {
    let host = headers
        .get(header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host.as_str(),
    };
    let base = name.strip_suffix(".localhost")?;
    if base.is_empty() {
        return None;
    }
    Some(if base.ends_with(".twil.io") {
        base.to_owned()
    } else {
        format!("{base}.twil.io")
    })
}

pub(super) fn plain(status: StatusCode, text: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.into(),
    )
        .into_response()
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "Not Found")
}

/// Serves `request` as the environment whose `domain_name` is `domain` would.
pub async fn serve(emulator: &Emulator, domain: String, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is larger than 6 MB",
        );
    };
    let request = Forwarded { parts, body };
    let path = request.parts.uri.path().to_owned();
    let runtime = emulator.runtime();
    let target = match runtime.targets.find(emulator.store(), domain, path).await {
        Ok(Some(target)) => target,
        Ok(None) => return not_found(),
        Err(error) => return error.into_response(),
    };
    match runtime.execution() {
        Execution::Node => {}
        Execution::Simulated => {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "Functions do not run in this emulator: node and npm were not found when it started, so builds are simulated.",
            );
        }
        Execution::Off => {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "Functions do not run in this emulator: running deployed code is off because this console is shared (see --allow-code-execution).",
            );
        }
    }
    let (Some(build_sid), Some(route)) = (target.build_sid.clone(), target.route.clone()) else {
        return not_found();
    };
    // Private Functions and Assets have no URL; only code of the build reaches them.
    if route.access == "private" {
        return not_found();
    }
    let process = match process_for(emulator, &target, &build_sid).await {
        Ok(process) => process,
        Err(reason) => {
            return plain(
                StatusCode::BAD_GATEWAY,
                format!("This build cannot run: {reason}"),
            );
        }
    };
    if !route.is_function {
        let (Ok(mut response) | Err(mut response)) =
            forward(emulator, &process, request, None).await;
        response.headers_mut().remove(REFUSED_HEADER);
        return response;
    }
    execute(emulator, target, route.parent_sid, process, request).await
}

/// The process of the environment that `Processes::pick` names; a new one, started (and its
/// build installed) for this request, when every one is stuck and it may have another, as
/// Twilio starts an instance for an execution that would otherwise wait.
async fn process_for(
    emulator: &Emulator,
    target: &Target,
    build_sid: &str,
) -> Result<Arc<Process>, String> {
    let runtime = emulator.runtime();
    let environment = &target.environment_sid;
    let (limit, stuck) = (emulator.config().instances, emulator.config().stuck_after);
    let pick = || runtime.processes.pick(environment, build_sid, limit, stuck);
    if let Some(pick) = pick()
        && !pick.crowded
    {
        return Ok(pick.process);
    }
    let lock = runtime.processes.lock_for(environment);
    let _held = lock.lock().await;
    let busy = match pick() {
        Some(pick) if !pick.crowded => return Ok(pick.process),
        busy => busy,
    };
    match start_process(emulator, build_sid).await {
        Ok(process) => {
            runtime.processes.insert(environment, process.clone());
            Ok(process)
        }
        // The ones already running still serve.
        Err(reason) => busy.map(|pick| pick.process).ok_or(reason),
    }
}

async fn start_process(emulator: &Emulator, build_sid: &str) -> Result<Arc<Process>, String> {
    let runtime = emulator.runtime();
    let dir = runtime.ensure_built(emulator.store(), build_sid).await?;
    let build = build_sid.to_owned();
    let routes = emulator
        .store()
        .call(move |db| live_store::routes(db, &build))
        .await
        .map_err(|error| error.to_string())?;
    let config = runtime.serve_config(&dir, &routes, &emulator.credentials().auth_token);
    processes::start(build_sid, runtime.serve_js(), &config).await
}

/// Calls to the environments' own processes on loopback: no proxy, no redirects, no TLS.
pub type Client = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

pub fn client() -> Client {
    let mut connector = HttpConnector::new();
    // Small requests and answers: Nagle's delay would hold them back.
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector)
}

/// A request read whole, to be sent on to an environment's process.
pub(super) struct Forwarded {
    pub parts: axum::http::request::Parts,
    pub body: Bytes,
}

/// Headers that belong to one connection, not to the request or answer.
fn hop_by_hop(name: &header::HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
            | "proxy-authorization"
            | "proxy-connection"
    )
}

/// Sends the request to the process and brings its answer back. `Err` is the answer to give
/// when the process could not be reached or did not answer whole.
pub(super) async fn forward(
    emulator: &Emulator,
    process: &Process,
    request: Forwarded,
    execution: Option<(&str, &str)>,
) -> Result<Response, Response> {
    let Forwarded { parts, body } = request;
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let mut headers = HeaderMap::new();
    for (name, value) in &parts.headers {
        // Only the emulator says which request this is and what its context holds.
        if hop_by_hop(name) || name.as_str().starts_with("x-switchboard-") {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    // A SID and base64 are always valid header values.
    if let Some((request_sid, env)) = execution
        && let (Ok(sid), Ok(env)) = (
            HeaderValue::from_str(request_sid),
            HeaderValue::from_str(env),
        )
    {
        headers.insert("x-switchboard-request", sid);
        headers.insert("x-switchboard-env", env);
    }
    let unreachable = |error: &dyn std::fmt::Display| {
        tracing::debug!(%error, "a function's process did not answer");
        plain(
            StatusCode::BAD_GATEWAY,
            "The function's process stopped before answering",
        )
    };
    let mut call = Request::new(Full::new(body));
    *call.method_mut() = parts.method;
    *call.headers_mut() = headers;
    *call.uri_mut() = format!("http://127.0.0.1:{}{path}", process.port)
        .parse()
        .map_err(|error| unreachable(&error))?;
    let answer = emulator
        .runtime()
        .client
        .request(call)
        .await
        .map_err(|error| unreachable(&error))?;
    let (answer, body) = answer.into_parts();
    let mut response_headers = HeaderMap::new();
    for (name, value) in &answer.headers {
        // Of the process's own headers, only its refusal marker is kept, for `execute`.
        let ours = name.as_str().starts_with("x-switchboard-") && name != REFUSED_HEADER;
        if !hop_by_hop(name) && name != header::CONTENT_LENGTH && !ours {
            response_headers.append(name.clone(), value.clone());
        }
    }
    let bytes = body
        .collect()
        .await
        .map_err(|error| unreachable(&error))?
        .to_bytes();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = answer.status;
    *response.headers_mut() = response_headers;
    Ok(response)
}
