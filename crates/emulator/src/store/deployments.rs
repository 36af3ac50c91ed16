//! Deployments: each one sets (or, without a build, clears) its environment's live build and
//! writes log entries about it.

use super::environments::{self, EnvironmentKey};
use super::logs::{self, NewLog};
use super::table::Table;
use super::{Listed, PageRequest, builds, new_sid};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use switchboard_models::requests::NewDeployment;
use switchboard_models::sid::SidKind;
use switchboard_models::{BuildStatus, Deployment};

const DEPLOYMENTS: Table = Table {
    name: "deployments",
    columns: "seq, sid, account_sid, service_sid, environment_sid, build_sid, date_created, date_updated",
};
const ALREADY_LIVE: &str = "Environment already has requested deployment.";

pub fn create(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    new: NewDeployment,
) -> ApiResult<Deployment> {
    let NewDeployment {
        build_sid,
        is_plugin,
    } = new;
    let EnvironmentKey {
        service_sid,
        environment_sid,
    } = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let live: Option<String> = db.query_row(
        "SELECT build_sid FROM environments WHERE sid = ?1",
        [&environment_sid],
        |row| row.get(0),
    )?;
    if live == build_sid {
        return Err(ApiError::conflict(ALREADY_LIVE));
    }
    if let Some(build) = &build_sid {
        check_deployable(db, account_sid, &service_sid, build)?;
    }
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::Deployment, account_sid, now)?;
    db.execute(
        "INSERT INTO deployments (sid, seq, account_sid, service_sid, environment_sid, build_sid, is_plugin, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        (&sid, seq, account_sid, &service_sid, &environment_sid, &build_sid, is_plugin, now),
    )?;
    db.execute(
        "UPDATE environments SET build_sid = ?2, date_updated = ?3 WHERE sid = ?1",
        (&environment_sid, &build_sid, now),
    )?;
    let (request_sid, _) = new_sid(db, SidKind::Request, account_sid, now)?;
    let messages = match (&build_sid, &live) {
        (Some(build), _) => vec![
            format!("Deployment {sid} of build {build} started"),
            format!("Deployment {sid} of build {build} finished"),
        ],
        (None, Some(previous)) => vec![format!(
            "Deployment {sid} removed build {previous} from the environment"
        )],
        (None, None) => Vec::new(),
    };
    let log_build = build_sid
        .as_ref()
        .or(live.as_ref())
        .cloned()
        .unwrap_or_default();
    for message in messages {
        let entry = NewLog {
            service_sid: service_sid.clone(),
            environment_sid: environment_sid.clone(),
            build_sid: log_build.clone(),
            deployment_sid: sid.clone(),
            function_sid: String::new(),
            request_sid: request_sid.clone(),
            level: "info",
            message,
        };
        logs::insert(db, account_sid, entry, now)?;
    }
    fetch(db, account_sid, (&service_sid, &environment_sid), &sid)
}

/// Only a completed build of the same service can go live.
fn check_deployable(
    db: &Connection,
    account_sid: &str,
    service_sid: &str,
    build: &str,
) -> ApiResult<()> {
    let status =
        builds::status(db, account_sid, service_sid, build).map_err(|error| match error {
            ApiError::NotFound { .. } => {
                ApiError::bad_request(format!("BuildSid {build} is not a Build of this Service"))
            }
            other => other,
        })?;
    if status.status != BuildStatus::Completed {
        return Err(ApiError::bad_request(format!(
            "Build {build} cannot be deployed: its status is {}, not completed",
            status.status.as_str()
        )));
    }
    Ok(())
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
) -> ApiResult<Deployment> {
    environments::fetch_child(db, account_sid, parent, &DEPLOYMENTS, sid)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    request: &PageRequest,
) -> ApiResult<Listed<Deployment>> {
    let key = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let params = vec![key.environment_sid.into()];
    DEPLOYMENTS.list(db, "environment_sid = ?", params, request)
}
