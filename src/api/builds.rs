//! Builds: a deployable set of function and asset versions, dependencies and a runtime.

use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::{Build, BuildStatusResource, Dependency};

/// What the composer sends to CreateBuild.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewBuild {
    pub function_versions: Vec<String>,
    pub asset_versions: Vec<String>,
    pub dependencies: Vec<Dependency>,
    pub runtime: String,
}

impl NewBuild {
    /// Twilio's form encoding: version lists repeat their key, `Dependencies` is a JSON string,
    /// and empty lists are left out, as the serverless toolkit does.
    pub fn form(&self) -> Vec<(&'static str, String)> {
        let mut fields: Vec<(&'static str, String)> = Vec::new();
        fields.extend(
            self.function_versions
                .iter()
                .map(|sid| ("FunctionVersions", sid.clone())),
        );
        fields.extend(
            self.asset_versions
                .iter()
                .map(|sid| ("AssetVersions", sid.clone())),
        );
        if !self.dependencies.is_empty() {
            let json = serde_json::to_string(&self.dependencies).unwrap_or_else(|_| "[]".into());
            fields.push(("Dependencies", json));
        }
        if !self.runtime.is_empty() {
            fields.push(("Runtime", self.runtime.clone()));
        }
        fields
    }
}

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
    post_form(&base(service), &build.form()).await
}

pub async fn remove(service: &str, sid: &str) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", base(service))).await
}

/// The thin Build Status projection, polled while a build is `building`.
pub async fn status(service: &str, sid: &str) -> Result<BuildStatusResource, ClientError> {
    get_json(&format!("{}/{sid}/Status", base(service))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_repeat_their_key_and_dependencies_are_json() {
        let build = NewBuild {
            function_versions: vec!["ZN1".into(), "ZN2".into()],
            asset_versions: vec!["ZN3".into()],
            dependencies: vec![Dependency {
                name: "lodash".into(),
                version: "4.17.21".into(),
            }],
            runtime: "node22".into(),
        };
        assert_eq!(
            build.form(),
            vec![
                ("FunctionVersions", "ZN1".to_owned()),
                ("FunctionVersions", "ZN2".to_owned()),
                ("AssetVersions", "ZN3".to_owned()),
                (
                    "Dependencies",
                    r#"[{"name":"lodash","version":"4.17.21"}]"#.to_owned()
                ),
                ("Runtime", "node22".to_owned()),
            ]
        );
        let parsed =
            switchboard_models::dependencies::parse(&build.form()[3].1).expect("parses back");
        assert_eq!(parsed, build.dependencies);
    }

    #[test]
    fn empty_lists_are_left_out() {
        let build = NewBuild {
            asset_versions: vec!["ZN3".into()],
            ..NewBuild::default()
        };
        assert_eq!(build.form(), vec![("AssetVersions", "ZN3".to_owned())]);
    }
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
