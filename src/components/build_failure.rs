//! Why a build failed, as npm said it, in place of a bare "failed". Only the emulator knows it
//! (`/__emulator/builds/…`); Twilio's API does not say.

use crate::api::{builds, session};
use leptos::prelude::*;
use switchboard_models::BuildStatus;

#[component]
pub fn BuildFailure(
    #[prop(into)] service: String,
    #[prop(into)] sid: String,
    #[prop(into)] status: Signal<BuildStatus>,
) -> impl IntoView {
    let reason = LocalResource::new(move || {
        let asked = status.get() == BuildStatus::Failed && session::on_emulator();
        let (service, sid) = (service.clone(), sid.clone());
        async move {
            if !asked {
                return None;
            }
            builds::outcome(&service, &sid).await.ok()?.failure
        }
    });
    move || {
        reason
            .get()
            .flatten()
            .map(|reason| view! { <pre class="build-failure">{reason}</pre> })
    }
}
