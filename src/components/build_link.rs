//! A build's SID as a link to its page, used wherever a page or widget names a build.

use crate::routing::A;
use leptos::prelude::*;

/// A build's SID linking to its page, with a copy button.
#[component]
pub fn BuildLink(#[prop(into)] service: String, #[prop(into)] sid: String) -> impl IntoView {
    let href = format!("/services/{service}/builds/{sid}");
    view! { <A href=href attr:class="build-link"><code>{sid.clone()}</code></A> }
}
