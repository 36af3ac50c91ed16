//! ListService, CreateService, FetchService, UpdateService, DeleteService.
//! `{Sid}` may be the service's SID or its unique name.

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::services;
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::requests::{NewService, ServiceChanges};
use switchboard_models::{Page, Service};

pub async fn list_services(ctx: Ctx, Query(query): Query) -> ApiResult<Json<Page<Service>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| services::list(db, account, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "services",
        &[],
        &request,
        listed,
        urls::service,
    ))
}

pub async fn create_service(ctx: Ctx, Form(form): Form) -> ApiResult<(StatusCode, Json<Service>)> {
    let new = NewService::decode(&form)?;
    let service = ctx
        .db(move |db, account| services::create(db, account, new))
        .await?;
    Ok((StatusCode::CREATED, Json(urls::service(service, &ctx.base))))
}

pub async fn fetch_service(ctx: Ctx, Path(sid): Path<String>) -> ApiResult<Json<Service>> {
    let service = ctx
        .db(move |db, account| services::fetch(db, account, &sid))
        .await?;
    Ok(Json(urls::service(service, &ctx.base)))
}

pub async fn update_service(
    ctx: Ctx,
    Path(sid): Path<String>,
    Form(form): Form,
) -> ApiResult<Json<Service>> {
    let changes = ServiceChanges::decode(&form)?;
    let service = ctx
        .db(move |db, account| services::update(db, account, &sid, changes))
        .await?;
    Ok(Json(urls::service(service, &ctx.base)))
}

pub async fn delete_service(ctx: Ctx, Path(sid): Path<String>) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| services::delete(db, account, &sid))
        .await?;
    ctx.emulator().reconcile().await;
    Ok(StatusCode::NO_CONTENT)
}
