//! The console's static build: SPA fallback, cache policy and the CSP hashes of index.html.

use crate::csp::{Deployment, PageCsp, content_security_policy, inline_script_hashes};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Serves `dist`, answering any unknown path with index.html (status 200) so deep links and
/// reloads work; the console's router then shows the page or its own not-found view.
pub fn router<S: Clone + Send + Sync + 'static>(
    dist: &Path,
    deployment: Arc<Deployment>,
) -> Router<S> {
    let dist = Arc::new(dist.to_path_buf());
    Router::new()
        .fallback(serve_checked)
        .with_state(dist)
        .layer(middleware::from_fn(cache_policy))
        .layer(middleware::from_fn_with_state(deployment, page_csp))
}

/// The directory a response was served from: `dist` resolved for that request.
#[derive(Debug, Clone)]
struct ServedFrom(Arc<PathBuf>);

/// Only regular files inside `dist/` are served, and no dotfile: a symlink in `dist/` to
/// `/etc/passwd` was served (ServeDir follows links), and so would a `.env` left in it. A path
/// that resolves outside, to something else than a file or directory, or through a segment
/// starting with a dot, is a 404; one that does not exist goes on to the SPA fallback.
///
/// `dist` is resolved again for each request, and the files are served from what it resolved
/// to: a `dist` that is a link a redeploy re-points was checked where it pointed at start-up and
/// served where it points now, so a file only in the new release went unchecked. Every file
/// ServeDir may open for the request is checked: the path, a directory's index.html, the
/// fallback's index.html, and the precompressed siblings of each.
///
/// The checks block (file system calls), so they run on tokio's blocking pool, which wakes
/// another thread beside the worker's own: against the one-thread-per-request design of
/// `serve.rs`, but only for static files, which a browser asks for a dozen times per page load.
async fn serve_checked(State(dist): State<Arc<PathBuf>>, request: Request) -> Response {
    // Decoded as ServeDir decodes it; what does not decode, ServeDir answers with the fallback.
    let relative = percent_decode_str(request.uri().path())
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.trim_start_matches('/').to_owned());
    if relative.as_deref().is_some_and(|relative| {
        relative
            .split(['/', '\\'])
            .any(|segment| segment.starts_with('.'))
    }) {
        return not_in_this_build();
    }
    let checked = tokio::task::spawn_blocking(move || {
        let root = dist.canonicalize().ok()?;
        servable(&root, relative.as_deref()).then_some(root)
    })
    .await;
    let Ok(Some(root)) = checked else {
        return not_in_this_build();
    };
    let index = ServeFile::new(root.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    // `cargo xtask dist` writes `.br` and `.gz` siblings at the highest levels; a build without
    // them (a bare `trunk build`) is compressed on the fly by the app's CompressionLayer.
    let files = ServeDir::new(&root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(index);
    let Ok(response) = tower::ServiceExt::oneshot(files, request).await;
    let mut response = response.map(Body::new);
    response.extensions_mut().insert(ServedFrom(Arc::new(root)));
    response
}

fn not_in_this_build() -> Response {
    (StatusCode::NOT_FOUND, "not in this build of the console").into_response()
}

/// Whether every file ServeDir may open for `relative` (None: a path that does not decode, which
/// gets the fallback) is missing or a regular file under `root`; the path itself may also be a
/// directory under `root`.
fn servable(root: &Path, relative: Option<&str>) -> bool {
    // The fallback's index.html is checked for every request: it is what an unknown path gets.
    let mut indexes = vec![root.join("index.html")];
    let mut files = Vec::new();
    if let Some(relative) = relative {
        let path = root.join(relative);
        if std::fs::symlink_metadata(&path).is_ok() {
            match (path.canonicalize(), std::fs::metadata(&path)) {
                (Ok(resolved), Ok(meta)) if resolved.starts_with(root) && meta.is_dir() => {
                    indexes.push(path.join("index.html"));
                }
                (Ok(resolved), Ok(meta)) if resolved.starts_with(root) && meta.is_file() => {}
                _ => return false,
            }
        }
        files.extend(precompressed(&path));
    }
    for index in indexes {
        files.extend(precompressed(&index));
        files.push(index);
    }
    files.iter().all(|file| {
        std::fs::symlink_metadata(file).is_err()
            || matches!(
                (file.canonicalize(), std::fs::metadata(file)),
                (Ok(resolved), Ok(meta)) if resolved.starts_with(root) && meta.is_file()
            )
    })
}

/// The `.br` and `.gz` siblings ServeDir may send instead of `path`.
fn precompressed(path: &Path) -> [PathBuf; 2] {
    ["br", "gz"].map(|extension| {
        let mut sibling = path.as_os_str().to_owned();
        sibling.push(".");
        sibling.push(extension);
        PathBuf::from(sibling)
    })
}

/// The page's CSP from the index.html it is served now, not the one read at start-up: when the
/// console is rebuilt under a running relay (`cargo xtask dist`, a redeploy of `dist/`), its
/// bootstrap script changes, and a stale hash left every page blank until a restart. Every
/// answer for a path that is not a built file counts, 304s included: a 304 refreshes the
/// browser's copy's headers, and one with the start-up policy blanked the next load again.
/// Reading and hashing 1.5 KB per page load is nothing beside serving it.
async fn page_csp(
    State(deployment): State<Arc<Deployment>>,
    request: Request,
    next: Next,
) -> Response {
    let page = !is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let answered = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    // The index.html of the release this answer came from, even if `dist` moved on since.
    let served_from = response.extensions().get::<ServedFrom>().cloned();
    if page
        && answered
        && let Some(ServedFrom(root)) = served_from
        && let Ok(index) = tokio::fs::read_to_string(root.join("index.html")).await
        && let Ok(csp) = HeaderValue::from_str(&content_security_policy(
            &inline_script_hashes(&index),
            &deployment,
        ))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
        response.extensions_mut().insert(PageCsp);
    }
    response
}

/// Built files are named `<name>-<hash>.<ext>` (by trunk, and the main module by the console's
/// split hook, the hash being 12 to 16 hex digits), and the split hook puts the wasm chunks in
/// `chunks-<hash>/`: those never change, so browsers may keep them for a year; everything else
/// (index.html above all) must be revalidated.
///
/// A hashed name that this build lacks (a tab opened before a redeploy asking for the previous
/// build's script or chunk) is a 404: the SPA fallback's index.html, kept for a year under a
/// script's name, would break that URL for good. So is any other script, style or wasm path that
/// is not a file: a wrong asset URL (one resolved against a deep link's path) fails loudly
/// rather than receiving the page.
async fn cache_policy(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let asset = is_asset(request.uri().path());
    let mut response = next.run(request).await;
    let fallback = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if (hashed || asset) && fallback {
        response = (StatusCode::NOT_FOUND, "not in this build of the console").into_response();
    }
    // A 304 refreshes the stored entry's headers: it must not take `immutable` away.
    let kept = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let value = if hashed && kept {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // A precompressed sibling was sent: a cache must not give those bytes to a browser that
    // asked for another encoding. (The compression layer says so itself for what it compresses.)
    if headers.contains_key(header::CONTENT_ENCODING) && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// A built file's name: `<name>-<hash>.<ext>`, or any file in `chunks-<hash>/` at the root.
/// The extension keeps a deep link whose last segment happens to end in hex digits (a service's
/// unique name such as `api-20240101abcd`) out of it.
fn is_hashed(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let name = segments.next_back().unwrap_or_default();
    let Some((stem, _extension)) = name.split_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let folder = segments.next_back();
    has_hash(stem)
        || (segments.next().is_none()
            && folder.is_some_and(|f| has_hash(f) && f.starts_with("chunks-")))
}

/// A path whose name ends like one of the build's files: never one of the console's pages, whose
/// addresses end in a SID or a list's name.
fn is_asset(path: &str) -> bool {
    const EXTENSIONS: [&str; 6] = ["js", "mjs", "wasm", "css", "svg", "map"];
    let name = path.rsplit('/').next().unwrap_or_default();
    name.rsplit_once('.')
        .is_some_and(|(_, extension)| EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()))
}

fn has_hash(stem: &str) -> bool {
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("/switchboard-console-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/switchboard-console-0123456789abcdef.js"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(is_hashed("/paste-tokens-60e20cdf459b2fa.css"));
        assert!(!is_hashed("/my-service.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/services/ZS0123"));
        assert!(is_hashed("/chunks-0123456789abcdef/split_deploy_1.wasm"));
        assert!(is_hashed("/chunks-0123456789abcdef/loader.js"));
        assert!(!is_hashed("/chunks/loader.js"));
        assert!(!is_hashed("/services-0123456789abcdef/ZS0123"));
        assert!(!is_hashed("/a/chunks-0123456789abcdef/loader.js"));
        assert!(!is_hashed("/services/api-20240101abcd"));
        assert!(!is_hashed("/chunks-0123456789abcdef/"));
    }

    #[test]
    fn asset_paths_are_recognised() {
        assert!(is_asset("/services/chunks-0123456789abcdef/loader.js"));
        assert!(is_asset("/sb/main.CSS"));
        assert!(is_asset("/a_bg.wasm"));
        assert!(!is_asset("/services/ZS0123"));
        assert!(!is_asset("/config.json"));
        assert!(!is_asset("/services/ZS0123/functions/ZH0123"));
        assert!(!is_asset("/js"));
    }
}
