//! Every route of the emulator in one place: the `serverless.twilio.com` paths, the upload host's
//! multipart version creation (a POST on the version list's path), and `/__emulator/`.

use crate::Emulator;
use crate::auth::{refuse_get_with_body, require_credentials};
use crate::routes::services::*;
use crate::routes::{method_not_allowed, unknown_path};
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::trace::TraceLayer;

pub fn router(emulator: Emulator) -> Router {
    Router::new()
        .route("/v1/Services", get(list_services).post(create_service))
        .route(
            "/v1/Services/{sid}",
            get(fetch_service)
                .post(update_service)
                .delete(delete_service),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(refuse_get_with_body))
        .layer(from_fn_with_state(emulator.clone(), require_credentials))
        .layer(TraceLayer::new_for_http())
        .with_state(emulator)
}
