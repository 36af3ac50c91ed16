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
/// `announce` makes it a live region, for a page about one build; a list has one summary
/// region instead (see [`BuildingCount`]), or a screen reader would hear every row.
#[component]
pub fn StatusBadge(
    #[prop(into)] status: Signal<BuildStatus>,
    #[prop(optional)] announce: bool,
) -> impl IntoView {
    view! {
        <span class=move || badge(status.get()).1 role=announce.then_some("status")
            aria-busy=move || (!status.get().is_terminal()).to_string()>
            {move || badge(status.get()).0}
        </span>
    }
}

/// One live region for a list of builds: how many are still building.
#[component]
pub fn BuildingCount(statuses: Vec<Signal<BuildStatus>>) -> impl IntoView {
    let building = move || statuses.iter().filter(|s| !s.get().is_terminal()).count();
    view! {
        <p class="visually-hidden" role="status" id="builds-building">
            {move || match building() {
                0 => "No build is building".to_owned(),
                1 => "1 build is building".to_owned(),
                n => format!("{n} builds are building"),
            }}
        </p>
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
