//! What a form's own checks found wrong, said at the field it is about: the message under the
//! field, the field marked `aria-invalid` and given the focus, so a keyboard or screen-reader user
//! lands where the fix is instead of hunting for a message at the bottom of the form.

use leptos::html::P;
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

impl Default for FormCheck {
    fn default() -> Self {
        FormCheck {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            problem: RwSignal::new(None),
            placed: StoredValue::new(Vec::new()),
        }
    }
}

impl FormCheck {
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

    /// For an input's `aria-describedby`: the message about it, while there is one. Set and
    /// cleared with the problem, so no field points at a message about another.
    pub fn described(self, field: &'static str) -> impl Fn() -> Option<String> + Copy {
        move || {
            let about = self
                .problem
                .with(|p| p.as_ref().is_some_and(|p| p.field == Some(field)));
            let placed = self.placed.with_value(|placed| placed.contains(&field));
            about.then(|| self.message_id(placed.then_some(field)))
        }
    }

    fn message_id(self, at: Option<&str>) -> String {
        format!("form-check-{}-{}", self.id, at.unwrap_or("form"))
    }

    /// For an input's `aria-invalid`: "true" while the problem is about it.
    pub fn invalid(self, field: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
        move || {
            self.problem
                .with(|p| p.as_ref().is_some_and(|p| p.field == Some(field)))
                .then_some("true")
        }
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
    let node = NodeRef::<P>::new();
    Effect::new(move |_| {
        let Some(message) = node.get() else { return };
        if let Some(field) = check
            .problem
            .with_untracked(|p| p.as_ref().and_then(|p| p.field))
        {
            point_at(&message, field);
        }
    });
    move || {
        let problem = check.problem.get()?;
        let shown_here = match at {
            Some(field) => problem.field == Some(field),
            None => problem
                .field
                .is_none_or(|field| !check.placed.with_value(|placed| placed.contains(&field))),
        };
        shown_here.then(|| {
            view! { <p class="field-error" role="alert" id=id.clone() node_ref=node>{problem.message}</p> }
        })
    }
}

/// Focuses the form's input named `field`.
fn point_at(message: &web_sys::HtmlParagraphElement, field: &str) {
    let scope = message.closest("form, section").ok().flatten();
    let input = scope
        .and_then(|scope| scope.query_selector(&format!("[name=\"{field}\"]")).ok())
        .flatten()
        .and_then(|input| input.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
