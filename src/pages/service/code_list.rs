//! The Functions and Assets lists: each one's latest version, filled in row by row, where each
//! is live, and the form that creates one.

use crate::api::code::{self, Kind, Version};
use crate::chunks::{Pages, prefetch};
use crate::components::copy::CopySid;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::outcome::action_on_ok;
use crate::components::poller::refetch_when_shown;
use crate::components::time::Time;
use crate::pages::code::live::{self as code_live, Serving, live_words};
use crate::pages::code::rename::submit_friendly_name;
use crate::pages::services::friendly_name_length;
use crate::routing::A;
use crate::routing::{DeletedNote, param};
use futures::StreamExt;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::Function;

/// A row's versions, newest first: `None` until they arrive, `Some(None)` when they could not
/// be read.
type Fill = Option<Option<Vec<Version>>>;

/// The versions of the functions or assets listed so far, by SID, kept while the page is open:
/// a refetch after creating one function fetches one list, not every list again.
type Known = StoredValue<HashMap<String, Option<Vec<Version>>>>;

/// How many version lists are fetched at once.
const VERSION_FETCHES_IN_FLIGHT: usize = 8;

/// Fetches the versions of each row in `rows` and puts them in that row's own signal, so an
/// answer redraws its row only: one map that every row read made each batch redraw them all,
/// and a thousand rows took half a minute to fill (docs/PERFORMANCE.md).
fn fill_rows(service: String, kind: Kind, rows: Vec<(String, RwSignal<Fill>)>, known: Known) {
    leptos::task::spawn_local(async move {
        let mut answers = futures::stream::iter(rows)
            .map(|(sid, row)| {
                let service = service.clone();
                async move {
                    let versions = code::versions(&service, kind, &sid).await.ok();
                    (sid, row, versions)
                }
            })
            .buffer_unordered(VERSION_FETCHES_IN_FLIGHT);
        while let Some((sid, row, versions)) = answers.next().await {
            // The table was left or rebuilt: stop fetching for it.
            if row.try_set(Some(versions.clone())).is_some() || known.is_disposed() {
                return;
            }
            known.update_value(|known| {
                known.insert(sid, versions);
            });
        }
        // The table is busy until every row is filled (`CodeTable`): said to screen readers, and
        // what a test or the bench waits for. Set on the element, not through a signal: one
        // reactive attribute more costs every page's bytes.
        if let Some(table) = document().get_element_by_id("code-table") {
            let _ = table.remove_attribute("aria-busy");
        }
    });
}

#[component]
pub fn CodeList(kind: Kind) -> impl IntoView {
    let service = param("service");
    let list = LocalResource::new(move || async move { code::list(&service.get(), kind).await });
    let known: Known = StoredValue::new(HashMap::new());
    // Which version each environment serves; read once, and again when the tab is shown (a
    // deploy elsewhere). A failure leaves the column empty rather than the page broken.
    let serving =
        LocalResource::new(move || async move { code_live::serving(&service.get(), kind).await });
    refetch_when_shown(move || serving.refetch());
    let serving = Signal::derive(move || serving.get().and_then(Result::ok));
    let title = match kind {
        Kind::Function => "Functions",
        Kind::Asset => "Assets",
    };
    view! {
        <section>
            <h1>{title}</h1>
            <DeletedNote/>
            <CreateCodeForm kind on_created=move || list.refetch()/>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading…"</div> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty" id="code-empty">{format!("No {}s yet. Create one above, then upload its first version.", kind.noun())}</p>
                        }.into_any(),
                        Ok(items) => view! { <CodeTable kind service=service.get_untracked() items known serving/> }.into_any(),
                        Err(error) => view! { <LoadError error retry=move || list.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CodeTable(
    kind: Kind,
    service: String,
    items: Vec<Function>,
    known: Known,
    serving: Signal<Option<Serving>>,
) -> impl IntoView {
    // Each row's own signal, filled from what is known, the rest fetched.
    let fills: Vec<RwSignal<Fill>> = known.with_value(|known| {
        items
            .iter()
            .map(|item| RwSignal::new(known.get(&item.sid).cloned()))
            .collect()
    });
    let missing: Vec<_> = items
        .iter()
        .zip(&fills)
        .filter(|(_, fill)| fill.with_untracked(Option::is_none))
        .map(|(item, fill)| (item.sid.clone(), *fill))
        .collect();
    let busy = (!missing.is_empty()).then_some("true");
    fill_rows(service.clone(), kind, missing, known);
    view! {
        <table class="table" id="code-table" aria-busy=busy>
            <thead><tr><th>"Friendly name"</th><th>"Latest path"</th><th>"Visibility"</th><th>"Live in"</th><th>"SID"</th><th>"Updated"</th></tr></thead>
            <tbody on:pointerenter=|_| prefetch(Pages::Code) on:focusin=|_| prefetch(Pages::Code)>
                {items.into_iter().zip(fills).map(|(item, fill)| {
                    let href = format!("/services/{service}/{}/{}", kind.route(), item.sid);
                    let newest = move || fill.with(|fill| fill.as_ref().map(|v| v.as_ref().and_then(|v| v.first().cloned())));
                    let path = move || match fill.with(|fill| fill.as_ref().map(Option::is_some)) {
                        None => "…".to_owned(),
                        Some(false) => "could not be read".to_owned(),
                        Some(true) => newest().flatten().map_or_else(|| "no version".to_owned(), |v| v.path),
                    };
                    let visibility = move || newest().flatten().map(|v| v.visibility.as_str()).unwrap_or_default();
                    let live = move || {
                        serving.with(|serving| {
                            fill.with(|fill| match (serving, fill) {
                                (Some(serving), Some(Some(versions))) => live_words(serving, versions),
                                _ => None,
                            })
                        })
                    };
                    let row_sid = item.sid.clone();
                    view! {
                        <tr data-sid=row_sid>
                            <td><A href=href>{item.friendly_name}</A></td>
                            <td><code class="latest-path">{path}</code></td>
                            <td><span class=move || format!("visibility visibility-{}", visibility())>{visibility}</span></td>
                            <td class="live-versions" data-label="Live in">{live}</td>
                            <td><CopySid sid=item.sid/></td>
                            <td><Time iso=item.date_updated/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CreateCodeForm(kind: Kind, on_created: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let service = param("service");
    let name = RwSignal::new(String::new());
    let check_form = FormCheck::new("create-code");
    check_form.live("FriendlyName", friendly_name_length);
    let create = action_on_ok(
        move |name: &String| {
            let (service, name) = (service.get_untracked(), name.clone());
            async move { code::create(&service, kind, &name).await }
        },
        move |_| {
            name.set(String::new());
            on_created();
        },
    );
    let submit = submit_friendly_name(name, check_form, move |value| {
        if !create.pending().get_untracked() {
            create.dispatch(value);
        }
    });
    view! {
        <form class="card form inline-form" id="create-code" on:submit=submit on:input=check_form.on_input() novalidate>
            <input name="FriendlyName" aria-label="Friendly name" placeholder=match kind { Kind::Function => "/hello", Kind::Asset => "/style.css" }
                prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" class="primary" aria-disabled=busy(move || create.pending().get())>{format!("Create {}", kind.noun())}</button>
            <CheckMessage check=check_form/>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
        </form>
    }
}
