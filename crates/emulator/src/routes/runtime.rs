//! Emulator-only endpoints about running code, outside Twilio's resources (whose bodies stay
//! exactly Twilio's):
//! - `GET /__emulator/runtime`: whether code runs here, on which Node, and the live URL form;
//! - `GET /__emulator/builds/{ServiceSid}/{BuildSid}`: a build's outcome, with npm's reason
//!   when it failed and the Node version it ran on.

use crate::Emulator;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::live;
use axum::Json;
use axum::extract::Path;
use serde::Serialize;

#[derive(Serialize)]
pub struct RuntimeInfo {
    /// `node`, `simulated` or `off`.
    execution: &'static str,
    node_version: Option<String>,
    /// `http://{domain}.localhost:<port>`; `{domain}` is a `domain_name` without `.twil.io`.
    live_url_template: String,
}

pub async fn fetch_runtime(ctx: Ctx) -> Json<RuntimeInfo> {
    let emulator = ctx.emulator();
    let port = ctx
        .base
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or(80);
    Json(RuntimeInfo {
        execution: emulator.execution().as_str(),
        node_version: emulator.runtime().node_version().map(str::to_owned),
        live_url_template: Emulator::live_url_template(port),
    })
}

#[derive(Serialize)]
pub struct BuildOutcome {
    sid: String,
    status: String,
    runtime: String,
    /// npm's reason, trimmed (or the version rule's, for a simulated build), when the build
    /// failed; `null` otherwise.
    failure: Option<String>,
    /// The Node version (`v20.…`) npm ran on; `null` for a simulated build.
    node_version: Option<String>,
}

pub async fn fetch_build_outcome(
    ctx: Ctx,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<BuildOutcome>> {
    let outcome = ctx
        .db(move |db, account| live::outcome(db, account, &service, &sid))
        .await?;
    Ok(Json(BuildOutcome {
        sid: outcome.sid,
        status: outcome.status,
        runtime: outcome.runtime,
        failure: outcome.failure,
        node_version: outcome.node_version,
    }))
}
