//! A build compared with another of the service's.

use crate::api::builds;
use crate::components::build_diff::{BuildDiffView, aged};
use crate::components::error_view::LoadError;
use leptos::prelude::*;
use switchboard_models::Build;
use switchboard_models::build_diff::compare;

/// This build against another of the service's: what it adds, changes and removes, from the
/// build made just before it unless another is picked.
#[component]
pub(super) fn CompareBuilds(this: Build) -> impl IntoView {
    let this = StoredValue::new(this);
    let others = LocalResource::new(move || async move {
        let service = this.with_value(|b| b.service_sid.clone());
        builds::list(&service).await
    });
    view! {
        <section class="card" id="build-compare">
            <h2>"Compared with another build"</h2>
            {move || match others.get() {
                None => view! { <div class="skeleton" aria-busy="true">"Loading builds…"</div> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=move || others.refetch()/> }.into_any(),
                Some(Ok(list)) => {
                    let (sid, created) = this.with_value(|b| (b.sid.clone(), b.date_created.clone()));
                    let list: Vec<Build> = list.into_iter().filter(|b| b.sid != sid).collect();
                    let before = list
                        .iter()
                        .filter(|b| b.date_created <= created)
                        .max_by(|a, b| a.date_created.cmp(&b.date_created))
                        .or(list.first())
                        .map(|b| b.sid.clone());
                    let Some(before) = before else {
                        return view! { <p class="empty" id="build-compare-none">"This is the service's only build."</p> }.into_any();
                    };
                    let picked = RwSignal::new(before);
                    let options = list.iter().map(|b| {
                        let sid = b.sid.clone();
                        view! { <option value=b.sid.clone() selected=move || picked.get() == sid>{aged(b)}</option> }
                    }).collect_view();
                    view! {
                        <label>"Compare with "
                            <select name="CompareWith" on:change=move |ev| picked.set(event_target_value(&ev))>{options}</select>
                        </label>
                        {move || picked.with(|p| list.iter().find(|b| b.sid == *p).cloned()).map(|old| {
                            let diff = this.with_value(|new| compare(&old, new));
                            view! {
                                <p id="build-compare-summary">{format!("From {} to this build: {}.", aged(&old), diff.summary())}</p>
                                <BuildDiffView diff/>
                            }
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}
