//! The Services page: every service on the account, and a form to create one.

use crate::api::ClientError;
use crate::api::services::{self, NewService};
use crate::chunks::{Pages, prefetch};
use crate::components::copy::CopySid;
use crate::components::error_view::{ErrorView, LoadError};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck, refusals};
use crate::components::outcome::action_then;
use crate::components::time::Time;
use crate::components::title::use_title;
use crate::routing::A;
use crate::routing::DeletedNote;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_models::validate::{self, FieldResult};
use switchboard_models::{Service, limits};

/// How the list is ordered; kept in the URL (`?sort=`) with the search (`?q=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Newest,
    Oldest,
}

impl SortBy {
    fn parse(value: &str) -> SortBy {
        match value {
            "newest" => SortBy::Newest,
            "oldest" => SortBy::Oldest,
            _ => SortBy::Name,
        }
    }
}

/// The services matching `query` (in either name or the SID, ignoring case), in `sort` order.
pub fn filter_and_sort(mut services: Vec<Service>, query: &str, sort: SortBy) -> Vec<Service> {
    let query = query.trim().to_lowercase();
    services.retain(|s| {
        query.is_empty()
            || s.unique_name.to_lowercase().contains(&query)
            || s.friendly_name.to_lowercase().contains(&query)
            || s.sid.to_lowercase().contains(&query)
    });
    // One sort with the order chosen inside: each call of a sort compiles a copy of the whole
    // stable sort, three of them 5 KB of the first load (docs/PERFORMANCE.md).
    services.sort_by(|a, b| match sort {
        SortBy::Name => a
            .friendly_name
            .to_lowercase()
            .cmp(&b.friendly_name.to_lowercase()),
        SortBy::Newest => b.date_created.cmp(&a.date_created),
        SortBy::Oldest => a.date_created.cmp(&b.date_created),
    });
    services
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    use_title(|| "Services".into());
    let services = LocalResource::new(services::list);
    let created = move || services.refetch();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let sort = Memo::new(move |_| query.read().get("sort").unwrap_or_default());
    let navigate = use_navigate();
    let set_query = move |q: String, sort: String| {
        let mut params = form_urlencoded::Serializer::new(String::new());
        if !q.is_empty() {
            params.append_pair("q", &q);
        }
        if !sort.is_empty() && sort != "name" {
            params.append_pair("sort", &sort);
        }
        let params = params.finish();
        let url = if params.is_empty() {
            "/services".to_owned()
        } else {
            format!("/services?{params}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let set_search = set_query.clone();
    view! {
        <section class="services">
            <div class="page-head">
                <h1>"Services"</h1>
                <div class="toolbar">
                    <input type="search" id="service-search" placeholder="Search by name or SID" aria-label="Search services"
                        prop:value=search on:input=move |ev| set_search(event_target_value(&ev), sort.get_untracked())/>
                    <select id="service-sort" aria-label="Sort services"
                        on:change=move |ev| set_query(search.get_untracked(), event_target_value(&ev))>
                        <option value="name" selected=move || SortBy::parse(&sort.get()) == SortBy::Name>"Name"</option>
                        <option value="newest" selected=move || SortBy::parse(&sort.get()) == SortBy::Newest>"Newest first"</option>
                        <option value="oldest" selected=move || SortBy::parse(&sort.get()) == SortBy::Oldest>"Oldest first"</option>
                    </select>
                </div>
            </div>
            <DeletedNote/>
            <CreateServiceForm existing=services on_created=created/>
            // Read from the resource rather than through a <Transition>: the same skeleton, then
            // the list, which stays while it reloads (a resource keeps its value until the next
            // one arrives), and no Suspense machinery in the first load (docs/PERFORMANCE.md).
            {move || match services.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading services…"</div> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty" id="services-empty">"No services yet. Create one above to start deploying Functions."</p>
                }.into_any(),
                Some(Ok(list)) => {
                    let total = list.len();
                    let shown = filter_and_sort(list, &search.get(), SortBy::parse(&sort.get()));
                    view! { <ServiceTable services=shown total/> }.into_any()
                }
                Some(Err(error)) => view! { <LoadError error retry=move || services.refetch()/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ServiceTable(services: Vec<Service>, total: usize) -> impl IntoView {
    if services.is_empty() {
        return view! {
            <p class="empty" id="services-no-match">{format!("No service matches the search ({total} in all).")}</p>
        }
        .into_any();
    }
    view! {
        <p class="count">{format!("{} of {total} services", services.len())}</p>
        <table class="table" id="services-table">
            <thead>
                <tr><th>"Friendly name"</th><th>"Unique name"</th><th>"SID"</th><th>"Created"</th></tr>
            </thead>
            <tbody on:pointerenter=|_| prefetch(Pages::Service) on:focusin=|_| prefetch(Pages::Service)>
                {services.into_iter().map(|service| {
                    let row_sid = service.sid.clone();
                    view! {
                    <tr data-sid=row_sid>
                        <td><A href=format!("/services/{}", service.sid)>{service.friendly_name}</A></td>
                        <td class="unique-name">{service.unique_name}</td>
                        <td><CopySid sid=service.sid/></td>
                        <td><Time iso=service.date_created/></td>
                    </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Checks the form with the same rules the API applies, so most mistakes never leave the page:
/// every field's problem at once.
fn check(new: &NewService) -> Vec<(&'static str, String)> {
    refusals([
        validate::service_unique_name(Some(&new.unique_name)),
        validate::friendly_name(Some(&new.friendly_name)),
    ])
}

/// The create form. On error it keeps everything typed and shows the message beside the form.
#[component]
fn CreateServiceForm(
    /// The services listed, to name a clash before Twilio refuses it (409 "must be unique").
    existing: LocalResource<Result<Vec<Service>, ClientError>>,
    on_created: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let unique_name = RwSignal::new(String::new());
    let friendly_name = RwSignal::new(String::new());
    let include_credentials = RwSignal::new(true);
    let ui_editable = RwSignal::new(false);
    // No check as the user types here (`FormCheck::live`), unlike the other forms: this form is
    // on the first page, whose size is capped (docs/PERFORMANCE.md). Nothing typed is cut, and
    // Create says every field's problem at once, lengths with the count ("(60 now)").
    let check_form = FormCheck::new("create-service");
    // `action_then` and a submit handler of its own rather than `action_on_ok` and `submit_to`,
    // as the other forms have: each generic layer is code in the first page's wasm (measured:
    // 17 B gzip more with them).
    let create = action_then(
        |new: &NewService| {
            let new = new.clone();
            async move { services::create(&new).await }
        },
        move |created| {
            if created.is_ok() {
                unique_name.set(String::new());
                friendly_name.set(String::new());
                on_created();
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let new = NewService {
            unique_name: unique_name.get_untracked().trim().to_owned(),
            friendly_name: friendly_name.get_untracked().trim().to_owned(),
            include_credentials: include_credentials.get_untracked(),
            ui_editable: ui_editable.get_untracked(),
        };
        let taken = existing.with_untracked(|list| {
            list.as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.iter().find(|s| s.unique_name == new.unique_name))
                .map(|s| s.friendly_name.clone())
        });
        let mut found = check(&new);
        if let Some(friendly) = taken {
            found.insert(
                0,
                (
                    "UniqueName",
                    format!(
                        "{friendly} already has the unique name {}: unique names cannot repeat in an account.",
                        new.unique_name
                    ),
                ),
            );
        }
        if check_form.all(found) {
            create.dispatch(new);
        } else {
            // Only the newest outcome stays on screen: not "Created" or an older error.
            create.value().set(None);
        }
    };
    view! {
        <form class="card form" id="create-service" on:submit=submit novalidate>
            <h2>"Create a service"</h2>
            <label>
                "Unique name"
                <input name="UniqueName" required placeholder="my-service" prop:value=unique_name on:input=move |ev| unique_name.set(event_target_value(&ev))/>
                <small>"Letters, numbers and hyphens; it starts the service's domain and cannot change."</small>
            </label>
            <CheckMessage check=check_form at="UniqueName"/>
            <label>
                "Friendly name"
                <input name="FriendlyName" required placeholder="My service"
                    prop:value=friendly_name on:input=move |ev| friendly_name.set(event_target_value(&ev))/>
            </label>
            <CheckMessage check=check_form at="FriendlyName"/>
            <ServiceFlags include_credentials ui_editable/>
            <CheckMessage check=check_form/>
            // The outcome: the error, or where the new service is (it may sort far down a long
            // list). One reactive closure for both, as the first page's bytes are counted.
            {move || create.value().get().map(|outcome| match outcome {
                Ok(service) => view! {
                    <p class="saved" id="service-created" role="status">
                        "Created " <A href=format!("/services/{}", service.sid)>{service.friendly_name}</A> "."
                    </p>
                }.into_any(),
                Err(error) => view! { <ErrorView error/> }.into_any(),
            })}
            <button type="submit" class="primary" aria-disabled=busy(move || create.pending().get())>
                {move || if create.pending().get() { "Creating…" } else { "Create service" }}
            </button>
        </form>
    }
}

/// The friendly name's length, checked as it is typed (services, functions and assets share it).
pub fn friendly_name_length(value: &str) -> FieldResult {
    validate::max_chars("FriendlyName", value, limits::FRIENDLY_NAME_MAX)
}

/// The two switches a service has, on both the create form and the settings form.
#[component]
pub fn ServiceFlags(
    include_credentials: RwSignal<bool>,
    ui_editable: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" name="IncludeCredentials" prop:checked=include_credentials
                on:change=move |ev| include_credentials.set(event_target_checked(&ev))/>
            "Include account credentials in the function context"
        </label>
        <label class="check">
            <input type="checkbox" name="UiEditable" prop:checked=ui_editable
                on:change=move |ev| ui_editable.set(event_target_checked(&ev))/>
            "Editable in the Twilio Console"
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(sid: &str, unique: &str, friendly: &str, created: &str) -> Service {
        Service {
            sid: sid.into(),
            unique_name: unique.into(),
            friendly_name: friendly.into(),
            date_created: created.into(),
            ..Default::default()
        }
    }

    #[test]
    fn search_matches_names_and_sids_and_sorts() {
        let all = vec![
            service("ZS1", "beta", "Beta", "2024-01-02T00:00:00Z"),
            service("ZS2", "alpha", "alpha", "2024-01-03T00:00:00Z"),
            service("ZS3", "gamma", "Gamma", "2024-01-01T00:00:00Z"),
        ];
        let names =
            |list: Vec<Service>| list.into_iter().map(|s| s.unique_name).collect::<Vec<_>>();
        assert_eq!(
            names(filter_and_sort(all.clone(), "", SortBy::Name)),
            ["alpha", "beta", "gamma"]
        );
        assert_eq!(
            names(filter_and_sort(all.clone(), "", SortBy::Newest)),
            ["alpha", "beta", "gamma"]
        );
        assert_eq!(
            names(filter_and_sort(all.clone(), "", SortBy::Oldest)),
            ["gamma", "beta", "alpha"]
        );
        assert_eq!(
            names(filter_and_sort(all.clone(), "GAM", SortBy::Name)),
            ["gamma"]
        );
        assert_eq!(names(filter_and_sort(all, "zs1", SortBy::Name)), ["beta"]);
    }
}
