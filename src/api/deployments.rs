//! Deployments: which build an environment serves. There is no status and no delete; a new
//! deployment supersedes the live one.

use super::client::SERVERLESS;
use super::{ClientError, list_all, post_form};
use switchboard_models::Deployment;
use switchboard_models::requests::NewDeployment;

fn base(service: &str, environment: &str) -> String {
    format!("{SERVERLESS}/Services/{service}/Environments/{environment}/Deployments")
}

/// An environment's deployments, newest first (the API lists them in creation order).
pub async fn list(service: &str, environment: &str) -> Result<Vec<Deployment>, ClientError> {
    let mut deployments: Vec<Deployment> = list_all(&base(service, environment)).await?;
    deployments.reverse();
    Ok(deployments)
}

/// Deploys `build` to `environment`; Twilio answers 409/20409 when it is already live there.
pub async fn create(
    service: &str,
    environment: &str,
    build: &str,
) -> Result<Deployment, ClientError> {
    serve(service, environment, Some(build)).await
}

/// Makes `environment` serve `build`, or nothing: `None` is a deployment without a build, which
/// the API allows (the way back from a first deploy or promote, when nothing was live before).
pub async fn serve(
    service: &str,
    environment: &str,
    build: Option<&str>,
) -> Result<Deployment, ClientError> {
    let new = NewDeployment {
        build_sid: build.map(str::to_owned),
        is_plugin: false,
    };
    post_form(&base(service, environment), &new.encode()).await
}
