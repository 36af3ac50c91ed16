//! Read-only source with line numbers, and a diff of two function versions.

use crate::api::code;
use crate::components::error_view::ErrorView;
use crate::diff::{DiffLine, diff};
use crate::routing::param;
use leptos::prelude::*;

fn content(version: String) -> LocalResource<Result<String, crate::api::ClientError>> {
    let (service, function) = (param("service"), param("resource"));
    LocalResource::new(move || {
        let version = version.clone();
        async move { code::content(&service.get(), &function.get(), &version).await }
    })
}

#[component]
pub fn CodeView(
    version: String,
    on_edit: impl Fn() + 'static,
    on_close: impl Fn() + 'static,
) -> impl IntoView {
    let source = content(version.clone());
    view! {
        <div class="code-view" id="code-view">
            <div class="panel-head">
                <h3>"Source of " <code>{version}</code></h3>
                <span class="panel-actions">
                    <button type="button" class="edit-version" on:click=move |_| on_edit()>"Edit"</button>
                    <button type="button" class="close-panel" aria-label="Close the source" on:click=move |_| on_close()>"Close"</button>
                </span>
            </div>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading source…"</div> }>
                {move || Suspend::new(async move {
                    match source.await {
                        Ok(text) => view! {
                            <ol class="code">
                                {text.lines().map(|line| view! { <li><code>{line.to_owned()}</code></li> }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub fn DiffView(old: String, new: String, on_close: impl Fn() + 'static) -> impl IntoView {
    let before = content(old.clone());
    let after = content(new.clone());
    view! {
        <div class="diff-view" id="diff-view">
            <div class="panel-head">
                <h3>"Changes from " <code>{old}</code> " to " <code>{new}</code></h3>
                <button type="button" class="close-panel" aria-label="Close the diff" on:click=move |_| on_close()>"Close"</button>
            </div>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading both versions…"</div> }>
                {move || Suspend::new(async move {
                    match (before.await, after.await) {
                        (Ok(a), Ok(b)) => view! {
                            <ol class="code diff">
                                {diff(&a, &b).into_iter().map(|line| {
                                    let (class, sign, text) = match line {
                                        DiffLine::Same(t) => ("same", " ", t),
                                        DiffLine::Removed(t) => ("removed", "-", t),
                                        DiffLine::Added(t) => ("added", "+", t),
                                    };
                                    view! { <li class=class><code>{format!("{sign} {text}")}</code></li> }
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <ErrorView error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
