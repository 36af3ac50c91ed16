//! What the relay is configured with, and what every request can reach.

use crate::csp;
use crate::proxy::Proxy;
use crate::upstream::Upstream;
use axum::http::HeaderValue;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub dist: PathBuf,
    /// The console token; `None` only on loopback or behind an authenticating proxy.
    pub token: Option<String>,
    /// Other origins allowed to call `/api` (consoles hosted elsewhere), by CORS.
    pub allow_origin: Vec<String>,
    /// The origins allowed to frame the console (an admin portal); none when empty.
    pub frame_ancestors: Vec<String>,
    /// Where the console calls `/api`, for the config.json the relay serves: a relay on another
    /// origin, or a path on this one. `None`: the console's default, `/api` here.
    pub public_api_url: Option<String>,
    /// The deployment's name in the console's header and tab titles (config.json).
    pub display_name: Option<String>,
    pub upstream_timeout: Duration,
    /// An authenticating proxy in front guards `/api` (`--trust-proxy-auth`), so requests may
    /// name any host even without a token.
    pub trust_proxy_auth: bool,
    /// Extra CA certificates (PEM) trusted for HTTPS upstreams, beside the system's and
    /// webpki's roots.
    pub ca_file: Option<PathBuf>,
    /// Whether the embedded emulator runs code, and its live URLs, for `/api/session`.
    pub emulator_runtime: Option<crate::session::EmulatorRuntime>,
}

impl RelayConfig {
    pub fn new(dist: impl Into<PathBuf>) -> RelayConfig {
        RelayConfig {
            dist: dist.into(),
            token: None,
            allow_origin: Vec::new(),
            frame_ancestors: Vec::new(),
            public_api_url: None,
            display_name: None,
            upstream_timeout: Duration::from_secs(30),
            trust_proxy_auth: false,
            ca_file: None,
            emulator_runtime: None,
        }
    }
}

/// What every request can reach, behind one `Arc` so the per-request clones made by the
/// middleware are a single reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: RelayConfig,
    pub upstream: Upstream,
    pub proxy: Proxy,
    /// The Content-Security-Policy from index.html at start-up, for every response but pages,
    /// which get the one of the index.html they are (`static_files::page_csp`).
    pub csp: HeaderValue,
    /// What the relay's flags add to every page's policy.
    pub deployment: Arc<csp::Deployment>,
    /// The console's config.json, when the flags give it anything to say.
    pub console_config: Option<String>,
    /// The Test panel's calls of deployed functions (`/api/invoke`).
    pub invoker: crate::invoke::Invoker,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(config: RelayConfig, upstream: Upstream) -> anyhow::Result<AppState> {
        // Whatever builds a relay (the binary, the browser tests, the bench), an empty or short
        // token would let an empty or guessed header in.
        if let Some(token) = &config.token {
            crate::policy::check_token(token)?;
        }
        for origin in &config.allow_origin {
            crate::policy::check_allow_origin(origin)?;
        }
        for origin in &config.frame_ancestors {
            crate::policy::check_frame_ancestor(origin)?;
        }
        let api_origin = match &config.public_api_url {
            Some(url) => crate::policy::check_public_api_url(url)?,
            None => None,
        };
        if let Some(name) = &config.display_name {
            crate::policy::check_display_name(name)?;
        }
        let deployment = Arc::new(csp::Deployment {
            api_origin,
            frame_ancestors: config.frame_ancestors.clone(),
        });
        let console_config = crate::console_config::render(&config);
        let index = std::fs::read_to_string(config.dist.join("index.html")).unwrap_or_default();
        let csp = csp::content_security_policy(&csp::inline_script_hashes(&index), &deployment);
        let proxy = Proxy::new(
            &upstream,
            config.upstream_timeout,
            config.ca_file.as_deref(),
        )?;
        // API keys (SK…) cannot sign: Twilio signs with the account's auth token.
        let auth_token = (upstream.auth.username == upstream.auth.account_sid)
            .then(|| upstream.auth.password.clone());
        let invoker = crate::invoke::Invoker::new(config.ca_file.clone(), auth_token);
        Ok(AppState(Arc::new(Shared {
            config,
            upstream,
            proxy,
            csp: HeaderValue::from_str(&csp)?,
            deployment,
            console_config,
            invoker,
        })))
    }
}
