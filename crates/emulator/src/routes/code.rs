//! ListFunction, CreateFunction, FetchFunction, UpdateFunction, DeleteFunction, and the same five
//! for Assets: one shape and one store table, told apart by [`Code`] (`list::<Functions>` is
//! ListFunction).

use crate::context::{Ctx, created};
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::code::{self, Kind};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::{Function, Page, validate};

/// Functions or Assets: the store's kind, the list's key and where an item's URLs point.
pub trait Code: 'static {
    const KIND: Kind;
    const KEY: &'static str;
    fn locate(item: Function, base: &str) -> Function;
}

pub enum Functions {}
pub enum Assets {}

impl Code for Functions {
    const KIND: Kind = Kind::Function;
    const KEY: &'static str = "functions";
    fn locate(item: Function, base: &str) -> Function {
        urls::function(item, base)
    }
}

impl Code for Assets {
    const KIND: Kind = Kind::Asset;
    const KEY: &'static str = "assets";
    fn locate(item: Function, base: &str) -> Function {
        urls::asset(item, base)
    }
}

type ItemPath = Path<(String, String)>;

pub async fn list<C: Code>(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Function>>> {
    pagination::list(&ctx, &query, C::KEY, C::locate, move |db, account, page| {
        code::list(db, account, &service, C::KIND, page)
    })
    .await
}

pub async fn create<C: Code>(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Function>)> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    ctx.answer(C::locate, move |db, account| {
        code::create(db, account, &service, C::KIND, name)
    })
    .await
    .map(created)
}

pub async fn fetch<C: Code>(ctx: Ctx, Path((service, sid)): ItemPath) -> ApiResult<Json<Function>> {
    ctx.answer(C::locate, move |db, account| {
        code::fetch(db, account, &service, C::KIND, &sid)
    })
    .await
}

pub async fn update<C: Code>(
    ctx: Ctx,
    Path((service, sid)): ItemPath,
    Form(form): Form,
) -> ApiResult<Json<Function>> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    ctx.answer(C::locate, move |db, account| {
        code::update(db, account, &service, C::KIND, &sid, name)
    })
    .await
}

pub async fn delete<C: Code>(ctx: Ctx, Path((service, sid)): ItemPath) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| code::delete(db, account, &service, C::KIND, &sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
