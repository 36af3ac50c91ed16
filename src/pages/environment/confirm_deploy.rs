//! Asking before an environment's live build is replaced (a rollback, a deploy from the list, a
//! promote): which build it will serve instead of which, told apart by more than a SID (age,
//! and what differs between the two), and one button to go ahead. Twilio switches at once.

use crate::api::{ClientError, builds};
use crate::components::build_diff::{BuildDiffView, aged};
use crate::components::error_view::ErrorView;
use crate::components::focus::busy;
use leptos::prelude::*;
use switchboard_models::Environment;
use switchboard_models::build_diff::compare;
use switchboard_models::sid::short;

/// The environment `sid` of the `listed` ones, as a deploy to it is asked about: its unique name
/// (its SID while the list is not there) and the build it serves now.
pub fn target_named(
    listed: Option<Result<Vec<Environment>, ClientError>>,
    sid: &str,
) -> (String, Option<String>) {
    let listed = listed.and_then(Result::ok).unwrap_or_default();
    match listed.into_iter().find(|e| e.sid == sid) {
        Some(there) => (there.unique_name, there.build_sid),
        None => (sid.to_owned(), None),
    }
}

/// What the environment would serve (`to`) and serves now (`from`; `None`: nothing), compared.
#[component]
pub fn ConfirmDeploy(
    service: String,
    /// The environment's unique name.
    environment: String,
    from: Option<String>,
    to: String,
    /// The button that goes ahead ("Roll back dev to ZB…7da798").
    label: String,
    #[prop(into)] pending: Signal<bool>,
    on_confirm: impl Fn() + Send + Sync + 'static,
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let on_cancel = StoredValue::new(on_cancel);
    let cancel = move || on_cancel.with_value(|f| f());
    // Asked about the build it serves already (a list read before a deploy elsewhere): nothing
    // to confirm, and Twilio would refuse it.
    let same = from.as_deref() == Some(to.as_str());
    let ids = StoredValue::new((service, from.clone(), to.clone()));
    let pair = LocalResource::new(move || {
        let (service, from, to) = ids.get_value();
        async move {
            let to = builds::fetch(&service, &to).await?;
            let from = match from {
                Some(sid) => Some(builds::fetch(&service, &sid).await?),
                None => None,
            };
            Ok::<_, ClientError>((from, to))
        }
    });
    let sentence = move || match pair.get() {
        _ if same => format!(
            "{environment} already serves {}: nothing to change.",
            short(&to)
        ),
        Some(Ok((from, to))) => {
            let summary = compare(&from.clone().unwrap_or_default(), &to).summary();
            match from {
                Some(from) => format!(
                    "{environment} will serve {} instead of {}; {summary}.",
                    aged(&to),
                    aged(&from)
                ),
                None => format!(
                    "{environment} will serve {}, and serves nothing now: {summary}.",
                    aged(&to)
                ),
            }
        }
        _ => format!(
            "{environment} will serve {} instead of {}.",
            short(&to),
            from.as_deref().map_or_else(|| "nothing".to_owned(), short)
        ),
    };
    // The choice is the next thing to make: the focus goes to it, as in a dialog.
    let (go, back) = (
        NodeRef::<leptos::html::Button>::new(),
        NodeRef::<leptos::html::Button>::new(),
    );
    Effect::new(move |_| {
        if let Some(button) = go.get().or_else(|| back.get()) {
            let _ = button.focus();
        }
    });
    view! {
        <div class="confirm-panel confirm-deploy" id="confirm-deploy" role="dialog" aria-labelledby="confirm-deploy-what"
            on:keydown=move |ev| if ev.key() == "Escape" { cancel() }>
            <p id="confirm-deploy-what">{sentence}</p>
            {move || match pair.get() {
                _ if same => ().into_any(),
                Some(Ok((from, to))) => view! { <BuildDiffView diff=compare(&from.unwrap_or_default(), &to)/> }.into_any(),
                Some(Err(error)) => view! {
                    <p class="hint">"The two builds could not be compared:"</p>
                    <ErrorView error/>
                }.into_any(),
                None => view! { <div class="skeleton" aria-busy="true">"Comparing the builds…"</div> }.into_any(),
            }}
            <div class="toolbar">
                {(!same).then(|| view! {
                    <button type="button" class="primary confirm-deploy-button" node_ref=go aria-disabled=busy(move || pending.get())
                        on:click=move |_| if !pending.get_untracked() { on_confirm() }>{label}</button>
                })}
                <button type="button" class="cancel-deploy" node_ref=back on:click=move |_| cancel()>{if same { "Close" } else { "Cancel" }}</button>
            </div>
        </div>
    }
}
