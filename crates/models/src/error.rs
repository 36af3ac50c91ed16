//! Twilio's error body, shared by every Twilio REST API.

use serde::{Deserialize, Serialize};

/// `{code, message, more_info, status}`, plus the `detail` some errors (401, 429) carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (Twilio error {code}, HTTP {status})")]
pub struct TwilioError {
    pub code: u32,
    pub message: String,
    pub more_info: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl TwilioError {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        TwilioError {
            code,
            message: message.into(),
            more_info: more_info_url(code),
            status,
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The documentation page Twilio links from every error.
pub fn more_info_url(code: u32) -> String {
    format!("https://www.twilio.com/docs/errors/{code}")
}
