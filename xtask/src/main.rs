//! `cargo xtask <command>`: the project's own commands (see README.md).
//!
//! - `run`: install what is missing, build the console, start the relay on the demo emulator.
//! - `test`: install what is missing, then format check, clippy, every test and the browser tests.
//! - `dist`: build the console into `dist/`.
//! - `bench`: build for release, measure, and write `docs/BENCHMARKS.md` (crates/bench).
//! - `split`: trunk's post_build hook (Trunk.toml) that splits the console's wasm (split.rs).

mod compress;
mod split;
mod tools;

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> std::process::ExitCode {
    // Printed plainly: a failed step already showed its own output, a backtrace adds nothing.
    match run_command() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_command() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    // `cargo xtask run -- --listen ...` passes the `--` through; it only separates our arguments.
    let rest: Vec<String> = args.skip_while(|a| a == "--").collect();
    let root = project_root()?;
    std::env::set_current_dir(&root)?;
    let chosen_target_dir = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from);
    tools::prepare_environment();
    match command.as_str() {
        "run" => run(&root, &rest),
        "test" => test(&root),
        "dist" => dist(&root),
        "bench" => bench(&root, &rest),
        "split" => {
            let target_dir = match chosen_target_dir {
                Some(dir) => dir,
                None => tools::configured_target_dir()?,
            };
            split::trunk_hook(&root, &target_dir)
        }
        _ => {
            eprintln!("usage: cargo xtask <run|test|dist|bench|split>\n");
            eprintln!("  run [-- ARGS]  build the console and serve it on http://127.0.0.1:8080 (ARGS go to `switchboard serve`)");
            eprintln!("  test           format check, clippy, all tests, the console build and the browser tests");
            eprintln!("  dist           build the console into dist/");
            eprintln!(
                "  split          (trunk's post_build hook) split the console's wasm into chunks"
            );
            eprintln!("  bench [-- ARGS] measure the console, relay and emulator into docs/BENCHMARKS.md (ARGS go to switchboard-bench, e.g. --runs 20)");
            bail!("unknown command {command:?}")
        }
    }
}

/// The checkout `cargo xtask` was run in, found from the working directory. Not from
/// `CARGO_MANIFEST_DIR`: the build cache is shared between checkouts, and cargo may reuse an
/// xtask binary compiled in another one, with that checkout's path baked in.
fn project_root() -> anyhow::Result<PathBuf> {
    let start = std::env::current_dir()?;
    start
        .ancestors()
        .find(|dir| {
            dir.join("xtask").join("Cargo.toml").is_file() && dir.join("Trunk.toml").is_file()
        })
        .map(Path::to_path_buf)
        .with_context(|| format!("{} is not inside a Switchboard checkout", start.display()))
}

fn run(root: &Path, extra: &[String]) -> anyhow::Result<()> {
    tools::ensure_console_tools(root)?;
    tools::ensure_runtime_packages()?;
    dist(root)?;
    build_server("building the relay", &["switchboard"])?;
    let binary = tools::target_dir(root).join("server").join("switchboard");
    let mut serve = Command::new(binary);
    serve.args(["serve", "--dist"]).arg(root.join("dist"));
    if !extra.iter().any(|a| a == "--seed") {
        serve.args(["--seed", "demo"]);
    }
    serve.args(extra);
    let status = serve.status().context("starting switchboard")?;
    if !status.success() {
        bail!("switchboard exited with {status}");
    }
    Ok(())
}

/// Release builds of the relay and the bench (same `server` profile, so they share their
/// dependencies' builds), the console, then the bench itself; a missed goal is in the report, not
/// an error.
fn bench(root: &Path, extra: &[String]) -> anyhow::Result<()> {
    tools::ensure_console_tools(root)?;
    tools::ensure_browser()?;
    tools::ensure_bench_tools()?;
    tools::ensure_twilio_run()?;
    // The Test panel's newcomer flow runs the demo as `cargo xtask run` does: with the npm
    // cache `run` fills.
    tools::ensure_runtime_packages()?;
    dist(root)?;
    build_server(
        "building the relay and the bench (--profile server)",
        &["switchboard", "switchboard-bench"],
    )?;
    let server = tools::target_dir(root).join("server");
    let mut bench = Command::new(server.join("switchboard-bench"));
    bench
        .arg("--binary")
        .arg(server.join("switchboard"))
        .arg("--dist")
        .arg(root.join("dist"))
        .arg("--out")
        .arg(root.join("docs").join("BENCHMARKS.md"))
        .args(extra.iter().filter(|a| *a != "--"));
    step("benchmarks (a few minutes)", bench)
}

fn dist(root: &Path) -> anyhow::Result<()> {
    tools::ensure_console_tools(root)?;
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "--release", "--offline"])
        .current_dir(root);
    step(
        "building the console (trunk build --release, then its split hook)",
        trunk,
    )?;
    compress::precompress(&root.join("dist"))
}

fn test(root: &Path) -> anyhow::Result<()> {
    tools::ensure_console_tools(root)?;
    tools::ensure_browser()?;
    tools::ensure_client_test_packages(root)?;
    tools::ensure_runtime_packages()?;
    step("checking formatting", cargo(&["fmt", "--all", "--check"]))?;
    step(
        "clippy",
        cargo(&[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "clippy (console, wasm32)",
        cargo(&[
            "clippy",
            "--quiet",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "switchboard-console",
            "-p",
            "switchboard-models",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    dist(root)?;
    let mut tests = cargo(&["test", "--workspace"]);
    tests.env("SWITCHBOARD_DIST", root.join("dist"));
    run_tests(tests)
}

/// Runs the tests, passing their output through, and ends with one line that totals every test
/// binary's result (cargo's own last line is often a doctest binary's "0 passed").
fn run_tests(mut tests: Command) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    eprintln!("==> tests (unit, integration, browser)");
    let mut child = tests
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting cargo test")?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if let Some(counts) = line.strip_prefix("test result: ") {
                passed += count_before(counts, " passed");
                failed += count_before(counts, " failed");
            }
        }
    }
    let status = child.wait()?;
    println!("tests: {passed} passed, {failed} failed");
    if !status.success() {
        bail!("tests failed ({status})");
    }
    Ok(())
}

/// The number just before `label` in cargo's "ok. 3 passed; 0 failed; ..." summary.
fn count_before(summary: &str, label: &str) -> u64 {
    summary
        .split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(label)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Builds `packages` with the `server` profile (release, shared by the relay and the bench).
fn build_server(what: &str, packages: &[&str]) -> anyhow::Result<()> {
    let mut args = vec!["build", "--quiet", "--profile", "server"];
    for package in packages {
        args.extend(["-p", package]);
    }
    step(what, cargo(&args))
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

/// Runs one step, printing its name; a failing step stops everything with its exit status.
fn step(name: &str, mut command: Command) -> anyhow::Result<()> {
    eprintln!("==> {name}");
    let status = command
        .status()
        .with_context(|| format!("starting {name}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::count_before;

    #[test]
    fn totals_read_cargo_summaries() {
        let ok =
            "ok. 13 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(
            (count_before(ok, " passed"), count_before(ok, " failed")),
            (13, 0)
        );
        let bad = "FAILED. 3 passed; 1 failed; 0 ignored";
        assert_eq!(
            (count_before(bad, " passed"), count_before(bad, " failed")),
            (3, 1)
        );
    }
}
