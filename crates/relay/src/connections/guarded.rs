//! A connection's socket as hyper sees it: the security headers added to hyper's own answers,
//! and a write timeout.

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::time::Sleep;

/// A connection's socket, which adds the security headers to what hyper answers by itself (400
/// for a malformed request, 414, 431) before the relay's service ever ran: such an answer is all
/// hyper can have written at that point, so it is the only thing rewritten. Once the service has
/// been called, every write passes through untouched; a malformed request later on the same
/// keep-alive connection gets hyper's bare, empty answer (see docs/SECURITY.md).
///
/// It also ends the connection when a write makes no progress for the write timeout: hyper has
/// no write timeout, so a client that asked for a large file and never read it held its
/// connection (and its slot) for good.
pub(super) struct Guarded {
    pub(super) io: TokioIo<tokio::net::TcpStream>,
    pub(super) served: Arc<AtomicBool>,
    pub(super) bare_headers: Arc<[u8]>,
    /// hyper's answer with the headers added, how much of it is written, and the length of what
    /// hyper handed over (reported once the whole rewrite is out).
    pub(super) rewrite: Option<(Vec<u8>, usize, usize)>,
    pub(super) write_timeout: Duration,
    /// Set while a write waits for the client to read; made once, then reset.
    pub(super) stall: Option<(Pin<Box<Sleep>>, bool)>,
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
