//! `POST /__emulator/invoke/{ServiceSid}/{EnvironmentSid}/{*path}`: emulates a call to the
//! deployed function at `path`, which shows up in the environment's logs like a real one.
//!
//! The optional JSON body lists what the function logs: `{"logs": [{"level": "info", "message":
//! "..."}]}`, with level `info`, `warn` (or `warning`) or `error`. The answer is the log entries
//! written, between "Execution started" and "Execution ended in N ms".

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::store::invocations::{self, Invocation};
use crate::urls;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use serde::{Deserialize, Serialize};
use std::time::Instant;
use switchboard_models::{Log, LogLevel};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InvokeBody {
    #[serde(default)]
    logs: Vec<LogLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogLine {
    level: String,
    message: String,
}

#[derive(Serialize)]
pub struct Invoked {
    logs: Vec<Log>,
}

pub async fn invoke_function(
    ctx: Ctx,
    Path((service, environment, path)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Json<Invoked>> {
    let started = Instant::now();
    let body: InvokeBody = if body.is_empty() {
        InvokeBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::bad_request(format!("The invocation body is not valid: {error}"))
        })?
    };
    let lines = body
        .logs
        .into_iter()
        .map(|line| Ok((level(&line.level)?, line.message)))
        .collect::<ApiResult<_>>()?;
    let invocation = Invocation {
        path: format!("/{path}"),
        lines,
        started,
    };
    let logs = ctx
        .db(move |db, account| {
            invocations::record(db, account, (&service, &environment), invocation)
        })
        .await?;
    Ok(Json(Invoked {
        logs: logs
            .into_iter()
            .map(|log| urls::log(log, &ctx.base))
            .collect(),
    }))
}

/// The lowercase level Twilio writes.
fn level(raw: &str) -> ApiResult<&'static str> {
    match LogLevel::parse(raw) {
        LogLevel::Info => Ok("info"),
        LogLevel::Warn => Ok("warn"),
        LogLevel::Error => Ok("error"),
        LogLevel::Other => Err(ApiError::bad_request(format!(
            "level must be info, warn or error, not {raw:?}"
        ))),
    }
}
