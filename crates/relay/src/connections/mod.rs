//! The relay's own HTTP/1 connections: accepted under a cap shared by every worker, read and
//! written under a time limit, read under a size limit, and with the security headers on the few
//! answers hyper writes by itself.

mod guarded;
mod slots;

pub use slots::Slots;

use axum::body::Body;
use axum::http::{Request, Response};
use axum::serve::Listener;
use guarded::Guarded;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use slots::{Rewait, Slot, Tracked};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// Answers are written in one go; Nagle's algorithm would only hold back the last segment of a
/// streamed one until the browser's delayed ACK.
fn no_delay(stream: &tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY not set");
    }
}
