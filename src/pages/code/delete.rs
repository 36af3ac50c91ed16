//! Deleting a function or asset, warned first when an environment serves it: its live builds keep
//! a snapshot and go on serving it, but no build made afterwards can include it, so the next
//! deploy to those environments takes it off them.

use crate::api::code::{self, Kind, Version};
use crate::api::{ClientError, builds, environments};
use crate::components::confirm::ConfirmDelete;
use crate::components::error_view::ErrorView;
use crate::routing::gone;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_models::{Build, Function};

type Versions = LocalResource<Result<Vec<Version>, ClientError>>;

#[component]
pub fn DeleteCode(
    kind: Kind,
    item: Function,
    #[prop(into)] name: Signal<String>,
    versions: Versions,
) -> impl IntoView {
    let ids = StoredValue::new((item.service_sid.clone(), item.sid.clone()));
    let remove = Action::new_local(move |_: &()| {
        let (service, sid) = ids.get_value();
        async move { code::remove(&service, kind, &sid).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            navigate(
                &format!("/services/{}/{}", ids.get_value().0, kind.route()),
                gone(&format!("the {} {}", kind.noun(), name.get_untracked())),
            );
        }
    });
    // Asked only once the prompt opens: a page view costs no extra requests.
    let note = move || view! { <LiveIn kind service=ids.get_value().0 versions/> };
    view! {
        <div class="card danger-zone">
            <h2>{format!("Delete {}", kind.noun())}</h2>
            {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
            <ConfirmDelete name noun=kind.noun() pending=remove.pending() note
                on_confirm=move || { remove.dispatch(()); }/>
        </div>
    }
}

/// Which environments serve one of `versions`, said before the deletion is confirmed.
#[component]
fn LiveIn(kind: Kind, service: String, versions: Versions) -> impl IntoView {
    let service = StoredValue::new(service);
    let live = LocalResource::new(move || async move {
        let mine: Vec<String> = match versions.await {
            Ok(list) => list.into_iter().map(|v| v.sid).collect(),
            Err(error) => return Err(error),
        };
        let service = service.get_value();
        let environments = environments::list(&service).await?;
        // Each live build once, however many environments serve it.
        let mut live: Vec<&str> = environments
            .iter()
            .filter_map(|e| e.build_sid.as_deref())
            .collect();
        live.sort_unstable();
        live.dedup();
        let mut serving = Vec::new();
        for build in live {
            if serves(&builds::fetch(&service, build).await?, kind, &mine) {
                serving.push(build);
            }
        }
        Ok(environments
            .iter()
            .filter(|e| e.build_sid.as_deref().is_some_and(|b| serving.contains(&b)))
            .map(|e| e.unique_name.clone())
            .collect::<Vec<_>>())
    });
    move || {
        match live.get() {
            Some(Ok(names)) if names.is_empty() => Some(view! {
                <p class="hint" id="delete-live-in" role="status">"No environment serves it."</p>
            }.into_any()),
            Some(Ok(names)) => Some(view! {
                <p class="field-warning" id="delete-live-in" role="status">
                    {format!(
                        "Live in {}. They keep serving this {noun} until their next deploy, which cannot include it once it is deleted.",
                        names.join(", "),
                        noun = kind.noun(),
                    )}
                </p>
            }.into_any()),
            // Not knowing is said, rather than letting silence pass for "not live".
            Some(Err(error)) => Some(view! {
                <p class="field-warning" id="delete-live-in" role="status">"Could not check which environments serve it:"</p>
                <ErrorView error/>
            }.into_any()),
        _ => None,
    }
    }
}

/// Whether `build` holds one of the `mine` versions (functions or assets, after `kind`).
fn serves(build: &Build, kind: Kind, mine: &[String]) -> bool {
    let held = match kind {
        Kind::Function => &build.function_versions,
        Kind::Asset => &build.asset_versions,
    };
    held.iter()
        .any(|version| mine.iter().any(|sid| sid == version.sid()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_models::BuildVersion;

    #[test]
    fn a_build_serves_a_resource_when_it_holds_one_of_its_versions() {
        let build = Build {
            function_versions: vec![BuildVersion::Sid("ZN1".into())],
            asset_versions: vec![BuildVersion::Sid("ZN2".into())],
            ..Build::default()
        };
        assert!(serves(
            &build,
            Kind::Function,
            &["ZN0".into(), "ZN1".into()]
        ));
        assert!(!serves(&build, Kind::Function, &["ZN2".into()]));
        assert!(serves(&build, Kind::Asset, &["ZN2".into()]));
        assert!(!serves(&build, Kind::Asset, &[]));
    }
}
