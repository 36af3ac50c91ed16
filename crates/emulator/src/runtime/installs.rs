//! One installed `node_modules` per exact dependency set, kept beside the shared npm cache, so a
//! build whose `package.json` (and Node version) was installed before gets that install as hard
//! links in a fraction of a second instead of running `npm install` again (thousands of files,
//! seconds even with a warm cache).
//!
//! Every kept install was made by a real, successful `npm install` of a build; nothing is
//! simulated. A set is kept under `<npm cache>/_switchboard_installs/<key>/`, with `manifest`
//! (the exact `package.json` and Node version it was installed for, compared in full on reuse,
//! so the short key's collisions cannot mix sets up) and `node_modules/`. It appears there by an
//! atomic rename once complete, so a reader never sees half of one, and two builds keeping one
//! set at once leave one copy. Files that cannot be hard-linked (the builds on another file
//! system) are copied; when that fails too (a kept install removed by hand meanwhile) the build
//! runs its own `npm install`, as before.

use std::path::{Path, PathBuf};

/// The folder in the npm cache that holds the kept installs.
const FOLDER: &str = "_switchboard_installs";

#[derive(Clone)]
pub struct Installs {
    root: PathBuf,
}

impl Installs {
    pub fn new(npm_cache: &Path) -> Installs {
        Installs {
            root: npm_cache.join(FOLDER),
        }
    }

    /// Gives `dir` the kept install of `manifest` as `dir/node_modules`; false when there is
    /// none or it could not be linked (then nothing is left behind in `dir`).
    pub fn link_into(&self, manifest: &str, dir: &Path) -> bool {
        let kept = self.root.join(key_of(manifest));
        if std::fs::read_to_string(kept.join("manifest"))
            .ok()
            .as_deref()
            != Some(manifest)
        {
            return false;
        }
        let target = dir.join("node_modules");
        match link_tree(&kept.join("node_modules"), &target) {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(%error, "a kept install could not be linked; npm installs instead");
                let _ = std::fs::remove_dir_all(&target);
                false
            }
        }
    }

    /// Keeps `dir/node_modules`, just installed by npm for `manifest`, for later builds.
    pub fn keep(&self, manifest: &str, dir: &Path) {
        let kept = self.root.join(key_of(manifest));
        if kept.exists() {
            return;
        }
        let staging = self.root.join(format!(
            ".{}-{}-{:08x}",
            key_of(manifest),
            std::process::id(),
            rand::random::<u32>()
        ));
        let made = std::fs::create_dir_all(&staging)
            .and_then(|()| link_tree(&dir.join("node_modules"), &staging.join("node_modules")))
            .and_then(|()| std::fs::write(staging.join("manifest"), manifest))
            .and_then(|()| std::fs::rename(&staging, &kept));
        if let Err(error) = made {
            // Another build kept this set first, or linking is not possible here: builds of
            // this set then install for themselves, as before.
            tracing::debug!(%error, "an install was not kept for reuse");
            let _ = std::fs::remove_dir_all(&staging);
        }
    }
}

/// The name of a set's folder: FNV-1a (64 bits) of its manifest, stable across Rust versions.
fn key_of(manifest: &str) -> String {
    let hash = manifest
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// Recreates the tree `from` at `to`: folders made, files hard-linked (copied where they cannot
/// be), symbolic links (npm's `.bin` entries, relative) copied as links.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            link_tree(&entry.path(), &target)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else if let Err(error) = std::fs::hard_link(entry.path(), &target) {
            // Another file system (a tmpfs /tmp holding the builds): a copy is still far
            // quicker than npm.
            tracing::trace!(%error, "copying instead of linking");
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_differ_per_set() {
        assert_eq!(key_of(""), "cbf29ce484222325");
        assert_ne!(key_of("{\"a\": \"1\"}\nv20"), key_of("{\"a\": \"1\"}\nv22"));
    }

    #[test]
    fn a_kept_install_is_linked_only_for_its_exact_manifest() {
        let base = std::env::temp_dir().join(format!(
            "switchboard-installs-unit-{:08x}",
            rand::random::<u32>()
        ));
        let installs = Installs::new(&base.join("npm"));
        let first = base.join("first");
        std::fs::create_dir_all(first.join("node_modules/pkg/.bin")).unwrap();
        std::fs::write(first.join("node_modules/pkg/index.js"), "x").unwrap();
        std::os::unix::fs::symlink("../index.js", first.join("node_modules/pkg/.bin/run")).unwrap();
        assert!(!installs.link_into("set", &base));
        installs.keep("set", &first);
        let second = base.join("second");
        std::fs::create_dir_all(&second).unwrap();
        assert!(!installs.link_into("other set", &second));
        assert!(!second.join("node_modules").exists());
        assert!(installs.link_into("set", &second));
        assert_eq!(
            std::fs::read_to_string(second.join("node_modules/pkg/.bin/run")).unwrap(),
            "x"
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
