//! One service: its navigation, breadcrumbs and settings.

use crate::api::services::{self, ServiceSettings};
use crate::chunks::{Pages, prefetch};
use crate::components::confirm::ConfirmDelete;
use crate::components::copy::CopySid;
use crate::components::error_view::{ErrorView, LoadError, Missing, not_found};
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::outcome::{action_on_ok, action_then, submit_to};
use crate::components::poller::BuildPoller;
use crate::components::time::Time;
use crate::components::title::{ItemName, service_page, use_title};
use crate::pages::services::{ServiceFlags, friendly_name_length};
use crate::routing::A;
use crate::routing::{gone, param};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_navigate;
use switchboard_models::{Service, validate};

/// Breadcrumbs and the per-service navigation around the selected page.
#[component]
pub fn ServiceLayout() -> impl IntoView {
    let sid = param("service");
    // One build-status poller for every page of this service.
    BuildPoller::use_context(sid);
    let service = LocalResource::new(move || async move { services::fetch(&sid.get()).await });
    // Pages that change the service (a rename) refetch this, so the breadcrumb follows.
    provide_context(LayoutService(service));
    let name = move || {
        service
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.friendly_name)
            .unwrap_or_else(|| sid.get())
    };
    let pathname = crate::routing::use_path();
    let item = ItemName::provide();
    use_title(move || {
        let (below, item) = pathname.with(|path| {
            let prefix = format!("/services/{}", sid.get());
            (
                service_page(path.strip_prefix(&prefix).unwrap_or_default()),
                item.at(path),
            )
        });
        match item {
            Some(item) => format!("{item} · {below} · {}", name()),
            None => format!("{below} · {}", name()),
        }
    });
    let link = move |tail: &'static str| move || format!("/services/{}{tail}", sid.get());
    // A service that does not exist has no tabs to offer: each would fail the same way.
    let missing = not_found(service);
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <A href="/services">"Services"</A>
            <span aria-hidden="true">" / "</span>
            <A href=link("")>{name}</A>
        </nav>
        <Show when=move || missing().is_none() fallback=move || missing().map(|error| view! { <Missing error back=("/services", "Back to Services")/> })>
        // Every tab but Deploy is in this page's own chunk.
        <nav class="tabs" aria-label="Service" on:pointerenter=|_| prefetch(Pages::Deploy) on:focusin=|_| prefetch(Pages::Deploy)>
            <A href=link("") exact=true>"Overview"</A>
            <A href=link("/environments")>"Environments"</A>
            <A href=link("/functions")>"Functions"</A>
            <A href=link("/assets")>"Assets"</A>
            <A href=link("/builds")>"Builds"</A>
            <A href=link("/deploy")>"Deploy"</A>
        </nav>
        <Outlet/>
        </Show>
    }
}

/// The service's details and settings, and its deletion.
#[component]
pub fn ServiceOverview() -> impl IntoView {
    let sid = param("service");
    let service = LocalResource::new(move || async move { services::fetch(&sid.get()).await });
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading service…"</div> }>
            {move || Suspend::new(async move {
                match service.await {
                    Ok(service) => view! { <ServiceSettingsForm service/> }.into_any(),
                    Err(error) => view! { <LoadError page=true error retry=move || service.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The service as the layout shows it (breadcrumb), for pages that change it.
#[derive(Clone, Copy)]
struct LayoutService(LocalResource<Result<Service, crate::api::ClientError>>);

#[component]
fn ServiceSettingsForm(service: Service) -> impl IntoView {
    let layout = use_context::<LayoutService>();
    let friendly_name = RwSignal::new(service.friendly_name.clone());
    let include_credentials = RwSignal::new(service.include_credentials);
    let ui_editable = RwSignal::new(service.ui_editable);
    let check_form = FormCheck::new("service-settings");
    check_form.live("FriendlyName", friendly_name_length);
    let sid = service.sid.clone();
    // What the form showed when it opened or was last saved: only what differs from it is sent.
    let before = StoredValue::new(ServiceSettings::from(&service));
    let title = RwSignal::new(service.friendly_name.clone());
    let updated = RwSignal::new(service.date_updated.clone());
    let save = action_then(
        move |settings: &ServiceSettings| {
            let (sid, settings) = (sid.clone(), settings.clone());
            async move { services::update(&sid, &before.get_value(), &settings).await }
        },
        move |saved| {
            if let Some(Ok(saved)) = saved {
                // The service as saved is what the form shows and starts from now, settings
                // changed elsewhere meanwhile included: a later save must not put those back.
                let now = ServiceSettings::from(saved);
                friendly_name.set(now.friendly_name.clone());
                include_credentials.set(now.include_credentials);
                ui_editable.set(now.ui_editable);
                before.set_value(now);
                title.set(saved.friendly_name.clone());
                updated.set(saved.date_updated.clone());
                if let Some(LayoutService(layout)) = layout {
                    layout.refetch();
                }
            }
        },
    );
    let submit = submit_to(save, move || {
        let settings = ServiceSettings {
            friendly_name: friendly_name.get_untracked().trim().to_owned(),
            include_credentials: include_credentials.get_untracked(),
            ui_editable: ui_editable.get_untracked(),
        };
        match validate::friendly_name(Some(&settings.friendly_name)) {
            Ok(()) => {
                check_form.clear();
                save.dispatch(settings);
            }
            Err(error) => {
                // Only the newest outcome stays on screen: not "Saved." beside the new error.
                save.value().set(None);
                check_form.fail(&error);
            }
        }
    });
    let delete_sid = service.sid.clone();
    let navigate = use_navigate();
    let remove = action_on_ok(
        move |_: &()| {
            let sid = delete_sid.clone();
            async move { services::remove(&sid).await }
        },
        move |_| {
            navigate(
                "/services",
                gone(&format!(
                    "the service {}",
                    before.with_value(|b| b.friendly_name.clone())
                )),
            );
        },
    );
    view! {
        <section class="overview">
            <h1>{move || title.get()}</h1>
            <dl class="facts">
                <dt>"SID"</dt><dd><CopySid sid=service.sid.clone()/></dd>
                <dt>"Unique name"</dt><dd><code>{service.unique_name.clone()}</code></dd>
                <dt>"Domain base"</dt><dd><code>{service.domain_base.clone()}</code></dd>
                <dt>"Created"</dt><dd><Time iso=service.date_created.clone()/></dd>
                <dt>"Updated"</dt><dd>{move || view! { <Time iso=updated.get()/> }}</dd>
            </dl>
            <form class="card form" id="service-settings" on:submit=submit on:input=check_form.on_input() novalidate>
                <h2>"Settings"</h2>
                <label>
                    "Friendly name"
                    <input name="FriendlyName" prop:value=friendly_name
                        on:input=move |ev| friendly_name.set(event_target_value(&ev))/>
                </label>
                <CheckMessage check=check_form at="FriendlyName"/>
                <ServiceFlags include_credentials ui_editable/>
                <CheckMessage check=check_form/>
                {move || save.value().get().flatten().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
                {move || match save.value().get() {
                    Some(Some(Ok(_))) => Some(view! { <p class="saved" role="status">"Saved."</p> }.into_any()),
                    Some(None) => Some(view! { <p class="hint" role="status">"Nothing to save: no setting changed."</p> }.into_any()),
                    _ => None,
                }}
                <button type="submit" class="primary" aria-disabled=busy(move || save.pending().get())>"Save settings"</button>
            </form>
            <div class="card danger-zone">
                <h2>"Delete service"</h2>
                <p>"Deletes the service with all its environments, functions, assets and builds."</p>
                {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
                <ConfirmDelete name=service.unique_name.clone() noun="service"
                    pending=remove.pending() on_confirm=move || { remove.dispatch(()); }/>
            </div>
        </section>
    }
}
