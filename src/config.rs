//! The deployment's settings, from an optional `config.json` beside index.html, so that one
//! build serves many places without rebuilding (docs/hosting/README.md). index.html's first
//! script fetches and checks the file while the wasm downloads, and leaves a promise of it in
//! `window.switchboardConfig`; without the file the console is as it always was: its API at
//! `/api` on its own origin, and named Switchboard.

use std::sync::OnceLock;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Default)]
struct Config {
    /// Where the relay's `/api` is: `https://relay.example.com/api`, or a path on this origin.
    api_base_url: Option<String>,
    /// This deployment's name, beside the product's in the header and in tab titles.
    display_name: Option<String>,
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// Waits for the settings before the console starts; `false` when config.json is wrong and
/// index.html already said so in the page.
pub async fn load() -> bool {
    let promise = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("switchboardConfig")).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let config = match promise {
        Some(promise) => match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(config) => {
                let field = |name: &str| {
                    js_sys::Reflect::get(&config, &JsValue::from_str(name))
                        .ok()
                        .and_then(|v| v.as_string())
                };
                Config {
                    api_base_url: field("apiBaseUrl")
                        .map(|url| url.trim_end_matches('/').to_owned()),
                    display_name: field("displayName"),
                }
            }
            Err(_) => return false,
        },
        // An index.html of its own, without the script: no settings.
        None => Config::default(),
    };
    let _ = CONFIG.set(config);
    true
}

/// The URL of a relay path (`/api/...`): under the configured API base, or as it is.
pub fn api_url(path: &str) -> String {
    match CONFIG.get().and_then(|c| c.api_base_url.as_deref()) {
        Some(base) => format!("{base}{}", path.strip_prefix("/api").unwrap_or(path)),
        None => path.to_owned(),
    }
}

/// The deployment's name, when config.json gives one.
pub fn display_name() -> Option<&'static str> {
    CONFIG.get().and_then(|c| c.display_name.as_deref())
}
