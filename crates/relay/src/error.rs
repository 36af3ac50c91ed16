//! The relay's own errors, rendered in Twilio's error shape so the console shows every failure
//! the same way. Relay-only failures (timeouts, caps, tokens) are `relay::refusal`s: their code
//! is their HTTP status, which the console matches on, and they carry no `more_info` link.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use switchboard_models::{TwilioError, relay};

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("The requested resource {0} was not found")]
    NotAllowed(String),
    #[error("uploads must declare their Content-Length")]
    LengthRequired,
    #[error("upload of {size} bytes is over the {limit} byte limit")]
    TooLarge { size: u64, limit: u64 },
    #[error("a GET or DELETE request may not carry a body")]
    BodyNotAllowed,
    #[error("the upstream did not answer in time")]
    Timeout,
    #[error("the upstream could not be reached")]
    Unreachable,
    #[error("the upstream call failed")]
    Upstream,
    #[error("this relay needs its console token")]
    TokenRequired,
    #[error("cross-site request refused: {0}")]
    CrossSite(&'static str),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A request the relay will not make for the caller (the Test panel's invocations).
    #[error("{0}")]
    Refused(String),
    #[error("TLS to the upstream failed: {0}")]
    Tls(String),
    #[error(
        "this relay answers only to loopback names (localhost, 127.0.0.1); give it a --token to serve other names"
    )]
    ForeignHost,
}

impl RelayError {
    pub fn status(&self) -> StatusCode {
        match self {
            RelayError::NotAllowed(_) => StatusCode::NOT_FOUND,
            RelayError::LengthRequired => StatusCode::LENGTH_REQUIRED,
            RelayError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::BodyNotAllowed => StatusCode::FORBIDDEN,
            RelayError::Timeout => StatusCode::GATEWAY_TIMEOUT,
            RelayError::Unreachable | RelayError::Upstream | RelayError::Tls(_) => {
                StatusCode::BAD_GATEWAY
            }
            RelayError::BadRequest(_) | RelayError::Refused(_) => StatusCode::BAD_REQUEST,
            RelayError::TokenRequired => StatusCode::UNAUTHORIZED,
            RelayError::CrossSite(_) | RelayError::ForeignHost => StatusCode::FORBIDDEN,
        }
    }

    pub fn body(&self) -> TwilioError {
        let status = self.status().as_u16();
        match self {
            // An unknown path looks exactly like Twilio's own unknown path.
            RelayError::NotAllowed(_) => TwilioError::new(status, 20404, self.to_string()),
            _ => relay::refusal(status, self.to_string()),
        }
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if matches!(self, RelayError::TokenRequired) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"switchboard\""),
            );
        }
        response
    }
}
