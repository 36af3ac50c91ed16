//! Reading files the user picked or dropped, with the browser's File API.

use wasm_bindgen_futures::JsFuture;

/// The whole file as UTF-8 text.
pub async fn read_text(file: &web_sys::Blob) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| "the file could not be read".to_owned())?;
    text.as_string()
        .ok_or_else(|| "the file is not text".to_owned())
}

/// Forgets what a file input holds once its files were taken, so that choosing the same file
/// again (the usual "edit, upload again" loop) still fires `change`.
pub fn reset(input: &web_sys::HtmlInputElement) {
    input.set_value("");
}
