//! Where a new build starts: the dependencies and runtime of the service's last build.

use super::choices::{Choice, deleted_since};
use super::dependency_editor::Rows;
use crate::api::ClientError;
use leptos::prelude::*;
use switchboard_models::{Build, BuildStatus, DEFAULT_RUNTIME};

/// The build a new one starts from: the newest completed one, else the newest.
fn starting_point(builds: &[Build]) -> Option<&Build> {
    builds
        .iter()
        .find(|b| b.status == BuildStatus::Completed)
        .or(builds.first())
}

/// What the composer started from.
pub(super) struct Start {
    /// The build, and whether it completed.
    pub from: RwSignal<Option<(String, bool)>>,
    /// What it served that no longer exists (a function deleted since): this build cannot
    /// include it, and deploying it takes it off the environment.
    pub gone: Memo<Vec<String>>,
}

/// A new build keeps the dependencies and runtime of the last one, as twilio-run keeps them in
/// package.json and .twilioserverlessrc: starting empty dropped every dependency and moved the
/// runtime to the default. Once, and only into a composer nobody has touched yet.
pub(super) fn start_from_last_build(
    builds: LocalResource<Result<Vec<Build>, ClientError>>,
    choices: LocalResource<Result<Vec<Choice>, ClientError>>,
    rows: Rows,
    runtime: RwSignal<String>,
) -> Start {
    let started_from = RwSignal::new(None::<(String, bool)>);
    let start_build = RwSignal::new(None::<Build>);
    let gone_since = Memo::new(move |_| {
        start_build
            .with(|build| {
                let build = build.as_ref()?;
                choices.with(|listed| match listed {
                    Some(Ok(listed)) => Some(deleted_since(build, listed)),
                    _ => None,
                })
            })
            .unwrap_or_default()
    });
    // An effect, not a derived value: it seeds state the user then edits (the rows, the
    // runtime) once, from a list that arrives after the composer is on screen; a derived value
    // would move under what the user typed.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Ok(list)) = builds.get() else {
            return false;
        };
        if let Some(build) = starting_point(&list)
            && rows.is_empty_untracked()
            && runtime.with_untracked(|r| r == DEFAULT_RUNTIME)
        {
            for dependency in &build.dependencies {
                rows.add(dependency.name.clone(), dependency.version.clone());
            }
            if !build.runtime.is_empty() {
                runtime.set(build.runtime.clone());
            }
            started_from.set(Some((
                build.sid.clone(),
                build.status == BuildStatus::Completed,
            )));
            start_build.set(Some(build.clone()));
        }
        true
    });
    Start {
        from: started_from,
        gone: gone_since,
    }
}
