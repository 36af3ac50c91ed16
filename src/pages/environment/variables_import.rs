//! Importing a `.env` file into an environment: the file picker, the preview (shown as the
//! deploy plan shows variables) and the outcome; the calls are in `flows::dotenv_import`.

use super::variables::Ids;
use crate::components::error_view::ErrorView;
use crate::components::file_input::read_text;
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::outcome::action_then;
use crate::components::plural::count;
use crate::components::variable_plan::VariablePlan;
use crate::flows::dotenv_import::{self, Applied, ImportFailure};
use leptos::prelude::*;
use switchboard_models::dotenv::{Import, Parsed};
use switchboard_models::plan::Change;

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
pub(super) fn ImportDotenv(
    ids: Ids,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = RwSignal::new(Importing::Idle);
    let reading = RwSignal::new(false);
    let apply = action_then(
        move |(parsed, shown): &(Parsed, Import)| {
            let ((service, environment), parsed, shown) =
                (ids.get_value(), parsed.clone(), shown.clone());
            async move { dotenv_import::apply(&service, &environment, parsed, shown).await }
        },
        move |applied| {
            match applied.clone() {
                Applied::Done(result) => {
                    state.set(Importing::Done(result));
                    focus_when_rendered(".import [role=status], .import [role=alert]".into());
                }
                Applied::Changed { parsed, plan } => {
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
                }
            }
            on_done();
        },
    );
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

/// The preview of a picked file, or why there is none.
async fn preview(
    service: &str,
    environment: &str,
    file: &web_sys::File,
    name: String,
) -> Importing {
    let text = read_text(file).await.ok();
    match dotenv_import::preview(service, environment, &name, text).await {
        Ok((parsed, plan)) => Importing::Preview {
            file: name,
            parsed,
            plan,
            note: None,
        },
        Err(failure) => Importing::Done(Err(failure)),
    }
}
