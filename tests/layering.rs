//! The console's layering, checked as rust-analyzer's tidy tests check theirs: the router is
//! imported by nothing but `lib.rs`, and widgets (`components/`) never reach up into pages.
//! docs/ARCHITECTURE.md states both rules.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The files under `src/<under>` whose code names `module`.
fn importers(under: &str, module: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root.join(under), &mut files);
    let mut named: Vec<String> = files
        .into_iter()
        .filter(|file| std::fs::read_to_string(file).unwrap().contains(module))
        .map(|file| file.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    named.sort();
    named
}

#[test]
fn only_lib_imports_the_router() {
    let importing: Vec<String> = importers("", "crate::app")
        .into_iter()
        .filter(|file| file != "lib.rs" && file != "main.rs")
        .collect();
    assert!(
        importing.is_empty(),
        "these import the router (src/app.rs), which only lib.rs may: {importing:?}; \
         route helpers are in src/routing.rs, prefetching in src/chunks.rs"
    );
}

#[test]
fn components_import_no_pages() {
    let importing = importers("components", "crate::pages");
    assert!(
        importing.is_empty(),
        "these components import pages: {importing:?}; move what they share into components/"
    );
}

/// The files under `src/<under>` that mention any of `words`.
fn mentioning(under: &str, words: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root.join(under), &mut files);
    let mut found: Vec<(String, String)> = files
        .into_iter()
        .flat_map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file.strip_prefix(&root).unwrap().display().to_string();
            words
                .iter()
                .filter(|word| text.contains(**word))
                .map(|word| (name.clone(), word.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found
}

#[test]
fn api_modules_are_single_calls_and_flows_live_in_flows() {
    // Storage, timers and plans are what a procedure of several calls needs: src/flows/.
    let found = mentioning(
        "api",
        &[
            "local_storage",
            "set_timeout",
            "sleep(",
            "crate::project",
            "crate::flows",
            "crate::pages",
            "crate::components",
        ],
    );
    assert!(
        found.is_empty(),
        "api/ is one thin module per resource; these belong in src/flows/: {found:?}"
    );
}

#[test]
fn flows_know_nothing_of_what_is_shown() {
    let found = mentioning("flows", &["crate::pages", "crate::components", "leptos::"]);
    assert!(
        found.is_empty(),
        "flows are called by pages and must not reach back into them: {found:?}"
    );
}

/// Each page a split function in `src/chunks.rs` opens is in the folder of that function's
/// chunk (`src/pages/<chunk>/`), so the tree shows what loads together.
#[test]
fn pages_sit_in_the_folder_of_their_chunk() {
    let chunks =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/chunks.rs"))
            .unwrap();
    let imported = |component: &str| -> Option<String> {
        chunks.lines().find_map(|line| {
            let path = line.strip_prefix("use crate::pages::")?.strip_suffix(';')?;
            let (module, names) = path.rsplit_once("::")?;
            let names = names.trim_matches(['{', '}']);
            names
                .split(',')
                .any(|n| n.trim() == component)
                .then(|| module.to_owned())
        })
    };
    let mut misplaced = Vec::new();
    let mut seen = 0;
    let mut chunk = None;
    for line in chunks.lines() {
        if let Some(rest) = line.strip_prefix("#[wasm_split(") {
            chunk = rest.split(',').next().map(str::to_owned);
        }
        if let (Some(group), Some(start)) = (&chunk, line.find("view! { <")) {
            let component: String = line[start + "view! { <".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let module = imported(&component).unwrap_or_default();
            if !module.starts_with(&format!("{group}::")) {
                misplaced.push(format!("{component} (chunk {group}) in pages::{module}"));
            }
            seen += 1;
            chunk = None;
        }
    }
    assert!(seen >= 4, "no split function found in src/chunks.rs");
    assert!(
        misplaced.is_empty(),
        "pages outside their chunk's folder: {misplaced:?}"
    );
}

/// Lines of code a source file may hold before its unit tests: past it, a file holds more than
/// one job and is split (a component into its parts, a page into a folder, a module into a folder
/// of its jobs).
const LINE_BUDGET: usize = 400;

#[test]
fn no_source_file_is_over_the_line_budget() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    sources(&root.join("xtask/src"), &mut files);
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let mut over: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let code = text
                .lines()
                .take_while(|line| !line.starts_with("#[cfg(test)]"))
                .count();
            let name = file.strip_prefix(root).unwrap().display().to_string();
            (code > LINE_BUDGET).then(|| format!("{name}: {code} lines"))
        })
        .collect();
    over.sort();
    assert!(
        over.is_empty(),
        "over the budget of {LINE_BUDGET} lines before the unit tests (split by job): {over:?}"
    );
}
