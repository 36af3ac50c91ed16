//! Functions and Assets: two resources of one shape, told apart by their collection name.

use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::{Function, FunctionVersion, FunctionVersionContent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    Asset,
}

impl Kind {
    /// The collection name in API paths and console URLs' last segment.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Function => "Functions",
            Kind::Asset => "Assets",
        }
    }

    /// The console's own URL segment.
    pub fn route(self) -> &'static str {
        match self {
            Kind::Function => "functions",
            Kind::Asset => "assets",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Asset => "asset",
        }
    }
}

/// A version of either kind: Asset Versions lack only `links`, and name their parent
/// `asset_sid`, which the shared fields below do not need.
pub type Version = FunctionVersion;

fn base(service: &str, kind: Kind) -> String {
    format!("{SERVERLESS}/Services/{service}/{}", kind.collection())
}

pub async fn list(service: &str, kind: Kind) -> Result<Vec<Function>, ClientError> {
    list_all(&base(service, kind)).await
}

pub async fn fetch(service: &str, kind: Kind, sid: &str) -> Result<Function, ClientError> {
    get_json(&format!("{}/{sid}", base(service, kind))).await
}

pub async fn create(
    service: &str,
    kind: Kind,
    friendly_name: &str,
) -> Result<Function, ClientError> {
    post_form(
        &base(service, kind),
        &[("FriendlyName", friendly_name.to_owned())],
    )
    .await
}

pub async fn rename(
    service: &str,
    kind: Kind,
    sid: &str,
    friendly_name: &str,
) -> Result<Function, ClientError> {
    post_form(
        &format!("{}/{sid}", base(service, kind)),
        &[("FriendlyName", friendly_name.to_owned())],
    )
    .await
}

pub async fn remove(service: &str, kind: Kind, sid: &str) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", base(service, kind))).await
}

/// Versions, newest first. The API lists them in creation order; dates have only second
/// precision, so the order is reversed rather than sorted by date.
pub async fn versions(service: &str, kind: Kind, sid: &str) -> Result<Vec<Version>, ClientError> {
    let mut versions: Vec<Version> =
        list_all(&format!("{}/{sid}/Versions", base(service, kind))).await?;
    versions.reverse();
    Ok(versions)
}

pub async fn content(service: &str, function: &str, version: &str) -> Result<String, ClientError> {
    let url = format!(
        "{}/{function}/Versions/{version}/Content",
        base(service, Kind::Function)
    );
    get_json::<FunctionVersionContent>(&url)
        .await
        .map(|c| c.content)
}

/// Where a new version is uploaded (the relay sends it to the upload host).
pub fn upload_url(service: &str, kind: Kind, sid: &str) -> String {
    format!(
        "/api/upload/v1/Services/{service}/{}/{sid}/Versions",
        kind.collection()
    )
}
