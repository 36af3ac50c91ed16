//! ListVariable, CreateVariable, FetchVariable, UpdateVariable, DeleteVariable.

use crate::context::{Ctx, created};
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::variables;
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::requests::{NewVariable, VariableChanges};
use switchboard_models::{Page, Variable};

pub async fn list_variables(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Query(query): Query,
) -> ApiResult<Json<Page<Variable>>> {
    pagination::list(
        &ctx,
        &query,
        "variables",
        urls::variable,
        move |db, account, page| variables::list(db, account, (&service, &environment), page),
    )
    .await
}

pub async fn create_variable(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Variable>)> {
    let new = NewVariable::decode(&form)?;
    ctx.answer(urls::variable, move |db, account| {
        variables::create(db, account, (&service, &environment), new)
    })
    .await
    .map(created)
}

pub async fn fetch_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Variable>> {
    ctx.answer(urls::variable, move |db, account| {
        variables::fetch(db, account, (&service, &environment), &sid)
    })
    .await
}

pub async fn update_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
    Form(form): Form,
) -> ApiResult<Json<Variable>> {
    let changes = VariableChanges::decode(&form)?;
    ctx.answer(urls::variable, move |db, account| {
        variables::update(db, account, (&service, &environment), &sid, changes)
    })
    .await
}

pub async fn delete_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| variables::delete(db, account, (&service, &environment), &sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
