//! The connection slots: the cap on connections served at once, and which waiting connection
//! is closed to make room at it.

use hyper::body::{Frame, SizeHint};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, TryAcquireError, oneshot};

/// The connection slots shared by every worker: a semaphore for the cap, and the connections
/// waiting for a request (still reading its head, or idle between requests), longest-waiting
/// first. At the cap, such a connection is closed to make room for a new one: otherwise slow or
/// idle clients held every slot, and `/api/health` waited behind them for the whole client
/// timeout. A connection with a call in flight is never closed for this. The lock is taken twice
/// per request and is almost never contended; it wakes no other thread.
pub struct Slots {
    permits: Arc<Semaphore>,
    waiting: Mutex<Waiting>,
    /// Woken when a connection starts waiting, for an accept loop that found none to close.
    started_waiting: Notify,
}

#[derive(Default)]
struct Waiting {
    next: u64,
    by_age: BTreeMap<u64, Arc<Slot>>,
}

/// One connection's place among the waiting ones.
#[derive(Default)]
pub(super) struct Slot {
    /// Its key in `Waiting::by_age`, 0 when it is not waiting (always changed under the lock).
    key: AtomicU64,
    /// Chosen to be closed: its next request must not start.
    shed: AtomicBool,
    pub(super) close: Notify,
    /// Where its permit goes once it is closed: to the accept loop that closed it, which another
    /// waiting for a permit could otherwise take first, leaving that loop with none.
    handoff: Mutex<Option<oneshot::Sender<OwnedSemaphorePermit>>>,
}

impl Slots {
    pub fn new(max_connections: usize) -> Slots {
        Slots {
            permits: Arc::new(Semaphore::new(max_connections)),
            waiting: Mutex::new(Waiting {
                next: 1,
                by_age: BTreeMap::new(),
            }),
            started_waiting: Notify::new(),
        }
    }

    /// A permit for one more connection: a free one, or the one the longest-waiting connection
    /// hands over once it is closed, or the next one any connection gives back. None once the
    /// semaphore is closed.
    pub(super) async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        loop {
            let started_waiting = self.started_waiting.notified();
            let mut started_waiting = std::pin::pin!(started_waiting);
            started_waiting.as_mut().enable();
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => return Some(permit),
                Err(TryAcquireError::Closed) => return None,
                Err(TryAcquireError::NoPermits) => {}
            }
            if let Some(handoff) = self.shed_oldest() {
                match handoff.await {
                    Ok(permit) => return Some(permit),
                    // Its task was dropped with its runtime: look again.
                    Err(_) => continue,
                }
            }
            tokio::select! {
                permit = self.permits.clone().acquire_owned() => return permit.ok(),
                () = started_waiting => {}
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        // The lock guards plain bookkeeping; a panic elsewhere cannot leave it half-changed.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The connection now waits for a request.
    pub(super) fn wait(&self, slot: &Arc<Slot>) {
        {
            let mut waiting = self.lock();
            if slot.shed.load(Ordering::Relaxed) || slot.key.load(Ordering::Relaxed) != 0 {
                return;
            }
            let key = waiting.next;
            waiting.next += 1;
            slot.key.store(key, Ordering::Relaxed);
            waiting.by_age.insert(key, slot.clone());
        }
        self.started_waiting.notify_waiters();
    }

    /// The connection no longer waits: it has a request to serve, or it is gone. False if it was
    /// chosen to be closed; under the lock, so a connection is either closed before its request
    /// starts or not at all.
    pub(super) fn stop_waiting(&self, slot: &Slot) -> bool {
        let mut waiting = self.lock();
        let key = slot.key.swap(0, Ordering::Relaxed);
        if key != 0 {
            waiting.by_age.remove(&key);
        }
        !slot.shed.load(Ordering::Relaxed)
    }

    /// Closes the connection that has waited longest for a request, if any, for its permit.
    fn shed_oldest(&self) -> Option<oneshot::Receiver<OwnedSemaphorePermit>> {
        let mut waiting = self.lock();
        let (_, slot) = waiting.by_age.pop_first()?;
        slot.key.store(0, Ordering::Relaxed);
        slot.shed.store(true, Ordering::Relaxed);
        // Under the lock: a connection that ends now passes `stop_waiting` after this, so its
        // `release` finds the sender.
        let (sender, receiver) = oneshot::channel();
        *slot.handoff.lock().unwrap_or_else(|e| e.into_inner()) = Some(sender);
        drop(waiting);
        slot.close.notify_one();
        Some(receiver)
    }

    /// A connection's permit, once it is gone: to the accept loop that closed it, if one did.
    pub(super) fn release(&self, slot: &Slot, permit: OwnedSemaphorePermit) {
        let handoff = slot
            .handoff
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(sender) = handoff {
            // If that loop has stopped, the permit drops here, back to the semaphore.
            let _ = sender.send(permit);
        }
    }
}

/// Puts the connection back among the waiting ones when its answer is done (or dropped).
pub(super) struct Rewait {
    pub(super) slots: Arc<Slots>,
    pub(super) slot: Arc<Slot>,
}

impl Drop for Rewait {
    fn drop(&mut self) {
        self.slots.wait(&self.slot);
    }
}

pin_project_lite::pin_project! {
    /// An answer's body, which marks its connection as waiting again once hyper is done with it.
    pub(super) struct Tracked<B> {
        #[pin]
        pub(super) body: B,
        pub(super) _rewait: Rewait,
    }
}

impl<B: hyper::body::Body> hyper::body::Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        self.project().body.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
