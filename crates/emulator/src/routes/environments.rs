//! ListEnvironment, CreateEnvironment, FetchEnvironment, DeleteEnvironment (there is no update).

use crate::context::{Ctx, created};
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::environments;
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::requests::NewEnvironment;
use switchboard_models::{Environment, Page};

pub async fn list_environments(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Environment>>> {
    pagination::list(
        &ctx,
        &query,
        "environments",
        urls::environment,
        move |db, account, page| environments::list(db, account, &service, page),
    )
    .await
}

pub async fn create_environment(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Environment>)> {
    let new = NewEnvironment::decode(&form)?;
    ctx.answer(urls::environment, move |db, account| {
        environments::create(db, account, &service, new)
    })
    .await
    .map(created)
}

pub async fn fetch_environment(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Environment>> {
    ctx.answer(urls::environment, move |db, account| {
        environments::fetch(db, account, &service, &sid)
    })
    .await
}

pub async fn delete_environment(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| environments::delete(db, account, &service, &sid))
        .await?;
    ctx.emulator().reconcile().await;
    Ok(StatusCode::NO_CONTENT)
}
