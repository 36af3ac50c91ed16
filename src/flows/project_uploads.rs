//! A project deploy's uploads: the Functions and Assets they go to (created when missing), four
//! files in flight at a time, each sent again after a 429, and what each produced kept in
//! localStorage (`pending`) until the deploy finishes.

use super::pending::{add_pending, record_asset_hash};
use super::project_deploy::Progress;
use super::sleep::sleep;
use crate::api::code::{self, Kind};
use crate::api::{self, ClientError};
use crate::project::plan::{Row, Uploaded, key};
use futures::StreamExt;
use std::collections::HashMap;
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

/// Uploads every file and answers the new version SID of each, by `plan::key`. Stops at the
/// first failed upload; the others' versions are kept in `pending`.
pub async fn upload_all(
    service: &str,
    uploads: Vec<Upload>,
    report: impl Fn(Progress) + Clone + 'static,
) -> Result<HashMap<String, String>, ClientError> {
    report(Progress::Phase("Creating functions and assets"));
    let resources = resources(service, &uploads).await?;

    report(Progress::Phase("Uploading"));
    let results = futures::stream::iter(uploads.into_iter().map(|upload| {
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
    Ok(uploaded)
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
        let (file, visibility) = (&upload.file, row.visibility);
        let result = api::upload::upload(&url, file, &name, &row.path, visibility, sent).await;
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

    #[test]
    fn only_a_429_is_retried_after_its_retry_after_and_not_forever() {
        assert_eq!(
            retry_delay(&ClientError::refused(429), Some(2.5), 0),
            Some(2.5)
        );
        // Without Retry-After: one more second each time.
        assert_eq!(retry_delay(&ClientError::refused(429), None, 0), Some(1.0));
        assert_eq!(retry_delay(&ClientError::refused(429), None, 3), Some(4.0));
        assert_eq!(
            retry_delay(&ClientError::refused(429), None, MAX_RETRIES),
            None
        );
        assert_eq!(retry_delay(&ClientError::refused(400), Some(1.0), 0), None);
        assert_eq!(
            retry_delay(&ClientError::Network("reset".into()), None, 0),
            None
        );
    }
}
