//! HTTP Basic authentication with the account's SID and auth token, or one of its API keys, and
//! the front-door checks Twilio makes before any resource is looked at.

use crate::Emulator;
use crate::config::Config;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The account a request was authenticated for, put into the request's extensions.
#[derive(Debug, Clone)]
pub struct Account(pub String);

pub async fn require_credentials(
    State(emulator): State<Emulator>,
    mut request: Request,
    next: Next,
) -> Response {
    match authenticate(emulator.config(), request.headers()) {
        Some(account_sid) => {
            request.extensions_mut().insert(Account(account_sid));
            next.run(request).await
        }
        None => ApiError::Unauthorized.into_response(),
    }
}

/// Twilio's edge refuses a GET that carries a body before routing it.
pub async fn refuse_get_with_body(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let has_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim() != "0");
    if request.method() == Method::GET
        && (has_length || headers.contains_key(header::TRANSFER_ENCODING))
    {
        return ApiError::Forbidden("A GET request must not have a body".into()).into_response();
    }
    next.run(request).await
}

fn authenticate(config: &Config, headers: &HeaderMap) -> Option<String> {
    let (username, password) = basic_credentials(headers)?;
    let credentials = &config.credentials;
    let account = username == credentials.account_sid && password == credentials.auth_token;
    let api_key = config
        .api_keys
        .iter()
        .any(|key| key.sid == username && key.secret == password);
    (account || api_key).then(|| credentials.account_sid.clone())
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_owned(), password.to_owned()))
}
