//! What a `.env` file would change in an environment's variables, one row per key: the table a
//! project deploy's plan and a `.env` import's preview share. Values are secrets: keys only.

use leptos::prelude::*;
use switchboard_models::dotenv::LeftOut;
use switchboard_models::plan::{Change, VariableRow};

#[component]
pub fn VariablePlan(
    id: &'static str,
    rows: Vec<VariableRow>,
    /// Keys the file has that are not uploaded, with why.
    left_out: Vec<(String, LeftOut)>,
    /// Keys Twilio would refuse, with its words.
    #[prop(optional)]
    refused: Vec<(String, String)>,
    /// What happens to a variable of the environment that the file lacks.
    removed: String,
) -> impl IntoView {
    view! {
        <table class="table" id=id>
            <thead><tr><th>"Variable"</th><th>"Change"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|v| {
                    let note = match v.change {
                        Change::Removed => removed.clone(),
                        Change::New => "to create".into(),
                        Change::Changed => "value to update".into(),
                        Change::Unchanged => "same value: not sent".into(),
                    };
                    let key = v.key.clone();
                    view! { <tr data-key=key data-change=v.change.as_str()><td><code>{v.key}</code></td><td>{note}</td></tr> }
                }).collect_view()}
                {left_out.into_iter().map(|(key, why)| {
                    let shown = key.clone();
                    view! { <tr data-key=key data-change="left-out"><td><code>{shown}</code></td><td>{why.reason()}</td></tr> }
                }).collect_view()}
                {refused.into_iter().map(|(key, why)| {
                    let shown = key.clone();
                    view! { <tr data-key=key data-change="refused"><td><code>{shown}</code></td><td>{format!("not sent: {why}")}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}
