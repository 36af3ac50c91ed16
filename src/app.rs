//! The root component: the header, and a route for every page so that reloads, the back button
//! and shared links all work.

use crate::api::code::Kind;
use crate::components::header::Header;
use crate::pages::not_found::NotFound;
use crate::pages::services::ServicesPage;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;
use std::future::Future;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                    <Route path=path!("/services") view=ServicesPage/>
                    <ParentRoute path=path!("/services/:service") view=|| on_demand(chunks::layout)>
                        <Route path=path!("") view=|| on_demand(chunks::overview)/>
                        <Route path=path!("environments") view=|| on_demand(chunks::environments)/>
                        <Route path=path!("environments/:environment") view=|| on_demand(chunks::environment)/>
                        <Route path=path!("functions") view=|| on_demand(|| chunks::code_list(Kind::Function))/>
                        <Route path=path!("functions/:resource") view=|| on_demand(|| chunks::code_page(Kind::Function))/>
                        <Route path=path!("assets") view=|| on_demand(|| chunks::code_list(Kind::Asset))/>
                        <Route path=path!("assets/:resource") view=|| on_demand(|| chunks::code_page(Kind::Asset))/>
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

/// A page whose code is in a chunk of its own: shown once the chunk has arrived, or, when it
/// cannot be fetched (offline, a relay restarted on a newer build), an error with a retry that
/// fetches it again; nothing else on the screen is lost.
fn on_demand<F>(load: impl Fn() -> F + Send + Sync + 'static) -> impl IntoView
where
    F: Future<Output = chunks::Page> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    view! {
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading…"</div> }>
            {move || {
                attempt.track();
                let page = load();
                Suspend::new(async move {
                    page.await.unwrap_or_else(|chunks::Unavailable| view! {
                        <div class="alert alert-error" role="alert" id="chunk-error">
                            <strong>"This page could not be loaded."</strong>
                            " "
                            <span class="message">"Its code did not arrive: the network or the server failed."</span>
                            " "
                            <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>"Retry"</button>
                        </div>
                    }.into_any())
                })
            }}
        </Suspense>
    }
}

/// The pages that the first screen (the Services list) does not need. `cargo xtask dist`
/// (xtask/src/split.rs) cuts each split function into a wasm chunk that the browser fetches the
/// first time the page opens, so a first visit downloads only the Services list and what it
/// shares with the rest (docs/PERFORMANCE.md has the sizes). `fallible`: a chunk that fails to
/// arrive is an error the page shows rather than a panic that stops the console.
mod chunks {
    use crate::api::code::Kind;
    use crate::pages::build::BuildPage;
    use crate::pages::builds::BuildsPage;
    use crate::pages::code::{CodeList, CodePage};
    use crate::pages::deploy::DeployPage;
    use crate::pages::environments::{EnvironmentPage, EnvironmentsPage};
    use crate::pages::logs::LogsPage;
    use crate::pages::service::{ServiceLayout, ServiceOverview};
    use leptos::prelude::*;
    use leptos::wasm_split::{SplitLoaderError, wasm_split};

    pub struct Unavailable;

    impl From<SplitLoaderError> for Unavailable {
        fn from(_: SplitLoaderError) -> Self {
            Unavailable
        }
    }

    pub type Page = Result<AnyView, Unavailable>;

    #[wasm_split(layout, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn layout() -> Page {
        Ok(view! { <ServiceLayout/> }.into_any())
    }

    #[wasm_split(overview, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn overview() -> Page {
        Ok(view! { <ServiceOverview/> }.into_any())
    }

    #[wasm_split(environments, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn environments() -> Page {
        Ok(view! { <EnvironmentsPage/> }.into_any())
    }

    #[wasm_split(environment, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn environment() -> Page {
        Ok(view! { <EnvironmentPage/> }.into_any())
    }

    #[wasm_split(code_list, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn code_list(kind: Kind) -> Page {
        Ok(view! { <CodeList kind/> }.into_any())
    }

    #[wasm_split(code_page, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn code_page(kind: Kind) -> Page {
        Ok(view! { <CodePage kind/> }.into_any())
    }

    #[wasm_split(builds, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn builds() -> Page {
        Ok(view! { <BuildsPage/> }.into_any())
    }

    #[wasm_split(build, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn build() -> Page {
        Ok(view! { <BuildPage/> }.into_any())
    }

    #[wasm_split(deploy, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn deploy() -> Page {
        Ok(view! { <DeployPage/> }.into_any())
    }

    #[wasm_split(logs, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn logs() -> Page {
        Ok(view! { <LogsPage/> }.into_any())
    }
}

/// A route parameter as a signal ("" when absent, which no API path accepts).
pub fn param(name: &'static str) -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}
