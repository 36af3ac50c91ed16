//! No credential ships to browsers: every file of the console build (`dist/`) is scanned for the
//! upstream credentials in this environment, for Twilio account and API key SIDs, for private keys
//! and for anything shaped like a Twilio auth token beside an account SID.
//!
//! Runs when a build exists (`cargo xtask test` builds it and sets `SWITCHBOARD_DIST`); without
//! one it says so and passes, since there is nothing to ship yet.

use std::path::{Path, PathBuf};

fn dist() -> Option<PathBuf> {
    let dist = std::env::var_os("SWITCHBOARD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    dist.join("index.html").is_file().then_some(dist)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dist") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// `prefix` followed by exactly 32 hex digits, not inside a longer hex run.
fn sids(bytes: &[u8], prefix: &[u8; 2]) -> Vec<String> {
    let mut found = Vec::new();
    for start in 0..bytes.len().saturating_sub(33) {
        let candidate = &bytes[start..start + 34];
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = bytes.get(start + 34).is_none_or(|b| !b.is_ascii_hexdigit());
        if candidate.starts_with(prefix)
            && candidate[2..].iter().all(u8::is_ascii_hexdigit)
            && before_ok
            && after_ok
        {
            found.push(String::from_utf8_lossy(candidate).into_owned());
        }
    }
    found
}

/// What a file must not contain; each finding is described without echoing a secret in full.
fn findings(bytes: &[u8], secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    for secret in secrets {
        if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
            found.push(format!(
                "a credential from this environment ({}…)",
                &secret[..4]
            ));
        }
    }
    for (prefix, what) in [(b"AC", "an account SID"), (b"SK", "an API key SID")] {
        for sid in sids(bytes, prefix) {
            found.push(format!("{what} {}…", &sid[..6]));
        }
    }
    for marker in [
        "-----BEGIN",
        "PRIVATE KEY",
        "TWILIO_AUTH_TOKEN=",
        "TWILIO_API_SECRET=",
        "AuthToken=",
    ] {
        if text.contains(marker) {
            found.push(format!("the marker {marker:?}"));
        }
    }
    found
}

/// The credentials of this environment, when set: the test must not find them anywhere.
fn environment_secrets() -> Vec<String> {
    [
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_SECRET",
        "SWITCHBOARD_TOKEN",
        "TWILIO_API_KEY",
    ]
    .iter()
    .filter_map(|name| std::env::var(name).ok())
    .filter(|value| value.len() >= 8)
    .collect()
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let planted = b"let a = \"AC0123456789abcdef0123456789abcdef\"; const t = 'my-secret-token-1234'; SKffffffffffffffffffffffffffffffff";
    let found = findings(planted, &["my-secret-token-1234".to_owned()]);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(findings(b"ZS0123456789abcdef0123456789abcdef AC-placeholder", &[]).is_empty());
    assert!(findings(b"xAC0123456789abcdef0123456789abcdef", &[]).is_empty());
}

#[test]
fn the_console_build_holds_no_credential() {
    let Some(dist) = dist() else {
        eprintln!(
            "no console build (dist/index.html): nothing to scan; `cargo xtask test` builds it"
        );
        return;
    };
    let secrets = environment_secrets();
    let files = files(&dist);
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "wasm")),
        "{} has no wasm: not a console build",
        dist.display()
    );
    let mut problems = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).expect("read");
        for finding in findings(&bytes, &secrets) {
            problems.push(format!("{}: {finding}", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "dist/ ships secrets:\n{}",
        problems.join("\n")
    );
}
