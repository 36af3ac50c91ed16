//! Code splitting of the console. Every page but the Services list is a `#[lazy]` function
//! (`src/app.rs`); after `trunk build`, this step cuts the wasm at those functions into a main
//! module and chunks that the browser fetches the first time a page opens. trunk cannot do it
//! (trunk-rs/trunk#1022), so trunk builds the page, the styles and a first, unsplit wasm, and this
//! step replaces that wasm and its JS with the split build, the way cargo-leptos does for
//! `--split`:
//!
//! 1. `wasm_split_cli_support` splits the module as rustc linked it (`--emit-relocs`, set in
//!    `.cargo/config.toml`), before wasm-bindgen has renumbered anything;
//! 2. wasm-bindgen processes the main module, keeping the exports the chunks link against;
//! 3. wasm-opt shrinks the main module and every chunk.
//!
//! Chunks and their loader go in `chunks-<hash>/`, named after the hash trunk gave the build, so
//! that a browser holding an earlier build's chunks never mixes them with this one and the relay
//! can let browsers cache them for good.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package's binary name: trunk names the build `<BINARY>-<hash>.js`.
const BINARY: &str = "switchboard-console";

pub fn split(target_dir: &Path, dist: &Path) -> anyhow::Result<()> {
    let stem = built_stem(dist)?;
    let hash = stem.trim_start_matches(BINARY).trim_start_matches('-');
    let raw = target_dir
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{BINARY}.wasm"));
    let input = std::fs::read(&raw).with_context(|| format!("reading {}", raw.display()))?;

    let chunks = format!("chunks-{hash}");
    let chunk_dir = dist.join(&chunks);
    std::fs::create_dir_all(&chunk_dir)?;
    let unbound = chunk_dir.join("main.wasm");
    // The main module imports the loader relative to its JS file (the dist root); the loader
    // imports the main JS and fetches chunks relative to itself (the chunks folder).
    let link_name = format!("./{chunks}/loader.js");
    let main_module = format!("../{stem}.js");
    let output = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = dist;
        options.main_out_path = &unbound;
        options.link_name = &link_name;
        options.main_module = &main_module;
        options
    })
    .map_err(|e| anyhow::anyhow!("splitting the console's wasm: {e:?}"))?;
    let mut modules = Vec::new();
    for path in output.split_modules {
        let name = path.file_name().context("a chunk without a file name")?;
        let moved = chunk_dir.join(name);
        std::fs::rename(&path, &moved)?;
        modules.push(moved);
    }

    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--no-typescript"])
        // The chunks link against the main module's functions by their linker names.
        .args(["--keep-lld-exports", "--no-demangle"])
        .arg("--out-dir")
        .arg(dist)
        .arg("--out-name")
        .arg(&stem)
        .arg(&unbound);
    run("wasm-bindgen (main module)", &mut bindgen)?;
    std::fs::remove_file(&unbound)?;
    modules.push(dist.join(format!("{stem}_bg.wasm")));
    optimize(&modules)
}

/// `<BINARY>-<hash>`, from the JS file trunk wrote.
fn built_stem(dist: &Path) -> anyhow::Result<String> {
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".js") {
            if stem.starts_with(&format!("{BINARY}-")) {
                return Ok(stem.to_owned());
            }
        }
    }
    bail!("trunk wrote no {BINARY}-<hash>.js into {}", dist.display())
}

/// `wasm-opt -Oz` over every module, one process per core.
fn optimize(modules: &[PathBuf]) -> anyhow::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(module) = modules.get(i) else {
                            return Ok(());
                        };
                        let mut wasm_opt = Command::new("wasm-opt");
                        wasm_opt
                            .args(["-Oz", "--enable-bulk-memory"])
                            .arg("--enable-nontrapping-float-to-int")
                            .arg(module)
                            .arg("-o")
                            .arg(module);
                        run(&format!("wasm-opt {}", module.display()), &mut wasm_opt)?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a wasm-opt worker panicked"))
    })
}

fn run(what: &str, command: &mut Command) -> anyhow::Result<()> {
    let out = command
        .output()
        .with_context(|| format!("{what}: could not start"))?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        bail!("{what} failed ({})", out.status);
    }
    Ok(())
}
