//! One build: its status (polled while building), versions, dependencies and runtime; deploying
//! it to an environment; deleting it. Its tables, the comparison and deploying are modules of
//! their own here.

mod compare;
mod deploy;
mod tables;

use compare::CompareBuilds;
use deploy::DeployBuild;
use tables::{DependenciesTable, VersionsTable};

use crate::api::code::Kind;
use crate::api::{builds, session};
use crate::components::build_failure::BuildFailure;
use crate::components::confirm::ConfirmDelete;
use crate::components::copy::CopySid;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::outcome::action_on_ok;
use crate::components::poller::BuildPoller;
use crate::components::status_badge::StatusBadge;
use crate::components::time::Time;
use crate::routing::{gone, param};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_models::{Build, BuildStatus};

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

#[component]
fn DeleteBuild(service: String, sid: String) -> impl IntoView {
    let ids = StoredValue::new((service, sid.clone()));
    let navigate = use_navigate();
    let remove = action_on_ok(
        move |_: &()| {
            let (service, sid) = ids.get_value();
            async move { builds::remove(&service, &sid).await }
        },
        move |_| {
            navigate(
                &format!("/services/{}/builds", ids.get_value().0),
                gone(&format!("the build {}", ids.get_value().1)),
            );
        },
    );
    view! {
        <div class="card danger-zone">
            <h2>"Delete build"</h2>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            <ConfirmDelete name=sid noun="build" pending=remove.pending() on_confirm=move || { remove.dispatch(()); }/>
        </div>
    }
}
