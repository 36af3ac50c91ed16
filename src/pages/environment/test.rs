//! The Test panel under an environment's Live URLs, for the row whose Test was pressed.

use crate::components::focus::focus_when_rendered;
use crate::components::test_panel::TestPanel;
use crate::flows::test_targets::Target;
use leptos::prelude::*;
use switchboard_models::{BuildVersionObject, Environment};

/// The panel of the function `picked` (a Live URLs row), in `environment` only.
#[component]
pub fn LiveTest(
    environment: Environment,
    picked: RwSignal<Option<BuildVersionObject>>,
) -> impl IntoView {
    let environment = StoredValue::new(environment);
    move || {
        let version = picked.get()?;
        let function = version.function_sid.clone()?;
        let target = environment.with_value(|e| Target {
            environment_sid: e.sid.clone(),
            environment_name: e.unique_name.clone(),
            domain_name: e.domain_name.clone(),
            path: version.path.clone(),
            visibility: version.visibility.to_ascii_lowercase(),
        });
        focus_when_rendered("#test-form select[name='test-method']".into());
        Some(view! {
            <TestPanel service=environment.with_value(|e| e.service_sid.clone()) function targets=vec![target]/>
        })
    }
}
