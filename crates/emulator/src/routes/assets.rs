//! ListAsset, CreateAsset, FetchAsset, UpdateAsset, DeleteAsset.

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::code::{self, Kind};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::{Asset, Page, validate};

pub async fn list_assets(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Asset>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| code::list(db, account, &service, Kind::Asset, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "assets",
        &[],
        &request,
        listed,
        urls::asset,
    ))
}

pub async fn create_asset(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Asset>)> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    let asset = ctx
        .db(move |db, account| code::create(db, account, &service, Kind::Asset, name))
        .await?;
    Ok((StatusCode::CREATED, Json(urls::asset(asset, &ctx.base))))
}

pub async fn fetch_asset(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Asset>> {
    let asset = ctx
        .db(move |db, account| code::fetch(db, account, &service, Kind::Asset, &sid))
        .await?;
    Ok(Json(urls::asset(asset, &ctx.base)))
}

pub async fn update_asset(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<Json<Asset>> {
    validate::friendly_name(form.get("FriendlyName"))?;
    let name = form.owned("FriendlyName").unwrap_or_default();
    let asset = ctx
        .db(move |db, account| code::update(db, account, &service, Kind::Asset, &sid, name))
        .await?;
    Ok(Json(urls::asset(asset, &ctx.base)))
}

pub async fn delete_asset(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| code::delete(db, account, &service, Kind::Asset, &sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
