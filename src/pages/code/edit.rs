//! Writing a function's next version in the browser, the way Twilio's own Console edits
//! Functions: the source of a version (or a starter handler for the first version), edited in
//! place and saved as a new version. The draft is kept in the tab's sessionStorage until it is
//! saved or discarded, so a reload or a wrong click loses nothing, and closing the tab with
//! unsaved changes asks first.

use crate::api::ClientError;
use crate::api::code::{self, Kind, Version};
use crate::api::upload::upload;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::upload::{VisibilitySelect, human_size};
use crate::routing::param;
use leptos::prelude::*;
use switchboard_models::{Visibility, limits, validate};

/// What a first version starts from: twilio-run's hello-world template.
const STARTER: &str = "exports.handler = function (context, event, callback) {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say('Hello World!');
  return callback(null, twiml);
};
";

/// The editor for the next version, starting from `base` (`None`: the function's first version).
/// `on_saved` gets the new version's SID.
#[component]
pub fn Editor(
    base: Option<Version>,
    /// The function's newest version now: an editor opened from an older one (an old link, a
    /// bookmark, history) says so before anything is saved, since saving would drop its changes.
    #[prop(into)]
    newest: Signal<Option<Version>>,
    /// The function's friendly name: a first version's path starts from it.
    name: String,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    /// Opens the editor on the newest version instead.
    on_edit_newest: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Read once: the editor belongs to this function. Following the route would load another
    // function's source into it while it is still on screen during a navigation.
    let (service, function) = (
        param("service").get_untracked(),
        param("resource").get_untracked(),
    );
    let base_sid = base.as_ref().map(|v| v.sid.clone());
    let source = LocalResource::new({
        let base_sid = base_sid.clone();
        move || {
            let (service, function, base_sid) =
                (service.clone(), function.clone(), base_sid.clone());
            async move {
                match base_sid {
                    Some(sid) => code::content(&service, &function, &sid).await,
                    None => Ok(STARTER.to_owned()),
                }
            }
        }
    });
    // The newer version, when this editor does not start from the newest.
    let newer = {
        let base_sid = base_sid.clone();
        Signal::derive(move || newest.get().filter(|n| Some(&n.sid) != base_sid.as_ref()))
    };
    let title = match &base_sid {
        Some(sid) => view! { "New version from " <code>{sid.clone()}</code> }.into_any(),
        None => view! { "Write the first version" }.into_any(),
    };
    view! {
        <form class="form editor" id="editor" novalidate on:submit=|ev| ev.prevent_default()>
            <div class="panel-head">
                <h3>{title}</h3>
                <button type="button" class="close-panel" aria-label="Close the editor" on:click=move |_| on_close()>"Close"</button>
            </div>
            {move || newer.get().map(|newer| {
                let from = match &base_sid {
                    Some(sid) => view! { "This edit starts from " <code>{sid.clone()}</code> ", " }.into_any(),
                    None => view! { "This edit starts from the starter handler, " }.into_any(),
                };
                view! {
                    <div class="alert alert-warning" id="editor-stale" role="alert">
                        <strong>"Not the newest version."</strong> " " {from} "but "
                        <code class="newer-version">{newer.sid.clone()}</code> {format!(" (at {}) was saved after it. ", newer.path)}
                        "Saving here makes a new version without its changes. "
                        <button type="button" class="link-button edit-newest-instead" on:click=move |_| on_edit_newest()>
                            {format!("Edit {} instead", newer.sid)}
                        </button>
                    </div>
                }
            })}
            // Rendered once, when the source arrives: the form below owns what is typed.
            {move || match source.get() {
                Some(Ok(text)) => view! {
                    <EditorForm base=base.clone() stale=Signal::derive(move || newer.with(Option::is_some)) first_path=first_path(&name) original=text on_saved/>
                }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || source.refetch()/> }.into_any(),
                None => view! { <div class="skeleton" aria-busy="true">"Loading source…"</div> }.into_any(),
            }}
        </form>
    }
}

#[component]
fn EditorForm(
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

    // Closing or reloading the tab with unsaved changes asks first; the draft would survive a
    // reload, but not a closed tab.
    let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if edited.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || guard.remove());

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        if !changed.get_untracked() {
            check_form.whole("Nothing has changed yet: edit the source, then save");
            return;
        }
        let body = text.get_untracked();
        if path.with_untracked(|p| p.trim().is_empty()) {
            check_form.at(
                "Path",
                "Give the version a path, such as /hello: its URL on the environment's domain",
            );
            return;
        }
        let checked = validate::version_path(Some(path.get_untracked().trim()));
        let Ok(checked_path) = checked.map_err(|e| check_form.fail(&e)) else {
            return;
        };
        let vis = visibility.get_untracked();
        let max = limits::max_upload_bytes(vis);
        if body.len() as u64 > max {
            check_form.at(
                "Source",
                format!(
                    "The source is {}; {} functions may be at most {}",
                    human_size(body.len() as f64),
                    vis.as_str(),
                    human_size(max as f64)
                ),
            );
            return;
        }
        let Some(blob) = javascript_blob(&body) else {
            check_form.whole("The browser could not package the source");
            return;
        };
        check_form.clear();
        error.set(None);
        saving.set(true);
        let (url, saved_draft) = (url.get_value(), draft.with_value(Draft::clone));
        leptos::task::spawn_local(async move {
            let file_name = file_name(&checked_path);
            let result = upload(&url, &blob, &file_name, &checked_path, vis, |_, _| {}).await;
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
                <p class="hint" id="draft-restored" role="status">
                    "Your unsaved changes from earlier in this tab are back"
                    {move || if stale.get() { ", made on the older version named above. " } else { ". " }}
                    <button type="button" class="link-button discard-draft" on:click=move |_| {
                        draft.with_value(Draft::clear);
                        text.set(original.get_value());
                        restored.set(false);
                    }>"Discard them"</button>
                </p>
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

/// A first version's path from its function's name, when the name makes one: the toolkit names
/// functions by their path ("/hello"), and a plain "hello" becomes "/hello"; a name with spaces
/// gives none, and the user types it.
fn first_path(name: &str) -> String {
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

/// A draft of one function's next version, kept in the tab's sessionStorage under the function
/// and the version it started from.
#[derive(Clone)]
struct Draft {
    key: String,
}

impl Draft {
    fn new(function: &str, base: Option<&str>) -> Draft {
        Draft {
            key: format!("switchboard.draft.{function}.{}", base.unwrap_or("first")),
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    fn read(&self) -> Option<String> {
        Draft::storage()?.get_item(&self.key).ok()?
    }

    /// A full storage (the quota is a few MB) only means the draft is not kept.
    fn write(&self, text: &str) {
        if let Some(storage) = Draft::storage() {
            let _ = storage.set_item(&self.key, text);
        }
    }

    fn clear(&self) {
        if let Some(storage) = Draft::storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{file_name, first_path};

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
}
