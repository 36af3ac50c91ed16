//! The Test panel's calls: `POST /api/invoke`, which calls a deployed function through the
//! relay (signed when it is protected), and what `/api/session` says about signing.

use super::client::{error_from, relay_headers};
use super::{ClientError, get_json};
use gloo_net::http::{Method, RequestBuilder};
use serde::Deserialize;
pub use switchboard_models::relay::{Invocation, Invoked};

/// Whether the relay can sign calls of protected functions, and why not.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Signing {
    /// A relay that does not say is let try: its refusal then says why.
    #[serde(default = "yes")]
    pub signs_protected: bool,
    #[serde(default)]
    pub unsigned_reason: Option<String>,
}

fn yes() -> bool {
    true
}

pub async fn signing() -> Result<Signing, ClientError> {
    get_json("/api/session").await
}

/// Sends `invocation`. A JSON body is what the relay reads here, unlike the form bodies of every
/// other write, so the request is built here rather than by widening `client::send`, which the
/// first page carries.
pub async fn invoke(invocation: &Invocation) -> Result<Invoked, ClientError> {
    let network = |e: gloo_net::Error| ClientError::Network(e.to_string());
    let body = serde_json::to_string(invocation).map_err(|e| ClientError::Decode {
        status: 0,
        error: e.to_string(),
    })?;
    let request = relay_headers()
        .into_iter()
        .fold(
            RequestBuilder::new(&crate::config::api_url("/api/invoke")).method(Method::POST),
            |builder, (name, value)| builder.header(name, &value),
        )
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    let status = response.status();
    let text = response.text().await.map_err(network)?;
    if !response.ok() {
        return Err(error_from(status, &text));
    }
    serde_json::from_str(&text).map_err(|error| ClientError::Decode {
        status,
        error: error.to_string(),
    })
}
