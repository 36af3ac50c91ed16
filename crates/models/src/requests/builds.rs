//! CreateBuild.

use super::{FormPairs, Params};
use crate::validate::{FieldError, FieldResult};
use crate::{BUILDABLE_RUNTIMES, DEFAULT_RUNTIME, Dependency, RUNTIMES, dependencies};

/// A build to create: versions, dependencies and a runtime.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewBuild {
    pub function_versions: Vec<String>,
    pub asset_versions: Vec<String>,
    pub dependencies: Vec<Dependency>,
    /// Empty leaves the choice to the API, which takes [`DEFAULT_RUNTIME`].
    pub runtime: String,
}

impl NewBuild {
    /// Version lists repeat their key, `Dependencies` is a JSON string, and empty lists are left
    /// out, as the serverless toolkit does.
    pub fn encode(&self) -> FormPairs {
        let mut fields: FormPairs = Vec::new();
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

    /// Reads `Dependencies` in any of the encodings clients send ([`dependencies::parse`]) and
    /// checks the runtime; whether the versions exist is the store's business.
    pub fn decode(params: &Params) -> FieldResult<NewBuild> {
        let dependencies = dependencies::parse(params.get("Dependencies").unwrap_or_default())
            .map_err(|error| FieldError {
                field: "Dependencies",
                message: error.to_string(),
            })?;
        let runtime = params
            .get("Runtime")
            .filter(|runtime| !runtime.is_empty())
            .unwrap_or(DEFAULT_RUNTIME);
        if !RUNTIMES.contains(&runtime) {
            return Err(runtime_error(format!(
                "Runtime must be one of {}",
                RUNTIMES.join(", ")
            )));
        }
        if !BUILDABLE_RUNTIMES.contains(&runtime) {
            return Err(runtime_error(format!(
                "Runtime {runtime} is no longer supported for new Builds: use one of {}",
                BUILDABLE_RUNTIMES.join(", ")
            )));
        }
        Ok(NewBuild {
            function_versions: params.all("FunctionVersions"),
            asset_versions: params.all("AssetVersions"),
            dependencies,
            runtime: runtime.to_owned(),
        })
    }
}

fn runtime_error(message: String) -> FieldError {
    FieldError {
        field: "Runtime",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lodash() -> Vec<Dependency> {
        vec![Dependency {
            name: "lodash".into(),
            version: "4.17.21".into(),
        }]
    }

    #[test]
    fn lists_repeat_their_key_and_dependencies_are_json() {
        let build = NewBuild {
            function_versions: vec!["ZN1".into(), "ZN2".into()],
            asset_versions: vec!["ZN3".into()],
            dependencies: lodash(),
            runtime: "node22".into(),
        };
        assert_eq!(
            build.encode(),
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
        let decoded = NewBuild::decode(&build.encode().into_iter().collect()).unwrap();
        assert_eq!(decoded, build);
    }

    #[test]
    fn empty_lists_are_left_out_and_the_runtime_defaults() {
        let build = NewBuild {
            asset_versions: vec!["ZN3".into()],
            ..NewBuild::default()
        };
        assert_eq!(build.encode(), vec![("AssetVersions", "ZN3".to_owned())]);
        let decoded = NewBuild::decode(&build.encode().into_iter().collect()).unwrap();
        assert_eq!(decoded.runtime, DEFAULT_RUNTIME);
        assert!(decoded.dependencies.is_empty());
    }

    #[test]
    fn the_toolkits_quoted_dependencies_decode() {
        let params = [(
            "Dependencies",
            r#""[{"name":"lodash","version":"4.17.21"}]""#,
        )]
        .into_iter()
        .collect();
        assert_eq!(NewBuild::decode(&params).unwrap().dependencies, lodash());
    }

    #[test]
    fn bad_input_is_refused_in_the_apis_words() {
        let decode = |key: &str, value: &str| {
            NewBuild::decode(&[(key, value)].into_iter().collect()).unwrap_err()
        };
        let error = decode("Dependencies", "lodash@4");
        assert_eq!(error.field, "Dependencies");
        assert!(
            error
                .message
                .starts_with("Dependencies must be a JSON array")
        );
        assert_eq!(
            decode("Runtime", "node99").message,
            format!("Runtime must be one of {}", RUNTIMES.join(", "))
        );
        assert!(
            decode("Runtime", "node18")
                .message
                .starts_with("Runtime node18 is no longer supported for new Builds")
        );
    }
}
