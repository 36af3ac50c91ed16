//! The console's size as browsers download it: each wasm, JS and CSS file of dist/, raw, gzip
//! (level 9) and brotli (quality 11), and the part of it that a first visit fetches.

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

/// The files of `dist` at the given URL paths (as a browser fetched them), those that are wasm,
/// JS or CSS, summed.
pub fn fetched(dist: &Path, paths: &[String]) -> anyhow::Result<Sizes> {
    let mut total = Sizes::default();
    for path in paths {
        let file = dist.join(path.trim_start_matches('/'));
        let counted = ["wasm", "js", "css"]
            .iter()
            .any(|kind| file.extension().is_some_and(|e| e == *kind));
        if counted && file.is_file() {
            total += measure(&std::fs::read(&file)?)?;
        }
    }
    Ok(total)
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
