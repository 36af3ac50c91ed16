//! Pages whose code arrives on demand: each is in a wasm chunk that the console build's split
//! hook cut off (xtask/src/split.rs), fetched the first time one of its pages opens.

use futures::future::LocalBoxFuture;
use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// What a split function returns: the page's constructor, which lives in the chunk. The page is
/// built where it is shown, under that view's owner, so it finds its context (the router, the
/// service's poller) as if it had never been split.
pub type Page = Result<fn() -> AnyView, Unavailable>;

/// The chunk did not arrive.
#[derive(Clone, Copy, Debug)]
pub struct Unavailable;

impl From<SplitLoaderError> for Unavailable {
    fn from(_: SplitLoaderError) -> Self {
        Unavailable
    }
}

/// One of `chunks`' split functions, its future boxed: `|| Box::pin(chunks::overview())`.
pub type Load = fn() -> LocalBoxFuture<'static, Page>;

/// A route's view for a page in a chunk. Every such route gets the same closure type, so the
/// router's code for choosing and building a view is compiled once for all of them rather than
/// once per route (docs/PERFORMANCE.md).
pub fn lazy(load: Load) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || on_demand(load).into_any()
}

pub fn ready(page: fn() -> AnyView) -> Page {
    Ok(page)
}

/// Shows the page `load` fetches: a placeholder until its chunk arrives, then the page; if it does
/// not arrive, an error in its place with a retry, the rest of the console untouched.
///
/// Not a `<Suspense>`: one would also catch every resource the page reads and blank the whole
/// page to its fallback each time one of them refetches (the service layout on a rename, say).
///
/// `load` is boxed rather than generic: a generic `on_demand` was compiled once per route, its
/// signal, task and view thirteen times over in the first load (docs/PERFORMANCE.md).
pub fn on_demand(load: Load) -> impl IntoView {
    let page = RwSignal::new(None::<Page>);
    let fetch = move || {
        page.set(None);
        leptos::task::spawn_local(async move {
            let loaded = load().await;
            // The user may have left the page meanwhile.
            let _ = page.try_set(Some(loaded));
        });
    };
    fetch();
    move || match page.get() {
        None => view! { <div class="skeleton" aria-busy="true">"Loading…"</div> }.into_any(),
        Some(Ok(make)) => make(),
        Some(Err(Unavailable)) => chunk_error(fetch),
    }
}

/// Why a chunk is missing decides the remedy: after a redeploy the tab's build is gone from the
/// server and only a reload helps; otherwise retrying fetches it again.
fn chunk_error(retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    // A signal set by a task rather than a resource: each resource type costs the first load
    // about 3 KB of async machinery (docs/PERFORMANCE.md), and this one is asked once.
    let replaced = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let answer = build_replaced().await;
        let _ = replaced.try_set(answer);
    });
    view! {
        <div class="alert alert-error" role="alert" id="chunk-error">
            {move || if replaced.get() {
                view! {
                    <strong>"Switchboard was updated since this tab was opened."</strong>
                    " "
                    <span class="message">"This page's code is no longer on the server: reload to use the new version."</span>
                    " "
                    <button type="button" on:click=|_| reload()>"Reload"</button>
                }.into_any()
            } else {
                view! {
                    <strong>"This page could not be loaded."</strong>
                    " "
                    <span class="message">"Its code did not arrive: the network or the server failed."</span>
                    " "
                    <button type="button" on:click=move |_| retry()>"Retry"</button>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

/// Whether the server no longer has this tab's build: the main module's JS, which index.html
/// preloads, is gone (a client error other than a timeout or rate limit, or a static host's
/// index.html in its place). Asked past the
/// browser's cache, which may keep the file after the server dropped it.
async fn build_replaced() -> bool {
    let href = document()
        .query_selector("link[rel=modulepreload]:not([href*='/chunks-'])")
        .ok()
        .flatten()
        .and_then(|link| link.get_attribute("href"));
    let Some(href) = href else {
        return false;
    };
    let request = RequestBuilder::new(&href)
        .method(Method::HEAD)
        .cache(web_sys::RequestCache::NoStore)
        .build();
    let Ok(request) = request else {
        return false;
    };
    match request.send().await {
        Ok(response) => {
            let html = response
                .headers()
                .get("content-type")
                .is_some_and(|t| t.starts_with("text/html"));
            // 404 from the relay; 403 from object stores that hide what is missing; 410.
            let gone =
                (400..500).contains(&response.status()) && ![408, 429].contains(&response.status());
            gone || html
        }
        // Offline: nothing says the build changed, and a retry may work later.
        Err(_) => false,
    }
}

/// Reloads the page: for when what the tab holds is out of date as a whole.
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
