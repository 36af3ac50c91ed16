//! Environments of a service: unique name and domain suffix unique per service, at most 25.

use super::table::Table;
use super::{Listed, PageRequest, is_unique_violation, new_sid, row, services};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use switchboard_models::Environment;
use switchboard_models::limits::ENVIRONMENTS_PER_SERVICE;
use switchboard_models::requests::NewEnvironment;
use switchboard_models::sid::SidKind;

const ENVIRONMENTS: Table = Table {
    name: "environments",
    columns: "seq, sid, account_sid, service_sid, build_sid, unique_name, domain_suffix, domain_name, date_created, date_updated",
};
const DUPLICATE: &str = "Environment with this UniqueName or DomainSuffix already exists.";

/// A resolved environment: its service's SID and its own.
pub struct EnvironmentKey {
    pub service_sid: String,
    pub environment_sid: String,
}

pub fn create(
    db: &Connection,
    account_sid: &str,
    service: &str,
    new: NewEnvironment,
) -> ApiResult<Environment> {
    let service = services::fetch(db, account_sid, service)?;
    let count: usize = db.query_row(
        "SELECT COUNT(*) FROM environments WHERE service_sid = ?1",
        [&service.sid],
        |row| row.get(0),
    )?;
    if count >= ENVIRONMENTS_PER_SERVICE {
        return Err(ApiError::bad_request(format!(
            "Environments are limited to less than or equal to {ENVIRONMENTS_PER_SERVICE} per Service"
        )));
    }
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::Environment, account_sid, now)?;
    let domain_name = match &new.domain_suffix {
        Some(suffix) => format!("{}-{suffix}.twil.io", service.domain_base),
        None => format!("{}.twil.io", service.domain_base),
    };
    // The suffix's unique index lets two environments without one through (NULLs differ in
    // SQL), but they would share a domain: Twilio's 409 on a duplicate DomainSuffix covers the
    // missing suffix too (docs/EMULATOR.md).
    let same_domain: bool = db.query_row(
        "SELECT EXISTS (SELECT 1 FROM environments WHERE service_sid = ?1 AND domain_name = ?2)",
        (&service.sid, &domain_name),
        |row| row.get(0),
    )?;
    if same_domain {
        return Err(ApiError::conflict(DUPLICATE));
    }
    let inserted = db.execute(
        "INSERT INTO environments (sid, seq, account_sid, service_sid, unique_name, domain_suffix, domain_name, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        (&sid, seq, account_sid, &service.sid, &new.unique_name, &new.domain_suffix, &domain_name, now),
    );
    match inserted {
        Err(error) if is_unique_violation(&error) => return Err(ApiError::conflict(DUPLICATE)),
        other => other?,
    };
    fetch(db, account_sid, &service.sid, &sid)
}

/// The row `sid` of `table` that belongs to the environment `parent` (service and environment,
/// SIDs or unique names): one of its deployments or log entries.
pub fn fetch_child<T: DeserializeOwned>(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    table: &Table,
    sid: &str,
) -> ApiResult<T> {
    let key = resolve(db, account_sid, parent.0, parent.1)?;
    let Table { name, columns } = table;
    super::one(
        db,
        &format!("SELECT {columns} FROM {name} WHERE sid = ?1 AND environment_sid = ?2"),
        (sid, &key.environment_sid),
        row::read,
    )
}

/// Finds the environment `sid` of the account's service `service` (SID or unique name).
pub fn resolve(
    db: &Connection,
    account_sid: &str,
    service: &str,
    sid: &str,
) -> ApiResult<EnvironmentKey> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let environment_sid = super::one(
        db,
        "SELECT sid FROM environments WHERE sid = ?1 AND service_sid = ?2",
        (sid, &service_sid),
        |row| row.get(0),
    )?;
    Ok(EnvironmentKey {
        service_sid,
        environment_sid,
    })
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    service: &str,
    sid: &str,
) -> ApiResult<Environment> {
    let key = resolve(db, account_sid, service, sid)?;
    ENVIRONMENTS.get(db, &key.environment_sid)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    service: &str,
    request: &PageRequest,
) -> ApiResult<Listed<Environment>> {
    let service_sid = services::resolve(db, account_sid, service)?;
    ENVIRONMENTS.list(db, "service_sid = ?", vec![service_sid.into()], request)
}

/// Deletes the environment with its variables, deployments and logs.
pub fn delete(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<()> {
    let key = resolve(db, account_sid, service, sid)?;
    ENVIRONMENTS.delete(db, &key.environment_sid)
}
