//! The one error type of the HTTP surface, rendered as Twilio's JSON error body in one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_models::TwilioError;
use switchboard_models::validate::FieldError;

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400/20001: a parameter is missing, malformed or over a limit.
    #[error("{0}")]
    BadRequest(String),
    /// 401/20003.
    #[error("authenticate")]
    Unauthorized,
    /// 403/20403: a request Twilio's front end refuses outright (a GET with a body).
    #[error("{0}")]
    Forbidden(String),
    /// 404/20404. `path` is the requested path without `/v1`; the store leaves it empty and
    /// [`crate::context::Ctx`] fills it in, since only the request knows it.
    #[error("the requested resource {path} was not found")]
    NotFound { path: String },
    /// 405/20004.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409/20409: a duplicate, or a change that conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 429/20429.
    #[error("{0}")]
    TooManyRequests(String),
    /// 500/20500: details are logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::Conflict(message.into())
    }

    /// A resource the store could not find; the request path is added by the caller.
    pub fn not_found() -> ApiError {
        ApiError::NotFound {
            path: String::new(),
        }
    }

    fn body(&self) -> TwilioError {
        match self {
            ApiError::BadRequest(message) => TwilioError::new(400, 20001, message.clone()),
            ApiError::Unauthorized => TwilioError::new(401, 20003, "Authenticate")
                .with_detail("Your AccountSid or AuthToken was incorrect."),
            ApiError::Forbidden(message) => TwilioError::new(403, 20403, message.clone()),
            ApiError::NotFound { path } => TwilioError::new(
                404,
                20404,
                format!("The requested resource {path} was not found"),
            ),
            ApiError::MethodNotAllowed => TwilioError::new(405, 20004, "Method not allowed"),
            ApiError::Conflict(message) => TwilioError::new(409, 20409, message.clone()),
            ApiError::TooManyRequests(detail) => {
                TwilioError::new(429, 20429, "Too many requests").with_detail(detail.clone())
            }
            ApiError::Internal(_) => TwilioError::new(500, 20500, "Internal Server Error"),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> ApiError {
        ApiError::BadRequest(error.message)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> ApiError {
        ApiError::Internal(error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let body = self.body();
        let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}
