//! The deploy plan as tables: functions and assets, dependencies, runtime and variables.

use crate::api::deploy::Live;
use crate::components::plural::count;
use crate::components::upload::human_size;
use crate::components::variable_plan::VariablePlan;
use crate::project::load::Project;
use crate::project::plan::{
    Action, Change, DependencyRow, LocalFile, Row, Uploaded, VariableRow, key, oversized,
    plan_code, plan_dependencies, plan_variables,
};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};
use switchboard_models::dotenv::LeftOut;
use switchboard_models::limits::max_upload_bytes;
use switchboard_models::naming::CodeKind;
use switchboard_models::npm_version;

/// Everything a deploy would change.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub code: Vec<Row>,
    pub dependencies: Vec<DependencyRow>,
    pub variables: Vec<VariableRow>,
    /// The live build's runtime and the one the deploy builds with.
    pub runtime: (String, String),
    pub ignored: Vec<(String, &'static str)>,
    /// Variables in the file that are not uploaded, with why.
    pub left_out: Vec<(String, LeftOut)>,
    /// The file the variables come from (`.env`, or another per `.twilioserverlessrc`).
    pub env_file: String,
}

impl Planned {
    pub fn change_count(&self) -> usize {
        let changed = |c: Change| c != Change::Unchanged;
        self.code.iter().filter(|r| changed(r.change)).count()
            + self
                .dependencies
                .iter()
                .filter(|r| changed(r.change))
                .count()
            + self
                .variables
                .iter()
                .filter(|r| matches!(r.change, Change::New | Change::Changed))
                .count()
            + usize::from(self.runtime.0 != self.runtime.1)
    }
}

pub fn plan(live: &Live, project: &Project, pending: &BTreeMap<String, Uploaded>) -> Planned {
    let locals: Vec<LocalFile> = project.files.iter().map(|(f, _)| f.clone()).collect();
    let live_deps = live
        .build
        .as_ref()
        .map(|b| b.dependencies.clone())
        .unwrap_or_default();
    let live_runtime = live
        .build
        .as_ref()
        .map(|b| b.runtime.clone())
        .unwrap_or_default();
    // Without a runtime in .twilioserverlessrc the live one is kept (none at all: Twilio's default).
    let runtime = project
        .runtime
        .clone()
        .unwrap_or_else(|| live_runtime.clone());
    Planned {
        code: plan_code(&locals, &live.versions, pending),
        dependencies: plan_dependencies(&project.dependencies, &live_deps),
        variables: plan_variables(&project.variables, &live.variables),
        runtime: (live_runtime, runtime),
        ignored: project.ignored.clone(),
        left_out: project.left_out.clone(),
        env_file: project.env_file.clone(),
    }
}

/// Upload progress by `plan::key`: bytes sent, size, and the outcome once known.
pub type FileProgress = RwSignal<HashMap<String, (f64, f64, Option<String>)>>;

/// The plan, with upload progress per file (`sent`, `size`, outcome) once applying.
#[component]
pub fn PlanTables(planned: Planned, files: FileProgress) -> impl IntoView {
    let Planned {
        code,
        dependencies,
        variables,
        runtime,
        ignored,
        left_out,
        env_file,
    } = planned;
    let ignored_count = ignored.len();
    view! {
        <table class="table" id="plan-code">
            <thead><tr><th>"Kind"</th><th>"Path"</th><th>"Visibility"</th><th>"Change"</th><th>"Why / what happens"</th><th>"Upload"</th></tr></thead>
            <tbody>
                {code.into_iter().map(|row| {
                    let k = key(row.kind, &row.path);
                    let too_large = !oversized(std::slice::from_ref(&row)).is_empty();
                    let what = match &row.action {
                        Action::Upload if too_large => format!(
                            "{}; too large to upload ({}, at most {} for a {} file)",
                            row.reason,
                            human_size(row.size as f64),
                            human_size(max_upload_bytes(row.visibility) as f64),
                            row.visibility.as_str()
                        ),
                        Action::Upload => format!("{}; to upload ({})", row.reason, human_size(row.size as f64)),
                        Action::Reuse(sid) => format!("{}; reuses {sid}", row.reason),
                        Action::Drop => row.reason.to_owned(),
                    };
                    let progress_key = k.clone();
                    view! {
                        <tr data-key=k data-change=row.change.as_str() data-oversized=too_large.then_some("true")
                            class=format!("change-{}", row.change.as_str()) class:oversized=too_large>
                            <td>{if row.kind == CodeKind::Function { "function" } else { "asset" }}</td>
                            <td><code>{row.path}</code></td>
                            <td>{row.visibility.as_str()}</td>
                            <td class="change">{row.change.as_str()}</td>
                            <td>{what}</td>
                            <td class="file-progress">{move || files.with(|m| m.get(&progress_key).map(|(sent, size, outcome)| {
                                outcome.clone().unwrap_or_else(|| format!("{:.0}%", if *size > 0.0 { sent / size * 100.0 } else { 0.0 }))
                            }))}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p id="plan-runtime">{if runtime.0 == runtime.1 {
            format!("Runtime: {} (unchanged)", if runtime.1.is_empty() { "Twilio's default" } else { &runtime.1 })
        } else {
            format!("Runtime: {} → {}", if runtime.0.is_empty() { "none" } else { &runtime.0 }, if runtime.1.is_empty() { "Twilio's default" } else { &runtime.1 })
        }}</p>
        <table class="table" id="plan-dependencies">
            <thead><tr><th>"Dependency"</th><th>"Live"</th><th>"Project"</th><th>"Change"</th></tr></thead>
            <tbody>
                {dependencies.into_iter().map(|d| {
                    let name = d.name.clone();
                    // Removed dependencies have no project version to check.
                    let uninstallable = d.local.as_deref().is_some_and(|v| !npm_version::is_valid_spec(v));
                    view! {
                        <tr data-name=name data-change=d.change.as_str()>
                            <td><code>{d.name}</code></td><td>{d.live}</td>
                            <td>{d.local}{uninstallable.then(|| view! {
                                <p class="field-warning dependency-warning">"npm cannot install this version, so the build would fail."</p>
                            })}</td>
                            <td>{d.change.as_str()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <VariablePlan id="plan-variables" rows=variables left_out
            removed=format!("not in {env_file}: kept unless you tick the box below")/>
        <details id="plan-ignored">
            <summary>{format!("{} skipped", count(ignored_count, "file", "files"))}</summary>
            <ul>
                {ignored.into_iter().take(200).map(|(path, reason)| view! { <li><code>{path}</code>" — "{reason}</li> }).collect_view()}
            </ul>
        </details>
    }
}
