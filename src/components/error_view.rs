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
/// rest of the page (and whatever was typed in it), which a reload would not. For the item a
/// `page` is about, a 404 (deleted, or a wrong link) would not load on a second try either: that
/// is said, with the way back to the list it would be in. A panel's 404 may pass (a version list
/// read while its function was being replaced), so panels keep their Try again.
#[component]
pub fn LoadError(
    error: ClientError,
    retry: impl Fn() + 'static,
    #[prop(optional)] page: bool,
) -> impl IntoView {
    if page && error.is_not_found() {
        return view! { <Missing error/> }.into_any();
    }
    view! {
        <div class="load-error">
            <ErrorView error/>
            <button type="button" class="retry-load" on:click=move |_| retry()>"Try again"</button>
        </div>
    }
    .into_any()
}

/// The 404 a resource answered with, if that is how it failed: for a page that shows `Missing`
/// in place of everything else when its item does not exist.
pub fn not_found<T: Clone + 'static>(
    resource: LocalResource<Result<T, ClientError>>,
) -> impl Fn() -> Option<ClientError> + Copy {
    move || {
        resource
            .get()
            .and_then(Result::err)
            .filter(ClientError::is_not_found)
    }
}

/// What a 404 on the current page means, and the way back: to the nearest list, or to `back`
/// when the caller knows better (a missing service's pages lead to the services).
#[component]
pub fn Missing(
    error: ClientError,
    #[prop(optional)] back: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let path = crate::routing::use_path().get_untracked();
    let (href, label) = match back {
        Some((href, label)) => (href.to_owned(), label.to_owned()),
        None => list_above(&path),
    };
    view! {
        <div class="load-error missing" id="missing">
            <p><strong>"This does not exist."</strong> " It may have been deleted (here, in another tab or with the CLI), or the link is wrong."</p>
            <ErrorView error/>
            <crate::routing::A href=href>{label}</crate::routing::A>
        </div>
    }
}

/// The list that holds what `path` shows: `/services/ZS1/environments/ZE1/logs` is in
/// `/services/ZS1/environments`, `/services/ZS1` in `/services`.
fn list_above(path: &str) -> (String, String) {
    const LISTS: [(&str, &str); 5] = [
        ("services", "Services"),
        ("environments", "Environments"),
        ("functions", "Functions"),
        ("assets", "Assets"),
        ("builds", "Builds"),
    ];
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let list = (0..segments.len().saturating_sub(1)).rev().find_map(|i| {
        LISTS
            .iter()
            .find(|(s, _)| *s == segments[i])
            .map(|l| (i, l))
    });
    match list {
        Some((i, (_, label))) => (
            format!("/{}", segments[..=i].join("/")),
            format!("Back to {label}"),
        ),
        None => ("/services".into(), "Back to Services".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::list_above;

    #[test]
    fn a_missing_item_leads_back_to_its_list() {
        let href = |path: &str| list_above(path).0;
        assert_eq!(
            href("/services/ZS1/environments/ZE1/logs"),
            "/services/ZS1/environments"
        );
        assert_eq!(
            href("/services/ZS1/environments/ZEnope"),
            "/services/ZS1/environments"
        );
        assert_eq!(href("/services/ZS1/builds/ZB1"), "/services/ZS1/builds");
        assert_eq!(href("/services/ZS1"), "/services");
        assert_eq!(href("/services/ZS1/environments"), "/services");
        assert_eq!(
            list_above("/services/ZS1/functions/ZH1").1,
            "Back to Functions"
        );
        assert_eq!(href("/elsewhere"), "/services");
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
