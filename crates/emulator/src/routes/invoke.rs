//! `POST /__emulator/invoke/{ServiceSid}/{EnvironmentSid}/{*path}`: a call of the deployed
//! function at `path`, which shows up in the environment's logs.
//!
//! When code runs (`Execution::Node`) it is a real call: a GET of the function's live URL,
//! answered with `{"status", "body", "logs"}`, the logs being the execution's entries. When builds
//! are simulated nothing can run, so the optional JSON body lists what the function logs:
//! `{"logs": [{"level": "info", "message": "..."}]}`, with level `info`, `warn` (or `warning`) or
//! `error`, and the answer is the entries written between "Execution started" and
//! "Execution ended in N ms".

use crate::Execution;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::runtime::live;
use crate::store::environments;
use crate::store::invocations::{self, Invocation};
use crate::store::logs;
use crate::urls;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
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
    /// The function's answer, when it really ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
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
    if ctx.emulator().execution() == Execution::Node {
        if !body.logs.is_empty() {
            return Err(ApiError::bad_request(
                "Functions run for real in this emulator, so their logs are what they print: invoke without a body",
            ));
        }
        return run(&ctx, service, environment, path).await;
    }
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
        status: None,
        body: None,
        logs: logs
            .into_iter()
            .map(|log| urls::log(log, &ctx.base))
            .collect(),
    }))
}

/// A GET of the function's live URL, through the same path a browser's takes.
async fn run(
    ctx: &Ctx,
    service: String,
    environment: String,
    path: String,
) -> ApiResult<Json<Invoked>> {
    let domain = ctx
        .db(move |db, account| {
            Ok(environments::fetch(db, account, &service, &environment)?.domain_name)
        })
        .await?;
    let response = match live::call(ctx.emulator(), domain, &format!("/{path}")).await {
        Ok(response) => response,
        Err(refusal) => refusal.response(),
    };
    let status = response.status();
    let request_sid = response
        .headers()
        .get(live::REQUEST_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let Some(request_sid) = request_sid else {
        // Nothing ran: no live build, no function there, or a private one.
        return Err(if status == StatusCode::NOT_FOUND {
            ApiError::not_found()
        } else {
            ApiError::bad_request(format!("The function could not run ({status})"))
        });
    };
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    ctx.emulator().runtime().settle().await;
    let logs = ctx
        .db(move |db, _| logs::of_request(db, &request_sid))
        .await?;
    Ok(Json(Invoked {
        status: Some(status.as_u16()),
        body: Some(String::from_utf8_lossy(&bytes).into_owned()),
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
