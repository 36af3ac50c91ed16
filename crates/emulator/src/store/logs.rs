//! Log entries of an environment, newest first, written by deployments and by invocations.

use super::environments::{self, EnvironmentKey};
use super::page::{self, Query};
use super::table::Table;
use super::{Listed, PageRequest, new_sid, row};
use crate::error::ApiResult;
use rusqlite::Connection;
use rusqlite::types::Value;
use switchboard_models::Log;
use switchboard_models::sid::SidKind;

const LOGS: Table = Table {
    name: "logs",
    columns: "seq, sid, account_sid, service_sid, environment_sid, build_sid, deployment_sid, function_sid, request_sid, level, message, date_created",
};

pub struct NewLog {
    pub service_sid: String,
    pub environment_sid: String,
    pub build_sid: String,
    pub deployment_sid: String,
    /// Empty for entries about the environment rather than a function.
    pub function_sid: String,
    pub request_sid: String,
    pub level: &'static str,
    pub message: String,
}

/// ListLog's filters, dates in Unix seconds.
pub struct LogFilter {
    pub function_sid: Option<String>,
    pub start: i64,
    pub end: i64,
}

pub fn insert(db: &Connection, account_sid: &str, entry: NewLog, date: i64) -> ApiResult<Log> {
    LOGS.get(db, &append(db, account_sid, entry, date)?)
}

/// Writes an entry without reading it back (executions write several per request), and
/// returns its SID.
pub fn append(db: &Connection, account_sid: &str, entry: NewLog, date: i64) -> ApiResult<String> {
    let (sid, seq) = new_sid(db, SidKind::Log, account_sid, date)?;
    // Cached: executions append entries in batches.
    db.prepare_cached(
        "INSERT INTO logs (sid, seq, account_sid, service_sid, environment_sid, build_sid, deployment_sid, function_sid, request_sid, level, message, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, ''), ?9, ?10, ?11, ?12)",
    )?
    .execute((
        &sid, seq, account_sid, &entry.service_sid, &entry.environment_sid, &entry.build_sid, &entry.deployment_sid,
        &entry.function_sid, &entry.request_sid, entry.level, &entry.message, date,
    ))?;
    Ok(sid)
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
) -> ApiResult<Log> {
    environments::fetch_child(db, account_sid, parent, &LOGS, sid)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    filter: LogFilter,
    request: &PageRequest,
) -> ApiResult<Listed<Log>> {
    let EnvironmentKey {
        environment_sid, ..
    } = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let mut params: Vec<Value> = vec![
        environment_sid.into(),
        filter.start.into(),
        filter.end.into(),
    ];
    let mut condition =
        "environment_sid = ? AND date_created >= ? AND date_created <= ?".to_owned();
    if let Some(function_sid) = filter.function_sid {
        condition.push_str(" AND function_sid = ?");
        params.push(function_sid.into());
    }
    let query = Query {
        table: &LOGS,
        filter: &condition,
        params,
        newest_first: true,
    };
    page::list(db, query, request)
}

/// The entries one execution wrote, oldest first.
pub fn of_request(db: &Connection, request_sid: &str) -> ApiResult<Vec<Log>> {
    let mut statement = db.prepare(&format!(
        "SELECT {} FROM logs WHERE request_sid = ?1 ORDER BY seq",
        LOGS.columns
    ))?;
    let rows = statement.query_map([request_sid], row::read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
