//! What differs between two builds: the functions and assets (by path), the dependencies (by
//! name) and the runtime. Shown on a build's page and before a rollback or a promote replaces
//! what an environment serves.

use crate::plan::{Change, DependencyRow, plan_dependencies};
use crate::{Build, BuildVersion};
use std::collections::BTreeMap;

/// One path of a build's functions or assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// The version's path; its SID for a build that lists SIDs only.
    pub path: String,
    pub change: Change,
    /// The version SID in the older build and in the newer one.
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildDiff {
    pub functions: Vec<CodeRow>,
    pub assets: Vec<CodeRow>,
    pub dependencies: Vec<DependencyRow>,
    /// The runtime before and after.
    pub runtime: (String, String),
}

/// What going from `old` to `new` changes. A path whose version differs is `Changed`: versions
/// are immutable, so the same SID is the same code, and another SID may be the same code
/// uploaded again (the API gives no hash to tell).
pub fn compare(old: &Build, new: &Build) -> BuildDiff {
    BuildDiff {
        functions: code_rows(&old.function_versions, &new.function_versions),
        assets: code_rows(&old.asset_versions, &new.asset_versions),
        dependencies: plan_dependencies(&new.dependencies, &old.dependencies),
        runtime: (old.runtime.clone(), new.runtime.clone()),
    }
}

fn path_of(version: &BuildVersion) -> &str {
    match version {
        BuildVersion::Object(object) if !object.path.is_empty() => &object.path,
        other => other.sid(),
    }
}

fn code_rows(old: &[BuildVersion], new: &[BuildVersion]) -> Vec<CodeRow> {
    let mut rows: BTreeMap<&str, CodeRow> = BTreeMap::new();
    for version in old {
        rows.insert(
            path_of(version),
            CodeRow {
                path: path_of(version).to_owned(),
                change: Change::Removed,
                old: Some(version.sid().to_owned()),
                new: None,
            },
        );
    }
    for version in new {
        let sid = version.sid().to_owned();
        let row = rows.entry(path_of(version)).or_insert_with(|| CodeRow {
            path: path_of(version).to_owned(),
            change: Change::New,
            old: None,
            new: None,
        });
        if row.old.is_some() {
            row.change = if row.old.as_deref() == Some(sid.as_str()) {
                Change::Unchanged
            } else {
                Change::Changed
            };
        }
        row.new = Some(sid);
    }
    rows.into_values().collect()
}

/// How many changes the summary names at most before "and N more".
const NAMED: usize = 6;

impl BuildDiff {
    /// Every change, in words ("/greet changes", "/a is added", "twilio 4.0.0 → 5.0.0",
    /// "the runtime node18 → node22"): functions, assets, dependencies, then the runtime.
    pub fn changes(&self) -> Vec<String> {
        let code = self.functions.iter().chain(&self.assets).filter_map(|row| {
            let verb = match row.change {
                Change::New => "is added",
                Change::Changed => "changes",
                Change::Removed => "is removed",
                Change::Unchanged => return None,
            };
            Some(format!("{} {verb}", row.path))
        });
        let dependencies = self.dependencies.iter().filter_map(|row| {
            let version = |v: &Option<String>| v.clone().unwrap_or_default();
            match row.change {
                Change::New => Some(format!("dependency {} is added", row.name)),
                Change::Removed => Some(format!("dependency {} is removed", row.name)),
                Change::Changed => Some(format!(
                    "{} {} → {}",
                    row.name,
                    version(&row.live),
                    version(&row.local)
                )),
                Change::Unchanged => None,
            }
        });
        let runtime = (self.runtime.0 != self.runtime.1).then(|| {
            let named = |r: &str| {
                if r.is_empty() {
                    "default".to_owned()
                } else {
                    r.to_owned()
                }
            };
            format!(
                "the runtime {} → {}",
                named(&self.runtime.0),
                named(&self.runtime.1)
            )
        });
        code.chain(dependencies).chain(runtime).collect()
    }

    /// The changes in one phrase: "/greet changes, /a is added", the first few and how many
    /// more, or that nothing differs.
    pub fn summary(&self) -> String {
        let changes = self.changes();
        match changes.len() {
            0 => "the same functions, assets, dependencies and runtime".to_owned(),
            n if n <= NAMED => changes.join(", "),
            n => format!(
                "{} and {} more changes",
                changes[..NAMED - 1].join(", "),
                n - (NAMED - 1)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildVersionObject, Dependency};

    fn version(sid: &str, path: &str) -> BuildVersion {
        BuildVersion::Object(BuildVersionObject {
            sid: sid.into(),
            path: path.into(),
            ..BuildVersionObject::default()
        })
    }

    fn dependency(name: &str, version: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: version.into(),
        }
    }

    fn build(functions: Vec<BuildVersion>, dependencies: Vec<Dependency>, runtime: &str) -> Build {
        Build {
            function_versions: functions,
            dependencies,
            runtime: runtime.into(),
            ..Build::default()
        }
    }

    #[test]
    fn paths_are_added_changed_kept_and_removed() {
        let old = build(
            vec![
                version("ZN1", "/greet"),
                version("ZN2", "/same"),
                version("ZN3", "/gone"),
            ],
            vec![dependency("twilio", "4.0.0"), dependency("lodash", "4")],
            "node18",
        );
        let mut new = build(
            vec![
                version("ZN4", "/greet"),
                version("ZN2", "/same"),
                version("ZN5", "/a"),
            ],
            vec![dependency("twilio", "5.0.0"), dependency("axios", "1")],
            "node22",
        );
        new.asset_versions = vec![version("ZN6", "/style.css")];
        let diff = compare(&old, &new);
        let rows: Vec<(&str, Change, Option<&str>, Option<&str>)> = diff
            .functions
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    r.change,
                    r.old.as_deref(),
                    r.new.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("/a", Change::New, None, Some("ZN5")),
                ("/gone", Change::Removed, Some("ZN3"), None),
                ("/greet", Change::Changed, Some("ZN1"), Some("ZN4")),
                ("/same", Change::Unchanged, Some("ZN2"), Some("ZN2")),
            ]
        );
        assert_eq!(diff.assets[0].change, Change::New);
        assert_eq!(
            diff.changes(),
            [
                "/a is added",
                "/gone is removed",
                "/greet changes",
                "/style.css is added",
                "dependency axios is added",
                "dependency lodash is removed",
                "twilio 4.0.0 → 5.0.0",
                "the runtime node18 → node22",
            ]
        );
        assert_eq!(
            diff.summary(),
            "/a is added, /gone is removed, /greet changes, /style.css is added, dependency axios is added and 3 more changes"
        );
    }

    #[test]
    fn the_same_build_changes_nothing() {
        let one = build(vec![version("ZN1", "/greet")], vec![], "node22");
        let diff = compare(&one, &one);
        assert!(diff.changes().is_empty());
        assert_eq!(
            diff.summary(),
            "the same functions, assets, dependencies and runtime"
        );
        let other = build(vec![version("ZN2", "/greet")], vec![], "node22");
        assert_eq!(compare(&one, &other).summary(), "/greet changes");
    }

    #[test]
    fn versions_given_as_sids_are_compared_by_sid() {
        let old = build(vec![BuildVersion::Sid("ZN1".into())], vec![], "");
        let new = build(
            vec![
                BuildVersion::Sid("ZN1".into()),
                BuildVersion::Sid("ZN2".into()),
            ],
            vec![],
            "",
        );
        assert_eq!(compare(&old, &new).summary(), "ZN2 is added");
    }
}
