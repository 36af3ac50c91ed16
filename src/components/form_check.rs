//! What a form's own checks found wrong, said at the field it is about: the message under the
//! field, the field marked `aria-invalid`, and the first such field given the focus, so a keyboard
//! or screen-reader user lands where the fix is instead of hunting for a message at the bottom of
//! the form. Every problem is said at once: one per submit made the user submit once per field.
//!
//! Nothing typed is ever cut: inputs have no `maxlength` (the browser would drop what goes past
//! it without a word). Fields with a length limit are checked as they are typed in instead
//! (`FormCheck::live`), and say "… at most 50 characters long (60 now)" at the field.

use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use switchboard_models::validate::{FieldError, FieldResult};
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, PartialEq)]
struct Problem {
    /// The `name` of the input it is about; `None` for the form as a whole.
    field: Option<&'static str>,
    message: String,
}

/// A rule checked while a field is typed in.
type LiveRule = (&'static str, fn(&str) -> FieldResult);

/// A form's check: every problem found, in the order the form checks its fields.
#[derive(Clone, Copy)]
pub struct FormCheck {
    /// Makes the messages' element ids unique on the page.
    id: usize,
    /// The problems, and whether the focus goes to the first one (after a submit, not while
    /// the user types).
    problems: RwSignal<(Vec<Problem>, bool)>,
    /// The fields with a message of their own under them; the rest are said by the form's
    /// catch-all message.
    placed: StoredValue<Vec<&'static str>>,
    live: StoredValue<Vec<LiveRule>>,
}

impl FormCheck {
    /// The check of the form with id `form`. Its problems' fields are marked on the inputs
    /// themselves (`aria-invalid`, `aria-describedby` to the message, the focus) from here, in
    /// one place, rather than by an attribute on each input: the marks move with the problems,
    /// and the first page's wasm does not grow with every field.
    pub fn new(form: &'static str) -> FormCheck {
        let check = FormCheck {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            problems: RwSignal::new((Vec::new(), false)),
            placed: StoredValue::new(Vec::new()),
            live: StoredValue::new(Vec::new()),
        };
        let marked = StoredValue::new(Vec::<&'static str>::new());
        // An effect, as the marks are set on the DOM's inputs directly (see above).
        Effect::new(move |_| {
            let (now, focus) = check.problems.with(|(problems, focus)| {
                let fields: Vec<&'static str> = problems.iter().filter_map(|p| p.field).collect();
                (fields, *focus)
            });
            for field in marked.get_value().iter().filter(|f| !now.contains(*f)) {
                mark(form, field, None, false);
            }
            for (at, field) in now.iter().enumerate() {
                mark(
                    form,
                    field,
                    Some(&check.message_id(Some(*field))),
                    focus && at == 0,
                );
            }
            marked.set_value(now);
        });
        check
    }

    /// A refusal by the shared validators, at the input named after the API parameter it checks.
    pub fn fail(self, error: &FieldError) {
        self.at(error.field, error.in_words());
    }

    pub fn at(self, field: &'static str, message: impl Into<String>) {
        self.all(vec![(field, message.into())]);
    }

    /// Every problem found, each at its field; the first takes the focus. `true` when there is
    /// none (and the earlier ones are cleared).
    pub fn all(self, found: Vec<(&'static str, String)>) -> bool {
        if found.is_empty() {
            self.clear();
            return true;
        }
        let problems = found
            .into_iter()
            .map(|(field, message)| Problem {
                field: Some(field),
                message,
            })
            .collect();
        self.problems.set((problems, true));
        false
    }

    /// A problem with no one field to blame (nothing picked, nothing changed).
    pub fn whole(self, message: impl Into<String>) {
        let problem = Problem {
            field: None,
            message: message.into(),
        };
        self.problems.set((vec![problem], true));
    }

    pub fn clear(self) {
        if self.problems.with_untracked(|(p, _)| !p.is_empty()) {
            self.problems.set((Vec::new(), false));
        }
    }

    /// Checks `field` with `rule` (its length limit) as it is typed in, through `on_input`.
    pub fn live(self, field: &'static str, rule: fn(&str) -> FieldResult) {
        self.live.update_value(|live| live.push((field, rule)));
    }

    /// The form's `input` handler, for the fields given to `live`: a field's earlier message
    /// goes once it is edited, and the rule says at once when it goes over its limit. The focus
    /// stays where the user types.
    pub fn on_input(self) -> impl Fn(leptos::ev::Event) + Copy + 'static {
        move |event| {
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let name = input.name();
            let Some((field, rule)) = self
                .live
                .with_value(|live| live.iter().find(|(f, _)| *f == name).copied())
            else {
                return;
            };
            let found = rule(&input.value()).err().map(|error| Problem {
                field: Some(field),
                message: error.in_words(),
            });
            let had = self
                .problems
                .with_untracked(|(list, _)| list.iter().any(|p| p.field == Some(field)));
            if had || found.is_some() {
                self.problems.update(|(list, focus)| {
                    *focus = false;
                    list.retain(|p| p.field != Some(field));
                    list.extend(found);
                });
            }
        }
    }

    /// The element id of the message about `field`: its own, or the form's catch-all.
    fn message_id(self, field: Option<&str>) -> String {
        let placed = field.filter(|f| {
            self.placed
                .with_value(|placed| placed.iter().any(|p| p == f))
        });
        format!("form-check-{}-{}", self.id, placed.unwrap_or("form"))
    }
}

/// The shared validators' refusals among `results`, as `FormCheck::all` takes them.
pub fn refusals(results: impl IntoIterator<Item = FieldResult>) -> Vec<(&'static str, String)> {
    results
        .into_iter()
        .filter_map(Result::err)
        .map(|error| (error.field, error.in_words()))
        .collect()
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Where `check` says its problems: with `at`, the problem with that field (placed under it);
/// without, every problem no field of the form shows under itself, one a line.
#[component]
pub fn CheckMessage(check: FormCheck, #[prop(optional)] at: Option<&'static str>) -> impl IntoView {
    if let Some(field) = at {
        check.placed.update_value(|placed| placed.push(field));
    }
    let id = check.message_id(at);
    move || {
        let (said, alert) = check.problems.with(|(problems, _)| {
            let here: Vec<&Problem> = problems
                .iter()
                .filter(|problem| match at {
                    Some(field) => problem.field == Some(field),
                    None => problem.field.is_none_or(|field| {
                        !check.placed.with_value(|placed| placed.contains(&field))
                    }),
                })
                .collect();
            // A field's message is read with the field, which has the focus; said on its own
            // too (an alert), it would be read twice. Only the form's own problems alert.
            let alert = here.iter().any(|p| p.field.is_none()).then_some("alert");
            let mut said = String::new();
            for problem in here {
                if !said.is_empty() {
                    said.push('\n');
                }
                said.push_str(&problem.message);
            }
            (said, alert)
        });
        (!said.is_empty())
            .then(|| view! { <p class="field-error" role=alert id=id.clone()>{said}</p> })
    }
}

/// Marks the input named `field` in the form `form` as invalid, described by the message
/// `described`, and focuses it when `focus`; with `None`, takes the mark off.
fn mark(form: &str, field: &str, described: Option<&str>, focus: bool) {
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
            if focus {
                let _ = input.focus();
            }
        }
        None => {
            let _ = input.remove_attribute("aria-invalid");
            let _ = input.remove_attribute("aria-describedby");
        }
    }
}
