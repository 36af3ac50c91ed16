//! Deploying a project the way twilio-run does, in resumable steps: resources, uploads (four at a
//! time, retrying 429s), a build of new and reused versions, its status, the variables and the
//! deployment. What each upload produced is kept in localStorage (`pending`) until the deploy
//! finishes, so an interrupted deploy loses nothing and the next plan reuses it. The uploads
//! and the variables' calls are flows of their own (`project_uploads`, `project_variables`).

use super::build_wait::{Failure, wait_for_build};
use super::pending::clear_pending;
use super::project_uploads::{Upload, upload_all};
use super::project_variables::apply_variables;
use crate::api::builds::{self, NewBuild};
use crate::api::deployments;
use crate::project::plan::{Action, Row, VariableRow, key};
use std::collections::HashMap;
use switchboard_models::Dependency;
use switchboard_models::naming::CodeKind;

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
    let uploaded = upload_all(service, deploy.uploads, report.clone()).await?;

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
    apply_variables(
        service,
        &deploy.environment,
        &deploy.variables,
        deploy.delete_unknown_variables,
    )
    .await?;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::plan::Change;
    use switchboard_models::Visibility;

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
}
