//! Emulated invocations of a deployed function: they exist only as the log entries they write.

use super::environments::{self, EnvironmentKey};
use super::logs::{self, NewLog};
use super::new_sid;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension};
use std::time::Instant;
use switchboard_models::Log;
use switchboard_models::sid::SidKind;

pub struct Invocation {
    /// The function's path, with its leading `/`.
    pub path: String,
    /// What the function logged: level (`info`, `warn`, `error`) and message.
    pub lines: Vec<(&'static str, String)>,
    pub started: Instant,
}

/// Records an invocation of the live build's function at `path`: 404 when the environment has
/// no live build or the build has no public or protected function there (private ones cannot be
/// reached over HTTP).
pub fn record(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    invocation: Invocation,
) -> ApiResult<Vec<Log>> {
    let EnvironmentKey {
        service_sid,
        environment_sid,
    } = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let build_sid: String = db
        .query_row(
            "SELECT build_sid FROM environments WHERE sid = ?1",
            [&environment_sid],
            |row| row.get::<_, Option<String>>(0),
        )?
        .ok_or_else(ApiError::not_found)?;
    let function_sid: String = db
        .query_row(
            "SELECT parent_sid FROM build_versions
             WHERE build_sid = ?1 AND kind = 'function' AND path = ?2 AND visibility != 'private'",
            (&build_sid, &invocation.path),
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let deployment_sid: String = db.query_row(
        "SELECT sid FROM deployments WHERE environment_sid = ?1 AND build_sid = ?2 ORDER BY seq DESC LIMIT 1",
        (&environment_sid, &build_sid),
        |row| row.get(0),
    )?;
    let now = clock::now();
    let (request_sid, _) = new_sid(db, SidKind::Request, account_sid, now)?;
    let mut lines = vec![("info", "Execution started".to_owned())];
    lines.extend(invocation.lines);
    lines.push((
        "info",
        format!(
            "Execution ended in {} ms",
            invocation.started.elapsed().as_millis()
        ),
    ));
    lines
        .into_iter()
        .map(|(level, message)| {
            let entry = NewLog {
                service_sid: service_sid.clone(),
                environment_sid: environment_sid.clone(),
                build_sid: build_sid.clone(),
                deployment_sid: deployment_sid.clone(),
                function_sid: function_sid.clone(),
                request_sid: request_sid.clone(),
                level,
                message,
            };
            logs::insert(db, account_sid, entry, now)
        })
        .collect()
}
