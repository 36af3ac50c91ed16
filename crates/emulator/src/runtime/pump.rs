//! What an environment's process reports, read from its stdout: each execution's start, the
//! lines it printed and its end become its log entries (`execution.rs`), handed to the journal
//! as it ends; when the process is gone, what it was running gets its answer from here.
//!
//! The output is trusted for nothing but its own environment's logs: a record counts only when
//! it names a request SID with this process's tag that it said it started, the function comes
//! from the emulator's list of the build's paths, the journal stores nothing under a SID issued
//! before (`journal.rs`), and each execution keeps at most [`LINES_PER_EXECUTION`] lines of at
//! most [`MESSAGE_LIMIT`] bytes. Its code may forge records: they can only add to its own
//! environment's logs.

use super::execution::{self, Ending};
use super::journal::Journal;
use super::processes::{InFlight, Printed, Shared, State, lock};
use crate::clock;
use nix::sys::socket::{MsgFlags, recv};
use serde::Deserialize;
use std::collections::hash_map::Entry;
use std::io::Write as _;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Lines one execution may log; what comes after is counted, not kept.
pub const LINES_PER_EXECUTION: usize = 100;
/// Bytes one log message may hold.
pub const MESSAGE_LIMIT: usize = 4096;
/// A line of the process's output longer than this is not a record.
const LINE_LIMIT: usize = 64 * 1024;
/// Lines of a process's stderr kept to explain why it failed.
const STDERR_TAIL: usize = 12;
/// Executions a process may have in flight: more are its own code's forgeries.
const IN_FLIGHT_LIMIT: usize = 4096;
/// Once the process has exited, its output is read until it has been quiet this long: code it
/// started may hold the pipe open.
const QUIET: Duration = Duration::from_millis(200);

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    ready: bool,
    rq: Option<String>,
    start: Option<String>,
    conn: Option<u64>,
    ms: Option<u64>,
    #[serde(rename = "fn")]
    function: Option<String>,
    level: Option<String>,
    msg: Option<String>,
    end: Option<u64>,
    closed: Option<u64>,
    synced: Option<u64>,
}

pub(super) async fn pump(
    stdout: impl AsyncRead + Unpin,
    shared: Arc<Shared>,
    journal: Journal,
    ready: oneshot::Sender<()>,
    stderr_read: JoinHandle<()>,
) {
    let mut ready = Some(ready);
    let mut lines = Lines::new(stdout);
    let mut exited = shared.exited.subscribe();
    loop {
        let line = if shared.has_exited() {
            match tokio::time::timeout(QUIET, lines.next()).await {
                Ok(line) => line,
                Err(_) => break,
            }
        } else {
            tokio::select! {
                line = lines.next() => line,
                _ = exited.wait_for(|exited| *exited) => continue,
            }
        };
        let Ok(Some(line)) = line else { break };
        let Ok(record) = serde_json::from_slice::<Record>(&line) else {
            continue;
        };
        if record.ready {
            if let Some(ready) = ready.take() {
                let _ = ready.send(());
            }
        } else if let Some(ended) = take(&shared, record) {
            journal.append(ended).await;
        }
    }
    finish(&shared, &journal, stderr_read).await;
}

/// Applies one record; the execution it ended, if it did.
fn take(shared: &Shared, record: Record) -> Option<super::journal::Execution> {
    let mut state = lock(&shared.state);
    if let Some(seq) = record.synced {
        if let Some(applied) = state.waiting.remove(&seq) {
            let _ = applied.send(());
        }
        return None;
    }
    if let Some(connection) = record.closed {
        state.connections.remove(&connection);
        return None;
    }
    let request_sid = record.rq.filter(|sid| issued_by(shared, sid))?;
    if let Some(path) = record.start {
        // Still running after 25 ms: its watcher reports it, so the watchdog can stop it.
        let function_sid = shared.functions.get(&path)?.clone();
        let ran = Duration::from_millis(record.ms.unwrap_or(0)).min(shared.limit);
        let entry = running(&mut state, request_sid)?;
        let begun = InFlight::begun(ran);
        (entry.since, entry.started_at) = (begun.since, begun.started_at);
        entry.function_sid = Some(function_sid);
        entry.connection = record.conn;
        shared.started.notify_one();
        return None;
    }
    if let Some(millis) = record.end {
        let function_sid = shared.functions.get(record.function.as_deref()?)?.clone();
        let took = Duration::from_millis(millis);
        let mut entry = state
            .in_flight
            .remove(&request_sid)
            .unwrap_or_else(|| InFlight::begun(took));
        entry.function_sid.get_or_insert(function_sid);
        drop(state);
        let target = lock(&shared.target).clone();
        let ending = Ending::Answered(took);
        return Some(execution::record(&target, request_sid, entry, ending));
    }
    let entry = running(&mut state, request_sid)?;
    if entry.lines.len() >= LINES_PER_EXECUTION {
        entry.dropped += 1;
    } else {
        entry.lines.push(Printed {
            level: level(record.level.as_deref()),
            message: clip(record.msg.unwrap_or_default(), MESSAGE_LIMIT),
            at: clock::now(),
        });
    }
    None
}

/// The execution `request_sid` as known so far; a new one when this is the first word of it
/// (a line printed before it ended, or was reported running), while there is room.
fn running(state: &mut State, request_sid: String) -> Option<&mut InFlight> {
    let room = state.in_flight.len() < IN_FLIGHT_LIMIT;
    match state.in_flight.entry(request_sid) {
        Entry::Occupied(known) => Some(known.into_mut()),
        Entry::Vacant(new) if room => Some(new.insert(InFlight::begun(Duration::ZERO))),
        Entry::Vacant(_) => None,
    }
}

/// Whether `sid` is a request SID this process may issue: `RQ`, then 32 lowercase hex digits,
/// the 13th to the 20th its tag.
fn issued_by(shared: &Shared, sid: &str) -> bool {
    sid.len() == 34
        && sid.starts_with("RQ")
        && sid[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && sid[14..22] == shared.tag
}

/// The process is gone: each execution it was running is answered (504 when it ran into the
/// time limit, 502 otherwise) and recorded with why it ended; a connection with a request it
/// never began to read goes back to the listener, to be served as if it had just arrived (by the
/// environment's next process, or with a 404 when its build was taken away); every other one is
/// closed.
async fn finish(shared: &Shared, journal: &Journal, stderr_read: JoinHandle<()>) {
    shared.kill();
    // Only once it has exited is no socket of its read any more. From then on it takes no
    // connection (`Process::adopt` checks under the lock the sockets are taken with below).
    shared.exit().await;
    let has_executions = !lock(&shared.state).in_flight.is_empty();
    if has_executions {
        // Its last words explain the crash.
        let _ = tokio::time::timeout(QUIET, stderr_read).await;
    }
    let (in_flight, mut connections) = {
        let mut state = lock(&shared.state);
        state.waiting.clear();
        (
            std::mem::take(&mut state.in_flight),
            std::mem::take(&mut state.connections),
        )
    };
    let target = lock(&shared.target).clone();
    for (request_sid, entry) in in_flight {
        if entry.function_sid.is_none() {
            // Only lines of it arrived: it died before saying what ran, or where to answer.
            continue;
        }
        let ending = if entry.timed_out {
            Ending::TimedOut(shared.limit)
        } else {
            Ending::Exited(tail(shared))
        };
        let reply = ending.answer();
        let waiting = entry.connection.and_then(|id| connections.remove(&id));
        let sid = request_sid.clone();
        // Queued before the answer leaves, so a Logs read after it finds the execution.
        journal
            .append(execution::record(&target, request_sid, entry, ending))
            .await;
        if let Some(kept) = waiting {
            answer(kept.socket, &reply, Some(&sid));
        }
    }
    for kept in connections.into_values() {
        match unread(&kept.socket) {
            Unread::Nothing => {}
            Unread::Request if kept.accepted => {
                let _ = shared.returns.send(kept.socket);
            }
            _ => answer(kept.socket, &execution::stopped(), None),
        }
    }
}

/// What waits on a socket that its process did not read.
enum Unread {
    Nothing,
    /// The start of a request: the process never read any of it.
    Request,
    /// Anything else: the rest of a request it had begun to read.
    Rest,
}

fn unread(socket: &OwnedFd) -> Unread {
    let mut start = [0; 16];
    let flags = MsgFlags::MSG_PEEK | MsgFlags::MSG_DONTWAIT;
    let Ok(read) = recv(socket.as_raw_fd(), &mut start, flags) else {
        return Unread::Nothing;
    };
    if read == 0 {
        return Unread::Nothing;
    }
    // A request line begins with its method, in capitals, and a space.
    let start = &start[..read];
    let method = start.iter().take_while(|b| b.is_ascii_uppercase()).count();
    match start.get(method) {
        Some(b' ') if method > 0 => Unread::Request,
        _ => Unread::Rest,
    }
}

/// Writes `status` and its text as the connection's last answer. What the client sent and no
/// one read is read first: closing a socket with unread input resets it, and the reset could
/// reach the client before the answer does.
fn answer(socket: OwnedFd, (status, text): &(u16, String), request_sid: Option<&str>) {
    let mut scratch = [0; 16 * 1024];
    for _ in 0..64 {
        match recv(socket.as_raw_fd(), &mut scratch, MsgFlags::MSG_DONTWAIT) {
            Ok(read) if read > 0 => {}
            _ => break,
        }
    }
    let reason = match status {
        504 => "Gateway Timeout",
        _ => "Bad Gateway",
    };
    let sid = request_sid
        .map(|sid| format!("{}: {sid}\r\n", super::live::REQUEST_HEADER))
        .unwrap_or_default();
    let message = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n{sid}\r\n{text}",
        text.len()
    );
    let _ = std::fs::File::from(socket).write_all(message.as_bytes());
}

/// Keeps the last lines of the process's stderr, to explain a crash.
pub(super) async fn keep_tail(stderr: impl AsyncRead + Unpin, shared: Arc<Shared>) {
    let mut lines = Lines::new(stderr);
    while let Ok(Some(line)) = lines.next().await {
        let text = String::from_utf8_lossy(&line).into_owned();
        tracing::debug!(target: "switchboard_emulator::node", "{text}");
        let mut tail = lock(&shared.stderr);
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(text);
    }
}

/// What the process last wrote to stderr.
pub(super) fn tail(shared: &Shared) -> String {
    lock(&shared.stderr)
        .iter()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines of a pipe. Cancel-safe: what was read of a line waits for the next call.
struct Lines<R> {
    reader: BufReader<R>,
    line: Vec<u8>,
    too_long: bool,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    fn new(reader: R) -> Self {
        Lines {
            reader: BufReader::new(reader),
            line: Vec::new(),
            too_long: false,
        }
    }

    /// The next line without its newline; one longer than [`LINE_LIMIT`] comes back empty (it
    /// is no record), its bytes read and dropped. `None` at the end of the stream.
    async fn next(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            // The only wait: nothing is consumed before it returns.
            let available = self.reader.fill_buf().await?;
            if available.is_empty() {
                return Ok(None);
            }
            let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (&available[..at], at + 1, true),
                None => (available, available.len(), false),
            };
            if self.line.len() + chunk.len() > LINE_LIMIT {
                self.too_long = true;
                self.line.clear();
            } else if !self.too_long {
                self.line.extend_from_slice(chunk);
            }
            self.reader.consume(used);
            if done {
                self.too_long = false;
                return Ok(Some(std::mem::take(&mut self.line)));
            }
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

#[cfg(test)]
mod tests;
