//! `/api/session` and `/api/health`: what the console shows in its header, and a liveness probe.

use crate::app::AppState;
use crate::upstream::UpstreamKind;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Session {
    /// `emulator`, `twilio` or `custom`.
    pub upstream: &'static str,
    pub region: Option<String>,
    pub edge: Option<String>,
    /// The account SID with all but its prefix and last four digits hidden.
    pub account: String,
    /// The API key's SID, masked the same way, when the relay signs in with one rather than the
    /// account's auth token.
    pub api_key: Option<String>,
    pub version: &'static str,
}

pub async fn session(State(state): State<AppState>) -> Json<Session> {
    let upstream = &state.upstream;
    let (name, region, edge) = match &upstream.kind {
        UpstreamKind::Emulator => ("emulator", None, None),
        UpstreamKind::Twilio { region, edge } => ("twilio", region.clone(), edge.clone()),
        UpstreamKind::Custom => ("custom", None, None),
    };
    Json(Session {
        upstream: name,
        region,
        edge,
        account: switchboard_models::sid::mask(&upstream.auth.account_sid),
        api_key: (upstream.auth.username != upstream.auth.account_sid)
            .then(|| switchboard_models::sid::mask(&upstream.auth.username)),
        version: env!("CARGO_PKG_VERSION"),
    })
}

pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
