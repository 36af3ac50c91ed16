use leptos::prelude::*;

/// A SID in monospace with a one-click copy button.
#[component]
pub fn CopySid(#[prop(into)] sid: String) -> impl IntoView {
    view! {
        <span class="sid">
            <code>{sid.clone()}</code>
            <CopyButton text=sid/>
        </span>
    }
}

/// Copies `text` to the clipboard. Its label names the text (every row has one); the button's
/// own text, announced politely, confirms.
#[component]
pub fn CopyButton(#[prop(into)] text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let label = format!("Copy {text}");
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <button type="button" class="copy" on:click=copy aria-label=label>
            <span aria-live="polite">{move || if copied.get() { "Copied" } else { "Copy" }}</span>
        </button>
    }
}
