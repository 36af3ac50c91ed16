//! Running what was deployed (docs/EMULATOR.md, "What runs"): builds lay their files out in a
//! folder and run a real `npm install`; each environment with a live build is served by its own
//! Node process running `@twilio/runtime-handler`'s dev runtime (`runtime/serve.js`), handed
//! the connections to the environment's live URL (`live.rs`).

mod channel;
mod execution;
mod installs;
pub mod journal;
pub mod layout;
pub mod live;
mod npm;
pub mod pool;
pub mod processes;
mod pump;
mod stop;
mod targets;

use crate::config::{Config, Execution};
use crate::store::Store;
use crate::store::live::{self as live_store, Route, Target};
use std::collections::HashSet;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The script every environment's process runs, written next to the build folders.
const SERVE_JS: &str = include_str!("../../runtime/serve.js");
/// How it reports to the emulator, beside it.
const RECORDS_JS: &str = include_str!("../../runtime/records.js");
/// Written into a build folder once npm has installed it: the Node version it was built with.
const BUILT: &str = ".switchboard-built";
/// How long a Logs read waits for a process to say that what it reported has been read: one
/// stuck in synchronous code cannot say it, and has ended no execution since it got stuck.
const SETTLE_LIMIT: Duration = Duration::from_millis(250);

pub struct Runtime {
    execution: Execution,
    node_version: Option<String>,
    folder: BuildsFolder,
    npm_cache: PathBuf,
    installs: installs::Installs,
    serve_js: PathBuf,
    pub processes: pool::Processes,
    pub targets: targets::Targets,
    pub journal: journal::Journal,
    returns: processes::Returns,
    /// Taken by the listener, which serves what comes back again.
    returned: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<OwnedFd>>>,
}

/// Where build folders live: next to the data file, or a temporary folder removed on exit.
struct BuildsFolder {
    path: PathBuf,
    temporary: bool,
}

impl Drop for BuildsFolder {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

impl Runtime {
    /// Must be called inside a tokio runtime: it starts the journal's writer.
    pub fn open(config: &Config, store: &Store) -> anyhow::Result<Runtime> {
        let (execution, node_version) = match config.execution {
            Execution::Node => match (version_of("node"), version_of("npm")) {
                (Some(node), Some(_npm)) => (Execution::Node, Some(node)),
                _ => {
                    tracing::warn!(
                        "node and npm are not both installed: builds are simulated and live URLs do not run functions (install Node.js 20 or newer to run them)"
                    );
                    (Execution::Simulated, None)
                }
            },
            other => (other, None),
        };
        let folder = match &config.data {
            Some(data) => BuildsFolder {
                path: PathBuf::from(format!("{}.builds", data.display())),
                temporary: false,
            },
            None => BuildsFolder {
                path: {
                    remove_orphaned_folders();
                    std::env::temp_dir()
                }
                .join(format!(
                    "switchboard-builds-{}-{:08x}",
                    std::process::id(),
                    rand::random::<u32>()
                )),
                temporary: true,
            },
        };
        let serve_js = folder.path.join("serve.js");
        if execution == Execution::Node {
            std::fs::create_dir_all(&folder.path)?;
            std::fs::write(&serve_js, SERVE_JS)?;
            std::fs::write(folder.path.join("records.js"), RECORDS_JS)?;
        }
        let npm_cache = config.npm_cache.clone().unwrap_or_else(default_npm_cache);
        let (returns, returned) = tokio::sync::mpsc::unbounded_channel();
        Ok(Runtime {
            execution,
            node_version,
            folder,
            installs: installs::Installs::new(&npm_cache),
            npm_cache,
            serve_js,
            processes: pool::Processes::default(),
            targets: targets::Targets::default(),
            journal: journal::Journal::start(store),
            returns,
            returned: std::sync::Mutex::new(Some(returned)),
        })
    }

    pub fn execution(&self) -> Execution {
        self.execution
    }

    /// The machine's Node version (`v20.…`) when builds really run.
    pub fn node_version(&self) -> Option<&str> {
        self.node_version.as_deref()
    }

    pub fn serve_js(&self) -> &Path {
        &self.serve_js
    }

    /// Where connections come back that a process was handed and stopped before reading.
    pub fn returns(&self) -> processes::Returns {
        self.returns.clone()
    }

    /// The connections that come back, for the one listener that serves them again.
    pub fn take_returned(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<OwnedFd>> {
        processes::lock(&self.returned).take()
    }

    fn folder_of(&self, build_sid: &str) -> PathBuf {
        self.folder.path.join(build_sid)
    }

    /// Lays the build out and runs `npm install`; the Node version it ran on, or why it failed.
    /// The version rule (`npm_version`) is checked first: npm could not install what fails it.
    pub async fn build(&self, store: &Store, build_sid: &str) -> Result<String, String> {
        let sid = build_sid.to_owned();
        let input = store
            .call(move |db| live_store::build_input(db, &sid))
            .await
            .map_err(|error| error.to_string())?;
        if let Some(reason) = crate::store::builds::version_rule_failure(&input.dependencies) {
            return Err(reason);
        }
        let node = self.node_version.clone().unwrap_or_default();
        // The exact dependency set: what npm installs depends on the package.json and on Node.
        let manifest = format!("{}\n{node}", layout::package_json(&input.dependencies));
        let dir = self.folder_of(build_sid);
        let write = {
            let dir = dir.clone();
            move || write_folder(&dir, &input)
        };
        tokio::task::spawn_blocking(write)
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| format!("the build folder could not be written: {error}"))?;
        self.install(&dir, manifest).await?;
        std::fs::write(dir.join(BUILT), &node)
            .map_err(|error| format!("the build folder could not be written: {error}"))?;
        Ok(node)
    }

    /// Gives `dir` its `node_modules`: the kept install of the same dependency set when there is
    /// one, else a real `npm install`, kept for the next build of that set once it succeeds.
    async fn install(&self, dir: &Path, manifest: String) -> Result<(), String> {
        let linked = {
            let (installs, dir, manifest) =
                (self.installs.clone(), dir.to_owned(), manifest.clone());
            tokio::task::spawn_blocking(move || installs.link_into(&manifest, &dir))
                .await
                .unwrap_or(false)
        };
        if linked {
            return Ok(());
        }
        npm::install(dir, &self.npm_cache).await?;
        let (installs, dir) = (self.installs.clone(), dir.to_owned());
        // Keeping it is an optimisation for later builds: this one has what it needs already.
        let _ = tokio::task::spawn_blocking(move || installs.keep(&manifest, &dir)).await;
        Ok(())
    }

    /// The build's folder, laid out and installed first if it is not (the demo's build, made
    /// before anything could run, or a folder removed by hand).
    pub async fn ensure_built(&self, store: &Store, build_sid: &str) -> Result<PathBuf, String> {
        let dir = self.folder_of(build_sid);
        if dir.join(BUILT).is_file() {
            return Ok(dir);
        }
        let lock = self.processes.lock_for(build_sid);
        let _held = lock.lock().await;
        if !dir.join(BUILT).is_file() {
            self.build(store, build_sid).await?;
        }
        Ok(dir)
    }

    /// What a build's process is started with, to serve the environment `target`.
    pub fn serve_config(
        &self,
        dir: &Path,
        routes: &[Route],
        target: &Target,
        auth_token: &str,
    ) -> processes::ServeConfig {
        let entries = |functions: bool| {
            routes
                .iter()
                .filter(|route| route.is_function == functions)
                .filter_map(|route| {
                    let entry = layout::Entry {
                        is_function: route.is_function,
                        path: &route.path,
                    };
                    Some(processes::ServeRoute {
                        path: route.path.clone(),
                        file: layout::file_of(&entry).ok()?,
                        access: route.access.clone(),
                    })
                })
                .collect()
        };
        processes::ServeConfig {
            dir: dir.display().to_string(),
            domain: target.domain_name.clone(),
            tag: processes::sid_tag(),
            auth_token: auth_token.to_owned(),
            env: execution::context_env(target, auth_token),
            functions: entries(true),
            assets: entries(false),
        }
    }

    /// Waits until every execution that has answered is in the Logs: each process says that
    /// what it reported so far has been read, then the journal stores it.
    pub async fn settle(&self) {
        let mut syncs = tokio::task::JoinSet::new();
        for process in self.processes.all() {
            syncs.spawn(async move { process.sync(SETTLE_LIMIT).await });
        }
        syncs.join_all().await;
        self.journal.flush().await;
    }

    /// Tells every process what changed through the API: the context's variables (a change
    /// reaches the next execution, as on Twilio) and the deployment its entries name. All at
    /// once: one stuck process holds up no other's.
    pub async fn refresh(&self, store: &Store, auth_token: &str) {
        let mut updates = tokio::task::JoinSet::new();
        for process in self.processes.all() {
            let (store, auth_token) = (store.clone(), auth_token.to_owned());
            updates.spawn(async move { refresh_process(&store, &auth_token, &process).await });
        }
        updates.join_all().await;
    }

    /// Removes the folders of builds that no longer exist.
    pub fn remove_folders_except(&self, existing: &HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.folder.path) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("ZB") && !existing.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn write_folder(dir: &Path, input: &live_store::BuildInput) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    for (route, content) in &input.routes {
        let entry = layout::Entry {
            is_function: route.is_function,
            path: &route.path,
        };
        // Checked when the build was created; checked again so nothing lands outside `dir`.
        let file = layout::file_of(&entry)
            .map_err(|reason| std::io::Error::new(std::io::ErrorKind::InvalidInput, reason))?;
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, content)?;
    }
    std::fs::write(
        dir.join("package.json"),
        layout::package_json(&input.dependencies),
    )
}

/// Removes, in the background, the temporary build folders of emulators that were killed before
/// they could (a SIGKILL): their names carry the process ID, and `/proc` says whether it still
/// runs. In the background because a build's node_modules holds thousands of files, and
/// unlinking them can take many seconds on a busy disk.
fn remove_orphaned_folders() {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("orphaned-builds".into())
        .spawn(move || remove_orphans_of_dead_processes(proc));
    if let Err(error) = spawned {
        tracing::debug!(%error, "orphaned build folders are left in place");
    }
}

fn remove_orphans_of_dead_processes(proc: &Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("switchboard-builds-")
            .and_then(|rest| rest.split_once('-'))
            .map(|(pid, _)| pid.to_owned());
        if let Some(pid) = pid
            && !proc.join(&pid).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `node --version` and the like, or `None` when the program is missing.
fn version_of(program: &str) -> Option<String> {
    let output = std::process::Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `~/.cache/switchboard/npm`, shared by every emulator of this user, so a package seen once
/// installs offline afterwards.
fn default_npm_cache() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    home.join(".cache").join("switchboard").join("npm")
}

/// Tells `process` what its environment is now (`Runtime::refresh`).
pub async fn refresh_process(store: &Store, auth_token: &str, process: &processes::Process) {
    let environment = process.target().environment_sid.clone();
    let read = async {
        let target = store
            .call(move |db| live_store::environment_target(db, &environment))
            .await
            .ok()??;
        let env = execution::context_env(&target, auth_token).to_string();
        Some((Arc::new(target), env))
    };
    process.update(read).await;
}
