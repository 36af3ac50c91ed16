#![doc = include_str!("../README.md")]

mod api;
mod browser;
mod cpu;
mod load;
mod measure;
mod pages;
mod procs;
mod report;
mod runtime;
mod size;
mod test_panel;
mod twilio_run;

use anyhow::Context;
use std::path::PathBuf;

/// What the bench is given: the release `switchboard` binary, the console build, the report path.
pub struct Setup {
    pub binary: PathBuf,
    pub dist: PathBuf,
    pub out: PathBuf,
    /// Browser runs of the cold load (more runs, steadier percentiles, longer bench).
    pub runs: usize,
}

fn main() -> anyhow::Result<()> {
    let mut setup = Setup {
        binary: PathBuf::from("switchboard"),
        dist: PathBuf::from("dist"),
        out: PathBuf::from("docs/BENCHMARKS.md"),
        runs: 10,
    };
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--binary" => setup.binary = value.into(),
            "--dist" => setup.dist = value.into(),
            "--out" => setup.out = value.into(),
            "--runs" => setup.runs = value.parse()?,
            // `--only runtime`: the emulator runtime's section alone (builds, live URLs);
            // `--only test-panel`: the Test panel's newcomer flow alone.
            "--only" if ["runtime", "test-panel"].contains(&value.as_str()) => only = Some(value),
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sections = match only.as_deref() {
        Some("runtime") => vec![runtime.block_on(runtime::section(&setup.binary))],
        Some(_) => vec![runtime.block_on(test_panel::section(&setup))],
        None => runtime.block_on(measure::everything(&setup)),
    };
    let markdown = report::markdown(&report::machine(), &sections);
    std::fs::write(&setup.out, &markdown)
        .with_context(|| format!("writing {}", setup.out.display()))?;
    println!("{markdown}");
    eprintln!("wrote {}", setup.out.display());
    Ok(())
}
