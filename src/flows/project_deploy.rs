//! Deploying a project the way twilio-run does, in resumable steps: resources, uploads (four at a
//! time, retrying 429s), a build of new and reused versions, its status, the variables and the
//! deployment. What each upload produced is kept in localStorage (`pending`) until the deploy
//! finishes, so an interrupted deploy loses nothing and the next plan reuses it.

use super::build_wait::{Failure, wait_for_build};
use super::pending::{add_pending, clear_pending, record_asset_hash};
use super::sleep::sleep;
use crate::api::builds::{self, NewBuild};
use crate::api::code::{self, Kind};
use crate::api::upload::upload_with_retry_after;
use crate::api::{ClientError, deployments, environments};
use crate::project::plan::{Action, Change, Row, Uploaded, VariableRow, key};
use futures::StreamExt;
use std::collections::HashMap;
use switchboard_models::Dependency;
use switchboard_models::naming::CodeKind;

/// How many uploads are in flight at once.
pub const PARALLEL_UPLOADS: usize = 4;
const MAX_RETRIES: u32 = 5;

/// One file to upload: its plan row, its bytes' hash and the picked file.
pub struct Upload {
    pub row: Row,
    pub hash: String,
    pub file: web_sys::File,
}

/// Where a deploy is, for the page to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Phase(&'static str),
    /// Bytes sent of a file, by `plan::key`.
    Sent(String, f64, f64),
    Uploaded(String),
    Failed(String, String),
}

/// Everything applying a plan needs.
pub struct Deploy {
    pub service: String,
    pub environment: String,
    pub rows: Vec<Row>,
    pub uploads: Vec<Upload>,
    pub dependencies: Vec<Dependency>,
    pub runtime: String,
    pub variables: Vec<VariableRow>,
    pub delete_unknown_variables: bool,
}

/// Applies a plan and answers the new build's SID. Stops at the first failed step; what was
/// done before stays done.
pub async fn apply(
    deploy: Deploy,
    report: impl Fn(Progress) + Clone + 'static,
) -> Result<String, Failure> {
    let service = deploy.service.as_str();
    report(Progress::Phase("Creating functions and assets"));
    let resources = resources(service, &deploy.uploads).await?;

    report(Progress::Phase("Uploading"));
    let results = futures::stream::iter(deploy.uploads.into_iter().map(|upload| {
        let resource = resources
            .get(&key(upload.row.kind, &upload.row.path))
            .cloned()
            .unwrap_or_default();
        upload_one(service.to_owned(), resource, upload, report.clone())
    }))
    .buffer_unordered(PARALLEL_UPLOADS)
    .collect::<Vec<_>>()
    .await;
    let mut uploaded: HashMap<String, String> = HashMap::new();
    for result in results {
        let (key, sid) = result?;
        uploaded.insert(key, sid);
    }

    report(Progress::Phase("Building"));
    let build = build_of(&deploy.rows, &uploaded, deploy.dependencies, deploy.runtime);
    let created = match builds::create(service, &build).await {
        Ok(created) => created,
        Err(error) => {
            // A refusal can mean a version recorded by an unfinished deploy is gone (deleted
            // with its Function since): forget the records, so the next plan uploads afresh
            // instead of offering the dead versions forever.
            if !error.is_transient() {
                clear_pending(service);
            }
            return Err(error.into());
        }
    };
    wait_for_build(service, &created).await?;

    // Variables first, as twilio-run does: the new build must not go live with the old ones.
    report(Progress::Phase("Updating variables"));
    let env = deploy.environment.as_str();
    for step in variable_steps(&deploy.variables, deploy.delete_unknown_variables) {
        match step {
            VariableStep::Create { key, value } => {
                environments::create_variable(service, env, key, value).await?;
            }
            VariableStep::Update { sid, key, value } => {
                environments::update_variable(service, env, sid, key, value).await?;
            }
            VariableStep::Remove { sid } => {
                environments::remove_variable(service, env, sid).await?;
            }
        }
    }

    report(Progress::Phase("Deploying"));
    deployments::create(service, &deploy.environment, &created.sid).await?;
    clear_pending(service);
    report(Progress::Phase("Deployed"));
    Ok(created.sid)
}

/// The new build: every row's version (reused, or the one just uploaded for it), dropped rows
/// left out, with the project's dependencies and runtime.
fn build_of(
    rows: &[Row],
    uploaded: &HashMap<String, String>,
    dependencies: Vec<Dependency>,
    runtime: String,
) -> NewBuild {
    let mut build = NewBuild {
        dependencies,
        runtime,
        ..NewBuild::default()
    };
    for row in rows {
        let sid = match &row.action {
            Action::Reuse(sid) => sid.clone(),
            Action::Upload => uploaded
                .get(&key(row.kind, &row.path))
                .cloned()
                .unwrap_or_default(),
            Action::Drop => continue,
        };
        match row.kind {
            CodeKind::Function => build.function_versions.push(sid),
            CodeKind::Asset => build.asset_versions.push(sid),
        }
    }
    build
}

/// One call that brings an environment's variables to the plan.
#[derive(Debug, Clone, PartialEq)]
enum VariableStep<'a> {
    Create {
        key: &'a str,
        value: &'a str,
    },
    Update {
        sid: &'a str,
        key: &'a str,
        value: &'a str,
    },
    Remove {
        sid: &'a str,
    },
}

/// The calls the plan's variable rows come to: new and changed ones are sent; a live one the
/// project lacks is removed only when the user asked for it.
fn variable_steps(rows: &[VariableRow], delete_unknown: bool) -> Vec<VariableStep<'_>> {
    rows.iter()
        .filter_map(|variable| {
            let key = variable.key.as_str();
            match (
                variable.change,
                variable.sid.as_deref(),
                variable.value.as_deref(),
            ) {
                (Change::New, _, Some(value)) => Some(VariableStep::Create { key, value }),
                (Change::Changed, Some(sid), Some(value)) => {
                    Some(VariableStep::Update { sid, key, value })
                }
                (Change::Removed, Some(sid), _) if delete_unknown => {
                    Some(VariableStep::Remove { sid })
                }
                _ => None,
            }
        })
        .collect()
}

/// The Function or Asset SID of every file to upload, creating the missing ones with the path as
/// their FriendlyName, as the toolkit does.
async fn resources(
    service: &str,
    uploads: &[Upload],
) -> Result<HashMap<String, String>, ClientError> {
    let mut sids = HashMap::new();
    for (kind, code_kind) in [
        (Kind::Function, CodeKind::Function),
        (Kind::Asset, CodeKind::Asset),
    ] {
        let wanted: Vec<&Upload> = uploads.iter().filter(|u| u.row.kind == code_kind).collect();
        if wanted.is_empty() {
            continue;
        }
        let existing = code::list(service, kind).await?;
        for upload in wanted {
            let path = &upload.row.path;
            let sid = match existing.iter().find(|r| r.friendly_name == *path) {
                Some(resource) => resource.sid.clone(),
                None => code::create(service, kind, path).await?.sid,
            };
            sids.insert(key(code_kind, path), sid);
        }
    }
    Ok(sids)
}

/// How long to wait before sending an upload again, after `attempt` retries: only a 429 is
/// retried, after the server's Retry-After or, without one, one more second each time.
fn retry_delay(error: &ClientError, retry_after: Option<f64>, attempt: u32) -> Option<f64> {
    (attempt < MAX_RETRIES && error.twilio().is_some_and(|e| e.status == 429))
        .then(|| retry_after.unwrap_or(f64::from(attempt + 1)))
}

async fn upload_one(
    service: String,
    resource: String,
    upload: Upload,
    report: impl Fn(Progress) + Clone + 'static,
) -> Result<(String, String), ClientError> {
    let row = &upload.row;
    let kind = match row.kind {
        CodeKind::Function => Kind::Function,
        CodeKind::Asset => Kind::Asset,
    };
    let k = key(row.kind, &row.path);
    let url = code::upload_url(&service, kind, &resource);
    let name = row.path.rsplit('/').next().unwrap_or_default().to_owned();
    let mut attempt = 0;
    loop {
        let (progress_key, progress) = (k.clone(), report.clone());
        let sent = move |sent, total| progress(Progress::Sent(progress_key.clone(), sent, total));
        let result =
            upload_with_retry_after(&url, &upload.file, &name, &row.path, row.visibility, sent)
                .await;
        match result {
            Ok(version) => {
                add_pending(
                    &service,
                    k.clone(),
                    Uploaded {
                        sid: version.sid.clone(),
                        hash: upload.hash.clone(),
                        visibility: row.visibility,
                    },
                );
                if row.kind == CodeKind::Asset {
                    record_asset_hash(&version.sid, &upload.hash);
                }
                report(Progress::Uploaded(k.clone()));
                return Ok((k, version.sid));
            }
            Err((error, retry_after)) => match retry_delay(&error, retry_after, attempt) {
                Some(seconds) => {
                    attempt += 1;
                    sleep((seconds * 1000.0) as i32).await;
                }
                None => {
                    report(Progress::Failed(k.clone(), error.to_string()));
                    return Err(error);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_models::{TwilioError, Visibility};

    fn row(kind: CodeKind, path: &str, action: Action) -> Row {
        Row {
            kind,
            path: path.into(),
            visibility: Visibility::Public,
            change: Change::Unchanged,
            reason: "",
            action,
            size: 0,
        }
    }

    #[test]
    fn the_build_holds_reused_and_uploaded_versions_and_leaves_dropped_ones_out() {
        let rows = [
            row(CodeKind::Function, "/kept", Action::Reuse("ZN1".into())),
            row(CodeKind::Function, "/new", Action::Upload),
            row(CodeKind::Function, "/gone", Action::Drop),
            row(CodeKind::Asset, "/logo.png", Action::Upload),
        ];
        let uploaded = HashMap::from([
            (key(CodeKind::Function, "/new"), "ZN2".to_owned()),
            (key(CodeKind::Asset, "/logo.png"), "ZN3".to_owned()),
        ]);
        let lodash = Dependency {
            name: "lodash".into(),
            version: "4.17.21".into(),
        };
        let build = build_of(&rows, &uploaded, vec![lodash.clone()], "node22".into());
        assert_eq!(build.function_versions, ["ZN1", "ZN2"]);
        assert_eq!(build.asset_versions, ["ZN3"]);
        assert_eq!(
            (build.dependencies, build.runtime.as_str()),
            (vec![lodash], "node22")
        );
    }

    fn variable(key: &str, change: Change, sid: Option<&str>, value: Option<&str>) -> VariableRow {
        VariableRow {
            key: key.into(),
            change,
            sid: sid.map(Into::into),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn variables_are_created_and_updated_and_removed_only_when_asked() {
        let rows = [
            variable("NEW", Change::New, None, Some("1")),
            variable("EDITED", Change::Changed, Some("ZV1"), Some("2")),
            variable("SAME", Change::Unchanged, Some("ZV2"), Some("3")),
            variable("EXTRA", Change::Removed, Some("ZV3"), None),
        ];
        let sent = [
            VariableStep::Create {
                key: "NEW",
                value: "1",
            },
            VariableStep::Update {
                sid: "ZV1",
                key: "EDITED",
                value: "2",
            },
        ];
        assert_eq!(variable_steps(&rows, false), sent);
        let mut removing = sent.to_vec();
        removing.push(VariableStep::Remove { sid: "ZV3" });
        assert_eq!(variable_steps(&rows, true), removing);
    }

    fn refused(status: u16) -> ClientError {
        ClientError::Api(TwilioError {
            code: 20429,
            message: "Too many requests".into(),
            more_info: String::new(),
            status,
            detail: None,
        })
    }

    #[test]
    fn only_a_429_is_retried_after_its_retry_after_and_not_forever() {
        assert_eq!(retry_delay(&refused(429), Some(2.5), 0), Some(2.5));
        // Without Retry-After: one more second each time.
        assert_eq!(retry_delay(&refused(429), None, 0), Some(1.0));
        assert_eq!(retry_delay(&refused(429), None, 3), Some(4.0));
        assert_eq!(retry_delay(&refused(429), None, MAX_RETRIES), None);
        assert_eq!(retry_delay(&refused(400), Some(1.0), 0), None);
        assert_eq!(
            retry_delay(&ClientError::Network("reset".into()), None, 0),
            None
        );
    }
}
