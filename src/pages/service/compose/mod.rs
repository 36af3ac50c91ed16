//! The build composer: which version of each function and asset (`version_picker`), the
//! dependencies, typed or imported from a `package.json` (`dependency_editor`), and the runtime
//! (`runtime_picker`), checked before sending (`check`).

mod check;
mod choices;
mod dependency_editor;
mod runtime_picker;
mod start;
mod version_picker;

use crate::api::ClientError;
use crate::api::builds::{self, NewBuild};
use crate::components::build_link::BuildLink;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::outcome::{action_on_ok, submit_to};
use crate::components::poller::refetch_when_shown;
use crate::routing::param;
use check::{Form, check};
use choices::{Picks, load_choices};
use dependency_editor::{DependencyEditor, Rows};
use leptos::prelude::*;
use runtime_picker::RuntimePicker;
use start::{Start, start_from_last_build};
use std::collections::HashMap;
use switchboard_models::{Build, DEFAULT_RUNTIME};
use version_picker::VersionPicker;

#[component]
pub fn ComposeBuild(
    /// The service's builds, newest first: the dependencies and runtime start from them.
    builds: LocalResource<Result<Vec<Build>, ClientError>>,
    on_created: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let service = param("service");
    let rows = Rows::new();
    let picks: Picks = RwSignal::new(HashMap::new());
    // A pick of a version that is gone (its function deleted elsewhere) would be sent while the
    // list shows another, and the API would refuse the build: each list read drops such picks
    // as it arrives, so the pick falls back to the latest.
    let choices = LocalResource::new(move || {
        let read = load_choices(service.get());
        async move {
            let read = read.await;
            if let Ok(list) = &read
                && !picks.is_disposed()
            {
                picks.update(|picks| {
                    picks.retain(|resource, pick| {
                        list.iter().find(|c| c.sid == *resource).is_some_and(|c| {
                            pick.as_ref()
                                .is_none_or(|sid| c.versions.iter().any(|v| v.sid == *sid))
                        })
                    })
                });
            }
            read
        }
    });
    // Versions uploaded elsewhere (the CLI, another tab) are offered when the user comes back,
    // instead of a stale "latest"; picks of versions deleted meanwhile are dropped (above).
    refetch_when_shown(move || choices.refetch());
    let runtime = RwSignal::new(DEFAULT_RUNTIME.to_owned());
    let Start {
        from: started_from,
        gone: gone_since,
    } = start_from_last_build(builds, choices, rows, runtime);
    let check_form = FormCheck::new("compose-build");
    let accepted_problems = StoredValue::new(Vec::<(String, String)>::new());
    let create = action_on_ok(
        move |build: &NewBuild| {
            let (service, build) = (service.get_untracked(), build.clone());
            async move { builds::create(&service, &build).await }
        },
        move |_| {
            // The next build with a bad dependency is asked about again.
            accepted_problems.set_value(Vec::new());
            on_created();
        },
    );
    let submit = submit_to(create, move || {
        let listed = choices
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        let pairs = rows.pairs_untracked();
        let checked = picks.with_untracked(|picks| {
            let form = Form {
                listed: &listed,
                picks,
                rows: &pairs,
                runtime: runtime.get_untracked(),
            };
            let mut accepted = accepted_problems.get_value();
            let checked = check(form, &mut accepted);
            accepted_problems.set_value(accepted);
            checked
        });
        match checked {
            Ok(build) => {
                check_form.clear();
                create.dispatch(build);
            }
            Err(message) => {
                // Only the newest outcome stays on screen: not "Build … started." beside it.
                create.value().set(None);
                check_form.whole(message);
            }
        }
    });
    view! {
        <form class="card form compose" id="compose-build" on:submit=submit novalidate aria-labelledby="compose-build-heading">
            <h2 id="compose-build-heading">"Compose a build"</h2>
            // Not a <Transition>: a refetch (when the tab is shown again) would dispose what the
            // rows read while they are still on screen. The old rows stay until the new arrive.
            {move || match choices.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading functions and assets…"</div> }.into_any(),
                Some(Ok(list)) if list.iter().all(|c| c.versions.is_empty()) => view! {
                    <p class="empty" id="compose-empty">"No function or asset has a version yet. Upload one first."</p>
                }.into_any(),
                Some(Ok(list)) => view! { <VersionPicker choices=list picks/> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || choices.refetch()/> }.into_any(),
            }}
            <fieldset class="dependencies" id="dependencies">
                <legend>"Dependencies"</legend>
                {move || {
                    let gone = gone_since.get();
                    let sid = started_from.get()?.0;
                    (!gone.is_empty()).then(|| view! {
                        <p class="field-warning" id="compose-gone" role="status">
                            {format!("Deleted since {sid}, so not in this build: {}. An environment that serves {sid} stops serving them when this build is deployed.", gone.join(", "))}
                        </p>
                    })
                }}
                {move || started_from.get().map(|(sid, completed)| view! {
                    <p class="hint" id="compose-started-from">
                        "Dependencies and runtime as in " <code>{sid}</code>
                        {if completed { ", the last completed build." } else { ", the last build." }}
                    </p>
                })}
                <DependencyEditor rows check_form/>
            </fieldset>
            <RuntimePicker runtime/>
            <CheckMessage check=check_form/>
            {move || create.value().get().map(|result| match result {
                Ok(build) => view! {
                    <p class="saved" id="compose-result" role="status">"Build " <BuildLink service=build.service_sid sid=build.sid/> " started."</p>
                }.into_any(),
                Err(error) => view! { <ErrorView error/> }.into_any(),
            })}
            <button type="submit" class="primary" aria-disabled=busy(move || create.pending().get())>"Create build"</button>
        </form>
    }
}
