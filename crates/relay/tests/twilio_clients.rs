//! Twilio's own Node clients against the real `switchboard emulator` binary: twilio-node and the
//! serverless toolkit's API library, unchanged, with only their base URL pointed at it. The scripts
//! live in `crates/emulator/tests/clients/`; `cargo xtask test` installs their `node_modules`.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Real builds run npm: a cold cache fetches the runtime and twilio once.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);

fn clients_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../emulator/tests/clients");
    dir.canonicalize().unwrap_or(dir)
}

/// The installed packages, or a failure that says how to install them.
fn require_node_modules() -> PathBuf {
    let dir = clients_dir();
    for package in ["twilio", "@twilio-labs/serverless-api"] {
        let manifest = dir.join("node_modules").join(package).join("package.json");
        assert!(
            manifest.exists(),
            "{} is missing: run `cargo xtask test` (it runs `npm ci` in {})",
            manifest.display(),
            dir.display()
        );
    }
    dir
}

/// A running `switchboard emulator` on a free loopback port, killed on drop.
struct Emulator {
    child: Child,
    base_url: String,
    account_sid: String,
    auth_token: String,
}

impl Emulator {
    fn start(runtime: &str) -> Emulator {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            ^ (u128::from(std::process::id()) << 64);
        let account_sid = format!("AC{seed:032x}");
        let auth_token = format!("{:032x}", seed.rotate_left(37));
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args([
                "emulator",
                "--listen",
                "127.0.0.1:0",
                "--build-time",
                "200ms",
                "--runtime",
                runtime,
            ])
            .env("TWILIO_ACCOUNT_SID", &account_sid)
            .env("TWILIO_AUTH_TOKEN", &auth_token)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting switchboard emulator");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("reading the emulator's stdout");
        // "Twilio Serverless emulator on http://127.0.0.1:PORT/v1 (…)"
        let Some(base_url) = line
            .split_whitespace()
            .find_map(|word| word.strip_suffix("/v1"))
            .filter(|url| url.starts_with("http://127.0.0.1:"))
        else {
            let _ = child.kill();
            panic!("unexpected first line from the emulator: {line:?}");
        };
        let base_url = base_url.to_owned();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Emulator {
            child,
            base_url,
            account_sid,
            auth_token,
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // SIGTERM first, so the emulator stops its function processes and removes its build
        // folders; SIGKILL if it does not exit.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `node <script>` against a fresh emulator and fails with the script's output unless it
/// exits 0.
fn run_script(script: &str, runtime: &str) {
    let dir = require_node_modules();
    let emulator = Emulator::start(runtime);
    let mut node = Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("EMULATOR_URL", &emulator.base_url)
        .env("TWILIO_ACCOUNT_SID", &emulator.account_sid)
        .env("TWILIO_AUTH_TOKEN", &emulator.auth_token)
        // Twilio settings of the developer's shell must not steer the clients elsewhere.
        .env_remove("TWILIO_EDGE")
        .env_remove("TWILIO_REGION")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("DEBUG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting `node {script}` (is Node.js 20+ installed?): {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(node.stdout.take().unwrap()));
    let stderr = drain(Box::new(node.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = node.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    match status {
        Some(status) if status.success() => {}
        Some(status) => panic!(
            "`node {script}` failed ({status}) against {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            emulator.base_url
        ),
        None => panic!(
            "`node {script}` did not finish within {SCRIPT_TIMEOUT:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        ),
    }
}

#[test]
fn twilio_node_works_against_the_emulator() {
    // It checks the client against the API, logs included, written by the simulated invoke.
    run_script("twilio-node.mjs", "simulated");
}

#[test]
fn serverless_toolkit_deploys_to_the_emulator() {
    // Real builds, and a plain GET of the live URL after the deploy.
    run_script("toolkit-deploy.mjs", "node");
}
