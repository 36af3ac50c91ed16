//! Deleting a function or asset, warned first when an environment serves it: its live builds keep
//! a snapshot and go on serving it, but no build made afterwards can include it, so the next
//! deploy to those environments takes it off them.

use super::live::serving;
use crate::api::ClientError;
use crate::api::code::{self, Kind, Version};
use crate::components::confirm::ConfirmDelete;
use crate::components::error_view::ErrorView;
use crate::components::outcome::action_on_ok;
use crate::routing::gone;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_models::Function;

type Versions = LocalResource<Result<Vec<Version>, ClientError>>;

#[component]
pub fn DeleteCode(
    kind: Kind,
    item: Function,
    #[prop(into)] name: Signal<String>,
    versions: Versions,
) -> impl IntoView {
    let ids = StoredValue::new((item.service_sid.clone(), item.sid.clone()));
    let navigate = use_navigate();
    let remove = action_on_ok(
        move |_: &()| {
            let (service, sid) = ids.get_value();
            async move { code::remove(&service, kind, &sid).await }
        },
        move |_| {
            navigate(
                &format!("/services/{}/{}", ids.get_value().0, kind.route()),
                gone(&format!("the {} {}", kind.noun(), name.get_untracked())),
            );
        },
    );
    // Asked only once the prompt opens: a page view costs no extra requests.
    let note = move || view! { <LiveIn kind service=ids.get_value().0 versions/> };
    view! {
        <div class="card danger-zone">
            <h2>{format!("Delete {}", kind.noun())}</h2>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            <ConfirmDelete name noun=kind.noun() pending=remove.pending() note
                on_confirm=move || { remove.dispatch(()); }/>
        </div>
    }
}

/// Which environments serve one of `versions`, said before the deletion is confirmed.
#[component]
fn LiveIn(kind: Kind, service: String, versions: Versions) -> impl IntoView {
    let service = StoredValue::new(service);
    // The same reading of what is live as the page's own, made again now: the page's may be
    // older than the prompt.
    let live = LocalResource::new(move || async move {
        let mine: Vec<String> = match versions.await {
            Ok(list) => list.into_iter().map(|v| v.sid).collect(),
            Err(error) => return Err(error),
        };
        Ok(serving(&service.get_value(), kind).await?.holding(&mine))
    });
    move || {
        match live.get() {
            Some(Ok(names)) if names.is_empty() => Some(view! {
                <p class="hint" id="delete-live-in" role="status">"No environment serves it."</p>
            }.into_any()),
            Some(Ok(names)) => Some(view! {
                <p class="field-warning" id="delete-live-in" role="status">
                    {format!(
                        "Live in {}. They keep serving this {noun} until their next deploy, which cannot include it once it is deleted.",
                        names.join(", "),
                        noun = kind.noun(),
                    )}
                </p>
            }.into_any()),
            // Not knowing is said, rather than letting silence pass for "not live".
            Some(Err(error)) => Some(view! {
                <p class="field-warning" id="delete-live-in" role="status">"Could not check which environments serve it:"</p>
                <ErrorView error/>
            }.into_any()),
        _ => None,
    }
    }
}
