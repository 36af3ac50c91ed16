//! The runtime a build runs on.

use leptos::prelude::*;
use switchboard_models::RUNTIMES;

#[component]
pub(super) fn RuntimePicker(runtime: RwSignal<String>) -> impl IntoView {
    view! {
        <label>"Runtime"
            <select name="Runtime" on:change=move |ev| runtime.set(event_target_value(&ev))>
                {RUNTIMES.into_iter().map(|r| view! {
                    <option value=r selected=move || runtime.get() == r>{r}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
