use crate::components::focus::refocus_on;
use leptos::prelude::*;

/// A delete button that first asks the user to type the resource's name, so nothing is deleted
/// by a stray click. `on_confirm` runs once the name matches.
#[component]
pub fn ConfirmDelete(
    /// What the user must type (a unique name, key or SID).
    #[prop(into)]
    name: Signal<String>,
    /// The kind of thing being deleted, for the button and prompt ("service").
    noun: &'static str,
    on_confirm: impl Fn() + Send + Sync + 'static,
    #[prop(into, optional)] pending: Signal<bool>,
    /// Shown in the prompt, above the name to type: what else the deletion touches. Made when
    /// the prompt opens, so whatever it loads is asked for only then.
    #[prop(into, optional)]
    note: Option<ViewFn>,
) -> impl IntoView {
    let on_confirm = StoredValue::new(on_confirm);
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let matches = move || name.with(|e| typed.with(|t| t == e));
    // Backing out puts the focus back on the button that opened the prompt.
    let opener = NodeRef::<leptos::html::Button>::new();
    let refocus = refocus_on(opener);
    let close = move || {
        open.set(false);
        typed.set(String::new());
        refocus.set(true);
    };
    // The prompt takes the focus when it opens, so the name can be typed at once.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(input) = input.get()
        {
            let _ = input.focus();
        }
    });
    view! {
        <div class="confirm-delete">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="danger" node_ref=opener on:click=move |_| open.set(true)
                        aria-label=move || format!("Delete {noun} {}", name.get())>
                        {format!("Delete {noun}…")}
                    </button>
                }
            >
                // A form, so Enter in the name confirms; Escape backs out.
                <form class="confirm-panel" role="dialog" aria-label=format!("Delete {noun}")
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if matches() && !pending.get_untracked() {
                            on_confirm.with_value(|f| f());
                        }
                    }
                    on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    {note.as_ref().map(ViewFn::run)}
                    <p>"This cannot be undone. Type " <code>{move || name.get()}</code> " to confirm."</p>
                    <input class="confirm-input" aria-label="Name to confirm" node_ref=input
                        prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
                    <button type="submit" class="danger confirm-button"
                        disabled=move || !matches() || pending.get()>
                        {format!("Delete this {noun}")}
                    </button>
                    <button type="button" on:click=move |_| close()>"Cancel"</button>
                </form>
            </Show>
        </div>
    }
}
