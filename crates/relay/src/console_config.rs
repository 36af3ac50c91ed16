//! The console's `config.json`, which the relay writes from its own flags (`--public-api-url`,
//! `--display-name`) when it serves `dist/`: one build of the console then serves many
//! deployments. Without those flags the relay serves whatever config.json `dist/` holds, if any.

use crate::state::{AppState, RelayConfig};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The file's text, in the console's format (`src/config.rs`); `None` when no flag sets
/// anything.
pub fn render(config: &RelayConfig) -> Option<String> {
    if config.public_api_url.is_none() && config.display_name.is_none() {
        return None;
    }
    let mut file = serde_json::Map::new();
    if let Some(url) = &config.public_api_url {
        file.insert("apiBaseUrl".into(), url.clone().into());
    }
    if let Some(name) = &config.display_name {
        file.insert("displayName".into(), name.clone().into());
    }
    Some(serde_json::Value::Object(file).to_string())
}

/// `GET /config.json`. Revalidated on every load, like index.html: a restart with other flags
/// must reach open consoles at their next reload.
pub async fn serve(State(state): State<AppState>) -> Response {
    let body = state.console_config.clone().unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}
