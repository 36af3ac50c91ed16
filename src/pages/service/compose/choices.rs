//! What the composer picks from: every function and asset with its versions, and the
//! version picked for each.

use crate::api::ClientError;
use crate::api::code::{self, Kind, Version};
use futures::StreamExt;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::{Build, BuildVersion};

/// A function or asset with its versions, newest first.
#[derive(Clone)]
pub(super) struct Choice {
    pub kind: Kind,
    pub sid: String,
    pub name: String,
    pub versions: Vec<Version>,
}

/// The version picked for each function or asset, by its SID: `None` leaves it out of the build,
/// and one not in the map gets its latest version.
pub(super) type Picks = RwSignal<HashMap<String, Option<String>>>;

pub(super) fn picked(picks: &HashMap<String, Option<String>>, choice: &Choice) -> Option<String> {
    match picks.get(&choice.sid) {
        Some(pick) => pick.clone(),
        None => choice.versions.first().map(|v| v.sid.clone()),
    }
}

/// Two picked versions with the same path, which the environment could serve only one of:
/// the path and the two functions' or assets' names. Functions and assets share the domain's
/// paths, so they are checked together.
pub(super) fn shared_path(
    listed: &[Choice],
    picks: &HashMap<String, Option<String>>,
) -> Option<(String, String, String)> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for choice in listed {
        let Some(sid) = picked(picks, choice) else {
            continue;
        };
        let Some(version) = choice.versions.iter().find(|v| v.sid == sid) else {
            continue;
        };
        if let Some(first) = seen.insert(&version.path, &choice.name) {
            return Some((version.path.clone(), first.to_owned(), choice.name.clone()));
        }
    }
    None
}

/// The paths (or, for a bare SID, the SIDs) of what `build` holds that `listed` no longer has.
pub(super) fn deleted_since(build: &Build, listed: &[Choice]) -> Vec<String> {
    let exists = |version: &BuildVersion| {
        listed
            .iter()
            .any(|c| c.versions.iter().any(|v| v.sid == version.sid()))
    };
    build
        .function_versions
        .iter()
        .chain(&build.asset_versions)
        .filter(|version| !exists(version))
        .map(|version| match version {
            BuildVersion::Object(object) if !object.path.is_empty() => object.path.clone(),
            other => other.sid().to_owned(),
        })
        .collect()
}

pub(super) async fn load_choices(service: String) -> Result<Vec<Choice>, ClientError> {
    let mut choices = Vec::new();
    for kind in [Kind::Function, Kind::Asset] {
        let items = code::list(&service, kind).await?;
        // A few at a time: a service with hundreds of functions must not set off a 429 storm.
        let versions: Vec<_> = futures::stream::iter(
            items
                .iter()
                .map(|item| code::versions(&service, kind, &item.sid)),
        )
        .buffered(8)
        .collect()
        .await;
        for (item, versions) in items.into_iter().zip(versions) {
            choices.push(Choice {
                kind,
                sid: item.sid,
                name: item.friendly_name,
                versions: versions?,
            });
        }
    }
    Ok(choices)
}

#[cfg(test)]
mod tests {
    use super::{Choice, HashMap, Kind, Version, shared_path};

    #[test]
    fn what_the_starting_build_held_and_is_gone_is_named_by_path() {
        use switchboard_models::{Build, BuildVersion, BuildVersionObject};
        let kept = Choice {
            kind: Kind::Function,
            sid: "ZH1".into(),
            name: "hello".into(),
            versions: vec![Version {
                sid: "ZN1".into(),
                ..Version::default()
            }],
        };
        let build = Build {
            function_versions: vec![
                BuildVersion::Sid("ZN1".into()),
                BuildVersion::Object(BuildVersionObject {
                    sid: "ZN2".into(),
                    path: "/secret".into(),
                    ..BuildVersionObject::default()
                }),
            ],
            asset_versions: vec![BuildVersion::Sid("ZN3".into())],
            ..Build::default()
        };
        assert_eq!(super::deleted_since(&build, &[kept]), ["/secret", "ZN3"]);
    }

    #[test]
    fn two_picked_versions_at_one_path_are_found_across_functions_and_assets() {
        let choice = |kind, sid: &str, name: &str, versions: &[(&str, &str)]| Choice {
            kind,
            sid: sid.into(),
            name: name.into(),
            versions: versions
                .iter()
                .map(|(sid, path)| Version {
                    sid: sid.to_string(),
                    path: path.to_string(),
                    ..Version::default()
                })
                .collect(),
        };
        let listed = [
            choice(Kind::Function, "ZH1", "hello", &[("ZN1", "/hello")]),
            choice(
                Kind::Function,
                "ZH2",
                "secret",
                &[("ZN3", "/hello"), ("ZN2", "/secret")],
            ),
            choice(Kind::Asset, "ZH3", "page", &[("ZN4", "/index.html")]),
        ];
        // The latest of each: /hello twice.
        assert_eq!(
            shared_path(&listed, &HashMap::new()),
            Some(("/hello".into(), "hello".into(), "secret".into()))
        );
        // An older version of one, or one left out: no clash.
        let older = HashMap::from([("ZH2".to_string(), Some("ZN2".to_string()))]);
        assert_eq!(shared_path(&listed, &older), None);
        let left_out = HashMap::from([("ZH1".to_string(), None)]);
        assert_eq!(shared_path(&listed, &left_out), None);
    }
}
