//! Name/value rows (a test's parameters or headers), each row with its own signals, so typing in
//! one re-renders nothing else and keeps the focus where it is.

use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Row {
    id: u32,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

/// The rows of one list, in order.
#[derive(Clone, Copy)]
pub struct Rows {
    list: RwSignal<Vec<Row>>,
    next: StoredValue<u32>,
}

impl Rows {
    pub fn new(pairs: &[(String, String)]) -> Rows {
        let rows = Rows {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        };
        rows.set(pairs);
        rows
    }

    fn row(&self, name: &str, value: &str) -> Row {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        Row {
            id,
            name: RwSignal::new(name.to_owned()),
            value: RwSignal::new(value.to_owned()),
        }
    }

    /// Replaces every row (loading an event); one empty row when there are none, to type in.
    pub fn set(&self, pairs: &[(String, String)]) {
        let mut fresh: Vec<Row> = pairs.iter().map(|(n, v)| self.row(n, v)).collect();
        if fresh.is_empty() {
            fresh.push(self.row("", ""));
        }
        let old = std::mem::replace(&mut *self.list.write(), fresh);
        for row in old {
            row.name.dispose();
            row.value.dispose();
        }
    }

    /// Every row as typed, empty ones included (the draft keeps them); reactive.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.list
            .get()
            .iter()
            .map(|row| (row.name.get(), row.value.get()))
            .collect()
    }

    fn add(&self) {
        let row = self.row("", "");
        self.list.update(|list| list.push(row));
    }

    fn remove(&self, id: u32) {
        let mut list = self.list.get_untracked();
        if let Some(at) = list.iter().position(|row| row.id == id) {
            let row = list.remove(at);
            self.list.set(list);
            row.name.dispose();
            row.value.dispose();
        }
    }
}

/// The rows as a table of inputs, with Add and Remove.
#[component]
pub fn KeyValueRows(
    rows: Rows,
    /// `parameter` or `header`: the labels and the form fields' names.
    noun: &'static str,
) -> impl IntoView {
    view! {
        <table class="table kv-rows" data-rows=noun>
            <thead><tr><th>"Name"</th><th>"Value"</th><th></th></tr></thead>
            <tbody>
                <For each=move || rows.list.get() key=|row| row.id let(row)>
                    <tr>
                        <td><input name=format!("{noun}-name") aria-label=format!("{noun} name") prop:value=row.name
                            on:input=move |ev| row.name.set(event_target_value(&ev))/></td>
                        <td><input name=format!("{noun}-value") aria-label=format!("{noun} value") prop:value=row.value
                            on:input=move |ev| row.value.set(event_target_value(&ev))/></td>
                        <td><button type="button" class="link-button remove-row" aria-label=format!("Remove this {noun}")
                            on:click=move |_| rows.remove(row.id)>"Remove"</button></td>
                    </tr>
                </For>
            </tbody>
        </table>
        <button type="button" class="add-row" data-add=noun on:click=move |_| rows.add()>{format!("Add a {noun}")}</button>
    }
}
