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
    let mut only_runtime = false;
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
            // `--only runtime`: the emulator runtime's section alone (builds, live URLs).
            "--only" if value == "runtime" => only_runtime = true,
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sections = if only_runtime {
        vec![runtime.block_on(runtime::section(&setup.binary))]
    } else {
        runtime.block_on(measure::everything(&setup))
    };
    let markdown = report::markdown(&report::machine(), &sections);
    std::fs::write(&setup.out, &markdown)
        .with_context(|| format!("writing {}", setup.out.display()))?;
    println!("{markdown}");
    eprintln!("wrote {}", setup.out.display());
    Ok(())
}
