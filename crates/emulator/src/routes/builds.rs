//! ListBuild, CreateBuild, FetchBuild, DeleteBuild, FetchBuildStatus.

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Query};
use crate::store::builds::{self, NewBuild};
use crate::store::live;
use crate::{Execution, build_worker, clock, pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::{
    BUILDABLE_RUNTIMES, Build, BuildStatusResource, DEFAULT_RUNTIME, Page, RUNTIMES, dependencies,
};

pub async fn list_builds(
    ctx: Ctx,
    Path(service): Path<String>,
    Query(query): Query,
) -> ApiResult<Json<Page<Build>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| builds::list(db, account, &service, &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "builds",
        &[],
        &request,
        listed,
        urls::build,
    ))
}

pub async fn create_build(
    ctx: Ctx,
    Path(service): Path<String>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Build>)> {
    let dependencies = dependencies::parse(form.get("Dependencies").unwrap_or_default())
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    let runtime = form
        .get("Runtime")
        .filter(|runtime| !runtime.is_empty())
        .unwrap_or(DEFAULT_RUNTIME);
    if !RUNTIMES.contains(&runtime) {
        return Err(ApiError::bad_request(format!(
            "Runtime must be one of {}",
            RUNTIMES.join(", ")
        )));
    }
    if !BUILDABLE_RUNTIMES.contains(&runtime) {
        return Err(ApiError::bad_request(format!(
            "Runtime {runtime} is no longer supported for new Builds: use one of {}",
            BUILDABLE_RUNTIMES.join(", ")
        )));
    }
    let emulator = ctx.emulator().clone();
    let real = emulator.execution() == Execution::Node;
    let created = clock::now_millis();
    let build_time = i64::try_from(emulator.config().build_time.as_millis()).unwrap_or(i64::MAX);
    let new = NewBuild {
        function_versions: form.all("FunctionVersions"),
        asset_versions: form.all("AssetVersions"),
        dependencies,
        runtime: runtime.to_owned(),
        due_millis: if real {
            live::NPM_PENDING
        } else {
            created.saturating_add(build_time)
        },
    };
    let build = ctx
        .db(move |db, account| builds::create(db, account, &service, new))
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
    let build = ctx
        .db(move |db, account| builds::fetch(db, account, &service, &sid))
        .await?;
    Ok(Json(urls::build(build, &ctx.base)))
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
    let status = ctx
        .db(move |db, account| builds::status(db, account, &service, &sid))
        .await?;
    Ok(Json(urls::build_status(status, &ctx.base)))
}
