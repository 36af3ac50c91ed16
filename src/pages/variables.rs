//! An environment's variables: masked until revealed, editable in place, importable from `.env`.

use crate::api::{ClientError, environments};
use crate::components::confirm::ConfirmDelete;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::file_input::read_text;
use crate::components::focus::{busy, focus_when_rendered, refocus_on};
use crate::components::form_check::{CheckMessage, FormCheck, refusals};
use crate::components::plural::count;
use crate::components::variable_plan::VariablePlan;
use leptos::prelude::*;
use switchboard_models::dotenv::{Import, Parsed};
use switchboard_models::plan::Change;
use switchboard_models::{Variable, dotenv, limits, validate};

#[component]
pub fn VariablesPanel(service: String, environment: String) -> impl IntoView {
    let ids = StoredValue::new((service, environment));
    let list = LocalResource::new(move || {
        let (service, environment) = ids.get_value();
        async move { environments::list_variables(&service, &environment).await }
    });
    let refresh = move || list.refetch();
    // The rows live in a signal and are keyed by SID and value, so a refetch after one row is
    // saved rebuilds that row only: another row being edited keeps what was typed in it.
    let rows = RwSignal::new(Vec::<Variable>::new());
    let state = RwSignal::new(None::<Result<(), ClientError>>);
    // Where the keyboard focus goes once the list is read again after a row changed: its button
    // is rebuilt (a saved row) or gone (a deleted one), and the focus would fall to the page.
    let focus_after = StoredValue::new(None::<RowChange>);
    let changed = move |change: RowChange| {
        focus_after.set_value(Some(change));
        list.refetch();
    };
    Effect::new(move |_| match list.get() {
        Some(Ok(variables)) => {
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
        Some(Err(error)) => {
            // Not for a later, unrelated refetch.
            focus_after.set_value(None);
            state.set(Some(Err(error)));
        }
        None => {}
    });
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

type Ids = StoredValue<(String, String)>;

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
    let save = Action::new_local(move |value: &String| {
        let ((service, environment), sid, key, value) = (
            ids.get_value(),
            sid.get_value(),
            save_key.clone(),
            value.clone(),
        );
        async move { environments::update_variable(&service, &environment, &sid, &key, &value).await }
    });
    let remove = Action::new_local(move |_: &()| {
        let ((service, environment), sid) = (ids.get_value(), sid.get_value());
        async move { environments::remove_variable(&service, &environment, &sid).await }
    });
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
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            editing.set(false);
            on_change(RowChange::Saved(delete_key.get_value()));
        }
        if matches!(remove.value().get(), Some(Ok(()))) {
            on_change(RowChange::Deleted(delete_key.get_value()));
        }
    });
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
    let add = Action::new_local(
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
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if add.pending().get_untracked() {
            return;
        }
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
    };
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
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
        Some(Err(error)) if error.is_conflict() => on_added(),
        _ => {}
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

/// Why an import stopped: what it had done by then, and the API's error when one refused it.
#[derive(Debug, Clone, PartialEq)]
struct ImportFailure {
    message: String,
    error: Option<ClientError>,
}

/// Where an import of a `.env` file is. Twilio applies variable changes to running functions
/// at once, so nothing is sent before the user has seen what would change.
#[derive(Debug, Clone, PartialEq)]
enum Importing {
    Idle,
    /// The file's name, what it holds, and what applying it would do; `note` says why a preview
    /// was shown again instead of applied.
    Preview {
        file: String,
        parsed: Parsed,
        plan: Import,
        note: Option<&'static str>,
    },
    Done(Result<String, ImportFailure>),
}

/// Imports a `.env` file: a preview of what would be created and updated (and what is left as
/// it is), then, once applied, the creates and updates.
#[component]
fn ImportDotenv(ids: Ids, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let state = RwSignal::new(Importing::Idle);
    let reading = RwSignal::new(false);
    let apply = Action::new_local(move |(parsed, shown): &(Parsed, Import)| {
        let ((service, environment), parsed, shown) =
            (ids.get_value(), parsed.clone(), shown.clone());
        async move { apply_import(&service, &environment, parsed, shown).await }
    });
    Effect::new(move |_| match apply.value().get() {
        Some(Applied::Done(result)) => {
            state.set(Importing::Done(result));
            on_done();
            focus_when_rendered(".import [role=status], .import [role=alert]".into());
        }
        Some(Applied::Changed { parsed, plan }) => {
            let file = match state.get_untracked() {
                Importing::Preview { file, .. } => file,
                _ => String::new(),
            };
            state.set(Importing::Preview {
                file,
                parsed,
                plan,
                note: Some("The variables here changed since this preview was made: this is what the import does now. Nothing was sent."),
            });
            on_done();
        }
        None => {}
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let picked = input.files().and_then(|files| files.get(0));
        crate::components::file_input::reset(&input);
        let Some(file) = picked else {
            return;
        };
        reading.set(true);
        let name = file.name();
        let ((service, environment), file_name) = (ids.get_value(), name.clone());
        leptos::task::spawn_local(async move {
            let next = preview(&service, &environment, &file, file_name).await;
            // The panel may have been left while the file was read.
            if state.try_set(next).is_none() {
                reading.set(false);
                focus_when_rendered("#import-apply, #import-cancel, .import [role=alert]".into());
            }
        });
    };
    view! {
        <div class="import">
            <label class="file-button">"Import .env file"
                <input type="file" id="import-dotenv" accept=".env,text/plain" aria-describedby="import-dotenv-dialect" on:change=on_file/>
            </label>
            <p class="hint" id="import-dotenv-dialect">
                "Read as dotenv reads it (twilio-run's format): KEY=value lines, # comments, export, \"quoted\" values (\\n is a line break) and 'literal' ones, which may span lines. Keys: letters, digits, _ . - only. Nothing is sent before you see what changes."
            </p>
            {move || reading.get().then(|| view! { <p class="skeleton" aria-busy="true">"Reading the file…"</p> })}
            {move || match state.get() {
                Importing::Idle => ().into_any(),
                Importing::Preview { file, parsed, plan, note } => view! {
                    <ImportPreview file parsed plan note apply on_cancel=move || {
                        state.set(Importing::Idle);
                        focus_when_rendered("#import-dotenv".into());
                    }/>
                }.into_any(),
                Importing::Done(Ok(message)) => view! { <p class="saved" role="status" tabindex="-1">{message}</p> }.into_any(),
                Importing::Done(Err(failure)) => view! {
                    <p class="field-error" role="alert" tabindex="-1">{failure.message}</p>
                    {failure.error.map(|error| view! { <ErrorView error/> })}
                }.into_any(),
            }}
        </div>
    }
}

type ApplyImport = Action<(Parsed, Import), Applied>;

#[component]
fn ImportPreview(
    file: String,
    parsed: Parsed,
    plan: Import,
    note: Option<&'static str>,
    apply: ApplyImport,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (create, update) = (plan.count(Change::New), plan.count(Change::Changed));
    let (same, kept) = (plan.count(Change::Unchanged), plan.count(Change::Removed));
    let mut summary = match (create, update) {
        (0, 0) => "Nothing to send: the file sets no variable to a new value here.".to_owned(),
        _ => format!(
            "Applying creates {} and updates {}.",
            count(create, "variable", "variables"),
            count(update, "variable", "variables")
        ),
    };
    if same > 0 {
        let have = if same == 1 { "has" } else { "have" };
        summary.push_str(&format!(
            " {} already {have} the file's value.",
            count(same, "variable", "variables")
        ));
    }
    if kept > 0 {
        let stay = if kept == 1 {
            "stays as it is"
        } else {
            "stay as they are"
        };
        summary.push_str(&format!(
            " {} here not in the file {stay}.",
            count(kept, "variable", "variables")
        ));
    }
    let sends = create + update > 0;
    let label = format!("Apply: create {create}, update {update}");
    let pending = apply.pending();
    let to_apply = StoredValue::new((parsed.clone(), plan.clone()));
    let Import {
        rows,
        left_out,
        refused,
        skipped,
        multiline,
    } = plan;
    view! {
        <section class="import-preview" id="import-preview" aria-labelledby="import-preview-title"
            on:keydown=move |ev| if ev.key() == "Escape" { on_cancel() }>
            <h3 id="import-preview-title">"Import " <code>{file}</code> ": what changes"</h3>
            {note.map(|note| view! { <p class="field-warning" id="import-changed" role="alert">{note}</p> })}
            <p id="import-summary">{summary}</p>
            <VariablePlan id="import-plan" rows left_out refused removed="not in the file: stays as it is".to_owned()/>
            {(!skipped.is_empty()).then(|| view! {
                <ul class="import-skipped" id="import-skipped" aria-label="Lines not imported">
                    {skipped.into_iter().map(|s| view! { <li data-line=s.line>{format!("Line {} is not imported: {}.", s.line, s.why.reason())}</li> }).collect_view()}
                </ul>
            })}
            {(!multiline.is_empty()).then(|| view! {
                <p class="hint" id="import-multiline">
                    {multiline.into_iter().map(|(key, first, last)| format!("{key}'s value spans lines {first} to {last}. ")).collect::<String>()}
                </p>
            })}
            <div class="toolbar">
                {sends.then(|| view! {
                    <button type="button" class="primary" id="import-apply" aria-disabled=busy(move || pending.get())
                        on:click=move |_| if !pending.get_untracked() { apply.dispatch(to_apply.get_value()); }>
                        {move || if pending.get() { "Applying…".to_owned() } else { label.clone() }}
                    </button>
                })}
                <button type="button" id="import-cancel" on:click=move |_| on_cancel()>{if sends { "Cancel" } else { "Close" }}</button>
            </div>
        </section>
    }
}

/// The preview of a picked file, or why there is none: a file that is not text is refused in
/// one sentence (its bytes would otherwise read as a screenful of keys).
async fn preview(
    service: &str,
    environment: &str,
    file: &web_sys::File,
    name: String,
) -> Importing {
    let refused = |message: String| {
        Importing::Done(Err(ImportFailure {
            message,
            error: None,
        }))
    };
    let text = match read_text(file).await {
        Ok(text) if dotenv::is_text(&text) => text,
        Ok(_) => return refused(format!("{name} is not a text file: pick a .env file.")),
        Err(_) => return refused(format!("{name} could not be read.")),
    };
    let parsed = dotenv::parse(&text);
    // Asked now rather than taken from the list on screen, which may be loading or stale.
    match environments::list_variables(service, environment).await {
        Ok(live) => Importing::Preview {
            file: name,
            plan: Import::plan(&parsed, &live),
            parsed,
            note: None,
        },
        Err(error) => Importing::Done(Err(ImportFailure {
            message: "No preview: the variables here could not be read. Nothing was sent.".into(),
            error: Some(error),
        })),
    }
}

/// What applying a preview came to.
#[derive(Debug, Clone, PartialEq)]
enum Applied {
    Done(Result<String, ImportFailure>),
    /// The environment changed since the preview: nothing was sent, and this is the plan now.
    Changed {
        parsed: Parsed,
        plan: Import,
    },
}

async fn apply_import(service: &str, environment: &str, parsed: Parsed, shown: Import) -> Applied {
    let live = match environments::list_variables(service, environment).await {
        Ok(live) => live,
        Err(error) => {
            return Applied::Done(Err(ImportFailure {
                message: "Nothing was imported: the current variables could not be read.".into(),
                error: Some(error),
            }));
        }
    };
    let plan = Import::plan(&parsed, &live);
    if !plan.sends_the_same_as(&shown) {
        return Applied::Changed { parsed, plan };
    }
    let (mut created, mut updated) = (0, 0);
    for row in plan.to_send() {
        let value = row.value.clone().unwrap_or_default();
        let result = match &row.sid {
            Some(sid) => environments::update_variable(service, environment, sid, &row.key, &value)
                .await
                .map(|_| updated += 1),
            None => environments::create_variable(service, environment, &row.key, &value)
                .await
                .map(|_| created += 1),
        };
        // Stops at the first refusal; what came before it is saved, and the message says so.
        if let Err(error) = result {
            return Applied::Done(Err(ImportFailure {
                message: format!(
                    "Stopped at {}: {created} created and {updated} updated before it; the rest of the file was not imported.",
                    row.key
                ),
                error: Some(error),
            }));
        }
    }
    let mut outcome = format!("Imported: {created} created, {updated} updated.");
    for (key, why) in &plan.left_out {
        outcome.push_str(&format!(" {key}: {}.", why.reason()));
    }
    if !plan.skipped.is_empty() {
        let lines: Vec<usize> = plan.skipped.iter().map(|s| s.line).collect();
        outcome.push_str(&format!(" Skipped {}.", dotenv::lines_in_words(&lines)));
    }
    Applied::Done(Ok(outcome))
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
