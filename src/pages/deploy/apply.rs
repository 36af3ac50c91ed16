//! Applying a deploy plan: the button, the per-file and overall progress, and what stopped it.

use crate::components::build_link::BuildLink;
use crate::components::error_view::ErrorView;
use crate::components::plural::count;
use crate::components::upload::human_size;
use crate::flows::build_wait::Failure;
use crate::flows::live::Live;
use crate::flows::pending::pending;
use crate::flows::project_deploy::{self, Deploy, Progress};
use crate::flows::project_uploads::Upload;
use crate::pages::deploy::plan::{FileProgress, PlanTables, Planned, plan};
use crate::project::load::Project;
use crate::project::plan::{Action, oversized};
use crate::routing::A;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::limits;

#[component]
pub fn ApplyPlan(
    live: StoredValue<Live>,
    project: Project,
    refresh: RwSignal<u32>,
    deploying: RwSignal<bool>,
    /// The environment's live build, set to the new one once the deploy is done.
    live_build: RwSignal<Option<String>>,
) -> impl IntoView {
    let (service, environment) =
        live.with_value(|l| (l.environment.service_sid.clone(), l.environment.sid.clone()));
    let planned = live.with_value(|l| plan(l, &project, &pending(&service)));
    let phase = RwSignal::new(None::<&'static str>);
    // Set when the deploy stops: the phase it stopped in stays on screen.
    let stopped = RwSignal::new(false);
    let files: FileProgress = RwSignal::new(HashMap::new());
    let failure = RwSignal::new(None::<Failure>);
    let delete_unknown = RwSignal::new(false);
    let total: f64 = planned
        .code
        .iter()
        .filter(|r| r.action == Action::Upload)
        .map(|r| r.size as f64)
        .sum();
    // Twilio refuses these: say so before anything is uploaded.
    let too_large: Vec<String> = oversized(&planned.code)
        .iter()
        .map(|r| r.path.clone())
        .collect();
    let blocked = !too_large.is_empty();
    let stored = StoredValue::new_local((planned.clone(), project));
    let start = move |_| {
        if blocked || deploying.get_untracked() {
            return;
        }
        let (planned, project) = stored.get_value();
        let job = job_of(
            &planned,
            &project,
            (service.clone(), environment.clone()),
            delete_unknown.get_untracked(),
        );
        deploying.set(true);
        stopped.set(false);
        failure.set(None);
        files.set(HashMap::new());
        let report = reporter(phase, files);
        leptos::task::spawn_local(async move {
            match project_deploy::apply(job, report).await {
                Ok(build) => {
                    live_build.try_set(Some(build));
                }
                Err(error) => {
                    stopped.try_set(true);
                    failure.try_set(Some(error));
                }
            }
            deploying.try_set(false);
        });
    };
    let overall = move || {
        let sent: f64 = files.with(|m| m.values().map(|(s, _, _)| *s).sum());
        if total > 0.0 {
            (sent / total * 100.0).min(100.0).round()
        } else {
            100.0
        }
    };
    let (service_sid, environment_name, environment_page) = live.with_value(|l| {
        let env = &l.environment;
        (
            StoredValue::new(env.service_sid.clone()),
            StoredValue::new(env.unique_name.clone()),
            StoredValue::new(format!(
                "/services/{}/environments/{}",
                env.service_sid, env.sid
            )),
        )
    });
    let changes = planned.change_count();
    let env_file = planned.env_file.clone();
    view! {
        <PlanTables planned files/>
        <div class="card deploy-apply">
            <label class="check">
                <input type="checkbox" id="delete-unknown-variables" prop:checked=delete_unknown
                    on:change=move |ev| delete_unknown.set(event_target_checked(&ev))/>
                {format!("Also delete variables that are not in {env_file}")}
            </label>
            // A plan is applied once: afterwards its uploads have happened, so the next deploy
            // starts from a fresh plan, which reuses what was already uploaded.
            {blocked.then(|| view! {
                <p class="alert alert-error" role="alert" id="plan-too-large">{format!(
                    "Cannot deploy: {} larger than Twilio accepts ({}, {} when private): {}.",
                    if too_large.len() == 1 { "this file is" } else { "these files are" },
                    human_size(limits::MAX_ASSET_BYTES as f64),
                    human_size(limits::MAX_PRIVATE_ASSET_BYTES as f64),
                    too_large.join(", ")
                )}</p>
            })}
            // Nothing changed: a deploy would only make the same build again.
            <button type="button" class="primary" id="apply-plan"
                disabled=move || blocked || changes == 0 || deploying.get() || phase.get().is_some() on:click=start>
                {match changes {
                    0 => "Nothing to deploy".to_owned(),
                    n => format!("Deploy ({})", count(n, "change", "changes")),
                }}
            </button>
            {move || (stopped.get() || phase.get() == Some("Deployed")).then(|| view! {
                <button type="button" id="plan-again" on:click=move |_| refresh.update(|n| *n += 1)>"Plan again"</button>
            })}
            {move || phase.get().map(|p| view! {
                <p id="deploy-phase" role="status">{if stopped.get() { format!("Stopped during: {p}") } else { p.to_owned() }}</p>
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=overall().to_string()>
                    <div class="progress-bar" style:width=format!("{}%", overall())></div>
                    <span class="progress-label">{format!("{}% uploaded", overall())}</span>
                </div>
            })}
            {move || (phase.get() == Some("Deployed") && !stopped.get()).then(|| live_build.get()).flatten().map(|build| view! {
                <p class="saved" id="deploy-done">
                    "Build " <BuildLink service=service_sid.get_value() sid=build/> " is live on "
                    <A href=environment_page.get_value()>{environment_name.get_value()}</A>
                    ": its URLs are listed below."
                </p>
            })}
            {move || failure.get().map(|f| match f {
                Failure::Api(error) => view! { <ErrorView error/> }.into_any(),
                Failure::BuildFailed(sid) => view! {
                    <p class="alert alert-error" role="alert">{format!("Build {sid} failed (check the dependencies). The uploaded versions are kept: deploying again reuses them.")}</p>
                }.into_any(),
            })}
        </div>
    }
}

/// The deploy of `planned`: the files to upload found in `project`, with the project's
/// dependencies and the plan's runtime and variables.
fn job_of(
    planned: &Planned,
    project: &Project,
    (service, environment): (String, String),
    delete_unknown_variables: bool,
) -> Deploy {
    let uploads = planned
        .code
        .iter()
        .filter(|r| r.action == Action::Upload)
        .filter_map(|row| {
            let (local, file) = project
                .files
                .iter()
                .find(|(f, _)| f.kind == row.kind && f.path == row.path)?;
            Some(Upload {
                row: row.clone(),
                hash: local.hash.clone(),
                file: file.clone(),
            })
        })
        .collect();
    Deploy {
        service,
        environment,
        rows: planned.code.clone(),
        uploads,
        dependencies: project.dependencies.clone(),
        runtime: planned.runtime.1.clone(),
        variables: planned.variables.clone(),
        delete_unknown_variables,
    }
}

/// Where the deploy's progress goes: the phase, and each file's bytes and outcome. The page may
/// be left while the deploy runs: updates then go nowhere, without panicking.
fn reporter(
    phase: RwSignal<Option<&'static str>>,
    files: FileProgress,
) -> impl Fn(Progress) + Clone + 'static {
    move |progress| match progress {
        Progress::Phase(name) => {
            phase.try_set(Some(name));
        }
        Progress::Sent(k, sent, size) => {
            files.try_update(|m| {
                m.insert(k, (sent, size, None));
            });
        }
        Progress::Uploaded(k) => {
            files.try_update(|m| {
                m.entry(k).or_insert((1.0, 1.0, None)).2 = Some("uploaded".into());
            });
        }
        Progress::Failed(k, error) => {
            files.try_update(|m| {
                m.entry(k).or_insert((0.0, 1.0, None)).2 = Some(error);
            });
        }
    }
}
