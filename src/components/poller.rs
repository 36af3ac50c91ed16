//! Polling: an interval that runs only while wanted and while the tab is visible, and the one
//! build-status poller every build view on a service page shares.

use crate::api::builds;
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use switchboard_models::BuildStatus;

/// Whether the tab is visible (`document.visibilityState`), following `visibilitychange`.
pub fn use_page_visible() -> Signal<bool> {
    fn visible_now() -> bool {
        document().visibility_state() != web_sys::VisibilityState::Hidden
    }
    let visible = RwSignal::new(visible_now());
    // The event fires on the document and bubbles to the window.
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        visible.set(visible_now());
    });
    on_cleanup(move || listener.remove());
    visible.into()
}

/// Calls `refetch` each time the tab is shown again after it was hidden, for what was made
/// elsewhere meanwhile (the CLI, another tab).
pub fn refetch_when_shown(refetch: impl Fn() + 'static) {
    let visible = use_page_visible();
    Effect::new(move |was_visible: Option<bool>| {
        let now = visible.get();
        if was_visible == Some(false) && now {
            refetch();
        }
        now
    });
}

/// Calls `tick` every `period` while `active()` is true. The interval is cleared when `active()`
/// turns false and when the calling view is left, so nothing keeps polling behind the user.
pub fn use_poll(
    active: impl Fn() -> bool + 'static,
    period: Duration,
    tick: impl Fn() + Clone + 'static,
) {
    let handle = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(interval) = handle.try_update_value(Option::take).flatten() {
            interval.clear();
        }
    };
    Effect::new(move |_| {
        let on = active();
        stop();
        if on {
            handle.set_value(set_interval_with_handle(tick.clone(), period).ok());
        }
    });
    on_cleanup(stop);
}

/// One polling loop for every build on screen: views `watch` the builds they show and read their
/// status from here; one interval fetches Build Status for the watched builds still `building`,
/// with no overlapping ticks, and stops when none is left, when the tab is hidden, and when the
/// service's pages are left.
#[derive(Clone, Copy)]
pub struct BuildPoller {
    service: Signal<String>,
    statuses: RwSignal<HashMap<String, BuildStatus>>,
    /// How many views watch each build.
    watchers: RwSignal<HashMap<String, usize>>,
    busy: StoredValue<bool>,
}

impl BuildPoller {
    /// The service's poller from context, created (and provided) on first use.
    pub fn use_context(service: impl Into<Signal<String>>) -> BuildPoller {
        if let Some(poller) = use_context::<BuildPoller>() {
            return poller;
        }
        let poller = BuildPoller::new(service.into());
        provide_context(poller);
        poller
    }

    fn new(service: Signal<String>) -> BuildPoller {
        let poller = BuildPoller {
            service,
            statuses: RwSignal::new(HashMap::new()),
            watchers: RwSignal::new(HashMap::new()),
            busy: StoredValue::new(false),
        };
        let visible = use_page_visible();
        let active = Memo::new(move |_| visible.get() && !poller.pending().is_empty());
        use_poll(
            move || active.get(),
            Duration::from_secs(1),
            move || poller.tick(),
        );
        poller
    }

    /// Watched builds still `building`.
    fn pending(&self) -> Vec<String> {
        let statuses = self.statuses;
        self.watchers.with(|watched| {
            statuses.with(|known| {
                watched
                    .keys()
                    .filter(|sid| known.get(*sid).is_some_and(|s| !s.is_terminal()))
                    .cloned()
                    .collect()
            })
        })
    }

    fn tick(self) {
        if self.busy.get_value() {
            return;
        }
        let sids = self.pending();
        if sids.is_empty() {
            return;
        }
        self.busy.set_value(true);
        let service = self.service.get_untracked();
        leptos::task::spawn_local(async move {
            let answers =
                futures::future::join_all(sids.iter().map(|sid| builds::status(&service, sid)))
                    .await;
            // A failed fetch keeps the last status and is retried on the next tick.
            let changed: Vec<(String, BuildStatus)> = sids
                .into_iter()
                .zip(answers)
                .filter_map(|(sid, answer)| answer.ok().map(|a| (sid, a.status)))
                .collect();
            self.statuses.update(|known| known.extend(changed));
            self.busy.set_value(false);
        });
    }

    /// Shows `sid`'s live status from now on, starting from `status` (what the page loaded).
    /// The watch ends when the calling view is left.
    pub fn watch(&self, sid: String, status: BuildStatus) -> Signal<BuildStatus> {
        self.statuses.update(|known| {
            let entry = known.entry(sid.clone()).or_insert(status);
            // A terminal status never changes back; a fresher load may carry one.
            if status.is_terminal() {
                *entry = status;
            }
        });
        self.watchers
            .update(|watched| *watched.entry(sid.clone()).or_default() += 1);
        let watchers = self.watchers;
        let key = sid.clone();
        on_cleanup(move || {
            watchers.try_update(|watched| {
                if let Some(count) = watched.get_mut(&key) {
                    *count -= 1;
                    if *count == 0 {
                        watched.remove(&key);
                    }
                }
            });
        });
        let statuses = self.statuses;
        Signal::derive(move || statuses.with(|known| known.get(&sid).copied().unwrap_or(status)))
    }
}
