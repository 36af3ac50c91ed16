//! ListEnvironment, CreateEnvironment, FetchEnvironment, DeleteEnvironment (there is no update).

use crate::context::Ctx;
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
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| environments::list(db, account, &service, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "environments",
        &[],
        &request,
        listed,
        urls::environment,
    ))
}

pub async fn create_environment(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Environment>)> {
    let new = NewEnvironment::decode(&form)?;
    let environment = ctx
        .db(move |db, account| environments::create(db, account, &service, new))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(urls::environment(environment, &ctx.base)),
    ))
}

pub async fn fetch_environment(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Environment>> {
    let environment = ctx
        .db(move |db, account| environments::fetch(db, account, &service, &sid))
        .await?;
    Ok(Json(urls::environment(environment, &ctx.base)))
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
