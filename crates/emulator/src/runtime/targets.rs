//! What a live URL names (its environment, live build and variables), kept between
//! connections while the store has not changed, so a connection is handed to its environment's
//! process without asking the store. Any change through the API (a deployment, a variable, a deletion) moves the store's
//! generation and empties this, so the next execution still sees every change at once.

use crate::error::ApiResult;
use crate::store::Store;
use crate::store::live::{self as live_store, Target};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Lookups kept at once: requests for ever new names cannot grow it without bound.
const KEPT: usize = 1024;

#[derive(Default)]
pub struct Targets {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    found: HashMap<String, Option<Arc<Target>>>,
}

impl Targets {
    /// The environment whose domain is `domain`, `None` when no environment has it.
    pub async fn find(&self, store: &Store, domain: String) -> ApiResult<Option<Arc<Target>>> {
        // Read before the lookup, so a change committed meanwhile makes this lookup stale.
        let generation = store.generation();
        let key = domain;
        {
            let kept = self.lock();
            if kept.generation == generation
                && let Some(found) = kept.found.get(&key)
            {
                return Ok(found.clone());
            }
        }
        let domain = key.clone();
        let found = store
            .call(move |db| live_store::target(db, &domain))
            .await?
            .map(Arc::new);
        let mut kept = self.lock();
        if generation < kept.generation {
            // A newer lookup has reset what is kept; this one is already stale.
            return Ok(found);
        }
        if kept.generation != generation || kept.found.len() >= KEPT {
            kept.found.clear();
            kept.generation = generation;
        }
        kept.found.insert(key, found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
