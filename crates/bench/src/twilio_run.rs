//! The baseline of the runtime section: `twilio-run start` serving the same function with the
//! same `@twilio/runtime-handler` as the emulator's build.

use crate::procs::{self, Proc};
use crate::runtime::{HELLO, RUNTIME_HANDLER};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A project folder for twilio-run with the same function and runtime-handler, installed from
/// the emulator's (now warm) npm cache.
pub fn project(workdir: &Path, home: &Path) -> anyhow::Result<PathBuf> {
    let project = workdir.join("twilio-run-project");
    std::fs::create_dir_all(project.join("functions"))?;
    std::fs::write(project.join("functions/hello.js"), HELLO)?;
    std::fs::write(
        project.join("package.json"),
        format!(
            r#"{{"name": "bench", "version": "1.0.0", "private": true, "dependencies": {RUNTIME_HANDLER}}}"#
        ),
    )?;
    let out = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--no-package-lock",
            "--loglevel=error",
            "--cache",
        ])
        .arg(home.join(".cache/switchboard/npm"))
        .current_dir(&project)
        .stdin(Stdio::null())
        .output()
        .context("running npm")?;
    anyhow::ensure!(
        out.status.success(),
        "npm install for twilio-run's project: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(project)
}

/// Preloaded into twilio-run, which has no host option and would listen on every interface:
/// a listen on a bare port listens on loopback only, as everything in the bench does.
const LOOPBACK_ONLY: &str = "const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === 'number' && (rest.length === 0 || typeof rest[0] === 'function')) {
    return listen.call(this, port, '127.0.0.1', ...rest);
  }
  return listen.call(this, port, ...rest);
};
";

/// `twilio-run start` (from `cargo xtask bench`'s tools, on `PATH`) serving `project`.
pub fn start(project: &Path, flags: &[&str]) -> anyhow::Result<Proc> {
    let address = procs::free_address()?;
    let preload = project.join("loopback-only.js");
    std::fs::write(&preload, LOOPBACK_ONLY)?;
    let child = Command::new("twilio-run")
        .arg("start")
        .arg(project)
        .args(["--port", &address.port().to_string()])
        .args(flags)
        // No update check, no prompts.
        .env("CI", "1")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("NODE_OPTIONS", format!("--require {}", preload.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting twilio-run (`cargo xtask bench` installs it)")?;
    procs::wait_listening(child, address, "twilio-run")
}
