//! Where a function can be tested: each environment whose live build holds a version of it, at
//! that version's path and visibility.

use crate::api::ClientError;
use switchboard_models::{Build, BuildVersion, Environment};

/// One environment where the function is live.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub environment_sid: String,
    pub environment_name: String,
    pub domain_name: String,
    pub path: String,
    /// `public`, `protected` or `private`, lowercase.
    pub visibility: String,
}

impl Target {
    pub fn protected(&self) -> bool {
        self.visibility == "protected"
    }
}

/// Where `function` is live, each live build read once.
pub async fn targets(service: &str, function: &str) -> Result<Vec<Target>, ClientError> {
    let (environments, held) = super::live::live_builds(service).await?;
    Ok(targets_in(function, &environments, &held))
}

/// The environments, in the API's order, whose live build (among `builds`) holds a version of
/// `function` with a path; a build that lists bare version SIDs names no path to call.
pub fn targets_in(function: &str, environments: &[Environment], builds: &[Build]) -> Vec<Target> {
    environments
        .iter()
        .filter_map(|environment| {
            let live = environment.build_sid.as_deref()?;
            let build = builds.iter().find(|build| build.sid == live)?;
            let version = build.function_versions.iter().find_map(|v| match v {
                BuildVersion::Object(o) if o.function_sid.as_deref() == Some(function) => Some(o),
                _ => None,
            })?;
            Some(Target {
                environment_sid: environment.sid.clone(),
                environment_name: environment.unique_name.clone(),
                domain_name: environment.domain_name.clone(),
                path: version.path.clone(),
                visibility: version.visibility.to_ascii_lowercase(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::targets_in;
    use switchboard_models::{Build, BuildVersion, BuildVersionObject, Environment};

    fn environment(sid: &str, name: &str, build: Option<&str>) -> Environment {
        Environment {
            sid: sid.into(),
            unique_name: name.into(),
            domain_name: format!("demo-1234-{name}.twil.io"),
            build_sid: build.map(str::to_owned),
            ..Environment::default()
        }
    }

    fn build(sid: &str, functions: &[(&str, &str, &str)]) -> Build {
        Build {
            sid: sid.into(),
            function_versions: functions
                .iter()
                .map(|(function, path, visibility)| {
                    BuildVersion::Object(BuildVersionObject {
                        function_sid: Some((*function).to_owned()),
                        path: (*path).to_owned(),
                        visibility: (*visibility).to_owned(),
                        ..BuildVersionObject::default()
                    })
                })
                .collect(),
            ..Build::default()
        }
    }

    #[test]
    fn each_environment_serving_the_function_is_a_target() {
        let environments = [
            environment("ZE1", "dev", Some("ZB1")),
            environment("ZE2", "stage", None),
            environment("ZE3", "prod", Some("ZB2")),
            environment("ZE4", "test", Some("ZB3")),
        ];
        let builds = [
            build("ZB1", &[("ZH1", "/sms/reply", "PROTECTED")]),
            build(
                "ZB2",
                &[("ZH2", "/hello", "PUBLIC"), ("ZH1", "/sms/old", "PUBLIC")],
            ),
            build("ZB3", &[("ZH2", "/hello", "PUBLIC")]),
        ];
        let found = targets_in("ZH1", &environments, &builds);
        let seen: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|t| {
                (
                    t.environment_name.as_str(),
                    t.path.as_str(),
                    t.visibility.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("dev", "/sms/reply", "protected"),
                ("prod", "/sms/old", "public")
            ]
        );
        assert!(found[0].protected());
        assert_eq!(found[0].domain_name, "demo-1234-dev.twil.io");
        assert!(targets_in("ZH9", &environments, &builds).is_empty());
    }
}
