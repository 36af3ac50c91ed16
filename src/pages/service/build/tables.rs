//! What a build holds: its function and asset versions, and its dependencies.

use crate::api::code::{self, Kind};
use crate::routing::A;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_models::{BuildVersion, Dependency};

/// A build's function or asset versions, each linked to its function's or asset's page (a
/// function's opens on that version's source), named as the resource is named now.
#[component]
pub(super) fn VersionsTable(
    service: String,
    kind: Kind,
    versions: Vec<BuildVersion>,
) -> impl IntoView {
    let (id, title, of) = match kind {
        Kind::Function => ("function-versions", "Function versions", "Function"),
        Kind::Asset => ("asset-versions", "Asset versions", "Asset"),
    };
    let base = format!("/services/{service}/{}", kind.route());
    // Names are fetched only when there is something to name; until they arrive (or if the
    // fetch fails) the links read as SIDs.
    let wanted = !versions.is_empty();
    let names = LocalResource::new(move || {
        let service = service.clone();
        async move {
            if !wanted {
                return HashMap::new();
            }
            code::list(&service, kind)
                .await
                .map(|list| list.into_iter().map(|f| (f.sid, f.friendly_name)).collect())
                .unwrap_or_default()
        }
    });
    view! {
        <section class="card" id=id>
            <h2>{title}</h2>
            {if versions.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Path"</th><th>"Visibility"</th><th>"Version SID"</th><th>{of}</th></tr></thead>
                        <tbody>
                            {versions.into_iter().map(|version| match version {
                                BuildVersion::Object(v) => {
                                    let owner = v.function_sid.or(v.asset_sid).unwrap_or_default();
                                    let href = match kind {
                                        Kind::Function => format!("{base}/{owner}?version={}", v.sid),
                                        Kind::Asset => format!("{base}/{owner}"),
                                    };
                                    let name = {
                                        let owner = owner.clone();
                                        move || names.get().and_then(|n| n.get(&owner).cloned()).unwrap_or_else(|| owner.clone())
                                    };
                                    view! {
                                        <tr data-sid=v.sid.clone()>
                                            <td><code>{v.path}</code></td>
                                            <td>{v.visibility.to_lowercase()}</td>
                                            <td><code class="sid">{v.sid.clone()}</code></td>
                                            <td><A href=href attr:class="owner" attr:data-sid=owner>{name}</A></td>
                                        </tr>
                                    }.into_any()
                                }
                                BuildVersion::Sid(sid) => view! {
                                    <tr data-sid=sid.clone()><td></td><td></td><td><code class="sid">{sid.clone()}</code></td><td></td></tr>
                                }.into_any(),
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub(super) fn DependenciesTable(dependencies: Vec<Dependency>) -> impl IntoView {
    view! {
        <section class="card" id="build-dependencies">
            <h2>"Dependencies"</h2>
            {if dependencies.is_empty() {
                view! { <p class="empty">"None."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Package"</th><th>"Version"</th></tr></thead>
                        <tbody>
                            {dependencies.into_iter().map(|d| view! {
                                <tr><td><code>{d.name}</code></td><td><code>{d.version}</code></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
