//! One function's or asset's page: its versions, uploads, source view and diff (the lists are
//! in `code_list`).

use crate::api::code::{self, Kind, Version};
use crate::components::code_view::{CodeView, DiffView};
use crate::components::copy::CopySid;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::loaded::Loaded;
use crate::components::poller::refetch_when_shown;
use crate::components::time::Time;
use crate::components::title::item_namer;
use crate::components::upload::UploadForm;
use crate::pages::code::delete::DeleteCode;
use crate::pages::code::deploy::DeployVersion;
use crate::pages::code::edit::Editor;
use crate::pages::code::live::{self as code_live, LiveNow, live_words};
use crate::pages::code::test::FunctionTest;
use crate::pages::services::friendly_name_length;
use crate::routing::A;
use crate::routing::param;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_models::{Function, validate};

/// A form's submit handler: the trimmed friendly name goes to `dispatch` when Twilio would accept
/// it; otherwise the field shows why, and keeps what was typed.
pub(crate) fn submit_friendly_name(
    name: RwSignal<String>,
    check_form: FormCheck,
    dispatch: impl Fn(String) + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    move |event| {
        event.prevent_default();
        let value = name.get_untracked().trim().to_owned();
        match validate::friendly_name(Some(&value)) {
            Ok(()) => {
                check_form.clear();
                dispatch(value);
            }
            Err(error) => check_form.fail(&error),
        }
    }
}

/// The newest version. The list is newest first as the API gave it, an order Twilio does not
/// promise, so it goes by date; among versions of the same second (dates have no finer
/// resolution) the one listed first wins.
fn newest(list: &[Version]) -> Option<&Version> {
    list.iter()
        .rev()
        .max_by(|a, b| a.date_created.cmp(&b.date_created))
}

/// One function or asset.
#[component]
pub fn CodePage(kind: Kind) -> impl IntoView {
    let namer = item_namer();
    let service = param("service");
    let sid = param("resource");
    let resource =
        LocalResource::new(
            move || async move { code::fetch(&service.get(), kind, &sid.get()).await },
        );
    let versions = LocalResource::new(move || async move {
        code::versions(&service.get(), kind, &sid.get()).await
    });
    // Which of its versions each environment serves; read again when the tab is shown (a
    // deploy elsewhere) and after "Deploy this version".
    let serving =
        LocalResource::new(move || async move { code_live::serving(&service.get(), kind).await });
    refetch_when_shown(move || serving.refetch());
    provide_context(LiveNow(serving));
    let live_here = move || {
        let versions = versions.get()?.ok()?;
        Some(match serving.get()? {
            Ok(serving) => {
                live_words(&serving, &versions).unwrap_or_else(|| "no environment".into())
            }
            // Not knowing is said, rather than letting silence pass for "not live".
            Err(_) => "could not be read".into(),
        })
    };
    view! {
        <Loaded resource=resource loading="Loading…" page=true show={move |item| {
                        // A rename updates the title in place: refetching would rebuild the page
                        // and lose the upload form and the open source or diff.
                        let title = RwSignal::new(item.friendly_name.clone());
                        let path = format!("/services/{}/{}/{}", item.service_sid, kind.route(), item.sid);
                        namer(path.clone(), item.friendly_name.clone());
                        view! {
                        <section class="code-page">
                            <h1 class="friendly-name">{move || title.get()}</h1>
                            <dl class="facts">
                                <dt>"SID"</dt><dd><CopySid sid=item.sid.clone()/></dd>
                                <dt>"Created"</dt><dd><Time iso=item.date_created.clone()/></dd>
                                <dt>"Live in"</dt><dd id="live-versions">{live_here}</dd>
                            </dl>
                            <RenameForm kind item=item.clone() on_renamed=move |name: String| { namer(path.clone(), name.clone()); title.set(name) }/>
                            <UploadForm kind service=service.get_untracked() resource=item.sid.clone() on_uploaded=move || versions.refetch()
                                latest=Signal::derive(move || versions.get().and_then(Result::ok).and_then(|list| newest(&list).map(|v| (v.path.clone(), v.visibility))))/>
                            <VersionsPanel kind versions name=title/>
                            {(kind == Kind::Function).then(|| view! { <FunctionTest service=service.get_untracked() function=item.sid.clone()/> })}
                            <DeleteCode kind item name=title versions/>
                        </section>
                    }.into_any()
                    }}/>
    }
}

#[component]
fn RenameForm(
    kind: Kind,
    item: Function,
    on_renamed: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(item.friendly_name.clone());
    let check_form = FormCheck::new("rename");
    check_form.live("FriendlyName", friendly_name_length);
    let ids = StoredValue::new((item.service_sid.clone(), item.sid.clone()));
    let rename = Action::new_local(move |name: &String| {
        let ((service, sid), name) = (ids.get_value(), name.clone());
        async move { code::rename(&service, kind, &sid, &name).await }
    });
    let submit = submit_friendly_name(name, check_form, move |value| {
        if !rename.pending().get_untracked() {
            rename.dispatch(value);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(renamed)) = rename.value().get() {
            on_renamed(renamed.friendly_name);
        }
    });
    view! {
        <form class="form inline-form" id="rename" on:submit=submit on:input=check_form.on_input() novalidate>
            <input name="FriendlyName" aria-label="Friendly name" prop:value=name
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" aria-disabled=busy(move || rename.pending().get())>"Rename"</button>
            <CheckMessage check=check_form/>
            {move || rename.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
        </form>
    }
}

/// The versions, newest first; for functions, a source view and a diff of any two versions.
#[component]
fn VersionsPanel(
    kind: Kind,
    versions: LocalResource<Result<Vec<Version>, crate::api::ClientError>>,
    /// The function's friendly name, where a first version's path starts.
    #[prop(into)]
    name: Signal<String>,
) -> impl IntoView {
    // The version shown and the pair compared live in the URL (`?version=`, `?old=&new=`), so a
    // diff can be linked, reloaded and undone with Back.
    let query = use_query_map();
    let shown = Memo::new(move |_| query.read().get("version"));
    let compare_old = Memo::new(move |_| query.read().get("old"));
    let compare_new = Memo::new(move |_| query.read().get("new"));
    // Only functions have source to edit: `?edit=` on an asset's page is ignored.
    let editing = Memo::new(move |_| {
        let asked = query.read().get("edit").filter(|_| kind == Kind::Function);
        asked.map(|sid| match sid.as_str() {
            "new" => EditFrom::First,
            _ => match versions.get() {
                Some(Ok(list)) => list
                    .into_iter()
                    .find(|v| v.sid == sid)
                    .map_or(EditFrom::Missing(sid), EditFrom::Version),
                _ => EditFrom::Loading,
            },
        })
    });
    let saved = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let path = crate::routing::use_path();
    // `Some` sets a key, `None` removes it (a panel's Close); all in one navigation, so closing
    // the diff is one step in the history, not two. `replace` puts the URL in place of the
    // current history entry.
    let set_params = move |changes: &[(&'static str, Option<String>)], replace: bool| {
        let mut params = query.get_untracked();
        for (key, value) in changes {
            match value {
                Some(value) => params.replace(*key, value.clone()),
                None => {
                    params.remove(key);
                }
            }
        }
        let url = format!("{}{}", path.get_untracked(), params.to_query_string());
        navigate(
            &url,
            NavigateOptions {
                scroll: false,
                replace,
                ..Default::default()
            },
        );
    };
    let set_params = StoredValue::new_local(set_params);
    let set_param = StoredValue::new_local(move |changes: &[(&'static str, Option<String>)]| {
        set_params.with_value(|set| set(changes, false))
    });
    let newest_version = Signal::derive(move || {
        versions
            .get()
            .and_then(Result::ok)
            .and_then(|list| newest(&list).cloned())
    });
    // Editing starts from the newest version, or from the starter when there is none.
    let edit_newest = move || {
        let newest = versions
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|list| newest(&list).map(|v| v.sid.clone()));
        saved.set(None);
        set_param.with_value(|set| {
            set(&[
                ("edit", Some(newest.unwrap_or_else(|| "new".into()))),
                ("version", None),
            ])
        });
    };
    let service = param("service");
    view! {
        <section class="card versions" id="versions">
            <div class="panel-head">
                <h2>"Versions"</h2>
                {(kind == Kind::Function).then(|| view! {
                    // Until the versions are known, "newest" is not: it must not open the
                    // first-version editor for a function that has versions.
                    <button type="button" class="edit-newest" disabled=move || !matches!(versions.get(), Some(Ok(_)))
                        on:click=move |_| edit_newest()>"Edit in the browser"</button>
                })}
            </div>
            {move || saved.get().map(|sid| view! {
                <p class="hint" id="saved-version" role="status">
                    "Saved as " <code>{sid}</code> ". It goes live when a build that includes it is deployed: "
                    <A href=move || format!("/services/{}/builds", service.get())>"create a build"</A> "."
                </p>
            })}
            {move || editing.get().map(|from| match from {
                EditFrom::Loading => view! { <div class="skeleton" aria-busy="true">"Loading versions…"</div> }.into_any(),
                EditFrom::Missing(sid) => view! {
                    <p class="field-error" role="alert">"This function has no version " <code>{sid}</code> " to edit."</p>
                }.into_any(),
                EditFrom::First | EditFrom::Version(_) => {
                    let base = match from { EditFrom::Version(v) => Some(v), _ => None };
                    view! {
                        <Editor base newest=newest_version name=name.get_untracked()
                            on_saved=move |sid: String| {
                                versions.refetch();
                                saved.set(Some(sid.clone()));
                                // In place of the editor's entry: a link, a reload or Back must not
                                // open the editor again on the version this one replaced.
                                set_params.with_value(|set| set(&[("edit", None), ("version", Some(sid))], true));
                                // The editor is gone: the focus goes to what comes next.
                                focus_when_rendered("#saved-version a".into());
                            }
                            on_close=move || {
                                set_param.with_value(|set| set(&[("edit", None)]));
                                focus_when_rendered("#versions .edit-newest".into());
                            }
                            on_edit_newest=move || {
                                edit_newest();
                                focus_when_rendered("#editor textarea".into());
                            }/>
                    }.into_any()
                }
            })}
            // Not a <Transition>: a refetch (after each upload) would dispose the signals the old
            // rows read while they are still on screen. The old rows stay until the new arrive.
            {move || match versions.get() {
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty" id="versions-empty">
                        {match kind {
                            Kind::Function => "No versions yet. Upload one above, or write one: Edit in the browser.",
                            Kind::Asset => "No versions yet. Upload one above.",
                        }}
                    </p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="table" id="versions-table">
                        <thead><tr><th>"Path"</th><th>"Visibility"</th><th>"SID"</th><th>"Created"</th><th></th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|version| {
                                let sid = version.sid.clone();
                                let (for_view, for_a, for_b) = (sid.clone(), sid.clone(), sid.clone());
                                // Every row has these buttons: their names say which version.
                                let (view_label, old_label, new_label) =
                                    (format!("View {sid}"), format!("Compare from {sid}"), format!("Compare to {sid}"));
                                let is = |picked: Memo<Option<String>>| {
                                    let sid = sid.clone();
                                    Signal::derive(move || picked.get().as_deref() == Some(sid.as_str()))
                                };
                                let (viewing, old_picked, new_picked) = (is(shown), is(compare_old), is(compare_new));
                                view! {
                                    <tr data-sid=sid.clone() class:viewing=viewing class:compare-old=old_picked class:compare-new=new_picked>
                                        <td><code>{version.path}</code></td>
                                        <td>{version.visibility.as_str()}</td>
                                        <td><CopySid sid=version.sid/></td>
                                        <td><Time iso=version.date_created/></td>
                                        <td class="actions">
                                            {(kind == Kind::Function).then(|| view! {
                                                <button type="button" class="view-source" aria-label=view_label aria-pressed=move || viewing.get().to_string() on:click=move |_| set_param.with_value(|set| set(&[("version", Some(for_view.clone()))]))>"View"</button>
                                                <button type="button" class="diff-a" aria-label=old_label aria-pressed=move || old_picked.get().to_string() on:click=move |_| set_param.with_value(|set| set(&[("old", Some(for_a.clone()))]))>"Compare: old"</button>
                                                <button type="button" class="diff-b" aria-label=new_label aria-pressed=move || new_picked.get().to_string() on:click=move |_| set_param.with_value(|set| set(&[("new", Some(for_b.clone()))]))>"Compare: new"</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || versions.refetch()/> }.into_any(),
                None => view! { <div class="skeleton" aria-busy="true">"Loading versions…"</div> }.into_any(),
            }}
            {move || shown.get().map(|version| {
                let (edit, deployed) = (version.clone(), version.clone());
                view! {
                    <DeployVersion version=deployed/>
                    <CodeView version
                        on_edit=move || {
                            saved.set(None);
                            set_param.with_value(|set| set(&[("edit", Some(edit.clone())), ("version", None)]));
                        }
                        on_close=move || set_param.with_value(|set| set(&[("version", None)]))/>
                }
            })}
            {move || match (compare_old.get(), compare_new.get()) {
                (Some(old), Some(new)) => view! {
                    <DiffView old new on_close=move || set_param.with_value(|set| set(&[("old", None), ("new", None)]))/>
                }.into_any(),
                // Half a pair: say what the next click does.
                (Some(old), None) => view! {
                    <p class="hint" id="compare-hint" role="status">"Comparing from " <code>{old}</code> ": now pick the version to compare it to (Compare: new)."</p>
                }.into_any(),
                (None, Some(new)) => view! {
                    <p class="hint" id="compare-hint" role="status">"Comparing to " <code>{new}</code> ": now pick the version to compare it from (Compare: old)."</p>
                }.into_any(),
                (None, None) => ().into_any(),
            }}
        </section>
    }
}

/// Where the editor starts, from the `edit` query parameter.
#[derive(Clone, PartialEq)]
enum EditFrom {
    /// `edit=new`: the starter handler.
    First,
    Version(Version),
    /// The versions are still loading.
    Loading,
    Missing(String),
}

#[cfg(test)]
mod tests {
    use super::{Version, newest};

    fn version(sid: &str, date: &str) -> Version {
        Version {
            sid: sid.into(),
            date_created: date.into(),
            ..Version::default()
        }
    }

    #[test]
    fn the_newest_goes_by_date_and_ties_go_to_the_first_listed() {
        let list = [
            version("ZN3", "2026-11-26T10:00:01Z"),
            version("ZN2", "2026-11-26T10:00:01Z"),
            version("ZN1", "2026-11-26T10:00:00Z"),
        ];
        assert_eq!(newest(&list).map(|v| v.sid.as_str()), Some("ZN3"));
        let shuffled = [list[2].clone(), list[0].clone(), list[1].clone()];
        assert_eq!(newest(&shuffled).map(|v| v.sid.as_str()), Some("ZN3"));
        assert!(newest(&[]).is_none());
    }
}
