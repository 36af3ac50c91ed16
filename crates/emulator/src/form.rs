//! Twilio's request parameters: form-urlencoded bodies and query strings, PascalCase keys, arrays
//! as repeated keys. Unknown keys are kept but never looked at, so clients' extras are ignored.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
pub use switchboard_models::requests::Params;

fn parse(bytes: &[u8]) -> Params {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// A form-urlencoded request body.
pub struct Form(pub Params);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Form, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        Ok(Form(parse(&bytes)))
    }
}

/// The query string.
pub struct Query(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Query, ApiError> {
        Ok(Query(parse(
            parts.uri.query().unwrap_or_default().as_bytes(),
        )))
    }
}
