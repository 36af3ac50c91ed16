//! The composer's dependency rows: typed, or merged in from a `package.json`.

use super::check::install_problem;
use crate::components::file_input::read_text;
use crate::components::focus::focus_when_rendered;
use crate::components::form_check::FormCheck;
use leptos::prelude::*;
use switchboard_models::dependencies;

/// One dependency row of the editor.
#[derive(Clone, Copy)]
struct DependencyRow {
    id: usize,
    name: RwSignal<String>,
    version: RwSignal<String>,
}

/// The editor's rows, shared with the composer that fills them from the last build and reads
/// them on submit.
#[derive(Clone, Copy)]
pub(super) struct Rows {
    list: RwSignal<Vec<DependencyRow>>,
    next_id: StoredValue<usize>,
    /// A row's signals belong to the composer, whoever adds the row: made inside an effect they
    /// would be disposed when the effect runs again, while the row still reads them.
    owner: StoredValue<Option<Owner>>,
}

impl Rows {
    pub fn new() -> Rows {
        Rows {
            list: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Adds a row and answers its id.
    pub fn add(self, name: String, version: String) -> usize {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let make = || DependencyRow {
            id,
            name: RwSignal::new(name),
            version: RwSignal::new(version),
        };
        let row = self.owner.with_value(|owner| match owner {
            Some(owner) => owner.with(make),
            None => make(),
        });
        self.list.update(|rows| rows.push(row));
        id
    }

    /// A row the user asked for is where they type next.
    fn add_blank(self) {
        let id = self.add(String::new(), String::new());
        focus_in_row(id, ".dependency-name");
    }

    pub fn is_empty_untracked(self) -> bool {
        self.list.with_untracked(Vec::is_empty)
    }

    /// Every row's name and version, as typed.
    pub fn pairs_untracked(self) -> Vec<(String, String)> {
        self.list
            .get_untracked()
            .iter()
            .map(|row| (row.name.get_untracked(), row.version.get_untracked()))
            .collect()
    }

    /// Merges a `package.json`'s dependencies in: a name already listed gets the file's version.
    fn import(self, list: Vec<switchboard_models::Dependency>) {
        for dependency in list {
            let existing = self
                .list
                .get_untracked()
                .into_iter()
                .find(|r| r.name.get_untracked() == dependency.name);
            match existing {
                Some(row) => row.version.set(dependency.version),
                None => {
                    self.add(dependency.name, dependency.version);
                }
            }
        }
        // Drop blank rows the import made unnecessary.
        self.list.update(|rows| {
            rows.retain(|r| {
                !r.name.get_untracked().trim().is_empty()
                    || !r.version.get_untracked().trim().is_empty()
            })
        });
    }
}

/// Focuses `css` in the dependency row `id`, once a row added just now is on the page.
fn focus_in_row(id: usize, css: &str) {
    focus_when_rendered(format!(".dependency-row[data-row='{id}'] {css}"));
}

/// The rows, each with what npm would make of it, and the buttons that add one or import a
/// `package.json` (whose problems `check_form` says).
#[component]
pub(super) fn DependencyEditor(rows: Rows, check_form: FormCheck) -> impl IntoView {
    let import = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let picked = input.files().and_then(|files| files.get(0));
        crate::components::file_input::reset(&input);
        let Some(file) = picked else {
            return;
        };
        leptos::task::spawn_local(async move {
            let parsed = read_text(&file).await.and_then(|text| {
                dependencies::from_package_json(&text).map_err(|e| format!("package.json: {e}"))
            });
            // The composer may have been left while the file was read.
            if rows.list.is_disposed() {
                return;
            }
            match parsed {
                Ok(list) => {
                    check_form.clear();
                    rows.import(list);
                }
                Err(message) => check_form.whole(message),
            }
        });
    };
    view! {
        <For each=move || rows.list.get() key=|row| row.id let:row>
            <div class="dependency-row" data-row=row.id>
                // Enter moves on through the rows, as in a table of entries, rather than
                // submitting the whole form and starting a build half-typed.
                <input class="dependency-name" aria-label="Package name" placeholder="lodash" prop:value=row.name
                    on:input=move |ev| row.name.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        ev.prevent_default();
                        focus_in_row(row.id, ".dependency-version");
                    }/>
                <input class="dependency-version" aria-label="Version" placeholder="4.17.21" prop:value=row.version
                    on:input=move |ev| row.version.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        ev.prevent_default();
                        // On to the next row's name; after the last, a new row.
                        let next = rows.list.with_untracked(|list| {
                            list.iter().skip_while(|r| r.id != row.id).nth(1).map(|r| r.id)
                        });
                        match next {
                            Some(id) => focus_in_row(id, ".dependency-name"),
                            None => rows.add_blank(),
                        }
                    }/>
                <button type="button" class="remove-dependency"
                    aria-label=move || format!("Remove dependency {}", row.name.get())
                    on:click=move |_| rows.list.update(|list| list.retain(|r| r.id != row.id))>"Remove"</button>
                // Below the row, not between its fields. A warning, not a refusal: Twilio
                // takes the build and fails it later.
                {move || row.name.with(|name| row.version.with(|version| install_problem(name, version))).map(|problem| view! {
                    <p class="field-warning dependency-warning" role="status">{problem}</p>
                })}
            </div>
        </For>
        <div class="dependency-actions">
            <button type="button" id="add-dependency" on:click=move |_| rows.add_blank()>"Add dependency"</button>
            <label class="file-button">"Import package.json"
                <input type="file" id="import-package-json" accept=".json,application/json" on:change=import/>
            </label>
        </div>
    }
}
