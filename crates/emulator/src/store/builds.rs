//! Builds: a snapshot of versions, dependencies and a runtime, `building` until the build worker
//! finishes it.

use super::table::Table;
use super::{Listed, PageRequest, new_sid, services};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::runtime::layout::{self, Entry};
use rusqlite::{Connection, OptionalExtension};
use switchboard_models::limits::*;
use switchboard_models::requests::NewBuild;
use switchboard_models::sid::SidKind;
use switchboard_models::{
    Build, BuildStatus, BuildStatusResource, BuildVersion, BuildVersionObject, Dependency,
    Visibility,
};
use switchboard_models::{build_rules, npm_version};

const BUILDS: Table = Table {
    name: "builds",
    columns: "seq, sid, account_sid, service_sid, status, dependencies, runtime, date_created, date_updated",
};

/// A version as a build embeds it.
struct Snapshot {
    kind: &'static str,
    sid: String,
    parent_sid: String,
    path: String,
    visibility: String,
    date_created: i64,
}

/// Creates a build the build worker finishes at `due_millis` (Unix milliseconds).
pub fn create(
    db: &Connection,
    account_sid: &str,
    service: &str,
    new: &NewBuild,
    due_millis: i64,
) -> ApiResult<Build> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let now = clock::now();
    let recent: usize = db.query_row(
        "SELECT COUNT(*) FROM sids WHERE account_sid = ?1 AND sid LIKE 'ZB%' AND created > ?2",
        (account_sid, now - 3600),
        |row| row.get(0),
    )?;
    if recent >= BUILDS_PER_HOUR {
        return Err(ApiError::TooManyRequests(format!(
            "Builds are limited to {BUILDS_PER_HOUR} per hour per account."
        )));
    }
    let functions = snapshots(
        db,
        &service_sid,
        "function",
        "FunctionVersions",
        &new.function_versions,
    )?;
    let assets = snapshots(
        db,
        &service_sid,
        "asset",
        "AssetVersions",
        &new.asset_versions,
    )?;
    check_limits(&functions, &assets)?;
    check_layout(&functions, &assets, &new.dependencies)?;
    let (sid, seq) = new_sid(db, SidKind::Build, account_sid, now)?;
    let dependencies =
        serde_json::to_string(&new.dependencies).map_err(|e| ApiError::Internal(e.to_string()))?;
    db.execute(
        "INSERT INTO builds (sid, seq, account_sid, service_sid, status, dependencies, runtime, due_millis, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, 'building', ?5, ?6, ?7, ?8, ?8)",
        (&sid, seq, account_sid, &service_sid, &dependencies, &new.runtime, due_millis, now),
    )?;
    let mut insert = db.prepare(
        "INSERT INTO build_versions (build_sid, position, kind, sid, parent_sid, path, visibility, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (position, version) in functions.iter().chain(&assets).enumerate() {
        insert.execute((
            &sid,
            position,
            version.kind,
            &version.sid,
            &version.parent_sid,
            &version.path,
            &version.visibility,
            version.date_created,
        ))?;
    }
    fetch(db, account_sid, &service_sid, &sid)
}

/// The versions named by `sids` (duplicates dropped), which must be of `kind` in this service.
fn snapshots(
    db: &Connection,
    service_sid: &str,
    kind: &'static str,
    field: &str,
    sids: &[String],
) -> ApiResult<Vec<Snapshot>> {
    let mut statement = db.prepare(
        "SELECT sid, parent_sid, path, visibility, date_created FROM versions WHERE sid = ?1 AND service_sid = ?2 AND kind = ?3",
    )?;
    let mut seen = std::collections::HashSet::new();
    sids.iter()
        .filter(|sid| seen.insert(sid.as_str()))
        .map(|sid| {
            statement
                .query_row((sid, service_sid, kind), |row| {
                    Ok(Snapshot {
                        kind,
                        sid: row.get(0)?,
                        parent_sid: row.get(1)?,
                        path: row.get(2)?,
                        visibility: row.get(3)?,
                        date_created: row.get(4)?,
                    })
                })
                .optional()?
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{field} {sid} is not a {kind} version of this Service"
                    ))
                })
        })
        .collect()
}

/// The shared rule (`switchboard_models::build_rules`), in Twilio's words. A visibility the
/// store does not know counts with the public ones, as before the rule was shared.
fn check_limits(functions: &[Snapshot], assets: &[Snapshot]) -> ApiResult<()> {
    let visibilities: Vec<Visibility> = assets
        .iter()
        .map(|asset| Visibility::parse(&asset.visibility).unwrap_or_default())
        .collect();
    build_rules::check_counts(functions.len(), &visibilities)
        .map_err(|refused| ApiError::bad_request(refused.message()))
}

/// A build that could not be laid out in a folder is refused before anything is written.
fn check_layout(
    functions: &[Snapshot],
    assets: &[Snapshot],
    dependencies: &[Dependency],
) -> ApiResult<()> {
    let entries: Vec<Entry<'_>> = functions
        .iter()
        .map(|f| Entry {
            is_function: true,
            path: &f.path,
        })
        .chain(assets.iter().map(|a| Entry {
            is_function: false,
            path: &a.path,
        }))
        .collect();
    layout::check(&entries, dependencies).map_err(ApiError::bad_request)
}

pub fn resolve(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<String> {
    let service_sid = services::resolve(db, account_sid, service)?;
    super::one(
        db,
        "SELECT sid FROM builds WHERE sid = ?1 AND service_sid = ?2",
        (sid, &service_sid),
        |row| row.get(0),
    )
}

pub fn fetch(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<Build> {
    let sid = resolve(db, account_sid, service, sid)?;
    let mut build = BUILDS.get(db, &sid)?;
    embed_versions(db, &mut build)?;
    Ok(build)
}

pub fn status(
    db: &Connection,
    account_sid: &str,
    service: &str,
    sid: &str,
) -> ApiResult<BuildStatusResource> {
    let build = fetch(db, account_sid, service, sid)?;
    Ok(BuildStatusResource {
        sid: build.sid,
        account_sid: build.account_sid,
        service_sid: build.service_sid,
        status: build.status,
        url: String::new(),
    })
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    service: &str,
    request: &PageRequest,
) -> ApiResult<Listed<Build>> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let mut listed = BUILDS.list(db, "service_sid = ?", vec![service_sid.into()], request)?;
    for build in &mut listed.items {
        embed_versions(db, build)?;
    }
    Ok(listed)
}

/// Deletes a build unless an environment has it live.
pub fn delete(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<()> {
    let sid = resolve(db, account_sid, service, sid)?;
    let live: Option<String> = db
        .query_row(
            "SELECT sid FROM environments WHERE build_sid = ?1 LIMIT 1",
            [&sid],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(environment) = live {
        return Err(ApiError::conflict(format!(
            "Build {sid} is deployed to Environment {environment}; deploy another Build there before deleting it."
        )));
    }
    db.execute("DELETE FROM builds WHERE sid = ?1", [&sid])?;
    Ok(())
}

/// Why npm could not install these dependencies, by the version rule (`npm_version`); worded as
/// npm's own reason, so the console shows one kind of message.
pub fn version_rule_failure(dependencies: &[Dependency]) -> Option<String> {
    dependencies
        .iter()
        .find(|d| !npm_version::is_valid_spec(&d.version))
        .map(|d| {
            format!(
                "No matching version found for {}@{}: it is not a version or range npm can install",
                d.name, d.version
            )
        })
}

/// Finishes every build whose time is up, and returns when the next one is due.
pub fn finish_due(db: &Connection, now_millis: i64) -> ApiResult<Option<i64>> {
    let due: Vec<(String, String)> = db
        .prepare(
            "SELECT sid, dependencies FROM builds WHERE status = 'building' AND due_millis <= ?1",
        )?
        .query_map([now_millis], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (sid, dependencies) in due {
        let dependencies: Vec<Dependency> = serde_json::from_str(&dependencies).unwrap_or_default();
        let failure = version_rule_failure(&dependencies);
        let status = if failure.is_none() {
            BuildStatus::Completed
        } else {
            BuildStatus::Failed
        };
        tracing::debug!(build = %sid, status = status.as_str(), "build finished");
        db.execute(
            "UPDATE builds SET status = ?2, failure = ?3, date_updated = ?4 WHERE sid = ?1",
            (&sid, status.as_str(), failure, clock::now()),
        )?;
    }
    Ok(db.query_row(
        "SELECT MIN(due_millis) FROM builds WHERE status = 'building'",
        [],
        |row| row.get(0),
    )?)
}

fn embed_versions(db: &Connection, build: &mut Build) -> ApiResult<()> {
    let mut statement = db.prepare(
        "SELECT kind, sid, parent_sid, path, visibility, date_created FROM build_versions WHERE build_sid = ?1 ORDER BY position",
    )?;
    let rows = statement.query_map([&build.sid], |row| {
        let kind: String = row.get(0)?;
        let parent: String = row.get(2)?;
        let visibility: String = row.get(4)?;
        let object = BuildVersionObject {
            sid: row.get(1)?,
            account_sid: build.account_sid.clone(),
            service_sid: build.service_sid.clone(),
            function_sid: (kind == "function").then(|| parent.clone()),
            asset_sid: (kind == "asset").then_some(parent),
            date_created: clock::format(row.get(5)?),
            path: row.get(3)?,
            visibility: visibility.to_ascii_uppercase(),
        };
        Ok((kind, object))
    })?;
    for row in rows {
        let (kind, object) = row?;
        let list = if kind == "function" {
            &mut build.function_versions
        } else {
            &mut build.asset_versions
        };
        list.push(BuildVersion::Object(object));
    }
    Ok(())
}
