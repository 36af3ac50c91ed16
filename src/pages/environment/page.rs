//! One environment's page: its domain, live build, deployments, variables and deletion.

use crate::api::{environments, session};
use crate::components::build_link::BuildLink;
use crate::components::confirm::ConfirmDelete;
use crate::components::copy::CopySid;
use crate::components::error_view::ErrorView;
use crate::components::jumps::Jumps;
use crate::components::live_urls::LiveUrls;
use crate::components::loaded::Loaded;
use crate::components::outcome::action_on_ok;
use crate::components::time::Time;
use crate::components::title::item_namer;
use crate::pages::environment::deployments::DeploymentsPanel;
use crate::pages::environment::test::LiveTest;
use crate::pages::environment::variables::VariablesPanel;
use crate::routing::A;
use crate::routing::{gone, param};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// One environment: its domain, live build and variables.
#[component]
pub fn EnvironmentPage() -> impl IntoView {
    let namer = item_namer();
    let service = param("service");
    let sid = param("environment");
    let environment =
        LocalResource::new(
            move || async move { environments::fetch(&service.get(), &sid.get()).await },
        );
    let navigate = use_navigate();
    let remove = action_on_ok(
        move |_: &()| {
            let (service, sid) = (service.get_untracked(), sid.get_untracked());
            async move { environments::remove(&service, &sid).await }
        },
        move |_| {
            navigate(
                &format!("/services/{}/environments", service.get_untracked()),
                gone(&format!(
                    "the environment {}",
                    environment
                        .get_untracked()
                        .and_then(Result::ok)
                        .map_or_else(|| sid.get_untracked(), |e| e.unique_name)
                )),
            );
        },
    );
    view! {
        <Loaded resource=environment loading="Loading environment…" page=true show={move |env| {
                        namer(
                            format!("/services/{}/environments/{}", env.service_sid, env.sid),
                            env.unique_name.clone(),
                        );
                        let live_build = RwSignal::new(env.build_sid.clone());
                        let testing = RwSignal::new(None);
                        view! {
                        <section class="environment">
                            <h1>{env.unique_name.clone()}</h1>
                            <Jumps to=vec![("deployments", "Deployments"), ("variables", "Variables"), ("add-variable", "Add a variable"), ("environment-delete", "Delete")]/>
                            <dl class="facts">
                                <dt>"SID"</dt><dd><CopySid sid=env.sid.clone()/></dd>
                                <dt>"Domain"</dt><dd><a href={let name = env.domain_name.clone(); move || session::live_url(&name, "/")} target="_blank" rel="noopener noreferrer">{env.domain_name.clone()}</a></dd>
                                <dt>"Live build"</dt><dd class="live-build">{move || match live_build.get() {
                                    Some(sid) => view! { <BuildLink service=service.get_untracked() sid/> }.into_any(),
                                    None => "none".into_any(),
                                }}</dd>
                                <dt>"Created"</dt><dd><Time iso=env.date_created.clone()/></dd>
                            </dl>
                            <p class="environment-links">
                                <A href=format!("/services/{}/environments/{}/logs", env.service_sid, env.sid) attr:id="logs-link">"View logs"</A>
                            </p>
                            <LiveUrls service=env.service_sid.clone() domain=env.domain_name.clone() live_build on_test=Callback::new(move |version| testing.set(Some(version)))/>
                            <LiveTest environment=env.clone() picked=testing/>
                            <DeploymentsPanel environment=env.clone() on_change=move |build| live_build.set(build)/>
                            <VariablesPanel service=env.service_sid.clone() environment=env.sid.clone()/>
                            <section class="card danger-zone" id="environment-delete" aria-labelledby="environment-delete-heading">
                                <h2 id="environment-delete-heading">"Delete environment"</h2>
                                {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
                                <ConfirmDelete name=env.unique_name.clone() noun="environment"
                                    pending=remove.pending() on_confirm=move || { remove.dispatch(()); }/>
                            </section>
                        </section>
                    }.into_any()
                    }}/>
    }
}
