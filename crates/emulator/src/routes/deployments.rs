//! ListDeployment, CreateDeployment, FetchDeployment.

use crate::context::Ctx;
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
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| deployments::list(db, account, (&service, &environment), &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "deployments",
        &[],
        &request,
        listed,
        urls::deployment,
    ))
}

/// Without `BuildSid`, the deployment takes the environment's live build down.
pub async fn create_deployment(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Deployment>)> {
    let new = NewDeployment::decode(&form)?;
    let deployment = ctx
        .db(move |db, account| deployments::create(db, account, (&service, &environment), new))
        .await?;
    // The environment's process served the build this deployment replaced.
    ctx.emulator().reconcile().await;
    Ok((
        StatusCode::CREATED,
        Json(urls::deployment(deployment, &ctx.base)),
    ))
}

pub async fn fetch_deployment(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Deployment>> {
    let deployment = ctx
        .db(move |db, account| deployments::fetch(db, account, (&service, &environment), &sid))
        .await?;
    Ok(Json(urls::deployment(deployment, &ctx.base)))
}
