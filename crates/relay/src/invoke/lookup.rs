//! Where an environment's functions live and how each may be reached, asked of the Serverless
//! API through the relay's own allowlisted, credentialed path. An environment's live build is
//! kept for a few seconds (a deployment shows within them); a build's routes never change, so
//! they are kept by build SID.

use crate::allowlist::Host;
use crate::error::RelayError;
use crate::proxy::{Proxy, forward};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ENVIRONMENT_KEPT: Duration = Duration::from_secs(5);
/// Builds kept at once; a relay serves one account, so this is plenty.
const BUILDS_KEPT: usize = 256;
/// What the Serverless API answers for one resource is far smaller.
const ANSWER_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct Live {
    pub domain_name: String,
    pub build_sid: Option<String>,
}

/// A Function's or Asset's path in a build, and who may call it.
#[derive(Clone, Deserialize)]
pub struct Route {
    pub path: String,
    pub visibility: String,
}

#[derive(Default)]
pub struct Lookups {
    environments: Mutex<HashMap<(String, String), (Instant, Live)>>,
    builds: Mutex<HashMap<String, Vec<Route>>>,
}

#[derive(Deserialize)]
struct Environment {
    domain_name: String,
    build_sid: Option<String>,
}

/// Versions are objects with their path and visibility (a bare SID names no path, so such a
/// version cannot be called).
#[derive(Deserialize)]
struct Build {
    #[serde(default)]
    function_versions: Vec<serde_json::Value>,
    #[serde(default)]
    asset_versions: Vec<serde_json::Value>,
}

impl Lookups {
    pub async fn live(
        &self,
        proxy: &Proxy,
        service: &str,
        environment: &str,
    ) -> Result<Live, RelayError> {
        let key = (service.to_owned(), environment.to_owned());
        if let Some((at, live)) = lock(&self.environments).get(&key)
            && at.elapsed() < ENVIRONMENT_KEPT
        {
            return Ok(live.clone());
        }
        let found: Environment = get(
            proxy,
            &format!("/v1/Services/{service}/Environments/{environment}"),
        )
        .await?;
        let live = Live {
            domain_name: found.domain_name,
            build_sid: found.build_sid,
        };
        let mut kept = lock(&self.environments);
        kept.retain(|_, (at, _)| at.elapsed() < ENVIRONMENT_KEPT);
        kept.insert(key, (Instant::now(), live.clone()));
        Ok(live)
    }

    pub async fn routes(
        &self,
        proxy: &Proxy,
        service: &str,
        build: &str,
    ) -> Result<Vec<Route>, RelayError> {
        if let Some(routes) = lock(&self.builds).get(build) {
            return Ok(routes.clone());
        }
        let found: Build = get(proxy, &format!("/v1/Services/{service}/Builds/{build}")).await?;
        let routes: Vec<Route> = found
            .function_versions
            .into_iter()
            .chain(found.asset_versions)
            .filter_map(|version| serde_json::from_value::<Route>(version).ok())
            .map(|route| Route {
                visibility: route.visibility.to_ascii_lowercase(),
                ..route
            })
            .collect();
        let mut kept = lock(&self.builds);
        if kept.len() >= BUILDS_KEPT {
            kept.clear();
        }
        kept.insert(build.to_owned(), routes.clone());
        Ok(routes)
    }
}

/// A GET through the relay's own forwarding (allowlist, credentials, time limit). Twilio's 404
/// stays a 404, in Twilio's shape; any other failure is the upstream's.
async fn get<T: serde::de::DeserializeOwned>(proxy: &Proxy, path: &str) -> Result<T, RelayError> {
    let request = Request::builder()
        .method(Method::GET)
        .uri(format!("/api/serverless{path}"))
        .body(Body::empty())
        .map_err(|_| RelayError::Upstream)?;
    let response = forward(proxy, Host::Serverless, request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), ANSWER_LIMIT)
        .await
        .map_err(|_| RelayError::Upstream)?;
    if status == StatusCode::NOT_FOUND {
        return Err(RelayError::NotAllowed(
            path.trim_start_matches("/v1").to_owned(),
        ));
    }
    if !status.is_success() {
        tracing::warn!(%status, "the Serverless API refused a lookup for an invocation");
        return Err(RelayError::Upstream);
    }
    serde_json::from_slice(&bytes).map_err(|_| RelayError::Upstream)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
