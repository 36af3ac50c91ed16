//! What each environment serves of a function or asset: "live in dev: ZN…7da798 (v3); prod:
//! ZN…2b9a11 (v2)", on its page and in the Functions and Assets lists, so the function side says
//! what is live without a trip through the environments.

use crate::api::ClientError;
use crate::api::code::{Kind, Version};
use crate::flows::live::live_builds;
use switchboard_models::Build;

/// Each environment that serves a build (by unique name, in the API's order) with the version
/// SIDs of `kind` its live build holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Serving(Vec<(String, Vec<String>)>);

impl Serving {
    /// The environments whose live build holds one of `mine` (version SIDs), in the API's order.
    pub fn holding(&self, mine: &[String]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, held)| held.iter().any(|sid| mine.contains(sid)))
            .map(|(environment, _)| environment.clone())
            .collect()
    }
}

/// The function or asset page's reading of what is live, for what changes it (a deploy of one
/// version) to read again.
#[derive(Clone, Copy)]
pub struct LiveNow(pub leptos::prelude::LocalResource<Result<Serving, ClientError>>);

/// Reads the environments and each live build once, however many environments serve it.
pub async fn serving(service: &str, kind: Kind) -> Result<Serving, ClientError> {
    let (environments, held) = live_builds(service).await?;
    Ok(Serving(
        environments
            .iter()
            .filter_map(|e| {
                let build = e.build_sid.as_deref()?;
                let build = held.iter().find(|b| b.sid == build)?;
                Some((e.unique_name.clone(), versions_of(build, kind)))
            })
            .collect(),
    ))
}

fn versions_of(build: &Build, kind: Kind) -> Vec<String> {
    let held = match kind {
        Kind::Function => &build.function_versions,
        Kind::Asset => &build.asset_versions,
    };
    held.iter().map(|v| v.sid().to_owned()).collect()
}

/// A SID short enough for a table cell, still telling versions apart: "ZN…7da798".
pub fn short_sid(sid: &str) -> String {
    match (sid.get(..2), sid.get(sid.len().saturating_sub(6)..)) {
        (Some(head), Some(tail)) if sid.len() > 10 => format!("{head}…{tail}"),
        _ => sid.to_owned(),
    }
}

/// Which of `versions` (one function's or asset's, newest first) each environment serves, as
/// "dev: ZN…7da798 (v3); prod: ZN…2b9a11 (v2)", numbered from the oldest (v1); `None` when no
/// environment serves any of them.
pub fn live_words(serving: &Serving, versions: &[Version]) -> Option<String> {
    let said: Vec<String> = serving
        .0
        .iter()
        .filter_map(|(environment, held)| {
            let at = versions.iter().position(|v| held.contains(&v.sid))?;
            Some(format!(
                "{environment}: {} (v{})",
                short_sid(&versions[at].sid),
                versions.len() - at
            ))
        })
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

#[cfg(test)]
mod tests {
    use super::{Kind, Serving, Version, live_words, short_sid, versions_of};
    use switchboard_models::{Build, BuildVersion};

    /// (Moved from the delete prompt, which reads what is live through `serving` now.)
    #[test]
    fn a_build_holds_the_versions_of_one_kind() {
        let build = Build {
            function_versions: vec![BuildVersion::Sid("ZN1".into())],
            asset_versions: vec![BuildVersion::Sid("ZN2".into())],
            ..Build::default()
        };
        assert_eq!(versions_of(&build, Kind::Function), ["ZN1"]);
        assert_eq!(versions_of(&build, Kind::Asset), ["ZN2"]);
    }

    #[test]
    fn each_environment_names_its_version_and_number() {
        let versions: Vec<Version> = ["ZN00000000000000000000000000333333", "ZN2", "ZN1"]
            .iter()
            .map(|sid| Version {
                sid: sid.to_string(),
                ..Version::default()
            })
            .collect();
        let serving = Serving(vec![
            (
                "dev".into(),
                vec!["ZNother".into(), versions[0].sid.clone()],
            ),
            ("stage".into(), vec!["ZNother".into()]),
            ("prod".into(), vec!["ZN2".into()]),
        ]);
        assert_eq!(
            live_words(&serving, &versions).as_deref(),
            Some("dev: ZN…333333 (v3); prod: ZN2 (v2)")
        );
        assert_eq!(live_words(&Serving::default(), &versions), None);
        let mine = |sids: &[&str]| sids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(serving.holding(&mine(&["ZN0", "ZN2"])), ["prod"]);
        assert_eq!(serving.holding(&mine(&["ZNother"])), ["dev", "stage"]);
        assert!(serving.holding(&[]).is_empty());
        assert_eq!(short_sid("ZB0123456789abcdef0123456789abcdef"), "ZB…abcdef");
    }
}
