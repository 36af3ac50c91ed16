//! The root component: the header, and a route for every page so that reloads, the back button
//! and shared links all work.

use crate::components::header::Header;
use crate::pages::{not_found::NotFound, services::ServicesPage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=ServicesPage/>
                    <Route path=path!("/services") view=ServicesPage/>
                </Routes>
            </main>
        </Router>
    }
}
