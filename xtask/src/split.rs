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
    std::fs::write(&index, links_into_script(&html)?)?;
    Ok(())
}

/// What index.html's first script holds in place of trunk's `<link>`s (index.html).
const BUILT: &str = "var built = [];";

/// Moves every `<link>` of index.html (the styles, the icon, the preloads) into its first
/// script, which adds them once it has set the `<base>`. Chromium's preload scanner fetches a
/// link's URL as soon as it reads the tag, before any script has run: on a deep link such as
/// `/services/ZS…/environments/ZE…` the relative URLs were fetched below that path
/// (`/services/main-….css`, `/services/chunks-…/loader.js`), five requests for files that are
/// not there. The page keeps no URL outside its scripts, and the scanner finds none to read.
fn links_into_script(html: &str) -> anyhow::Result<String> {
    let mut rest = html;
    let mut kept = String::with_capacity(html.len());
    let mut links = Vec::new();
    // Tags are looked for in the markup only: a script or a comment may say `<link>`.
    while let Some(start) = ["<link", "<script", "<!--"]
        .iter()
        .filter_map(|tag| rest.find(tag))
        .min()
    {
        kept.push_str(&rest[..start]);
        rest = &rest[start..];
        let close = if rest.starts_with("<link") {
            None
        } else if rest.starts_with("<script") {
            Some("</script>")
        } else {
            Some("-->")
        };
        if let Some(close) = close {
            let end = rest
                .find(close)
                .with_context(|| format!("index.html has a tag without its {close}"))?
                + close.len();
            kept.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let end = rest
            .find('>')
            .context("index.html has a <link without its >")?
            + 1;
        links.push(link_attributes(&rest[..end])?);
        rest = rest[end..].trim_start_matches([' ', '\n']);
    }
    kept.push_str(rest);
    if kept.matches(BUILT).count() != 1 {
        bail!("index.html's first script must hold `{BUILT}` once, for the splitter to fill in");
    }
    let mut json = String::from("var built = [");
    for (i, attributes) in links.iter().enumerate() {
        json.push_str(if i == 0 { "{" } else { ", {" });
        for (j, (name, value)) in attributes.iter().enumerate() {
            if j > 0 {
                json.push_str(", ");
            }
            json.push_str(&format!("{}: {}", js_string(name), js_string(value)));
        }
        json.push('}');
    }
    json.push_str("];");
    let out = kept.replacen(BUILT, &json, 1);
    let markup = without_scripts(&out);
    if markup.contains("href=") || markup.contains("src=") {
        bail!("index.html still has a URL outside its scripts, which the preload scanner would fetch before the <base> is set: {markup}");
    }
    Ok(out)
}

/// A tag's attributes in order: `name="value"`, `name='value'`, `name=value` or a bare `name`.
fn link_attributes(tag: &str) -> anyhow::Result<Vec<(String, String)>> {
    let inner = tag
        .strip_prefix("<link")
        .and_then(|t| t.strip_suffix('>'))
        .context("not a <link> tag")?;
    let mut rest = inner.trim_end_matches('/').trim();
    let mut attributes = Vec::new();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            let (value, after) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let close = after[1..]
                        .find(quote)
                        .with_context(|| format!("an unclosed attribute in {tag}"))?;
                    (&after[1..=close], &after[close + 2..])
                }
                _ => after.split_at(after.find(char::is_whitespace).unwrap_or(after.len())),
            };
            rest = after;
            value.to_owned()
        } else {
            String::new()
        };
        attributes.push((name, value));
        rest = rest.trim_start();
    }
    Ok(attributes)
}

/// A JavaScript string literal; `<` escaped so that no value can close the script.
fn js_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The page without its scripts' bodies: what the preload scanner reads as markup.
fn without_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start + tag_end + 1]);
        match rest[start..].find("</script>") {
            Some(close) => rest = &rest[start + close..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
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
    use super::{js_string, links_into_script, preload_loader};

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

    /// trunk's links, as it writes them, end up in the first script and nowhere else.
    #[test]
    fn links_move_into_the_first_script() {
        let html = "<head><!-- <link> --><script>var base; /* <link> */ var built = [];</script>\n    <link rel=\"stylesheet\" href=\"./main-1.css\" integrity=\"sha384-a+b/c=\"/>\n<script type=\"module\">import init from './app-1.js';</script>\n  <link rel=\"modulepreload\" href=\"./app-1.js\" crossorigin=anonymous><link rel=\"preload\" href='./app-1_bg.wasm' as=\"fetch\" async></head>";
        let out = links_into_script(html).unwrap();
        assert_eq!(
            out,
            "<head><!-- <link> --><script>var base; /* <link> */ var built = [{\"rel\": \"stylesheet\", \"href\": \"./main-1.css\", \"integrity\": \"sha384-a+b/c=\"}, \
             {\"rel\": \"modulepreload\", \"href\": \"./app-1.js\", \"crossorigin\": \"anonymous\"}, \
             {\"rel\": \"preload\", \"href\": \"./app-1_bg.wasm\", \"as\": \"fetch\", \"async\": \"\"}];</script>\n    \
             <script type=\"module\">import init from './app-1.js';</script>\n  </head>"
        );
    }

    /// A page the scanner could still read a URL from, or without the place for the links, is a
    /// failed build rather than a console that makes stray requests.
    #[test]
    fn a_url_left_in_the_markup_fails_the_build() {
        let without_place = "<head><link rel=\"icon\" href=\"./a.svg\"></head>";
        assert!(links_into_script(without_place).is_err());
        let with_script_src =
            "<head><script>var built = [];</script><script src=\"./a.js\"></script></head>";
        assert!(links_into_script(with_script_src).is_err());
        assert_eq!(
            js_string("./</script>\"\n"),
            "\"./\\u003c/script>\\\"\\u000a\""
        );
    }
}
