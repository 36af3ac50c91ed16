//! Deploying one function version to an environment in one step, the way Twilio's Console
//! deploys an edit.

use super::build_wait::{Failure, wait_for_build};
use crate::api::builds::{self, NewBuild};
use crate::api::{deployments, environments};
use switchboard_models::{Build, BuildVersion};

/// The build that serves what `live` serves with `function` at `version`: its version swapped
/// in, or added when the live build lacks the function; the same assets, dependencies and
/// runtime. Without a live build, the function alone.
pub fn with_version(live: Option<&Build>, function: &str, version: &str) -> NewBuild {
    let Some(live) = live else {
        return NewBuild {
            function_versions: vec![version.to_owned()],
            ..NewBuild::default()
        };
    };
    let mut function_versions: Vec<String> = live
        .function_versions
        .iter()
        .filter(|v| !matches!(v, BuildVersion::Object(o) if o.function_sid.as_deref() == Some(function)))
        .map(|v| v.sid().to_owned())
        .collect();
    function_versions.push(version.to_owned());
    NewBuild {
        function_versions,
        asset_versions: live
            .asset_versions
            .iter()
            .map(|v| v.sid().to_owned())
            .collect(),
        dependencies: live.dependencies.clone(),
        runtime: live.runtime.clone(),
    }
}

/// Deploys one function version to an environment the way Twilio's Console deploys an edit: a
/// build of what the environment serves with that version in it ([`with_version`]), then a
/// deployment once the build completes. Answers the build's SID.
pub async fn deploy_version(
    service: &str,
    environment: &str,
    function: &str,
    version: &str,
    report: impl Fn(&'static str),
) -> Result<String, Failure> {
    report("Building");
    let live = match environments::fetch(service, environment).await?.build_sid {
        Some(sid) => Some(builds::fetch(service, &sid).await?),
        None => None,
    };
    let created = builds::create(service, &with_version(live.as_ref(), function, version)).await?;
    wait_for_build(service, &created).await?;
    report("Deploying");
    deployments::create(service, environment, &created.sid).await?;
    Ok(created.sid)
}

#[cfg(test)]
mod tests {
    use super::with_version;
    use switchboard_models::{Build, BuildVersion, BuildVersionObject, Dependency};

    fn function(sid: &str, function: &str) -> BuildVersion {
        BuildVersion::Object(BuildVersionObject {
            sid: sid.into(),
            function_sid: Some(function.into()),
            ..BuildVersionObject::default()
        })
    }

    #[test]
    fn a_version_replaces_its_function_in_what_is_live_and_keeps_the_rest() {
        let live = Build {
            function_versions: vec![function("ZN1", "ZH1"), function("ZN2", "ZH2")],
            asset_versions: vec![BuildVersion::Sid("ZN9".into())],
            dependencies: vec![Dependency {
                name: "lodash".into(),
                version: "4.17.21".into(),
            }],
            runtime: "node20".into(),
            ..Build::default()
        };
        let build = with_version(Some(&live), "ZH1", "ZN3");
        assert_eq!(build.function_versions, ["ZN2", "ZN3"]);
        assert_eq!(build.asset_versions, ["ZN9"]);
        assert_eq!(build.dependencies, live.dependencies);
        assert_eq!(build.runtime, "node20");
        // A function the live build lacks joins it.
        let added = with_version(Some(&live), "ZH7", "ZN7");
        assert_eq!(added.function_versions, ["ZN1", "ZN2", "ZN7"]);
        // Nothing live: the function alone, on Twilio's default runtime.
        let alone = with_version(None, "ZH1", "ZN3");
        assert_eq!(alone.function_versions, ["ZN3"]);
        assert!(alone.asset_versions.is_empty() && alone.runtime.is_empty());
    }
}
