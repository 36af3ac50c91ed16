//! Deploying one of the service's completed builds to the environment.

use super::{Asked, Candidates, Deploy};
use crate::components::error_view::LoadError;
use crate::components::focus::busy;
use crate::components::poller::BuildPoller;
use crate::components::time::relative;
use leptos::prelude::*;
use switchboard_models::{Build, BuildStatus, Environment};

/// Deploys one of the service's completed builds, the newest that is not live preselected (the
/// live one is marked: deploying it again is refused). Builds still building when the page loaded
/// are watched by the service's poller and join the list as they complete; the list is fetched
/// again when the tab is shown again, for builds made elsewhere meanwhile.
#[component]
pub(super) fn DeployForm(
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
                    // An effect, as it seeds the user's own pick once, when a build completes
                    // (polled); a derived default would move under the user's choice.
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
