//! Where the keyboard focus goes when the page changes. A single-page app that only swaps the
//! page's content leaves the focus on the link that was clicked, or drops it to `<body>`: a
//! keyboard user starts over from the top, and a screen reader says nothing of the new page.
//! As accessible routers do, the focus moves to the new page's heading, and a "Skip to content"
//! link leads past the header and the tabs. In the first page's module: kept small, one effect.

use leptos::prelude::*;
use std::time::Duration;
use web_sys::Element;

/// Before the header: hidden until it has the focus (the first Tab on any page).
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="skip-link" href="#content" on:click=|ev| { ev.prevent_default(); focus_heading(); }>"Skip to content"</a>
    }
}

/// After each navigation to another path (not a change of query, such as a search or the
/// version shown), moves the focus to the new page's heading once it is on the page: pages and
/// their chunks load after the path changes. The focus is left alone when the user or the page
/// moved it meanwhile, and on the first load, where the browser starts at the top.
pub fn focus_on_navigation() {
    let pathname = crate::routing::use_path();
    Effect::new(move |last: Option<String>| {
        let now = pathname.get();
        if last.is_some_and(|last| last != now) {
            settle(document().active_element(), heading(), 100);
        }
        now
    });
}

/// The page's heading, once the page has one.
fn heading() -> Option<Element> {
    document().query_selector("main h1").ok().flatten()
}

/// Focuses the new heading once it replaced `old`, checking every 50 ms, `left` more times.
fn settle(before: Option<Element>, old: Option<Element>, left: u32) {
    set_timeout(
        move || {
            // (A focused element that is removed leaves the focus on the body.)
            let active = document().active_element();
            let moved = active != before && active != document().body().map(Into::into);
            if moved {
                return;
            }
            match heading() {
                Some(new) if Some(&new) != old.as_ref() || left == 0 => focus(&new),
                _ if left > 0 => settle(before, old, left - 1),
                _ => {}
            }
        },
        Duration::from_millis(50),
    );
}

/// Focuses the page's heading, or the main area.
pub fn focus_heading() {
    let target = heading().or_else(|| document().get_element_by_id("content"));
    if let Some(target) = target {
        focus(&target);
    }
}

/// Focuses an element that is not focusable by Tab (a heading, the main area), scrolling it
/// into view; Tab goes on from there.
pub fn focus(element: &Element) {
    use wasm_bindgen::JsCast;
    let _ = element.set_attribute("tabindex", "-1");
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}
