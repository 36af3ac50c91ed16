//! The editor's form: the source, path and visibility of a function's next version, checked
//! and saved as a new version; what is typed is kept as a draft meanwhile.

use super::draft::Draft;
use crate::api::ClientError;
use crate::api::code::{self, Kind, Version};
use crate::api::upload::upload;
use crate::components::code_paths::PathCheck;
use crate::components::error_view::ErrorView;
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::upload::{VisibilitySelect, human_size};
use crate::routing::param;
use leptos::prelude::*;
use switchboard_models::{Visibility, limits, validate};

/// The source, path and visibility of the next version, and saving it.
#[component]
pub(super) fn EditorForm(
    base: Option<Version>,
    /// Whether a version newer than `base` exists.
    stale: Signal<bool>,
    /// Where a first version goes unless the user says otherwise.
    first_path: String,
    original: String,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Read once, as in `Editor`: a save goes to the function the editor was opened for.
    let url = StoredValue::new(code::upload_url(
        &param("service").get_untracked(),
        Kind::Function,
        &param("resource").get_untracked(),
    ));
    let draft = Draft::new(
        &param("resource").get_untracked(),
        base.as_ref().map(|v| v.sid.as_str()),
    );
    let restored = draft.read().filter(|kept| *kept != original);
    let text = RwSignal::new(restored.clone().unwrap_or_else(|| original.clone()));
    let restored = RwSignal::new(restored.is_some());
    // The next version goes where the edited one is, as the upload form does. A first version
    // is protected, as in Twilio's Console: only Twilio's signed requests reach it until its
    // author makes it public on purpose.
    let path = RwSignal::new(base.as_ref().map_or(first_path, |v| v.path.clone()));
    let visibility = RwSignal::new(
        base.as_ref()
            .map_or(Visibility::Protected, |v| v.visibility),
    );
    let original = StoredValue::new(original);
    let start = StoredValue::new((path.get_untracked(), visibility.get_untracked()));
    // Whether anything was edited: the source, the path or the visibility (leaving asks first).
    let edited = Memo::new(move |_| {
        start.with_value(|(start_path, start_visibility)| {
            original.with_value(|o| text.with(|t| t != o))
                || path.with(|p| p.trim() != start_path)
                || visibility.get() != *start_visibility
        })
    });
    // Whether a save makes a new version worth having: anything edited, or a first version,
    // which is new whatever it holds, the starter included.
    let first = base.is_none();
    let changed = Memo::new(move |_| first || edited.get());
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    let check_form = FormCheck::new("editor");
    let draft = StoredValue::new(draft);
    // Another function or asset at the path is said before the save, as the upload form says
    // it; read as the editor opens, so the save seldom waits for it.
    let path_check = PathCheck::new(
        param("service").get_untracked(),
        param("resource").get_untracked(),
        "save again to save it anyway",
    );
    path_check.read_ahead();

    ask_before_leaving(edited);

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let (body, vis) = (text.get_untracked(), visibility.get_untracked());
        let checked_path =
            match check_save(changed.get_untracked(), &body, &path.get_untracked(), vis) {
                Ok(checked_path) => checked_path,
                Err((Some(field), message)) => return check_form.at(field, message),
                Err((None, message)) => return check_form.whole(message),
            };
        let Some(blob) = javascript_blob(&body) else {
            check_form.whole("The browser could not package the source");
            return;
        };
        check_form.clear();
        error.set(None);
        saving.set(true);
        let (url, saved_draft) = (url.get_value(), draft.with_value(Draft::clone));
        leptos::task::spawn_local(async move {
            // Said once, before anything is sent; saving again sends it.
            if let Some(message) = path_check.before_sending(&checked_path).await {
                if saving.try_set(false).is_none() {
                    check_form.at("Path", message);
                }
                return;
            }
            let file_name = file_name(&checked_path);
            let result = upload(&url, &blob, &file_name, &checked_path, vis, |_, _| {})
                .await
                .map_err(|(error, _)| error);
            // Saved is saved, even when the editor was closed meanwhile: the draft would come
            // back as "unsaved changes" the next time.
            if result.is_ok() {
                saved_draft.clear();
            }
            // The page may have been left while the upload was in flight (`try_set` hands the
            // value back when the signal is gone).
            if saving.try_set(false).is_some() {
                return;
            }
            match result {
                Ok(version) => {
                    path_check.forget();
                    original.set_value(body);
                    on_saved(version.sid);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save();
        }
    };
    view! {
            {move || restored.get().then(|| view! {
                <DraftRestored stale on_discard=move || {
                    draft.with_value(Draft::clear);
                    text.set(original.get_value());
                    restored.set(false);
                }/>
            })}
            <label class="editor-source" on:keydown=on_keydown>"Source"
                <textarea name="Source" rows="22" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off"
                    prop:value=text
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        draft.with_value(|d| d.write(&value));
                        text.set(value);
                        check_form.clear();
                    }
    ></textarea>
            </label>
            <div class="editor-fields" on:keydown=on_keydown>
                <label>"Path"
                    <input name="Path" placeholder="/hello" prop:value=path
                        on:input=move |ev| path.set(event_target_value(&ev))/>
                </label>
                <CheckMessage check=check_form at="Path"/>
                <label>"Visibility"
                    <VisibilitySelect value=visibility on_pick=|| ()/>
                </label>
            </div>
            <CheckMessage check=check_form/>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
            <div class="editor-actions">
                <button type="button" class="primary save-version" aria-disabled=busy(move || saving.get()) on:click=move |_| save()>
                    {move || if saving.get() {
                        "Saving…"
                    } else if error.get().is_some() {
                        "Retry save"
                    } else if stale.get() {
                        "Save anyway as a new version"
                    } else {
                        "Save as a new version"
                    }}
                </button>
                <span class="hint">{move || if edited.get() { "Unsaved changes · Ctrl+S saves" } else { "No changes" }}</span>
            </div>
        }
}

/// Closing or reloading the tab while `edited` asks first; the draft would survive a reload,
/// but not a closed tab.
fn ask_before_leaving(edited: Memo<bool>) {
    let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if edited.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || guard.remove());
}

/// Says the draft kept in the tab is back (made on an older version when `stale`), with the way
/// to discard it.
#[component]
fn DraftRestored(
    stale: Signal<bool>,
    on_discard: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="hint" id="draft-restored" role="status">
            "Your unsaved changes from earlier in this tab are back"
            {move || if stale.get() { ", made on the older version named above. " } else { ". " }}
            <button type="button" class="link-button discard-draft" on:click=move |_| on_discard()>"Discard them"</button>
        </p>
    }
}

/// What stands in the way of saving `body` at `path` as a `visibility` version, with the field
/// it is about (`None`: the form as a whole); or the checked path. `changed` says whether a save
/// makes a version worth having.
fn check_save(
    changed: bool,
    body: &str,
    path: &str,
    visibility: Visibility,
) -> Result<String, (Option<&'static str>, String)> {
    if !changed {
        return Err((
            None,
            "Nothing has changed yet: edit the source, then save".into(),
        ));
    }
    if path.trim().is_empty() {
        return Err((
            Some("Path"),
            "Give the version a path, such as /hello: its URL on the environment's domain".into(),
        ));
    }
    let checked_path = validate::version_path(Some(path.trim()))
        .map_err(|error| (Some(error.field), error.in_words()))?;
    let max = limits::max_upload_bytes(visibility);
    if body.len() as u64 > max {
        return Err((
            Some("Source"),
            format!(
                "The source is {}; {} functions may be at most {}",
                human_size(body.len() as f64),
                visibility.as_str(),
                human_size(max as f64)
            ),
        ));
    }
    Ok(checked_path)
}

/// A first version's path from its function's name, when the name makes one: the toolkit names
/// functions by their path ("/hello"), and a plain "hello" becomes "/hello"; a name with spaces
/// gives none, and the user types it.
pub(super) fn first_path(name: &str) -> String {
    validate::version_path(Some(name.trim())).unwrap_or_default()
}

/// The upload's file name: the path's last segment, as a `.js` file.
fn file_name(path: &str) -> String {
    let last = path
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("index");
    if last.ends_with(".js") {
        last.to_owned()
    } else {
        format!("{last}.js")
    }
}

fn javascript_blob(source: &str) -> Option<web_sys::Blob> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(source));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/javascript");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()
}

#[cfg(test)]
mod tests {
    use super::{Visibility, check_save, file_name, first_path};

    #[test]
    fn a_first_version_goes_where_the_function_name_says() {
        assert_eq!(first_path("/hello"), "/hello");
        assert_eq!(first_path("hello"), "/hello");
        assert_eq!(first_path("Send a text"), "");
    }

    #[test]
    fn the_upload_is_named_after_the_path() {
        assert_eq!(file_name("/hello"), "hello.js");
        assert_eq!(file_name("/api/send.js"), "send.js");
        assert_eq!(file_name("/"), "index.js");
    }

    #[test]
    fn a_save_is_refused_where_the_form_says_why() {
        let public = Visibility::Public;
        assert_eq!(
            check_save(true, "x", " /hello ", public),
            Ok("/hello".into())
        );
        assert_eq!(
            check_save(false, "x", "/hello", public).unwrap_err().0,
            None
        );
        assert_eq!(
            check_save(true, "x", "  ", public).unwrap_err().0,
            Some("Path")
        );
        assert_eq!(
            check_save(true, "x", "/a b", public).unwrap_err().0,
            Some("Path")
        );
        let large = "x".repeat(switchboard_models::limits::max_upload_bytes(public) as usize + 1);
        assert_eq!(
            check_save(true, &large, "/hello", public).unwrap_err().0,
            Some("Source")
        );
    }
}
