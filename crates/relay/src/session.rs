//! `/api/session` and `/api/health`: what the console shows in its header, and a liveness probe.

use crate::state::AppState;
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
    /// With the embedded emulator: `node` (deployed code runs), `simulated` (node or npm is
    /// missing) or `off` (a shared console); `null` otherwise.
    pub runtime: Option<&'static str>,
    /// With the embedded emulator: `http://{domain}.localhost:<port>`, where `{domain}` is an
    /// environment's `domain_name` without `.twil.io`; `null` otherwise (Live URLs are then
    /// `https://<domain_name>/<path>`).
    pub live_url_template: Option<String>,
    /// Whether `/api/invoke` can call protected Functions: signing needs the auth token, which
    /// the relay has with auth-token credentials and the emulator's, not with an API key.
    pub signs_protected: bool,
    /// Why it cannot, in words for the Test panel; `null` when it can.
    pub unsigned_reason: Option<&'static str>,
}

/// What the embedded emulator tells the console about running code.
#[derive(Debug, Clone)]
pub struct EmulatorRuntime {
    pub execution: &'static str,
    pub live_url_template: String,
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
        runtime: state.config.emulator_runtime.as_ref().map(|r| r.execution),
        live_url_template: state
            .config
            .emulator_runtime
            .as_ref()
            .map(|r| r.live_url_template.clone()),
        signs_protected: state.invoker.auth_token.is_some(),
        unsigned_reason: state
            .invoker
            .auth_token
            .is_none()
            .then_some(crate::invoke::CANNOT_SIGN),
    })
}

pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
