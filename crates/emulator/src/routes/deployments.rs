//! ListDeployment, CreateDeployment, FetchDeployment.

use crate::context::{Ctx, created};
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::deployments;
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::requests::NewDeployment;
use switchboard_models::{Deployment, Page};

pub async fn list_deployments(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Query(query): Query,
) -> ApiResult<Json<Page<Deployment>>> {
    pagination::list(
        &ctx,
        &query,
        "deployments",
        urls::deployment,
        move |db, account, page| deployments::list(db, account, (&service, &environment), page),
    )
    .await
}

/// Without `BuildSid`, the deployment takes the environment's live build down.
pub async fn create_deployment(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Deployment>)> {
    let new = NewDeployment::decode(&form)?;
    let deployment = ctx
        .answer(urls::deployment, move |db, account| {
            deployments::create(db, account, (&service, &environment), new)
        })
        .await?;
    // The environment's process served the build this deployment replaced.
    ctx.emulator().reconcile().await;
    Ok(created(deployment))
}

pub async fn fetch_deployment(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Deployment>> {
    ctx.answer(urls::deployment, move |db, account| {
        deployments::fetch(db, account, (&service, &environment), &sid)
    })
    .await
}
