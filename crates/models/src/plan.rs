//! What a change would do, item by item: the shape every plan and comparison in the console
//! shares (a project deploy's, a `.env` import's, two builds' comparison), so that each says
//! "new", "changed", "unchanged" and "removed" by the same rules.

use crate::{Dependency, Variable};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
    Unchanged,
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
            Change::Removed => "removed",
        }
    }
}

/// One variable of the plan. Values are secrets, so the table shows keys only.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableRow {
    pub key: String,
    pub change: Change,
    /// The live variable's SID, for updates and removals.
    pub sid: Option<String>,
    /// The value from `.env`, for creates and updates.
    pub value: Option<String>,
}

/// The variables of a file (`local`; a key given twice keeps its last value) against an
/// environment's (`live`), by key, sorted. A live variable the file lacks is `Removed`: what that
/// means is the caller's to say (a deploy deletes it only when asked to, an import keeps it).
pub fn plan_variables(local: &[(String, String)], live: &[Variable]) -> Vec<VariableRow> {
    let mut rows: BTreeMap<String, VariableRow> = BTreeMap::new();
    for (key, value) in local {
        let existing = live.iter().find(|v| v.key == *key);
        let change = match existing {
            None => Change::New,
            Some(v) if v.value == *value => Change::Unchanged,
            Some(_) => Change::Changed,
        };
        rows.insert(
            key.clone(),
            VariableRow {
                key: key.clone(),
                change,
                sid: existing.map(|v| v.sid.clone()),
                value: Some(value.clone()),
            },
        );
    }
    for v in live {
        rows.entry(v.key.clone()).or_insert_with(|| VariableRow {
            key: v.key.clone(),
            change: Change::Removed,
            sid: Some(v.sid.clone()),
            value: None,
        });
    }
    rows.into_values().collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct DependencyRow {
    pub name: String,
    pub change: Change,
    pub live: Option<String>,
    pub local: Option<String>,
}

/// Dependencies by name, sorted: what `local` changes against `live`.
pub fn plan_dependencies(local: &[Dependency], live: &[Dependency]) -> Vec<DependencyRow> {
    let version = |list: &[Dependency], name: &str| {
        list.iter()
            .find(|d| d.name == name)
            .map(|d| d.version.clone())
    };
    let mut names: Vec<&str> = local.iter().chain(live).map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let (live, local) = (version(live, name), version(local, name));
            let change = match (&live, &local) {
                (None, _) => Change::New,
                (_, None) => Change::Removed,
                (a, b) if a == b => Change::Unchanged,
                _ => Change::Changed,
            };
            DependencyRow {
                name: name.to_owned(),
                change,
                live,
                local,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_by_key() {
        let var = |sid: &str, key: &str, value: &str| Variable {
            sid: sid.into(),
            key: key.into(),
            value: value.into(),
            ..Variable::default()
        };
        let live = [
            var("ZV1", "SAME", "1"),
            var("ZV2", "EDIT", "old"),
            var("ZV3", "EXTRA", "x"),
        ];
        let local = [
            ("SAME".to_owned(), "1".to_owned()),
            ("EDIT".to_owned(), "new".to_owned()),
            ("ADD".to_owned(), "a".to_owned()),
        ];
        let rows = plan_variables(&local, &live);
        let got: Vec<(&str, Change, Option<&str>)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.change, r.sid.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ADD", Change::New, None),
                ("EDIT", Change::Changed, Some("ZV2")),
                ("EXTRA", Change::Removed, Some("ZV3")),
                ("SAME", Change::Unchanged, Some("ZV1")),
            ]
        );
    }

    #[test]
    fn dependencies_by_name() {
        let dep = |name: &str, version: &str| Dependency {
            name: name.into(),
            version: version.into(),
        };
        let rows = plan_dependencies(
            &[
                dep("twilio", "^5.0.0"),
                dep("lodash", "4.17.21"),
                dep("new", "1"),
            ],
            &[
                dep("twilio", "^4.0.0"),
                dep("lodash", "4.17.21"),
                dep("old", "1"),
            ],
        );
        let got: Vec<(&str, Change)> = rows.iter().map(|r| (r.name.as_str(), r.change)).collect();
        assert_eq!(
            got,
            vec![
                ("lodash", Change::Unchanged),
                ("new", Change::New),
                ("old", Change::Removed),
                ("twilio", Change::Changed),
            ]
        );
    }
}
