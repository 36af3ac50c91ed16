//! Environments of a service: unique name and domain suffix unique per service, at most 25.

use super::page::{self, Query};
use super::{Listed, PageRequest, is_unique_violation, new_sid, services};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension, Row};
use switchboard_models::Environment;
use switchboard_models::limits::ENVIRONMENTS_PER_SERVICE;
use switchboard_models::requests::NewEnvironment;
use switchboard_models::sid::SidKind;

const COLUMNS: &str = "seq, sid, account_sid, service_sid, build_sid, unique_name, domain_suffix, domain_name, date_created, date_updated";
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

/// The row `sid` of `table` (its `columns`) that belongs to the environment `parent` (service and
/// environment, SIDs or unique names): one of its deployments or log entries.
pub fn fetch_child<T>(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    (table, columns): (&str, &str),
    sid: &str,
    from_row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> ApiResult<T> {
    let key = resolve(db, account_sid, parent.0, parent.1)?;
    super::one(
        db,
        &format!("SELECT {columns} FROM {table} WHERE sid = ?1 AND environment_sid = ?2"),
        (sid, &key.environment_sid),
        from_row,
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
    let found: Option<String> = db
        .query_row(
            "SELECT sid FROM environments WHERE sid = ?1 AND service_sid = ?2",
            (sid, &service_sid),
            |row| row.get(0),
        )
        .optional()?;
    let environment_sid = found.ok_or_else(ApiError::not_found)?;
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
    Ok(db.query_row(
        &format!("SELECT {COLUMNS} FROM environments WHERE sid = ?1"),
        [key.environment_sid],
        from_row,
    )?)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    service: &str,
    request: &PageRequest,
) -> ApiResult<Listed<Environment>> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let query = Query {
        table: "environments",
        columns: COLUMNS,
        filter: "service_sid = ?",
        params: vec![service_sid.into()],
        newest_first: false,
    };
    page::list(db, query, request, from_row)
}

/// Deletes the environment with its variables, deployments and logs.
pub fn delete(db: &Connection, account_sid: &str, service: &str, sid: &str) -> ApiResult<()> {
    let key = resolve(db, account_sid, service, sid)?;
    db.execute(
        "DELETE FROM environments WHERE sid = ?1",
        [key.environment_sid],
    )?;
    Ok(())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Environment> {
    Ok(Environment {
        sid: row.get("sid")?,
        account_sid: row.get("account_sid")?,
        service_sid: row.get("service_sid")?,
        build_sid: row.get("build_sid")?,
        unique_name: row.get("unique_name")?,
        domain_suffix: row.get("domain_suffix")?,
        domain_name: row.get("domain_name")?,
        date_created: clock::format(row.get("date_created")?),
        date_updated: clock::format(row.get("date_updated")?),
        ..Environment::default()
    })
}
