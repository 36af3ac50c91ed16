//! The relay's own connections under abuse: slow or idle clients, too many connections, oversized
//! and malformed requests. The real binary, over loopback sockets; every loop is bounded.

mod common;

use common::{
    fake_upstream, header_of, raw_exchange, spawn_relay, spawn_relay_with_open_files, status_of,
};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Whether the relay closes `stream` within `within` (EOF or a reset), reading whatever it sends.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut sink = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut sink))
        .await
        .is_ok()
}

/// Partial request lines, partial headers and idle keep-alive connections stayed open for good.
#[tokio::test]
async fn slow_and_idle_connections_are_closed_after_the_client_timeout() {
    let relay = spawn_relay(&["--client-timeout", "1s"], &[]).await;
    let mut partial_line = TcpStream::connect(relay.address).await.unwrap();
    partial_line.write_all(b"GET /api/hea").await.unwrap();
    let mut partial_headers = TcpStream::connect(relay.address).await.unwrap();
    partial_headers
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(relay.address).await.unwrap();
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 512];
    let n = idle.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let mut silent = TcpStream::connect(relay.address).await.unwrap();

    let started = Instant::now();
    for (name, stream) in [
        ("partial request line", &mut partial_line),
        ("partial headers", &mut partial_headers),
        ("idle keep-alive", &mut idle),
        ("silent", &mut silent),
    ] {
        assert!(
            closed_within(stream, Duration::from_secs(6)).await,
            "the {name} connection was still open after {:?}",
            started.elapsed()
        );
    }
    relay.stop().await;
}

/// Request line and headers are bounded: 200 connections holding 350 KB of partial headers each
/// used to cost 52 MB. Beyond 32 KB the relay answers 431, with its security headers.
#[tokio::test]
async fn oversized_headers_are_a_431_with_the_security_headers() {
    let relay = spawn_relay(&[], &[]).await;
    let big = "a".repeat(40 * 1024);
    let request = format!("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n");
    let answer = raw_exchange(relay.address, request.as_bytes()).await;
    assert_eq!(status_of(&answer), 431, "{answer}");
    assert!(
        header_of(&answer, "content-security-policy")
            .is_some_and(|csp| csp.contains("frame-ancestors 'none'")),
        "{answer}"
    );
    // 20 KB of headers is still a request.
    let fair = "a".repeat(20 * 1024);
    let request = format!(
        "GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Fair: {fair}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(
        status_of(&raw_exchange(relay.address, request.as_bytes()).await),
        200
    );
    relay.stop().await;
}

/// hyper answers malformed requests by itself, before the relay's service runs; those answers
/// carried no CSP or other security header.
#[tokio::test]
async fn hypers_own_answers_carry_the_security_headers() {
    let relay = spawn_relay(&[], &[]).await;
    for request in [
        &b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n"[..],
        b"G\x01T / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n",
    ] {
        let answer = raw_exchange(relay.address, request).await;
        let shown = String::from_utf8_lossy(request);
        assert_eq!(status_of(&answer), 400, "{shown}: {answer}");
        for header in [
            "content-security-policy",
            "x-content-type-options",
            "x-frame-options",
            "referrer-policy",
        ] {
            assert!(
                header_of(&answer, header).is_some(),
                "{shown}: no {header} in {answer}"
            );
        }
    }
    // Still serving, and the relay's own answers are untouched.
    let answer = raw_exchange(
        relay.address,
        b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&answer), 200);
    assert_eq!(
        answer.matches("content-security-policy").count(),
        1,
        "{answer}"
    );
    relay.stop().await;
}

/// `GET evil.example:80 HTTP/1.1` (a CONNECT-style target) was a 500 with an ERROR log line.
#[tokio::test]
async fn an_authority_form_target_is_a_400_without_an_error_log() {
    let relay = spawn_relay(&[], &[]).await;
    for target in ["evil.example:80", "localhost:8080", "*"] {
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let answer = raw_exchange(relay.address, request.as_bytes()).await;
        assert_eq!(status_of(&answer), 400, "{target}: {answer}");
    }
    let printed = relay.stop().await;
    assert!(!printed.contains("ERROR"), "{printed}");
}

/// At the connection cap with every connection busy (a call in flight), a further connection
/// waits its turn instead of costing the relay more descriptors and buffers: it is answered only
/// once a call ends, which is not before the upstream timeout.
#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let upstream = fake_upstream().await;
    let serverless = format!("http://{}", upstream.address);
    let relay = spawn_relay(
        &[
            "--max-connections",
            "4",
            "--upstream-timeout",
            "3s",
            "--serverless-url",
            &serverless,
        ],
        &[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
            ("TWILIO_AUTH_TOKEN", "connection-cap-token"),
        ],
    )
    .await;
    let sent = Instant::now();
    let mut busy = Vec::new();
    for _ in 0..4 {
        let url = relay.url("/api/serverless/v1/Services/slow");
        busy.push(tokio::spawn(async move { reqwest::get(url).await }));
    }
    // All four calls are with the upstream (which takes 10 s; the relay gives up at 3 s).
    upstream
        .wait_for(4, "the calls never all reached the upstream")
        .await;
    let answer = raw_exchange(
        relay.address,
        b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    let waited = sent.elapsed();
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(
        waited >= Duration::from_secs(3),
        "answered {waited:?} after 4 calls that hold a cap of 4 for 3 s"
    );
    for call in busy {
        assert_eq!(call.await.unwrap().unwrap().status(), 504);
    }
    relay.stop().await;
}

/// The median time of `n` `/api/health` calls, each on a new connection.
async fn health_latency(address: std::net::SocketAddr, n: usize) -> Duration {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let answer = raw_exchange(
            address,
            b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(status_of(&answer), 200, "{answer}");
        times.push(started.elapsed());
    }
    times.sort();
    times[n / 2]
}

/// Slowloris at the connection cap: 200 connections dribbling their headers, against a cap of
/// 16 and a 60 s client timeout. `/api/health` waited for the client timeout behind them; now
/// the connections still reading a request's head (or idle) are closed, the longest-waiting
/// first, to make room, so it answers as usual. The bound is a third of the client timeout,
/// far from both the usual milliseconds and the old wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_at_the_cap_does_not_lock_the_relay_out() {
    let client_timeout = Duration::from_secs(60);
    let relay = spawn_relay(
        &["--max-connections", "16", "--client-timeout", "60s"],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(relay.address).await.unwrap();
        // The relay may already have closed it to make room for the next.
        let _ = stream
            .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
            .await;
        slow.push(stream);
    }
    // Keep dribbling a header byte on each, three rounds, measuring between them.
    let mut during = Vec::new();
    for _ in 0..3 {
        for stream in &mut slow {
            let _ = stream.write_all(b"X").await;
        }
        during.push(health_latency(relay.address, 5).await);
    }
    during.sort();
    let median = during[1];
    assert!(
        median <= client_timeout / 3,
        "/api/health took {median:?} beside 200 slow clients at a cap of 16"
    );
    drop(slow);
    relay.stop().await;
}

/// Clients that ask for a large file and never read it held their connections for good: hyper
/// has no write timeout, and the relay's own timer only covers reading a request. Two of them
/// locked a relay with `--max-connections 2` out. Now a write that makes no progress for the
/// client timeout ends the connection.
#[tokio::test]
async fn clients_that_never_read_cannot_hold_the_connection_slots() {
    let relay = spawn_relay(&["--max-connections", "2", "--client-timeout", "1s"], &[]).await;
    relay.dist.sparse_file("large.bin", 32 << 20);
    let mut stuck = Vec::new();
    for _ in 0..2 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        // A small window, so the relay's writes block soon.
        socket.set_recv_buffer_size(4096).unwrap();
        let mut stream = socket.connect(relay.address).await.unwrap();
        stream
            .write_all(b"GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        // The answer has started (so the relay holds the connection), and is then left unread.
        let mut head = [0u8; 16];
        stream.read_exact(&mut head).await.unwrap();
        assert!(head.starts_with(b"HTTP/1.1 200"), "{head:?}");
        stuck.push(stream);
    }
    let answer = raw_exchange(
        relay.address,
        b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    for stream in &mut stuck {
        assert!(
            closed_within(stream, Duration::from_secs(30)).await,
            "a client that never reads was still connected"
        );
    }
    relay.stop().await;
}

/// With `ulimit -n 256`, 260 idle connections made `/api/health` time out, with `accept error:
/// Too many open files` in the log. The cap now fits the limit (96 connections here), so the
/// relay never runs out of descriptors, and idle connections make room for new ones.
#[tokio::test]
async fn a_connection_flood_under_a_low_open_file_limit_does_not_starve_the_relay() {
    let relay = spawn_relay_with_open_files(256, &["--client-timeout", "1s"], &[]).await;
    let mut idle = Vec::new();
    for _ in 0..260 {
        idle.push(TcpStream::connect(relay.address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Behind the 260: served once the idle ones ahead of it are closed to make room.
    let answer = raw_exchange(
        relay.address,
        b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    drop(idle);
    let printed = relay.stop().await;
    assert!(!printed.contains("Too many open files"), "{printed}");
    assert!(
        printed.contains("serving at most 96 connections"),
        "{printed}"
    );
}

/// 200 connections holding 350 KB of unfinished headers each added 52 MB to the relay. Now a
/// head stops at 32 KB (a 431, and the connection closes), so they cannot pile up memory.
#[tokio::test]
async fn unfinished_headers_cannot_pile_up_memory() {
    let relay = spawn_relay(&[], &[("RUST_LOG", "warn")]).await;
    assert_eq!(
        status_of(
            &raw_exchange(
                relay.address,
                b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .await
        ),
        200
    );
    let before = relay.memory_kb("VmRSS");
    let line = format!("X-Pad: {}\r\n", "a".repeat(1000));
    let mut streams = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(relay.address).await.unwrap();
        stream
            .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .unwrap();
        streams.push(Some(stream));
    }
    // 350 header lines of 1 KB on each, round by round, never ending the head. A connection the
    // relay closed is dropped from the rounds.
    for _ in 0..350 {
        for slot in &mut streams {
            if let Some(stream) = slot
                && stream.write_all(line.as_bytes()).await.is_err()
            {
                *slot = None;
            }
        }
    }
    let grown = relay.memory_kb("VmRSS").saturating_sub(before);
    assert!(
        grown < 24 * 1024,
        "200 connections with unfinished headers grew the relay by {grown} kB"
    );
    relay.stop().await;
}
