//! Tidy check of an architecture invariant (as rust-analyzer's tidy tests do): `switchboard-models`
//! depends only on the crates docs/ARCHITECTURE.md names, so it stays free of I/O and builds for
//! the browser and the servers alike.

use std::path::Path;

/// The documented list. A new entry needs a real reason, a line in docs/ARCHITECTURE.md's
/// invariant and a comment in Cargo.toml.
const ALLOWED: [&str; 3] = ["serde", "serde_json", "thiserror"];

#[test]
fn models_depends_only_on_the_documented_crates() {
    let manifest = read("Cargo.toml");
    let dependencies = dependencies(&manifest);
    let unexpected: Vec<&str> = dependencies
        .iter()
        .map(String::as_str)
        .filter(|name| !ALLOWED.contains(name))
        .collect();
    assert!(
        unexpected.is_empty(),
        "crates/models/Cargo.toml depends on {unexpected:?}, which docs/ARCHITECTURE.md does not \
         allow (only {ALLOWED:?}): move the code that needs it out of models, or document why"
    );
    for name in ALLOWED {
        assert!(
            dependencies.iter().any(|d| d == name),
            "{name} is allowed but no longer used: take it off the list and the docs"
        );
    }
}

#[test]
fn the_architecture_document_names_the_same_list() {
    let doc = read("../../docs/ARCHITECTURE.md");
    let invariant = doc
        .lines()
        .find(|line| line.starts_with("**Architecture Invariant:** `switchboard-models`"))
        .expect("docs/ARCHITECTURE.md states the models invariant");
    for name in ALLOWED {
        assert!(
            invariant.contains(&format!("`{name}`")),
            "the invariant does not name `{name}`: {invariant}"
        );
    }
}

#[test]
fn every_kind_of_dependency_table_is_read() {
    let manifest = r#"
[package]
name = "x"

[dependencies]
serde = { workspace = true }
tokio.workspace = true

[dependencies.reqwest]
version = "0.12"

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[build-dependencies]
cc = "1"

[dev-dependencies]
proptest = "1"
"#;
    assert_eq!(
        dependencies(manifest),
        ["serde", "tokio", "reqwest", "libc", "cc"]
    );
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names of every dependency that ships with the crate: `[dependencies]`,
/// `[build-dependencies]`, their `[target.….…]` forms and `[dependencies.<name>]` tables.
/// Dev-dependencies are left out; they never reach a build of the console or a server.
fn dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_table = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']');
            let (table, entry) = match header.rsplit_once("dependencies") {
                Some((before, after)) => (before, after),
                None => (header, ""),
            };
            let shipping = header.contains("dependencies") && !table.ends_with("dev-");
            in_table = shipping && entry.is_empty();
            if shipping && let Some(name) = entry.strip_prefix('.') {
                names.push(name.to_owned());
            }
            continue;
        }
        if in_table && !line.is_empty() && !line.starts_with('#') {
            let key = line.split(['=', '.']).next().unwrap_or_default().trim();
            names.push(key.to_owned());
        }
    }
    names
}
