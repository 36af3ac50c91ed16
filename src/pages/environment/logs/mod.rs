//! An environment's logs: filters kept in the page's query string (`query`, `filters`), newest
//! first, older pages on demand, and a live tail that can be paused (`table`).

mod filters;
mod query;
mod table;

use crate::api::code::{self, Kind};
use crate::api::environments;
use crate::api::logs::{self};
use crate::components::error_view::{Missing, not_found};
use crate::components::loaded::Loaded;
use crate::components::title::item_namer;
use crate::routing::A;
use crate::routing::param;
use filters::LogFilters;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use query::filter_from_query;
use std::time::Duration;
use switchboard_models::Function;
use table::LogsTable;

const PAGE_SIZE: u32 = 50;
const TAIL_PERIOD: Duration = Duration::from_secs(2);

#[component]
pub fn LogsPage() -> impl IntoView {
    let service = param("service");
    let environment = param("environment");
    let query = use_query_map();
    let filter = Memo::new(move |_| filter_from_query(|key| query.read().get(key)));
    let functions =
        LocalResource::new(move || async move { code::list(&service.get(), Kind::Function).await });
    // Set when the filter in the form failed its check: the entries on screen are still the
    // last applied filter's, and must not read as the answer to the one typed since. Cleared
    // by `LogFilters` when the URL's filter changes.
    let stale = RwSignal::new(false);
    let first = LocalResource::new(move || {
        let (service, environment, filter) = (service.get(), environment.get(), filter.get());
        async move { logs::page(&service, &environment, &filter, PAGE_SIZE, None).await }
    });
    // Which environment's logs these are, in the heading and the tab title: dev's and prod's
    // pages look alike otherwise.
    let name_in_title = item_namer();
    let named = LocalResource::new(move || async move {
        let read = environments::fetch(&service.get(), &environment.get()).await;
        read.map(|e| {
            name_in_title(
                format!("/services/{}/environments/{}/logs", e.service_sid, e.sid),
                e.unique_name.clone(),
            );
            e.unique_name
        })
    });
    let name = move || named.get().and_then(Result::ok);
    // An environment that does not exist has no logs to filter: only that is said.
    let missing = not_found(named);
    let back = move || {
        format!(
            "/services/{}/environments/{}",
            service.get(),
            environment.get()
        )
    };
    view! {
        <Show when=move || missing().is_none() fallback=move || missing().map(|error| view! { <Missing error/> })>
        <section class="logs">
            <div class="page-head">
                <h1>"Logs" {move || name().map(|name| view! { " · " <span id="logs-environment">{name}</span> })}</h1>
                <A href=back>{move || match name() {
                    Some(name) => format!("Back to {name}"),
                    None => "Back to the environment".to_owned(),
                }}</A>
            </div>
            <LogFilters filter functions stale/>
            {move || stale.get().then(|| view! {
                <p class="field-warning" id="logs-stale" role="status">
                    "The entries below are for the filter applied before, not for the one above: correct it and Apply to see the entries it matches."
                </p>
            })}
            <div class="logs-results" class:stale=move || stale.get()>
            <Loaded resource=first loading="Loading logs…" show={move |(entries, next)| view! {
                <LogsTable filter=filter.get_untracked() entries next functions/>
            }}/>
            </div>
        </section>
        </Show>
    }
}

type Functions = LocalResource<Result<Vec<Function>, crate::api::ClientError>>;
