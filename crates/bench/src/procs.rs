//! The processes a bench drives: the real `switchboard` binary (relay or emulator), nginx, and
//! what /proc says about their memory. Every process is killed when its handle drops.

use anyhow::{Context, bail};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const ACCOUNT: &str = "AC0000000000000000000000000000be7c";
pub const TOKEN: &str = "bench-auth-token-0123456789abcdef";

pub struct Proc {
    pub address: SocketAddr,
    child: Child,
}

impl Proc {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A field of /proc/<pid>/status in kB (`VmRSS`, `VmHWM`).
    pub fn memory_kb(&self, field: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .with_context(|| format!("no {field} in /proc/{}/status", self.pid()))
    }
}

impl Drop for Proc {
    /// SIGTERM first, so a master process (nginx) takes its workers down with it; SIGKILL would
    /// leave them running after the bench. SIGKILL after 3 s for anything that ignores it.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        for _ in 0..60 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_address() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

pub fn wait_listening(mut child: Child, address: SocketAddr, name: &str) -> anyhow::Result<Proc> {
    for _ in 0..400 {
        if TcpStream::connect(address).is_ok() {
            return Ok(Proc { address, child });
        }
        if let Some(status) = child.try_wait()? {
            bail!("{name} exited with {status}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    bail!("{name} never listened on {address}")
}

/// `switchboard ARGS` with the bench's credentials and no other Twilio or Switchboard settings.
fn switchboard(binary: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, _) in std::env::vars() {
        if key.starts_with("TWILIO_") || key.starts_with("SWITCHBOARD_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN);
    command
}

/// `switchboard emulator` in memory, builds taking `build_time`.
pub fn emulator(binary: &Path, build_time: &str) -> anyhow::Result<Proc> {
    let address = free_address()?;
    let listen = address.to_string();
    let child = switchboard(
        binary,
        &["emulator", "--listen", &listen, "--build-time", build_time],
    )
    .spawn()
    .context("starting switchboard emulator")?;
    wait_listening(child, address, "switchboard emulator")
}

/// `switchboard emulator` in memory running deployed code, builds taking as long as npm does,
/// with `home` as its `HOME` (so its npm cache is `home/.cache/switchboard/npm`).
pub fn node_emulator(binary: &Path, home: &Path) -> anyhow::Result<Proc> {
    let address = free_address()?;
    let listen = address.to_string();
    let args = [
        "emulator",
        "--listen",
        &listen,
        "--build-time",
        "0s",
        "--runtime",
        "node",
    ];
    let child = switchboard(binary, &args)
        .env("HOME", home)
        .spawn()
        .context("starting switchboard emulator")?;
    wait_listening(child, address, "switchboard emulator")
}

/// `switchboard serve` relaying to `upstream` (default logging, to /dev/null).
pub fn relay(binary: &Path, dist: &Path, upstream: &Proc) -> anyhow::Result<Proc> {
    let address = free_address()?;
    let (listen, base) = (address.to_string(), upstream.url(""));
    let mut command = switchboard(
        binary,
        &[
            "serve",
            "--listen",
            &listen,
            "--serverless-url",
            &base,
            "--upload-url",
            &base,
        ],
    );
    command.arg("--dist").arg(dist);
    let child = command.spawn().context("starting switchboard serve")?;
    wait_listening(child, address, "switchboard serve")
}

/// `switchboard serve --seed demo`, as `cargo xtask run` starts it: no Twilio credentials (nor
/// a `.env` to find them in), so the relay embeds the emulator with the demo service and runs
/// deployed code in Node, with the user's npm cache (`~/.cache/switchboard/npm`, which
/// `cargo xtask run` and `cargo xtask bench` fill alike).
pub fn demo_relay(binary: &Path, dist: &Path) -> anyhow::Result<Proc> {
    let address = free_address()?;
    let listen = address.to_string();
    let mut command = switchboard(
        binary,
        &[
            "serve",
            "--listen",
            &listen,
            "--seed",
            "demo",
            "--env-file",
            "/nonexistent/.env",
        ],
    );
    command
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .arg("--dist")
        .arg(dist);
    let child = command.spawn().context("starting switchboard serve")?;
    wait_listening(child, address, "switchboard serve --seed demo")
}

/// nginx on a loopback port proxying `/api/serverless/` to the emulator, adding the Basic
/// credentials the way the relay does, with keep-alive connections upstream. It keeps its default
/// access log (one `combined` line per request), written to /dev/null as the relay's is: both
/// proxies do the same work per call.
pub fn nginx(upstream: &Proc, workdir: &Path) -> anyhow::Result<Proc> {
    let address = free_address()?;
    let prefix = workdir.join("nginx");
    std::fs::create_dir_all(prefix.join("logs"))?;
    let basic = base64(&format!("{ACCOUNT}:{TOKEN}"));
    let user = if is_root() { "user root;\n" } else { "" };
    let config = format!(
        "{user}worker_processes auto;\npid {pid};\nerror_log {log} warn;\ndaemon off;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log /dev/null combined;\n  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n\
           fastcgi_temp_path {tmp}/fastcgi;\n  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n\
           upstream emulator {{ server {upstream}; keepalive 64; }}\n\
           server {{\n    listen {address};\n\
             location /api/serverless/ {{\n      proxy_pass http://emulator/;\n\
               proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n\
               proxy_set_header Authorization \"Basic {basic}\";\n    }}\n  }}\n}}\n",
        pid = prefix.join("nginx.pid").display(),
        log = prefix.join("logs/error.log").display(),
        tmp = prefix.display(),
        upstream = upstream.address,
    );
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config)?;
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting nginx (apt-get install nginx; `cargo xtask bench` does it)")?;
    wait_listening(child, address, "nginx")
}

pub fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|rest| rest.split_whitespace().next().map(|uid| uid == "0"))
            .unwrap_or(false)
    })
}

pub fn base64(text: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
