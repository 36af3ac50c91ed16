//! The relay's own HTTP/1 connections: accepted under a cap shared by every worker, read under a
//! time limit and a size limit, and with the security headers on the few answers hyper writes by
//! itself.

use axum::body::Body;
use axum::http::{Request, Response};
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How much a client may hold of the relay, whoever it is.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a client may take to send a request's line and headers. hyper starts the same
    /// timer when a keep-alive connection waits for its next request, so this is also how long
    /// an idle connection is kept.
    pub header_timeout: Duration,
    /// Connections served at once, across all workers; more wait in the kernel's queue.
    pub max_connections: usize,
    /// The most bytes of request line and headers hyper buffers for one request (431 beyond).
    pub max_header_bytes: usize,
}

impl Limits {
    /// `--max-connections`, lowered to fit the process's open-file limit: every connection is a
    /// descriptor and may hold a second one upstream, and the relay needs some for its files and
    /// its upstream pool. Without this a flood of connections made `accept` fail with "Too many
    /// open files" while the relay's own upstream calls and file reads failed with it.
    pub fn fitted(header_timeout: Duration, max_connections: usize) -> Limits {
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
            header_timeout,
            max_connections: max_connections.min(fitting),
            max_header_bytes: MAX_HEADER_BYTES,
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
/// closes and the connections finish their calls in flight, then close. A connection is only
/// accepted once `permits` has room for it; `bare_headers` are the security header lines for
/// hyper's own answers (see [`Guarded`]).
pub async fn serve<L, S, B>(
    mut listener: L,
    service: S,
    limits: &Limits,
    permits: Arc<Semaphore>,
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
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size(2 * limits.max_header_bytes);
    let mut stop = std::pin::pin!(stop);
    loop {
        // A permit first: at the cap, connections wait in the kernel's queue instead of each
        // costing a descriptor and buffers here. axum's `accept` backs off for a second when
        // accepting itself fails (out of descriptors), rather than spinning.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit,
            () = stop.as_mut() => break,
        };
        let Ok(permit) = permit else { break };
        let io = tokio::select! {
            (io, _) = listener.accept() => io,
            () = stop.as_mut() => break,
        };
        no_delay(&io);
        let served = Arc::new(AtomicBool::new(false));
        let service = service.clone();
        let called = served.clone();
        let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
            called.store(true, Ordering::Relaxed);
            tower::ServiceExt::oneshot(service.clone(), request.map(Body::new))
        });
        let io = Guarded {
            io: TokioIo::new(io),
            served,
            bare_headers: bare_headers.clone(),
            rewrite: None,
        };
        let connection = graceful.watch(http.serve_connection(io, handler));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::trace!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
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
struct Guarded {
    io: TokioIo<tokio::net::TcpStream>,
    served: Arc<AtomicBool>,
    bare_headers: Arc<[u8]>,
    /// hyper's answer with the headers added, how much of it is written, and the length of what
    /// hyper handed over (reported once the whole rewrite is out).
    rewrite: Option<(Vec<u8>, usize, usize)>,
}

impl Guarded {
    /// Writes what is left of the rewritten answer.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if let Some((bytes, written, _)) = &mut self.rewrite {
            while *written < bytes.len() {
                let n = ready!(Pin::new(&mut self.io).poll_write(cx, &bytes[*written..]))?;
                if n == 0 {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                *written += n;
            }
        }
        Poll::Ready(Ok(()))
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
        Pin::new(&mut this.io).poll_write(cx, buf)
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
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
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
