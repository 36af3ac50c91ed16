//! An upstream answer's body held to the call's deadline (`proxy.rs`).

use axum::body::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use tokio::time::{Instant, Sleep};

/// The upstream's answer, held to the same deadline as the call: a body that stalls past it ends
/// in an error (the client sees the connection cut) instead of holding a worker forever. The
/// timer is only armed once the body has to wait, so a small answer that is already in hand
/// costs no timer at all.
pub struct Deadline {
    body: Incoming,
    deadline: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl Deadline {
    pub fn new(body: Incoming, deadline: Instant) -> Deadline {
        Deadline {
            body,
            deadline,
            timer: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the upstream's answer did not finish in time")]
struct BodyTimedOut;

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimedOut.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
