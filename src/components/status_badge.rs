//! A build's status as a coloured badge.

use leptos::prelude::*;
use switchboard_models::BuildStatus;

/// The badge's text and CSS modifier for a status.
pub fn badge(status: BuildStatus) -> (&'static str, &'static str) {
    match status {
        BuildStatus::Building => ("building", "status-badge status-building"),
        BuildStatus::Completed => ("completed", "status-badge status-completed"),
        BuildStatus::Failed => ("failed", "status-badge status-failed"),
    }
}

/// A status badge that follows `status` as it changes (for example while the poller runs).
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<BuildStatus>) -> impl IntoView {
    view! {
        <span class=move || badge(status.get()).1 role="status"
            aria-busy=move || (!status.get().is_terminal()).to_string()>
            {move || badge(status.get()).0}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_text_and_colour() {
        assert_eq!(
            badge(BuildStatus::Building),
            ("building", "status-badge status-building")
        );
        assert_eq!(
            badge(BuildStatus::Completed),
            ("completed", "status-badge status-completed")
        );
        assert_eq!(
            badge(BuildStatus::Failed),
            ("failed", "status-badge status-failed")
        );
    }
}
