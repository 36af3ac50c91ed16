//! One execution of a Function: what it prints, between "Execution started" and "Execution
//! ended in N ms", under one request SID, with Twilio's time limit.
//!
//! The execution's log entries are handed to the journal together once it has ended, as
//! Twilio's own Logs show an execution once it has finished (`journal.rs`).

use super::journal;
use super::live::{Forwarded, REQUEST_HEADER, forward, plain};
use super::processes::{self, Process};
use crate::Emulator;
use crate::clock;
use crate::store;
use crate::store::live::Target;
use crate::store::logs::NewLog;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_models::sid::SidKind;

/// The answer header by which the environment's process says a request never reached the
/// function (a protected one called without a valid signature): as on Twilio, that is no
/// execution and leaves no log entries. Removed before the answer leaves the emulator.
pub const REFUSED_HEADER: &str = "x-switchboard-refused";

pub async fn execute(
    emulator: &Emulator,
    target: Arc<Target>,
    function_sid: String,
    process: Arc<Process>,
    request: Forwarded,
) -> Response {
    let started = Instant::now();
    let started_at = clock::now();
    let host = request
        .parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Issued here and recorded with the entries: the function needs it before anything is
    // stored, and 80 random bits within a millisecond do not repeat.
    let request_sid = store::issue_sid(SidKind::Request);
    let call = process.execution(&request_sid);
    let env = context_env(emulator, &target, &host);
    let limit = emulator.config().execution_timeout;
    let forwarded = tokio::time::timeout(
        limit,
        forward(emulator, &process, request, Some((&request_sid, &env))),
    )
    .await;
    let processes = &emulator.runtime().processes;
    let (mut response, exited, timed_out) = match forwarded {
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
    if response.headers_mut().remove(REFUSED_HEADER).is_some() {
        return response;
    }
    let ended = Ended {
        at: clock::now(),
        took: started.elapsed(),
        timed_out: timed_out.then_some(limit),
        exited,
    };
    // The answer does not wait for the process's report of what it printed (a pipe, read by
    // another task): its place in the journal is kept, so Logs reads still wait for it.
    let slot = emulator.runtime().journal.reserve().await;
    let (request, function) = (request_sid.clone(), function_sid);
    tokio::spawn(async move {
        // Also gives a crashed process's last words time to arrive (at most a second).
        let output = call.finish().await;
        let problem = ended.problem(&process);
        let execution = record(
            &target, function, request, started_at, output, problem, ended,
        );
        let _ = slot.send(execution);
    });
    if let Ok(sid) = HeaderValue::from_str(&request_sid) {
        // Which Logs entries are this execution's (docs/EMULATOR.md).
        response.headers_mut().insert(REQUEST_HEADER, sid);
    }
    response
}

/// How an execution ended, as its answer left.
struct Ended {
    at: i64,
    took: Duration,
    /// The limit it ran into.
    timed_out: Option<Duration>,
    /// Its process went away before answering.
    exited: bool,
}

impl Ended {
    fn problem(&self, process: &Process) -> Option<String> {
        if let Some(limit) = self.timed_out {
            Some(format!(
                "Execution timed out after {} s: the function's process was stopped",
                limit.as_secs_f32()
            ))
        } else if self.exited {
            Some(format!(
                "The function's process exited before answering; the next request starts a new one. {}",
                process.stderr_tail()
            ))
        } else {
            None
        }
    }
}

/// The execution's log entries: started, what it printed, its problem, and how it ended.
fn record(
    target: &Target,
    function_sid: String,
    request_sid: String,
    started_at: i64,
    output: processes::Output,
    problem: Option<String>,
    ended: Ended,
) -> journal::Execution {
    let mut entries = vec![("info", "Execution started".to_owned(), started_at)];
    entries.extend(
        output
            .lines
            .into_iter()
            .map(|line| (line.level, line.message, line.at)),
    );
    if let Some(problem) = problem {
        entries.push(("error", problem.trim().to_owned(), ended.at));
    }
    if output.dropped > 0 {
        entries.push((
            "warn",
            format!(
                "{} more log lines were dropped: an execution keeps at most {} lines",
                output.dropped,
                processes::LINES_PER_EXECUTION
            ),
            ended.at,
        ));
    }
    entries.push((
        "info",
        format!("Execution ended in {} ms", ended.took.as_millis()),
        ended.at,
    ));
    let new_log = |(level, message, at): (&'static str, String, i64)| {
        let entry = NewLog {
            service_sid: target.service_sid.clone(),
            environment_sid: target.environment_sid.clone(),
            build_sid: target.build_sid.clone().unwrap_or_default(),
            deployment_sid: target.deployment_sid.clone(),
            function_sid: function_sid.clone(),
            request_sid: request_sid.clone(),
            level,
            message,
        };
        (entry, at)
    };
    journal::Execution {
        account_sid: target.account_sid.clone(),
        entries: entries.into_iter().map(new_log).collect(),
        request_sid,
    }
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
