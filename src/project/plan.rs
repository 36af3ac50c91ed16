//! The deploy plan: what the picked project changes against an environment's live build, and for
//! every file whether its version is reused or uploaded.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use switchboard_models::Visibility;
use switchboard_models::limits::max_upload_bytes;
use switchboard_models::naming::CodeKind;
// The rules the import of a `.env` and the build comparison share live in the models crate.
pub use switchboard_models::plan::{
    Change, DependencyRow, VariableRow, plan_dependencies, plan_variables,
};

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
