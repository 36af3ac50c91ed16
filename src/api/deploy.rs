//! Deploying a project the way twilio-run does, in resumable steps: resources, uploads (four at a
//! time, retrying 429s), a build of new and reused versions, its status, the deployment and the
//! variables. What each upload produced is kept in localStorage until the deploy finishes, so an
//! interrupted deploy loses nothing and the next plan reuses it.

use super::builds::{self, NewBuild};
use super::code::{self, Kind};
use super::upload::upload_with_retry_after;
use super::{ClientError, deployments, environments};
use crate::project::plan::{Action, LiveVersion, Row, Uploaded, VariableRow, key};
use futures::StreamExt;
use std::collections::{BTreeMap, HashMap};
use switchboard_models::naming::CodeKind;
use switchboard_models::{
    Build, BuildStatus, BuildVersion, Dependency, Environment, Variable, Visibility,
};

/// How many uploads are in flight at once.
pub const PARALLEL_UPLOADS: usize = 4;
const MAX_RETRIES: u32 = 5;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn pending_key(service: &str) -> String {
    format!("switchboard-pending-deploy:{service}")
}

/// Versions uploaded by this service's unfinished deploy, by `plan::key`.
pub fn pending(service: &str) -> BTreeMap<String, Uploaded> {
    storage()
        .and_then(|s| s.get_item(&pending_key(service)).ok()?)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn add_pending(service: &str, key: String, uploaded: Uploaded) {
    let mut record = pending(service);
    record.insert(key, uploaded);
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&record)) {
        let _ = s.set_item(&pending_key(service), &json);
    }
}

fn clear_pending(service: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&pending_key(service));
    }
}

/// The SHA-256 the console recorded when it uploaded asset version `sid`.
pub fn asset_hash(sid: &str) -> Option<String> {
    storage()?
        .get_item(&format!("switchboard-asset-hash:{sid}"))
        .ok()?
}

fn record_asset_hash(sid: &str, hash: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("switchboard-asset-hash:{sid}"), hash);
    }
}

/// What an environment serves now.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub environment: Environment,
    pub build: Option<Build>,
    pub versions: Vec<LiveVersion>,
    /// Function contents by version SID.
    pub contents: HashMap<String, String>,
    pub variables: Vec<Variable>,
}

/// Loads the environment, its live build with every function's content, and its variables.
pub async fn live(service: &str, environment: &str) -> Result<Live, ClientError> {
    let environment = environments::fetch(service, environment).await?;
    let variables = environments::list_variables(service, &environment.sid).await?;
    let build = match &environment.build_sid {
        Some(sid) => Some(builds::fetch(service, sid).await?),
        None => None,
    };
    let objects = |list: &[BuildVersion]| -> Vec<switchboard_models::BuildVersionObject> {
        list.iter()
            .filter_map(|v| match v {
                BuildVersion::Object(o) => Some(o.clone()),
                BuildVersion::Sid(_) => None,
            })
            .collect()
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
    let mut contents = HashMap::new();
    let mut versions = Vec::new();
    for (version, content) in functions.iter().zip(fetched) {
        let content = content?;
        versions.push(LiveVersion {
            kind: CodeKind::Function,
            path: version.path.clone(),
            visibility: visibility(&version.visibility),
            sid: version.sid.clone(),
            hash: Some(crate::project::hash::sha256_hex(content.as_bytes())),
        });
        contents.insert(version.sid.clone(), content);
    }
    versions.extend(assets.iter().map(|a| LiveVersion {
        kind: CodeKind::Asset,
        path: a.path.clone(),
        visibility: visibility(&a.visibility),
        sid: a.sid.clone(),
        hash: asset_hash(&a.sid),
    }));
    Ok(Live {
        environment,
        build,
        versions,
        contents,
        variables,
    })
}

fn visibility(wire: &str) -> Visibility {
    Visibility::parse(&wire.to_ascii_lowercase()).unwrap_or_default()
}

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

/// Why a deploy stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Api(ClientError),
    BuildFailed(String),
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Failure {
        Failure::Api(error)
    }
}

/// Transient failures in a row tolerated while waiting for the build.
const STATUS_RETRIES: u32 = 5;

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
    let mut build = NewBuild {
        dependencies: deploy.dependencies,
        runtime: deploy.runtime,
        ..NewBuild::default()
    };
    for row in &deploy.rows {
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
    for variable in &deploy.variables {
        use crate::project::plan::Change;
        let env = deploy.environment.as_str();
        match (variable.change, &variable.sid, &variable.value) {
            (Change::New, _, Some(value)) => {
                environments::create_variable(service, env, &variable.key, value).await?;
            }
            (Change::Changed, Some(sid), Some(value)) => {
                environments::update_variable(service, env, sid, &variable.key, value).await?;
            }
            (Change::Removed, Some(sid), _) if deploy.delete_unknown_variables => {
                environments::remove_variable(service, env, sid).await?;
            }
            _ => {}
        }
    }

    report(Progress::Phase("Deploying"));
    deployments::create(service, &deploy.environment, &created.sid).await?;
    clear_pending(service);
    report(Progress::Phase("Deployed"));
    Ok(created.sid)
}

/// Waits until `build` completes. The build goes on whatever happens to one status call: a
/// dropped connection or a 429 while waiting must not stop the deploy, so a few transient
/// failures in a row are waited out.
async fn wait_for_build(service: &str, build: &Build) -> Result<(), Failure> {
    let mut status = build.status;
    let mut failures = 0;
    while !status.is_terminal() {
        sleep(1000).await;
        match builds::status(service, &build.sid).await {
            Ok(answer) => {
                status = answer.status;
                failures = 0;
            }
            Err(error) if error.is_transient() && failures < STATUS_RETRIES => failures += 1,
            Err(error) => return Err(error.into()),
        }
    }
    if status == BuildStatus::Failed {
        return Err(Failure::BuildFailed(build.sid.clone()));
    }
    Ok(())
}

/// The build that serves what `live` serves with `function` at `version`: its version swapped
/// in, or added when the live build lacks the function; the same assets, dependencies and
/// runtime. Without a live build, the function alone.
pub fn with_version(live: Option<&Build>, function: &str, version: &str) -> NewBuild {
    let Some(live) = live else {
        return NewBuild {
            function_versions: vec![version.to_owned()],
            ..NewBuild::default()
        };
    };
    let mut function_versions: Vec<String> = live
        .function_versions
        .iter()
        .filter(|v| !matches!(v, BuildVersion::Object(o) if o.function_sid.as_deref() == Some(function)))
        .map(|v| v.sid().to_owned())
        .collect();
    function_versions.push(version.to_owned());
    NewBuild {
        function_versions,
        asset_versions: live
            .asset_versions
            .iter()
            .map(|v| v.sid().to_owned())
            .collect(),
        dependencies: live.dependencies.clone(),
        runtime: live.runtime.clone(),
    }
}

/// Deploys one function version to an environment the way Twilio's Console deploys an edit: a
/// build of what the environment serves with that version in it ([`with_version`]), then a
/// deployment once the build completes. Answers the build's SID.
pub async fn deploy_version(
    service: &str,
    environment: &str,
    function: &str,
    version: &str,
    report: impl Fn(&'static str),
) -> Result<String, Failure> {
    report("Building");
    let live = match environments::fetch(service, environment).await?.build_sid {
        Some(sid) => Some(builds::fetch(service, &sid).await?),
        None => None,
    };
    let created = builds::create(service, &with_version(live.as_ref(), function, version)).await?;
    wait_for_build(service, &created).await?;
    report("Deploying");
    deployments::create(service, environment, &created.sid).await?;
    Ok(created.sid)
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
            Err((error, retry_after))
                if attempt < MAX_RETRIES && error.twilio().is_some_and(|e| e.status == 429) =>
            {
                attempt += 1;
                let seconds = retry_after.unwrap_or(f64::from(attempt));
                sleep((seconds * 1000.0) as i32).await;
            }
            Err((error, _)) => {
                report(Progress::Failed(k.clone(), error.to_string()));
                return Err(error);
            }
        }
    }
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::with_version;
    use switchboard_models::{Build, BuildVersion, BuildVersionObject, Dependency};

    fn function(sid: &str, function: &str) -> BuildVersion {
        BuildVersion::Object(BuildVersionObject {
            sid: sid.into(),
            function_sid: Some(function.into()),
            ..BuildVersionObject::default()
        })
    }

    #[test]
    fn a_version_replaces_its_function_in_what_is_live_and_keeps_the_rest() {
        let live = Build {
            function_versions: vec![function("ZN1", "ZH1"), function("ZN2", "ZH2")],
            asset_versions: vec![BuildVersion::Sid("ZN9".into())],
            dependencies: vec![Dependency {
                name: "lodash".into(),
                version: "4.17.21".into(),
            }],
            runtime: "node20".into(),
            ..Build::default()
        };
        let build = with_version(Some(&live), "ZH1", "ZN3");
        assert_eq!(build.function_versions, ["ZN2", "ZN3"]);
        assert_eq!(build.asset_versions, ["ZN9"]);
        assert_eq!(build.dependencies, live.dependencies);
        assert_eq!(build.runtime, "node20");
        // A function the live build lacks joins it.
        let added = with_version(Some(&live), "ZH7", "ZN7");
        assert_eq!(added.function_versions, ["ZN1", "ZN2", "ZN7"]);
        // Nothing live: the function alone, on Twilio's default runtime.
        let alone = with_version(None, "ZH1", "ZN3");
        assert_eq!(alone.function_versions, ["ZN3"]);
        assert!(alone.asset_versions.is_empty() && alone.runtime.is_empty());
    }
}
