//! Helpers every page uses with the router: route parameters, and leaving a deleted item's page.

use leptos::prelude::*;

/// How to leave the page of something just deleted: in place of it in the history, so Back does
/// not return to a page that can only say "not found", and with what was deleted ("the function
/// /hello") in the history entry's state, for the list to say it (`DeletedNote`).
pub fn gone(what: &str) -> leptos_router::NavigateOptions {
    leptos_router::NavigateOptions {
        replace: true,
        state: leptos_router::location::State::new(Some(format!("Deleted {what}.").into())),
        ..Default::default()
    }
}

/// On a list page: what was just deleted, when the page was reached by `gone`. Read from the
/// browser's history entry as the list opens: the router's own copy of the state keeps the last
/// one `navigate` set through later link clicks, and the note would follow the user around.
#[component]
pub fn DeletedNote() -> impl IntoView {
    let said = window()
        .history()
        .ok()
        .and_then(|history| history.state().ok())
        .and_then(|state| state.as_string());
    said.map(|said| view! { <p class="saved" id="deleted-note" role="status">{said}</p> })
}

/// A route parameter as a signal ("" when absent, which no API path accepts).
pub fn param(name: &'static str) -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}
