//! A resource's table: where its rows are and which columns its wire type reads (see
//! [`row`](super::row)), so reading, listing and deleting by SID are written once.

use super::page::{self, Query};
use super::{Listed, PageRequest, row};
use crate::error::ApiResult;
use rusqlite::Connection;
use rusqlite::types::Value;
use serde::de::DeserializeOwned;

pub struct Table {
    pub name: &'static str,
    /// The columns a row is read from; lists also need `seq` and `sid` among them.
    pub columns: &'static str,
}

impl Table {
    /// The row `sid`, which the caller has resolved within its parent.
    pub fn get<T: DeserializeOwned>(&self, db: &Connection, sid: &str) -> ApiResult<T> {
        let sql = format!("SELECT {} FROM {} WHERE sid = ?1", self.columns, self.name);
        Ok(db.query_row(&sql, [sid], row::read)?)
    }

    /// One page, oldest first, of the rows `filter` (with anonymous `?` parameters) selects.
    pub fn list<T: DeserializeOwned>(
        &self,
        db: &Connection,
        filter: &str,
        params: Vec<Value>,
        request: &PageRequest,
    ) -> ApiResult<Listed<T>> {
        let query = Query {
            table: self,
            filter,
            params,
            newest_first: false,
        };
        page::list(db, query, request)
    }

    /// Deletes the row `sid`, which the caller has resolved; the schema's cascades delete what
    /// it holds.
    pub fn delete(&self, db: &Connection, sid: &str) -> ApiResult<()> {
        db.execute(&format!("DELETE FROM {} WHERE sid = ?1", self.name), [sid])?;
        Ok(())
    }
}
