//! ListBuild, CreateBuild, FetchBuild, DeleteBuild, FetchBuildStatus.

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::builds;
use crate::store::live;
use crate::{Execution, build_worker, clock, pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::requests::NewBuild;
use switchboard_models::{Build, BuildStatusResource, Page};

pub async fn list_builds(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Build>>> {
    pagination::list(
        &ctx,
        &query,
        "builds",
        urls::build,
        move |db, account, page| builds::list(db, account, &service, page),
    )
    .await
}

pub async fn create_build(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Build>)> {
    let new = NewBuild::decode(&form)?;
    let emulator = ctx.emulator().clone();
    let real = emulator.execution() == Execution::Node;
    let created = clock::now_millis();
    let build_time = i64::try_from(emulator.config().build_time.as_millis()).unwrap_or(i64::MAX);
    let due_millis = if real {
        live::NPM_PENDING
    } else {
        created.saturating_add(build_time)
    };
    let build = ctx
        .db(move |db, account| builds::create(db, account, &service, &new, due_millis))
        .await?;
    if real {
        build_worker::spawn_npm_build(emulator, build.sid.clone(), created);
    } else {
        emulator.builds().wake();
    }
    Ok((StatusCode::CREATED, Json(urls::build(build, &ctx.base))))
}

pub async fn fetch_build(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Build>> {
    ctx.answer(urls::build, move |db, account| {
        builds::fetch(db, account, &service, &sid)
    })
    .await
}

pub async fn delete_build(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| builds::delete(db, account, &service, &sid))
        .await?;
    ctx.emulator().reconcile().await;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn fetch_build_status(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<BuildStatusResource>> {
    ctx.answer(urls::build_status, move |db, account| {
        builds::status(db, account, &service, &sid)
    })
    .await
}
