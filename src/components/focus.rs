//! Giving the focus back after a prompt or an edit closes, so a keyboard user carries on from the
//! button that opened it rather than from the top of the page.

use leptos::html::Button;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A flag that, once set, focuses `button` as soon as it is mounted (a `<Show>` re-creates it
/// when the prompt closes), then clears itself.
pub fn refocus_on(button: NodeRef<Button>) -> RwSignal<bool> {
    let wanted = RwSignal::new(false);
    Effect::new(move |_| {
        if wanted.get()
            && let Some(button) = button.get()
        {
            let _ = button.focus();
            wanted.set(false);
        }
    });
    wanted
}

/// `aria-disabled` for a button while its work runs, where `disabled` would drop the keyboard
/// focus to the page: the user would be back at the top when the work ends. The button's handler
/// ignores presses while busy.
pub fn busy(
    pending: impl Fn() -> bool + Send + Sync + 'static,
) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    move || pending().then_some("true")
}

/// Focuses the first element matching `css` once the changes made just now are on the page:
/// for an element a signal update is about to render (a new row, a rebuilt one).
pub fn focus_when_rendered(css: String) {
    request_animation_frame(move || {
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&css).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = found {
            let _ = element.focus();
        }
    });
}
