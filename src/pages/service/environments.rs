//! A service's environments: the list and the form that creates one.

use crate::api::{ClientError, environments, session};
use crate::chunks::{Pages, prefetch};
use crate::components::build_link::BuildLink;
use crate::components::copy::CopySid;
use crate::components::error_view::ErrorView;
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck, refusals};
use crate::components::loaded::Loaded;
use crate::components::outcome::{action_on_ok, submit_to};
use crate::routing::A;
use crate::routing::{DeletedNote, param};
use leptos::prelude::*;
use switchboard_models::{Environment, limits, validate};

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let service = param("service");
    let list = LocalResource::new(move || async move { environments::list(&service.get()).await });
    view! {
        <section>
            <h1>"Environments"</h1>
            <DeletedNote/>
            <CreateEnvironmentForm existing=list on_created=move || list.refetch()/>
            <Loaded resource=list loading="Loading environments…" show={move |envs: Vec<Environment>| if envs.is_empty() {
                view! {
                    <p class="empty" id="environments-empty">"No environments yet. Create one (for example dev, with suffix dev) to deploy a build to."</p>
                }.into_any()
            } else {
                view! { <EnvironmentTable service=service.get_untracked() environments=envs/> }.into_any()
            }}/>
        </section>
    }
}

#[component]
fn EnvironmentTable(service: String, environments: Vec<Environment>) -> impl IntoView {
    view! {
        <table class="table" id="environments-table">
            <thead><tr><th>"Unique name"</th><th>"Domain"</th><th>"Live build"</th><th>"SID"</th></tr></thead>
            <tbody on:pointerenter=|_| prefetch(Pages::Environment) on:focusin=|_| prefetch(Pages::Environment)>
                {environments.into_iter().map(|env| {
                    let href = format!("/services/{service}/environments/{}", env.sid);
                    let name = env.domain_name.clone();
                    let domain = move || session::live_url(&name, "/");
                    let row_sid = env.sid.clone();
                    view! {
                        <tr data-sid=row_sid>
                            <td><A href=href>{env.unique_name}</A></td>
                            <td><a href=domain target="_blank" rel="noopener noreferrer">{env.domain_name}</a></td>
                            <td class="live-build">{match env.build_sid {
                                Some(sid) => view! { <BuildLink service=service.clone() sid/> }.into_any(),
                                None => view! { <span class="muted">"none"</span> }.into_any(),
                            }}</td>
                            <td><CopySid sid=env.sid/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CreateEnvironmentForm(
    /// The service's environments, to say which one a name or suffix clashes with: the API's
    /// 409 only says "UniqueName or DomainSuffix".
    existing: LocalResource<Result<Vec<Environment>, ClientError>>,
    on_created: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let service = param("service");
    let unique_name = RwSignal::new(String::new());
    let suffix = RwSignal::new(String::new());
    let check_form = FormCheck::new("create-environment");
    check_form.live("UniqueName", |v| {
        validate::max_chars("UniqueName", v, limits::ENVIRONMENT_UNIQUE_NAME_MAX)
    });
    check_form.live("DomainSuffix", |v| {
        validate::max_chars("DomainSuffix", v, limits::DOMAIN_SUFFIX_MAX)
    });
    let create = action_on_ok(
        move |(name, suffix): &(String, String)| {
            let (name, suffix, service) = (name.clone(), suffix.clone(), service.get_untracked());
            async move { environments::create(&service, &name, &suffix).await }
        },
        move |_| {
            unique_name.set(String::new());
            suffix.set(String::new());
            on_created();
        },
    );
    let submit = submit_to(create, move || {
        let (name, sfx) = (
            unique_name.get_untracked().trim().to_owned(),
            suffix.get_untracked().trim().to_owned(),
        );
        // Every field's problem at once; a clash only once both fields are valid.
        let mut found = refusals([
            validate::environment_unique_name(Some(&name)),
            validate::domain_suffix(Some(&sfx)),
        ]);
        if found.is_empty()
            && let Some(Ok(list)) = existing.get_untracked()
        {
            found.extend(clash(&list, &name, &sfx));
        }
        if check_form.all(found) {
            create.dispatch((name, sfx));
        } else {
            // Only the newest outcome stays on screen.
            create.value().set(None);
        }
    });
    view! {
        <form class="card form" id="create-environment" on:submit=submit on:input=check_form.on_input() novalidate>
            <h2>"Create an environment"</h2>
            <label>"Unique name"
                <input name="UniqueName" placeholder="dev" prop:value=unique_name
                    on:input=move |ev| unique_name.set(event_target_value(&ev))/>
            </label>
            <CheckMessage check=check_form at="UniqueName"/>
            <label>"Domain suffix"
                <input name="DomainSuffix" placeholder="dev" prop:value=suffix
                    on:input=move |ev| suffix.set(event_target_value(&ev))/>
                <small>"Optional. Lowercase letters, numbers and hyphens; it ends the environment's domain."</small>
            </label>
            <CheckMessage check=check_form at="DomainSuffix"/>
            <CheckMessage check=check_form/>
            {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            <button type="submit" class="primary" aria-disabled=busy(move || create.pending().get())>"Create environment"</button>
        </form>
    }
}

/// Which existing environment a new one's name or domain suffix would clash with. No suffix
/// counts as a suffix: two environments without one would share the service's bare domain.
/// The field is the input to change.
fn clash(existing: &[Environment], name: &str, suffix: &str) -> Option<(&'static str, String)> {
    if let Some(same) = existing.iter().find(|e| e.unique_name == name) {
        return Some((
            "UniqueName",
            format!(
                "This service already has an environment named {}.",
                same.unique_name
            ),
        ));
    }
    let same = existing
        .iter()
        .find(|e| e.domain_suffix.as_deref().unwrap_or_default() == suffix)?;
    let message = if suffix.is_empty() {
        format!(
            "{} already has no domain suffix, and two environments cannot share the service's domain: give this one a suffix (for example stage).",
            same.unique_name
        )
    } else {
        format!(
            "{} already uses the domain suffix {suffix}.",
            same.unique_name
        )
    };
    Some(("DomainSuffix", message))
}

#[cfg(test)]
mod tests {
    use super::clash;
    use switchboard_models::Environment;

    fn env(name: &str, suffix: Option<&str>) -> Environment {
        Environment {
            unique_name: name.into(),
            domain_suffix: suffix.map(Into::into),
            ..Environment::default()
        }
    }

    #[test]
    fn a_clash_names_the_environment_it_is_with_at_the_field_to_change() {
        let existing = [env("prod", None), env("dev", Some("dev"))];
        let (field, message) = clash(&existing, "prod", "p").unwrap();
        assert_eq!(field, "UniqueName");
        assert!(message.contains("named prod"));
        let (field, message) = clash(&existing, "qa", "").unwrap();
        assert_eq!(field, "DomainSuffix");
        assert!(message.contains("prod already has no domain suffix"));
        let (field, message) = clash(&existing, "qa", "dev").unwrap();
        assert_eq!(field, "DomainSuffix");
        assert!(message.contains("dev already uses the domain suffix dev"));
        assert_eq!(clash(&existing, "qa", "qa"), None);
    }
}
