//! An environment's deployments: the history with the live one marked, deploying a completed
//! build and rolling back to an earlier one (promoting is in `deployments_promote`).

use crate::api::{builds, deployments, environments};
use crate::components::build_link::BuildLink;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::poller::{BuildPoller, refetch_when_shown};
use crate::components::time::{Time, relative};
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
    // `None` takes the live build down: the way back from a first deploy.
    let deploy = Action::new_local(move |build: &Option<String>| {
        let ((service, environment), build) = (ids(), build.clone());
        async move { deployments::serve(&service, &environment, build.as_deref()).await }
    });
    // Twilio switches what the environment serves at once: a rollback or a deploy from the form
    // asks first, and says afterwards what changed and how to go back.
    let asking = RwSignal::new(None::<Asked>);
    let before = StoredValue::new(None::<String>);
    let notice = RwSignal::new(None::<(Option<String>, Option<String>)>);
    let send = move |build: Option<String>| {
        if deploy.pending().get_untracked() {
            return;
        }
        before.set_value(live.get_untracked());
        notice.set(None);
        deploy.dispatch(build);
    };
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
    Effect::new(move |_| match deploy.value().get() {
        Some(Ok(created)) => {
            asking.set(None);
            notice.set(Some((before.get_value(), created.build_sid.clone())));
            follow(created.build_sid);
            focus_when_rendered("#deploy-notice .undo-deploy".into());
        }
        // "Already has requested deployment": the page is older than what the environment
        // serves (a deploy from the CLI or another tab). The error stays; the page catches up.
        Some(Err(error)) if error.is_conflict() => {
            asking.set(None);
            let (service, environment) = ids();
            leptos::task::spawn_local(async move {
                if let Ok(now) = environments::fetch(&service, &environment).await
                    && !live.is_disposed()
                {
                    follow(now.build_sid);
                }
            });
        }
        Some(Err(_)) => asking.set(None),
        None => {}
    });
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
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading deployments…"</div> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" id="deployments-empty">"Nothing deployed here yet."</p>
                        }.into_any(),
                        Ok(list) => view! { <DeploymentsTable env list deploy candidates asking/> }.into_any(),
                        Err(error) => view! { <LoadError error retry=move || history.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            <PromoteForm service source live/>
        </section>
    }
}

type Deploy = Action<Option<String>, Result<Deployment, crate::api::ClientError>>;

/// A deploy waiting for its confirmation: the build, the button's verb ("Roll back to"), and
/// where the focus goes back to when it is cancelled.
#[derive(Debug, Clone, PartialEq)]
struct Asked {
    build: String,
    verb: String,
    back_to: String,
}

/// The service's builds that are not failed: what can be deployed, and when each was made.
type Candidates = LocalResource<Result<Vec<Build>, crate::api::ClientError>>;

/// What going back to a deployment's build does, by when the builds were made: the dates are
/// ISO 8601 in UTC, so they compare as text. Unknown dates (the list not loaded yet, a deleted
/// build) or the same second say only "redeploy".
fn back_or_forward(
    row_built: Option<&str>,
    live_built: Option<&str>,
) -> (&'static str, &'static str) {
    match (row_built, live_built) {
        (Some(row), Some(live)) if row > live => {
            ("Roll forward to build", "Roll forward to this build")
        }
        (Some(row), Some(live)) if row < live => ("Roll back to build", "Roll back to this build"),
        _ => ("Redeploy build", "Redeploy this build"),
    }
}

#[component]
fn DeploymentsTable(
    env: StoredValue<Environment>,
    list: Vec<Deployment>,
    deploy: Deploy,
    candidates: Candidates,
    asking: RwSignal<Option<Asked>>,
) -> impl IntoView {
    let service = env.with_value(|e| e.service_sid.clone());
    let built = move |sid: &str| {
        candidates.with(|list| {
            list.as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.iter().find(|b| b.sid == sid))
                .map(|b| b.date_created.clone())
        })
    };
    view! {
        <table class="table" id="deployments-table">
            <thead><tr><th>"Deployment"</th><th>"Build"</th><th>"Deployed"</th><th></th></tr></thead>
            <tbody>
                {env.with_value(|e| live_flags(e, &list)).into_iter().zip(list).map(|(live, deployment)| {
                    let build = deployment.build_sid.clone();
                    let live_build = env.with_value(|e| e.build_sid.clone());
                    let data_build = build.clone().unwrap_or_default();
                    view! {
                        <tr data-sid=deployment.sid.clone() data-build=data_build class:live=live>
                            <td><code class="sid">{deployment.sid.clone()}</code></td>
                            <td>{match build.clone() {
                                Some(sid) => view! { <BuildLink service=service.clone() sid/> }.into_any(),
                                None => view! { <span class="empty">"none (undeployed)"</span> }.into_any(),
                            }}</td>
                            <td><Time iso=deployment.date_created/></td>
                            <td class="actions">
                                {if live {
                                    Some(view! { <span class="live-badge">"live"</span> }.into_any())
                                } else if build.is_some() && build == live_build {
                                    // An earlier deployment of the build that is live: deploying
                                    // it again is refused. Named for what it is: this deployment
                                    // is history, and a grey "live build" read as the green "live".
                                    Some(view! { <span class="hint previously-live">"previously live · same build as live"</span> }.into_any())
                                } else {
                                    build.map(|sid| {
                                        // Plain closures, not signals: this table is rebuilt in a
                                        // <Transition>, which disposes what its children create.
                                        let words = {
                                            let (sid, live) = (sid.clone(), live_build.clone());
                                            move || {
                                                let live = live.as_deref().and_then(built);
                                                back_or_forward(built(&sid).as_deref(), live.as_deref())
                                            }
                                        };
                                        let (label, named, verb) = (words.clone(), sid.clone(), words.clone());
                                        view! {
                                            <button type="button" class="rollback" aria-disabled=busy(move || deploy.pending().get())
                                                aria-label=move || format!("{} {named}", words().0)
                                                on:click=move |_| asking.set(Some(Asked {
                                                    build: sid.clone(),
                                                    verb: verb().0.trim_end_matches(" build").to_owned(),
                                                    back_to: format!("#deployments-table tr[data-build='{sid}'] .rollback"),
                                                }))>{move || label().1}</button>
                                        }.into_any()
                                    })
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Deploys one of the service's completed builds, the newest that is not live preselected (the
/// live one is marked: deploying it again is refused). Builds still building when the page loaded
/// are watched by the service's poller and join the list as they complete; the list is fetched
/// again when the tab is shown again, for builds made elsewhere meanwhile.
#[component]
fn DeployForm(
    env: StoredValue<Environment>,
    deploy: Deploy,
    live: RwSignal<Option<String>>,
    candidates: Candidates,
    asking: RwSignal<Option<Asked>>,
) -> impl IntoView {
    let service = env.with_value(|e| e.service_sid.clone());
    let poller = BuildPoller::use_context(Signal::stored(service));
    let picked = RwSignal::new(String::new());
    // Deploying the live build again is refused by Twilio (20409): said here instead, and the
    // button stays focusable (aria-disabled) so the focus is not lost right after a deploy.
    let picked_is_live = move || picked.with(|p| live.with(|l| l.as_deref() == Some(p.as_str())));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let build = picked.get_untracked();
        if !build.is_empty() && !picked_is_live() && !deploy.pending().get_untracked() {
            asking.set(Some(Asked {
                build,
                verb: "Deploy".into(),
                back_to: "#deploy-form button[type=submit]".into(),
            }));
        }
    };
    view! {
        <form class="form inline-form" id="deploy-form" on:submit=submit>
            // Not a <Transition>: it keeps the previous options on screen while a refetch runs,
            // but disposes the status signals they read, and the next render panics. Here the
            // previous options stay until the new list arrives and are replaced in one go.
            {move || match candidates.get() {
                None => view! { <span class="skeleton">"Loading builds…"</span> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || candidates.refetch()/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"No completed build to deploy. Compose one on the Builds tab."</p> }.into_any(),
                Some(Ok(list)) => {
                    let builds: Vec<(Build, Signal<BuildStatus>)> = list
                        .into_iter()
                        .map(|b| {
                            let status = poller.watch(b.sid.clone(), b.status);
                            (b, status)
                        })
                        .collect();
                    let completed: Vec<(String, Signal<BuildStatus>)> =
                        builds.iter().map(|(b, s)| (b.sid.clone(), *s)).collect();
                    // The newest completed build that is not live (or the live one when it is
                    // the only one), once there is one, unless one was picked.
                    Effect::new(move |_| {
                        if !picked.with_untracked(String::is_empty) {
                            return;
                        }
                        let live = live.get_untracked();
                        let done: Vec<&String> = completed
                            .iter()
                            .filter(|(_, s)| s.get() == BuildStatus::Completed)
                            .map(|(sid, _)| sid)
                            .collect();
                        let choice = done
                            .iter()
                            .find(|sid| live.as_ref() != Some(**sid))
                            .or(done.first());
                        if let Some(sid) = choice {
                            picked.set((*sid).clone());
                        }
                    });
                    view! {
                        <select name="BuildSid" aria-label="Build to deploy" on:change=move |ev| picked.set(event_target_value(&ev))>
                            {builds.into_iter().map(|(b, status)| {
                                let sid = b.sid.clone();
                                let now = (js_sys::Date::now() / 1000.0) as i64;
                                let created = relative(&b.date_created, now).unwrap_or(b.date_created);
                                let label = format!("{} · {} · {created}", b.sid, b.runtime);
                                let live_sid = sid.clone();
                                let label = move || if live.get().as_ref() == Some(&live_sid) {
                                    format!("{label} · live")
                                } else {
                                    label.clone()
                                };
                                view! {
                                    <Show when=move || status.get() == BuildStatus::Completed>
                                        <option value=b.sid.clone() selected={
                                            let sid = sid.clone();
                                            move || picked.get() == sid
                                        }>{label.clone()}</option>
                                    </Show>
                                }
                            }).collect_view()}
                        </select>
                        <Show when=move || picked.get().is_empty()>
                            <span class="hint" id="deploy-waiting">"Waiting for a build to complete…"</span>
                        </Show>
                        <Show when=picked_is_live>
                            <span class="hint" id="deploy-already-live">"This build is live here: pick another to deploy."</span>
                        </Show>
                    }.into_any()
                }
            }}
            // A failed refetch shows its error in place of the list: nothing to deploy from until
            // the list is back, even with a build picked before.
            <button type="submit" class="primary" aria-disabled=busy(move || deploy.pending().get() || picked_is_live())
                disabled=move || picked.get().is_empty() || matches!(candidates.get(), Some(Err(_)))>"Deploy build"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn going_back_to_a_newer_build_rolls_forward() {
        let (older, newer) = (Some("2026-11-26T10:00:00Z"), Some("2026-11-26T11:00:00Z"));
        assert_eq!(
            back_or_forward(newer, older).1,
            "Roll forward to this build"
        );
        assert_eq!(back_or_forward(older, newer).1, "Roll back to this build");
        assert_eq!(back_or_forward(older, older).1, "Redeploy this build");
        assert_eq!(back_or_forward(None, newer).1, "Redeploy this build");
    }

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
