use crate::api::ClientError;
use leptos::prelude::*;

/// An error where it happened: Twilio's code, message and documentation link when there is one.
#[component]
pub fn ErrorView(error: ClientError) -> impl IntoView {
    if error == ClientError::TokenRequired {
        return view! { <TokenPrompt/> }.into_any();
    }
    let (title, link) = match error.twilio() {
        Some(twilio) => (
            format!("Error {}", twilio.code),
            Some(twilio.more_info.clone()).filter(|l| !l.is_empty()),
        ),
        None => ("Error".to_owned(), None),
    };
    let message = match &error {
        ClientError::Api(twilio) => twilio.message.clone(),
        // The browser's own words ("TypeError: Failed to fetch") say nothing about what to do.
        ClientError::Network(detail) => format!(
            "No answer from the relay: check that Switchboard is still running and that this \
             computer is online, then try again. ({detail})"
        ),
        other => other.to_string(),
    };
    view! {
        <div class="alert alert-error" role="alert">
            <strong>{title}</strong>
            " "
            <span class="message">{message}</span>
            {link.map(|href| view! { " " <a href=href target="_blank" rel="noopener noreferrer">"More info"</a> })}
        </div>
    }
    .into_any()
}

/// A page or panel whose data did not load: the error, and a way to ask again that keeps the
/// rest of the page (and whatever was typed in it), which a reload would not.
#[component]
pub fn LoadError(error: ClientError, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="load-error">
            <ErrorView error/>
            <button type="button" class="retry-load" on:click=move |_| retry()>"Try again"</button>
        </div>
    }
}

/// Asks for the relay's console token once; it is kept for this tab only (sessionStorage).
#[component]
fn TokenPrompt() -> impl IntoView {
    let token = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        crate::api::set_token(token.get_untracked().trim());
        crate::components::on_demand::reload();
    };
    view! {
        <form class="card form" id="token-prompt" on:submit=submit>
            <h2>"This relay needs its console token"</h2>
            <label>
                "Console token"
                <input type="password" name="token" autocomplete="off" required
                    prop:value=token on:input=move |ev| token.set(event_target_value(&ev))/>
                <small>"Ask whoever runs the relay. It is kept for this tab only."</small>
            </label>
            <button type="submit" class="primary">"Continue"</button>
        </form>
    }
}
