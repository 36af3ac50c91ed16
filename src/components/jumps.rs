//! "On this page": links to the parts of a long page (an environment's deployments and
//! variables, a service's builds below the composer), so a keyboard user reaches one in a few
//! key presses instead of tabbing through every row and button before it. A landmark of its
//! own (a `nav`), like the parts it leads to (labelled sections).

use crate::components::page_focus;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One link per part: the element id it leads to, and what it is called.
#[component]
pub fn Jumps(to: Vec<(&'static str, &'static str)>) -> impl IntoView {
    view! {
        <nav class="jumps" aria-label="On this page">
            {to.into_iter().map(|(id, label)| view! {
                <a href=format!("#{id}") on:click=move |ev| { ev.prevent_default(); jump(id); }>{label}</a>
            }).collect_view()}
        </nav>
    }
}

/// Focuses the part with id `id`: a section's heading (so the next Tab goes into the section,
/// and a screen reader says where it is), or for a part without one (a one-line form), its
/// first control.
fn jump(id: &str) {
    let Some(target) = document().get_element_by_id(id) else {
        return;
    };
    if let Some(heading) = target.query_selector("h2").ok().flatten() {
        page_focus::focus(&heading);
        return;
    }
    let control = target
        .query_selector("input, select, textarea, button")
        .ok()
        .flatten()
        .and_then(|control| control.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(control) = control {
        let _ = control.focus();
    }
}
