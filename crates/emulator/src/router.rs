//! Every route of the emulator in one place: the `serverless.twilio.com` paths, the upload host's
//! multipart version creation (a POST on the version list's path), and `/__emulator/`.

use crate::Emulator;
use crate::auth::{refuse_get_with_body, require_credentials};
use crate::routes::{
    UPLOAD_BODY_LIMIT, assets::*, builds::*, deployments::*, environments::*, functions::*,
    invoke::*, logs::*, method_not_allowed, runtime::*, services::*, unknown_path, variables::*,
    versions::*,
};
use crate::runtime::live;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

const SERVICE: &str = "/v1/Services/{service}";
const ENVIRONMENT: &str = "/v1/Services/{service}/Environments/{environment}";
const FUNCTION: &str = "/v1/Services/{service}/Functions/{function}";
const ASSET: &str = "/v1/Services/{service}/Assets/{asset}";

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
        .route(
            &format!("{SERVICE}/Functions"),
            get(list_functions).post(create_function),
        )
        .route(
            &format!("{SERVICE}/Functions/{{sid}}"),
            get(fetch_function)
                .post(update_function)
                .delete(delete_function),
        )
        .route(
            &format!("{FUNCTION}/Versions"),
            get(list_function_versions)
                .post(create_function_version)
                .layer(upload_limit),
        )
        .route(
            &format!("{FUNCTION}/Versions/{{sid}}"),
            get(fetch_function_version),
        )
        .route(
            &format!("{FUNCTION}/Versions/{{sid}}/Content"),
            get(fetch_function_version_content),
        )
        .route(
            &format!("{SERVICE}/Assets"),
            get(list_assets).post(create_asset),
        )
        .route(
            &format!("{SERVICE}/Assets/{{sid}}"),
            get(fetch_asset).post(update_asset).delete(delete_asset),
        )
        .route(
            &format!("{ASSET}/Versions"),
            get(list_asset_versions)
                .post(create_asset_version)
                .layer(upload_limit),
        )
        .route(
            &format!("{ASSET}/Versions/{{sid}}"),
            get(fetch_asset_version),
        )
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
        .layer(from_fn_with_state(emulator.clone(), require_credentials))
        .layer(TraceLayer::new_for_http())
        // Live URLs are told apart by their Host and need no credentials, as on Twilio.
        .layer(from_fn_with_state(emulator.clone(), live::dispatch))
        .with_state(emulator)
}
