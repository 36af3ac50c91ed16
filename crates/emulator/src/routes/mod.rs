//! One module per Twilio resource; handlers are named verb_noun after Twilio's operations, or
//! verb::<Kind> where Functions and Assets share one (see `code.rs`).

pub mod builds;
pub mod code;
pub mod deployments;
pub mod environments;
pub mod invoke;
pub mod logs;
pub mod runtime;
pub mod services;
pub mod variables;
pub mod versions;

mod upload;

pub use upload::BODY_LIMIT as UPLOAD_BODY_LIMIT;

use crate::context::{Ctx, not_found_at};
use crate::error::ApiError;
use axum::http::Uri;

/// Any path outside the Serverless v1 tree: Twilio's JSON 404.
pub async fn unknown_path(uri: Uri) -> ApiError {
    not_found_at(uri.path())
}

/// A known path with a method Twilio does not offer on it.
pub async fn method_not_allowed(_ctx: Ctx) -> ApiError {
    ApiError::MethodNotAllowed
}
