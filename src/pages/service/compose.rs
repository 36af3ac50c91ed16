//! The build composer: which version of each function and asset, the dependencies (typed or
//! imported from a `package.json`) and the runtime.

use crate::api::ClientError;
use crate::api::builds::{self, NewBuild};
use crate::api::code::{self, Kind, Version};
use crate::components::build_link::BuildLink;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::file_input::read_text;
use crate::components::focus::{busy, focus_when_rendered};
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::poller::refetch_when_shown;
use crate::routing::param;
use futures::StreamExt;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::npm_version;
use switchboard_models::{
    Build, BuildStatus, BuildVersion, DEFAULT_RUNTIME, Dependency, RUNTIMES, dependencies, limits,
};

/// A function or asset with its versions, newest first.
#[derive(Clone)]
struct Choice {
    kind: Kind,
    sid: String,
    name: String,
    versions: Vec<Version>,
}

/// The version picked for each function or asset, by its SID: `None` leaves it out of the build,
/// and one not in the map gets its latest version.
type Picks = RwSignal<HashMap<String, Option<String>>>;

fn picked(picks: &HashMap<String, Option<String>>, choice: &Choice) -> Option<String> {
    match picks.get(&choice.sid) {
        Some(pick) => pick.clone(),
        None => choice.versions.first().map(|v| v.sid.clone()),
    }
}

/// Two picked versions with the same path, which the environment could serve only one of:
/// the path and the two functions' or assets' names. Functions and assets share the domain's
/// paths, so they are checked together.
fn shared_path(
    listed: &[Choice],
    picks: &HashMap<String, Option<String>>,
) -> Option<(String, String, String)> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for choice in listed {
        let Some(sid) = picked(picks, choice) else {
            continue;
        };
        let Some(version) = choice.versions.iter().find(|v| v.sid == sid) else {
            continue;
        };
        if let Some(first) = seen.insert(&version.path, &choice.name) {
            return Some((version.path.clone(), first.to_owned(), choice.name.clone()));
        }
    }
    None
}

/// The paths (or, for a bare SID, the SIDs) of what `build` holds that `listed` no longer has.
fn deleted_since(build: &Build, listed: &[Choice]) -> Vec<String> {
    let exists = |version: &BuildVersion| {
        listed
            .iter()
            .any(|c| c.versions.iter().any(|v| v.sid == version.sid()))
    };
    build
        .function_versions
        .iter()
        .chain(&build.asset_versions)
        .filter(|version| !exists(version))
        .map(|version| match version {
            BuildVersion::Object(object) if !object.path.is_empty() => object.path.clone(),
            other => other.sid().to_owned(),
        })
        .collect()
}

async fn load_choices(service: String) -> Result<Vec<Choice>, ClientError> {
    let mut choices = Vec::new();
    for kind in [Kind::Function, Kind::Asset] {
        let items = code::list(&service, kind).await?;
        // A few at a time: a service with hundreds of functions must not set off a 429 storm.
        let versions: Vec<_> = futures::stream::iter(
            items
                .iter()
                .map(|item| code::versions(&service, kind, &item.sid)),
        )
        .buffered(8)
        .collect()
        .await;
        for (item, versions) in items.into_iter().zip(versions) {
            choices.push(Choice {
                kind,
                sid: item.sid,
                name: item.friendly_name,
                versions: versions?,
            });
        }
    }
    Ok(choices)
}

/// One dependency row of the editor.
#[derive(Clone, Copy)]
struct DependencyRow {
    id: usize,
    name: RwSignal<String>,
    version: RwSignal<String>,
}

/// The rows as dependencies, or what is wrong with them. Blank rows are ignored.
pub fn collect_dependencies(rows: &[(String, String)]) -> Result<Vec<Dependency>, String> {
    let mut list: Vec<Dependency> = Vec::new();
    for (name, version) in rows {
        let (name, version) = (name.trim(), version.trim());
        match (name.is_empty(), version.is_empty()) {
            (true, true) => continue,
            (true, false) => {
                return Err(format!(
                    "the dependency with version {version} needs a name"
                ));
            }
            (false, true) => return Err(format!("dependency {name} needs a version")),
            (false, false) if list.iter().any(|d| d.name == name) => {
                return Err(format!("dependency {name} is listed twice"));
            }
            (false, false) => list.push(Dependency {
                name: name.into(),
                version: version.into(),
            }),
        }
    }
    Ok(list)
}

/// Focuses `css` in the dependency row `id`, once a row added just now is on the page.
fn focus_in_row(id: usize, css: &str) {
    focus_when_rendered(format!(".dependency-row[data-row='{id}'] {css}"));
}

/// Why npm would fail to install a dependency row (the build would then fail), if it would.
fn install_problem(name: &str, version: &str) -> Option<&'static str> {
    let (name, version) = (name.trim(), version.trim());
    if !name.is_empty() && !dependencies::is_valid_name(name) {
        Some(
            "npm has no package by such a name, so the build would fail. Package names are letters, digits and - . _ ~, or @scope/name.",
        )
    } else if !npm_version::is_valid_spec(version) {
        Some(
            "npm cannot install this version, so the build would fail. Use a version or range such as 4.17.21 or ^4.17.0.",
        )
    } else {
        None
    }
}

/// The build a new one starts from: the newest completed one, else the newest.
fn starting_point(builds: &[Build]) -> Option<&Build> {
    builds
        .iter()
        .find(|b| b.status == BuildStatus::Completed)
        .or(builds.first())
}

#[component]
pub fn ComposeBuild(
    /// The service's builds, newest first: the dependencies and runtime start from them.
    builds: LocalResource<Result<Vec<Build>, ClientError>>,
    on_created: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let service = param("service");
    let choices = LocalResource::new(move || load_choices(service.get()));
    // Versions uploaded elsewhere (the CLI, another tab) are offered when the user comes back,
    // instead of a stale "latest"; picks of versions deleted meanwhile are dropped (below).
    refetch_when_shown(move || choices.refetch());
    let rows = RwSignal::new(Vec::<DependencyRow>::new());
    let next_id = StoredValue::new(0usize);
    // A row's signals belong to the composer, whoever adds the row: made inside an effect they
    // would be disposed when the effect runs again, while the row still reads them.
    let owner = StoredValue::new(Owner::current());
    let add_row = move |name: String, version: String| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let make = || DependencyRow {
            id,
            name: RwSignal::new(name),
            version: RwSignal::new(version),
        };
        let row = owner.with_value(|owner| match owner {
            Some(owner) => owner.with(make),
            None => make(),
        });
        rows.update(|rows| rows.push(row));
        id
    };
    // A row the user asked for is where they type next.
    let add_blank_row = move || {
        let id = add_row(String::new(), String::new());
        focus_in_row(id, ".dependency-name");
    };
    let picks: Picks = RwSignal::new(HashMap::new());
    // A pick of a version that is gone (its function deleted elsewhere) would be sent while the
    // list shows another, and the API would refuse the build: it falls back to the latest.
    Effect::new(move |_| {
        if let Some(Ok(list)) = choices.get() {
            picks.update(|picks| {
                picks.retain(|resource, pick| {
                    list.iter().find(|c| c.sid == *resource).is_some_and(|c| {
                        pick.as_ref()
                            .is_none_or(|sid| c.versions.iter().any(|v| v.sid == *sid))
                    })
                })
            });
        }
    });
    let runtime = RwSignal::new(DEFAULT_RUNTIME.to_owned());
    // A new build keeps the dependencies and runtime of the last one, as twilio-run keeps them
    // in package.json and .twilioserverlessrc: starting empty dropped every dependency and moved
    // the runtime to the default. Once, and only into a composer nobody has touched yet.
    let started_from = RwSignal::new(None::<(String, bool)>);
    // What the starting build served that no longer exists (a function deleted since): this
    // build cannot include it, and deploying it takes it off the environment.
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
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Ok(list)) = builds.get() else {
            return false;
        };
        if let Some(build) = starting_point(&list)
            && rows.with_untracked(Vec::is_empty)
            && runtime.with_untracked(|r| r == DEFAULT_RUNTIME)
        {
            for dependency in &build.dependencies {
                add_row(dependency.name.clone(), dependency.version.clone());
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
    let check_form = FormCheck::new("compose-build");
    // Dependencies npm would fail on are sent only when Create build is pressed again with the
    // same ones: Twilio would take the build and fail it a minute later, but a version tag or
    // package this check does not know must not be refused outright.
    let accepted_problems = StoredValue::new(Vec::<(String, String)>::new());
    let create = Action::new_local(move |build: &NewBuild| {
        let (service, build) = (service.get_untracked(), build.clone());
        async move { builds::create(&service, &build).await }
    });
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            // The next build with a bad dependency is asked about again.
            accepted_problems.set_value(Vec::new());
            on_created();
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let listed = choices
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        if let Some((path, first, second)) = picks.with_untracked(|p| shared_path(&listed, p)) {
            create.value().set(None);
            check_form.whole(format!(
                "{first} and {second} are both at {path}, and the environment can serve only one: leave one out, or upload one at another path."
            ));
            return;
        }
        let sids = |kind: Kind| -> Vec<String> {
            picks.with_untracked(|picks| {
                listed
                    .iter()
                    .filter(|c| c.kind == kind)
                    .filter_map(|c| picked(picks, c))
                    .collect()
            })
        };
        let pairs: Vec<(String, String)> = rows
            .get_untracked()
            .iter()
            .map(|row| (row.name.get_untracked(), row.version.get_untracked()))
            .collect();
        // A half-filled row is said first: "needs a name" is the fix, not npm's failure.
        if let Err(message) = collect_dependencies(&pairs) {
            create.value().set(None);
            check_form.whole(message);
            return;
        }
        let problems: Vec<(String, String)> = pairs
            .iter()
            .filter(|(name, version)| install_problem(name, version).is_some())
            .map(|(name, version)| (name.trim().to_owned(), version.trim().to_owned()))
            .collect();
        if problems.is_empty() {
            // Fixed: the same problem brought back later is asked about again.
            accepted_problems.set_value(Vec::new());
        } else if accepted_problems.with_value(|a| *a != problems) {
            accepted_problems.set_value(problems.clone());
            create.value().set(None);
            let named: Vec<String> = problems
                .iter()
                .map(|(name, version)| format!("{name}@{version}"))
                .collect();
            check_form.whole(format!(
                "npm would fail to install {}, and the build with it. Fix the dependency, or press Create build again to create the build anyway.",
                named.join(", ")
            ));
            return;
        }
        let build = collect_dependencies(&pairs).and_then(|dependencies| {
            let build = NewBuild {
                function_versions: sids(Kind::Function),
                asset_versions: sids(Kind::Asset),
                dependencies,
                runtime: runtime.get_untracked(),
            };
            if build.function_versions.is_empty() && build.asset_versions.is_empty() {
                Err("pick at least one function or asset version".into())
            } else if build.function_versions.len() > limits::FUNCTION_VERSIONS_PER_BUILD {
                Err(format!(
                    "a build holds at most {} function versions",
                    limits::FUNCTION_VERSIONS_PER_BUILD
                ))
            } else {
                Ok(build)
            }
        });
        match build {
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
    };
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
            if rows.is_disposed() {
                return;
            }
            match parsed {
                Ok(list) => {
                    check_form.clear();
                    for dependency in list {
                        let existing = rows
                            .get_untracked()
                            .into_iter()
                            .find(|r| r.name.get_untracked() == dependency.name);
                        match existing {
                            Some(row) => row.version.set(dependency.version),
                            None => {
                                add_row(dependency.name, dependency.version);
                            }
                        }
                    }
                    // Drop blank rows the import made unnecessary.
                    rows.update(|rows| {
                        rows.retain(|r| {
                            !r.name.get_untracked().trim().is_empty()
                                || !r.version.get_untracked().trim().is_empty()
                        })
                    });
                }
                Err(message) => check_form.whole(message),
            }
        });
    };
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
                <For each=move || rows.get() key=|row| row.id let:row>
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
                                let next = rows.with_untracked(|rows| {
                                    rows.iter().skip_while(|r| r.id != row.id).nth(1).map(|r| r.id)
                                });
                                match next {
                                    Some(id) => focus_in_row(id, ".dependency-name"),
                                    None => add_blank_row(),
                                }
                            }/>
                        <button type="button" class="remove-dependency"
                            aria-label=move || format!("Remove dependency {}", row.name.get())
                            on:click=move |_| rows.update(|rows| rows.retain(|r| r.id != row.id))>"Remove"</button>
                        // Below the row, not between its fields. A warning, not a refusal: Twilio
                        // takes the build and fails it later.
                        {move || row.name.with(|name| row.version.with(|version| install_problem(name, version))).map(|problem| view! {
                            <p class="field-warning dependency-warning" role="status">{problem}</p>
                        })}
                    </div>
                </For>
                <div class="dependency-actions">
                    <button type="button" id="add-dependency" on:click=move |_| add_blank_row()>"Add dependency"</button>
                    <label class="file-button">"Import package.json"
                        <input type="file" id="import-package-json" accept=".json,application/json" on:change=import/>
                    </label>
                </div>
            </fieldset>
            <label>"Runtime"
                <select name="Runtime" on:change=move |ev| runtime.set(event_target_value(&ev))>
                    {RUNTIMES.into_iter().map(|r| view! {
                        <option value=r selected=move || runtime.get() == r>{r}</option>
                    }).collect_view()}
                </select>
            </label>
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

/// A row per function and asset: include it or not, and which version.
#[component]
fn VersionPicker(choices: Vec<Choice>, picks: Picks) -> impl IntoView {
    view! {
        <table class="table" id="version-picker">
            <thead><tr><th>"Include"</th><th>"Function or asset"</th><th>"Version"</th></tr></thead>
            <tbody>
                {choices.into_iter().filter(|c| !c.versions.is_empty()).map(|choice| {
                    let latest = choice.versions[0].sid.clone();
                    let key = StoredValue::new(choice.sid.clone());
                    let current = StoredValue::new(choice.clone());
                    let pick = move || picks.with(|picks| current.with_value(|c| picked(picks, c)));
                    let set = move |version: Option<String>| picks.update(|picks| { picks.insert(key.get_value(), version); });
                    view! {
                        <tr data-resource=choice.sid.clone() data-kind=choice.kind.noun()>
                            <td><input type="checkbox" class="include" aria-label=format!("Include {}", choice.name)
                                prop:checked=move || pick().is_some()
                                on:change=move |ev| set(event_target_checked(&ev).then(|| latest.clone()))/></td>
                            <td>{choice.name.clone()} " " <small class="kind">{choice.kind.noun()}</small></td>
                            <td>
                                <select class="version-select" aria-label=format!("Version of {}", choice.name)
                                    disabled=move || pick().is_none()
                                    on:change=move |ev| set(Some(event_target_value(&ev)))>
                                    {choice.versions.iter().enumerate().map(|(i, v)| {
                                        let sid = v.sid.clone();
                                        // Newest first; a version's path can differ from its function's name.
                                        let when = v.date_created.replace('T', " ").replace('Z', " UTC");
                                        let label = format!("{}{} · {when} · {}", if i == 0 { "latest · " } else { "" }, v.path, v.sid);
                                        view! { <option value=sid.clone() selected=move || pick().as_deref() == Some(sid.as_str())>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::{Choice, HashMap, Kind, Version, collect_dependencies, shared_path};

    #[test]
    fn what_the_starting_build_held_and_is_gone_is_named_by_path() {
        use switchboard_models::{Build, BuildVersion, BuildVersionObject};
        let kept = Choice {
            kind: Kind::Function,
            sid: "ZH1".into(),
            name: "hello".into(),
            versions: vec![Version {
                sid: "ZN1".into(),
                ..Version::default()
            }],
        };
        let build = Build {
            function_versions: vec![
                BuildVersion::Sid("ZN1".into()),
                BuildVersion::Object(BuildVersionObject {
                    sid: "ZN2".into(),
                    path: "/secret".into(),
                    ..BuildVersionObject::default()
                }),
            ],
            asset_versions: vec![BuildVersion::Sid("ZN3".into())],
            ..Build::default()
        };
        assert_eq!(super::deleted_since(&build, &[kept]), ["/secret", "ZN3"]);
    }

    #[test]
    fn two_picked_versions_at_one_path_are_found_across_functions_and_assets() {
        let choice = |kind, sid: &str, name: &str, versions: &[(&str, &str)]| Choice {
            kind,
            sid: sid.into(),
            name: name.into(),
            versions: versions
                .iter()
                .map(|(sid, path)| Version {
                    sid: sid.to_string(),
                    path: path.to_string(),
                    ..Version::default()
                })
                .collect(),
        };
        let listed = [
            choice(Kind::Function, "ZH1", "hello", &[("ZN1", "/hello")]),
            choice(
                Kind::Function,
                "ZH2",
                "secret",
                &[("ZN3", "/hello"), ("ZN2", "/secret")],
            ),
            choice(Kind::Asset, "ZH3", "page", &[("ZN4", "/index.html")]),
        ];
        // The latest of each: /hello twice.
        assert_eq!(
            shared_path(&listed, &HashMap::new()),
            Some(("/hello".into(), "hello".into(), "secret".into()))
        );
        // An older version of one, or one left out: no clash.
        let older = HashMap::from([("ZH2".to_string(), Some("ZN2".to_string()))]);
        assert_eq!(shared_path(&listed, &older), None);
        let left_out = HashMap::from([("ZH1".to_string(), None)]);
        assert_eq!(shared_path(&listed, &left_out), None);
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.into(), b.into())
    }

    #[test]
    fn blank_rows_are_skipped_and_half_rows_refused() {
        let deps = collect_dependencies(&[pair(" lodash ", "4.17.21"), pair("", "")]).unwrap();
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].name, "lodash");
        assert!(collect_dependencies(&[pair("lodash", "")]).is_err());
        assert!(collect_dependencies(&[pair("", "1.0.0")]).is_err());
        assert!(collect_dependencies(&[pair("a", "1"), pair("a", "2")]).is_err());
    }
}
