//! What the console and the relay agree on besides Twilio's API: the headers the console sends,
//! and how the relay marks the refusals it makes itself (as opposed to Twilio's answers, which it
//! passes through).

use crate::TwilioError;
use serde::{Deserialize, Serialize};

/// The header the console sends its token in (kept out of `Authorization`, which is Twilio's).
/// Header names are case-insensitive; they are written in lowercase, as HTTP/2 sends them.
pub const TOKEN_HEADER: &str = "x-switchboard-token";
/// The header every state-changing call must carry. A cross-site form cannot set a custom
/// header, and a cross-site script cannot without passing CORS.
pub const CSRF_HEADER: &str = "x-switchboard-csrf";

/// The `detail` of every refusal the relay makes itself, for a person reading the body.
pub const REFUSAL_DETAIL: &str = "switchboard relay";
/// The code of the relay's refusal for a missing or wrong console token.
pub const TOKEN_REQUIRED: u32 = 401;

/// The body of a refusal the relay makes itself. Its code is its HTTP status: three digits, which
/// no Twilio error code has (Twilio's have five), so a client tells the two apart by number
/// without reading any text. Twilio documents no such code, so there is no `more_info` link.
pub fn refusal(status: u16, message: impl Into<String>) -> TwilioError {
    TwilioError {
        code: u32::from(status),
        message: message.into(),
        more_info: String::new(),
        status,
        detail: Some(REFUSAL_DETAIL.to_owned()),
    }
}

/// Whether `error` is one of the relay's own refusals rather than an answer from Twilio.
pub fn is_refusal(error: &TwilioError) -> bool {
    error.code == u32::from(error.status) && error.code < 1000
}

/// Whether `error` is the relay asking for its console token. Twilio's own 401 (20003, wrong
/// account credentials) is not: the console has no way to fix that one.
pub fn is_token_required(error: &TwilioError) -> bool {
    is_refusal(error) && error.code == TOKEN_REQUIRED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_told_apart_from_twilio_by_their_code() {
        let token = refusal(401, "this relay needs its console token");
        assert!(is_refusal(&token) && is_token_required(&token));
        let csrf = refusal(403, "cross-site request refused: origin not allowed");
        assert!(is_refusal(&csrf) && !is_token_required(&csrf));
        let twilio = TwilioError::new(401, 20003, "Authenticate");
        assert!(!is_refusal(&twilio) && !is_token_required(&twilio));
        let reworded = TwilioError {
            message: "reworded".into(),
            detail: None,
            ..token
        };
        assert!(
            is_token_required(&reworded),
            "the code decides, not the text"
        );
    }
}

/// What the console's Test panel asks the relay's `POST /api/invoke` to call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invocation {
    pub service_sid: String,
    pub environment_sid: String,
    /// The Function's or Asset's path, as the build lists it (`/hello`).
    pub path: String,
    /// `GET` (parameters in the query) or `POST` (a form, as Twilio's webhooks send, or
    /// `json`).
    pub method: String,
    #[serde(default)]
    pub params: Vec<(String, String)>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// A JSON body for a POST, in place of the form.
    #[serde(default)]
    pub json: Option<String>,
}

/// What the called Function or Asset answered, as the relay read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Invoked {
    /// The URL the relay called.
    pub url: String,
    pub status: u16,
    pub duration_ms: u64,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was longer than the relay keeps (its first megabyte) and is cut there.
    pub truncated: bool,
    /// The execution's request SID when the platform names it (the emulator does).
    pub request_sid: Option<String>,
    /// Whether the relay signed the call (protected Functions and Assets).
    pub signed: bool,
}
