#![doc = include_str!("../README.md")]
mod auth;
mod build_worker;
mod clock;
mod config;
mod context;
mod error;
mod form;
mod listener;
mod pagination;
mod router;
mod routes;
mod runtime;
mod seed;
mod store;
mod urls;

pub use config::{ApiKey, Config, Credentials, Execution, Seed};

use std::sync::Arc;
use std::time::Duration;

/// A running emulator: its store, its build worker and its credentials. Cheap to clone.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: store::Store,
    builds: build_worker::BuildQueue,
    runtime: runtime::Runtime,
}

impl Emulator {
    /// Opens the store (creating/migrating the SQLite file), applies the seed if the store is
    /// empty, and starts the build worker, so it must be called inside a tokio runtime.
    pub fn open(config: Config) -> anyhow::Result<Emulator> {
        let store = store::Store::open(config.data.as_deref())?;
        if let Some(seed) = config.seed {
            seed::apply_if_empty(&store, seed, &config.credentials.account_sid)?;
        }
        let runtime = runtime::Runtime::open(&config, &store)?;
        let pending = match runtime.execution() {
            Execution::Node => store.call_blocking(store::live::pending)?,
            _ => {
                store.call_blocking(store::live::simulate_pending)?;
                Vec::new()
            }
        };
        let builds = build_worker::start(&store);
        let emulator = Emulator {
            inner: Arc::new(Inner {
                config,
                store,
                builds,
                runtime,
            }),
        };
        // Builds npm was running when the emulator stopped start again.
        for (sid, created_millis) in pending {
            build_worker::spawn_npm_build(emulator.clone(), sid, created_millis);
        }
        if emulator.execution() == Execution::Node {
            // Live builds without a folder (the demo's, made before anything ran) are installed
            // now, so the first request to them need not wait for npm.
            let warm = emulator.clone();
            tokio::spawn(async move { warm.install_live_builds().await });
        }
        Ok(emulator)
    }

    /// Whether deployed code runs here: `Node` only when asked for and node and npm are found.
    pub fn execution(&self) -> Execution {
        self.inner.runtime.execution()
    }

    /// Live URLs of an emulator listening on `port`: `{domain}` stands for an environment's
    /// `domain_name` without `.twil.io` (docs/EMULATOR.md).
    pub fn live_url_template(port: u16) -> String {
        format!("http://{{domain}}.localhost:{port}")
    }

    /// Serves the whole HTTP surface on `listener` until `shutdown` completes: both Twilio
    /// hosts' paths, the emulator-only endpoints under `/__emulator/`, and the live URLs.
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        listener::serve(self.clone(), listener, shutdown).await
    }

    /// The API's router: both Twilio hosts' paths, and `/__emulator/`.
    fn router(&self) -> axum::Router {
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

    fn runtime(&self) -> &runtime::Runtime {
        &self.inner.runtime
    }

    async fn install_live_builds(&self) {
        let Ok((live, _)) = self.store().call(store::live::live_and_existing).await else {
            return;
        };
        let builds: std::collections::BTreeSet<String> = live.into_values().collect();
        for build in builds {
            if let Err(reason) = self.runtime().ensure_built(self.store(), &build).await {
                tracing::warn!(%build, %reason, "a live build could not be installed");
            }
        }
    }

    /// Stops the processes of environments whose live build changed or went, and removes the
    /// folders of deleted builds.
    async fn reconcile(&self) {
        let emulator = self.clone();
        let listed = self.store().call(store::live::live_and_existing).await;
        match listed {
            Ok((live, existing)) => {
                // Once the API has answered, the build it took away serves nothing more.
                for process in emulator.runtime().processes.retain(&live) {
                    let _ = tokio::time::timeout(Duration::from_secs(5), process.stopped()).await;
                }
                let _ = tokio::task::spawn_blocking(move || {
                    emulator.runtime().remove_folders_except(&existing);
                })
                .await;
            }
            Err(error) => tracing::error!(%error, "the runtime could not read the store"),
        }
    }
}
