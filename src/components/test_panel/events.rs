//! Picking a test event (an example or one saved for this function), and saving or deleting
//! the function's own.

use crate::flows::test_events::{self, SavedEvent, TestRequest};
use leptos::prelude::*;

/// The event picker and the save form. `load` fills the panel with an event; `current` reads
/// what the panel holds, to save it.
#[component]
pub fn EventPicker(
    function: String,
    load: impl Fn(TestRequest) + Copy + 'static,
    current: impl Fn() -> TestRequest + Copy + 'static,
) -> impl IntoView {
    let function = StoredValue::new(function);
    let saved = RwSignal::new(function.with_value(|f| test_events::saved(f)));
    let picked = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let said = RwSignal::new(None::<(bool, String)>);
    let examples = StoredValue::new(test_events::examples());
    let pick = move |value: String| {
        let event = match value.split_once(':') {
            Some(("example", at)) => at
                .parse::<usize>()
                .ok()
                .and_then(|at| examples.with_value(|list| list.get(at).cloned())),
            Some(("saved", wanted)) => {
                saved.with(|list| list.iter().find(|e| e.name == wanted).cloned())
            }
            _ => None,
        };
        if let Some(SavedEvent {
            name: event_name,
            request,
        }) = event
        {
            load(request);
            if value.starts_with("saved:") {
                name.set(event_name);
            }
        }
        picked.set(value);
        said.set(None);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = name.get_untracked().trim().to_owned();
        if wanted.is_empty() {
            said.set(Some((false, "Name the event to save it.".into())));
            return;
        }
        let (events, dropped) = function.with_value(|f| test_events::save(f, &wanted, &current()));
        saved.set(events);
        picked.set(format!("saved:{wanted}"));
        let mut words = format!("Saved \"{wanted}\" in this browser.");
        if !dropped.is_empty() {
            words.push_str(&format!(
                " Not saved, as they look like credentials: {}.",
                dropped.join(", ")
            ));
        }
        said.set(Some((true, words)));
    };
    let delete = move |_| {
        let Some(wanted) = picked
            .get_untracked()
            .strip_prefix("saved:")
            .map(str::to_owned)
        else {
            return;
        };
        saved.set(function.with_value(|f| test_events::forget(f, &wanted)));
        picked.set(String::new());
        said.set(Some((true, format!("Deleted \"{wanted}\"."))));
    };
    view! {
        <form class="form inline-form test-events" id="test-events" on:submit=save novalidate>
            <select name="test-event" aria-label="Test event" prop:value=move || picked.get()
                on:change=move |ev| pick(event_target_value(&ev))>
                <option value="">"Pick an event…"</option>
                <optgroup label="Examples">
                    {examples.with_value(|list| list.iter().enumerate().map(|(at, event)| view! {
                        <option value=format!("example:{at}")>{event.name.clone()}</option>
                    }).collect_view())}
                </optgroup>
                <optgroup label="Saved for this function">
                    {move || saved.get().into_iter().map(|event| view! {
                        <option value=format!("saved:{}", event.name) selected=format!("saved:{}", event.name) == picked.get_untracked()>{event.name.clone()}</option>
                    }).collect_view()}
                </optgroup>
            </select>
            {move || picked.get().starts_with("saved:").then(|| view! {
                <button type="button" class="link-button delete-event" on:click=delete>"Delete this event"</button>
            })}
            <input name="test-event-name" aria-label="Event name" placeholder="Event name" prop:value=name
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" class="save-event">"Save event"</button>
            {move || said.get().map(|(ok, words)| view! {
                <p class=if ok { "hint" } else { "field-error" } id="test-event-said" role=if ok { "status" } else { "alert" }>{words}</p>
            })}
        </form>
    }
}
