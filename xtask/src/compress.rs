//! Precompressed siblings of the console's files (`x.wasm.br`, `x.wasm.gz`), written once at
//! build time at the highest levels. The relay serves them as they are (tower-http's
//! `precompressed_br`/`precompressed_gzip`), so a cold load no longer waits for the wasm to be
//! compressed on the fly at a fast, weak level; nginx (`gzip_static`, `brotli_static`) and most
//! static hosts can serve the same files.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Only what browsers download; the compressed forms of small files cost more than they save.
const EXTENSIONS: [&str; 4] = ["wasm", "js", "css", "html"];
const MIN_BYTES: u64 = 1024;

pub fn precompress(dist: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e));
        if !wanted || std::fs::metadata(&path)?.len() < MIN_BYTES {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();

        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        std::fs::write(path.with_file_name(format!("{name}.gz")), gzip.finish()?)?;

        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params)?;
        std::fs::write(path.with_file_name(format!("{name}.br")), brotli)?;
    }
    Ok(())
}
