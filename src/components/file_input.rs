//! Reading files the user picked or dropped, with the browser's File API, and keeping a file
//! input in step with what its form will send.

use wasm_bindgen::JsCast;
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
/// again (the usual "edit, upload again" loop) still fires `change`. For an input that shows
/// nothing of its own (a button-like label); a visible one uses `hold` instead.
pub fn reset(input: &web_sys::HtmlInputElement) {
    input.set_value("");
}

/// Makes the file input `input` hold `files`, the pick or drop its form will send, so that the
/// input never says "No file chosen" beside a drop zone that names a file (one truth about the
/// pick), and assistive technology reads the same. Empty: the input holds nothing.
pub fn hold<'a>(
    input: &web_sys::HtmlInputElement,
    files: impl IntoIterator<Item = &'a web_sys::File>,
) {
    let Ok(transfer) = web_sys::DataTransfer::new() else {
        return;
    };
    for file in files {
        let _ = transfer.items().add_with_file(file);
    }
    input.set_files(transfer.files().as_ref());
}

/// For a visible file input that holds the current pick: cleared as it is clicked, so that
/// picking the same file again (after editing it) still fires `change`. The dialog's Cancel
/// fires `cancel` instead, where the page puts its pick back with `hold`.
pub fn clear_on_click(ev: leptos::ev::MouseEvent) {
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_value("");
    }
}
