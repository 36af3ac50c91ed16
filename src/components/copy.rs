use leptos::prelude::*;

/// A SID in monospace with a one-click copy button.
#[component]
pub fn CopySid(#[prop(into)] sid: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = sid.clone();
    let label = format!("Copy {sid}");
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <span class="sid">
            <code>{sid}</code>
            // The label names the SID (every row has one); the text, announced politely, confirms.
            <button type="button" class="copy" on:click=copy aria-label=label>
                <span aria-live="polite">{move || if copied.get() { "Copied" } else { "Copy" }}</span>
            </button>
        </span>
    }
}
