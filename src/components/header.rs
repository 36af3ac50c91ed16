use crate::api::session;
use crate::routing::A;
use leptos::prelude::*;

/// The top bar: product name, and which upstream (emulator or live Twilio) the relay talks to.
#[component]
pub fn Header() -> impl IntoView {
    let session = LocalResource::new(session::fetch);
    // A relay that was down comes back (a restart, the laptop waking up): ask again every few
    // seconds until it answers, so the badge does not keep saying "unreachable".
    Effect::new(move |_| {
        if let Some(Err(crate::api::ClientError::Network(_))) = session.get() {
            set_timeout(move || session.refetch(), std::time::Duration::from_secs(5));
        }
    });
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"Switchboard"</A>
            {crate::config::display_name().map(|name| view! { <span class="deployment" id="deployment">{name}</span> })}
            <span class="upstream">
                // From the resource's value, not a <Transition>: nothing until the first answer,
                // then the last one until the next (first-load bytes, docs/PERFORMANCE.md).
                {move || session.get().map(|answer| match answer {
                    Ok(s) if s.upstream == "emulator" => view! {
                        // One text rather than a second badge: the header is on the first page.
                        <span class="badge badge-emulator" title="Calls go to the local emulator">{
                            if matches!(s.runtime.as_deref(), Some("simulated" | "off")) { "Emulator, simulated" } else { "Emulator" }
                        }</span>
                        <span class="account">{s.account}</span>
                    }.into_any(),
                    Ok(s) => view! {
                        <span class="badge badge-live" title="Calls go to Twilio">"Live"</span>
                        <span class="account">{s.account}</span>
                    }.into_any(),
                    Err(crate::api::ClientError::TokenRequired) => view! { <span class="badge badge-error">"Token needed"</span> }.into_any(),
                    Err(_) => view! { <span class="badge badge-error">"Relay unreachable"</span> }.into_any(),
                })}
            </span>
        </header>
    }
}
