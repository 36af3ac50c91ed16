//! The root component: the header, and a route for every page so that reloads, the back button
//! and shared links all work.

use crate::components::header::Header;
use crate::components::on_demand::on_demand;
use crate::components::page_focus::{SkipLink, focus_on_navigation};
use crate::pages::not_found::NotFound;
use crate::pages::services::ServicesPage;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <SkipLink/>
            <Header/>
            <FocusOnNavigation/>
            <main class="page" id="content">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                    <Route path=path!("/services") view=ServicesPage/>
                    <ParentRoute path=path!("/services/:service") view=|| { prefetch_child(); on_demand(chunks::layout) }>
                        <Route path=path!("") view=|| on_demand(chunks::overview)/>
                        <Route path=path!("environments") view=|| on_demand(chunks::environments)/>
                        <Route path=path!("environments/:environment") view=|| on_demand(chunks::environment)/>
                        <Route path=path!("functions") view=|| on_demand(chunks::function_list)/>
                        <Route path=path!("functions/:resource") view=|| on_demand(chunks::function_page)/>
                        <Route path=path!("assets") view=|| on_demand(chunks::asset_list)/>
                        <Route path=path!("assets/:resource") view=|| on_demand(chunks::asset_page)/>
                        <Route path=path!("builds") view=|| on_demand(chunks::builds)/>
                        <Route path=path!("builds/:build") view=|| on_demand(chunks::build)/>
                        <Route path=path!("deploy") view=|| on_demand(chunks::deploy)/>
                        <Route path=path!("environments/:environment/logs") view=|| on_demand(chunks::logs)/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// Inside the router, whose location it follows.
#[component]
fn FocusOnNavigation() -> impl IntoView {
    focus_on_navigation();
}

/// The pages that the first screen (the Services list) does not need, split off by the console
/// build's trunk hook (xtask/src/split.rs) into four chunks that the browser fetches when a page
/// of theirs first opens: `service` (the layout and the pages a visit to a service opens first),
/// `environment` (an environment's deployments, variables and logs), `code` (a function's or
/// asset's source, versions and uploads) and `deploy` (the project deploy). Code two of them
/// share goes to shared chunks fetched with either. Few groups keep a deep link to a few
/// requests; the first visit downloads none of them (docs/PERFORMANCE.md has the sizes).
///
/// `fallible`: a chunk that fails to arrive is an error the page shows rather than a panic that
/// stops the console.
mod chunks {
    use crate::api::code::Kind;
    use crate::components::on_demand::{Page, ready};
    use crate::pages::build::BuildPage;
    use crate::pages::builds::BuildsPage;
    use crate::pages::code::{CodeList, CodePage};
    use crate::pages::deploy::DeployPage;
    use crate::pages::environments::{EnvironmentPage, EnvironmentsPage};
    use crate::pages::logs::LogsPage;
    use crate::pages::service::{ServiceLayout, ServiceOverview};
    use leptos::prelude::*;
    use leptos::wasm_split::wasm_split;

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_service))]
    pub fn layout() -> Page {
        ready(|| view! { <ServiceLayout/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn overview() -> Page {
        ready(|| view! { <ServiceOverview/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn environments() -> Page {
        ready(|| view! { <EnvironmentsPage/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn function_list() -> Page {
        ready(|| view! { <CodeList kind=Kind::Function/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn asset_list() -> Page {
        ready(|| view! { <CodeList kind=Kind::Asset/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn builds() -> Page {
        ready(|| view! { <BuildsPage/> }.into_any())
    }

    #[wasm_split(service, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn build() -> Page {
        ready(|| view! { <BuildPage/> }.into_any())
    }

    #[wasm_split(environment, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_environment))]
    pub fn environment() -> Page {
        ready(|| view! { <EnvironmentPage/> }.into_any())
    }

    #[wasm_split(environment, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn logs() -> Page {
        ready(|| view! { <LogsPage/> }.into_any())
    }

    #[wasm_split(code, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_code))]
    pub fn function_page() -> Page {
        ready(|| view! { <CodePage kind=Kind::Function/> }.into_any())
    }

    #[wasm_split(code, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn asset_page() -> Page {
        ready(|| view! { <CodePage kind=Kind::Asset/> }.into_any())
    }

    #[wasm_split(deploy, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_deploy))]
    pub fn deploy() -> Page {
        ready(|| view! { <DeployPage/> }.into_any())
    }
}

/// The groups of pages that `chunks` splits off.
#[derive(Clone, Copy)]
pub enum Pages {
    Service,
    Environment,
    Code,
    Deploy,
}

/// Starts fetching a group's chunk while the pointer or the focus is on links that open one of
/// its pages, so that the click finds it there. A failure is left to the page, which reports it
/// when it opens, and the next hover tries again (the network may be back by then); a chunk
/// already there or on its way is not fetched again.
pub fn prefetch(pages: Pages) {
    leptos::task::spawn_local(async move {
        let _ = match pages {
            Pages::Service => chunks::preload_service().await,
            Pages::Environment => chunks::preload_environment().await,
            Pages::Code => chunks::preload_code().await,
            Pages::Deploy => chunks::preload_deploy().await,
        };
    });
}

/// A deep link's page is in another chunk than the service layout around it, and would only be
/// asked for once the layout's chunk had arrived: fetch both at once.
fn prefetch_child() {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let below: Vec<&str> = path.split('/').skip(3).collect();
    match below.as_slice() {
        ["environments", _, ..] => prefetch(Pages::Environment),
        ["functions" | "assets", _, ..] => prefetch(Pages::Code),
        ["deploy", ..] => prefetch(Pages::Deploy),
        _ => {}
    }
}

/// How to leave the page of something just deleted: in place of it in the history, so Back does
/// not return to a page that can only say "not found", and with what was deleted ("the function
/// /hello") in the history entry's state, for the list to say it (`DeletedNote`).
pub fn gone(what: &str) -> leptos_router::NavigateOptions {
    leptos_router::NavigateOptions {
        replace: true,
        state: leptos_router::location::State::new(Some(format!("Deleted {what}.").into())),
        ..Default::default()
    }
}

/// On a list page: what was just deleted, when the page was reached by `gone`. Read from the
/// browser's history entry as the list opens: the router's own copy of the state keeps the last
/// one `navigate` set through later link clicks, and the note would follow the user around.
#[component]
pub fn DeletedNote() -> impl IntoView {
    let said = window()
        .history()
        .ok()
        .and_then(|history| history.state().ok())
        .and_then(|state| state.as_string());
    said.map(|said| view! { <p class="saved" id="deleted-note" role="status">{said}</p> })
}

/// A route parameter as a signal ("" when absent, which no API path accepts).
pub fn param(name: &'static str) -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}
