//! ListVariable, CreateVariable, FetchVariable, UpdateVariable, DeleteVariable.

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::form::{Form, Query};
use crate::store::variables::{self, VariableChanges};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use switchboard_models::{Page, Variable, validate};

pub async fn list_variables(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Query(query): Query,
) -> ApiResult<Json<Page<Variable>>> {
    let request = pagination::request(&query)?;
    let page = request.clone();
    let listed = ctx
        .db(move |db, account| variables::list(db, account, (&service, &environment), &page))
        .await?;
    Ok(pagination::respond(
        &ctx,
        "variables",
        &[],
        &request,
        listed,
        urls::variable,
    ))
}

pub async fn create_variable(
    ctx: Ctx,
    Path((service, environment)): Path<(String, String)>,
    Form(form): Form,
) -> ApiResult<(StatusCode, Json<Variable>)> {
    validate::variable_key(form.get("Key"))?;
    validate::variable_value(form.get("Value"))?;
    let (key, value) = (
        form.owned("Key").unwrap_or_default(),
        form.owned("Value").unwrap_or_default(),
    );
    let variable = ctx
        .db(move |db, account| variables::create(db, account, (&service, &environment), key, value))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(urls::variable(variable, &ctx.base)),
    ))
}

pub async fn fetch_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Variable>> {
    let variable = ctx
        .db(move |db, account| variables::fetch(db, account, (&service, &environment), &sid))
        .await?;
    Ok(Json(urls::variable(variable, &ctx.base)))
}

pub async fn update_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
    Form(form): Form,
) -> ApiResult<Json<Variable>> {
    if form.get("Key").is_some() {
        validate::variable_key(form.get("Key"))?;
    }
    if form.get("Value").is_some() {
        validate::variable_value(form.get("Value"))?;
    }
    let changes = VariableChanges {
        key: form.owned("Key"),
        value: form.owned("Value"),
    };
    let variable = ctx
        .db(move |db, account| {
            variables::update(db, account, (&service, &environment), &sid, changes)
        })
        .await?;
    Ok(Json(urls::variable(variable, &ctx.base)))
}

pub async fn delete_variable(
    ctx: Ctx,
    Path((service, environment, sid)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    ctx.db(move |db, account| variables::delete(db, account, (&service, &environment), &sid))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
