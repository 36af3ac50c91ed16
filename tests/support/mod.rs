//! The stack the browser tests drive: the embedded emulator, the relay serving the built console,
//! and headless Chromium through ChromeDriver. Everything listens on loopback ports chosen by the
//! OS, so tests run in parallel without clashing.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::time::Duration;
use switchboard::cli::EmulatorOptions;
use switchboard::serve::{emulator_runtime, emulator_upstream, start_emulator};
use switchboard::{AppState, RelayConfig, app};
use switchboard_emulator::{Credentials, Emulator, Seed};
use tokio::process::{Child, Command};

pub struct Stack {
    pub relay_url: String,
    pub emulator_url: String,
    pub credentials: Credentials,
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

/// The console's build: `cargo xtask test` builds it and says where.
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("SWITCHBOARD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "{} has no console build: run the tests with `cargo xtask test`, which builds it",
        dist.display()
    );
    dist
}

pub async fn start_stack() -> Stack {
    start_stack_with(|_| {}).await
}

/// The stack with the relay's configuration adjusted (a console token, for example).
pub async fn start_stack_with(configure: impl FnOnce(&mut RelayConfig)) -> Stack {
    start(Duration::from_millis(500), None, configure).await
}

/// The stack with builds that take `build_time`, for what happens while one is building.
pub async fn start_stack_with_build_time(build_time: Duration) -> Stack {
    start(build_time, None, |_| {}).await
}

/// The stack with the emulator seeded (the demo service) and the relay's configuration
/// adjusted (its `dist`, the origins it allows, …).
pub async fn start_seeded_stack(
    seed: Option<Seed>,
    configure: impl FnOnce(&mut RelayConfig),
) -> Stack {
    start(Duration::from_millis(500), seed, configure).await
}

async fn start(
    build_time: Duration,
    seed: Option<Seed>,
    configure: impl FnOnce(&mut RelayConfig),
) -> Stack {
    let options = EmulatorOptions {
        seed,
        data: None,
        build_time,
        // The console's own tests drive the management API; tests/live.rs runs code for real.
        runtime: switchboard_emulator::Execution::Simulated,
    };
    start_with_options(options, configure).await
}

/// The stack as `cargo xtask run` starts it: the demo seed, and deployed code running in Node.
pub async fn start_live_demo_stack() -> Stack {
    let options = EmulatorOptions {
        seed: Some(switchboard_emulator::Seed::Demo),
        data: None,
        build_time: Duration::from_millis(500),
        runtime: switchboard_emulator::Execution::Node,
    };
    start_with_options(options, |_| {}).await
}

/// The demo's API key: the relay below signs in with it instead of the auth token.
pub const API_KEY_SID: &str = "SK0000000000000000000000000000a91e";
const API_KEY_SECRET: &str = "api-key-secret-of-the-browser-tests";

/// The demo (code simulated) behind a relay that signs in with one of the account's API keys,
/// as `switchboard serve --serverless-url <emulator>` with `TWILIO_API_KEY` and
/// `TWILIO_API_SECRET` does: it has no auth token, so it cannot sign calls to protected
/// Functions.
pub async fn start_api_key_demo_stack() -> Stack {
    let mut config = switchboard_emulator::Config::new(Credentials::generated());
    config.seed = Some(Seed::Demo);
    config.build_time = Duration::from_millis(500);
    config.api_keys = vec![switchboard_emulator::ApiKey {
        sid: API_KEY_SID.into(),
        secret: API_KEY_SECRET.into(),
    }];
    let emulator = Emulator::open(config).expect("emulator");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind emulator");
    let address = listener.local_addr().expect("emulator address");
    let serving = emulator.clone();
    tokio::spawn(async move { serving.serve(listener, std::future::pending()).await });
    let base = format!("http://{address}");
    let upstream = switchboard::Upstream {
        kind: switchboard::UpstreamKind::Custom,
        serverless_base: base.clone(),
        upload_base: base,
        auth: switchboard::upstream::UpstreamAuth {
            username: API_KEY_SID.into(),
            password: API_KEY_SECRET.into(),
            account_sid: emulator.credentials().account_sid.clone(),
        },
    };
    serve_relay(address, emulator, upstream, RelayConfig::new(dist())).await
}

async fn start_with_options(
    options: EmulatorOptions,
    configure: impl FnOnce(&mut RelayConfig),
) -> Stack {
    let (address, emulator) = start_emulator(&options, Credentials::generated())
        .await
        .expect("emulator");
    let upstream = emulator_upstream(address, emulator.credentials());
    let mut config = RelayConfig::new(dist());
    config.emulator_runtime = Some(emulator_runtime(address, &emulator));
    configure(&mut config);
    serve_relay(address, emulator, upstream, config).await
}

/// The relay in front of the emulator at `address`, on a loopback port of its own.
async fn serve_relay(
    address: std::net::SocketAddr,
    emulator: Emulator,
    upstream: switchboard::Upstream,
    config: RelayConfig,
) -> Stack {
    let state = AppState::new(config, upstream).expect("relay state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind relay");
    let relay = listener.local_addr().expect("relay address");
    tokio::spawn(async move { axum_serve(listener, state).await });
    let credentials = Credentials {
        account_sid: emulator.credentials().account_sid.clone(),
        auth_token: emulator.credentials().auth_token.clone(),
    };
    Stack {
        relay_url: format!("http://{relay}"),
        emulator_url: format!("http://{address}"),
        credentials,
        emulator,
        http: reqwest::Client::new(),
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, state: AppState) {
    let _ = axum::serve(listener, app(state)).await;
}

impl Stack {
    /// A request straight to the emulator with its credentials, bypassing the console and relay.
    fn emulator(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.emulator_url))
            .basic_auth(
                &self.credentials.account_sid,
                Some(&self.credentials.auth_token),
            )
    }

    /// The seeded demo's service SID and its `dev` environment, as the API lists them.
    pub async fn demo_dev(&self) -> (String, serde_json::Value) {
        let (_, services) = self.emulator_get("/v1/Services").await;
        let service = services["services"][0]["sid"].as_str().unwrap().to_owned();
        let (_, environments) = self
            .emulator_get(&format!("/v1/Services/{service}/Environments"))
            .await;
        let dev = environments["environments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["unique_name"] == "dev")
            .unwrap()
            .clone();
        (service, dev)
    }

    /// A GET straight to the emulator, to check what the console and relay did.
    pub async fn emulator_get(&self, path: &str) -> (u16, serde_json::Value) {
        status_and_json(self.emulator(reqwest::Method::GET, path)).await
    }

    /// A DELETE straight to the emulator; its status.
    pub async fn emulator_delete(&self, path: &str) -> u16 {
        status_and_json(self.emulator(reqwest::Method::DELETE, path))
            .await
            .0
    }

    /// A form POST straight to the emulator (Twilio's encoding: repeat a key for a list), to set
    /// up data a test needs without going through the console.
    pub async fn emulator_post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let request = self
            .emulator(reqwest::Method::POST, path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode_form(fields));
        status_and_json(request).await
    }

    /// Creates a version the way the upload host does: multipart `Content`, `Path`, `Visibility`
    /// to `/v1/Services/{service}/{Functions|Assets}/{sid}/Versions`.
    pub async fn emulator_upload(
        &self,
        path: &str,
        content: &str,
        version_path: &str,
        visibility: &str,
    ) -> (u16, serde_json::Value) {
        let part = reqwest::multipart::Part::bytes(content.as_bytes().to_vec())
            .file_name("file")
            .mime_str("application/javascript")
            .expect("mime");
        let form = reqwest::multipart::Form::new()
            .text("Path", version_path.to_owned())
            .text("Visibility", visibility.to_owned())
            .part("Content", part);
        status_and_json(self.emulator(reqwest::Method::POST, path).multipart(form)).await
    }
}

/// Setting up data for a test straight through the emulator, each call checked.
impl Stack {
    /// Creates a resource; its SID.
    pub async fn create(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let (status, body) = self.emulator_post_form(path, fields).await;
        assert_eq!(status, 201, "POST {path}: {body}");
        body["sid"].as_str().expect("sid").to_owned()
    }

    /// Uploads a version of the function or asset at `resource` (`/v1/Services/…/Functions/ZH…`);
    /// its SID.
    pub async fn version(
        &self,
        resource: &str,
        content: &str,
        path: &str,
        visibility: &str,
    ) -> String {
        let versions = format!("{resource}/Versions");
        let (status, body) = self
            .emulator_upload(&versions, content, path, visibility)
            .await;
        assert_eq!(status, 201, "upload {path}: {body}");
        body["sid"].as_str().expect("sid").to_owned()
    }

    /// A build of `function_versions`, once the emulator has finished it; its SID.
    pub async fn completed_build(&self, service: &str, function_versions: &[&str]) -> String {
        let fields: Vec<(&str, &str)> = function_versions
            .iter()
            .map(|v| ("FunctionVersions", *v))
            .collect();
        let build = self
            .create(&format!("/v1/Services/{service}/Builds"), &fields)
            .await;
        for _ in 0..100 {
            let (_, status) = self
                .emulator_get(&format!("/v1/Services/{service}/Builds/{build}/Status"))
                .await;
            match status["status"].as_str() {
                Some("completed") => return build,
                Some("failed") => panic!("build {build} failed"),
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        panic!("build {build} never completed");
    }

    pub async fn deploy(&self, service: &str, environment: &str, build: &str) {
        self.create(
            &format!("/v1/Services/{service}/Environments/{environment}/Deployments"),
            &[("BuildSid", build)],
        )
        .await;
    }
}

async fn status_and_json(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("emulator request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// `application/x-www-form-urlencoded` with keys kept in order and repeated as given.
pub fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", percent_encode(key), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A headless Chromium session; ChromeDriver dies with it.
pub struct Browser {
    pub client: Client,
    /// ChromeDriver's address, for the Chrome DevTools commands WebDriver lacks.
    webdriver: String,
    driver: Child,
    _profile: TempDir,
}

/// A test that panics never reaches `close`, and killing ChromeDriver alone leaves the Chromium
/// it started running: its whole process tree goes. (Not a process group of its own, which would
/// keep Chromium alive when Ctrl-C stops the tests.)
impl Drop for Browser {
    fn drop(&mut self) {
        let Some(driver) = self.driver.id() else {
            return;
        };
        let mut pids = vec![driver.to_string()];
        let mut pending = vec![driver];
        while let Some(pid) = pending.pop() {
            let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for task in tasks.flatten() {
                let children = std::fs::read_to_string(task.path().join("children"));
                for child in children.unwrap_or_default().split_whitespace() {
                    if let Ok(child) = child.parse::<u32>() {
                        pids.push(child.to_string());
                        pending.push(child);
                    }
                }
            }
        }
        let _ = std::process::Command::new("kill")
            .arg("-KILL")
            .args(&pids)
            .status();
    }
}

pub async fn browser() -> Browser {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = free_port();
    let driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver; `cargo xtask test` does it)");
    let profile = TempDir::new();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.0.display()),
            ]
        }
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..100 {
        match ClientBuilder::rustls()
            .expect("tls")
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Browser {
                    client,
                    webdriver: url,
                    driver,
                    _profile: profile,
                };
            }
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a Chromium session: {last_error:?}");
}

impl Browser {
    /// Runs a Chrome DevTools Protocol command through ChromeDriver's `goog/cdp/execute`.
    pub async fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        let session = self
            .client
            .session_id()
            .await
            .expect("session")
            .expect("id");
        let response = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.webdriver
            ))
            .json(&serde_json::json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .expect("cdp");
        let status = response.status();
        let body: serde_json::Value = response.json().await.expect("cdp json");
        assert!(status.is_success(), "{cmd}: {body}");
        body
    }

    /// Drags the folder `dir` from "the desktop" and drops it on the element `css`, as a person
    /// would: Chromium builds the same DataTransfer, with directory entries, as for a real drop.
    pub async fn drop_folder(&self, css: &str, dir: &std::path::Path) {
        self.wait_for(css).await;
        let center = self
            .client
            .execute(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();
                 return [r.x + r.width / 2, r.y + r.height / 2];",
                vec![serde_json::json!(css)],
            )
            .await
            .expect("element position");
        let data = serde_json::json!({
            "items": [],
            "files": [dir.display().to_string()],
            "dragOperationsMask": 1,
        });
        for kind in ["dragEnter", "dragOver", "drop"] {
            self.cdp(
                "Input.dispatchDragEvent",
                serde_json::json!({ "type": kind, "x": center[0], "y": center[1], "data": data }),
            )
            .await;
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Opens the console's page at `path` on the relay at `relay_url`.
    pub async fn open(&self, relay_url: &str, path: &str) {
        self.goto(&format!("{relay_url}{path}")).await;
    }

    /// Waits (up to 15 s) for an element `locator` finds: pages in other chunks load lazily.
    pub async fn wait_for_located(
        &self,
        locator: Locator<'_>,
    ) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(locator)
            .await
    }

    /// Waits (up to 15 s) for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        let found = self.wait_for_located(Locator::Css(css)).await;
        match found {
            Ok(element) => element,
            Err(error) => panic!("no element {css}: {error}{}", self.panic_note().await),
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.wait_for(css).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Clicks `css`, finding it again if the page re-rendered it between the find and the click.
    pub async fn click(&self, css: &str) {
        let mut last_error = None;
        for _ in 0..20 {
            match self.wait_for(css).await.click().await {
                Ok(()) => return,
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not click {css}: {last_error:?}");
    }

    pub async fn value(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("text")
    }

    /// Waits (up to 15 s) until the element matching `css` has exactly `expected` as its text,
    /// and returns the texts seen on the way (to show that a page changed without a reload).
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..150 {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.ok(),
                Err(_) => None,
            };
            if let Some(text) = text {
                if seen.last() != Some(&text) {
                    seen.push(text.clone());
                }
                if text == expected {
                    return seen;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let note = self.panic_note().await;
        panic!("{css} never read {expected:?}; it read {seen:?}{note}");
    }

    /// Waits (up to 5 s) until the focused element is the one matching `css`.
    pub async fn wait_for_focus(&self, css: &str) {
        let script = "return document.activeElement === document.querySelector(arguments[0]);";
        for _ in 0..100 {
            let focused = self
                .client
                .execute(script, vec![serde_json::Value::String(css.to_owned())])
                .await
                .expect("script");
            if focused == serde_json::Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} never had the focus{}", self.panic_note().await);
    }

    /// Runs `script` in the page; its result.
    pub async fn script(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.client.execute(script, args).await.expect("script")
    }

    /// Presses `key` (WebDriver's code, such as "\u{E004}" for Tab) on the focused element.
    pub async fn press(&self, key: &str) {
        self.client
            .active_element()
            .await
            .expect("focus")
            .send_keys(key)
            .await
            .expect("key");
    }

    /// Whether the focused element is the first matching `css`.
    pub async fn focused(&self, css: &str) -> bool {
        let script = "return document.activeElement === document.querySelector(arguments[0]);";
        self.script(script, vec![serde_json::Value::String(css.to_owned())])
            .await
            == serde_json::Value::Bool(true)
    }

    /// How many elements match `css` right now.
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|found| found.len())
            .unwrap_or(0)
    }

    /// Ends the session; fails the test if the console panicked at any point (src/crash.rs marks
    /// the page), even when everything the test waited for had appeared by then.
    pub async fn close(self) {
        let note = self.panic_note().await;
        let _ = self.client.clone().close().await;
        assert!(note.is_empty(), "the console stopped{note}");
    }

    /// The console's panic message, if it panicked, as a note for a failure message.
    pub async fn panic_note(&self) -> String {
        let script = "return document.documentElement.dataset.panicked || null;";
        match self.client.execute(script, vec![]).await {
            Ok(serde_json::Value::String(message)) => format!("; the console panicked: {message}"),
            _ => String::new(),
        }
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    listener.local_addr().expect("port").port()
}

/// A throwaway Chromium profile, removed when the test ends.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "switchboard-chromium-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&path).expect("profile dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub mod steps;
