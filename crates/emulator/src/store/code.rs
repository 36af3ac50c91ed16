//! Functions and Assets: one shape, one `ZH` prefix, told apart by `kind`.

use super::table::Table;
use super::{Listed, PageRequest, new_sid, services};
use crate::clock;
use crate::error::ApiResult;
use rusqlite::Connection;
use switchboard_models::Function;
use switchboard_models::sid::SidKind;

const CODE: Table = Table {
    name: "code",
    columns: "seq, sid, account_sid, service_sid, friendly_name, date_created, date_updated",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    Asset,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Asset => "asset",
        }
    }
}

/// A resolved Function or Asset: its service's SID and its own.
pub struct CodeKey {
    pub service_sid: String,
    pub sid: String,
}

pub fn create(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    friendly_name: String,
) -> ApiResult<Function> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::FunctionOrAsset, account_sid, now)?;
    db.execute(
        "INSERT INTO code (sid, seq, kind, account_sid, service_sid, friendly_name, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        (&sid, seq, kind.as_str(), account_sid, &service_sid, &friendly_name, now),
    )?;
    fetch(db, account_sid, &service_sid, kind, &sid)
}

pub fn resolve(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    sid: &str,
) -> ApiResult<CodeKey> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let sid = super::one(
        db,
        "SELECT sid FROM code WHERE sid = ?1 AND service_sid = ?2 AND kind = ?3",
        (sid, &service_sid, kind.as_str()),
        |row| row.get(0),
    )?;
    Ok(CodeKey { service_sid, sid })
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    sid: &str,
) -> ApiResult<Function> {
    CODE.get(db, &resolve(db, account_sid, service, kind, sid)?.sid)
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    request: &PageRequest,
) -> ApiResult<Listed<Function>> {
    let service_sid = services::resolve(db, account_sid, service)?;
    let params = vec![service_sid.into(), kind.as_str().to_owned().into()];
    CODE.list(db, "service_sid = ? AND kind = ?", params, request)
}

pub fn update(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    sid: &str,
    friendly_name: String,
) -> ApiResult<Function> {
    let key = resolve(db, account_sid, service, kind, sid)?;
    db.execute(
        "UPDATE code SET friendly_name = ?2, date_updated = ?3 WHERE sid = ?1",
        (&key.sid, &friendly_name, clock::now()),
    )?;
    fetch(db, account_sid, &key.service_sid, kind, &key.sid)
}

/// Deletes the Function or Asset and its versions; builds keep their own copy of the versions.
pub fn delete(
    db: &Connection,
    account_sid: &str,
    service: &str,
    kind: Kind,
    sid: &str,
) -> ApiResult<()> {
    CODE.delete(db, &resolve(db, account_sid, service, kind, sid)?.sid)
}
