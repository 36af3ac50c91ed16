//! Every route of the emulator in one place: the `serverless.twilio.com` paths, the upload host's
//! multipart version creation (a POST on the version list's path), and `/__emulator/`.

use crate::Emulator;
use crate::auth::{refuse_get_with_body, require_credentials};
use crate::routes::code::{self, Assets, Functions};
use crate::routes::versions::Versioned;
use crate::routes::{
    UPLOAD_BODY_LIMIT, builds::*, deployments::*, environments::*, invoke::*, logs::*,
    method_not_allowed, runtime::*, services::*, unknown_path, variables::*, versions,
};
use crate::runtime::live;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::Next;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

const SERVICE: &str = "/v1/Services/{service}";
const ENVIRONMENT: &str = "/v1/Services/{service}/Environments/{environment}";

pub fn router(emulator: Emulator) -> Router {
    let upload_limit = DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    Router::new()
        .route("/v1/Services", get(list_services).post(create_service))
        .route(
            SERVICE,
            get(fetch_service)
                .post(update_service)
                .delete(delete_service),
        )
        .route(
            &format!("{SERVICE}/Environments"),
            get(list_environments).post(create_environment),
        )
        .route(
            &format!("{SERVICE}/Environments/{{sid}}"),
            get(fetch_environment).delete(delete_environment),
        )
        .route(
            &format!("{ENVIRONMENT}/Variables"),
            get(list_variables).post(create_variable),
        )
        .route(
            &format!("{ENVIRONMENT}/Variables/{{sid}}"),
            get(fetch_variable)
                .post(update_variable)
                .delete(delete_variable),
        )
        .route(
            &format!("{ENVIRONMENT}/Deployments"),
            get(list_deployments).post(create_deployment),
        )
        .route(
            &format!("{ENVIRONMENT}/Deployments/{{sid}}"),
            get(fetch_deployment),
        )
        .route(&format!("{ENVIRONMENT}/Logs"), get(list_logs))
        .route(&format!("{ENVIRONMENT}/Logs/{{sid}}"), get(fetch_log))
        .merge(code_routes::<Functions>("Functions", upload_limit))
        .route(
            &format!("{SERVICE}/Functions/{{sid}}/Versions/{{version}}/Content"),
            get(versions::fetch_function_version_content),
        )
        .merge(code_routes::<Assets>("Assets", upload_limit))
        .route(
            &format!("{SERVICE}/Builds"),
            get(list_builds).post(create_build),
        )
        .route(
            &format!("{SERVICE}/Builds/{{sid}}"),
            get(fetch_build).delete(delete_build),
        )
        .route(
            &format!("{SERVICE}/Builds/{{sid}}/Status"),
            get(fetch_build_status),
        )
        .route(
            "/__emulator/invoke/{service}/{environment}/{*path}",
            post(invoke_function),
        )
        .route("/__emulator/runtime", get(fetch_runtime))
        .route(
            "/__emulator/builds/{service}/{sid}",
            get(fetch_build_outcome),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(refuse_get_with_body))
        .layer(from_fn_with_state(emulator.clone(), refresh_after_change))
        .layer(from_fn_with_state(emulator.clone(), require_credentials))
        .layer(TraceLayer::new_for_http())
        // Live URLs are told apart by their Host and need no credentials, as on Twilio.
        .layer(from_fn_with_state(emulator.clone(), live::dispatch))
        .with_state(emulator)
}

/// A change through the API reaches the running functions before the API answers: their
/// variables, and the deployment their log entries name (`Runtime::refresh`).
async fn refresh_after_change(
    State(emulator): State<Emulator>,
    request: Request,
    next: Next,
) -> Response {
    let before = emulator.store().generation();
    let response = next.run(request).await;
    if emulator.store().generation() != before {
        let auth_token = &emulator.credentials().auth_token;
        emulator
            .runtime()
            .refresh(emulator.store(), auth_token)
            .await;
    }
    response
}

/// The routes of Functions or Assets (`plural`, as in their path) and of their versions.
fn code_routes<C: Versioned>(plural: &str, upload_limit: DefaultBodyLimit) -> Router<Emulator> {
    let list = format!("{SERVICE}/{plural}");
    let item = format!("{list}/{{sid}}");
    Router::new()
        .route(&list, get(code::list::<C>).post(code::create::<C>))
        .route(
            &item,
            get(code::fetch::<C>)
                .post(code::update::<C>)
                .delete(code::delete::<C>),
        )
        .route(
            &format!("{item}/Versions"),
            get(versions::list::<C>)
                .post(versions::create::<C>)
                .layer(upload_limit),
        )
        .route(
            &format!("{item}/Versions/{{version}}"),
            get(versions::fetch::<C>),
        )
}
