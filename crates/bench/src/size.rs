//! The console's size as browsers download it: each wasm, JS and CSS file of dist/, raw, gzip
//! (level 9) and brotli (quality 11), and the part of it that a first visit fetches; the
//! report's section on it.

use crate::Setup;
use crate::report::{Row, Section, failed};
use anyhow::Context;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl std::ops::AddAssign for Sizes {
    fn add_assign(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

/// Sizes by kind (`wasm`, `js`, `css`), in that order, over every file below `dist`.
pub fn console(dist: &Path) -> anyhow::Result<Vec<(&'static str, Sizes)>> {
    let mut totals = vec![
        ("wasm", Sizes::default()),
        ("js", Sizes::default()),
        ("css", Sizes::default()),
    ];
    let mut pending = vec![dist.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if let Some((_, total)) = totals.iter_mut().find(|(kind, _)| *kind == extension) {
                *total += measure(&std::fs::read(&path)?)?;
            }
        }
    }
    Ok(totals)
}

/// The wasm, JS and CSS files among `paths` (URL paths a browser fetched), each counted once.
pub struct Fetched {
    pub files: usize,
    pub sizes: Sizes,
    /// Wasm, JS or CSS paths that are not files of `dist` (a request the server answered with
    /// something else): not counted, and named in the report rather than hidden.
    pub strays: Vec<String>,
}

/// Measures the files of `dist` at the given URL paths.
pub fn fetched(dist: &Path, paths: &[String]) -> anyhow::Result<Fetched> {
    let unique: std::collections::BTreeSet<&String> = paths.iter().collect();
    let mut total = Fetched {
        files: 0,
        sizes: Sizes::default(),
        strays: Vec::new(),
    };
    for path in unique {
        let file = dist.join(path.trim_start_matches('/'));
        let counted = ["wasm", "js", "css"]
            .iter()
            .any(|kind| file.extension().is_some_and(|e| e == *kind));
        if !counted {
            continue;
        }
        if !file.is_file() {
            total.strays.push(path.clone());
            continue;
        }
        let bytes = std::fs::read(&file)
            .with_context(|| format!("{path} was fetched but could not be read"))?;
        total.files += 1;
        total.sizes += measure(&bytes)?;
    }
    Ok(total)
}

/// A sentence naming the requests for files that are not in `dist`, if any.
pub fn strays_note(what: &str, strays: &[String]) -> Option<String> {
    (!strays.is_empty()).then(|| {
        format!(
            "{what} also requested {} wasm, JS or CSS paths that are not files of dist/, not counted above: {}.",
            strays.len(),
            strays.join(", ")
        )
    })
}

/// The first load's ceiling, gzip.
const GOAL: u64 = 250 * 1024;

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// `first_load`: the URL paths Chromium fetched for a cold load of the Services list.
pub fn section(setup: &Setup, first_load: Option<&[String]>) -> Section {
    let kinds = match console(&setup.dist) {
        Ok(kinds) => kinds,
        Err(error) => return failed("Console size", error),
    };
    let mut rows = Vec::new();
    let mut total = Sizes::default();
    for (kind, sizes) in &kinds {
        total += *sizes;
        rows.push(against_goal(kind.to_string(), sizes, false));
    }
    rows.push(against_goal("every page".into(), &total, false));
    let mut notes = vec![
        "Every `.wasm`, `.js` and `.css` file of `dist/`; gzip level 9 (flate2), brotli quality 11. \
         Every page but the Services list is in one of four wasm chunks (and the shared chunks they need), fetched the first time one of its pages opens (src/chunks.rs, xtask/src/split.rs)."
            .to_owned(),
    ];
    match first_load.map(|paths| fetched(&setup.dist, paths)) {
        Some(Ok(Fetched {
            files,
            sizes: first,
            strays,
        })) => {
            rows.push(
                against_goal("first load (the Services list)".into(), &first, true)
                    .goal("≤ 250 KB gzip", first.gzip <= GOAL),
            );
            notes.push(format!(
                "First load: the {files} wasm, JS and CSS files that Chromium fetched for a cold load of the Services list \
                 (Resource Timing of the first cold-load run, up to the moment the list appears): {}.",
                first_load.unwrap_or_default().join(", ")
            ));
            notes.extend(strays_note("The cold load", &strays));
            rows.push(strays_row("cold load", &strays));
        }
        Some(Err(error)) => notes.push(format!("First load not measured: {error:#}.")),
        None => notes.push("First load not measured: the browser part did not run.".into()),
    }
    Section {
        title: "Console size",
        notes,
        rows,
    }
}

/// The number of such requests, against a goal of none: index.html's links are added by its
/// first script once the `<base>` is set, so that no scanner or script fetches one relative to
/// a deep link's path (xtask/src/split.rs); a stray is a missed goal, not only a note.
pub fn strays_row(what: &str, strays: &[String]) -> Row {
    Row::new(
        format!("{what}: requests for wasm, JS or CSS paths not in dist/"),
        strays.len().to_string(),
    )
    .goal("none", strays.is_empty())
}

/// `what`'s sizes, raw / gzip / brotli (`bold` for the figure the goal is about), with its gzip
/// size against the first load's goal.
fn against_goal(what: String, sizes: &Sizes, bold: bool) -> Row {
    let figures = format!(
        "{} / {} / {}",
        kb(sizes.raw),
        kb(sizes.gzip),
        kb(sizes.brotli)
    );
    Row::new(
        format!("{what}: raw / gzip / brotli"),
        if bold {
            format!("**{figures}**")
        } else {
            figures
        },
    )
    .baseline(
        format!("{} (goal, gzip)", kb(GOAL)),
        sizes.gzip as f64 / GOAL as f64,
    )
}

fn measure(bytes: &[u8]) -> anyhow::Result<Sizes> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)?;
    let gzip = gzip.finish()?.len() as u64;
    let mut brotli = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(Sizes {
        raw: bytes.len() as u64,
        gzip,
        brotli: brotli.len() as u64,
    })
}
