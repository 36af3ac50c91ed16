//! Which Node processes serve each environment: how many it may have, which one a request goes
//! to, and which are stopped when a deployment or a deletion changes what is live.

use super::processes::{Process, lock};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The running processes of each environment, by environment SID. An environment starts with
/// one and gets another whenever a request finds every one of them stuck on an execution, up
/// to `Config::instances`: no execution waits long behind another's synchronous work.
#[derive(Default)]
pub struct Processes {
    running: Mutex<HashMap<String, Vec<Arc<Process>>>>,
    starting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The process a request goes to.
pub struct Pick {
    pub process: Arc<Process>,
    /// Every process of the environment is stuck on an execution and it may have another.
    pub crowded: bool,
}

impl Processes {
    /// The process a request of `environment_sid` goes to, among its live ones that serve
    /// `build_sid`; it may have `limit` of them, and an execution running for `stuck` holds up
    /// what queues behind it.
    ///
    /// The first process with no stuck execution takes it: one Node process serves overlapping
    /// asynchronous executions at less CPU per request than several sharing the same cores
    /// (`cargo xtask bench`, docs/PERFORMANCE.md). Only when every process has an execution
    /// running for longer than `stuck` (a loop, heavy synchronous work, a slow upstream call)
    /// is another one wanted, as Twilio starts another instance rather than queue an execution
    /// behind one that does not finish.
    pub fn pick(
        &self,
        environment_sid: &str,
        build_sid: &str,
        limit: usize,
        stuck: Duration,
    ) -> Option<Pick> {
        let running = lock(&self.running);
        let serving: Vec<_> = running
            .get(environment_sid)?
            .iter()
            .filter(|process| process.is_alive() && process.build_sid == build_sid)
            .map(|process| (process, process.load()))
            .collect();
        if let Some((process, _)) = serving.iter().find(|(_, (_, oldest))| *oldest < stuck) {
            return Some(Pick {
                process: (*process).clone(),
                crowded: false,
            });
        }
        let (process, _) = serving.iter().min_by_key(|(_, (busy, _))| *busy)?;
        Some(Pick {
            process: (*process).clone(),
            crowded: serving.len() < limit,
        })
    }

    /// Adds `process` to the environment's, stopping those that serve another build.
    pub fn insert(&self, environment_sid: &str, process: Arc<Process>) {
        let mut running = lock(&self.running);
        let instances = running.entry(environment_sid.to_owned()).or_default();
        instances.retain(|old| {
            let keep = old.is_alive() && old.build_sid == process.build_sid;
            if !keep {
                old.kill();
            }
            keep
        });
        instances.push(process);
    }

    /// Every process running now.
    pub fn all(&self) -> Vec<Arc<Process>> {
        lock(&self.running)
            .values()
            .flatten()
            .filter(|process| process.is_alive())
            .cloned()
            .collect()
    }

    /// Stops every process whose environment no longer has that build live, and returns them.
    pub fn retain(&self, live: &HashMap<String, String>) -> Vec<Arc<Process>> {
        let mut stopped = Vec::new();
        lock(&self.running).retain(|environment, instances| {
            instances.retain(|process| {
                let keep = live.get(environment) == Some(&process.build_sid);
                if !keep {
                    process.kill();
                    stopped.push(process.clone());
                }
                keep
            });
            !instances.is_empty()
        });
        stopped
    }

    /// One lock per key, so one environment's process (or one build's folder) is made once.
    pub fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.starting)
            .entry(key.to_owned())
            .or_default()
            .clone()
    }
}
