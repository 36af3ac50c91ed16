//! The emulator's one port: the API of both Twilio hosts, and every live URL.
//!
//! Each accepted connection's first request head is read without being consumed (`MSG_PEEK`).
//! When its Host names a live URL whose code runs, the socket itself goes to the environment's
//! Node process (`runtime/live.rs`), which serves that keep-alive connection with no hop in
//! between, as `twilio-run start` serves its own (docs/PERFORMANCE.md, "Live URLs"). Every
//! other connection is served here by the API's router. A handed connection comes back here
//! when its process was stopped (a new deployment, the time limit, a crash) before it read the
//! request waiting on it: that request is then served as if it had just arrived.

use crate::Emulator;
use crate::runtime::live::{self, Refusal};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// The most of a request head read ahead; a longer one is refused with a 431.
const HEAD_LIMIT: usize = 64 * 1024;
/// Headers read ahead at most (hyper's own default is 100).
const HEADERS: usize = 100;
/// How long a new connection may take to send its first request head.
const HEAD_TIME: Duration = Duration::from_secs(30);
/// The longest pause between looks at a head that comes in pieces.
const LONGEST_PAUSE: Duration = Duration::from_millis(50);

/// Serves `listener` until `shutdown` completes, then stores the log entries still queued.
pub async fn serve(
    emulator: Emulator,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router = emulator.router();
    let mut returned = emulator.runtime().take_returned();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            Some(socket) = async { returned.as_mut()?.recv().await } => live::back(socket),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, most likely: others may close meanwhile.
                    tracing::warn!(%error, "the emulator could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(emulator.clone(), router.clone(), stream));
    }
    emulator.runtime().settle().await;
    Ok(())
}

async fn connection(emulator: Emulator, router: axum::Router, stream: TcpStream) {
    // Small requests and answers: Nagle's delay would hold them back (Node's too, once handed).
    let _ = stream.set_nodelay(true);
    let Some(head) = first_head(&stream).await else {
        return;
    };
    let (stream, refusal) = match head {
        Head::TooLong => (stream, Some(Refusal::head_too_long())),
        Head::Read { host } => match host.as_deref().and_then(live::host_domain) {
            Some(domain) => match live::hand_off(&emulator, domain, stream).await {
                Ok(()) => return,
                Err((stream, refusal)) => (stream, Some(refusal)),
            },
            None => (stream, None),
        },
    };
    let io = TokioIo::new(stream);
    let http = hyper::server::conn::http1::Builder::new();
    let served = match refusal {
        Some(refusal) => {
            let answer =
                move |_| std::future::ready(Ok::<_, std::convert::Infallible>(refusal.response()));
            http.serve_connection(io, hyper::service::service_fn(answer))
                .await
        }
        None => {
            http.serve_connection(io, TowerToHyperService::new(router))
                .await
        }
    };
    if let Err(error) = served {
        tracing::debug!(%error, "an emulator connection ended with an error");
    }
}

/// What the first request head says, read ahead.
enum Head {
    /// Its Host, if it has one. A head that is not HTTP/1 has none here: the router answers it.
    Read {
        host: Option<String>,
    },
    TooLong,
}

/// The connection's first request head, read without consuming it; `None` when the client
/// closed or sent nothing in time.
async fn first_head(stream: &TcpStream) -> Option<Head> {
    let mut buffer = vec![0; HEAD_LIMIT];
    let deadline = Instant::now() + HEAD_TIME;
    let mut pause = Duration::from_millis(1);
    loop {
        let read = tokio::time::timeout_at(deadline, stream.peek(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            return None;
        }
        let mut headers = [httparse::EMPTY_HEADER; HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer[..read]) {
            Ok(httparse::Status::Complete(_)) => {
                let host = request
                    .headers
                    .iter()
                    .find(|header| header.name.eq_ignore_ascii_case("host"))
                    .and_then(|header| std::str::from_utf8(header.value).ok())
                    .map(str::to_owned);
                return Some(Head::Read { host });
            }
            Ok(httparse::Status::Partial) if read < HEAD_LIMIT => {}
            Ok(httparse::Status::Partial) => return Some(Head::TooLong),
            _ => return Some(Head::Read { host: None }),
        }
        // A peek returns at once while what has arrived is still the same partial head.
        tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
        if Instant::now() >= deadline {
            return None;
        }
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}
