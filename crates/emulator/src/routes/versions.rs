//! Function Versions (List, Fetch, Content) and Asset Versions (List, Fetch), and their creation,
//! which Twilio serves on the upload host as a multipart POST to the list's path.

use super::upload::read_upload;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::Query;
use crate::store::code::Kind;
use crate::store::versions::{self, Parent, Version};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use switchboard_models::{AssetVersion, FunctionVersion, FunctionVersionContent, Page};

type ParentPath = Path<(String, String)>;
type VersionPath = Path<(String, String, String)>;

pub async fn list_function_versions(
    ctx: Ctx,
    Path((service, function)): ParentPath,
    Query(query): Query,
) -> ApiResult<Json<Page<FunctionVersion>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| versions::list(db, account, function_of(&service, &function), &page))
        .await?;
    let listed = listed.map(Version::into_function_version);
    Ok(pagination::respond(
        &ctx,
        "function_versions",
        &[],
        &request,
        listed,
        urls::function_version,
    ))
}

pub async fn create_function_version(
    ctx: Ctx,
    Path((service, function)): ParentPath,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<FunctionVersion>)> {
    let upload = read_upload(multipart).await?;
    let version = ctx
        .db(move |db, account| {
            versions::create(db, account, function_of(&service, &function), upload)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(urls::function_version(
            version.into_function_version(),
            &ctx.base,
        )),
    ))
}

pub async fn fetch_function_version(
    ctx: Ctx,
    Path((service, function, sid)): VersionPath,
) -> ApiResult<Json<FunctionVersion>> {
    let version = ctx
        .db(move |db, account| versions::fetch(db, account, function_of(&service, &function), &sid))
        .await?;
    Ok(Json(urls::function_version(
        version.into_function_version(),
        &ctx.base,
    )))
}

pub async fn fetch_function_version_content(
    ctx: Ctx,
    Path((service, function, sid)): VersionPath,
) -> ApiResult<Json<FunctionVersionContent>> {
    let content = ctx
        .db(move |db, account| {
            versions::content(db, account, function_of(&service, &function), &sid)
        })
        .await?;
    Ok(Json(urls::function_version_content(content, &ctx.base)))
}

pub async fn list_asset_versions(
    ctx: Ctx,
    Path((service, asset)): ParentPath,
    Query(query): Query,
) -> ApiResult<Json<Page<AssetVersion>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| versions::list(db, account, asset_of(&service, &asset), &page))
        .await?;
    let listed = listed.map(Version::into_asset_version);
    Ok(pagination::respond(
        &ctx,
        "asset_versions",
        &[],
        &request,
        listed,
        urls::asset_version,
    ))
}

pub async fn create_asset_version(
    ctx: Ctx,
    Path((service, asset)): ParentPath,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AssetVersion>)> {
    let upload = read_upload(multipart).await?;
    let version = ctx
        .db(move |db, account| versions::create(db, account, asset_of(&service, &asset), upload))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(urls::asset_version(version.into_asset_version(), &ctx.base)),
    ))
}

pub async fn fetch_asset_version(
    ctx: Ctx,
    Path((service, asset, sid)): VersionPath,
) -> ApiResult<Json<AssetVersion>> {
    let version = ctx
        .db(move |db, account| versions::fetch(db, account, asset_of(&service, &asset), &sid))
        .await?;
    Ok(Json(urls::asset_version(
        version.into_asset_version(),
        &ctx.base,
    )))
}

fn function_of<'a>(service: &'a str, sid: &'a str) -> Parent<'a> {
    Parent {
        service,
        kind: Kind::Function,
        sid,
    }
}

fn asset_of<'a>(service: &'a str, sid: &'a str) -> Parent<'a> {
    Parent {
        service,
        kind: Kind::Asset,
        sid,
    }
}
