//! Which Node processes serve each environment: how many it may have, which one a request goes
//! to, and which are stopped when a deployment or a deletion changes what is live.

use super::processes::{Process, lock};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The running processes of each environment, by environment SID. An environment starts with
/// one and gets another whenever a request finds them all busy, up to `Config::instances`, as
/// Twilio serves overlapping executions from separate instances: no execution waits behind
/// another's synchronous work, and module state is not shared between instances there either.
#[derive(Default)]
pub struct Processes {
    running: Mutex<HashMap<String, Vec<Arc<Process>>>>,
    starting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The process a request goes to.
pub struct Pick {
    pub process: Arc<Process>,
    /// Every process of the environment is busy and it may have another.
    pub crowded: bool,
}

impl Processes {
    /// The least busy of the environment's live processes that serve `build_sid`; it may have
    /// `limit` of them.
    pub fn pick(&self, environment_sid: &str, build_sid: &str, limit: usize) -> Option<Pick> {
        let running = lock(&self.running);
        let serving: Vec<_> = running
            .get(environment_sid)?
            .iter()
            .filter(|process| process.is_alive() && process.build_sid == build_sid)
            .collect();
        let (process, busy) = serving
            .iter()
            .map(|process| (*process, process.busy()))
            .min_by_key(|(_, busy)| *busy)?;
        Some(Pick {
            process: process.clone(),
            crowded: busy > 0 && serving.len() < limit,
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

    /// Stops `process` and forgets it.
    pub fn stop_if(&self, environment_sid: &str, process: &Arc<Process>) {
        if let Some(instances) = lock(&self.running).get_mut(environment_sid) {
            instances.retain(|current| !Arc::ptr_eq(current, process));
        }
        process.kill();
    }

    /// Stops every process whose environment no longer has that build live.
    pub fn retain(&self, live: &HashMap<String, String>) {
        lock(&self.running).retain(|environment, instances| {
            instances.retain(|process| {
                let keep = live.get(environment) == Some(&process.build_sid);
                if !keep {
                    process.kill();
                }
                keep
            });
            !instances.is_empty()
        });
    }

    /// One lock per key, so one environment's process (or one build's folder) is made once.
    pub fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.starting)
            .entry(key.to_owned())
            .or_default()
            .clone()
    }
}
