//! A function's or asset's versions: the table, the source of one, the diff of two and the
//! editor, each opened from the URL's query so it can be linked, reloaded and undone with Back.

use super::page::newest;
use crate::api::code::{Kind, Version};
use crate::components::code_view::{CodeView, DiffView};
use crate::components::copy::CopySid;
use crate::components::error_view::LoadError;
use crate::components::focus::focus_when_rendered;
use crate::components::time::Time;
use crate::pages::code::deploy::DeployVersion;
use crate::pages::code::edit::Editor;
use crate::routing::{A, param};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

type Versions = LocalResource<Result<Vec<Version>, crate::api::ClientError>>;

/// The versions, newest first; for functions, a source view and a diff of any two versions.
#[component]
pub(super) fn VersionsPanel(
    kind: Kind,
    versions: Versions,
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
            <VersionsTable kind versions shown compare_old compare_new
                on_pick=move |key, sid| set_param.with_value(|set| set(&[(key, Some(sid))]))/>
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
            <ComparePair old=compare_old new=compare_new
                on_close=move || set_param.with_value(|set| set(&[("old", None), ("new", None)]))/>
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

/// The versions' table, each function version with buttons to view it and to pick it for a
/// comparison; `on_pick` gets the query key ("version", "old", "new") and the version's SID.
#[component]
fn VersionsTable(
    kind: Kind,
    versions: Versions,
    shown: Memo<Option<String>>,
    compare_old: Memo<Option<String>>,
    compare_new: Memo<Option<String>>,
    on_pick: impl Fn(&'static str, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Not a <Transition>: a refetch (after each upload) would dispose the signals the old
    // rows read while they are still on screen. The old rows stay until the new arrive.
    {
        move || {
            match versions.get() {
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
                                        <button type="button" class="view-source" aria-label=view_label aria-pressed=move || viewing.get().to_string() on:click=move |_| on_pick("version", for_view.clone())>"View"</button>
                                        <button type="button" class="diff-a" aria-label=old_label aria-pressed=move || old_picked.get().to_string() on:click=move |_| on_pick("old", for_a.clone())>"Compare: old"</button>
                                        <button type="button" class="diff-b" aria-label=new_label aria-pressed=move || new_picked.get().to_string() on:click=move |_| on_pick("new", for_b.clone())>"Compare: new"</button>
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
    }
        }
    }
}

/// The comparison of the two versions picked, or with one picked, what the next pick does.
#[component]
fn ComparePair(
    old: Memo<Option<String>>,
    new: Memo<Option<String>>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        match (old.get(), new.get()) {
        (Some(old), Some(new)) => view! {
            <DiffView old new on_close=move || on_close()/>
        }.into_any(),
        // Half a pair: say what the next click does.
        (Some(old), None) => view! {
            <p class="hint" id="compare-hint" role="status">"Comparing from " <code>{old}</code> ": now pick the version to compare it to (Compare: new)."</p>
        }.into_any(),
        (None, Some(new)) => view! {
            <p class="hint" id="compare-hint" role="status">"Comparing to " <code>{new}</code> ": now pick the version to compare it from (Compare: old)."</p>
        }.into_any(),
        (None, None) => ().into_any(),
    }
    }
}
