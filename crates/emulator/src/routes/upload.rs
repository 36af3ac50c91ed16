//! The upload host's multipart body for version creation: parts `Content` (the file), `Path` and
//! `Visibility`, in any order; other parts are ignored. `Content` is read once, chunk by chunk,
//! and refused as soon as it passes the largest limit.

use crate::error::{ApiError, ApiResult};
use crate::store::versions::Upload;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::http::StatusCode;
use switchboard_models::limits::{MAX_ASSET_BYTES, max_upload_bytes};
use switchboard_models::validate;

/// The body limit of the upload routes: the largest file plus room for the other parts.
pub const BODY_LIMIT: usize = MAX_ASSET_BYTES as usize + 1024 * 1024;

pub async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> ApiResult<Upload> {
    let mut multipart =
        multipart.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let (mut path, mut visibility, mut content) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("Path") => path = Some(field.text().await.map_err(multipart_error)?),
            Some("Visibility") => visibility = Some(field.text().await.map_err(multipart_error)?),
            Some("Content") => content = Some(read_content(field).await?),
            _ => {}
        }
    }
    let path = validate::version_path(path.as_deref())?;
    let visibility = validate::visibility(visibility.as_deref())?;
    let content = content.ok_or_else(|| ApiError::from(validate::missing("Content")))?;
    let limit = max_upload_bytes(visibility);
    if content.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(Upload {
        path,
        visibility,
        content,
    })
}

async fn read_content(mut field: Field<'_>) -> ApiResult<Vec<u8>> {
    let mut content = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if (content.len() + chunk.len()) as u64 > MAX_ASSET_BYTES {
            return Err(too_large(MAX_ASSET_BYTES));
        }
        content.extend_from_slice(&chunk);
    }
    Ok(content)
}

fn too_large(limit: u64) -> ApiError {
    ApiError::bad_request(format!(
        "Content must be at most {} MB for this Visibility",
        limit / (1024 * 1024)
    ))
}

fn multipart_error(error: MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(MAX_ASSET_BYTES);
    }
    ApiError::bad_request(format!(
        "The multipart body could not be read: {}",
        error.body_text()
    ))
}
