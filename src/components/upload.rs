//! Uploading a new version of a function or asset: a file picker and a drop zone, Path and
//! Visibility (guessed from the file name the way twilio-run does), a size check on the pick, a
//! warning when another function or asset already answers at the path, progress while sending,
//! and a retry that keeps everything after a failure.

use crate::api::ClientError;
use crate::api::code::{self, Kind};
use crate::api::upload::upload;
use crate::components::code_paths;
use crate::components::error_view::ErrorView;
use crate::components::file_input::{clear_on_click, hold};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck, refusals};
use leptos::prelude::*;
use switchboard_models::naming::{CodeKind, path_and_visibility};
use switchboard_models::{Visibility, limits, validate};
use web_sys::File;

#[component]
pub fn UploadForm(
    kind: Kind,
    #[prop(into)] service: String,
    #[prop(into)] resource: String,
    on_uploaded: impl Fn() + Copy + 'static,
    /// The newest version's path and visibility, once the versions have loaded.
    #[prop(into)]
    latest: Signal<Option<(String, Visibility)>>,
) -> impl IntoView {
    let file = RwSignal::new_local(None::<File>);
    let path = RwSignal::new(String::new());
    let visibility = RwSignal::new(Visibility::Public);
    // A new version starts where the last one was: a private asset's next version must not go
    // up public because its file name lacks `.private.`. Until the user changes either field.
    let touched = RwSignal::new(false);
    // An effect, as the versions arrive after the form is on screen and seed fields the user
    // then edits; a derived value would move under what was typed.
    Effect::new(move |_| {
        if let Some((last_path, last_visibility)) = latest.get()
            && !touched.get_untracked()
        {
            path.set(last_path);
            visibility.set(last_visibility);
        }
    });
    let progress = RwSignal::new(None::<(f64, f64)>);
    let error = RwSignal::new(None::<ClientError>);
    let check_form = FormCheck::new("upload-version");
    check_form.live("Path", |v| validate::max_chars("Path", v, limits::PATH_MAX));
    let url = code::upload_url(&service, kind, &resource);
    let picker = NodeRef::<leptos::html::Input>::new();
    // Which other function or asset answers at each path: read once a file is picked (so that
    // Upload seldom waits for it), and again after each upload (others may change meanwhile).
    let path_check =
        code_paths::PathCheck::new(service, resource, "press Upload again to upload it anyway");
    // The size limit depends on the visibility: checked on a pick, on a visibility change and
    // before sending.
    let too_large = move || {
        let picked = file.get_untracked()?;
        size_refusal(&picked.name(), picked.size(), visibility.get_untracked())
    };
    let say_size = move || match too_large() {
        Some(message) => check_form.at("Content", message),
        None => check_form.clear(),
    };

    let choose = move |picked: File| {
        let code_kind = match kind {
            Kind::Function => CodeKind::Function,
            Kind::Asset => CodeKind::Asset,
        };
        let (guessed_path, guessed_visibility) = path_and_visibility(code_kind, &picked.name());
        if path.get_untracked().is_empty() {
            touched.set(true);
            path.set(guessed_path);
            visibility.set(guessed_visibility);
        } else if guessed_visibility != Visibility::Public {
            // `.protected.` or `.private.` in the name is said on purpose, as twilio-run reads
            // it; a name without either (public) keeps the visibility the form has.
            touched.set(true);
            visibility.set(guessed_visibility);
        }
        error.set(None);
        if let Some(input) = picker.get_untracked() {
            hold(&input, [&picked]);
        }
        file.set(Some(picked));
        // "Choose a file first" (or a path error) answered an earlier Upload; a new pick starts
        // over, and says at once when the file is too large.
        say_size();
        path_check.read_ahead();
    };
    let send = move || {
        if progress.get_untracked().is_some() {
            return;
        }
        // Every problem at once: the file and the path.
        let vis = visibility.get_untracked();
        let picked = file.get_untracked();
        let named = picked.as_ref().map(|f| (f.name(), f.size()));
        let checked = check_upload(
            named.as_ref().map(|(name, size)| (name.as_str(), *size)),
            vis,
            &path.get_untracked(),
        );
        let (Some(picked), Ok(checked_path)) =
            (picked, checked.map_err(|found| check_form.all(found)))
        else {
            return;
        };
        check_form.clear();
        error.set(None);
        progress.set(Some((0.0, picked.size())));
        let url = url.clone();
        leptos::task::spawn_local(async move {
            // Said before anything is sent; once, then Upload again sends it.
            let clash = path_check.before_sending(&checked_path).await;
            if progress.is_disposed() {
                return;
            }
            if let Some(message) = clash {
                progress.set(None);
                check_form.at("Path", message);
                return;
            }
            let result = upload(
                &url,
                &picked,
                &picked.name(),
                &checked_path,
                vis,
                move |sent, total| {
                    progress.set(Some((sent, total)));
                },
            )
            .await;
            progress.set(None);
            match result {
                Ok(_) => {
                    file.set(None);
                    if let Some(input) = picker.get_untracked() {
                        hold(&input, None);
                    }
                    path_check.forget();
                    // The next version starts from this one, once the versions are fetched again.
                    path.set(String::new());
                    touched.set(false);
                    on_uploaded();
                }
                Err((failure, _)) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <form class="card form upload" id="upload-version" on:submit=move |ev| { ev.prevent_default(); send(); }
            on:input=check_form.on_input() novalidate>
            <h2>{format!("Upload a new {} version", kind.noun())}</h2>
            <DropZone file picker on_choose=choose/>
            <CheckMessage check=check_form at="Content"/>
            <label>"Path"
                <input name="Path" placeholder=match kind { Kind::Function => "/hello", Kind::Asset => "/style.css" }
                    prop:value=path on:input=move |ev| { touched.set(true); path.set(event_target_value(&ev)) }/>
            </label>
            <CheckMessage check=check_form at="Path"/>
            <label>"Visibility"
                <VisibilitySelect value=visibility on_pick=move || { touched.set(true); say_size(); }/>
            </label>
            <UploadProgress progress/>
            <CheckMessage check=check_form/>
            {move || error.get().map(|error| view! { <ErrorView error/> })}
            <button type="submit" class="primary" aria-disabled=busy(move || progress.get().is_some())>
                {move || if error.get().is_some() { "Retry upload" } else { "Upload" }}
            </button>
        </form>
    }
}

/// Where a file is picked or dropped; `on_choose` gets it. The input goes on holding the pick
/// (`file`) when a later dialog is cancelled.
#[component]
fn DropZone(
    file: RwSignal<Option<File>, LocalStorage>,
    picker: NodeRef<leptos::html::Input>,
    on_choose: impl Fn(File) + Copy + 'static,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(picked) = input.files().and_then(|f| f.get(0)) {
            on_choose(picked);
        }
    };
    // Emptied by the click whose dialog was cancelled: it goes on holding the pick.
    let on_cancel = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(kept) = file.get_untracked() {
            hold(&input, [&kept]);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(picked) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            on_choose(picked);
        }
    };
    view! {
        <div class="dropzone" class:dragging=dragging
            on:dragover=move |ev| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <label>
                {move || file.get().map(|f| format!("{} ({})", f.name(), human_size(f.size()))).unwrap_or_else(|| "Drop a file here, or choose one".into())}
                <input type="file" name="Content" node_ref=picker on:click=clear_on_click on:change=on_pick on:cancel=on_cancel/>
            </label>
        </div>
    }
}

/// How much of the upload is sent, while it is sent.
#[component]
fn UploadProgress(progress: RwSignal<Option<(f64, f64)>>) -> impl IntoView {
    let percent = move || {
        progress.get().map(|(sent, total)| {
            if total > 0.0 {
                (sent / total * 100.0).round()
            } else {
                0.0
            }
        })
    };
    view! {
        {move || percent().map(|p| view! {
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p.to_string()>
                <div class="progress-bar" style:width=format!("{p}%")></div>
                <span class="progress-label">{format!("{p}%")}</span>
            </div>
        })}
    }
}

/// Public, protected or private, for a version.
#[component]
pub fn VisibilitySelect(
    value: RwSignal<Visibility>,
    /// Called after the user picks one.
    on_pick: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <select name="Visibility" on:change=move |ev| {
            if let Some(v) = Visibility::parse(&event_target_value(&ev)) {
                value.set(v);
                on_pick();
            }
        }>
            {Visibility::ALL.into_iter().map(|v| view! {
                <option value=v.as_str() selected=move || value.get() == v>{v.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

/// Why a file `size` bytes large cannot go up as a `visibility` version, if it cannot.
fn size_refusal(name: &str, size: f64, visibility: Visibility) -> Option<String> {
    let max = limits::max_upload_bytes(visibility);
    (size > max as f64).then(|| {
        format!(
            "{name} is {}; {} files may be at most {}",
            human_size(size),
            visibility.as_str(),
            human_size(max as f64)
        )
    })
}

/// Every problem with uploading `picked` (its name and size) at `path`, each at its field; or
/// the checked path.
fn check_upload(
    picked: Option<(&str, f64)>,
    visibility: Visibility,
    path: &str,
) -> Result<String, Vec<(&'static str, String)>> {
    let mut found = Vec::new();
    match picked {
        None => found.push(("Content", "Choose a file first".to_owned())),
        Some((name, size)) => {
            found.extend(size_refusal(name, size, visibility).map(|message| ("Content", message)))
        }
    }
    let checked = validate::version_path(Some(path));
    found.extend(refusals([checked.clone().map(drop)]));
    match checked {
        Ok(checked_path) if found.is_empty() => Ok(checked_path),
        _ => Err(found),
    }
}

pub fn human_size(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::{Visibility, check_upload, human_size};

    #[test]
    fn every_problem_with_an_upload_is_said_at_once() {
        let fields = |found: Vec<(&'static str, String)>| {
            found.into_iter().map(|(f, _)| f).collect::<Vec<_>>()
        };
        let public = Visibility::Public;
        assert_eq!(
            check_upload(Some(("a.js", 10.0)), public, "a"),
            Ok("/a".into())
        );
        assert_eq!(
            fields(check_upload(None, public, "a b").unwrap_err()),
            ["Content", "Path"]
        );
        let huge = Some(("a.js", 1e12));
        let refused = check_upload(huge, public, "/a").unwrap_err();
        assert_eq!(fields(refused.clone()), ["Content"]);
        assert!(refused[0].1.starts_with("a.js is "), "{refused:?}");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(512.0), "512 B");
        assert_eq!(human_size(1536.0), "1.5 KB");
        assert_eq!(human_size(25.0 * 1024.0 * 1024.0), "25.0 MB");
    }
}
