//! The pages that the first screen (the Services list) does not need, split off by the console
//! build's trunk hook (xtask/src/split.rs) into four chunks that the browser fetches when a page
//! of theirs first opens: `service` (the layout and the pages a visit to a service opens first),
//! `environment` (an environment's deployments, variables and logs), `code` (a function's or
//! asset's source, versions and uploads) and `deploy` (the project deploy). Code two of them
//! share goes to shared chunks fetched with either. Few groups keep a deep link to a few
//! requests; the first visit downloads none of them (docs/PERFORMANCE.md has the sizes).
//!
//! `fallible`: a chunk that fails to arrive is an error the page shows rather than a panic that
//! stops the console.
//!
//! Pages import `Pages` and `prefetch` from here, and this module imports the pages it splits
//! off: `wasm_split`'s generated `preload_*` functions live beside the split functions, so the
//! loop stays; it is the only one, and the router (`app.rs`) is outside it.

use crate::api::code::Kind;
use crate::components::on_demand::{Page, ready};
use crate::pages::code::page::CodePage;
use crate::pages::deploy::page::DeployPage;
use crate::pages::environment::logs::LogsPage;
use crate::pages::environment::page::EnvironmentPage;
use crate::pages::service::build::BuildPage;
use crate::pages::service::builds::BuildsPage;
use crate::pages::service::code_list::CodeList;
use crate::pages::service::environments::EnvironmentsPage;
use crate::pages::service::layout::{ServiceLayout, ServiceOverview};
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
            Pages::Service => preload_service().await,
            Pages::Environment => preload_environment().await,
            Pages::Code => preload_code().await,
            Pages::Deploy => preload_deploy().await,
        };
    });
}

/// A deep link's page is in another chunk than the service layout around it, and would only be
/// asked for once the layout's chunk had arrived: fetch both at once.
pub fn prefetch_child() {
    let path = crate::routing::use_path().get_untracked();
    let below: Vec<&str> = path.split('/').skip(3).collect();
    match below.as_slice() {
        ["environments", _, ..] => prefetch(Pages::Environment),
        ["functions" | "assets", _, ..] => prefetch(Pages::Code),
        ["deploy", ..] => prefetch(Pages::Deploy),
        _ => {}
    }
}
