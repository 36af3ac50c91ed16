//! Live URLs: `http://<domain>.localhost:<port>/<path>` on the emulator's own port, where
//! `<domain>` is the environment's `domain_name` with `.twil.io` removed (the whole
//! `domain_name` works too). Browsers and curl resolve every `*.localhost` name to loopback, so
//! no DNS or hosts file is needed. A request is told apart from an API call by its Host alone,
//! and needs no credentials, as on Twilio.

use super::processes::{self, LogTarget, Process};
use crate::Emulator;
use crate::clock;
use crate::config::Execution;
use crate::error::ApiResult;
use crate::store::live::{self as live_store, Target};
use crate::store::logs::{self, NewLog};
use crate::store::new_sid;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use std::sync::Arc;
use std::time::Instant;
use switchboard_models::sid::SidKind;

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

fn plain(status: StatusCode, text: impl Into<String>) -> Response {
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
    let store = emulator.store().clone();
    let target = match store
        .call(move |db| live_store::target(db, &domain, &path))
        .await
    {
        Ok(Some(target)) => target,
        Ok(None) => return not_found(),
        Err(error) => return error.into_response(),
    };
    let runtime = emulator.runtime();
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
        return match forward(emulator, &process, request, None).await {
            Ok(response) => response,
            Err(response) => response,
        };
    }
    execute(emulator, target, route.parent_sid, process, request).await
}

/// The environment's process, started (and its build installed) if need be.
async fn process_for(
    emulator: &Emulator,
    target: &Target,
    build_sid: &str,
) -> Result<Arc<Process>, String> {
    let runtime = emulator.runtime();
    let environment = &target.environment_sid;
    if let Some(process) = runtime.processes.get(environment, build_sid) {
        return Ok(process);
    }
    let lock = runtime.processes.lock_for(environment);
    let _held = lock.lock().await;
    if let Some(process) = runtime.processes.get(environment, build_sid) {
        return Ok(process);
    }
    let dir = runtime.ensure_built(emulator.store(), build_sid).await?;
    let build = build_sid.to_owned();
    let routes = emulator
        .store()
        .call(move |db| live_store::routes(db, &build))
        .await
        .map_err(|error| error.to_string())?;
    let config = runtime.serve_config(&dir, &routes, &emulator.credentials().auth_token);
    let log_target = LogTarget {
        account_sid: target.account_sid.clone(),
        service_sid: target.service_sid.clone(),
        environment_sid: target.environment_sid.clone(),
        build_sid: build_sid.to_owned(),
        deployment_sid: target.deployment_sid.clone(),
    };
    let process = processes::start(
        build_sid,
        runtime.serve_js(),
        &config,
        log_target,
        emulator.store().downgrade(),
    )
    .await?;
    runtime.processes.insert(environment, process.clone());
    Ok(process)
}

/// One execution of a Function: "Execution started", what it logs, "Execution ended in N ms",
/// under one request SID, with Twilio's time limit.
async fn execute(
    emulator: &Emulator,
    target: Target,
    function_sid: String,
    process: Arc<Process>,
    request: Forwarded,
) -> Response {
    let started = Instant::now();
    let host = request
        .parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let request_sid = match write_log(
        emulator,
        &target,
        &function_sid,
        None,
        "info",
        "Execution started".into(),
    )
    .await
    {
        Ok(sid) => sid,
        Err(error) => return error.into_response(),
    };
    let call = process.execution(&request_sid, &function_sid);
    let env = context_env(emulator, &target, &host);
    let limit = emulator.config().execution_timeout;
    let forwarded = tokio::time::timeout(
        limit,
        forward(emulator, &process, request, Some((&request_sid, &env))),
    )
    .await;
    let processes = &emulator.runtime().processes;
    let (response, exited, timed_out) = match forwarded {
        Ok(Ok(response)) => (response, false, false),
        // Nothing answered: the process is gone (process.exit, a crash).
        Ok(Err(response)) => (response, true, false),
        Err(_) => (
            plain(
                StatusCode::GATEWAY_TIMEOUT,
                format!(
                    "The function did not answer within {} s",
                    limit.as_secs_f32()
                ),
            ),
            false,
            true,
        ),
    };
    if exited || timed_out {
        // A function that does not answer in time may be looping: its process is stopped too.
        processes.stop_if(&target.environment_sid, &process);
    }
    let dropped = call.finish().await;
    let problem = if timed_out {
        Some(format!(
            "Execution timed out after {} s: the function's process was stopped",
            limit.as_secs_f32()
        ))
    } else if exited {
        Some(format!(
            "The function's process exited before answering; the next request starts a new one. {}",
            process.stderr_tail()
        ))
    } else {
        None
    };
    let mut closing = Vec::new();
    if let Some(problem) = problem {
        closing.push(("error", problem.trim().to_owned()));
    }
    if dropped > 0 {
        closing.push((
            "warn",
            format!(
                "{dropped} more log lines were dropped: an execution keeps at most {} lines",
                processes::LINES_PER_EXECUTION
            ),
        ));
    }
    closing.push((
        "info",
        format!("Execution ended in {} ms", started.elapsed().as_millis()),
    ));
    for (level, message) in closing {
        if let Err(error) = write_log(
            emulator,
            &target,
            &function_sid,
            Some(&request_sid),
            level,
            message,
        )
        .await
        {
            tracing::error!(%error, "an execution's log entry could not be stored");
        }
    }
    let mut response = response;
    if let Ok(sid) = HeaderValue::from_str(&request_sid) {
        // Which Logs entries are this execution's (docs/EMULATOR.md).
        response.headers_mut().insert(REQUEST_HEADER, sid);
    }
    response
}

/// Writes one log entry of an execution; without a request SID, issues one.
async fn write_log(
    emulator: &Emulator,
    target: &Target,
    function_sid: &str,
    request_sid: Option<&str>,
    level: &'static str,
    message: String,
) -> ApiResult<String> {
    let account = target.account_sid.clone();
    let mut entry = NewLog {
        service_sid: target.service_sid.clone(),
        environment_sid: target.environment_sid.clone(),
        build_sid: target.build_sid.clone().unwrap_or_default(),
        deployment_sid: target.deployment_sid.clone(),
        function_sid: function_sid.to_owned(),
        request_sid: request_sid.unwrap_or_default().to_owned(),
        level,
        message,
    };
    emulator
        .store()
        .call(move |db| {
            let now = clock::now();
            if entry.request_sid.is_empty() {
                entry.request_sid = new_sid(db, SidKind::Request, &account, now)?.0;
            }
            let request_sid = entry.request_sid.clone();
            logs::insert(db, &account, entry, now)?;
            Ok(request_sid)
        })
        .await
}

/// What the function's `context` holds besides PATH: the environment's variables as they are
/// now, then DOMAIN_NAME (the host it was called on), SERVICE_SID, ENVIRONMENT_SID, and the
/// account's credentials when the service includes them.
fn context_env(emulator: &Emulator, target: &Target, host: &str) -> String {
    let mut env = serde_json::Map::new();
    for (key, value) in &target.variables {
        env.insert(key.clone(), value.clone().into());
    }
    env.insert("DOMAIN_NAME".into(), host.into());
    env.insert("SERVICE_SID".into(), target.service_sid.clone().into());
    env.insert(
        "ENVIRONMENT_SID".into(),
        target.environment_sid.clone().into(),
    );
    if target.include_credentials {
        env.insert("ACCOUNT_SID".into(), target.account_sid.clone().into());
        env.insert(
            "AUTH_TOKEN".into(),
            emulator.credentials().auth_token.clone().into(),
        );
    }
    let json = serde_json::Value::Object(env).to_string();
    base64::engine::general_purpose::STANDARD.encode(json)
}

/// A request read whole, to be sent on to an environment's process.
struct Forwarded {
    parts: axum::http::request::Parts,
    body: axum::body::Bytes,
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
async fn forward(
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
    let unreachable = |error: reqwest::Error| {
        tracing::debug!(%error, "a function's process did not answer");
        plain(
            StatusCode::BAD_GATEWAY,
            "The function's process stopped before answering",
        )
    };
    let answer = emulator
        .runtime()
        .client
        .request(
            parts.method,
            format!("http://127.0.0.1:{}{path}", process.port),
        )
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = answer.status();
    let mut response_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if !hop_by_hop(name) && name != header::CONTENT_LENGTH {
            response_headers.append(name.clone(), value.clone());
        }
    }
    let bytes = answer.bytes().await.map_err(unreachable)?;
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    Ok(response)
}
