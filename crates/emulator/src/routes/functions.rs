//! ListFunction, CreateFunction, FetchFunction, UpdateFunction, DeleteFunction.

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::code::{self, Kind};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::{Function, Page, validate};

pub async fn list_functions(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Function>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| code::list(db, account, &service, Kind::Function, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "functions",
        &[],
        &request,
        listed,
        urls::function,
    ))
}

pub async fn create_function(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Function>)> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    let function = ctx
        .db(move |db, account| code::create(db, account, &service, Kind::Function, name))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(urls::function(function, &ctx.base)),
    ))
}

pub async fn fetch_function(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Function>> {
    let function = ctx
        .db(move |db, account| code::fetch(db, account, &service, Kind::Function, &sid))
        .await?;
    Ok(Json(urls::function(function, &ctx.base)))
}

pub async fn update_function(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<Json<Function>> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    let function = ctx
        .db(move |db, account| code::update(db, account, &service, Kind::Function, &sid, name))
        .await?;
    Ok(Json(urls::function(function, &ctx.base)))
}

pub async fn delete_function(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| code::delete(db, account, &service, Kind::Function, &sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
