//! How an environment's process stops: at Twilio's time limit (its watchdog), or when the
//! emulator no longer wants it (a new deployment, a deletion, the emulator's end).

use super::processes::{Shared, lock, oldest_running};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::sync::Arc;
use std::time::Duration;
use tokio::process::Child;
use tokio::sync::oneshot;

/// How long a process asked to stop may take to report what it was running and write what it
/// gathered (`runtime/records.js`), before it is killed.
const GRACE: Duration = Duration::from_millis(500);

/// Waits for the process to exit, or stops it when told to (or when the `Process` is gone):
/// SIGTERM first, which `serve.js` answers by exiting through its `exit` handler, so nothing it
/// gathered is lost and the executions it was running are answered; SIGKILL when it does not
/// exit in time (its main thread is stuck, and its watcher has reported what it runs already).
pub(super) async fn supervise(mut child: Child, stop: oneshot::Receiver<()>, shared: Arc<Shared>) {
    tokio::select! {
        _ = child.wait() => {}
        _ = stop => {
            let pid = child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw);
            if let Some(pid) = pid {
                let _ = kill(pid, Signal::SIGTERM);
            }
            if tokio::time::timeout(GRACE, child.wait()).await.is_err() {
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
    }
    shared.exited.send_replace(true);
}

/// Stops the process once an execution has run for Twilio's time limit: a function that does
/// not answer in time may be looping, and only stopping its process ends that.
pub(super) async fn watchdog(shared: Arc<Shared>) {
    let mut exited = shared.exited.subscribe();
    loop {
        let oldest = oldest_running(&lock(&shared.state));
        let due = async {
            match oldest {
                Some(since) => tokio::time::sleep_until((since + shared.limit).into()).await,
                None => shared.started.notified().await,
            }
        };
        tokio::select! {
            () = due => {}
            _ = exited.wait_for(|exited| *exited) => return,
        }
        let mut overdue = false;
        for entry in lock(&shared.state).in_flight.values_mut() {
            if entry.function_sid.is_some() && entry.since.elapsed() >= shared.limit {
                entry.timed_out = true;
                overdue = true;
            }
        }
        if overdue {
            shared.kill();
            return;
        }
    }
}
