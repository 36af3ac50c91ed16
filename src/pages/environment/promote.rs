//! Promoting an environment's live build to another environment, like
//! `twilio serverless:promote`.

use crate::api::{deployments, environments};
use crate::components::environment_select::EnvironmentSelect;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::on_demand::reload;
use crate::components::outcome::action_then;
use crate::flows;
use crate::flows::promote::{NotPromoted, Promoted};
use crate::pages::environment::confirm_deploy::{ConfirmDeploy, target_named};
use crate::routing::A;
use leptos::prelude::*;
use switchboard_models::sid::short;

/// Promotes this environment's live build to another environment, like
/// `twilio serverless:promote`: a new deployment there with the same build. `live` follows
/// deploys and rollbacks made on the page, so the form appears after a first deploy and always
/// sends the build that is live now.
#[component]
pub fn PromoteForm(
    #[prop(into)] service: String,
    /// The environment promoted from.
    #[prop(into)]
    source: String,
    #[prop(into)] live: Signal<Option<String>>,
) -> impl IntoView {
    let ids = StoredValue::new((service, source));
    let others = LocalResource::new(move || {
        let (service, source) = ids.get_value();
        async move {
            let list = environments::list(&service).await?;
            Ok::<_, crate::api::ClientError>(
                list.into_iter()
                    .filter(|e| e.sid != source)
                    .collect::<Vec<_>>(),
            )
        }
    });
    let target = RwSignal::new(String::new());
    // The way back from a promote: what the target served before, or nothing.
    let undo = Action::new_local(move |(target, build): &(String, Option<String>)| {
        let ((service, _), target, build) = (ids.get_value(), target.clone(), build.clone());
        async move { deployments::serve(&service, &target, build.as_deref()).await }
    });
    // A promote replaces what the target serves at once: it asks first, with what changes.
    let asking = RwSignal::new(false);
    let promote = action_then(
        move |target: &String| {
            let shown = live.get_untracked().unwrap_or_default();
            let ((service, source), target) = (ids.get_value(), target.clone());
            async move { flows::promote::promote(&service, &source, &target, shown).await }
        },
        move |_| {
            asking.set(false);
            undo.value().set(None);
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let to = target.get_untracked();
        if !to.is_empty() && live.get_untracked().is_some() && !promote.pending().get_untracked() {
            // What the target serves now, asked again: the list was read when the page opened.
            others.refetch();
            asking.set(true);
        }
    };
    let confirm = move || {
        let to = target.get_untracked();
        let (name, from) = target_named(others.get(), &to);
        let build = live.get_untracked().unwrap_or_default();
        view! {
            <ConfirmDeploy service=ids.get_value().0 environment=name.clone() from
                to=build.clone() label=format!("Promote {} to {name}", short(&build)) pending=promote.pending()
                on_confirm=move || if !promote.pending().get_untracked() { promote.dispatch(to.clone()); }
                on_cancel=move || {
                    asking.set(false);
                    focus_when_rendered("#promote-form button[type=submit]".into());
                }/>
        }
    };
    view! {
        <Show when=move || live.with(Option::is_some)
            fallback=|| view! { <p class="empty" id="promote-unavailable">"Deploy a build here to promote it to another environment."</p> }>
            <form class="form inline-form" id="promote-form" on:submit=submit>
                <h3>"Promote the live build"</h3>
                <Transition fallback=|| view! { <span class="skeleton">"Loading environments…"</span> }>
                    {move || Suspend::new(async move {
                        match others.await {
                            Ok(list) if list.is_empty() => view! { <p class="empty">"No other environment to promote to."</p> }.into_any(),
                            Ok(list) => view! {
                                <EnvironmentSelect list target name="Target" label="Promote to"/>
                            }.into_any(),
                            Err(error) => view! { <LoadError error retry=move || others.refetch()/> }.into_any(),
                        }
                    })}
                </Transition>
                <button type="submit" aria-disabled=busy(move || promote.pending().get()) disabled=move || target.get().is_empty()>"Promote"</button>
                {move || asking.get().then(confirm)}
                {move || promote.value().get().map(|result| match result {
                    Ok(Promoted { deployment, name, before }) => {
                        let href = format!("/services/{}/environments/{}", deployment.service_sid, deployment.environment_sid);
                        let served = before.as_deref().map_or_else(|| "nothing".to_owned(), short);
                        let back = match &before {
                            Some(sid) => format!("Go back to {}", short(sid)),
                            None => format!("Undeploy {name}"),
                        };
                        let way_back = (deployment.environment_sid.clone(), before);
                        view! {
                            <p class="saved" id="promote-result" role="status">
                                "Promoted " <code>{deployment.build_sid.unwrap_or_default()}</code> {format!(" to {name}, which served {served} before. ")}
                                <A href=href>"Open that environment"</A> " · "
                                <button type="button" class="link-button undo-promote" aria-disabled=busy(move || undo.pending().get())
                                    on:click=move |_| if !undo.pending().get_untracked() { undo.dispatch(way_back.clone()); }>{back}</button>
                            </p>
                            {move || undo.value().get().map(|undone| match undone {
                                Ok(deployment) => view! {
                                    <p class="saved" id="promote-undone" role="status">{format!(
                                        "Done: it serves {} again.",
                                        deployment.build_sid.as_deref().map_or_else(|| "nothing".to_owned(), short)
                                    )}</p>
                                }.into_any(),
                                Err(error) => view! { <ErrorView error/> }.into_any(),
                            })}
                        }.into_any()
                    }
                    Err(NotPromoted::Stale { shown, now }) => view! {
                        <div class="alert alert-error" role="alert">
                            <strong>"Not promoted."</strong>
                            " This environment now serves " <code>{now.unwrap_or_else(|| "no build".into())}</code>
                            ", not " <code>{shown}</code> " as shown here: it changed elsewhere. "
                            <button type="button" class="link-button" on:click=|_| reload()>"Reload"</button>
                            " to see what is live, then promote again."
                        </div>
                    }.into_any(),
                    Err(NotPromoted::AlreadyThere { name, build }) => view! {
                        <p class="hint" id="promote-result" role="status">
                            {name} " already serves " <code>{build}</code> ": nothing to promote."
                        </p>
                    }.into_any(),
                    Err(NotPromoted::Failed(error)) => view! { <ErrorView error/> }.into_any(),
                })}
            </form>
        </Show>
    }
}
