//! Deploying a build to one of the service's environments, and the way back.

use crate::api::{deployments, environments};
use crate::components::environment_select::EnvironmentSelect;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::outcome::action_then;
use crate::pages::environment::confirm_deploy::{ConfirmDeploy, target_named};
use crate::routing::A;
use leptos::prelude::*;
use switchboard_models::BuildStatus;
use switchboard_models::sid::short;

/// Deploys this build to an environment picked from the service's environments, after the
/// question every change of what an environment serves asks (`ConfirmDeploy`), and says then
/// what it served before, with the way back.
#[component]
pub(super) fn DeployBuild(
    service: String,
    build_sid: String,
    status: Signal<BuildStatus>,
) -> impl IntoView {
    let ids = StoredValue::new((service, build_sid));
    let envs =
        LocalResource::new(move || async move { environments::list(&ids.get_value().0).await });
    let target = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    // An environment and the build to serve there: this one, or (going back) the one before,
    // `None` when nothing was live.
    let deploy = action_then(
        move |(environment, build): &(String, Option<String>)| {
            let (service, environment, build) =
                (ids.get_value().0, environment.clone(), build.clone());
            async move { deployments::serve(&service, &environment, build.as_deref()).await }
        },
        move |_| asking.set(false),
    );
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
    let confirm = move || {
        let environment = target.get_untracked();
        let (name, from) = target_named(envs.get(), &environment);
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
