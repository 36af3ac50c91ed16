use super::{ClientError, get_json};
use leptos::prelude::*;
use serde::Deserialize;

/// What the relay says about itself (`/api/session`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Session {
    pub upstream: String,
    pub region: Option<String>,
    pub account: String,
    pub version: String,
    /// With the embedded emulator: `node` (deployed code runs), `simulated` or `off`.
    pub runtime: Option<String>,
    /// With the embedded emulator: `http://{domain}.localhost:<port>`, `{domain}` being an
    /// environment's `domain_name` without `.twil.io`.
    pub live_url_template: Option<String>,
}

thread_local! {
    /// The session's live URL form, once it is known; read reactively by every live link.
    static LIVE_TEMPLATE: RwSignal<Option<String>> = RwSignal::new(None);
}

pub async fn fetch() -> Result<Session, ClientError> {
    let session: Session = get_json("/api/session").await?;
    LIVE_TEMPLATE.with(|template| template.set(session.live_url_template.clone()));
    Ok(session)
}

/// Whether the console talks to the embedded emulator (known once the session is), which serves
/// what Twilio does not: local live URLs and build failure reasons.
pub fn on_emulator() -> bool {
    LIVE_TEMPLATE.with(|template| template.with(Option::is_some))
}

/// Where `path` of the environment at `domain` answers: the emulator's local live URL, or
/// Twilio's `https://{domain}{path}`. Reactive: it follows the session.
pub fn live_url(domain: &str, path: &str) -> String {
    match LIVE_TEMPLATE.with(|template| template.get()) {
        Some(template) => {
            let name = domain.strip_suffix(".twil.io").unwrap_or(domain);
            format!("{}{path}", template.replace("{domain}", name))
        }
        None => format!("https://{domain}{path}"),
    }
}
