//! One Node process per environment with a live build (`runtime/serve.js`): how it is started,
//! handed the connections to its live URL, told of new variables, and stopped.
//!
//! The emulator keeps its own copy of every socket it hands over: when the process is stopped
//! (Twilio's time limit) or dies, the execution it was running still gets its answer, a 504 or
//! a 502, from the emulator. What the process reports of its executions is read by `pump.rs`.

use super::channel::Channel;
use super::journal::Journal;
use super::{pump, stop};
use crate::clock;
use crate::store::live::Target;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::process::Command;
use tokio::sync::{Notify, oneshot, watch};

/// How long a process may take to start serving.
const START_LIMIT: Duration = Duration::from_secs(20);
/// How long a process may take to take a connection, or to apply a message.
const ANSWER_LIMIT: Duration = Duration::from_secs(2);

/// A line an execution printed: its level, message and when (Unix seconds).
pub struct Printed {
    pub level: &'static str,
    pub message: String,
    pub at: i64,
}

/// An execution the process has said something of, and not yet that it ended.
pub(super) struct InFlight {
    pub since: Instant,
    pub started_at: i64,
    /// Known once it is reported running, or has ended.
    pub function_sid: Option<String>,
    /// The connection it answers on.
    pub connection: Option<u64>,
    pub lines: Vec<Printed>,
    pub dropped: usize,
    /// It ran into the time limit, and the process was stopped for it.
    pub timed_out: bool,
}

impl InFlight {
    /// One that began `ran` ago.
    pub fn begun(ran: Duration) -> InFlight {
        InFlight {
            since: Instant::now().checked_sub(ran).unwrap_or_else(Instant::now),
            started_at: clock::now() - ran.as_secs() as i64,
            function_sid: None,
            connection: None,
            lines: Vec::new(),
            dropped: 0,
            timed_out: false,
        }
    }
}

/// The emulator's copy of a socket it handed over.
pub(super) struct Kept {
    pub socket: OwnedFd,
    /// An accepted TCP connection, which can go back to the listener; otherwise the emulator's
    /// own call (`live::call`).
    pub accepted: bool,
}

#[derive(Default)]
pub(super) struct State {
    pub in_flight: HashMap<String, InFlight>,
    /// The emulator's copies of the sockets handed over, by the id the process knows them by.
    pub connections: HashMap<u64, Kept>,
    /// Messages sent and not yet applied.
    pub waiting: HashMap<u64, oneshot::Sender<()>>,
}

/// What the process's tasks (its pump, watchdog and supervisor) share with it.
pub(super) struct Shared {
    /// In every request SID the process issues (8 hex digits): it cannot name another's.
    pub tag: String,
    /// The Function SID of each path the build serves.
    pub functions: HashMap<String, String>,
    /// What its log entries name: environment, build, deployment.
    pub target: Mutex<Arc<Target>>,
    pub state: Mutex<State>,
    /// Twilio's execution time limit.
    pub limit: Duration,
    pub exited: watch::Sender<bool>,
    /// An execution started: the watchdog has a new deadline.
    pub started: Notify,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    pub stderr: Mutex<VecDeque<String>>,
    /// Where a connection goes back to when the process is gone before reading its request.
    pub returns: Returns,
}

/// Accepted connections given back to the emulator's listener, to be served again.
pub type Returns = tokio::sync::mpsc::UnboundedSender<OwnedFd>;

impl Shared {
    pub fn kill(&self) {
        if let Some(stop) = lock(&self.stop).take() {
            let _ = stop.send(());
        }
    }

    pub fn has_exited(&self) -> bool {
        *self.exited.borrow()
    }

    /// Waits until the process has exited.
    pub async fn exit(&self) {
        let _ = self.exited.subscribe().wait_for(|exited| *exited).await;
    }
}

pub struct Process {
    pub build_sid: String,
    shared: Arc<Shared>,
    channel: Channel,
    next_connection: AtomicU64,
    next_message: AtomicU64,
    /// The context's variables as the process last applied them: only a change is sent.
    env: Mutex<String>,
    updating: tokio::sync::Mutex<()>,
}

impl Process {
    /// Executions it is running now, and how long the oldest of them has been running.
    pub fn load(&self) -> (usize, Duration) {
        let state = lock(&self.shared.state);
        let oldest = oldest_running(&state).map_or(Duration::ZERO, |since| since.elapsed());
        (state.in_flight.len(), oldest)
    }

    pub fn is_alive(&self) -> bool {
        !self.shared.has_exited()
    }

    pub fn kill(&self) {
        self.shared.kill();
    }

    pub fn target(&self) -> Arc<Target> {
        lock(&self.shared.target).clone()
    }

    /// Hands a connection to the process, which serves it from now on; the socket comes back
    /// when the process could not take it. `accepted` says it is a TCP connection the listener
    /// accepted.
    pub async fn adopt(&self, socket: OwnedFd, accepted: bool) -> Result<(), OwnedFd> {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let Ok(kept) = socket.try_clone() else {
            return Err(socket);
        };
        {
            let mut state = lock(&self.shared.state);
            // Checked under the lock that the pump takes the kept sockets of a dead process with.
            if self.shared.has_exited() {
                return Err(socket);
            }
            let kept = Kept {
                socket: kept,
                accepted,
            };
            state.connections.insert(id, kept);
        }
        let message = format!(
            "{{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Socket\",\"msg\":{{\"conn\":{id}}}}}\n"
        );
        let sent = self.channel.send(message.as_bytes(), Some(socket.as_fd()));
        if let Ok(Ok(())) = tokio::time::timeout(ANSWER_LIMIT, sent).await {
            return Ok(());
        }
        // Dead, or not reading its channel for seconds (and the message may be cut short).
        self.kill();
        match lock(&self.shared.state).connections.remove(&id) {
            Some(_) => Err(socket),
            // Its pump has the connection in hand already.
            None => Ok(()),
        }
    }

    /// Waits until the process has exited (after [`Process::kill`]).
    pub async fn stopped(&self) {
        self.shared.exit().await;
    }

    /// Sends a marker and waits until the process has answered it: every record it wrote
    /// before has then been read. `false` when it did not answer in time.
    pub async fn sync(&self, patience: Duration) -> bool {
        let message = |seq| format!("{{\"seq\":{seq}}}\n");
        self.send_and_wait(message, patience).await
    }

    /// The message `write` makes for a new `seq`, and the wait until the process answers it.
    async fn send_and_wait(&self, write: impl FnOnce(u64) -> String, patience: Duration) -> bool {
        let seq = self.next_message.fetch_add(1, Ordering::Relaxed);
        let message = write(seq);
        let (applied, done) = oneshot::channel();
        lock(&self.shared.state).waiting.insert(seq, applied);
        let sent = tokio::time::timeout(ANSWER_LIMIT, self.channel.send(message.as_bytes(), None));
        let answered = match sent.await {
            Ok(Ok(())) => tokio::time::timeout(patience, done)
                .await
                .is_ok_and(|done| done.is_ok()),
            _ => {
                // A message cut short cannot be finished by the next one: this process has
                // not read its channel for seconds, and is stopped.
                self.kill();
                false
            }
        };
        lock(&self.shared.state).waiting.remove(&seq);
        answered
    }

    /// Names what later log entries belong to (a new deployment of the same build) and, when
    /// they changed, sends the context's variables (`env`, a JSON object) and waits until the
    /// process has applied them. One update at a time, each reading the store once it may
    /// send, so a later change is never overtaken by an earlier one.
    pub async fn update(&self, read: impl Future<Output = Option<(Arc<Target>, String)>>) {
        let _one_at_a_time = self.updating.lock().await;
        let Some((target, env)) = read.await else {
            return;
        };
        *lock(&self.shared.target) = target;
        if *lock(&self.env) == env {
            return;
        }
        let message = |seq| format!("{{\"seq\":{seq},\"env\":{env}}}\n");
        if self.send_and_wait(message, ANSWER_LIMIT).await {
            *lock(&self.env) = env;
        }
    }
}

/// When the oldest execution reported running began: only those can be stuck (the others
/// ended within 25 ms, or are only lines so far).
pub(super) fn oldest_running(state: &State) -> Option<Instant> {
    state
        .in_flight
        .values()
        .filter(|entry| entry.function_sid.is_some())
        .map(|entry| entry.since)
        .min()
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What the process is started with (its first message).
#[derive(serde::Serialize)]
pub struct ServeConfig {
    pub dir: String,
    /// The environment's `domain_name`: the only one its connections may name.
    pub domain: String,
    pub tag: String,
    pub auth_token: String,
    pub env: serde_json::Value,
    pub functions: Vec<ServeRoute>,
    pub assets: Vec<ServeRoute>,
}

#[derive(serde::Serialize)]
pub struct ServeRoute {
    pub path: String,
    pub file: String,
    pub access: String,
}

/// A fresh tag for a process's request SIDs.
pub fn sid_tag() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// Everything a process is started from.
pub struct Start<'a> {
    pub build_sid: &'a str,
    pub serve_js: &'a Path,
    pub config: ServeConfig,
    pub target: Arc<Target>,
    pub functions: HashMap<String, String>,
    pub journal: Journal,
    pub limit: Duration,
    pub returns: Returns,
}

/// Starts `node serve.js` for a build folder and waits until it serves.
pub async fn start(start: Start<'_>) -> Result<Arc<Process>, String> {
    let failed = |what: &str, error: &dyn std::fmt::Display| format!("{what}: {error}");
    let (ours, theirs) =
        UnixStream::pair().map_err(|error| failed("node's channel could not be opened", &error))?;
    let mut command = Command::new("node");
    // The function sees none of the emulator's environment (which may hold credentials).
    command
        .env_clear()
        .envs(
            std::env::vars()
                .filter(|(key, _)| matches!(key.as_str(), "PATH" | "HOME" | "LANG" | "TZ")),
        )
        // Node's own IPC channel, as `child_process.fork` sets it up; Node removes both
        // variables before any code of the build runs.
        .env("NODE_CHANNEL_FD", "0")
        .env("NODE_CHANNEL_SERIALIZATION_MODE", "json")
        .arg(start.serve_js)
        .current_dir(&start.config.dir)
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|error| failed("node could not be started", &error))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err("node's pipes could not be opened".into());
    };
    let channel = Channel::open(ours)
        .map_err(|error| failed("node's channel could not be opened", &error))?;
    let (stop, stopped) = oneshot::channel();
    let shared = Arc::new(Shared {
        tag: start.config.tag.clone(),
        functions: start.functions,
        target: Mutex::new(start.target),
        state: Mutex::default(),
        limit: start.limit,
        exited: watch::Sender::new(false),
        started: Notify::new(),
        stop: Mutex::new(Some(stop)),
        stderr: Mutex::default(),
        returns: start.returns,
    });
    tokio::spawn(stop::supervise(child, stopped, shared.clone()));
    let stderr_read = tokio::spawn(pump::keep_tail(stderr, shared.clone()));
    let (ready, serving) = oneshot::channel();
    tokio::spawn(pump::pump(
        stdout,
        shared.clone(),
        start.journal,
        ready,
        stderr_read,
    ));
    tokio::spawn(stop::watchdog(shared.clone()));
    let env = start.config.env.to_string();
    let message = serde_json::json!({ "config": start.config }).to_string() + "\n";
    let process = Process {
        build_sid: start.build_sid.to_owned(),
        shared,
        channel,
        next_connection: AtomicU64::new(1),
        next_message: AtomicU64::new(1),
        env: Mutex::new(env),
        updating: tokio::sync::Mutex::new(()),
    };
    if let Err(error) = process.channel.send(message.as_bytes(), None).await {
        return Err(failed("node did not read its configuration", &error));
    }
    match tokio::time::timeout(START_LIMIT, serving).await {
        Ok(Ok(())) => Ok(Arc::new(process)),
        Ok(Err(_)) => {
            // The tail is read by its own task; give it a moment to catch the last lines.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let tail = pump::tail(&process.shared);
            Err(format!(
                "the function runtime exited before serving: {tail}"
            ))
        }
        Err(_) => Err(format!(
            "the function runtime did not start within {} s",
            START_LIMIT.as_secs()
        )),
    }
}
