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

/// The path the console is served under, without its trailing slash: `""` at a site's root,
/// `"/sb"` under `/sb/`. index.html's first script works it out from the address and writes it
/// into a `<base>`; the router is rooted there, and every link and navigation is under it.
pub fn base() -> &'static str {
    static BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let href = document()
            .query_selector("base")
            .ok()
            .flatten()
            .and_then(|base| base.get_attribute("href"))
            .unwrap_or_default();
        href.trim_end_matches('/').to_owned()
    })
}

/// A link to one of the console's pages, named by its path below the base (`/services/ZS1`).
/// leptos_router's own `<A>` leaves absolute paths as they are, which under a base would lead
/// out of the console.
#[component]
pub fn A<H>(
    href: H,
    /// Active only on exactly this page, not below it.
    #[prop(optional)]
    exact: bool,
    children: Children,
) -> impl IntoView
where
    H: leptos_router::components::ToHref + Send + Sync + 'static,
{
    link(
        Box::new(move || format!("{}{}", base(), href.to_href()())),
        exact,
        children,
    )
}

/// The link itself, once for every kind of `href`: first-load bytes (docs/PERFORMANCE.md).
fn link(
    href: Box<dyn Fn() -> String + Send + Sync>,
    exact: bool,
    children: Children,
) -> impl IntoView {
    view! { <leptos_router::components::A href exact>{children()}</leptos_router::components::A> }
}

/// The address bar's path below the base, as the routes name it.
pub fn use_path() -> Memo<String> {
    let pathname = leptos_router::hooks::use_location().pathname;
    Memo::new(move |_| pathname.with(|path| below_base(path, base()).to_owned()))
}

fn below_base<'a>(path: &'a str, base: &str) -> &'a str {
    match path.strip_prefix(base) {
        Some(below) if below.is_empty() || below.starts_with('/') => below,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::below_base;

    #[test]
    fn paths_are_taken_below_the_base() {
        assert_eq!(below_base("/services/ZS1", ""), "/services/ZS1");
        assert_eq!(below_base("/sb/services/ZS1", "/sb"), "/services/ZS1");
        assert_eq!(below_base("/sb", "/sb"), "");
        assert_eq!(below_base("/sbx/services", "/sb"), "/sbx/services");
    }
}
