//! The Services page: every service on the account, and a form to create one.

use crate::api::ClientError;
use crate::api::services::{self, NewService};
use crate::components::copy::CopySid;
use crate::components::error_view::ErrorView;
use leptos::prelude::*;
use switchboard_models::Service;
use switchboard_models::validate::{self, FieldError};

#[component]
pub fn ServicesPage() -> impl IntoView {
    let services = LocalResource::new(services::list);
    let created = move || services.refetch();
    view! {
        <section class="services">
            <div class="page-head">
                <h1>"Services"</h1>
            </div>
            <CreateServiceForm on_created=created/>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading services…"</div> }>
                {move || Suspend::new(async move {
                    match services.await {
                        Ok(list) => view! { <ServiceTable services=list/> }.into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ServiceTable(services: Vec<Service>) -> impl IntoView {
    if services.is_empty() {
        return view! {
            <p class="empty" id="services-empty">"No services yet. Create one above to start deploying Functions."</p>
        }
        .into_any();
    }
    view! {
        <table class="table" id="services-table">
            <thead>
                <tr><th>"Friendly name"</th><th>"Unique name"</th><th>"SID"</th><th>"Created"</th></tr>
            </thead>
            <tbody>
                {services.into_iter().map(|service| {
                    let row_sid = service.sid.clone();
                    view! {
                    <tr data-sid=row_sid>
                        <td>{service.friendly_name}</td>
                        <td class="unique-name">{service.unique_name}</td>
                        <td><CopySid sid=service.sid/></td>
                        <td>{service.date_created}</td>
                    </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Checks the form with the same rules the API applies, so most mistakes never leave the page.
fn check(new: &NewService) -> Result<(), FieldError> {
    validate::service_unique_name(Some(&new.unique_name))?;
    validate::friendly_name(Some(&new.friendly_name))
}

/// The create form. On error it keeps everything typed and shows the message beside the form.
#[component]
fn CreateServiceForm(on_created: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let unique_name = RwSignal::new(String::new());
    let friendly_name = RwSignal::new(String::new());
    let include_credentials = RwSignal::new(true);
    let ui_editable = RwSignal::new(false);
    let field_error = RwSignal::new(None::<FieldError>);
    let create = Action::new_local(|new: &NewService| {
        let new = new.clone();
        async move { services::create(&new).await }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new = NewService {
            unique_name: unique_name.get_untracked().trim().to_owned(),
            friendly_name: friendly_name.get_untracked().trim().to_owned(),
            include_credentials: include_credentials.get_untracked(),
            ui_editable: ui_editable.get_untracked(),
        };
        match check(&new) {
            Ok(()) => {
                field_error.set(None);
                create.dispatch(new);
            }
            Err(error) => field_error.set(Some(error)),
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            unique_name.set(String::new());
            friendly_name.set(String::new());
            on_created();
        }
    });
    let server_error = move || create.value().get().and_then(Result::err);
    view! {
        <form class="card form" id="create-service" on:submit=submit novalidate>
            <h2>"Create a service"</h2>
            <label>
                "Unique name"
                <input name="UniqueName" required maxlength="50" placeholder="my-service"
                    prop:value=unique_name on:input=move |ev| unique_name.set(event_target_value(&ev))/>
                <small>"Letters, numbers and hyphens; it starts the service's domain and cannot change."</small>
            </label>
            <label>
                "Friendly name"
                <input name="FriendlyName" required maxlength="255" placeholder="My service"
                    prop:value=friendly_name on:input=move |ev| friendly_name.set(event_target_value(&ev))/>
            </label>
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
            {move || field_error.get().map(|e| view! { <p class="field-error" role="alert">{e.message}</p> })}
            {move || server_error().map(|error: ClientError| view! { <ErrorView error/> })}
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create service" }}
            </button>
        </form>
    }
}
