//! Uploads of function and asset versions with progress. fetch() reports no upload progress, so
//! this uses XMLHttpRequest and its `upload` progress events.

use super::ClientError;
use super::client::{error_from, parse, relay_headers};
use serde::Deserialize;
use switchboard_models::{FunctionVersion, Visibility};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Blob, FormData, ProgressEvent, XmlHttpRequest};

/// Sends `Path`, `Visibility` and then `Content` (small parts first, so a proxy can read the
/// visibility before the file) and calls `on_progress(sent, total)` as bytes leave. A failure
/// comes with its `Retry-After` header in seconds (sent with 429s).
pub async fn upload(
    url: &str,
    content: &Blob,
    file_name: &str,
    path: &str,
    visibility: Visibility,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<FunctionVersion, (ClientError, Option<f64>)> {
    let js = |e: wasm_bindgen::JsValue| (ClientError::Network(format!("{e:?}")), None);
    let form = FormData::new().map_err(js)?;
    form.append_with_str("Path", path).map_err(js)?;
    form.append_with_str("Visibility", visibility.as_str())
        .map_err(js)?;
    form.append_with_blob_and_filename("Content", content, file_name)
        .map_err(js)?;

    let xhr = XmlHttpRequest::new().map_err(js)?;
    xhr.open("POST", &crate::config::api_url(url)).map_err(js)?;
    for (name, value) in relay_headers() {
        xhr.set_request_header(name, &value).map_err(js)?;
    }
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded(), event.total());
        }
    });
    xhr.upload()
        .map_err(js)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));

    // The promise settles on load (any HTTP status) or on a network error; both closures must
    // outlive the await, so they are created before it and dropped after.
    let mut on_load = None;
    let mut on_error = None;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let load = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let error = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onload(Some(load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(error.as_ref().unchecked_ref()));
        on_load = Some(load);
        on_error = Some(error);
    });
    xhr.send_with_opt_form_data(Some(&form)).map_err(js)?;
    let settled = wasm_bindgen_futures::JsFuture::from(done).await;
    drop((progress, on_load, on_error));
    if settled.is_err() {
        return Err((
            ClientError::Network("the upload was interrupted".into()),
            None,
        ));
    }
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        parse(&text)
            .and_then(FunctionVersion::deserialize)
            .map_err(|e| {
                let error = e.to_string();
                (ClientError::Decode { status, error }, None)
            })
    } else {
        let retry_after = xhr
            .get_response_header("Retry-After")
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse().ok());
        Err((error_from(status, &text), retry_after))
    }
}
