//! A service's builds: the composer, and the list with live status badges.

use crate::api::{builds, environments};
use crate::components::build_failure::BuildFailure;
use crate::components::error_view::LoadError;
use crate::components::jumps::Jumps;
use crate::components::poller::{BuildPoller, refetch_when_shown};
use crate::components::status_badge::{BuildingCount, StatusBadge};
use crate::components::time::Time;
use crate::pages::service::compose::ComposeBuild;
use crate::routing::A;
use crate::routing::{DeletedNote, param};
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::Build;

#[component]
pub fn BuildsPage() -> impl IntoView {
    let service = param("service");
    let poller = BuildPoller::use_context(service);
    let list = LocalResource::new(move || async move { builds::list(&service.get()).await });
    // Which environments serve each build, for deciding what to deploy, promote or roll back.
    // Filled in when it arrives; a failure leaves the column empty rather than the page broken.
    let environments =
        LocalResource::new(move || async move { environments::list(&service.get()).await });
    // Deploys made elsewhere (the CLI, another tab) show when the user comes back.
    refetch_when_shown(move || environments.refetch());
    let live_in = Signal::derive(move || {
        let mut by_build: HashMap<String, Vec<(String, String)>> = HashMap::new();
        if let Some(Ok(list)) = environments.get() {
            for env in list {
                if let Some(build) = env.build_sid {
                    by_build
                        .entry(build)
                        .or_default()
                        .push((env.sid, env.unique_name));
                }
            }
        }
        by_build
    });
    view! {
        <section class="builds">
            <h1>"Builds"</h1>
            // The composer comes first and holds a row per function: the list is a jump away.
            <Jumps to=vec![("compose-build", "Compose a build"), ("builds-list", "All builds")]/>
            <DeletedNote/>
            <ComposeBuild builds=list on_created=move || list.refetch()/>
            <section id="builds-list" aria-labelledby="builds-list-heading">
            <h2 id="builds-list-heading">"All builds"</h2>
            // Not a <Transition>: it keeps the old rows on screen while the list refetches but
            // disposes the status signals they read, and the next render panicked. Here the old
            // rows stay until the new list arrives and are replaced in one go.
            {move || match list.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading builds…"</div> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty" id="builds-empty">"No builds yet. Compose one above from your function and asset versions."</p>
                }.into_any(),
                Some(Ok(list)) => view! { <BuildsTable poller service=service.get_untracked() builds=list live_in/> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || list.refetch()/> }.into_any(),
            }}
            </section>
        </section>
    }
}

#[component]
fn BuildsTable(
    poller: BuildPoller,
    service: String,
    builds: Vec<Build>,
    /// Environment SIDs and names by the build they serve.
    live_in: Signal<HashMap<String, Vec<(String, String)>>>,
) -> impl IntoView {
    let statuses: Vec<_> = builds
        .iter()
        .map(|build| poller.watch(build.sid.clone(), build.status))
        .collect();
    view! {
        <BuildingCount statuses=statuses.clone()/>
        <table class="table" id="builds-table">
            <thead><tr><th>"SID"</th><th>"Status"</th><th>"Live in"</th><th>"Runtime"</th><th>"Functions"</th><th>"Assets"</th><th>"Dependencies"</th><th>"Created"</th></tr></thead>
            <tbody>
                {builds.into_iter().zip(statuses).map(|(build, status)| {
                    let href = format!("/services/{service}/builds/{}", build.sid);
                    let sid = build.sid.clone();
                    let failure = view! { <BuildFailure service=service.clone() sid=build.sid.clone() status/> };
                    let (live_key, service) = (build.sid.clone(), service.clone());
                    let live = move || live_in.with(|m| m.get(&live_key).cloned()).map(|envs| {
                        envs.into_iter().map(|(env, name)| {
                            let href = format!("/services/{service}/environments/{env}");
                            view! { <A href=href attr:class="live-in">{name}</A> " " }
                        }).collect_view()
                    });
                    view! {
                        <tr data-sid=build.sid>
                            <td><A href=href><code class="sid">{sid}</code></A></td>
                            <td><StatusBadge status/>{failure}</td>
                            // Labelled for the narrow layout, where the header row is not shown.
                            <td class="live-envs" data-label="Live in">{live}</td>
                            <td data-label="Runtime">{build.runtime}</td>
                            <td data-label="Functions">{build.function_versions.len()}</td>
                            <td data-label="Assets">{build.asset_versions.len()}</td>
                            <td data-label="Dependencies">{build.dependencies.len()}</td>
                            <td><Time iso=build.date_created/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
