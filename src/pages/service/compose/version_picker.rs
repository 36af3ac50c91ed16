//! The composer's table of functions and assets: include each or not, and which version.

use super::choices::{Choice, Picks, picked};
use leptos::prelude::*;

/// A row per function and asset: include it or not, and which version.
#[component]
pub(super) fn VersionPicker(choices: Vec<Choice>, picks: Picks) -> impl IntoView {
    view! {
        <table class="table" id="version-picker">
            <thead><tr><th>"Include"</th><th>"Function or asset"</th><th>"Version"</th></tr></thead>
            <tbody>
                {choices.into_iter().filter(|c| !c.versions.is_empty()).map(|choice| {
                    let latest = choice.versions[0].sid.clone();
                    let key = StoredValue::new(choice.sid.clone());
                    let current = StoredValue::new(choice.clone());
                    let pick = move || picks.with(|picks| current.with_value(|c| picked(picks, c)));
                    let set = move |version: Option<String>| picks.update(|picks| { picks.insert(key.get_value(), version); });
                    view! {
                        <tr data-resource=choice.sid.clone() data-kind=choice.kind.noun()>
                            <td><input type="checkbox" class="include" aria-label=format!("Include {}", choice.name)
                                prop:checked=move || pick().is_some()
                                on:change=move |ev| set(event_target_checked(&ev).then(|| latest.clone()))/></td>
                            <td>{choice.name.clone()} " " <small class="kind">{choice.kind.noun()}</small></td>
                            <td>
                                <select class="version-select" aria-label=format!("Version of {}", choice.name)
                                    disabled=move || pick().is_none()
                                    on:change=move |ev| set(Some(event_target_value(&ev)))>
                                    {choice.versions.iter().enumerate().map(|(i, v)| {
                                        let sid = v.sid.clone();
                                        // Newest first; a version's path can differ from its function's name.
                                        let when = v.date_created.replace('T', " ").replace('Z', " UTC");
                                        let label = format!("{}{} · {when} · {}", if i == 0 { "latest · " } else { "" }, v.path, v.sid);
                                        view! { <option value=sid.clone() selected=move || pick().as_deref() == Some(sid.as_str())>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
