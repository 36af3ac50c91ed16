//! Variables of an environment: keys unique per environment.

use super::environments::{self, EnvironmentKey};
use super::table::Table;
use super::{Listed, PageRequest, is_unique_violation, new_sid};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use switchboard_models::Variable;
use switchboard_models::requests::{NewVariable, VariableChanges};
use switchboard_models::sid::SidKind;

const VARIABLES: Table = Table {
    name: "variables",
    columns: "seq, sid, account_sid, service_sid, environment_sid, key, value, date_created, date_updated",
};
const DUPLICATE: &str = "Variable with this Key already exists in the Environment.";

pub fn create(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    new: NewVariable,
) -> ApiResult<Variable> {
    let EnvironmentKey {
        service_sid,
        environment_sid,
    } = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::Variable, account_sid, now)?;
    let inserted = db.execute(
        "INSERT INTO variables (sid, seq, account_sid, service_sid, environment_sid, key, value, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        (&sid, seq, account_sid, &service_sid, &environment_sid, &new.key, &new.value, now),
    );
    conflict_on_duplicate(inserted)?;
    fetch(db, account_sid, parent, &sid)
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
) -> ApiResult<Variable> {
    VARIABLES.get(db, &resolve(db, account_sid, parent, sid)?)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    request: &PageRequest,
) -> ApiResult<Listed<Variable>> {
    let key = environments::resolve(db, account_sid, parent.0, parent.1)?;
    let params = vec![key.environment_sid.into()];
    VARIABLES.list(db, "environment_sid = ?", params, request)
}

pub fn update(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
    changes: VariableChanges,
) -> ApiResult<Variable> {
    let sid = resolve(db, account_sid, parent, sid)?;
    let updated = db.execute(
        "UPDATE variables SET key = COALESCE(?2, key), value = COALESCE(?3, value), date_updated = ?4 WHERE sid = ?1",
        (&sid, changes.key, changes.value, clock::now()),
    );
    conflict_on_duplicate(updated)?;
    fetch(db, account_sid, parent, &sid)
}

pub fn delete(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
) -> ApiResult<()> {
    VARIABLES.delete(db, &resolve(db, account_sid, parent, sid)?)
}

fn resolve(
    db: &Connection,
    account_sid: &str,
    parent: (&str, &str),
    sid: &str,
) -> ApiResult<String> {
    let key = environments::resolve(db, account_sid, parent.0, parent.1)?;
    super::one(
        db,
        "SELECT sid FROM variables WHERE sid = ?1 AND environment_sid = ?2",
        (sid, &key.environment_sid),
        |row| row.get(0),
    )
}

fn conflict_on_duplicate(result: rusqlite::Result<usize>) -> ApiResult<()> {
    match result {
        Err(error) if is_unique_violation(&error) => Err(ApiError::conflict(DUPLICATE)),
        other => other.map(drop).map_err(ApiError::from),
    }
}
