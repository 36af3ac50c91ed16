//! The root component: the header, and a route for every page so that reloads, the back button
//! and shared links all work.

use crate::chunks::{self, prefetch_child};
use crate::components::header::Header;
use crate::components::on_demand::{lazy, on_demand};
use crate::components::page_focus::{SkipLink, focus_on_navigation};
use crate::pages::not_found::NotFound;
use crate::pages::services::ServicesPage;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router base=crate::routing::base()>
            <SkipLink/>
            <Header/>
            <FocusOnNavigation/>
            <main class="page" id="content">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path="/services"/> }/>
                    <Route path=path!("/services") view=ServicesPage/>
                    <ParentRoute path=path!("/services/:service") view=|| { prefetch_child(); on_demand(|| Box::pin(chunks::layout())) }>
                        <Route path=path!("") view=lazy(|| Box::pin(chunks::overview()))/>
                        <Route path=path!("environments") view=lazy(|| Box::pin(chunks::environments()))/>
                        <Route path=path!("environments/:environment") view=lazy(|| Box::pin(chunks::environment()))/>
                        <Route path=path!("functions") view=lazy(|| Box::pin(chunks::function_list()))/>
                        <Route path=path!("functions/:resource") view=lazy(|| Box::pin(chunks::function_page()))/>
                        <Route path=path!("assets") view=lazy(|| Box::pin(chunks::asset_list()))/>
                        <Route path=path!("assets/:resource") view=lazy(|| Box::pin(chunks::asset_page()))/>
                        <Route path=path!("builds") view=lazy(|| Box::pin(chunks::builds()))/>
                        <Route path=path!("builds/:build") view=lazy(|| Box::pin(chunks::build()))/>
                        <Route path=path!("deploy") view=lazy(|| Box::pin(chunks::deploy()))/>
                        <Route path=path!("environments/:environment/logs") view=lazy(|| Box::pin(chunks::logs()))/>
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
