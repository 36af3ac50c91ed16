//! One page of any list, in creation order (or newest first), addressed by page index or by
//! Twilio's `PA<sid>` / `PB<sid>` tokens, which resolve through the `sids` table so a token keeps
//! working after the item it names is deleted.

use super::row;
use super::table::Table;
use crate::error::{ApiError, ApiResult};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde::de::DeserializeOwned;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// No token: `offset` items from the start.
    Offset(u64),
    /// `PA<sid>`: the items after this one.
    After(String),
    /// `PB<sid>`: the items before this one.
    Before(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub size: u32,
    pub page: u32,
    pub cursor: Cursor,
}

/// A page of items, with what the meta URLs need.
pub struct Listed<T> {
    pub items: Vec<T>,
    pub first_sid: Option<String>,
    pub last_sid: Option<String>,
    pub has_next: bool,
}

/// A list query: `filter` uses anonymous `?` parameters.
pub struct Query<'a> {
    pub table: &'a Table,
    pub filter: &'a str,
    pub params: Vec<Value>,
    pub newest_first: bool,
}

pub fn list<T: DeserializeOwned>(
    db: &Connection,
    query: Query<'_>,
    request: &PageRequest,
) -> ApiResult<Listed<T>> {
    let (forward, backward) = if query.newest_first {
        (("<", "DESC"), (">", "ASC"))
    } else {
        ((">", "ASC"), ("<", "DESC"))
    };
    let Query {
        table,
        filter,
        mut params,
        ..
    } = query;
    let Table {
        name: table,
        columns,
    } = table;
    let limit = i64::from(request.size);
    let sql = match &request.cursor {
        Cursor::Offset(offset) => {
            params.push(Value::Integer(limit));
            params.push(Value::Integer(i64::try_from(*offset).unwrap_or(i64::MAX)));
            format!(
                "SELECT {columns} FROM {table} WHERE {filter} ORDER BY seq {} LIMIT ? OFFSET ?",
                forward.1
            )
        }
        Cursor::After(sid) | Cursor::Before(sid) => {
            let (cmp, order) = if matches!(request.cursor, Cursor::After(_)) {
                forward
            } else {
                backward
            };
            params.push(Value::Integer(token_seq(db, sid)?));
            params.push(Value::Integer(limit));
            format!(
                "SELECT {columns} FROM {table} WHERE {filter} AND seq {cmp} ? ORDER BY seq {order} LIMIT ?"
            )
        }
    };
    let filter_params = params.len() - 2;
    let mut rows: Vec<(i64, String, T)> = db
        .prepare(&sql)?
        .query_map(params_from_iter(params.iter()), |row| {
            Ok((row.get("seq")?, row.get("sid")?, row::read(row)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if matches!(request.cursor, Cursor::Before(_)) {
        rows.reverse();
    }
    let has_next = match rows.last() {
        Some((last_seq, _, _)) => {
            let mut exists_params = params[..filter_params].to_vec();
            exists_params.push(Value::Integer(*last_seq));
            let sql = format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE {filter} AND seq {} ?)",
                forward.0
            );
            db.query_row(&sql, params_from_iter(exists_params.iter()), |row| {
                row.get(0)
            })?
        }
        None => false,
    };
    Ok(Listed {
        first_sid: rows.first().map(|(_, sid, _)| sid.clone()),
        last_sid: rows.last().map(|(_, sid, _)| sid.clone()),
        items: rows.into_iter().map(|(_, _, item)| item).collect(),
        has_next,
    })
}

fn token_seq(db: &Connection, sid: &str) -> ApiResult<i64> {
    db.query_row("SELECT seq FROM sids WHERE sid = ?1", [sid], |row| {
        row.get(0)
    })
    .optional()?
    .ok_or_else(|| ApiError::bad_request("PageToken is not valid"))
}
