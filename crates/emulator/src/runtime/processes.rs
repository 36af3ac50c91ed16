//! One Node process per environment with a live build, serving it on a loopback port, and the
//! pump that hands what its functions print to the execution that printed it (which stores it
//! with its other log entries, `live.rs`).
//!
//! A process's output is trusted for nothing but its own environment's logs: a record counts
//! only when it names a request SID the emulator has in flight in this very process, the
//! function and environment of the entry come from the emulator, and each execution keeps at
//! most [`LINES_PER_EXECUTION`] lines of at most [`MESSAGE_LIMIT`] bytes.

use crate::clock;
use serde::Deserialize;
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::oneshot;

/// Lines one execution may log; what comes after is counted, not kept.
pub const LINES_PER_EXECUTION: usize = 100;
/// Bytes one log message may hold.
pub const MESSAGE_LIMIT: usize = 4096;
/// A line of the process's output longer than this is not a record.
const LINE_LIMIT: usize = 64 * 1024;
/// How long a process may take to start listening.
const START_LIMIT: Duration = Duration::from_secs(20);
/// Lines of a process's stderr kept to explain why it failed.
const STDERR_TAIL: usize = 12;

/// A line an execution printed: its level, message and when (Unix seconds).
pub struct Printed {
    pub level: &'static str,
    pub message: String,
    pub at: i64,
}

/// What an execution printed, once its process said it has finished.
pub struct Output {
    pub lines: Vec<Printed>,
    /// Lines over [`LINES_PER_EXECUTION`], counted but not kept.
    pub dropped: usize,
}

struct InFlight {
    /// When the emulator sent the request.
    since: Instant,
    output: Vec<Printed>,
    dropped: usize,
    end: Option<oneshot::Sender<()>>,
}

type InFlightMap = Arc<Mutex<HashMap<String, InFlight>>>;

pub struct Process {
    pub build_sid: String,
    pub port: u16,
    child: Mutex<Child>,
    /// Closing it tells the process to exit, even if the emulator dies without killing it.
    _stdin: ChildStdin,
    in_flight: InFlightMap,
    exited: Arc<AtomicBool>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

/// An execution registered with its process: dropping it forgets the request SID.
pub struct Call {
    process: Arc<Process>,
    request_sid: String,
    end: Option<oneshot::Receiver<()>>,
}

impl Call {
    /// Waits (briefly) until the process has reported everything the execution printed, and
    /// returns it.
    pub async fn finish(mut self) -> Output {
        if let Some(end) = self.end.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), end).await;
        }
        let (lines, dropped) = lock(&self.process.in_flight)
            .remove(&self.request_sid)
            .map(|entry| (entry.output, entry.dropped))
            .unwrap_or_default();
        Output { lines, dropped }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        lock(&self.process.in_flight).remove(&self.request_sid);
    }
}

impl Process {
    /// Executions it is running now, and how long the oldest of them has been running.
    pub fn load(&self) -> (usize, Duration) {
        let in_flight = lock(&self.in_flight);
        let oldest = in_flight
            .values()
            .map(|entry| entry.since)
            .min()
            .map_or(Duration::ZERO, |since| since.elapsed());
        (in_flight.len(), oldest)
    }

    pub fn is_alive(&self) -> bool {
        !self.exited.load(Ordering::SeqCst)
    }

    pub fn kill(&self) {
        self.exited.store(true, Ordering::SeqCst);
        let _ = lock(&self.child).start_kill();
    }

    /// What the process last wrote to stderr, to explain a crash.
    pub fn stderr_tail(&self) -> String {
        lock(&self.stderr)
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Registers a request before it is sent, so its output is accepted.
    pub fn execution(self: &Arc<Self>, request_sid: &str) -> Call {
        let (send, receive) = oneshot::channel();
        lock(&self.in_flight).insert(
            request_sid.to_owned(),
            InFlight {
                since: Instant::now(),
                output: Vec::new(),
                dropped: 0,
                end: Some(send),
            },
        );
        Call {
            process: self.clone(),
            request_sid: request_sid.to_owned(),
            end: Some(receive),
        }
    }
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

/// What the process is started with (the first line of its stdin).
#[derive(serde::Serialize)]
pub struct ServeConfig {
    pub dir: String,
    pub auth_token: String,
    pub functions: Vec<ServeRoute>,
    pub assets: Vec<ServeRoute>,
}

#[derive(serde::Serialize)]
pub struct ServeRoute {
    pub path: String,
    pub file: String,
    pub access: String,
}

/// Starts `node serve.js` for a build folder and waits until it listens.
pub async fn start(
    build_sid: &str,
    serve_js: &Path,
    config: &ServeConfig,
) -> Result<Arc<Process>, String> {
    let mut command = Command::new("node");
    // The function sees none of the emulator's environment (which may hold credentials).
    command
        .env_clear()
        .envs(
            std::env::vars()
                .filter(|(key, _)| matches!(key.as_str(), "PATH" | "HOME" | "LANG" | "TZ")),
        )
        .arg(serve_js)
        .current_dir(&config.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|error| format!("node could not be started: {error}"))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err("node's pipes could not be opened".into());
    };
    let line = serde_json::to_string(config).map_err(|error| error.to_string())? + "\n";
    stdin
        .write_all(line.as_bytes())
        .await
        .map_err(|error| format!("node did not read its configuration: {error}"))?;
    let in_flight: InFlightMap = Arc::default();
    let exited = Arc::new(AtomicBool::new(false));
    let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
    tokio::spawn(keep_tail(stderr, stderr_tail.clone()));
    let (ready, listening) = oneshot::channel();
    tokio::spawn(pump(
        BufReader::new(stdout),
        ready,
        in_flight.clone(),
        exited.clone(),
    ));
    match tokio::time::timeout(START_LIMIT, listening).await {
        Ok(Ok(port)) => Ok(Arc::new(Process {
            build_sid: build_sid.to_owned(),
            port,
            child: Mutex::new(child),
            _stdin: stdin,
            in_flight,
            exited,
            stderr: stderr_tail,
        })),
        Ok(Err(_)) => {
            // The tail is read by its own task; give it a moment to catch the last lines.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let tail = lock(&stderr_tail)
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
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

#[derive(Deserialize)]
struct Record {
    ready: Option<u16>,
    rq: Option<String>,
    level: Option<String>,
    msg: Option<String>,
    #[serde(default)]
    end: bool,
}

async fn pump(
    mut stdout: impl AsyncBufRead + Unpin,
    ready: oneshot::Sender<u16>,
    in_flight: InFlightMap,
    exited: Arc<AtomicBool>,
) {
    let mut ready = Some(ready);
    let mut line = Vec::new();
    while let Ok(true) = next_line(&mut stdout, &mut line).await {
        let Ok(record) = serde_json::from_slice::<Record>(&line) else {
            continue;
        };
        if let Some(port) = record.ready {
            if let Some(ready) = ready.take() {
                let _ = ready.send(port);
            }
            continue;
        }
        let Some(request_sid) = record.rq else {
            continue;
        };
        let mut in_flight = lock(&in_flight);
        let Some(entry) = in_flight.get_mut(&request_sid) else {
            continue;
        };
        if record.end {
            if let Some(end) = entry.end.take() {
                let _ = end.send(());
            }
        } else if entry.output.len() >= LINES_PER_EXECUTION {
            entry.dropped += 1;
        } else {
            entry.output.push(Printed {
                level: level(record.level.as_deref()),
                message: clip(record.msg.unwrap_or_default(), MESSAGE_LIMIT),
                at: clock::now(),
            });
        }
    }
    exited.store(true, Ordering::SeqCst);
    // Waiting executions learn at once that nothing more will come.
    lock(&in_flight).values_mut().for_each(|entry| {
        entry.end.take();
    });
}

async fn keep_tail(stderr: impl tokio::io::AsyncRead + Unpin, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut reader = BufReader::new(stderr);
    let mut line = Vec::new();
    while let Ok(true) = next_line(&mut reader, &mut line).await {
        let text = String::from_utf8_lossy(&line).into_owned();
        tracing::debug!(target: "switchboard_emulator::node", "{text}");
        let mut tail = lock(&tail);
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(text);
    }
}

/// The next line into `line`, without its newline; a line over [`LINE_LIMIT`] comes back empty
/// (it is no record), its bytes read and dropped. `false` at the end of the stream.
async fn next_line(
    reader: &mut (impl AsyncBufRead + Unpin),
    line: &mut Vec<u8>,
) -> std::io::Result<bool> {
    line.clear();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(!line.is_empty());
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        if line.len() + chunk.len() > LINE_LIMIT {
            too_long = true;
            line.clear();
        } else if !too_long {
            line.extend_from_slice(chunk);
        }
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            return Ok(true);
        }
    }
}

fn level(raw: Option<&str>) -> &'static str {
    match raw {
        Some("warn") => "warn",
        Some("error") => "error",
        _ => "info",
    }
}

/// `message` cut to at most `limit` bytes (and an ellipsis), at a character's boundary.
pub(super) fn clip(mut message: String, limit: usize) -> String {
    if message.len() > limit {
        let mut cut = limit;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    message
}
