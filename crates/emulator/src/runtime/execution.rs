//! One execution of a Function as its Logs show it: what it printed, between "Execution
//! started" and "Execution ended in N ms", under one request SID, with Twilio's time limit.
//!
//! The execution's log entries are handed to the journal together once it has ended, as
//! Twilio's own Logs show an execution once it has finished (`journal.rs`).

use super::journal;
use super::processes::InFlight;
use super::pump::LINES_PER_EXECUTION;
use crate::clock;
use crate::store::live::Target;
use crate::store::logs::NewLog;
use std::time::Duration;

/// How an execution ended.
pub(super) enum Ending {
    /// Its process said it answered, after this long.
    Answered(Duration),
    /// It ran into this limit, and its process was stopped.
    TimedOut(Duration),
    /// Its process went away before answering; what it last wrote to stderr.
    Exited(String),
}

impl Ending {
    /// The answer the emulator gives for it when its process could not.
    pub fn answer(&self) -> (u16, String) {
        match self {
            Ending::TimedOut(limit) => (
                504,
                format!(
                    "The function did not answer within {} s",
                    limit.as_secs_f32()
                ),
            ),
            _ => stopped(),
        }
    }

    fn problem(&self) -> Option<String> {
        match self {
            Ending::Answered(_) => None,
            Ending::TimedOut(limit) => Some(format!(
                "Execution timed out after {} s: the function's process was stopped",
                limit.as_secs_f32()
            )),
            Ending::Exited(stderr) => Some(format!(
                "The function's process exited before answering; the next request starts a new one. {stderr}"
            )),
        }
    }
}

/// What a request is told whose process stopped before answering it.
pub(super) const STOPPED: &str = "The function's process stopped before answering";

/// The answer to a request whose process stopped before answering it.
pub(super) fn stopped() -> (u16, String) {
    (502, STOPPED.to_owned())
}

/// The execution's log entries: started, what it printed, its problem, and how it ended.
pub(super) fn record(
    target: &Target,
    request_sid: String,
    entry: InFlight,
    ending: Ending,
) -> journal::Execution {
    let ended_at = clock::now();
    let took = match ending {
        Ending::Answered(took) => took,
        _ => entry.since.elapsed(),
    };
    let mut entries = vec![("info", "Execution started".to_owned(), entry.started_at)];
    entries.extend(
        entry
            .lines
            .into_iter()
            .map(|line| (line.level, line.message, line.at)),
    );
    if let Some(problem) = ending.problem() {
        entries.push(("error", problem.trim().to_owned(), ended_at));
    }
    if entry.dropped > 0 {
        entries.push((
            "warn",
            format!(
                "{} more log lines were dropped: an execution keeps at most {} lines",
                entry.dropped, LINES_PER_EXECUTION
            ),
            ended_at,
        ));
    }
    entries.push((
        "info",
        format!("Execution ended in {} ms", took.as_millis()),
        ended_at,
    ));
    let function_sid = entry.function_sid.unwrap_or_default();
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

/// What the function's `context` holds besides PATH and DOMAIN_NAME (the process adds the
/// Host each request names): the environment's variables as they are now, SERVICE_SID,
/// ENVIRONMENT_SID, and the account's credentials when the service includes them.
pub(super) fn context_env(target: &Target, auth_token: &str) -> serde_json::Value {
    let mut env = serde_json::Map::new();
    for (key, value) in &target.variables {
        env.insert(key.clone(), value.clone().into());
    }
    env.insert("SERVICE_SID".into(), target.service_sid.clone().into());
    env.insert(
        "ENVIRONMENT_SID".into(),
        target.environment_sid.clone().into(),
    );
    if target.include_credentials {
        env.insert("ACCOUNT_SID".into(), target.account_sid.clone().into());
        env.insert("AUTH_TOKEN".into(), auth_token.into());
    }
    serde_json::Value::Object(env)
}
