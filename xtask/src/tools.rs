//! Installs what a fresh machine with only Rust lacks, idempotently and quietly: the wasm target,
//! trunk, wasm-bindgen-cli (at the version Cargo.lock pins), wasm-opt (npm binaryen, since
//! Debian's corrupts modern rustc output), Chromium with its driver, the npm packages of the
//! emulator's client tests, those its builds install (into its shared npm cache), and the bench's
//! twilio-run.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132.0.0";
/// `cargo xtask bench` compares the emulator's live URLs with `twilio-run start`.
const TWILIO_RUN_VERSION: &str = "5.0.1";

/// Where tools and the build cache live: outside the clone, so a fresh clone (as in CI) reuses
/// them.
pub fn cache_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("switchboard")
}

/// Sets `CARGO_TARGET_DIR` (unless the user chose one) and puts the tool folders on `PATH`.
/// xtask is edition 2021 so this stays safe code; it runs before any thread is started.
pub fn prepare_environment() {
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        std::env::set_var("CARGO_TARGET_DIR", cache_dir().join("target"));
    }
    let mut paths = vec![npm_bin_dir()];
    if let Some(home) = std::env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    if let Ok(joined) = std::env::join_paths(paths) {
        std::env::set_var("PATH", joined);
    }
}

/// Where cargo builds when `CARGO_TARGET_DIR` was not set for us: what `cargo metadata` says,
/// which follows the user's cargo configuration (a bare `trunk build` runs the split hook so).
pub fn configured_target_dir() -> anyhow::Result<PathBuf> {
    let out = Command::new("cargo")
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .context("cargo metadata")?;
    let json = String::from_utf8_lossy(&out.stdout);
    let key = "\"target_directory\":\"";
    let start = json
        .find(key)
        .context("cargo metadata has no target_directory")?
        + key.len();
    let end = json[start..]
        .find('"')
        .context("cargo metadata: a malformed target_directory")?;
    Ok(PathBuf::from(&json[start..start + end]))
}

pub fn target_dir(_root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("target"))
}

fn npm_bin_dir() -> PathBuf {
    cache_dir().join("tools").join("node_modules").join(".bin")
}

/// Everything `trunk build --release --offline` needs.
pub fn ensure_console_tools(root: &Path) -> anyhow::Result<()> {
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        quietly(
            "adding the wasm32 target",
            Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        )?;
    }
    if version_of("trunk").is_none_or(|v| !v.contains(TRUNK_VERSION)) {
        quietly(
            "installing trunk (takes several minutes, once)",
            Command::new("cargo").args([
                "install",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
            ]),
        )?;
    }
    let bindgen = locked_version(root, "wasm-bindgen")?;
    check_trunk_pin(root, &bindgen)?;
    if version_of("wasm-bindgen")
        .is_none_or(|v| v.split_whitespace().nth(1) != Some(bindgen.as_str()))
    {
        // Not --locked: wasm-bindgen-cli's own lockfile does not build on every toolchain.
        quietly(
            "installing wasm-bindgen-cli (takes a few minutes, once)",
            Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &bindgen]),
        )?;
    }
    if !npm_bin_dir().join("wasm-opt").exists() {
        npm_install_pinned(
            "installing wasm-opt (npm binaryen)",
            &format!("binaryen@{BINARYEN_VERSION}"),
        )?;
    }
    Ok(())
}

/// The Node packages of the emulator's client tests (`crates/emulator/tests/clients`), installed
/// with `npm ci` when `node_modules` is missing or was installed from another package-lock.json
/// (a copy of the lock it was installed from is kept in `node_modules` as a stamp).
pub fn ensure_client_test_packages(root: &Path) -> anyhow::Result<()> {
    let dir = root.join("crates/emulator/tests/clients");
    let lock = std::fs::read(dir.join("package-lock.json"))
        .context("reading the client tests' package-lock.json")?;
    let stamp = dir
        .join("node_modules")
        .join(".switchboard-installed-lock.json");
    if std::fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    quietly(
        "installing the client tests' npm packages (npm ci)",
        Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    std::fs::write(&stamp, lock).context("writing the npm install stamp")?;
    Ok(())
}

/// The npm packages the emulator's builds install, pinned: `@twilio/runtime-handler` (added to
/// every build), what the demo seed and the client tests' fixture depend on, and the tiny
/// dependency of `crates/emulator/tests/runtime.rs`. Each set is installed once into a scratch
/// folder with the emulator's shared npm cache, so the builds that tests make find every package
/// there and install offline. The sets must match `runtime/layout.rs`, `src/seed.rs` and
/// `tests/clients/fixture/package.json`.
const RUNTIME_PACKAGE_SETS: [(&str, &str); 2] = [
    (
        "runtime",
        r#"{"@twilio/runtime-handler": "2.1.0", "twilio": "^5.0.0", "is-number": "7.0.0"}"#,
    ),
    (
        "fixture",
        r#"{"@twilio/runtime-handler": "2.1.0", "twilio": "~5.3", "lodash": "^4.17.21"}"#,
    ),
];

/// Fills the emulator's npm cache (`~/.cache/switchboard/npm`) with [`RUNTIME_PACKAGE_SETS`],
/// when a set changed or was never installed.
pub fn ensure_runtime_packages() -> anyhow::Result<()> {
    if version_of("npm").is_none() {
        eprintln!("==> npm not found: the emulator will simulate builds instead of running them");
        return Ok(());
    }
    let cache = cache_dir().join("npm");
    for (name, dependencies) in RUNTIME_PACKAGE_SETS {
        let dir = cache_dir().join("runtime-packages").join(name);
        let manifest = format!(
            r#"{{"name": "switchboard-runtime-{name}", "version": "1.0.0", "private": true, "dependencies": {dependencies}}}"#
        );
        let stamp = dir.join("node_modules").join(".switchboard-installed.json");
        if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == manifest) {
            continue;
        }
        std::fs::create_dir_all(&dir).context("creating the runtime packages' folder")?;
        std::fs::write(dir.join("package.json"), &manifest)
            .context("writing the runtime packages' package.json")?;
        quietly(
            &format!("filling the emulator's npm cache ({name} packages)"),
            npm_install(&dir)
                .args([
                    "--prefer-offline",
                    "--ignore-scripts",
                    "--no-package-lock",
                    "--cache",
                ])
                .arg(&cache),
        )?;
        std::fs::write(&stamp, &manifest).context("writing the npm install stamp")?;
    }
    Ok(())
}

/// Chromium and ChromeDriver from Debian, for the browser tests.
pub fn ensure_browser() -> anyhow::Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// nginx (the throughput baseline) and the brotli CLI from Debian, for `cargo xtask bench`.
pub fn ensure_bench_tools() -> anyhow::Result<()> {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .any(|p| Path::new(p).exists());
    if nginx && Path::new("/usr/bin/brotli").exists() {
        return Ok(());
    }
    apt_install(&["nginx", "brotli"])
}

/// Installs Debian `packages`, after reading the package lists.
fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    quietly(
        "updating the package lists",
        Command::new("apt-get").arg("update"),
    )?;
    quietly(
        &format!("installing {}", packages.join(" and ")),
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages),
    )
}

/// twilio-run, the baseline of the emulator's invocation figures in `cargo xtask bench`, in the
/// tools folder (its `twilio-run` is then on `PATH`), unless that exact version is there.
pub fn ensure_twilio_run() -> anyhow::Result<()> {
    let dir = cache_dir().join("tools");
    let manifest = dir.join("node_modules/twilio-run/package.json");
    let wanted = format!("\"version\": \"{TWILIO_RUN_VERSION}\"");
    if std::fs::read_to_string(manifest).is_ok_and(|m| m.contains(&wanted)) {
        return Ok(());
    }
    npm_install_pinned(
        "installing twilio-run (the bench's baseline for live URLs)",
        &format!("twilio-run@{TWILIO_RUN_VERSION}"),
    )
}

/// Installs `package` (`name@version`) at that exact version into the tools folder, whose
/// `node_modules/.bin` is on `PATH`.
fn npm_install_pinned(what: &str, package: &str) -> anyhow::Result<()> {
    let dir = cache_dir().join("tools");
    std::fs::create_dir_all(&dir)?;
    quietly(what, npm_install(&dir).arg("--save-exact").arg(package))
}

/// `npm install` in `dir`, without its audit and funding notices.
fn npm_install(dir: &Path) -> Command {
    let mut npm = Command::new("npm");
    npm.args(["install", "--silent", "--no-audit", "--no-fund"])
        .current_dir(dir);
    npm
}

/// A package's version in Cargo.lock (wasm-bindgen's CLI must match it exactly).
pub fn locked_version(root: &Path, package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    let wanted = format!("name = \"{package}\"");
    while let Some(line) = lines.next() {
        if line == wanted {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("Cargo.lock has no {package} package")
}

fn check_trunk_pin(root: &Path, bindgen: &str) -> anyhow::Result<()> {
    let trunk_toml =
        std::fs::read_to_string(root.join("Trunk.toml")).context("reading Trunk.toml")?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{bindgen}\"")) {
        bail!("Trunk.toml must pin wasm_bindgen = \"{bindgen}\" (the version in Cargo.lock)");
    }
    Ok(())
}

fn version_of(program: &str) -> Option<String> {
    output(program, &["--version"])
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs an install step with its output captured, printing it only if the step fails.
fn quietly(what: &str, command: &mut Command) -> anyhow::Result<()> {
    eprintln!("==> {what}");
    captured(what, command)
}

/// Runs a command with its output captured, printing it only if the command fails.
pub fn captured(what: &str, command: &mut Command) -> anyhow::Result<()> {
    let out = command
        .output()
        .with_context(|| format!("{what}: could not start"))?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        bail!("{what} failed ({})", out.status);
    }
    Ok(())
}
