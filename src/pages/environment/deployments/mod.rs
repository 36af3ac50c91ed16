//! An environment's deployments: the history with the live one marked, deploying a completed
//! build and rolling back to an earlier one (promoting is in `promote`). The deploy form and the
//! history's table are parts of their own.

mod deploy_form;
mod table;

use deploy_form::DeployForm;
use table::DeploymentsTable;

use crate::api::{builds, deployments, environments};
use crate::components::error_view::ErrorView;
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::loaded::Loaded;
use crate::components::outcome::action_then;
use crate::components::poller::refetch_when_shown;
use crate::pages::environment::confirm_deploy::ConfirmDeploy;
use crate::pages::environment::promote::PromoteForm;
use leptos::prelude::*;
use switchboard_models::sid::short;
use switchboard_models::{Build, BuildStatus, Deployment, Environment};

/// Whether `deployment` is the one `environment` serves now. Deployments carry no status; the
/// environment's `build_sid` decides.
pub fn is_live(environment: &Environment, deployment: &Deployment) -> bool {
    deployment.build_sid.is_some() && environment.build_sid == deployment.build_sid
}

/// Which deployments of a newest-first list to mark live: only the newest one of the live build,
/// since after a rollback an older deployment of the same build matches too.
pub fn live_flags(environment: &Environment, newest_first: &[Deployment]) -> Vec<bool> {
    let mut shown = false;
    newest_first
        .iter()
        .map(|deployment| {
            let live = !shown && is_live(environment, deployment);
            shown |= live;
            live
        })
        .collect()
}

#[component]
pub fn DeploymentsPanel(
    environment: Environment,
    /// Called with the new live build after a deployment changed what the environment serves.
    on_change: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let live = RwSignal::new(environment.build_sid.clone());
    let (service, source) = (environment.service_sid.clone(), environment.sid.clone());
    let env = StoredValue::new(environment);
    let ids = move || env.with_value(|e| (e.service_sid.clone(), e.sid.clone()));
    let history = LocalResource::new(move || {
        let (service, environment) = ids();
        async move { deployments::list(&service, &environment).await }
    });
    // Twilio switches what the environment serves at once: a rollback or a deploy from the form
    // asks first, and says afterwards what changed and how to go back.
    let asking = RwSignal::new(None::<Asked>);
    let before = StoredValue::new(None::<String>);
    let notice = RwSignal::new(None::<(Option<String>, Option<String>)>);
    let candidates: Candidates = LocalResource::new(move || {
        let (service, _) = ids();
        async move {
            let list = builds::list(&service).await?;
            Ok(list
                .into_iter()
                .filter(|b| b.status != BuildStatus::Failed)
                .collect())
        }
    });
    // A build made elsewhere (the CLI, another tab) joins the list when the user comes back.
    refetch_when_shown(move || candidates.refetch());
    // The panel keeps its own copy of the environment up to date rather than having the page
    // refetch it, which would rebuild the page and lose whatever was being typed elsewhere.
    let follow = move |build_sid: Option<String>| {
        env.update_value(|e| e.build_sid = build_sid.clone());
        live.set(build_sid.clone());
        history.refetch();
        on_change(build_sid);
    };
    // `None` takes the live build down: the way back from a first deploy.
    let deploy = action_then(
        move |build: &Option<String>| {
            let ((service, environment), build) = (ids(), build.clone());
            async move { deployments::serve(&service, &environment, build.as_deref()).await }
        },
        move |served| {
            asking.set(None);
            match served {
                Ok(created) => {
                    notice.set(Some((before.get_value(), created.build_sid.clone())));
                    follow(created.build_sid.clone());
                    focus_when_rendered("#deploy-notice .undo-deploy".into());
                }
                // "Already has requested deployment": the page is older than what the
                // environment serves (a deploy from the CLI or another tab). The error stays;
                // the page catches up.
                Err(error) if error.is_conflict() => {
                    let (service, environment) = ids();
                    leptos::task::spawn_local(async move {
                        if let Ok(now) = environments::fetch(&service, &environment).await
                            && !live.is_disposed()
                        {
                            follow(now.build_sid);
                        }
                    });
                }
                Err(_) => {}
            }
        },
    );
    let send = move |build: Option<String>| {
        if deploy.pending().get_untracked() {
            return;
        }
        before.set_value(live.get_untracked());
        notice.set(None);
        deploy.dispatch(build);
    };
    let name = env.with_value(|e| e.unique_name.clone());
    let service_sid = service.clone();
    view! {
        <section class="card deployments" id="deployments" aria-labelledby="deployments-heading">
            <h2 id="deployments-heading">"Deployments"</h2>
            <DeployForm env deploy live candidates asking/>
            {move || deploy.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            {move || asking.get().map(|asked| {
                let Asked { build, verb, back_to } = asked;
                let (send_build, focus_back) = (build.clone(), back_to.clone());
                view! {
                    <ConfirmDeploy service=service_sid.clone() environment=name.clone() from=live.get_untracked()
                        to=build.clone() label=format!("{verb} {}", short(&build)) pending=deploy.pending()
                        on_confirm=move || send(Some(send_build.clone()))
                        on_cancel=move || {
                            asking.set(None);
                            focus_when_rendered(focus_back.clone());
                        }/>
                }
            })}
            {move || notice.get().map(|(was, now)| {
                let named = |sid: &Option<String>| sid.as_deref().map_or_else(|| "nothing".to_owned(), short);
                let back = match &was {
                    Some(sid) => format!("Go back to {}", short(sid)),
                    None => "Undeploy it".to_owned(),
                };
                let said = format!("{} serves {} now, instead of {}. ", env.with_value(|e| e.unique_name.clone()), named(&now), named(&was));
                view! {
                    <p class="saved" id="deploy-notice" role="status">
                        {said}
                        <button type="button" class="link-button undo-deploy" aria-disabled=busy(move || deploy.pending().get())
                            on:click=move |_| send(was.clone())>{back}</button>
                    </p>
                }
            })}
            <Loaded resource=history loading="Loading deployments…" show={move |list: Vec<Deployment>| if list.is_empty() {
                view! { <p class="empty" id="deployments-empty">"Nothing deployed here yet."</p> }.into_any()
            } else {
                view! { <DeploymentsTable env list deploy candidates asking/> }.into_any()
            }}/>
            <PromoteForm service source live/>
        </section>
    }
}

pub(super) type Deploy = Action<Option<String>, Result<Deployment, crate::api::ClientError>>;

/// A deploy waiting for its confirmation: the build, the button's verb ("Roll back to"), and
/// where the focus goes back to when it is cancelled.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Asked {
    pub(super) build: String,
    pub(super) verb: String,
    pub(super) back_to: String,
}

/// The service's builds that are not failed: what can be deployed, and when each was made.
pub(super) type Candidates = LocalResource<Result<Vec<Build>, crate::api::ClientError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_is_the_environment_build() {
        let env = Environment {
            build_sid: Some("ZB2".into()),
            ..Environment::default()
        };
        let deployment = |build: Option<&str>| Deployment {
            build_sid: build.map(Into::into),
            ..Deployment::default()
        };
        assert!(is_live(&env, &deployment(Some("ZB2"))));
        assert!(!is_live(&env, &deployment(Some("ZB1"))));
        assert!(!is_live(&Environment::default(), &deployment(None)));
        // Rolled back to ZB2: the newest deployment of ZB2 is live, the older one is history.
        let history = [
            deployment(Some("ZB2")),
            deployment(Some("ZB1")),
            deployment(Some("ZB2")),
        ];
        assert_eq!(live_flags(&env, &history), [true, false, false]);
    }
}
