//! Stopping the relay (SIGTERM, as systemd or `docker stop` do) lets the calls in flight finish:
//! the real binary is stopped while a call waits on its upstream.

mod common;

use common::{fake_upstream, spawn_relay};
use std::time::Duration;

#[tokio::test]
async fn sigterm_lets_calls_in_flight_finish_then_exits() {
    let upstream = fake_upstream().await;
    let serverless = format!("http://{}", upstream.address);
    let relay = spawn_relay(
        &["--serverless-url", &serverless],
        &[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
            ("TWILIO_AUTH_TOKEN", "shutdown-test-token"),
        ],
    )
    .await;
    let url = relay.url("/api/serverless/v1/Services/lingering");
    let in_flight = tokio::spawn(async move { reqwest::get(url).await });
    // The call has reached the upstream, which answers 0.8 s later.
    let mut reached = false;
    for _ in 0..200 {
        if upstream
            .take()
            .iter()
            .any(|c| c.path_and_query == "/v1/Services/lingering")
        {
            reached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(reached, "the call never reached the upstream");

    let address = relay.address;
    let mut child = relay.child;
    terminate(&child).await;
    // While the call finishes, the port is already closed: a new connection is refused rather
    // than accepted by nobody, and a replacement relay could bind it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !in_flight.is_finished(),
        "the upstream answers only after 0.8 s"
    );
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "still accepting connections while shutting down"
    );

    let response = in_flight.await.expect("task").expect("the call in flight");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["sid"], "lingering");

    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the relay exits once its calls are done")
        .expect("wait");
    assert!(status.success(), "exit status {status}");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "still listening after exit"
    );
}

/// A client that reads a large file slowly but steadily kept the relay from exiting after
/// SIGTERM until the whole file was sent (minutes here): the drain had no bound. Now the
/// connections still open after `--upstream-timeout` plus `--client-timeout` are closed.
#[tokio::test]
async fn sigterm_does_not_wait_for_ever_on_a_slow_reader() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let relay = spawn_relay(&["--upstream-timeout", "1s", "--client-timeout", "5s"], &[]).await;
    relay.dist.sparse_file("large.bin", 256 << 20);
    let mut stream = tokio::net::TcpStream::connect(relay.address).await.unwrap();
    stream
        .write_all(b"GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut chunk = vec![0u8; 64 * 1024];
    let n = stream.read(&mut chunk).await.unwrap();
    assert!(chunk[..n].starts_with(b"HTTP/1.1 200"));
    // About 1 MB/s, steadily enough that the relay's writes keep making progress: the 256 MB
    // would take minutes. Bounded: at most 10 000 reads.
    let reader = tokio::spawn(async move {
        for _ in 0..10_000 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if matches!(stream.read(&mut chunk).await, Ok(0) | Err(_)) {
                break;
            }
        }
    });

    let mut child = relay.child;
    terminate(&child).await;
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the relay exits while a slow reader is still reading")
        .expect("wait");
    assert!(status.success(), "exit status {status}");
    reader.abort();
}

/// Sends SIGTERM to the relay, as a service manager stops it.
async fn terminate(child: &tokio::process::Child) {
    let pid = child.id().expect("running").to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill");
    assert!(killed.success());
}
