//! The composer's own check of a build before it is sent: what the form says, in the order the
//! user would fix it. The counts are the rule the emulator applies too
//! (`switchboard_models::build_rules`).

use super::choices::{Choice, picked, shared_path};
use crate::api::builds::NewBuild;
use crate::api::code::Kind;
use std::collections::HashMap;
use switchboard_models::build_rules::{self, Refused};
use switchboard_models::dependencies::{self, collect_dependencies};
use switchboard_models::{Visibility, npm_version};

/// Why npm would fail to install a dependency row (the build would then fail), if it would.
pub(super) fn install_problem(name: &str, version: &str) -> Option<&'static str> {
    let (name, version) = (name.trim(), version.trim());
    if !name.is_empty() && !dependencies::is_valid_name(name) {
        Some(
            "npm has no package by such a name, so the build would fail. Package names are letters, digits and - . _ ~, or @scope/name.",
        )
    } else if !npm_version::is_valid_spec(version) {
        Some(
            "npm cannot install this version, so the build would fail. Use a version or range such as 4.17.21 or ^4.17.0.",
        )
    } else {
        None
    }
}

/// What the form holds when Create build is pressed.
pub(super) struct Form<'a> {
    pub listed: &'a [Choice],
    pub picks: &'a HashMap<String, Option<String>>,
    /// The dependency rows, as typed.
    pub rows: &'a [(String, String)],
    pub runtime: String,
}

/// Checks the form. `accepted` holds the dependencies npm would fail on that the user was
/// told about: they are sent only when Create build is pressed again with the same ones
/// (Twilio would take the build and fail it a minute later, but a version tag or package this
/// check does not know must not be refused outright). It is updated here.
pub(super) fn check(
    form: Form<'_>,
    accepted: &mut Vec<(String, String)>,
) -> Result<NewBuild, String> {
    if let Some((path, first, second)) = shared_path(form.listed, form.picks) {
        return Err(format!(
            "{first} and {second} are both at {path}, and the environment can serve only one: leave one out, or upload one at another path."
        ));
    }
    // A half-filled row is said first: "needs a name" is the fix, not npm's failure.
    let dependencies = collect_dependencies(form.rows)?;
    let problems: Vec<(String, String)> = form
        .rows
        .iter()
        .filter(|(name, version)| install_problem(name, version).is_some())
        .map(|(name, version)| (name.trim().to_owned(), version.trim().to_owned()))
        .collect();
    if problems.is_empty() {
        // Fixed: the same problem brought back later is asked about again.
        accepted.clear();
    } else if *accepted != problems {
        let named: Vec<String> = problems
            .iter()
            .map(|(name, version)| format!("{name}@{version}"))
            .collect();
        *accepted = problems;
        return Err(format!(
            "npm would fail to install {}, and the build with it. Fix the dependency, or press Create build again to create the build anyway.",
            named.join(", ")
        ));
    }
    let picked_of = |kind: Kind| -> Vec<(String, Visibility)> {
        form.listed
            .iter()
            .filter(|c| c.kind == kind)
            .filter_map(|c| {
                let sid = picked(form.picks, c)?;
                let visibility = c
                    .versions
                    .iter()
                    .find(|v| v.sid == sid)
                    .map(|v| v.visibility)
                    .unwrap_or_default();
                Some((sid, visibility))
            })
            .collect()
    };
    let (functions, assets) = (picked_of(Kind::Function), picked_of(Kind::Asset));
    let visibilities: Vec<Visibility> = assets.iter().map(|(_, v)| *v).collect();
    build_rules::check_counts(functions.len(), &visibilities).map_err(|refused| match refused {
        Refused::Empty => "pick at least one function or asset version".to_owned(),
        Refused::TooMany { limit, what } => {
            format!("a build holds at most {limit} {}", what.to_lowercase())
        }
    })?;
    Ok(NewBuild {
        function_versions: functions.into_iter().map(|(sid, _)| sid).collect(),
        asset_versions: assets.into_iter().map(|(sid, _)| sid).collect(),
        dependencies,
        runtime: form.runtime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::code::Version;
    use switchboard_models::limits;

    fn choice(kind: Kind, sid: &str, path: &str, visibility: Visibility) -> Choice {
        Choice {
            kind,
            sid: sid.into(),
            name: path.trim_start_matches('/').into(),
            versions: vec![Version {
                sid: format!("{sid}-v1"),
                path: path.into(),
                visibility,
                ..Version::default()
            }],
        }
    }

    fn row(name: &str, version: &str) -> (String, String) {
        (name.into(), version.into())
    }

    fn form<'a>(
        listed: &'a [Choice],
        picks: &'a HashMap<String, Option<String>>,
        rows: &'a [(String, String)],
    ) -> Form<'a> {
        Form {
            listed,
            picks,
            rows,
            runtime: "node22".into(),
        }
    }

    #[test]
    fn a_good_form_becomes_the_build_with_the_latest_versions_picked() {
        let listed = [
            choice(Kind::Function, "ZH1", "/hello", Visibility::Public),
            choice(Kind::Asset, "ZH2", "/logo.png", Visibility::Private),
            choice(Kind::Function, "ZH3", "/left-out", Visibility::Public),
        ];
        let picks = HashMap::from([("ZH3".to_owned(), None)]);
        let rows = [row(" lodash", "4.17.21 "), row("", "")];
        let build = check(form(&listed, &picks, &rows), &mut Vec::new()).unwrap();
        assert_eq!(build.function_versions, ["ZH1-v1"]);
        assert_eq!(build.asset_versions, ["ZH2-v1"]);
        assert_eq!(build.dependencies[0].name, "lodash");
        assert_eq!(build.runtime, "node22");
    }

    #[test]
    fn nothing_picked_and_too_many_versions_are_refused_in_the_forms_words() {
        let listed = [choice(Kind::Function, "ZH1", "/hello", Visibility::Public)];
        let none = HashMap::from([("ZH1".to_owned(), None)]);
        assert_eq!(
            check(form(&listed, &none, &[]), &mut Vec::new()),
            Err("pick at least one function or asset version".into())
        );
        // One private asset more than a build holds: refused here, not by Twilio after.
        let private: Vec<Choice> = (0..=limits::PRIVATE_ASSET_VERSIONS_PER_BUILD)
            .map(|i| {
                choice(
                    Kind::Asset,
                    &format!("ZH{i}"),
                    &format!("/a{i}"),
                    Visibility::Private,
                )
            })
            .collect();
        assert_eq!(
            check(form(&private, &HashMap::new(), &[]), &mut Vec::new()),
            Err("a build holds at most 50 private asset versions".into())
        );
        let functions: Vec<Choice> = (0..=limits::FUNCTION_VERSIONS_PER_BUILD)
            .map(|i| {
                choice(
                    Kind::Function,
                    &format!("ZH{i}"),
                    &format!("/f{i}"),
                    Visibility::Public,
                )
            })
            .collect();
        assert_eq!(
            check(form(&functions, &HashMap::new(), &[]), &mut Vec::new()),
            Err("a build holds at most 50 function versions".into())
        );
    }

    #[test]
    fn a_path_clash_comes_before_the_rows_and_a_half_row_before_npm() {
        let listed = [
            choice(Kind::Function, "ZH1", "/hello", Visibility::Public),
            choice(Kind::Asset, "ZH2", "/hello", Visibility::Public),
        ];
        let rows = [row("x", "")];
        let clash = check(form(&listed, &HashMap::new(), &rows), &mut Vec::new()).unwrap_err();
        assert!(
            clash.starts_with("hello and hello are both at /hello"),
            "{clash}"
        );
        let one = &listed[..1];
        let rows = [row("x", ""), row("bad name!", "1.0.0")];
        assert_eq!(
            check(form(one, &HashMap::new(), &rows), &mut Vec::new()),
            Err("dependency x needs a version".into())
        );
    }

    #[test]
    fn a_dependency_npm_would_fail_on_is_sent_only_when_asked_again_with_the_same_ones() {
        let listed = [choice(Kind::Function, "ZH1", "/hello", Visibility::Public)];
        let picks = HashMap::new();
        let bad = [row("x", "not-a-version")];
        let mut accepted = Vec::new();
        assert_eq!(
            check(form(&listed, &picks, &bad), &mut accepted),
            Err("npm would fail to install x@not-a-version, and the build with it. Fix the dependency, or press Create build again to create the build anyway.".into())
        );
        // Pressed again, unchanged: sent.
        assert!(check(form(&listed, &picks, &bad), &mut accepted).is_ok());
        // Another bad one is asked about anew.
        let other = [row("y", "nope")];
        assert!(check(form(&listed, &picks, &other), &mut accepted).is_err());
        // Fixed, then brought back: asked again.
        assert!(check(form(&listed, &picks, &[row("y", "1.0.0")]), &mut accepted).is_ok());
        assert!(accepted.is_empty());
        assert!(check(form(&listed, &picks, &other), &mut accepted).is_err());
    }
}
