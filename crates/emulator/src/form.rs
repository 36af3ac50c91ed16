//! Twilio's request parameters: form-urlencoded bodies and query strings, PascalCase keys, arrays
//! as repeated keys. Unknown keys are kept but never looked at, so clients' extras are ignored.

use crate::error::{ApiError, ApiResult};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use switchboard_models::validate;

#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    fn parse(bytes: &[u8]) -> Params {
        Params(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The first value sent for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value sent for `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    pub fn boolean(&self, name: &'static str) -> ApiResult<Option<bool>> {
        Ok(validate::boolean(name, self.get(name))?)
    }
}

/// A form-urlencoded request body.
pub struct Form(pub Params);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Form, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        Ok(Form(Params::parse(&bytes)))
    }
}

/// The query string.
pub struct Query(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Query, ApiError> {
        Ok(Query(Params::parse(
            parts.uri.query().unwrap_or_default().as_bytes(),
        )))
    }
}
