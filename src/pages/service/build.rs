//! One build: its status (polled while building), versions, dependencies and runtime; deploying
//! it to an environment; deleting it.

use crate::api::code::{self, Kind};
use crate::api::{builds, deployments, environments, session};
use crate::components::build_diff::{BuildDiffView, aged};
use crate::components::build_failure::BuildFailure;
use crate::components::confirm::ConfirmDelete;
use crate::components::copy::CopySid;
use crate::components::environment_select::EnvironmentSelect;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::poller::BuildPoller;
use crate::components::status_badge::StatusBadge;
use crate::components::time::Time;
use crate::pages::environment::confirm_deploy::ConfirmDeploy;
use crate::routing::A;
use crate::routing::{gone, param};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::collections::HashMap;
use switchboard_models::build_diff::compare;
use switchboard_models::sid::short;
use switchboard_models::{Build, BuildStatus, BuildVersion, Dependency};

#[component]
pub fn BuildPage() -> impl IntoView {
    let service = param("service");
    let sid = param("build");
    let poller = BuildPoller::use_context(service);
    let build =
        LocalResource::new(move || async move { builds::fetch(&service.get(), &sid.get()).await });
    // Not a <Transition>: going back or forward to another build's page refetches, and one
    // would dispose the status signal the old page still reads (the console panicked). The old
    // build stays until the new one arrives.
    move || match build.get() {
        None => view! { <div class="skeleton" aria-busy="true">"Loading build…"</div> }.into_any(),
        Some(Ok(build)) => {
            let status = poller.watch(build.sid.clone(), build.status);
            view! { <BuildDetail detail=build status/> }.into_any()
        }
        Some(Err(error)) => {
            view! { <LoadError page=true error retry=move || build.refetch()/> }.into_any()
        }
    }
}

#[component]
fn BuildDetail(detail: Build, status: Signal<BuildStatus>) -> impl IntoView {
    let build = detail;
    let runtime = if build.runtime.is_empty() {
        "default".to_owned()
    } else {
        build.runtime.clone()
    };
    view! {
        <section class="build" id="build" data-sid=build.sid.clone()>
            <h1>"Build " <code>{build.sid.clone()}</code></h1>
            <dl class="facts">
                <dt>"SID"</dt><dd><CopySid sid=build.sid.clone()/></dd>
                <dt>"Status"</dt><dd>
                    <StatusBadge status announce=true/>
                    // Twilio's API says only that it failed; the emulator keeps npm's reason.
                    <BuildFailure service=build.service_sid.clone() sid=build.sid.clone() status/>
                    <Show when=move || status.get() == BuildStatus::Failed && !session::on_emulator()>
                        <span class="hint" id="build-failed-hint">" Twilio does not say why a build failed; most often npm could not install one of the dependencies below."</span>
                    </Show>
                </dd>
                <dt>"Runtime"</dt><dd class="runtime">{runtime}</dd>
                <dt>"Created"</dt><dd><Time iso=build.date_created.clone()/></dd>
            </dl>
            <VersionsTable service=build.service_sid.clone() kind=Kind::Function versions=build.function_versions.clone()/>
            <VersionsTable service=build.service_sid.clone() kind=Kind::Asset versions=build.asset_versions.clone()/>
            <DependenciesTable dependencies=build.dependencies.clone()/>
            <CompareBuilds this=build.clone()/>
            <DeployBuild service=build.service_sid.clone() build_sid=build.sid.clone() status/>
            <DeleteBuild service=build.service_sid.clone() sid=build.sid.clone()/>
        </section>
    }
}

/// A build's function or asset versions, each linked to its function's or asset's page (a
/// function's opens on that version's source), named as the resource is named now.
#[component]
fn VersionsTable(service: String, kind: Kind, versions: Vec<BuildVersion>) -> impl IntoView {
    let (id, title, of) = match kind {
        Kind::Function => ("function-versions", "Function versions", "Function"),
        Kind::Asset => ("asset-versions", "Asset versions", "Asset"),
    };
    let base = format!("/services/{service}/{}", kind.route());
    // Names are fetched only when there is something to name; until they arrive (or if the
    // fetch fails) the links read as SIDs.
    let wanted = !versions.is_empty();
    let names = LocalResource::new(move || {
        let service = service.clone();
        async move {
            if !wanted {
                return HashMap::new();
            }
            code::list(&service, kind)
                .await
                .map(|list| list.into_iter().map(|f| (f.sid, f.friendly_name)).collect())
                .unwrap_or_default()
        }
    });
    view! {
        <section class="card" id=id>
            <h2>{title}</h2>
            {if versions.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Path"</th><th>"Visibility"</th><th>"Version SID"</th><th>{of}</th></tr></thead>
                        <tbody>
                            {versions.into_iter().map(|version| match version {
                                BuildVersion::Object(v) => {
                                    let owner = v.function_sid.or(v.asset_sid).unwrap_or_default();
                                    let href = match kind {
                                        Kind::Function => format!("{base}/{owner}?version={}", v.sid),
                                        Kind::Asset => format!("{base}/{owner}"),
                                    };
                                    let name = {
                                        let owner = owner.clone();
                                        move || names.get().and_then(|n| n.get(&owner).cloned()).unwrap_or_else(|| owner.clone())
                                    };
                                    view! {
                                        <tr data-sid=v.sid.clone()>
                                            <td><code>{v.path}</code></td>
                                            <td>{v.visibility.to_lowercase()}</td>
                                            <td><code class="sid">{v.sid.clone()}</code></td>
                                            <td><A href=href attr:class="owner" attr:data-sid=owner>{name}</A></td>
                                        </tr>
                                    }.into_any()
                                }
                                BuildVersion::Sid(sid) => view! {
                                    <tr data-sid=sid.clone()><td></td><td></td><td><code class="sid">{sid.clone()}</code></td><td></td></tr>
                                }.into_any(),
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DependenciesTable(dependencies: Vec<Dependency>) -> impl IntoView {
    view! {
        <section class="card" id="build-dependencies">
            <h2>"Dependencies"</h2>
            {if dependencies.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Package"</th><th>"Version"</th></tr></thead>
                        <tbody>
                            {dependencies.into_iter().map(|d| view! {
                                <tr><td><code>{d.name}</code></td><td><code>{d.version}</code></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// This build against another of the service's: what it adds, changes and removes, from the
/// build made just before it unless another is picked.
#[component]
fn CompareBuilds(this: Build) -> impl IntoView {
    let this = StoredValue::new(this);
    let others = LocalResource::new(move || async move {
        let service = this.with_value(|b| b.service_sid.clone());
        builds::list(&service).await
    });
    view! {
        <section class="card" id="build-compare">
            <h2>"Compared with another build"</h2>
            {move || match others.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading builds…"</div> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || others.refetch()/> }.into_any(),
                Some(Ok(list)) => {
                    let (sid, created) = this.with_value(|b| (b.sid.clone(), b.date_created.clone()));
                    let list: Vec<Build> = list.into_iter().filter(|b| b.sid != sid).collect();
                    let before = list
                        .iter()
                        .filter(|b| b.date_created <= created)
                        .max_by(|a, b| a.date_created.cmp(&b.date_created))
                        .or(list.first())
                        .map(|b| b.sid.clone());
                    let Some(before) = before else {
                        return view! { <p class="empty" id="build-compare-none">"This is the service's only build."</p> }.into_any();
                    };
                    let picked = RwSignal::new(before);
                    let options = list.iter().map(|b| {
                        let sid = b.sid.clone();
                        view! { <option value=b.sid.clone() selected=move || picked.get() == sid>{aged(b)}</option> }
                    }).collect_view();
                    view! {
                        <label>"Compare with "
                            <select name="CompareWith" on:change=move |ev| picked.set(event_target_value(&ev))>{options}</select>
                        </label>
                        {move || picked.with(|p| list.iter().find(|b| b.sid == *p).cloned()).map(|old| {
                            let diff = this.with_value(|new| compare(&old, new));
                            view! {
                                <p id="build-compare-summary">{format!("From {} to this build: {}.", aged(&old), diff.summary())}</p>
                                <BuildDiffView diff/>
                            }
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Deploys this build to an environment picked from the service's environments, after the
/// question every change of what an environment serves asks (`ConfirmDeploy`), and says then
/// what it served before, with the way back.
#[component]
fn DeployBuild(service: String, build_sid: String, status: Signal<BuildStatus>) -> impl IntoView {
    let ids = StoredValue::new((service, build_sid));
    let envs =
        LocalResource::new(move || async move { environments::list(&ids.get_value().0).await });
    let target = RwSignal::new(String::new());
    // An environment and the build to serve there: this one, or (going back) the one before,
    // `None` when nothing was live.
    let deploy = Action::new_local(move |(environment, build): &(String, Option<String>)| {
        let (service, environment, build) = (ids.get_value().0, environment.clone(), build.clone());
        async move { deployments::serve(&service, &environment, build.as_deref()).await }
    });
    let asking = RwSignal::new(false);
    // The environment's name and what it served before this build, for the way back.
    let before = StoredValue::new((String::new(), None::<String>));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !target.get_untracked().is_empty() && !deploy.pending().get_untracked() {
            // What the environment serves now, asked again: the list may be older.
            envs.refetch();
            asking.set(true);
        }
    };
    Effect::new(move |_| {
        if deploy.value().with(Option::is_some) {
            asking.set(false);
        }
    });
    let confirm = move || {
        let environment = target.get_untracked();
        let listed = envs.get().and_then(Result::ok).unwrap_or_default();
        let there = listed.iter().find(|e| e.sid == environment);
        let name = there.map_or_else(|| environment.clone(), |e| e.unique_name.clone());
        let from = there.and_then(|e| e.build_sid.clone());
        let (service, build) = ids.get_value();
        let was = (name.clone(), from.clone());
        view! {
            <ConfirmDeploy service environment=name.clone() from to=build.clone()
                label=format!("Deploy {} to {name}", short(&build)) pending=deploy.pending()
                on_confirm=move || {
                    before.set_value(was.clone());
                    deploy.dispatch((environment.clone(), Some(build.clone())));
                }
                on_cancel=move || {
                    asking.set(false);
                    focus_when_rendered("#deploy-form button[type=submit]".into());
                }/>
        }
    };
    let named = |sid: Option<&str>| sid.map_or_else(|| "nothing".to_owned(), short);
    view! {
        <form class="card form" id="deploy-form" on:submit=submit>
            <h2>"Deploy this build"</h2>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading environments…"</div> }>
                {move || Suspend::new(async move {
                    match envs.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No environments yet. Create one first."</p> }.into_any(),
                        Ok(list) => view! {
                            <label>"Environment" <EnvironmentSelect list target name="Environment"/></label>
                        }.into_any(),
                        Err(error) => view! { <LoadError error retry=move || envs.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            {move || (status.get() != BuildStatus::Completed).then(|| view! {
                <small class="hint">"Only a completed build can be deployed."</small>
            })}
            {move || deploy.value().get().map(|result| match result {
                Ok(deployment) => {
                    let href = format!("/services/{}/environments/{}", deployment.service_sid, deployment.environment_sid);
                    let (name, was) = before.get_value();
                    let now = deployment.build_sid.clone();
                    if now.as_deref() != Some(ids.get_value().1.as_str()) {
                        // The way back was taken.
                        return view! {
                            <p class="saved" id="deploy-result" role="status">
                                {format!("{name} serves {} again. ", named(now.as_deref()))} <A href=href>"Open the environment"</A>
                            </p>
                        }.into_any();
                    }
                    let back = match &was {
                        Some(sid) => format!("Go back to {}", short(sid)),
                        None => format!("Undeploy {name}"),
                    };
                    let way_back = (deployment.environment_sid.clone(), was.clone());
                    view! {
                        <p class="saved" id="deploy-result" role="status">
                            "Deployed as " <code>{deployment.sid}</code> {format!(". {name} served {} before. ", named(was.as_deref()))}
                            <A href=href>"Open the environment"</A> " · "
                            <button type="button" class="link-button undo-deploy" aria-disabled=busy(move || deploy.pending().get())
                                on:click=move |_| if !deploy.pending().get_untracked() { deploy.dispatch(way_back.clone()); }>{back}</button>
                        </p>
                    }.into_any()
                }
                Err(error) => view! { <ErrorView error/> }.into_any(),
            })}
            <button type="submit" class="primary" aria-disabled=busy(move || deploy.pending().get())
                disabled=move || status.get() != BuildStatus::Completed || target.get().is_empty()>
                "Deploy"
            </button>
            {move || asking.get().then(confirm)}
        </form>
    }
}

#[component]
fn DeleteBuild(service: String, sid: String) -> impl IntoView {
    let ids = StoredValue::new((service, sid.clone()));
    let remove = Action::new_local(move |_: &()| {
        let (service, sid) = ids.get_value();
        async move { builds::remove(&service, &sid).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            navigate(
                &format!("/services/{}/builds", ids.get_value().0),
                gone(&format!("the build {}", ids.get_value().1)),
            );
        }
    });
    view! {
        <div class="card danger-zone">
            <h2>"Delete build"</h2>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            <ConfirmDelete name=sid noun="build" pending=remove.pending() on_confirm=move || { remove.dispatch(()); }/>
        </div>
    }
}
