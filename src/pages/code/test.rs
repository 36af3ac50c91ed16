//! The Test panel on a function's page, for each environment where the function is live.

use crate::components::error_view::LoadError;
use crate::components::test_panel::TestPanel;
use crate::flows::test_targets;
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// Reads where `function` is live, then shows its Test panel.
#[component]
pub fn FunctionTest(service: String, function: String) -> impl IntoView {
    let ids = StoredValue::new((service, function));
    let targets = LocalResource::new(move || {
        let (service, function) = ids.get_value();
        async move { test_targets::targets(&service, &function).await }
    });
    move || match targets.get() {
        None => EitherOf3::A(
            view! { <div class="skeleton" aria-busy="true">"Finding where this function is live…"</div> },
        ),
        Some(Ok(targets)) => {
            let (service, function) = ids.get_value();
            EitherOf3::B(view! { <TestPanel service function targets/> })
        }
        Some(Err(error)) => {
            EitherOf3::C(view! { <LoadError error retry=move || targets.refetch()/> })
        }
    }
}
