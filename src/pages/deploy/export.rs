//! Exporting what an environment serves as a twilio-run project (a zip download).

use crate::api::{ClientError, deploy, services};
use crate::components::error_view::ErrorView;
use crate::components::focus::busy;
use crate::project::export::{LiveProject, project_zip};
use leptos::prelude::*;
use switchboard_models::{BuildVersion, Visibility};
use wasm_bindgen::JsCast;

async fn export(service: &str, environment: &str) -> Result<(String, Vec<u8>), ClientError> {
    let name = services::fetch(service).await?.unique_name;
    let live = deploy::live(service, environment).await?;
    let build = live.build.clone().unwrap_or_default();
    let object = |v: &BuildVersion| match v {
        BuildVersion::Object(o) => Some(o.clone()),
        BuildVersion::Sid(_) => None,
    };
    let visibility = |wire: &str| Visibility::parse(&wire.to_ascii_lowercase()).unwrap_or_default();
    let project = LiveProject {
        name: name.clone(),
        runtime: build.runtime.clone(),
        dependencies: build.dependencies.clone(),
        functions: build
            .function_versions
            .iter()
            .filter_map(object)
            .map(|f| {
                let content = live.contents.get(&f.sid).cloned().unwrap_or_default();
                (f.path, visibility(&f.visibility), content)
            })
            .collect(),
        assets: build
            .asset_versions
            .iter()
            .filter_map(object)
            .map(|a| (a.path, visibility(&a.visibility)))
            .collect(),
        variables: live
            .variables
            .into_iter()
            .map(|v| (v.key, v.value))
            .collect(),
    };
    let file = format!("{name}-{}.zip", live.environment.unique_name);
    Ok((file, project_zip(&project)))
}

/// Starts a download of `bytes` as `file_name`.
fn download(file_name: &str, bytes: &[u8]) -> Option<()> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let anchor: web_sys::HtmlAnchorElement =
        document().create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    // Some browsers only follow a click on an anchor that is in the document, and start reading
    // the blob after the click returns: attach it, and revoke the URL a while later.
    let body = document().body()?;
    body.append_child(&anchor).ok()?;
    anchor.click();
    anchor.remove();
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000)
        .ok()?;
    Some(())
}

/// Downloads the environment's live build, variables and settings as a project folder.
#[component]
pub fn ExportProject(service: String, environment: String) -> impl IntoView {
    let run = Action::new_local(move |_: &()| {
        let (service, environment) = (service.clone(), environment.clone());
        async move {
            let (file, bytes) = export(&service, &environment).await?;
            download(&file, &bytes);
            Ok::<_, ClientError>(file)
        }
    });
    view! {
        <div class="card" id="export-project">
            <h2>"Export as a project"</h2>
            <p>"A zip that twilio-run can deploy: functions with their content, package.json, .twilioserverlessrc and .env. "
               <strong>".env holds the environment's variables, secrets included."</strong>
               " Asset contents cannot be downloaded through the API; the README lists the assets to put back."</p>
            <button type="button" id="export-button" aria-disabled=busy(move || run.pending().get())
                on:click=move |_| if !run.pending().get_untracked() { run.dispatch(()); }>"Download project (.zip)"</button>
            {move || run.value().get().map(|result| match result {
                Ok(file) => view! { <p class="saved" role="status" id="export-done">{format!("Downloaded {file}.")}</p> }.into_any(),
                Err(error) => view! { <ErrorView error/> }.into_any(),
            })}
        </div>
    }
}
