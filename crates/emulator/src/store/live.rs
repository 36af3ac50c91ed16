//! What running deployed code reads and writes: a build's files and outcome, the environment a
//! live URL names, and what an execution's context holds.

use super::{builds, one};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};
use switchboard_models::{BuildStatus, Dependency};

/// `due_millis` of a build npm is building: the timer never finishes it.
pub const NPM_PENDING: i64 = i64::MAX;

/// A Function or Asset of a build.
#[derive(Debug, Clone)]
pub struct Route {
    pub is_function: bool,
    pub path: String,
    /// `public`, `protected` or `private`.
    pub access: String,
    /// The Function's or Asset's SID.
    pub parent_sid: String,
    version_sid: String,
}

/// A build's routes with their content, to be laid out.
pub struct BuildInput {
    pub routes: Vec<(Route, Vec<u8>)>,
    pub dependencies: Vec<Dependency>,
}

/// The routes of a build, in the order it lists them.
pub fn routes(db: &Connection, build_sid: &str) -> ApiResult<Vec<Route>> {
    let mut statement = db.prepare(
        "SELECT kind, path, visibility, parent_sid, sid FROM build_versions WHERE build_sid = ?1 ORDER BY position",
    )?;
    let rows = statement.query_map([build_sid], |row| {
        Ok(Route {
            is_function: row.get::<_, String>(0)? == "function",
            path: row.get(1)?,
            access: row.get(2)?,
            parent_sid: row.get(3)?,
            version_sid: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Everything a build folder is made of. A version deleted since the build was made (its
/// Function or Asset deleted) has no content left, so the build cannot be laid out again.
pub fn build_input(db: &Connection, build_sid: &str) -> ApiResult<BuildInput> {
    let dependencies: String = one(
        db,
        "SELECT dependencies FROM builds WHERE sid = ?1",
        [build_sid],
        |row| row.get(0),
    )?;
    let mut content = db.prepare("SELECT content FROM versions WHERE sid = ?1")?;
    let routes =
        routes(db, build_sid)?
            .into_iter()
            .map(|route| {
                let bytes: Option<Vec<u8>> = content
                    .query_row([&route.version_sid], |row| row.get(0))
                    .optional()?;
                let bytes = bytes.ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Version {} of {} was deleted with its {}: the build cannot be laid out again",
                    route.version_sid,
                    route.path,
                    if route.is_function { "Function" } else { "Asset" }
                ))
            })?;
                Ok((route, bytes))
            })
            .collect::<ApiResult<_>>()?;
    Ok(BuildInput {
        routes,
        dependencies: serde_json::from_str(&dependencies).unwrap_or_default(),
    })
}

/// Records a real build's outcome: the Node version it ran on, or why it failed.
pub fn finish(db: &Connection, sid: &str, outcome: &Result<String, String>) -> ApiResult<()> {
    let (status, failure, node) = match outcome {
        Ok(node) => (BuildStatus::Completed, None, Some(node)),
        Err(reason) => (BuildStatus::Failed, Some(reason), None),
    };
    db.execute(
        "UPDATE builds SET status = ?2, failure = ?3, node_version = ?4, date_updated = ?5 WHERE sid = ?1",
        (sid, status.as_str(), failure, node, clock::now()),
    )?;
    Ok(())
}

/// Builds npm was building when the emulator stopped, with when each was created (ms).
pub fn pending(db: &Connection) -> ApiResult<Vec<(String, i64)>> {
    let mut statement = db.prepare(
        "SELECT sid, date_created FROM builds WHERE status = 'building' AND due_millis = ?1",
    )?;
    let rows = statement.query_map([NPM_PENDING], |row| {
        Ok((row.get(0)?, row.get::<_, i64>(1)? * 1000))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hands builds npm never finished to the timer, when the emulator restarts without npm.
pub fn simulate_pending(db: &Connection) -> ApiResult<()> {
    db.execute(
        "UPDATE builds SET due_millis = ?1 WHERE status = 'building' AND due_millis = ?2",
        (clock::now_millis(), NPM_PENDING),
    )?;
    Ok(())
}

/// A build's outcome as `/__emulator/builds/…` shows it.
pub struct Outcome {
    pub sid: String,
    pub status: String,
    pub runtime: String,
    pub failure: Option<String>,
    pub node_version: Option<String>,
}

pub fn outcome(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<Outcome> {
    let sid = builds::resolve(db, account_sid, service, sid)?;
    one(
        db,
        "SELECT sid, status, runtime, failure, node_version FROM builds WHERE sid = ?1",
        [&sid],
        |row| {
            Ok(Outcome {
                sid: row.get(0)?,
                status: row.get(1)?,
                runtime: row.get(2)?,
                failure: row.get(3)?,
                node_version: row.get(4)?,
            })
        },
    )
}

/// The environment a live URL names, and what an execution there needs.
pub struct Target {
    pub account_sid: String,
    pub service_sid: String,
    pub environment_sid: String,
    pub domain_name: String,
    /// `None` when nothing is deployed.
    pub build_sid: Option<String>,
    pub deployment_sid: String,
    /// The context's ACCOUNT_SID and AUTH_TOKEN are given only when the service says so.
    pub include_credentials: bool,
    pub variables: Vec<(String, String)>,
}

/// What a live URL on `domain_name` names.
pub fn target(db: &Connection, domain_name: &str) -> ApiResult<Option<Target>> {
    target_where(db, "e.domain_name", domain_name)
}

/// What the live URL of the environment `environment_sid` names.
pub fn environment_target(db: &Connection, environment_sid: &str) -> ApiResult<Option<Target>> {
    target_where(db, "e.sid", environment_sid)
}

fn target_where(db: &Connection, column: &str, value: &str) -> ApiResult<Option<Target>> {
    let found = db
        .query_row(
            &format!(
                "SELECT e.account_sid, e.service_sid, e.sid, e.build_sid, s.include_credentials,
                 e.domain_name FROM environments e JOIN services s ON s.sid = e.service_sid
                 WHERE {column} = ?1 ORDER BY e.seq LIMIT 1"
            ),
            [value],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((
        account_sid,
        service_sid,
        environment_sid,
        build_sid,
        include_credentials,
        domain_name,
    )) = found
    else {
        return Ok(None);
    };
    let deployment_sid: String = db
        .query_row(
            "SELECT sid FROM deployments WHERE environment_sid = ?1 ORDER BY seq DESC LIMIT 1",
            [&environment_sid],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or_default();
    Ok(Some(Target {
        variables: variables(db, &environment_sid)?,
        account_sid,
        service_sid,
        environment_sid,
        domain_name,
        build_sid,
        deployment_sid,
        include_credentials,
    }))
}

/// An environment's variables as they are now: a change reaches the next execution.
pub fn variables(db: &Connection, environment_sid: &str) -> ApiResult<Vec<(String, String)>> {
    let mut statement =
        db.prepare("SELECT key, value FROM variables WHERE environment_sid = ?1 ORDER BY seq")?;
    let rows = statement.query_map([environment_sid], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which build is live in each environment, and every build that exists.
pub fn live_and_existing(db: &Connection) -> ApiResult<(HashMap<String, String>, HashSet<String>)> {
    let mut live =
        db.prepare("SELECT sid, build_sid FROM environments WHERE build_sid IS NOT NULL")?;
    let live = live
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut all = db.prepare("SELECT sid FROM builds")?;
    let all = all
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((live, all))
}
