//! An environment's variables: masked until revealed, editable in place, importable from `.env`.

use super::variables_import::ImportDotenv;
use crate::api::{ClientError, environments};
use crate::components::confirm::ConfirmDelete;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::{busy, focus_when_rendered, refocus_on};
use crate::components::form_check::{CheckMessage, FormCheck, refusals};
use crate::components::outcome::{action_on_ok, action_then, submit_to};
use leptos::prelude::*;
use switchboard_models::{Variable, limits, validate};

#[component]
pub fn VariablesPanel(service: String, environment: String) -> impl IntoView {
    let ids = StoredValue::new((service, environment));
    // The rows live in a signal and are keyed by SID and value, so a refetch after one row is
    // saved rebuilds that row only: another row being edited keeps what was typed in it.
    let rows = RwSignal::new(Vec::<Variable>::new());
    let state = RwSignal::new(None::<Result<(), ClientError>>);
    // Where the keyboard focus goes once the list is read again after a row changed: its button
    // is rebuilt (a saved row) or gone (a deleted one), and the focus would fall to the page.
    let focus_after = StoredValue::new(None::<RowChange>);
    // Each read lands in the rows where it arrives, rather than through an effect that copies
    // the resource's value; the resource is what Try again and a change read again.
    let list = LocalResource::new(move || {
        let (service, environment) = ids.get_value();
        async move {
            let read = environments::list_variables(&service, &environment).await;
            if !rows.is_disposed() {
                show_read(read, rows, state, focus_after);
            }
        }
    });
    let refresh = move || list.refetch();
    let changed = move |change: RowChange| {
        focus_after.set_value(Some(change));
        list.refetch();
    };
    view! {
        <section class="card variables" id="variables" aria-labelledby="variables-heading">
            <h2 id="variables-heading">"Variables"</h2>
            {move || match state.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading variables…"</div> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || list.refetch()/> }.into_any(),
                Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p class="empty" id="variables-empty">"No variables. Add one below or import a .env file."</p> }.into_any(),
                Some(Ok(())) => ().into_any(),
            }}
            <Show when=move || rows.with(|r| !r.is_empty())>
                <table class="table" id="variables-table">
                    <thead><tr><th>"Key"</th><th>"Value"</th><th></th></tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|v| (v.sid.clone(), v.value.clone()) let:variable>
                            <VariableRow ids variable on_change=changed/>
                        </For>
                    </tbody>
                </table>
            </Show>
            <AddVariableForm ids rows on_added=refresh/>
            <ImportDotenv ids on_done=refresh/>
        </section>
    }
}

pub(super) type Ids = StoredValue<(String, String)>;

/// Puts a read of the list on screen, with the focus where `focus_after` says.
fn show_read(
    read: Result<Vec<Variable>, ClientError>,
    rows: RwSignal<Vec<Variable>>,
    state: RwSignal<Option<Result<(), ClientError>>>,
    focus_after: StoredValue<Option<RowChange>>,
) {
    match read {
        Ok(variables) => {
            let focus = focus_after
                .try_update_value(Option::take)
                .flatten()
                .map(|change| rows.with_untracked(|r| row_after(r, &variables, &change)));
            rows.set(variables);
            state.set(Some(Ok(())));
            if let Some(row) = focus {
                focus_row(row);
            }
        }
        Err(error) => {
            // Not for a later, unrelated refetch.
            focus_after.set_value(None);
            state.set(Some(Err(error)));
        }
    }
}

/// What a row did, for where the keyboard focus goes next.
#[derive(Debug, Clone, PartialEq)]
enum RowChange {
    Saved(String),
    Deleted(String),
}

/// The row (by its place in `now`) whose Edit button takes the focus after `change`: the saved
/// row, or the one that took the deleted row's place (the last, when it was the last); `None`
/// when no row is left.
fn row_after(before: &[Variable], now: &[Variable], change: &RowChange) -> Option<usize> {
    let position = |list: &[Variable], key: &str| list.iter().position(|v| v.key == key);
    match change {
        // Saved and then removed elsewhere: the first row.
        RowChange::Saved(key) => position(now, key).or((!now.is_empty()).then_some(0)),
        RowChange::Deleted(key) => {
            let place = position(before, key).unwrap_or(0);
            (!now.is_empty()).then(|| place.min(now.len() - 1))
        }
    }
}

/// Focuses the Edit button of the row at `row`, or with no rows, the new variable's key: adding
/// one is what there is left to do.
fn focus_row(row: Option<usize>) {
    focus_when_rendered(match row {
        Some(row) => format!(
            "#variables-table tbody tr:nth-child({}) button.edit",
            row + 1
        ),
        None => "#add-variable input[name=Key]".to_owned(),
    });
}

#[component]
fn VariableRow(
    ids: Ids,
    variable: Variable,
    on_change: impl Fn(RowChange) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let revealed = RwSignal::new(false);
    let editing = RwSignal::new(false);
    let value = RwSignal::new(variable.value.clone());
    let sid = StoredValue::new(variable.sid.clone());
    let key = variable.key.clone();
    let row_key = key.clone();
    let delete_key = StoredValue::new(key.clone());
    let save_key = key.clone();
    let save = action_on_ok(
        move |value: &String| {
            let ((service, environment), sid, key, value) = (
                ids.get_value(),
                sid.get_value(),
                save_key.clone(),
                value.clone(),
            );
            async move {
                environments::update_variable(&service, &environment, &sid, &key, &value).await
            }
        },
        move |_| {
            editing.set(false);
            on_change(RowChange::Saved(delete_key.get_value()));
        },
    );
    let remove = action_on_ok(
        move |_: &()| {
            let ((service, environment), sid) = (ids.get_value(), sid.get_value());
            async move { environments::remove_variable(&service, &environment, &sid).await }
        },
        move |_| {
            on_change(RowChange::Deleted(delete_key.get_value()));
        },
    );
    // Keyboard users land in the value box when editing starts, and back on Edit when they
    // cancel; without this the focus fell to the page and Enter or Escape did nothing.
    let value_box = NodeRef::<leptos::html::Input>::new();
    let edit_button = NodeRef::<leptos::html::Button>::new();
    let refocus = refocus_on(edit_button);
    Effect::new(move |_| {
        if editing.get()
            && let Some(input) = value_box.get()
        {
            let _ = input.focus();
        }
    });
    let cancel = move || {
        editing.set(false);
        refocus.set(true);
    };
    let shown = variable.value.clone();
    // The same for every value: a mask as long as the value would tell its length.
    let masked = "•".repeat(8);
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    };
    view! {
        <tr data-key=row_key>
            <td><code>{key}</code></td>
            <td class="value">
                <Show when=move || editing.get() fallback=move || {
                    let (shown, masked) = (shown.clone(), masked.clone());
                    view! { <code class="variable-value">{move || if revealed.get() { shown.clone() } else { masked.clone() }}</code> }
                }>
                    <input class="variable-edit" aria-label="Value" node_ref=value_box prop:value=value on:input=move |ev| value.set(event_target_value(&ev))
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => { save.dispatch(value.get_untracked()); }
                            "Escape" => cancel(),
                            _ => {}
                        }/>
                </Show>
                {move || error().map(|error| view! { <ErrorView error/> })}
            </td>
            <td class="actions">
                <Show when=move || editing.get() fallback=move || view! {
                    <button type="button" class="reveal" aria-label=format!("Reveal {}", delete_key.get_value())
                        aria-pressed=move || revealed.get().to_string()
                        on:click=move |_| revealed.update(|r| *r = !*r)>
                        {move || if revealed.get() { "Hide" } else { "Reveal" }}
                    </button>
                    <button type="button" class="edit" aria-label=format!("Edit {}", delete_key.get_value())
                        node_ref=edit_button on:click=move |_| editing.set(true)>"Edit"</button>
                    <ConfirmDelete name=delete_key.get_value() noun="variable" pending=remove.pending()
                        on_confirm=move || { remove.dispatch(()); }/>
                }>
                    <button type="button" class="primary save" on:click=move |_| { save.dispatch(value.get_untracked()); }>"Save"</button>
                    <button type="button" class="cancel" on:click=move |_| cancel()>"Cancel"</button>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn AddVariableForm(
    ids: Ids,
    rows: RwSignal<Vec<Variable>>,
    on_added: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let check_form = FormCheck::new("add-variable");
    check_form.live("Key", |v| {
        validate::max_chars("Key", v, limits::VARIABLE_KEY_MAX)
    });
    check_form.live("Value", |v| validate::variable_value(Some(v)));
    let key_box = NodeRef::<leptos::html::Input>::new();
    // A key that is already set updates that variable, like `twilio serverless:env:set`,
    // instead of failing with a duplicate-key error.
    let existing = Memo::new(move |_| {
        let typed = key.get();
        let typed = typed.trim();
        rows.with(|r| r.iter().find(|v| v.key == typed).map(|v| v.sid.clone()))
    });
    let add = action_then(
        move |(sid, key, value): &(Option<String>, String, String)| {
            let ((service, environment), sid, key, value) =
                (ids.get_value(), sid.clone(), key.clone(), value.clone());
            async move {
                match sid {
                    Some(sid) => {
                        environments::update_variable(&service, &environment, &sid, &key, &value)
                            .await
                    }
                    None => {
                        environments::create_variable(&service, &environment, &key, &value).await
                    }
                }
            }
        },
        move |added| match added {
            Ok(_) => {
                key.set(String::new());
                value.set(String::new());
                on_added();
                // Ready for the next one.
                if let Some(input) = key_box.get_untracked() {
                    let _ = input.focus();
                }
            }
            // Set elsewhere since the list was read (the CLI, another tab): with the list read
            // again, the key is known and the next submit updates it.
            Err(error) if error.is_conflict() => on_added(),
            Err(_) => {}
        },
    );
    let submit = submit_to(add, move || {
        let (k, v) = (key.get_untracked().trim().to_owned(), value.get_untracked());
        if check_form.all(refusals([
            validate::variable_key(Some(&k)),
            validate::variable_value(Some(&v)),
        ])) {
            add.dispatch((existing.get_untracked(), k, v));
        } else {
            // Only the newest outcome stays on screen.
            add.value().set(None);
        }
    });
    view! {
        <form class="form inline-form" id="add-variable" on:submit=submit on:input=check_form.on_input() novalidate>
            <input name="Key" node_ref=key_box placeholder="KEY" aria-label="Key" prop:value=key on:input=move |ev| key.set(event_target_value(&ev))/>
            <input name="Value" placeholder="value" aria-label="Value" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            <button type="submit" class="primary" aria-disabled=busy(move || add.pending().get())>
                {move || if existing.with(Option::is_some) { "Update variable" } else { "Add variable" }}
            </button>
            {move || existing.with(Option::is_some).then(|| view! {
                <p class="hint" id="add-variable-exists">{format!("{} is already set here: its value will be replaced.", key.get().trim())}</p>
            })}
            <CheckMessage check=check_form/>
            {move || add.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::{RowChange, row_after};
    use switchboard_models::Variable;

    #[test]
    fn the_focus_goes_to_the_saved_row_or_the_one_in_the_deleted_rows_place() {
        let list = |keys: &[&str]| {
            keys.iter()
                .map(|k| Variable {
                    key: k.to_string(),
                    ..Variable::default()
                })
                .collect::<Vec<_>>()
        };
        let (abc, ac, ab) = (list(&["A", "B", "C"]), list(&["A", "C"]), list(&["A", "B"]));
        let saved = |k: &str| RowChange::Saved(k.into());
        let deleted = |k: &str| RowChange::Deleted(k.into());
        assert_eq!(row_after(&abc, &abc, &saved("C")), Some(2));
        assert_eq!(row_after(&abc, &ac, &deleted("B")), Some(1));
        assert_eq!(row_after(&abc, &ab, &deleted("C")), Some(1));
        assert_eq!(row_after(&list(&["A"]), &[], &deleted("A")), None);
    }
}
