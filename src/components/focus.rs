//! Giving the focus back after a prompt or an edit closes, so a keyboard user carries on from the
//! button that opened it rather than from the top of the page.

use leptos::html::Button;
use leptos::prelude::*;

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
