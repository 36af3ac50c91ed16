//! Live URLs: `http://<domain>.localhost:<port>/<path>` on the emulator's own port, where
//! `<domain>` is the environment's `domain_name` with `.twil.io` removed (the whole
//! `domain_name` works too). Browsers and curl resolve every `*.localhost` name to loopback, so
//! no DNS or hosts file is needed. A request is told apart from an API call by its Host alone,
//! and needs no credentials, as on Twilio.
//!
//! A connection whose first request names a live URL that can run is handed, socket and all,
//! to its environment's Node process, which serves it from then on (`listener.rs`). Every other
//! answer for a live URL (nothing deployed there, code does not run, the build cannot start) is
//! the emulator's, and closes the connection, so the client's next request opens a new one.

use super::execution::STOPPED;
use super::processes::{self, Process};
use crate::Emulator;
use crate::config::Execution;
use crate::store::live::{self as live_store, Target};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::Empty;
use hyper_util::rt::TokioIo;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use tokio::net::TcpStream;

/// The answer header naming an execution's request SID.
pub const REQUEST_HEADER: &str = "x-switchboard-request-sid";

/// The `domain_name` a Host header of the form `<domain>.localhost[:port]` names.
pub fn live_domain(headers: &HeaderMap) -> Option<String> {
    host_domain(headers.get(header::HOST)?.to_str().ok()?)
}

/// The `domain_name` a Host of the form `<domain>.localhost[:port]` names (as `domainOf` in
/// `runtime/serve.js` reads it).
pub fn host_domain(host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
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

/// Why a live URL is not served by its environment's process, as the emulator answers it.
pub struct Refusal {
    status: StatusCode,
    text: String,
}

impl Refusal {
    fn new(status: StatusCode, text: impl Into<String>) -> Refusal {
        Refusal {
            status,
            text: text.into(),
        }
    }

    /// A first request head too long to read ahead (`listener.rs`).
    pub fn head_too_long() -> Refusal {
        Refusal::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "The request head is larger than 64 KB",
        )
    }

    pub fn response(&self) -> Response {
        (
            self.status,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                // The next request may find it served: it must come on a new connection.
                (header::CONNECTION, "close"),
            ],
            self.text.clone(),
        )
            .into_response()
    }
}

/// The environment a live URL on `domain` names, if its code can run.
async fn lookup(emulator: &Emulator, domain: String) -> Result<Arc<Target>, Refusal> {
    let runtime = emulator.runtime();
    let not_found = || Refusal::new(StatusCode::NOT_FOUND, "Not Found");
    let target = match runtime.targets.find(emulator.store(), domain).await {
        Ok(Some(target)) => target,
        Ok(None) => return Err(not_found()),
        Err(error) => {
            return Err(Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                error.to_string(),
            ));
        }
    };
    match runtime.execution() {
        Execution::Node => {}
        Execution::Simulated => {
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Functions do not run in this emulator: node and npm were not found when it started, so builds are simulated.",
            ));
        }
        Execution::Off => {
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Functions do not run in this emulator: running deployed code is off because this console is shared (see --allow-code-execution).",
            ));
        }
    }
    if target.build_sid.is_none() {
        return Err(not_found());
    }
    Ok(target)
}

/// A live URL's request that reached the API's router: the emulator's answer when its code
/// cannot run; otherwise it came on a connection opened for another host, and is told to come
/// on a new one.
pub async fn dispatch(State(emulator): State<Emulator>, request: Request, next: Next) -> Response {
    let Some(domain) = live_domain(request.headers()) else {
        return next.run(request).await;
    };
    match lookup(&emulator, domain).await {
        Err(refusal) => refusal.response(),
        Ok(_) => Refusal::new(
            StatusCode::MISDIRECTED_REQUEST,
            "This connection was opened for another host: open a new one",
        )
        .response(),
    }
}

/// Hands an accepted connection whose first request names `domain` to the environment's
/// process; gives it back, with the answer to give, when that cannot be.
pub async fn hand_off(
    emulator: &Emulator,
    domain: String,
    stream: TcpStream,
) -> Result<(), (TcpStream, Refusal)> {
    let target = match lookup(emulator, domain).await {
        Ok(target) => target,
        Err(refusal) => return Err((stream, refusal)),
    };
    let mut socket = match stream.into_std() {
        Ok(stream) => OwnedFd::from(stream),
        Err(error) => {
            tracing::debug!(%error, "a connection could not be handed over");
            return Ok(());
        }
    };
    // A second try when the process picked went away just then.
    for _ in 0..2 {
        let process = match process_for(emulator, &target).await {
            Ok(process) => process,
            Err(refusal) => return Err((back(socket), refusal)),
        };
        match process.adopt(socket, true).await {
            Ok(()) => return Ok(()),
            Err(returned) => socket = returned,
        }
    }
    Err((back(socket), Refusal::new(StatusCode::BAD_GATEWAY, STOPPED)))
}

/// A socket taken from tokio (`TcpStream::into_std`), as tokio's again.
pub fn back(socket: OwnedFd) -> TcpStream {
    let stream = std::net::TcpStream::from(socket);
    // It was registered with this runtime a moment ago; it can be again.
    TcpStream::from_std(stream).expect("a socket taken from tokio goes back to it")
}

/// Calls `path` on the environment whose domain is `domain` as a browser would, over a
/// connection of the emulator's own handed to the environment's process (for
/// `/__emulator/invoke`).
pub async fn call(emulator: &Emulator, domain: String, path: &str) -> Result<Response, Refusal> {
    let unreachable = |error: &dyn std::fmt::Display| {
        tracing::debug!(%error, "a function's process did not answer");
        Refusal::new(StatusCode::BAD_GATEWAY, STOPPED)
    };
    let host = format!("{}.localhost", domain.trim_end_matches(".twil.io"));
    let target = lookup(emulator, domain).await?;
    let process = process_for(emulator, &target).await?;
    let (ours, theirs) =
        std::os::unix::net::UnixStream::pair().map_err(|error| unreachable(&error))?;
    if process.adopt(OwnedFd::from(theirs), false).await.is_err() {
        return Err(unreachable(&"the process did not take the connection"));
    }
    ours.set_nonblocking(true)
        .map_err(|error| unreachable(&error))?;
    let stream = tokio::net::UnixStream::from_std(ours).map_err(|error| unreachable(&error))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| unreachable(&error))?;
    tokio::spawn(connection);
    let request = axum::http::Request::get(path)
        .header(header::HOST, host)
        .body(Empty::<Bytes>::new())
        .map_err(|error| unreachable(&error))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| unreachable(&error))?;
    Ok(response.map(Body::new))
}

/// The process of the environment that `Processes::pick` names; a new one, started (and its
/// build installed) for this connection, when every one is stuck and it may have another, as
/// Twilio starts an instance for an execution that would otherwise wait.
async fn process_for(emulator: &Emulator, target: &Target) -> Result<Arc<Process>, Refusal> {
    let runtime = emulator.runtime();
    let environment = &target.environment_sid;
    let build_sid = target.build_sid.as_deref().unwrap_or_default();
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
    match start_process(emulator, target).await {
        Ok(process) => {
            runtime.processes.insert(environment, process.clone());
            Ok(process)
        }
        // The ones already running still serve.
        Err(reason) => busy.map(|pick| pick.process).ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_GATEWAY,
                format!("This build cannot run: {reason}"),
            )
        }),
    }
}

async fn start_process(emulator: &Emulator, target: &Target) -> Result<Arc<Process>, String> {
    let runtime = emulator.runtime();
    let build_sid = target.build_sid.clone().unwrap_or_default();
    // Read before the target it started from is read again below: a change in between (a
    // variable) is sent to the new process once it is in the pool.
    let generation = emulator.store().generation();
    let dir = runtime.ensure_built(emulator.store(), &build_sid).await?;
    let (build, environment) = (build_sid.clone(), target.environment_sid.clone());
    let (routes, target) = emulator
        .store()
        .call(move |db| {
            Ok((
                live_store::routes(db, &build)?,
                live_store::environment_target(db, &environment)?,
            ))
        })
        .await
        .map_err(|error| error.to_string())?;
    let target = Arc::new(target.ok_or("the environment was deleted")?);
    if target.build_sid.as_deref() != Some(build_sid.as_str()) {
        // Deployed meanwhile: the next connection starts the build now live.
        return Err("another build was deployed as it started; try again".into());
    }
    let auth_token = &emulator.credentials().auth_token;
    let config = runtime.serve_config(&dir, &routes, &target, auth_token);
    let functions = routes
        .iter()
        .filter(|route| route.is_function)
        .map(|route| (route.path.clone(), route.parent_sid.clone()))
        .collect();
    let process = processes::start(processes::Start {
        build_sid: &build_sid,
        serve_js: runtime.serve_js(),
        config,
        target,
        functions,
        journal: runtime.journal.clone(),
        limit: emulator.config().execution_timeout,
        returns: runtime.returns(),
    })
    .await?;
    if emulator.store().generation() != generation {
        super::refresh_process(emulator.store(), auth_token, &process).await;
    }
    Ok(process)
}
