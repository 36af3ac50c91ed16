use super::ClientError;
use futures::future::LocalBoxFuture;
use gloo_net::http::{Method, RequestBuilder};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use switchboard_models::relay::{self, CSRF_HEADER, TOKEN_HEADER};
use switchboard_models::{Page, TwilioError};

/// The relay's prefix for the Serverless host.
pub const SERVERLESS: &str = "/api/serverless/v1";

const TOKEN_KEY: &str = "switchboard-token";

/// The console token for this tab, if the user gave one.
pub fn token() -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(TOKEN_KEY)
        .ok()?
}

pub fn set_token(token: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(TOKEN_KEY, token);
    }
}

/// The headers every call carries: the CSRF marker the relay requires on writes, and the console
/// token when the user gave one.
pub fn relay_headers() -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("Accept", "application/json".to_owned()),
        (CSRF_HEADER, "1".to_owned()),
    ];
    if let Some(token) = token() {
        headers.push((TOKEN_HEADER, token));
    }
    headers
}

/// The one place a request is sent. It is boxed and not generic on purpose: every typed call
/// shares this code instead of inlining its own copy of the HTTP stack into each async state
/// machine, which is most of what made the wasm large.
fn send(
    method: Method,
    url: &str,
    form: Option<String>,
) -> LocalBoxFuture<'static, Result<(u16, String), ClientError>> {
    let builder = relay_headers().into_iter().fold(
        RequestBuilder::new(&crate::config::api_url(url)).method(method),
        |builder, (name, value)| builder.header(name, &value),
    );
    let request = match form {
        Some(body) => builder
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body),
        None => builder.build(),
    };
    Box::pin(async move {
        let network = |e: gloo_net::Error| ClientError::Network(e.to_string());
        let response = request.map_err(network)?.send().await.map_err(network)?;
        let status = response.status();
        if !response.ok() {
            let text = response.text().await.unwrap_or_default();
            return Err(error_from(status, &text));
        }
        Ok((status, response.text().await.map_err(network)?))
    })
}

/// Maps a failed answer to the error the user sees.
pub fn error_from(status: u16, text: &str) -> ClientError {
    match parse(text).and_then(TwilioError::deserialize) {
        Ok(error) if relay::is_token_required(&error) => ClientError::TokenRequired,
        Ok(error) => ClientError::Api(error),
        Err(error) => ClientError::Decode {
            status,
            error: format!("{error}: {}", truncate(text)),
        },
    }
}

fn truncate(text: &str) -> &str {
    let end = text.char_indices().nth(200).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Every answer is read as a JSON value first, then into its type: each type's deserializer is
/// then compiled once, over `Value` (which lists need anyway, `models::Page`), rather than once
/// more over the text: about 30 KB of the first load's wasm (docs/PERFORMANCE.md).
pub fn parse(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str(text)
}

fn decode<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, ClientError> {
    parse(&text)
        .and_then(T::deserialize)
        .map_err(|error| ClientError::Decode {
            status,
            error: error.to_string(),
        })
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ClientError> {
    decode(send(Method::GET, url, None).await?)
}

/// POSTs Twilio's form encoding: PascalCase keys, repeated keys for lists.
pub async fn post_form<T: DeserializeOwned>(
    url: &str,
    fields: &[(&str, String)],
) -> Result<T, ClientError> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    decode(send(Method::POST, url, Some(body)).await?)
}

/// A resource that is not there any more (deleted from another tab or the CLI meanwhile) is
/// what a delete asked for: its 404 counts as done, so the page moves on instead of leaving the
/// user on a dead resource with an error.
pub async fn delete(url: &str) -> Result<(), ClientError> {
    match send(Method::DELETE, url, None).await {
        Ok(_) => Ok(()),
        Err(ClientError::Api(error)) if error.status == 404 => Ok(()),
        Err(error) => Err(error),
    }
}

/// Fetches every page of a list by following the API's page tokens on the relay's own paths
/// (never the absolute URLs Twilio returns, which point at Twilio's hosts).
pub async fn list_all<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ClientError> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{separator}PageSize=1000");
    let mut items = Vec::new();
    loop {
        let page: Page<T> = get_json(&url).await?;
        items.extend(page.items);
        match (page.meta.next_page_token(), page.meta.next_page_index()) {
            (Some(token), Some(index)) => {
                let token: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
                url = format!("{path}{separator}PageSize=1000&Page={index}&PageToken={token}");
            }
            _ => return Ok(items),
        }
    }
}
