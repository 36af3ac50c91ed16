//! The style sheets: every custom property the console uses is defined. The vendored Paste
//! tokens (style/paste-tokens.css) hold only the ones in use, so a `var(--…)` added without
//! copying its token would silently fall back to nothing; this says which is missing.

use std::collections::BTreeSet;
use std::path::Path;

/// The custom property names after each `var(` in `text`.
fn used(text: &str) -> BTreeSet<String> {
    text.split("var(")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            name.starts_with("--").then_some(name)
        })
        .collect()
}

/// The custom property names `text` declares (`--name:`).
fn declared(text: &str) -> BTreeSet<String> {
    text.split("--")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            rest[name.len()..]
                .trim_start()
                .starts_with(':')
                .then(|| format!("--{name}"))
        })
        .collect()
}

fn sources(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "css") {
            found.push(std::fs::read_to_string(&path).expect("read"));
        }
    }
}

#[test]
fn every_custom_property_the_console_uses_is_defined() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    sources(&root.join("style"), &mut texts);
    sources(&root.join("src"), &mut texts);
    let (mut wanted, mut defined) = (BTreeSet::new(), BTreeSet::new());
    for text in &texts {
        wanted.extend(used(text));
        defined.extend(declared(text));
    }
    let missing: Vec<&String> = wanted.difference(&defined).collect();
    assert!(
        missing.is_empty(),
        "used but not defined (copy them from @twilio-paste/design-tokens 10.15.0 into style/paste-tokens.css): {missing:?}"
    );
    // The checks themselves.
    assert_eq!(
        used("a: var(--x-1, var( --y));"),
        ["--x-1", "--y"].map(String::from).into()
    );
    assert_eq!(
        declared(":root { --x-1: 1px; --y : 2; }\nb { c: var(--z); }"),
        ["--x-1", "--y"].map(String::from).into()
    );
}
