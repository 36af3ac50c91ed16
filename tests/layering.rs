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
