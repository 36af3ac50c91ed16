//! The relay's own HTTP/1 connections: accepted under a cap shared by every worker, read and
//! written under a time limit, read under a size limit, and with the security headers on the few
//! answers hyper writes by itself.

use axum::body::Body;
use axum::http::{Request, Response};
use axum::serve::Listener;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, TryAcquireError, oneshot};
use tokio::time::Sleep;

/// How much a client may hold of the relay, whoever it is.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a client may take to send a request's line and headers, and how long a write to
    /// it may wait for it to read. hyper starts the header timer when a keep-alive connection
    /// waits for its next request too, so this is also how long an idle connection is kept.
    pub client_timeout: Duration,
    /// Connections served at once, across all workers; more wait their turn (see [`Slots`]).
    pub max_connections: usize,
    /// The most bytes of request line and headers hyper buffers for one request (431 beyond).
    pub max_header_bytes: usize,
    /// How long a shutdown waits for the connections still open before closing them.
    pub drain_timeout: Duration,
}

impl Limits {
    /// `--max-connections`, lowered to fit the process's open-file limit: every connection is a
    /// descriptor and may hold a second one upstream, and the relay needs some for its files and
    /// its upstream pool. Without this a flood of connections made `accept` fail with "Too many
    /// open files" while the relay's own upstream calls and file reads failed with it.
    ///
    /// A shutdown drains for `upstream_timeout` plus `client_timeout`: long enough for any call
    /// in flight to end (the upstream timeout bounds it) and for its answer to be written out.
    /// Without a bound, a client reading a large file slowly held the process up for minutes.
    pub fn fitted(
        client_timeout: Duration,
        upstream_timeout: Duration,
        max_connections: usize,
    ) -> Limits {
        let fitting = open_file_limit()
            .map(|files| (files.saturating_sub(64) / 2).max(16))
            .unwrap_or(usize::MAX);
        if fitting < max_connections {
            tracing::warn!(
                "serving at most {fitting} connections at once, not {max_connections}: the open \
                 file limit (ulimit -n) is too low for more"
            );
        }
        Limits {
            client_timeout,
            max_connections: max_connections.min(fitting),
            max_header_bytes: MAX_HEADER_BYTES,
            drain_timeout: upstream_timeout + client_timeout,
        }
    }
}

/// Request line and headers: 32 KB is nginx's default ceiling too (4 × 8 KB) and leaves room for
/// the cookies other local tools set on `localhost`; hyper's own default is about 400 KB.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The soft open-file limit, from `/proc/self/limits` (reading it needs no unsafe code).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.strip_prefix("Max open files")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Serves HTTP/1 connections from `listener` with hyper's connection driver, the way
/// `axum::serve` does, minus its per-request adapters (issue 9); after `stop`, the listener
/// closes and the connections finish their calls in flight (for at most the drain timeout), then
/// close. A connection is served once `slots` has room for it; `bare_headers` are the security
/// header lines for hyper's own answers (see [`Guarded`]).
pub async fn serve<L, S, B>(
    mut listener: L,
    service: S,
    limits: &Limits,
    slots: Arc<Slots>,
    bare_headers: Arc<[u8]>,
    stop: impl Future<Output = ()>,
) where
    L: Listener<Io = tokio::net::TcpStream>,
    S: tower::Service<axum::extract::Request, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    // The header limit applies to a whole head even when it arrived in one read; the buffer
    // limit bounds what a connection holds in reading anything (hyper's default is ~400 KB).
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.client_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size(2 * limits.max_header_bytes);
    let mut stop = std::pin::pin!(stop);
    loop {
        // axum's `accept` backs off for a second when accepting itself fails (out of
        // descriptors), rather than spinning.
        let io = tokio::select! {
            (io, _) = listener.accept() => io,
            () = stop.as_mut() => break,
        };
        // At the cap, this one connection waits here, and any more in the kernel's queue, until
        // a slot is free or one is made (see `Slots::admit`).
        let permit = tokio::select! {
            permit = slots.admit() => permit,
            () = stop.as_mut() => break,
        };
        let Some(permit) = permit else { break };
        no_delay(&io);
        let slot = Arc::new(Slot::default());
        slots.wait(&slot);
        let served = Arc::new(AtomicBool::new(false));
        let (service, called, for_handler) = (service.clone(), served.clone(), slots.clone());
        let handler_slot = slot.clone();
        let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
            called.store(true, Ordering::Relaxed);
            let admitted = for_handler.stop_waiting(&handler_slot);
            let service = service.clone();
            let rewait = Rewait {
                slots: for_handler.clone(),
                slot: handler_slot.clone(),
            };
            async move {
                if !admitted {
                    // Closed to make room a moment ago: the connection is being dropped, and the
                    // request must not start anything meanwhile.
                    std::future::pending::<()>().await;
                }
                let Ok(response) =
                    tower::ServiceExt::oneshot(service, request.map(Body::new)).await;
                Ok::<_, Infallible>(response.map(|body| Tracked {
                    body,
                    _rewait: rewait,
                }))
            }
        });
        let io = Guarded {
            io: TokioIo::new(io),
            served,
            bare_headers: bare_headers.clone(),
            rewrite: None,
            write_timeout: limits.client_timeout,
            stall: None,
        };
        let connection = graceful.watch(http.serve_connection(io, handler));
        let slots = slots.clone();
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => {
                    if let Err(error) = ended {
                        tracing::trace!(%error, "connection ended with an error");
                    }
                }
                () = slot.close.notified() => {
                    tracing::debug!("closed a connection waiting for a request, to make room");
                }
            }
            // After the connection (and the answer it held) is gone.
            slots.stop_waiting(&slot);
            slots.release(&slot, permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.drain_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "closing the connections still open {:?} after the shutdown began",
            limits.drain_timeout
        );
    }
}

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
struct Slot {
    /// Its key in `Waiting::by_age`, 0 when it is not waiting (always changed under the lock).
    key: AtomicU64,
    /// Chosen to be closed: its next request must not start.
    shed: AtomicBool,
    close: Notify,
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
    async fn admit(&self) -> Option<OwnedSemaphorePermit> {
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
    fn wait(&self, slot: &Arc<Slot>) {
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
    fn stop_waiting(&self, slot: &Slot) -> bool {
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
    fn release(&self, slot: &Slot, permit: OwnedSemaphorePermit) {
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
struct Rewait {
    slots: Arc<Slots>,
    slot: Arc<Slot>,
}

impl Drop for Rewait {
    fn drop(&mut self) {
        self.slots.wait(&self.slot);
    }
}

pin_project_lite::pin_project! {
    /// An answer's body, which marks its connection as waiting again once hyper is done with it.
    struct Tracked<B> {
        #[pin]
        body: B,
        _rewait: Rewait,
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

/// Answers are written in one go; Nagle's algorithm would only hold back the last segment of a
/// streamed one until the browser's delayed ACK.
fn no_delay(stream: &tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY not set");
    }
}

/// A connection's socket, which adds the security headers to what hyper answers by itself (400
/// for a malformed request, 414, 431) before the relay's service ever ran: such an answer is all
/// hyper can have written at that point, so it is the only thing rewritten. Once the service has
/// been called, every write passes through untouched; a malformed request later on the same
/// keep-alive connection gets hyper's bare, empty answer (see docs/SECURITY.md).
///
/// It also ends the connection when a write makes no progress for the write timeout: hyper has
/// no write timeout, so a client that asked for a large file and never read it held its
/// connection (and its slot) for good.
struct Guarded {
    io: TokioIo<tokio::net::TcpStream>,
    served: Arc<AtomicBool>,
    bare_headers: Arc<[u8]>,
    /// hyper's answer with the headers added, how much of it is written, and the length of what
    /// hyper handed over (reported once the whole rewrite is out).
    rewrite: Option<(Vec<u8>, usize, usize)>,
    write_timeout: Duration,
    /// Set while a write waits for the client to read; made once, then reset.
    stall: Option<(Pin<Box<Sleep>>, bool)>,
}

impl Guarded {
    /// Writes what is left of the rewritten answer.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if let Some((bytes, written, _)) = &mut self.rewrite {
            while *written < bytes.len() {
                let polled = Pin::new(&mut self.io).poll_write(cx, &bytes[*written..]);
                let n = ready!(stalled(&mut self.stall, self.write_timeout, cx, polled))?;
                if n == 0 {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                *written += n;
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// `polled`, a write's outcome, or an error once writes have been pending for `timeout` without
/// a break. The timer is armed at the first pending write and disarmed by any progress.
fn stalled<T>(
    stall: &mut Option<(Pin<Box<Sleep>>, bool)>,
    timeout: Duration,
    cx: &mut Context<'_>,
    polled: Poll<std::io::Result<T>>,
) -> Poll<std::io::Result<T>> {
    if polled.is_ready() {
        if let Some((_, armed)) = stall {
            *armed = false;
        }
        return polled;
    }
    let deadline = tokio::time::Instant::now() + timeout;
    let (sleep, armed) =
        stall.get_or_insert_with(|| (Box::pin(tokio::time::sleep_until(deadline)), true));
    if !*armed {
        sleep.as_mut().reset(deadline);
        *armed = true;
    }
    match sleep.as_mut().poll(cx) {
        Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the client read nothing for the client timeout",
        ))),
        Poll::Pending => Poll::Pending,
    }
}

impl Read for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.rewrite.is_none() && !this.served.load(Ordering::Relaxed) {
            // hyper's head: the status line, its own headers, a blank line (no body).
            if let Some(line_end) = buf.windows(2).position(|w| w == b"\r\n")
                && buf.starts_with(b"HTTP/1.")
            {
                let mut bytes = Vec::with_capacity(buf.len() + this.bare_headers.len());
                bytes.extend_from_slice(&buf[..line_end + 2]);
                bytes.extend_from_slice(&this.bare_headers);
                bytes.extend_from_slice(&buf[line_end + 2..]);
                this.rewrite = Some((bytes, 0, buf.len()));
            }
        }
        if this.rewrite.is_some() {
            ready!(this.drive(cx))?;
            let original = this.rewrite.take().map_or(0, |(_, _, original)| original);
            return Poll::Ready(Ok(original));
        }
        let polled = Pin::new(&mut this.io).poll_write(cx, buf);
        stalled(&mut this.stall, this.write_timeout, cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.rewrite.is_some() || !this.served.load(Ordering::Relaxed) {
            // Before the service ran there is only hyper's head, in the first buffer.
            let first = bufs
                .iter()
                .find(|b| !b.is_empty())
                .map_or(&[][..], |b| &b[..]);
            return Pin::new(this).poll_write(cx, first);
        }
        let polled = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        stalled(&mut this.stall, this.write_timeout, cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
