//! What an environment serves now, read for a project deploy's plan and export: the
//! environment, its live build with every function's content, and its variables. And what every
//! environment of a service serves, for a function's page and its Test panel.

use super::pending::asset_hash;
use crate::api::{ClientError, builds, code, environments};
use crate::project::plan::LiveVersion;
use futures::StreamExt;
use std::collections::HashMap;
use switchboard_models::naming::CodeKind;
use switchboard_models::{
    Build, BuildVersion, BuildVersionObject, Environment, Variable, Visibility,
};

#[derive(Debug, Clone, Default)]
pub struct Live {
    pub environment: Environment,
    pub build: Option<Build>,
    pub versions: Vec<LiveVersion>,
    /// Function contents by version SID.
    pub contents: HashMap<String, String>,
    pub variables: Vec<Variable>,
}

/// A service's environments, and each live build once, however many environments serve it.
pub async fn live_builds(service: &str) -> Result<(Vec<Environment>, Vec<Build>), ClientError> {
    let environments = environments::list(service).await?;
    let mut live: Vec<&str> = environments
        .iter()
        .filter_map(|e| e.build_sid.as_deref())
        .collect();
    live.sort_unstable();
    live.dedup();
    let mut held = Vec::new();
    for sid in live {
        held.push(builds::fetch(service, sid).await?);
    }
    Ok((environments, held))
}

/// Loads the environment, its live build with every function's content, and its variables.
pub async fn live(service: &str, environment: &str) -> Result<Live, ClientError> {
    let environment = environments::fetch(service, environment).await?;
    let variables = environments::list_variables(service, &environment.sid).await?;
    let build = match &environment.build_sid {
        Some(sid) => Some(builds::fetch(service, sid).await?),
        None => None,
    };
    let (functions, assets) = build
        .as_ref()
        .map(|b| (objects(&b.function_versions), objects(&b.asset_versions)))
        .unwrap_or_default();
    // A few at a time, so a large live build does not set off Twilio's rate limit.
    let fetched: Vec<_> = futures::stream::iter(functions.iter().map(|f| {
        code::content(
            service,
            f.function_sid.as_deref().unwrap_or_default(),
            &f.sid,
        )
    }))
    .buffered(8)
    .collect()
    .await;
    let contents = fetched.into_iter().collect::<Result<Vec<_>, _>>()?;
    let versions = versions(&functions, &contents, &assets, asset_hash);
    let contents = functions
        .iter()
        .map(|f| f.sid.clone())
        .zip(contents)
        .collect();
    Ok(Live {
        environment,
        build,
        versions,
        contents,
        variables,
    })
}

fn objects(list: &[BuildVersion]) -> Vec<BuildVersionObject> {
    list.iter()
        .filter_map(|v| match v {
            BuildVersion::Object(o) => Some(o.clone()),
            BuildVersion::Sid(_) => None,
        })
        .collect()
}

/// The live build's versions as the plan compares them: a function by the hash of its content,
/// an asset by the hash recorded when the console uploaded it (Twilio does not say).
fn versions(
    functions: &[BuildVersionObject],
    contents: &[String],
    assets: &[BuildVersionObject],
    hash_of_asset: impl Fn(&str) -> Option<String>,
) -> Vec<LiveVersion> {
    let functions = functions
        .iter()
        .zip(contents)
        .map(|(version, content)| LiveVersion {
            kind: CodeKind::Function,
            path: version.path.clone(),
            visibility: visibility(&version.visibility),
            sid: version.sid.clone(),
            hash: Some(crate::project::hash::sha256_hex(content.as_bytes())),
        });
    let assets = assets.iter().map(|a| LiveVersion {
        kind: CodeKind::Asset,
        path: a.path.clone(),
        visibility: visibility(&a.visibility),
        sid: a.sid.clone(),
        hash: hash_of_asset(&a.sid),
    });
    functions.chain(assets).collect()
}

fn visibility(wire: &str) -> Visibility {
    Visibility::parse(&wire.to_ascii_lowercase()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::hash::sha256_hex;

    fn object(sid: &str, path: &str, visibility: &str) -> BuildVersionObject {
        BuildVersionObject {
            sid: sid.into(),
            path: path.into(),
            visibility: visibility.into(),
            ..BuildVersionObject::default()
        }
    }

    #[test]
    fn functions_compare_by_their_content_and_assets_by_the_hash_recorded_at_upload() {
        let functions = [
            object("ZN1", "/hello", "public"),
            object("ZN2", "/admin", "PROTECTED"),
        ];
        let contents = ["exports.handler = 1;".to_owned(), "secret".to_owned()];
        let assets = [
            object("ZN8", "/logo.png", "Public"),
            object("ZN9", "/old.css", "private"),
        ];
        let recorded = |sid: &str| (sid == "ZN8").then(|| "feed".to_owned());
        let versions = versions(&functions, &contents, &assets, recorded);
        let summary: Vec<_> = versions
            .iter()
            .map(|v| (v.kind, v.path.as_str(), v.visibility, v.hash.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    CodeKind::Function,
                    "/hello",
                    Visibility::Public,
                    Some(sha256_hex(b"exports.handler = 1;"))
                ),
                (
                    CodeKind::Function,
                    "/admin",
                    Visibility::Protected,
                    Some(sha256_hex(b"secret"))
                ),
                (
                    CodeKind::Asset,
                    "/logo.png",
                    Visibility::Public,
                    Some("feed".to_owned())
                ),
                // Uploaded elsewhere (the CLI): not known, so the plan uploads it again.
                (CodeKind::Asset, "/old.css", Visibility::Private, None),
            ]
        );
    }

    #[test]
    fn a_build_listed_by_sid_only_has_no_versions_to_compare() {
        let list = [
            BuildVersion::Sid("ZN1".into()),
            BuildVersion::Object(object("ZN2", "/a", "public")),
        ];
        assert_eq!(objects(&list).len(), 1);
    }
}
