//! The deploy plan: what the picked project changes against an environment's live build, and for
//! every file whether its version is reused or uploaded.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use switchboard_models::limits::max_upload_bytes;
use switchboard_models::naming::CodeKind;
use switchboard_models::{Dependency, Variable, Visibility};

/// A function or asset of the picked project.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalFile {
    pub kind: CodeKind,
    pub path: String,
    pub visibility: Visibility,
    /// SHA-256 of the bytes, hex.
    pub hash: String,
    pub size: u64,
}

/// A version in the live build. `hash` is known for functions (from their content) and for assets
/// the console uploaded itself; the API exposes neither an asset's bytes nor its size.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveVersion {
    pub kind: CodeKind,
    pub path: String,
    pub visibility: Visibility,
    pub sid: String,
    pub hash: Option<String>,
}

/// A version uploaded by a deploy that has not finished: reused when the file still hashes the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    pub sid: String,
    pub hash: String,
    pub visibility: Visibility,
}

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

/// What applying the plan does with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Put this existing version into the new build.
    Reuse(String),
    Upload,
    /// Leave it out of the new build.
    Drop,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: CodeKind,
    pub path: String,
    pub visibility: Visibility,
    pub change: Change,
    pub reason: &'static str,
    pub action: Action,
    pub size: u64,
}

/// The key of a file in the pending-deploy record and in progress maps.
pub fn key(kind: CodeKind, path: &str) -> String {
    match kind {
        CodeKind::Function => format!("function:{path}"),
        CodeKind::Asset => format!("asset:{path}"),
    }
}

/// Diffs the project's files against the live build's versions, functions first, by path.
pub fn plan_code(
    local: &[LocalFile],
    live: &[LiveVersion],
    pending: &BTreeMap<String, Uploaded>,
) -> Vec<Row> {
    let live_by_key: BTreeMap<String, &LiveVersion> =
        live.iter().map(|v| (key(v.kind, &v.path), v)).collect();
    let mut rows: Vec<Row> = local
        .iter()
        .map(|file| {
            let k = key(file.kind, &file.path);
            let uploaded = pending
                .get(&k)
                .filter(|u| u.hash == file.hash && u.visibility == file.visibility)
                .map(|u| Action::Reuse(u.sid.clone()));
            let (change, reason, action) = match live_by_key.get(&k) {
                None => (Change::New, "not in the live build", uploaded),
                Some(v) if v.visibility != file.visibility => {
                    (Change::Changed, "visibility differs", uploaded)
                }
                Some(v) => match &v.hash {
                    Some(hash) if *hash == file.hash => (
                        Change::Unchanged,
                        "same content",
                        Some(Action::Reuse(v.sid.clone())),
                    ),
                    Some(_) => (Change::Changed, "content differs", uploaded),
                    None => (
                        Change::Changed,
                        "not uploaded by this console: the API shows neither its bytes nor its size, so it is sent again",
                        uploaded,
                    ),
                },
            };
            let reason = match action {
                Some(_) if change != Change::Unchanged => {
                    "already uploaded by an unfinished deploy"
                }
                _ => reason,
            };
            Row {
                kind: file.kind,
                path: file.path.clone(),
                visibility: file.visibility,
                change,
                reason,
                action: action.unwrap_or(Action::Upload),
                size: file.size,
            }
        })
        .collect();
    let local_keys: Vec<String> = local.iter().map(|f| key(f.kind, &f.path)).collect();
    rows.extend(
        live.iter()
            .filter(|v| !local_keys.contains(&key(v.kind, &v.path)))
            .map(|v| Row {
                kind: v.kind,
                path: v.path.clone(),
                visibility: v.visibility,
                change: Change::Removed,
                reason: "not in the project: left out of the new build",
                action: Action::Drop,
                size: 0,
            }),
    );
    rows.sort_by(|a, b| {
        (a.kind == CodeKind::Asset, &a.path).cmp(&(b.kind == CodeKind::Asset, &b.path))
    });
    rows
}

/// The rows a deploy would upload that are larger than Twilio accepts for their visibility
/// (`limits::max_upload_bytes`), in plan order.
pub fn oversized(rows: &[Row]) -> Vec<&Row> {
    rows.iter()
        .filter(|r| r.action == Action::Upload && r.size > max_upload_bytes(r.visibility))
        .collect()
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
    use CodeKind::*;

    fn local(kind: CodeKind, path: &str, hash: &str) -> LocalFile {
        LocalFile {
            kind,
            path: path.into(),
            visibility: Visibility::Public,
            hash: hash.into(),
            size: 3,
        }
    }

    fn live(kind: CodeKind, path: &str, sid: &str, hash: Option<&str>) -> LiveVersion {
        LiveVersion {
            kind,
            path: path.into(),
            visibility: Visibility::Public,
            sid: sid.into(),
            hash: hash.map(Into::into),
        }
    }

    fn summary(rows: &[Row]) -> Vec<(String, Change, Action)> {
        rows.iter()
            .map(|r| (key(r.kind, &r.path), r.change, r.action.clone()))
            .collect()
    }

    #[test]
    fn new_changed_unchanged_and_removed() {
        let mut protected = local(Function, "/b", "hb");
        protected.visibility = Visibility::Protected;
        let files = [
            local(Function, "/a", "ha"),
            protected,
            local(Function, "/new", "hn"),
            local(Function, "/edited", "h2"),
            local(Asset, "/known.css", "hk"),
            local(Asset, "/unknown.css", "hu"),
        ];
        let versions = [
            live(Function, "/a", "ZNa", Some("ha")),
            live(Function, "/b", "ZNb", Some("hb")),
            live(Function, "/edited", "ZNe", Some("h1")),
            live(Function, "/gone", "ZNg", Some("hg")),
            live(Asset, "/known.css", "ZNk", Some("hk")),
            live(Asset, "/unknown.css", "ZNu", None),
        ];
        let rows = plan_code(&files, &versions, &BTreeMap::new());
        assert_eq!(
            summary(&rows),
            vec![
                (
                    "function:/a".into(),
                    Change::Unchanged,
                    Action::Reuse("ZNa".into())
                ),
                ("function:/b".into(), Change::Changed, Action::Upload),
                ("function:/edited".into(), Change::Changed, Action::Upload),
                ("function:/gone".into(), Change::Removed, Action::Drop),
                ("function:/new".into(), Change::New, Action::Upload),
                (
                    "asset:/known.css".into(),
                    Change::Unchanged,
                    Action::Reuse("ZNk".into())
                ),
                ("asset:/unknown.css".into(), Change::Changed, Action::Upload),
            ]
        );
        assert!(rows[6].reason.contains("neither its bytes nor its size"));
    }

    #[test]
    fn an_interrupted_deploy_is_continued() {
        let files = [
            local(Function, "/new", "hn"),
            local(Function, "/edited", "h3"),
        ];
        let versions = [live(Function, "/edited", "ZNe", Some("h1"))];
        let uploaded = |sid: &str, hash: &str| Uploaded {
            sid: sid.into(),
            hash: hash.into(),
            visibility: Visibility::Public,
        };
        let pending = BTreeMap::from([
            ("function:/new".to_owned(), uploaded("ZNn", "hn")),
            // Edited again since: uploaded anew.
            ("function:/edited".to_owned(), uploaded("ZNx", "h2")),
        ]);
        let rows = plan_code(&files, &versions, &pending);
        assert_eq!(
            summary(&rows),
            vec![
                ("function:/edited".into(), Change::Changed, Action::Upload),
                (
                    "function:/new".into(),
                    Change::New,
                    Action::Reuse("ZNn".into())
                ),
            ]
        );
        assert_eq!(rows[1].reason, "already uploaded by an unfinished deploy");
    }

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

    #[test]
    fn oversized_flags_only_uploads_over_their_visibility_limit() {
        let row = |path: &str, visibility, size, action| Row {
            kind: Asset,
            path: path.into(),
            visibility,
            change: Change::New,
            reason: "",
            action,
            size,
        };
        let public_max = max_upload_bytes(Visibility::Public);
        let private_max = max_upload_bytes(Visibility::Private);
        let rows = [
            row("/at-limit", Visibility::Public, public_max, Action::Upload),
            row("/big", Visibility::Public, public_max + 1, Action::Upload),
            row(
                "/private",
                Visibility::Private,
                private_max + 1,
                Action::Upload,
            ),
            row(
                "/reused",
                Visibility::Public,
                public_max + 1,
                Action::Reuse("ZN1".into()),
            ),
            row("/small", Visibility::Private, 3, Action::Upload),
        ];
        let paths: Vec<&str> = oversized(&rows).iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/big", "/private"]);
    }
}
