//! ListLog (newest first, filtered by FunctionSid, StartDate and EndDate) and FetchLog.

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::form::{Params, Query};
use crate::store::logs::{self, LogFilter};
use crate::{clock, pagination, urls};
use axum::Json;
use axum::extract::Path;
use switchboard_models::{Log, Page};

const DAY: i64 = 24 * 60 * 60;

pub async fn list_logs(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Query(query): Query,
) -> ApiResult<Json<Page<Log>>> {
    let request = pagination::request(&query)?;
    let (filter, kept) = filter(&query)?;
    let page = request.clone();
    // Executions that have answered are in the Logs, though their writes are batched.
    ctx.emulator().runtime().settle().await;
    let listed = ctx
        .db(move |db, account| logs::list(db, account, (&service, &environment), filter, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "logs",
        &kept,
        &request,
        listed,
        urls::log,
    ))
}

pub async fn fetch_log(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Log>> {
    ctx.emulator().runtime().settle().await;
    ctx.answer(urls::log, move |db, account| {
        logs::fetch(db, account, (&service, &environment), &sid)
    })
    .await
}

/// The filters, and those the client sent, which the meta URLs carry in Twilio's order.
fn filter(query: &Params) -> ApiResult<(LogFilter, Vec<(&'static str, String)>)> {
    let now = clock::now();
    let date = |name: &'static str, default: i64| match query.get(name) {
        None => Ok(default),
        Some(raw) => clock::parse(raw)
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be an ISO 8601 date-time"))),
    };
    let filter = LogFilter {
        function_sid: query.owned("FunctionSid"),
        start: date("StartDate", now - DAY)?,
        end: date("EndDate", now)?,
    };
    let kept = ["StartDate", "EndDate", "FunctionSid"]
        .into_iter()
        .filter_map(|name| query.owned(name).map(|value| (name, value)))
        .collect();
    Ok((filter, kept))
}
