//! Deploying a whole twilio-run project from the browser: pick or drop the folder, read the plan
//! against an environment's live build, then apply it (see `flows::project_deploy`).

use crate::api::environments;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::file_input::{clear_on_click, hold};
use crate::components::focus::busy;
use crate::components::live_urls::LiveUrls;
use crate::components::outcome::action_then;
use crate::components::plural::count;
use crate::flows::live::{self, Live};
use crate::pages::deploy::apply::ApplyPlan;
use crate::pages::deploy::export::ExportProject;
use crate::pages::environment::promote::PromoteForm;
use crate::project::layout::Scope;
use crate::project::load::load_project;
use crate::project::read;
use crate::routing::param;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use web_sys::File;

/// The files of the picked project folder, or why they could not be read.
type Picked = RwSignal<Option<Result<Vec<(String, File)>, String>>, LocalStorage>;

/// The deploy page's URL with `environment` chosen.
fn environment_url(path: &str, environment: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("environment", environment)
        .finish();
    format!("{path}?{query}")
}

#[component]
pub fn DeployPage() -> impl IntoView {
    let service = param("service");
    // The picked folder's files (or why they could not be read). They are read into a project
    // for each environment, since `.twilioserverlessrc` may set other variables or a runtime per
    // environment.
    let picked: Picked = RwSignal::new_local(None);
    // The environment is in the URL (`?environment=ZE…`), so a reload or a link keeps it;
    // without one, the first environment.
    let query = use_query_map();
    let first = RwSignal::new(String::new());
    let environment = Memo::new(move |_| {
        query
            .read()
            .get("environment")
            .filter(|sid| !sid.is_empty())
            .unwrap_or_else(|| first.get())
    });
    let (navigate, path) = (use_navigate(), crate::routing::use_path());
    let choose = move |sid: String| {
        let url = environment_url(&path.get_untracked(), &sid);
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate(&url, options);
    };
    let choose = StoredValue::new_local(choose);
    // Owned here, not by the plan's view: while a deploy runs, nothing may replace that view.
    let deploying = RwSignal::new(false);
    let refresh = RwSignal::new(0u32);
    let envs = LocalResource::new(move || async move { environments::list(&service.get()).await });
    let live = LocalResource::new(move || {
        let (service, environment) = (service.get(), environment.get());
        refresh.track();
        async move {
            if environment.is_empty() {
                return Ok(None);
            }
            live::live(&service, &environment).await.map(Some)
        }
    });
    view! {
        <section class="deploy">
            <h1>"Deploy a project"</h1>
            <p class="hint">"A twilio-run project: functions/ and assets/ (.protected. and .private. in names set the visibility), package.json dependencies, .env variables and the .twilioserverlessrc runtime, folders and env file, with its environments, commands.deploy and projects sections. node_modules, dotfiles and .twilioserverlessignore patterns are skipped."</p>
            <ProjectPicker picked deploying refresh/>
            <label>"Environment "
                <Transition fallback=|| view! { <span class="skeleton">"Loading environments…"</span> }>
                    {move || Suspend::new(async move {
                        match envs.await {
                            // Nothing to choose: the page below offers to create dev.
                            Ok(list) if list.is_empty() => ().into_any(),
                            Ok(list) => {
                                if let Some(env) = list.first() && first.get_untracked() != env.sid {
                                    first.set(env.sid.clone());
                                }
                                view! {
                                    <select id="deploy-environment" disabled=deploying
                                        on:change=move |ev| choose.with_value(|choose| choose(event_target_value(&ev)))>
                                        {list.into_iter().map(|e| {
                                            let sid = e.sid.clone();
                                            view! { <option value=e.sid.clone() selected=move || environment.get() == sid>{e.unique_name}</option> }
                                        }).collect_view()}
                                    </select>
                                }.into_any()
                            }
                            Err(error) => view! { <LoadError error retry=move || envs.refetch()/> }.into_any(),
                        }
                    })}
                </Transition>
            </label>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading the live build…"</div> }>
                {move || Suspend::new(async move {
                    match live.await {
                        Ok(Some(live)) => view! { <LiveSection live picked refresh deploying/> }.into_any(),
                        // No environment chosen: none exists, or the list is not there (yet).
                        // Only an empty list offers to create one; a failed one shows above.
                        Ok(None) => match envs.await {
                            Ok(list) if list.is_empty() => view! { <CreateDev on_created=move || envs.refetch()/> }.into_any(),
                            _ => ().into_any(),
                        },
                        Err(error) => view! { <LoadError error retry=move || live.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The project folder, picked or dropped: its files go to `picked`, and the plan is made again
/// (`refresh`). Nothing is picked while a deploy runs.
#[component]
fn ProjectPicker(
    picked: Picked,
    deploying: RwSignal<bool>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    // A newly picked project is planned against a fresh look at the environment.
    // Every pick or drop takes a number; a folder that is still being walked when another is
    // picked, or when a deploy starts, is dropped rather than replacing what came after it.
    let picks = StoredValue::new(0u32);
    let next_pick = move || {
        picks.update_value(|n| *n += 1);
        picks.get_value()
    };
    // What was picked, named beside the drop zone; the folder input holds the same files (a
    // dropped folder's too), so it never reads "No file chosen" beside a named project.
    let picked_label = RwSignal::new(None::<String>);
    let folder_input = NodeRef::<leptos::html::Input>::new();
    let hold_picked = move || {
        if let Some(input) = folder_input.get_untracked() {
            picked.with_untracked(|files| {
                let files = files.as_ref().and_then(|f| f.as_ref().ok());
                hold(&input, files.into_iter().flatten().map(|(_, file)| file));
            });
        }
    };
    let load =
        move |pick: u32, folder: Option<String>, files: Result<Vec<(String, File)>, String>| {
            if pick != picks.get_value() || deploying.get_untracked() {
                return;
            }
            if let Ok(list) = &files {
                let counted = count(list.len(), "file", "files");
                picked_label.set(Some(match folder {
                    Some(folder) => format!("{folder} ({counted})"),
                    None => counted,
                }));
            }
            picked.set(Some(files));
            hold_picked();
            refresh.update(|n| *n += 1);
        };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        match input.files() {
            Some(list) if list.length() > 0 && deploying.get_untracked() => hold_picked(),
            Some(list) if list.length() > 0 => load(
                next_pick(),
                read::folder_of(&list),
                Ok(read::from_input(&list)),
            ),
            _ => {}
        }
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if deploying.get_untracked() {
            return;
        }
        let Some(entries) = ev.data_transfer().map(|d| read::dropped_entries(&d)) else {
            return;
        };
        let pick = next_pick();
        let folder = match entries.as_slice() {
            [only] if only.is_directory() => Some(only.name()),
            _ => None,
        };
        leptos::task::spawn_local(
            async move { load(pick, folder, read::from_entries(entries).await) },
        );
    };
    view! {
    <div class="dropzone" id="project-drop" class:dragging=dragging class:disabled=deploying
        aria-disabled=move || deploying.get().to_string()
        on:dragover=move |ev| { ev.prevent_default(); dragging.set(!deploying.get_untracked()); }
        on:dragleave=move |_| dragging.set(false)
        on:drop=on_drop>
        <label>
            "Drop the project folder here, or choose it"
            <input type="file" id="project-folder" prop:webkitdirectory=true multiple=""
                disabled=deploying node_ref=folder_input on:click=clear_on_click
                on:change=on_pick on:cancel=move |_: leptos::ev::Event| hold_picked()/>
        </label>
    </div>
    {move || picked_label.get().map(|label| view! { <p class="hint" id="picked-project">"Project: " {label}</p> })}
    }
}

/// A service with no environment yet: one click creates `dev` (suffix `dev`), the environment
/// twilio-run deploys to by default and creates when it is missing. The picked project stays.
#[component]
fn CreateDev(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let service = param("service");
    let create = action_then(
        move |_: &()| {
            let service = service.get_untracked();
            async move { environments::create(&service, "dev", "dev").await }
        },
        // Created elsewhere meanwhile (the CLI, another tab): list the environments again.
        move |created| match created {
            Ok(_) => on_created(),
            Err(error) if error.is_conflict() => on_created(),
            Err(_) => {}
        },
    );
    view! {
        <div class="empty" id="deploy-no-environment">
            <p>"This service has no environment to deploy to yet."</p>
            <button type="button" class="primary" id="create-dev" aria-disabled=busy(move || create.pending().get())
                on:click=move |_| if !create.pending().get_untracked() { create.dispatch(()); }>"Create the dev environment"</button>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
        </div>
    }
}

/// The plan, its application, promotion and export for the chosen environment.
#[component]
fn LiveSection(
    live: Live,
    picked: Picked,
    refresh: RwSignal<u32>,
    deploying: RwSignal<bool>,
) -> impl IntoView {
    let env = StoredValue::new(live.environment.clone());
    let service = live.environment.service_sid.clone();
    let live_build = RwSignal::new(live.environment.build_sid.clone());
    let live = StoredValue::new(live);
    // Untracked: this section is rebuilt for every pick and every environment (see `load`).
    let project = LocalResource::new(move || {
        let (suffix, account) = env.with_value(|e| {
            (
                e.domain_suffix.clone().unwrap_or_default(),
                e.account_sid.clone(),
            )
        });
        let files = picked.get_untracked();
        async move {
            let scope = Scope {
                domain_suffix: &suffix,
                account_sid: &account,
            };
            match files? {
                Ok(files) => Some(load_project(files, scope).await),
                Err(error) => Some(Err(error)),
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Reading the project…"</div> }>
            {move || Suspend::new(async move {
                match project.await {
                    None => view! { <p class="empty" id="deploy-no-project">"Pick a project folder to see what a deploy would change."</p> }.into_any(),
                    Some(Err(message)) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
                    Some(Ok(project)) => view! { <ApplyPlan live project refresh deploying live_build/> }.into_any(),
                }
            })}
        </Transition>
        <LiveUrls service=service.clone() domain=env.with_value(|e| e.domain_name.clone()) live_build/>
        <div class="card">
            <PromoteForm service=service.clone() source=env.with_value(|e| e.sid.clone()) live=live_build/>
        </div>
        <ExportProject service environment=env.with_value(|e| e.sid.clone())/>
    }
}

#[cfg(test)]
mod tests {
    use super::environment_url;

    #[test]
    fn the_environment_goes_into_the_query() {
        assert_eq!(
            environment_url("/services/ZS1/deploy", "ZE2"),
            "/services/ZS1/deploy?environment=ZE2"
        );
        assert_eq!(environment_url("/d", "a b&c"), "/d?environment=a+b%26c");
    }
}
