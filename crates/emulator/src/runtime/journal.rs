//! Executions' log entries, written in batches by one task, off the path of the answer.
//!
//! An execution hands its entries over before it answers, and readers of the Logs
//! ([`Journal::flush`]) wait for everything handed over before they read: a Logs read after an
//! answer still finds that execution's lines, while concurrent executions share one
//! transaction instead of each waiting for its own.

use crate::store::logs::{self, NewLog};
use crate::store::{Store, claim_sid};
use tokio::sync::{mpsc, oneshot};

/// Executions waiting to be written before new ones wait for room.
const QUEUED: usize = 1024;
/// Executions written in one transaction at most.
const BATCH: usize = 256;

/// One execution's entries, in order, each with when it was printed (Unix seconds).
pub struct Execution {
    pub account_sid: String,
    pub request_sid: String,
    pub entries: Vec<(NewLog, i64)>,
}

enum Work {
    Write(Execution),
    Flush(oneshot::Sender<()>),
}

pub struct Journal {
    queue: mpsc::Sender<Work>,
}

impl Journal {
    /// Starts the writer; it stops once the journal is dropped and the queue is written.
    pub fn start(store: &Store) -> Journal {
        let (queue, work) = mpsc::channel(QUEUED);
        tokio::spawn(write(work, store.clone()));
        Journal { queue }
    }

    pub async fn record(&self, execution: Execution) {
        if self.queue.send(Work::Write(execution)).await.is_err() {
            tracing::error!("an execution's log entries came after the emulator stopped");
        }
    }

    /// Waits until every execution recorded so far is stored.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Work::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

async fn write(mut work: mpsc::Receiver<Work>, store: Store) {
    let mut taken = Vec::with_capacity(BATCH);
    while work.recv_many(&mut taken, BATCH).await > 0 {
        let mut executions = Vec::new();
        let mut flushes = Vec::new();
        for item in taken.drain(..) {
            match item {
                Work::Write(execution) => executions.push(execution),
                Work::Flush(done) => flushes.push(done),
            }
        }
        if !executions.is_empty() {
            let written = store
                .append(move |db| {
                    for execution in executions {
                        let first = execution.entries.first().map_or(0, |entry| entry.1);
                        let account = &execution.account_sid;
                        if claim_sid(db, &execution.request_sid, account, first)?.is_none() {
                            tracing::warn!(
                                sid = execution.request_sid,
                                "a request SID was issued twice"
                            );
                        }
                        for (entry, at) in execution.entries {
                            logs::append(db, account, entry, at)?;
                        }
                    }
                    Ok(())
                })
                .await;
            if let Err(error) = written {
                tracing::error!(%error, "executions' log entries could not be stored");
            }
        }
        // Only now: each flush came after the executions written above.
        for done in flushes {
            let _ = done.send(());
        }
    }
}
