//! Function Versions and Asset Versions: immutable uploads under a Function or an Asset.

use super::code::{self, Kind};
use super::table::Table;
use super::{Listed, PageRequest, new_sid, row};
use crate::clock;
use crate::error::ApiResult;
use rusqlite::Connection;
use serde::Deserialize;
use switchboard_models::sid::SidKind;
use switchboard_models::{AssetVersion, FunctionVersion, FunctionVersionContent, Visibility};

/// Every column but `content`, which only Function Version Content reads.
const VERSIONS: Table = Table {
    name: "versions",
    columns: "seq, sid, account_sid, service_sid, parent_sid, path, visibility, date_created",
};

/// A validated upload.
pub struct Upload {
    pub path: String,
    pub visibility: Visibility,
    pub content: Vec<u8>,
}

/// A version of either kind; the routes turn it into the kind's wire type.
#[derive(Deserialize)]
pub struct Version {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub parent_sid: String,
    pub path: String,
    pub visibility: Visibility,
    pub date_created: String,
}

impl Version {
    pub fn into_function_version(self) -> FunctionVersion {
        FunctionVersion {
            sid: self.sid,
            account_sid: self.account_sid,
            service_sid: self.service_sid,
            function_sid: self.parent_sid,
            path: self.path,
            visibility: self.visibility,
            date_created: self.date_created,
            ..FunctionVersion::default()
        }
    }

    pub fn into_asset_version(self) -> AssetVersion {
        AssetVersion {
            sid: self.sid,
            account_sid: self.account_sid,
            service_sid: self.service_sid,
            asset_sid: self.parent_sid,
            path: self.path,
            visibility: self.visibility,
            date_created: self.date_created,
            url: String::new(),
        }
    }
}

/// Which versions: those of the Function or Asset `sid` of `service`.
#[derive(Clone, Copy)]
pub struct Parent<'a> {
    pub service: &'a str,
    pub kind: Kind,
    pub sid: &'a str,
}

pub fn create(
    db: &Connection,
    account_sid: &str,
    parent: Parent<'_>,
    upload: Upload,
) -> ApiResult<Version> {
    let key = code::resolve(db, account_sid, parent.service, parent.kind, parent.sid)?;
    let now = clock::now();
    let (sid, seq) = new_sid(db, SidKind::Version, account_sid, now)?;
    db.execute(
        "INSERT INTO versions (sid, seq, kind, account_sid, service_sid, parent_sid, path, visibility, content, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        (&sid, seq, parent.kind.as_str(), account_sid, &key.service_sid, &key.sid, &upload.path, upload.visibility.as_str(), &upload.content, now),
    )?;
    fetch(db, account_sid, parent, &sid)
}

pub fn fetch(
    db: &Connection,
    account_sid: &str,
    parent: Parent<'_>,
    sid: &str,
) -> ApiResult<Version> {
    let key = code::resolve(db, account_sid, parent.service, parent.kind, parent.sid)?;
    super::one(
        db,
        &format!(
            "SELECT {} FROM versions WHERE sid = ?1 AND parent_sid = ?2",
            VERSIONS.columns
        ),
        (sid, &key.sid),
        row::read,
    )
}

pub fn list(
    db: &Connection,
    account_sid: &str,
    parent: Parent<'_>,
    request: &PageRequest,
) -> ApiResult<Listed<Version>> {
    let key = code::resolve(db, account_sid, parent.service, parent.kind, parent.sid)?;
    VERSIONS.list(db, "parent_sid = ?", vec![key.sid.into()], request)
}

/// The uploaded source of a Function Version, as text.
pub fn content(
    db: &Connection,
    account_sid: &str,
    parent: Parent<'_>,
    sid: &str,
) -> ApiResult<FunctionVersionContent> {
    let version = fetch(db, account_sid, parent, sid)?;
    let bytes: Vec<u8> = db.query_row(
        "SELECT content FROM versions WHERE sid = ?1",
        [&version.sid],
        |row| row.get(0),
    )?;
    Ok(FunctionVersionContent {
        sid: version.sid,
        account_sid: version.account_sid,
        service_sid: version.service_sid,
        function_sid: version.parent_sid,
        content: String::from_utf8_lossy(&bytes).into_owned(),
        url: String::new(),
    })
}
