//! Deploying the function version on screen to an environment in one step, the way Twilio's
//! Console deploys an edit: what the environment serves, with this version in it, built and then
//! deployed (`flows::deploy_version`). For a hotfix; whole projects go through Deploy.

use crate::api::environments;
use crate::components::build_link::BuildLink;
use crate::components::environment_select::EnvironmentSelect;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::flows::build_wait::Failure;
use crate::flows::deploy_version::deploy_version;
use crate::pages::code::live::LiveNow;
use crate::routing::A;
use crate::routing::param;
use leptos::prelude::*;
use switchboard_models::sid::short;

#[component]
pub fn DeployVersion(version: String) -> impl IntoView {
    let (service, function) = (param("service"), param("resource"));
    let environments =
        LocalResource::new(move || async move { environments::list(&service.get()).await });
    let target = RwSignal::new(String::new());
    let phase = RwSignal::new(None::<&'static str>);
    let version = StoredValue::new(version);
    // The page's "Live in" follows a deploy made here.
    let live_now = use_context::<LiveNow>();
    let deploy = Action::new_local(move |environment: &String| {
        let (service, function, environment) = (
            service.get_untracked(),
            function.get_untracked(),
            environment.clone(),
        );
        let version = version.get_value();
        async move {
            let report = move |now| {
                phase.try_set(Some(now));
            };
            let result = deploy_version(&service, &environment, &function, &version, report).await;
            phase.try_set(None);
            if let (Ok(_), Some(LiveNow(live))) = (&result, live_now) {
                live.refetch();
            }
            result.map(|build| (build, environment))
        }
    });
    // What the environment serves changes at once: it asks first, as every deploy does.
    let asking = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !target.get_untracked().is_empty() && !deploy.pending().get_untracked() {
            asking.set(true);
            focus_when_rendered("#confirm-deploy .confirm-deploy-button".into());
        }
    };
    let go = move || {
        asking.set(false);
        if !deploy.pending().get_untracked() {
            deploy.dispatch(target.get_untracked());
        }
    };
    let cancel = move || {
        asking.set(false);
        focus_when_rendered("#deploy-version button[type=submit]".into());
    };
    let name_of = move |sid: &str| {
        environments
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|e| e.sid == sid))
            .map(|e| e.unique_name)
            .unwrap_or_else(|| sid.to_owned())
    };
    view! {
        <form class="form inline-form deploy-version" id="deploy-version" on:submit=submit>
            {move || match environments.get() {
                None => view! { <span class="skeleton">"Loading environments…"</span> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || environments.refetch()/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="hint">"Create an environment to deploy this version to."</p>
                }.into_any(),
                Some(Ok(list)) => {
                    view! {
                        <label>"Deploy this version to "
                            <EnvironmentSelect list target name="Environment"/>
                        </label>
                        <button type="submit" class="primary" aria-disabled=busy(move || deploy.pending().get())>
                            {move || phase.get().map_or("Deploy", |now| now)}
                        </button>
                        <small class="hint">"With everything else the environment serves: its other functions, assets, dependencies and runtime."</small>
                    }.into_any()
                }
            }}
            {move || asking.get().then(|| {
                let (name, short) = (name_of(&target.get_untracked()), short(&version.get_value()));
                view! {
                    <div class="confirm-panel confirm-deploy" id="confirm-deploy" role="dialog" aria-labelledby="confirm-deploy-what"
                        on:keydown=move |ev| if ev.key() == "Escape" { cancel() }>
                        <p id="confirm-deploy-what">{format!(
                            "{name} will serve a new build: what it serves now, with this function at {short}. Its other functions, assets, dependencies and runtime stay."
                        )}</p>
                        <div class="toolbar">
                            <button type="button" class="primary confirm-deploy-button" on:click=move |_| go()>{format!("Deploy {short} to {name}")}</button>
                            <button type="button" class="cancel-deploy" on:click=move |_| cancel()>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
            {move || deploy.value().get().map(|result| match result {
                Ok((build, environment)) => {
                    let href = format!("/services/{}/environments/{environment}", service.get_untracked());
                    view! {
                        <p class="saved" id="deploy-version-result" role="status">
                            "Live in " <A href=href>{name_of(&environment)}</A> " with build "
                            <BuildLink service=service.get_untracked() sid=build/> "."
                        </p>
                    }.into_any()
                }
                Err(Failure::BuildFailed(build)) => view! {
                    <p class="field-error" role="alert">
                        "Build " <BuildLink service=service.get_untracked() sid=build/>
                        " failed, so nothing was deployed; its page says what usually causes that."
                    </p>
                }.into_any(),
                Err(Failure::Api(error)) => view! { <ErrorView error/> }.into_any(),
            })}
        </form>
    }
}
