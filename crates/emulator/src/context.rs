//! What every handler needs from its request: the base URL absolute URLs are built from, the
//! authenticated account, and the path a 404 names.

use crate::Emulator;
use crate::auth::Account;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use rusqlite::Connection;

pub struct Ctx {
    /// `http://{Host}`: clients follow returned URLs, so they must point back at this server.
    pub base: String,
    pub account_sid: String,
    /// The request path, `/v1/...`.
    pub path: String,
    emulator: Emulator,
}

impl Ctx {
    /// Runs `work` in one store transaction with the account SID, naming the request path in a 404.
    pub async fn db<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &str) -> ApiResult<T> + Send + 'static,
    {
        let account_sid = self.account_sid.clone();
        let result = self
            .emulator
            .store()
            .call(move |db| work(db, &account_sid))
            .await;
        result.map_err(|error| match error {
            ApiError::NotFound { .. } => not_found_at(&self.path),
            other => other,
        })
    }

    /// Runs `work` as [`Ctx::db`] does and answers with the resource it read or wrote, its URLs
    /// made absolute by `locate`.
    pub async fn answer<T, W, F>(
        &self,
        locate: impl FnOnce(T, &str) -> W,
        work: F,
    ) -> ApiResult<Json<W>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &str) -> ApiResult<T> + Send + 'static,
    {
        let resource = self.db(work).await?;
        Ok(Json(locate(resource, &self.base)))
    }

    /// The URL of this request's path with `query` appended.
    pub fn url_with_query(&self, query: &str) -> String {
        format!("{}{}?{query}", self.base, self.path)
    }

    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }
}

/// A create operation's answer: 201 with the new resource.
pub fn created<T>(resource: Json<T>) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, resource)
}

/// Twilio's 404 quotes the path without its `/v1` version prefix.
pub fn not_found_at(path: &str) -> ApiError {
    ApiError::NotFound {
        path: path.strip_prefix("/v1").unwrap_or(path).to_owned(),
    }
}

impl FromRequestParts<Emulator> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, emulator: &Emulator) -> Result<Ctx, ApiError> {
        let Some(Account(account_sid)) = parts.extensions.get::<Account>().cloned() else {
            return Err(ApiError::Unauthorized);
        };
        Ok(Ctx {
            base: base_url(parts),
            account_sid,
            path: parts.uri.path().to_owned(),
            emulator: emulator.clone(),
        })
    }
}

fn base_url(parts: &Parts) -> String {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))
        // A Host that is not a plain host[:port] must not be echoed into URLs.
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}
