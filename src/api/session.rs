use super::{ClientError, get_json};
use serde::Deserialize;

/// What the relay says about itself (`/api/session`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Session {
    pub upstream: String,
    pub region: Option<String>,
    pub account: String,
    pub version: String,
}

pub async fn fetch() -> Result<Session, ClientError> {
    get_json("/api/session").await
}
