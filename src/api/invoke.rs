//! The Test panel's call: `POST /api/invoke`, which calls a deployed function through the
//! relay (signed when it is protected). Whether the relay can sign at all is the session's
//! (`session::unsigned_reason`), which the header already asked for.

use super::ClientError;
use super::client::{error_from, relay_headers};
use gloo_net::http::{Method, RequestBuilder};
pub use switchboard_models::relay::{Invocation, Invoked};

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
