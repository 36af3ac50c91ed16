//! Code splitting of the console, run by trunk as a `post_build` hook (`Trunk.toml`), so a plain
//! `trunk build` or `trunk serve` gives the same console as `cargo xtask dist`.
//!
//! Pages other than the Services list are `#[wasm_split]` functions (`src/app.rs`). trunk cannot
//! split (trunk-rs/trunk#1022): it builds the page, the styles and an unsplit wasm whose split
//! imports nothing provides. This step replaces that wasm and its JS in trunk's staging folder
//! with the split build, the way cargo-leptos does for `--split`:
//!
//! 1. `wasm_split_cli_support` splits the module as rustc linked it (`--emit-relocs`, set in
//!    `.cargo/config.toml`), before wasm-bindgen has renumbered anything;
//! 2. wasm-bindgen processes the main module, keeping the exports the chunks link against;
//! 3. in release builds, wasm-opt shrinks the main module and every chunk.
//!
//! The main module is named `switchboard-console-<hash>` and its chunks and their loader go in
//! `chunks-<hash>/`, the hash covering the linked wasm and the versions and flags of every tool
//! that turns it into those files. A browser holding an earlier build's files never mixes them
//! with this one, and the relay can let browsers cache them for good.

use crate::tools::captured;
use anyhow::{bail, Context};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package's binary name: trunk names the build `<BINARY>-<hash>.js`.
const BINARY: &str = "switchboard-console";
const WASM_OPT_ARGS: [&str; 3] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// The hook's entry point: trunk says where its staging folder is and which profile it built.
pub fn trunk_hook(root: &Path, target_dir: &Path) -> anyhow::Result<()> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .context("`cargo xtask split` is trunk's post_build hook (Trunk.toml): run `trunk build` or `cargo xtask dist`")?;
    let profile = std::env::var("TRUNK_PROFILE").unwrap_or_else(|_| "debug".into());
    split(root, target_dir, &staging, &profile)
}

fn split(root: &Path, target_dir: &Path, dist: &Path, profile: &str) -> anyhow::Result<()> {
    let release = profile == "release";
    let trunk_stem = built_stem(dist)?;
    let raw = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join(format!("{BINARY}.wasm"));
    let input = std::fs::read(&raw).with_context(|| format!("reading {}", raw.display()))?;
    let hash = build_hash(root, &input, release)?;
    let stem = format!("{BINARY}-{hash}");
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
    captured("wasm-bindgen (main module)", &mut bindgen)?;
    std::fs::remove_file(&unbound)?;
    modules.push(dist.join(format!("{stem}_bg.wasm")));
    if release {
        optimize(&modules)?;
    }

    // trunk's unsplit build goes; index.html loads the split one instead.
    std::fs::remove_file(dist.join(format!("{trunk_stem}.js")))?;
    std::fs::remove_file(dist.join(format!("{trunk_stem}_bg.wasm")))?;
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    if !html.contains(&trunk_stem) {
        bail!("trunk's index.html does not load {trunk_stem}");
    }
    let html = preload_loader(&html.replace(&trunk_stem, &stem), &stem, &chunks)?;
    std::fs::write(&index, html)?;
    Ok(())
}

/// The main JS imports the loader, which the browser would only learn after fetching the main JS:
/// a `modulepreload` beside the main module's fetches both at once. It is a copy of that link with
/// the loader's file name, so the URL prefix (a `public_url`) and the `crossorigin` mode trunk
/// chose stay the same.
fn preload_loader(html: &str, stem: &str, chunks: &str) -> anyhow::Result<String> {
    let missing = || anyhow::anyhow!("index.html has no modulepreload link for {stem}.js");
    let main = format!("{stem}.js\"");
    let at = html.find(&main).ok_or_else(missing)?;
    let link = html[..at].rfind("<link").ok_or_else(missing)?;
    if !html[link..at].contains("rel=\"modulepreload\"") {
        return Err(missing());
    }
    let end = at + html[at..].find('>').ok_or_else(missing)? + 1;
    let loader = html[link..end].replacen(&main, &format!("{chunks}/loader.js\""), 1);
    Ok(format!("{}{loader}{}", &html[..end], &html[end..]))
}

/// 16 hex digits over the linked wasm and everything that turns it into the shipped files: the
/// tools' versions, and this file, which holds their flags and the rewriting of index.html.
/// std's `DefaultHasher` may change between Rust releases; that would only rename the files once
/// (browsers fetch them again), never give one name to two contents, so no hashing crate is needed.
fn build_hash(root: &Path, input: &[u8], release: bool) -> anyhow::Result<String> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    include_str!("split.rs").hash(&mut hasher);
    crate::tools::locked_version(root, "wasm_split_cli_support")?.hash(&mut hasher);
    tool_version("wasm-bindgen")?.hash(&mut hasher);
    if release {
        tool_version("wasm-opt")?.hash(&mut hasher);
        WASM_OPT_ARGS.hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn tool_version(program: &str) -> anyhow::Result<String> {
    let out = Command::new(program)
        .arg("--version")
        .output()
        .with_context(|| format!("{program} --version"))?;
    if !out.status.success() {
        bail!("{program} --version failed ({})", out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
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
                            .args(WASM_OPT_ARGS)
                            .arg(module)
                            .arg("-o")
                            .arg(module);
                        captured(&format!("wasm-opt {}", module.display()), &mut wasm_opt)?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a wasm-opt worker panicked"))
    })
}

#[cfg(test)]
mod tests {
    use super::preload_loader;

    #[test]
    fn the_loader_is_preloaded_beside_the_main_module_with_its_prefix() {
        let html = "<head><link rel=\"modulepreload\" href=\"/admin/app-1.js\" crossorigin=\"anonymous\"><link rel=\"preload\" href=\"/admin/app-1_bg.wasm\"></head>";
        let out = preload_loader(html, "app-1", "chunks-1").unwrap();
        assert_eq!(
            out,
            "<head><link rel=\"modulepreload\" href=\"/admin/app-1.js\" crossorigin=\"anonymous\">\
             <link rel=\"modulepreload\" href=\"/admin/chunks-1/loader.js\" crossorigin=\"anonymous\">\
             <link rel=\"preload\" href=\"/admin/app-1_bg.wasm\"></head>"
        );
        assert!(preload_loader("<head></head>", "app-1", "chunks-1").is_err());
    }

    /// `data-cross-origin` on index.html's rust link changes how trunk preloads the main module;
    /// the loader, imported by it, must be fetched the same way or the preload is wasted.
    #[test]
    fn the_loader_is_preloaded_with_the_main_modules_attributes() {
        let html =
            "<link rel=\"modulepreload\" href=\"/app-1.js\" crossorigin=\"use-credentials\">";
        let out = preload_loader(html, "app-1", "chunks-1").unwrap();
        assert!(
            out.ends_with(
                "<link rel=\"modulepreload\" href=\"/chunks-1/loader.js\" crossorigin=\"use-credentials\">"
            ),
            "{out}"
        );
    }
}
