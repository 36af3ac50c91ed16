//! The root component: the header, and a route for every page so that reloads, the back button
//! and shared links all work.

use crate::api::code::Kind;
use crate::components::header::Header;
use crate::pages::build::BuildPage;
use crate::pages::builds::BuildsPage;
use crate::pages::code::{CodeList, CodePage};
use crate::pages::deploy::DeployPage;
use crate::pages::environments::{EnvironmentPage, EnvironmentsPage};
use crate::pages::logs::LogsPage;
use crate::pages::not_found::NotFound;
use crate::pages::service::{ServiceLayout, ServiceOverview};
use crate::pages::services::ServicesPage;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                    <Route path=path!("/services") view=ServicesPage/>
                    <ParentRoute path=path!("/services/:service") view=ServiceLayout>
                        <Route path=path!("") view=ServiceOverview/>
                        <Route path=path!("environments") view=EnvironmentsPage/>
                        <Route path=path!("environments/:environment") view=EnvironmentPage/>
                        <Route path=path!("functions") view=|| view! { <CodeList kind=Kind::Function/> }/>
                        <Route path=path!("functions/:resource") view=|| view! { <CodePage kind=Kind::Function/> }/>
                        <Route path=path!("assets") view=|| view! { <CodeList kind=Kind::Asset/> }/>
                        <Route path=path!("assets/:resource") view=|| view! { <CodePage kind=Kind::Asset/> }/>
                        <Route path=path!("builds") view=BuildsPage/>
                        <Route path=path!("builds/:build") view=BuildPage/>
                        <Route path=path!("deploy") view=DeployPage/>
                        <Route path=path!("environments/:environment/logs") view=LogsPage/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// A route parameter as a signal ("" when absent, which no API path accepts).
pub fn param(name: &'static str) -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}
