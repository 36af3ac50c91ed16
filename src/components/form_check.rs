//! What a form's own checks found wrong, said at the field it is about: the message under the
//! field, the field marked `aria-invalid` and given the focus, so a keyboard or screen-reader user
//! lands where the fix is instead of hunting for a message at the bottom of the form.

use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchboard_models::validate::FieldError;
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq)]
struct Problem {
    /// The `name` of the input it is about; `None` for the form as a whole.
    field: Option<&'static str>,
    message: String,
}

/// A form's check: at most one problem at a time, the first one found, as the API reports one.
#[derive(Clone, Copy)]
pub struct FormCheck {
    /// Makes the messages' element ids unique on the page.
    id: usize,
    problem: RwSignal<Option<Problem>>,
    /// The fields with a message of their own under them; the rest are said by the form's
    /// catch-all message.
    placed: StoredValue<Vec<&'static str>>,
}

impl FormCheck {
    /// The check of the form with id `form`. Its problem's field is marked on the input itself
    /// (`aria-invalid`, `aria-describedby` to the message, the focus) from here, in one place,
    /// rather than by an attribute on each input: the mark moves with the problem, and the first
    /// page's wasm does not grow with every field.
    pub fn new(form: &'static str) -> FormCheck {
        let check = FormCheck {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            problem: RwSignal::new(None),
            placed: StoredValue::new(Vec::new()),
        };
        Effect::new(move |marked: Option<Option<&'static str>>| {
            let now = check.problem.with(|p| p.as_ref().and_then(|p| p.field));
            if let Some(field) = marked.flatten() {
                mark(form, field, None);
            }
            if let Some(field) = now {
                let placed = check.placed.with_value(|placed| placed.contains(&field));
                mark(
                    form,
                    field,
                    Some(&check.message_id(placed.then_some(field))),
                );
            }
            now
        });
        check
    }

    /// A refusal by the shared validators, at the input named after the API parameter it checks.
    pub fn fail(self, error: &FieldError) {
        self.at(error.field, error.in_words());
    }

    pub fn at(self, field: &'static str, message: impl Into<String>) {
        self.problem.set(Some(Problem {
            field: Some(field),
            message: message.into(),
        }));
    }

    /// A problem with no one field to blame (nothing picked, nothing changed).
    pub fn whole(self, message: impl Into<String>) {
        self.problem.set(Some(Problem {
            field: None,
            message: message.into(),
        }));
    }

    pub fn clear(self) {
        if self.problem.with_untracked(Option::is_some) {
            self.problem.set(None);
        }
    }

    fn message_id(self, at: Option<&str>) -> String {
        format!("form-check-{}-{}", self.id, at.unwrap_or("form"))
    }
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Where `check` says its problem: with `at`, only a problem with that field (placed under it);
/// without, any problem no field of the form shows under itself.
#[component]
pub fn CheckMessage(check: FormCheck, #[prop(optional)] at: Option<&'static str>) -> impl IntoView {
    if let Some(field) = at {
        check.placed.update_value(|placed| placed.push(field));
    }
    let id = check.message_id(at);
    move || {
        let problem = check.problem.get()?;
        let shown_here = match at {
            Some(field) => problem.field == Some(field),
            None => problem
                .field
                .is_none_or(|field| !check.placed.with_value(|placed| placed.contains(&field))),
        };
        shown_here.then(|| {
            // A field's message is read with the field, which has the focus; said on its own
            // too (an alert), it would be read twice. Only the form's own problems alert.
            let alert = problem.field.is_none().then_some("alert");
            view! { <p class="field-error" role=alert id=id.clone()>{problem.message}</p> }
        })
    }
}

/// Marks the input named `field` in the form `form` as invalid, described by the message
/// `described`, and focuses it; with `None`, takes the mark off.
fn mark(form: &str, field: &str, described: Option<&str>) {
    let input = document()
        .query_selector(&format!("#{form} [name=\"{field}\"]"))
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into::<web_sys::HtmlElement>().ok());
    let Some(input) = input else { return };
    match described {
        Some(message) => {
            let _ = input.set_attribute("aria-invalid", "true");
            let _ = input.set_attribute("aria-describedby", message);
            let _ = input.focus();
        }
        None => {
            let _ = input.remove_attribute("aria-invalid");
            let _ = input.remove_attribute("aria-describedby");
        }
    }
}
