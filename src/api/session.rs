use super::{ClientError, get_json};
use leptos::prelude::*;
use serde::Deserialize;

/// What the relay says about itself (`/api/session`), as far as the console reads it: each
/// field read costs the first load its bytes, so the region, edge, API key and version it also
/// says are left out until something shows them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Session {
    pub upstream: String,
    pub account: String,
    /// With the embedded emulator: `node` (deployed code runs), `simulated` or `off`.
    pub runtime: Option<String>,
    /// With the embedded emulator: `http://{domain}.localhost:<port>`, `{domain}` being an
    /// environment's `domain_name` without `.twil.io`.
    pub live_url_template: Option<String>,
    /// Why the relay cannot sign calls to protected Functions (API-key credentials); `None`
    /// when it can. Its `signs_protected` flag says the same, so only this is read.
    pub unsigned_reason: Option<String>,
}

thread_local! {
    /// The session's live URL form, once it is known; read reactively by every live link.
    static LIVE_TEMPLATE: RwSignal<Option<String>> = RwSignal::new(None);
    /// The session's `unsigned_reason`, kept for the Test panel so that it asks no second time.
    static UNSIGNED: RwSignal<Option<String>> = RwSignal::new(None);
}

/// The header's one call: what it shows, and what other parts of the console read later.
pub async fn fetch() -> Result<Session, ClientError> {
    let session: Session = get_json("/api/session").await?;
    LIVE_TEMPLATE.with(|template| template.set(session.live_url_template.clone()));
    UNSIGNED.with(|reason| reason.set(session.unsigned_reason.clone()));
    Ok(session)
}

/// Why protected Functions cannot be tested through this relay, once the header's session has
/// said (reactive). Until then, and when the relay does not say, `None`: a call is let try, and
/// the relay's refusal then says why.
pub fn unsigned_reason() -> Option<String> {
    UNSIGNED.with(|reason| reason.get())
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
