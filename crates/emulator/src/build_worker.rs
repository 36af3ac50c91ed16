//! The packagers. Simulated: finishes each build when its time is up, as `completed`, or `failed`
//! when a dependency's version is not one npm could install (see `switchboard_models::npm_version`);
//! deadlines live in the store, so builds interrupted by a restart are finished after it.
//! Real (`Execution::Node`): one task per build lays it out and runs npm (`runtime`), and the
//! build takes at least `build_time`.

use crate::Emulator;
use crate::clock;
use crate::store::{Store, builds, live};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long the worker sleeps when no build is pending; a new build wakes it sooner.
const IDLE: Duration = Duration::from_secs(3600);

/// Wakes the worker when a build is created.
pub struct BuildQueue {
    wake: Arc<Notify>,
}

impl BuildQueue {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Spawns the worker. It holds the store weakly and stops once the emulator is dropped.
pub fn start(store: &Store) -> BuildQueue {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let store = store.downgrade();
    tokio::spawn(async move {
        loop {
            let Some(live) = store.upgrade() else { return };
            let next = live
                .call(|db| builds::finish_due(db, clock::now_millis()))
                .await;
            drop(live);
            let pause = match next {
                Ok(Some(due)) => {
                    Duration::from_millis(u64::try_from(due - clock::now_millis()).unwrap_or(0))
                }
                Ok(None) => IDLE,
                Err(error) => {
                    tracing::error!(%error, "the build worker could not read the store");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = woken.notified() => {}
            }
        }
    });
    BuildQueue { wake }
}

/// Builds `sid` for real in the background; it finishes no sooner than `build_time` after
/// `created_millis`, so a client can see it `building`.
pub fn spawn_npm_build(emulator: Emulator, sid: String, created_millis: i64) {
    tokio::spawn(async move {
        let outcome = emulator.runtime().build(emulator.store(), &sid).await;
        let minimum = i64::try_from(emulator.config().build_time.as_millis()).unwrap_or(i64::MAX);
        let left = created_millis.saturating_add(minimum) - clock::now_millis();
        if let Ok(left) = u64::try_from(left) {
            tokio::time::sleep(Duration::from_millis(left)).await;
        }
        if let Err(reason) = &outcome {
            tracing::info!(build = %sid, %reason, "build failed");
        }
        let finished = emulator
            .store()
            .call(move |db| live::finish(db, &sid, &outcome))
            .await;
        if let Err(error) = finished {
            tracing::error!(%error, "a build's outcome could not be stored");
        }
    });
}
