//! What an environment serves: every function and asset of its live build with its URL, the
//! list `twilio-run deploy` prints at the end, so a deploy can be tried with one click.

use crate::api::builds;
use crate::components::build_link::BuildLink;
use crate::components::copy::CopyButton;
use crate::components::error_view::LoadError;
use leptos::prelude::*;
use switchboard_models::{BuildVersion, BuildVersionObject};

/// The live build's functions and assets at `https://{domain}{path}`, or at the emulator's local
/// live URLs (`session::live_url`). Follows `live_build`, so a deploy, rollback or promotion made
/// on the page shows at once.
#[component]
pub fn LiveUrls(
    #[prop(into)] service: String,
    #[prop(into)] domain: String,
    #[prop(into)] live_build: Signal<Option<String>>,
    /// Each callable function's row gets a Test button that hands its version here.
    #[prop(optional)]
    on_test: Option<Callback<BuildVersionObject>>,
) -> impl IntoView {
    let service = StoredValue::new(service);
    let domain = StoredValue::new(domain);
    let live = LocalResource::new(move || {
        let build = live_build.get();
        let service = service.get_value();
        async move {
            match build {
                Some(sid) => builds::fetch(&service, &sid).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <section class="card live-urls" id="live-urls">
            <h2>"Live URLs"</h2>
            // Rendered from the value rather than in a <Transition>: the rows stay until the next
            // build's arrive, and nothing they own is disposed under them.
            {move || match live.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading the live build…"</div> }.into_any(),
                Some(Ok(None)) => view! { <p class="empty" id="live-urls-empty">"Nothing is deployed here yet."</p> }.into_any(),
                Some(Ok(Some(build))) => {
                    // Twilio lists each version with its path; an answer that gives bare SIDs
                    // (the spec allows it) has no path to make a URL from.
                    let mut rows: Vec<(&'static str, BuildVersionObject)> = build
                        .function_versions
                        .into_iter()
                        .map(|v| ("function", v))
                        .chain(build.asset_versions.into_iter().map(|v| ("asset", v)))
                        .filter_map(|(kind, v)| match v {
                            BuildVersion::Object(object) => Some((kind, object)),
                            BuildVersion::Sid(_) => None,
                        })
                        .collect();
                    rows.sort_by(|a, b| a.1.path.cmp(&b.1.path));
                    view! {
                        <p class="hint">"Build " <BuildLink service=service.get_value() sid=build.sid/> " at " <code>{domain.get_value()}</code></p>
                        <table class="table" id="live-urls-table">
                            <thead><tr><th>"Path"</th><th>"Kind"</th><th>"URL"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(kind, version)| url_row(&domain.get_value(), kind, version, on_test)).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
                Some(Err(error)) => view! { <LoadError error retry=move || live.refetch()/> }.into_any(),
            }}
        </section>
    }
}

fn url_row(
    domain: &str,
    kind: &'static str,
    version: BuildVersionObject,
    on_test: Option<Callback<BuildVersionObject>>,
) -> AnyView {
    let test = on_test
        .filter(|_| kind == "function" && !version.visibility.eq_ignore_ascii_case("private"))
        .map(|on_test| {
            let version = version.clone();
            view! { " " <button type="button" class="test-function" on:click=move |_| on_test.run(version.clone())>"Test"</button> }
        });
    let BuildVersionObject {
        path, visibility, ..
    } = version;
    let visibility = visibility.to_ascii_lowercase();
    let url = crate::api::session::live_url(domain, &path);
    // Twilio serves private files to the service's own functions only (Runtime.getAssets(),
    // Runtime.getFunctions()), and answers protected functions only with a valid
    // X-Twilio-Signature.
    let cell = if visibility == "private" {
        let how = if kind == "function" {
            "private: no URL, require it through Runtime.getFunctions()"
        } else {
            "private: no URL, read it through Runtime.getAssets()"
        };
        view! { <span class="hint">{how}</span> }.into_any()
    } else {
        let note = (kind == "function" && visibility == "protected")
            .then_some(" (answers Twilio's signed requests only)");
        view! {
            <a href=url.clone() target="_blank" rel="noopener noreferrer" class="live-url">{url.clone()}</a>
            " "
            <CopyButton text=url/>
            {note.map(|note| view! { <span class="hint">{note}</span> })}
            {test}
        }
        .into_any()
    };
    let key = path.clone();
    view! {
        <tr data-path=key>
            <td><code>{path}</code></td>
            <td>{format!("{kind}, {visibility}")}</td>
            <td>{cell}</td>
        </tr>
    }
    .into_any()
}
