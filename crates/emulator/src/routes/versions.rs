//! Function Versions (List, Fetch, Content) and Asset Versions (List, Fetch), and their creation,
//! which Twilio serves on the upload host as a multipart POST to the list's path. The two kinds
//! share one table and are told apart by [`Versioned`] (`list::<Functions>` is
//! ListFunctionVersion).

use super::code::{Assets, Code, Functions};
use super::upload::read_upload;
use crate::context::{Ctx, created};
use crate::error::ApiResult;
use crate::form::Query;
use crate::store::versions::{self, Parent, Version};
use crate::{pagination, urls};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use serde::Serialize;
use switchboard_models::{AssetVersion, FunctionVersion, FunctionVersionContent, Page};

/// A kind's versions: the list's key, and the wire type a version is answered as.
pub trait Versioned: Code {
    const VERSIONS_KEY: &'static str;
    type Wire: Serialize;
    fn locate_version(version: Version, base: &str) -> Self::Wire;
}

impl Versioned for Functions {
    const VERSIONS_KEY: &'static str = "function_versions";
    type Wire = FunctionVersion;
    fn locate_version(version: Version, base: &str) -> FunctionVersion {
        urls::function_version(version.into_function_version(), base)
    }
}

impl Versioned for Assets {
    const VERSIONS_KEY: &'static str = "asset_versions";
    type Wire = AssetVersion;
    fn locate_version(version: Version, base: &str) -> AssetVersion {
        urls::asset_version(version.into_asset_version(), base)
    }
}

type ParentPath = Path<(String, String)>;
type VersionPath = Path<(String, String, String)>;

pub async fn list<V: Versioned>(
    ctx: Ctx,
    Path((service, sid)): ParentPath,
    Query(query): Query,
) -> ApiResult<Json<Page<V::Wire>>> {
    pagination::list(
        &ctx,
        &query,
        V::VERSIONS_KEY,
        V::locate_version,
        move |db, account, page| versions::list(db, account, parent::<V>(&service, &sid), page),
    )
    .await
}

pub async fn create<V: Versioned>(
    ctx: Ctx,
    Path((service, sid)): ParentPath,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<V::Wire>)> {
    let upload = read_upload(multipart).await?;
    ctx.answer(V::locate_version, move |db, account| {
        versions::create(db, account, parent::<V>(&service, &sid), upload)
    })
    .await
    .map(created)
}

pub async fn fetch<V: Versioned>(
    ctx: Ctx,
    Path((service, parent_sid, sid)): VersionPath,
) -> ApiResult<Json<V::Wire>> {
    ctx.answer(V::locate_version, move |db, account| {
        versions::fetch(db, account, parent::<V>(&service, &parent_sid), &sid)
    })
    .await
}

pub async fn fetch_function_version_content(
    ctx: Ctx,
    Path((service, function, sid)): VersionPath,
) -> ApiResult<Json<FunctionVersionContent>> {
    ctx.answer(urls::function_version_content, move |db, account| {
        versions::content(db, account, parent::<Functions>(&service, &function), &sid)
    })
    .await
}

fn parent<'a, V: Code>(service: &'a str, sid: &'a str) -> Parent<'a> {
    Parent {
        service,
        kind: V::KIND,
        sid,
    }
}
