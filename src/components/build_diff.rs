//! Two builds compared (`switchboard_models::build_diff`): what changed, as a table, with the
//! unchanged counted rather than listed. On a build's page and in the confirmation before an
//! environment's live build is replaced.

use crate::components::time::relative;
use leptos::prelude::*;
use switchboard_models::Build;
use switchboard_models::build_diff::{BuildDiff, CodeRow};
use switchboard_models::plan::Change;
use switchboard_models::sid::short;

/// A build as a sentence names it, told apart by more than its SID: "ZB…7da798 (2 min ago)".
pub fn aged(build: &Build) -> String {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    match relative(&build.date_created, now) {
        Some(age) => format!("{} ({age})", short(&build.sid)),
        None => short(&build.sid),
    }
}

#[component]
pub fn BuildDiffView(diff: BuildDiff) -> impl IntoView {
    let unchanged = diff
        .functions
        .iter()
        .chain(&diff.assets)
        .filter(|r| r.change == Change::Unchanged)
        .count();
    let code = |kind: &'static str, rows: Vec<CodeRow>| {
        rows.into_iter()
            .filter(|r| r.change != Change::Unchanged)
            .map(move |row| {
                let version = |sid: Option<String>| sid.as_deref().map(short).unwrap_or_default();
                let path = row.path.clone();
                view! {
                    <tr data-kind=kind data-path=path data-change=row.change.as_str()>
                        <td>{kind}</td>
                        <td><code>{row.path}</code></td>
                        <td class="change">{change_words(row.change)}</td>
                        <td><code>{version(row.old)}</code></td>
                        <td><code>{version(row.new)}</code></td>
                    </tr>
                }
            })
            .collect_view()
    };
    let dependencies = diff
        .dependencies
        .into_iter()
        .filter(|r| r.change != Change::Unchanged)
        .map(|row| {
            let name = row.name.clone();
            view! {
                <tr data-kind="dependency" data-path=name data-change=row.change.as_str()>
                    <td>"dependency"</td>
                    <td><code>{row.name}</code></td>
                    <td class="change">{change_words(row.change)}</td>
                    <td><code>{row.live}</code></td>
                    <td><code>{row.local}</code></td>
                </tr>
            }
        })
        .collect_view();
    let (before, after) = diff.runtime;
    let runtime = (before != after).then(|| {
        view! {
            <tr data-kind="runtime" data-change="changed">
                <td>"runtime"</td><td></td><td class="change">"changes"</td>
                <td><code>{before}</code></td><td><code>{after}</code></td>
            </tr>
        }
    });
    let functions = code("function", diff.functions);
    let assets = code("asset", diff.assets);
    view! {
        <table class="table build-diff">
            <thead><tr><th>"Kind"</th><th>"Path or package"</th><th>"Change"</th><th>"Before"</th><th>"After"</th></tr></thead>
            <tbody>{functions}{assets}{dependencies}{runtime}</tbody>
        </table>
        {(unchanged > 0).then(|| view! {
            <p class="hint build-diff-unchanged">{format!("{unchanged} unchanged (the same version).")}</p>
        })}
    }
}

fn change_words(change: Change) -> &'static str {
    match change {
        Change::New => "added",
        Change::Changed => "changes",
        Change::Removed => "removed",
        Change::Unchanged => "unchanged",
    }
}
