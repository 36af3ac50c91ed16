//! Builds: a deployable set of function and asset versions, dependencies and a runtime.

use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::{Build, BuildStatusResource};

/// What the composer sends to CreateBuild, encoded as the emulator decodes it.
pub use switchboard_models::requests::NewBuild;

fn base(service: &str) -> String {
    format!("{SERVERLESS}/Services/{service}/Builds")
}

/// Builds, newest first (the API lists them in creation order).
pub async fn list(service: &str) -> Result<Vec<Build>, ClientError> {
    let mut builds: Vec<Build> = list_all(&base(service)).await?;
    builds.reverse();
    Ok(builds)
}

pub async fn fetch(service: &str, sid: &str) -> Result<Build, ClientError> {
    get_json(&format!("{}/{sid}", base(service))).await
}

pub async fn create(service: &str, build: &NewBuild) -> Result<Build, ClientError> {
    post_form(&base(service), &build.encode()).await
}

pub async fn remove(service: &str, sid: &str) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", base(service))).await
}

/// The thin Build Status projection, polled while a build is `building`.
pub async fn status(service: &str, sid: &str) -> Result<BuildStatusResource, ClientError> {
    get_json(&format!("{}/{sid}/Status", base(service))).await
}

/// What the emulator adds about a build (`/__emulator/builds/…`, docs/EMULATOR.md).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Outcome {
    /// npm's reason, when the build failed for real.
    pub failure: Option<String>,
    pub node_version: Option<String>,
}

pub async fn outcome(service: &str, sid: &str) -> Result<Outcome, ClientError> {
    get_json(&format!(
        "/api/serverless/__emulator/builds/{service}/{sid}"
    ))
    .await
}
