#![doc = include_str!("../README.md")]
mod auth;
mod build_worker;
mod clock;
mod config;
mod context;
mod error;
mod form;
mod pagination;
mod router;
mod routes;
mod seed;
mod store;
mod urls;

pub use config::{ApiKey, Config, Credentials, Seed};

use std::sync::Arc;

/// A running emulator: its store, its build worker and its credentials. Cheap to clone.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: store::Store,
    builds: build_worker::BuildQueue,
}

impl Emulator {
    /// Opens the store (creating/migrating the SQLite file), applies the seed if the store is
    /// empty, and starts the build worker, so it must be called inside a tokio runtime.
    pub fn open(config: Config) -> anyhow::Result<Emulator> {
        let store = store::Store::open(config.data.as_deref())?;
        if let Some(seed) = config.seed {
            seed::apply_if_empty(&store, seed, &config.credentials.account_sid)?;
        }
        let builds = build_worker::start(&store);
        Ok(Emulator {
            inner: Arc::new(Inner {
                config,
                store,
                builds,
            }),
        })
    }

    /// The whole HTTP surface: both Twilio hosts' paths on one router, plus the emulator-only
    /// endpoints under `/__emulator/`.
    pub fn router(&self) -> axum::Router {
        router::router(self.clone())
    }

    pub fn credentials(&self) -> &Credentials {
        &self.inner.config.credentials
    }

    fn config(&self) -> &Config {
        &self.inner.config
    }

    fn store(&self) -> &store::Store {
        &self.inner.store
    }

    fn builds(&self) -> &build_worker::BuildQueue {
        &self.inner.builds
    }
}
