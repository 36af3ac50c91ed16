//! Twilio's list paging: `PageSize` (1..=1000, default 50), `Page` (client state) and
//! `PageToken` (`PA<sid>` forward, `PB<sid>` back), and the `meta` object whose URLs keep the
//! list's filters before `PageSize` and `Page`.

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::form::Params;
use crate::store::{Cursor, Listed, PageRequest};
use axum::Json;
use rusqlite::Connection;
use switchboard_models::limits::{PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX};
use switchboard_models::{Page, PageMeta};

pub fn request(params: &Params) -> ApiResult<PageRequest> {
    let size = match params.get("PageSize") {
        None => PAGE_SIZE_DEFAULT,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|size| (1..=PAGE_SIZE_MAX).contains(size))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "PageSize must be an integer from 1 to {PAGE_SIZE_MAX}"
                ))
            })?,
    };
    let page = match params.get("Page") {
        None => 0,
        Some(raw) => raw
            .parse::<u32>()
            .map_err(|_| ApiError::bad_request("Page must be a non-negative integer"))?,
    };
    let cursor = match params.get("PageToken") {
        None | Some("") => Cursor::Offset(u64::from(page) * u64::from(size)),
        Some(token) => match (token.get(..2), token.get(2..)) {
            (Some("PA"), Some(sid)) => Cursor::After(sid.to_owned()),
            (Some("PB"), Some(sid)) => Cursor::Before(sid.to_owned()),
            _ => return Err(ApiError::bad_request("PageToken is not valid")),
        },
    };
    Ok(PageRequest { size, page, cursor })
}

/// A list operation without filters: the page of `query` that `read` lists, answered under `key`
/// with its items made absolute by `locate`.
pub async fn list<T, W, F>(
    ctx: &Ctx,
    query: &Params,
    key: &str,
    locate: impl Fn(T, &str) -> W,
    read: F,
) -> ApiResult<Json<Page<W>>>
where
    T: Send + 'static,
    F: FnOnce(&Connection, &str, &PageRequest) -> ApiResult<Listed<T>> + Send + 'static,
{
    let request = request(query)?;
    let page = request.clone();
    let listed = ctx.db(move |db, account| read(db, account, &page)).await?;
    Ok(respond(ctx, key, &[], &request, listed, locate))
}

/// The list response under `key`, its items made absolute with `locate`.
pub fn respond<T, W>(
    ctx: &Ctx,
    key: &str,
    filters: &[(&str, String)],
    request: &PageRequest,
    listed: Listed<T>,
    locate: impl Fn(T, &str) -> W,
) -> Json<Page<W>> {
    let url = |page: u32, token: Option<String>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(filters.iter().map(|(name, value)| (*name, value.as_str())));
        query.append_pair("PageSize", &request.size.to_string());
        query.append_pair("Page", &page.to_string());
        if let Some(token) = token {
            query.append_pair("PageToken", &token);
        }
        ctx.url_with_query(&query.finish())
    };
    let current_token = match &request.cursor {
        Cursor::Offset(_) => None,
        Cursor::After(sid) => Some(format!("PA{sid}")),
        Cursor::Before(sid) => Some(format!("PB{sid}")),
    };
    let previous = match (&listed.first_sid, request.page) {
        (Some(first), page) if page > 0 => Some(url(page - 1, Some(format!("PB{first}")))),
        _ => None,
    };
    let next = match (&listed.last_sid, listed.has_next) {
        (Some(last), true) => Some(url(request.page + 1, Some(format!("PA{last}")))),
        _ => None,
    };
    let meta = PageMeta {
        page: request.page,
        page_size: request.size,
        first_page_url: url(0, None),
        previous_page_url: previous,
        next_page_url: next,
        url: url(request.page, current_token),
        key: key.to_owned(),
    };
    let items = listed
        .items
        .into_iter()
        .map(|item| locate(item, &ctx.base))
        .collect();
    Json(Page { items, meta })
}
