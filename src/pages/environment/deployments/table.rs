//! The history of an environment's deployments, the live one marked, with the way back (or
//! forward) to each earlier build.

use super::{Asked, Candidates, Deploy, live_flags};
use crate::components::build_link::BuildLink;
use crate::components::focus::busy;
use crate::components::time::Time;
use leptos::prelude::*;
use switchboard_models::{Deployment, Environment};

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
pub(super) fn DeploymentsTable(
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

#[cfg(test)]
mod tests {
    use super::back_or_forward;

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
}
