//! Choosing one of a service's environments: deploying a build or a version, promoting.

use leptos::prelude::*;
use switchboard_models::Environment;

/// A select of `list` (not empty) bound to `target`, which starts at the first environment
/// unless one was chosen before.
#[component]
pub fn EnvironmentSelect(
    list: Vec<Environment>,
    target: RwSignal<String>,
    /// The form field's name, which tests and the page's labels refer to.
    name: &'static str,
    /// For a select without a visible label.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    if target.get_untracked().is_empty()
        && let Some(first) = list.first()
    {
        target.set(first.sid.clone());
    }
    view! {
        <select name=name aria-label=label on:change=move |ev| target.set(event_target_value(&ev))>
            {list.into_iter().map(|e| {
                let sid = e.sid.clone();
                view! { <option value=e.sid.clone() selected=move || target.get() == sid>{e.unique_name}</option> }
            }).collect_view()}
        </select>
    }
}
