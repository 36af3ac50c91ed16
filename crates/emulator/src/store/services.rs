//! Services: the per-account containers, addressable by SID or unique name.

use super::table::Table;
use super::{Listed, PageRequest, is_unique_violation, new_sid};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use switchboard_models::Service;
use switchboard_models::limits::SERVICES_PER_ACCOUNT;
use switchboard_models::requests::{NewService, ServiceChanges};
use switchboard_models::sid::SidKind;

const SERVICES: Table = Table {
    name: "services",
    columns: "seq, sid, account_sid, unique_name, friendly_name, include_credentials, ui_editable, domain_base, date_created, date_updated",
};

pub fn create(db: &Connection, account_sid: &str, new: NewService) -> ApiResult<Service> {
    let count: usize = db.query_row(
        "SELECT COUNT(*) FROM services WHERE account_sid = ?1",
        [account_sid],
        |row| row.get(0),
    )?;
    if count >= SERVICES_PER_ACCOUNT {
        return Err(ApiError::bad_request(format!(
            "Services are limited to less than or equal to {SERVICES_PER_ACCOUNT}"
        )));
    }
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::Service, account_sid, now)?;
    // Twilio appends random digits so that the domain stays unique across accounts.
    let domain_base = format!(
        "{}-{:04}",
        new.unique_name.to_ascii_lowercase(),
        rand::random::<u16>() % 10_000
    );
    let inserted = db.execute(
        "INSERT INTO services (sid, seq, account_sid, unique_name, friendly_name, include_credentials, ui_editable, domain_base, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        (&sid, seq, account_sid, &new.unique_name, &new.friendly_name, new.include_credentials, new.ui_editable, &domain_base, now),
    );
    match inserted {
        Err(error) if is_unique_violation(&error) => {
            Err(ApiError::conflict("Service UniqueName must be unique."))
        }
        other => other.map(drop).map_err(ApiError::from),
    }?;
    fetch(db, account_sid, &sid)
}

/// The SID of the account's service named `key`, which may be its SID or its unique name.
pub fn resolve(db: &Connection, account_sid: &str, key: &str) -> ApiResult<String> {
    super::one(
        db,
        "SELECT sid FROM services WHERE account_sid = ?1 AND (sid = ?2 OR unique_name = ?2)",
        (account_sid, key),
        |row| row.get(0),
    )
}

pub fn fetch(db: &Connection, account_sid: &str, key: &str) -> ApiResult<Service> {
    SERVICES.get(db, &resolve(db, account_sid, key)?)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    request: &PageRequest,
) -> ApiResult<Listed<Service>> {
    let params = vec![account_sid.to_owned().into()];
    SERVICES.list(db, "account_sid = ?", params, request)
}

pub fn update(
    db: &Connection,
    account_sid: &str,
    key: &str,
    changes: ServiceChanges,
) -> ApiResult<Service> {
    let sid = resolve(db, account_sid, key)?;
    db.execute(
        "UPDATE services SET friendly_name = COALESCE(?2, friendly_name),
            include_credentials = COALESCE(?3, include_credentials),
            ui_editable = COALESCE(?4, ui_editable), date_updated = ?5
         WHERE sid = ?1",
        (
            &sid,
            changes.friendly_name,
            changes.include_credentials,
            changes.ui_editable,
            clock::now(),
        ),
    )?;
    fetch(db, account_sid, &sid)
}

/// Deletes the service and, through the schema's cascades, everything in it.
pub fn delete(db: &Connection, account_sid: &str, key: &str) -> ApiResult<()> {
    SERVICES.delete(db, &resolve(db, account_sid, key)?)
}
