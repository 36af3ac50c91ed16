//! ListService, CreateService, FetchService, UpdateService, DeleteService.
//! `{Sid}` may be the service's SID or its unique name.

use crate::context::{Ctx, created};
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
    pagination::list(&ctx, &query, "services", urls::service, services::list).await
}

pub async fn create_service(ctx: Ctx, Form(form): Form) -> ApiResult<(StatusCode, Json<Service>)> {
    let new = NewService::decode(&form)?;
    ctx.answer(urls::service, move |db, account| {
        services::create(db, account, new)
    })
    .await
    .map(created)
}

pub async fn fetch_service(ctx: Ctx, Path(sid): Path<String>) -> ApiResult<Json<Service>> {
    ctx.answer(urls::service, move |db, account| {
        services::fetch(db, account, &sid)
    })
    .await
}

pub async fn update_service(
    ctx: Ctx,
    Path(sid): Path<String>,
    Form(form): Form,
) -> ApiResult<Json<Service>> {
    let changes = ServiceChanges::decode(&form)?;
    ctx.answer(urls::service, move |db, account| {
        services::update(db, account, &sid, changes)
    })
    .await
}

pub async fn delete_service(ctx: Ctx, Path(sid): Path<String>) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| services::delete(db, account, &sid))
        .await?;
    ctx.emulator().reconcile().await;
    Ok(StatusCode::NO_CONTENT)
}
