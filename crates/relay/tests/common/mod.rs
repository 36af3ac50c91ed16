//! Test harness: a relay on a loopback port in front of a fake upstream that records every call
//! and misbehaves on request, and a throwaway `dist/`.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard::connections::{self, Limits, Slots};
use switchboard::upstream::{UpstreamAuth, UpstreamKind};
use switchboard::{AppState, RelayConfig, Upstream};

pub const UPSTREAM_ACCOUNT: &str = "AC00000000000000000000000000000001";
pub const UPSTREAM_PASSWORD: &str = "upstream-secret-password-123";
pub const UPSTREAM_BASIC_B64: &str =
    "QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTp1cHN0cmVhbS1zZWNyZXQtcGFzc3dvcmQtMTIz";
pub const UPSTREAM_BASIC: &str =
    "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTp1cHN0cmVhbS1zZWNyZXQtcGFzc3dvcmQtMTIz";

/// What the fake upstream saw of one call.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub authorization: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
}

pub struct FakeUpstream {
    pub address: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeUpstream {
    /// An address where nothing listens.
    pub fn unreachable(address: SocketAddr) -> FakeUpstream {
        FakeUpstream {
            address,
            seen: Arc::default(),
        }
    }

    pub fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }

    /// Waits (30 s at most) until `calls` calls have reached the upstream since the last `take`,
    /// and takes them; fails the test with `what` if they never do.
    pub async fn wait_for(&self, calls: usize, what: &str) -> Vec<Seen> {
        let mut reached = Vec::new();
        for _ in 0..3000 {
            reached.extend(self.take());
            if reached.len() >= calls {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(reached.len(), calls, "{what}");
        reached
    }
}

/// Behaviour by path: `slow` sleeps past any test timeout, `lingering` answers after 0.8 s, `ratelimited` answers 429 with
/// Retry-After, `broken` answers 500, `hangup` cuts its body short, `stall` sends the start of its
/// body and then nothing; anything else is a 200.
pub async fn fake_upstream() -> FakeUpstream {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let record = seen.clone();
    let router = Router::new().fallback(move |request: Request| {
        let record = record.clone();
        async move { misbehave(record, request).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    FakeUpstream { address, seen }
}

async fn misbehave(record: Arc<Mutex<Vec<Seen>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    record.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        authorization: parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body_len: body.len(),
    });
    let twilio = |status: u16, code: u32, message: &str| serde_json::json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status});
    match path.as_str() {
        "/v1/Services/slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            StatusCode::OK.into_response()
        }
        "/v1/Services/lingering" => {
            tokio::time::sleep(Duration::from_millis(800)).await;
            axum::Json(serde_json::json!({ "sid": "lingering" })).into_response()
        }
        "/v1/Services/ratelimited" => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "7")],
            axum::Json(twilio(429, 20429, "Too many requests")),
        )
            .into_response(),
        "/v1/Services/broken" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(twilio(500, 20500, "Internal Server Error")),
        )
            .into_response(),
        "/v1/Services/hangup" => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"services\": [")),
                Err(std::io::Error::other("upstream hung up")),
            ];
            Response::builder()
                .header("content-type", "application/json")
                .header("content-length", "1000")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap()
        }
        "/v1/Services/stall" => {
            let start = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
                b"{\"services\": [",
            ))]);
            Response::builder()
                .header("content-type", "application/json")
                .header("content-length", "1000")
                .body(Body::from_stream(futures_util::StreamExt::chain(
                    start,
                    futures_util::stream::pending(),
                )))
                .unwrap()
        }
        _ => axum::Json(serde_json::json!({"services": [], "meta": {"key": "services"}}))
            .into_response(),
    }
}

pub struct TestRelay {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub dist: TempDist,
}

impl TestRelay {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A state-changing call as the console sends it: with the CSRF header.
    pub fn write(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header(switchboard_models::relay::CSRF_HEADER, "1")
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.write(reqwest::Method::POST, path)
    }

    /// A form POST as the console sends it; the JSON answered.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> serde_json::Value {
        let response = self.post(path).form(form).send().await.unwrap();
        response.json().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

pub fn upstream_for(address: SocketAddr) -> Upstream {
    Upstream {
        kind: UpstreamKind::Custom,
        serverless_base: format!("http://{address}"),
        upload_base: format!("http://{address}"),
        auth: UpstreamAuth {
            username: UPSTREAM_ACCOUNT.into(),
            password: UPSTREAM_PASSWORD.into(),
            account_sid: UPSTREAM_ACCOUNT.into(),
        },
    }
}

/// A relay with the default configuration in front of a fresh fake upstream: most tests' start.
pub async fn default_relay() -> (FakeUpstream, TestRelay) {
    let upstream = fake_upstream().await;
    let relay = relay(&upstream, |_| {}).await;
    (upstream, relay)
}

/// A relay in front of `upstream`, with `configure` applied to its configuration.
pub async fn relay(upstream: &FakeUpstream, configure: impl FnOnce(&mut RelayConfig)) -> TestRelay {
    relay_to(upstream_for(upstream.address), configure).await
}

pub async fn relay_to(upstream: Upstream, configure: impl FnOnce(&mut RelayConfig)) -> TestRelay {
    let dist = TempDist::new();
    let mut config = RelayConfig::new(dist.0.clone());
    configure(&mut config);
    let state = AppState::new(config, upstream).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // The binary's own accept loop (limits, hyper's answers with the security headers).
    let bare_headers =
        switchboard::security::header_lines(&state.csp, state.config.frame_ancestors.is_empty());
    let service = switchboard::app::service(state);
    tokio::spawn(async move {
        let limits = Limits::fitted(Duration::from_secs(15), Duration::from_secs(30), 1024);
        let slots = Arc::new(Slots::new(limits.max_connections));
        connections::serve(
            listener,
            service,
            &limits,
            slots,
            bare_headers,
            std::future::pending(),
        )
        .await
    });
    TestRelay {
        address,
        client: reqwest::Client::new(),
        dist,
    }
}

/// A minimal console build: index.html with an inline bootstrap script, and a hashed asset.
pub struct TempDist(pub PathBuf);

pub const PRECOMPRESSED_WASM: &[u8] = b"brotli bytes written at build time";

pub const INLINE_SCRIPT: &str = "import init from '/app-0123456789abcdef.js'; init();";

impl TempDist {
    pub fn new() -> TempDist {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("switchboard-relay-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            format!("<!DOCTYPE html><html><head><script type=\"module\">{INLINE_SCRIPT}</script></head><body></body></html>"),
        )
        .unwrap();
        std::fs::write(
            dir.join("app-0123456789abcdef.js"),
            "export default function init() {}\n".repeat(64),
        )
        .unwrap();
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        // What `cargo xtask dist` writes beside each file; the relay never decodes it.
        std::fs::write(
            dir.join("app-0123456789abcdef_bg.wasm.br"),
            PRECOMPRESSED_WASM,
        )
        .unwrap();
        TempDist(dir)
    }
}

impl TempDist {
    /// Adds a file of `len` zero bytes that takes no disk space.
    pub fn sparse_file(&self, name: &str, len: u64) {
        std::fs::File::create(self.0.join(name))
            .and_then(|file| file.set_len(len))
            .unwrap();
    }
}

impl Drop for TempDist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The real `switchboard` binary running as a child process, its stdout and stderr collected as
/// they come (so a chatty log level can never fill a pipe and stall it).
pub struct RelayProcess {
    pub address: SocketAddr,
    pub child: tokio::process::Child,
    output: Arc<Mutex<String>>,
    /// The relay's `dist/`, which a test may add files to.
    pub dist: TempDist,
}

/// Starts `switchboard serve --listen 127.0.0.1:<free> --dist <temp dist> ARGS` with only `envs`
/// from the Twilio and Switchboard variables, and waits until it listens.
/// `switchboard emulator` on a free loopback port, given the account `(sid, token)` through the
/// environment with `envs` beside it, its output piped; the port and the process.
pub fn spawn_emulator(
    (account, token): (&str, &str),
    envs: &[(&str, &std::ffi::OsStr)],
) -> (SocketAddr, tokio::process::Child) {
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["emulator", "--listen", &address.to_string()])
        .envs(envs.iter().copied())
        .env("TWILIO_ACCOUNT_SID", account)
        .env("TWILIO_AUTH_TOKEN", token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    (address, child)
}

/// The first answer of the emulator at `address` to `GET path` with the account `(sid, token)`,
/// asked again while it is still starting (up to 5 s).
pub async fn first_answer(
    address: SocketAddr,
    path: &str,
    (account, token): (&str, &str),
) -> Option<reqwest::Response> {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        let asked = http
            .get(format!("http://{address}{path}"))
            .basic_auth(account, Some(token))
            .send()
            .await;
        if let Ok(response) = asked {
            return Some(response);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

pub async fn spawn_relay(args: &[&str], envs: &[(&str, &str)]) -> RelayProcess {
    spawn(None, args, envs).await
}

/// Like [`spawn_relay`], with the process's open-file limit (`ulimit -n`) set to `limit`.
pub async fn spawn_relay_with_open_files(
    limit: u32,
    args: &[&str],
    envs: &[(&str, &str)],
) -> RelayProcess {
    spawn(Some(limit), args, envs).await
}

/// `switchboard serve --listen 127.0.0.1:<free> --dist <temp dist> ARGS` with only `envs` from
/// the Twilio and Switchboard variables (and `RUST_LOG`), under an open-file limit if given.
fn serve_command(
    open_files: Option<u32>,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (tokio::process::Command, SocketAddr, TempDist) {
    let dist = TempDist::new();
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let binary = env!("CARGO_BIN_EXE_switchboard");
    let mut command = match open_files {
        None => tokio::process::Command::new(binary),
        // The shell sets the limit, then becomes the relay (same process id).
        Some(limit) => {
            let mut shell = tokio::process::Command::new("sh");
            shell.args([
                "-c",
                &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
                binary,
            ]);
            shell
        }
    };
    command
        .args(["serve", "--listen", &address.to_string(), "--dist"])
        .arg(&dist.0)
        .args(args)
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("TWILIO_") || key.starts_with("SWITCHBOARD_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.envs(envs.iter().copied());
    (command, address, dist)
}

async fn spawn(open_files: Option<u32>, args: &[&str], envs: &[(&str, &str)]) -> RelayProcess {
    let (mut command, address, dist) = serve_command(open_files, args, envs);
    command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("switchboard starts");
    let output: Arc<Mutex<String>> = Arc::default();
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let output = output.clone();
        tokio::spawn(async move {
            use tokio::io::AsyncBufReadExt;
            let mut lines = tokio::io::BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut all = output.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
    }
    for _ in 0..400 {
        if tokio::net::TcpStream::connect(address).await.is_ok() {
            return RelayProcess {
                address,
                child,
                output,
                dist,
            };
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "switchboard exited with {status}: {}",
                output.lock().unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("switchboard never listened on {address}");
}

impl RelayProcess {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// What `/api/session` says about the relay's upstream and credentials.
    pub async fn session(&self) -> serde_json::Value {
        reqwest::get(self.url("/api/session"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A field of /proc/<pid>/status in kB, such as `VmRSS` or `VmHWM`.
    pub fn memory_kb(&self, field: &str) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
    }

    /// Stops the process (SIGTERM, so it logs its shutdown) and returns everything it printed.
    pub async fn stop(mut self) -> String {
        if let Some(pid) = self.child.id() {
            let _ = tokio::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        let exited = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        if exited.is_err() {
            let _ = self.child.kill().await;
        }
        // Let the readers drain what is left in the pipes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.output.lock().unwrap().clone()
    }
}

/// Runs `switchboard serve --listen 127.0.0.1:<free> --dist <temp dist> ARGS` expecting it to
/// refuse to start: returns everything it printed once it exits with a failure, and fails the
/// test if it is still running after 10 s (it was serving) or exits with success.
pub async fn serve_refuses(args: &[&str], envs: &[(&str, &str)]) -> String {
    let (mut command, _, _dist) = serve_command(None, args, envs);
    let run = tokio::time::timeout(Duration::from_secs(10), command.output()).await;
    let Ok(output) = run else {
        panic!("switchboard serve {args:?} started instead of refusing");
    };
    let output = output.expect("switchboard runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !output.status.success(),
        "switchboard serve {args:?} exited with success: {printed}"
    );
    printed
}

/// Sends `request` byte for byte on a new connection and returns everything the relay answers
/// until it closes the connection, or 30 s pass: far beyond any answer the tests wait for (the
/// longest is due after a 2 s client timeout), so a loaded machine cannot turn a late answer into
/// a missing one.
pub async fn raw_exchange(address: SocketAddr, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of a raw HTTP answer, 0 if there is none.
pub fn status_of(answer: &str) -> u16 {
    answer
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// The value of header `name` in a raw HTTP answer's head.
pub fn header_of<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A CONNECT proxy on loopback that sends every tunnel to `target`, whatever host the tunnel
/// names, and keeps the request lines it was sent.
pub async fn connect_proxy(target: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = proxy.local_addr().unwrap();
    let connects: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = connects.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = proxy.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                seen.lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or_default().to_owned());
                let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    (address, connects)
}
