//! Where a build's files go in its folder, as Twilio's packager lays them out: Functions at
//! `functions/<path>.js`, Assets at `assets/<path>`, and a `package.json` with the build's
//! Dependencies plus `@twilio/runtime-handler` unless the build pins it. What cannot be laid out
//! is refused before anything is written.

use std::collections::BTreeSet;
use switchboard_models::Dependency;
use switchboard_models::dependencies::is_valid_name;

/// The runtime Twilio adds to a build that does not name one (npm's latest today).
pub const RUNTIME_HANDLER: &str = "@twilio/runtime-handler";
pub const RUNTIME_HANDLER_VERSION: &str = "2.1.0";

/// A Function's or Asset's place in a build.
pub struct Entry<'a> {
    pub is_function: bool,
    pub path: &'a str,
}

/// The file of `entry`, relative to the build folder, or why it cannot have one: a path must be
/// `/`-separated names, none empty, `.` or `..`, so nothing lands outside the folder.
pub fn file_of(entry: &Entry<'_>) -> Result<String, String> {
    let path = entry.path;
    let names: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let bad = names.iter().any(|name| {
        name.is_empty()
            || *name == "."
            || *name == ".."
            || name.contains(['\\', '\0'])
            || name.len() > 255
    });
    if bad {
        return Err(format!(
            "Path {path} cannot be laid out in a build: it must be /-separated names, none empty, . or .."
        ));
    }
    let relative = names.join("/");
    Ok(if entry.is_function {
        format!("functions/{relative}.js")
    } else {
        format!("assets/{relative}")
    })
}

/// Checks a whole build: every path laid out, no two entries at one path or one file inside
/// another's, every dependency a name npm accepts.
pub fn check(entries: &[Entry<'_>], dependencies: &[Dependency]) -> Result<(), String> {
    let mut paths = BTreeSet::new();
    let mut files = BTreeSet::new();
    for entry in entries {
        if !paths.insert(entry.path) {
            return Err(format!("Path {} is used twice in this build", entry.path));
        }
        files.insert(file_of(entry)?);
    }
    // Sorted, a file that is another's folder comes right before it.
    let files: Vec<&String> = files.iter().collect();
    for pair in files.windows(2) {
        if pair[1].starts_with(&format!("{}/", pair[0])) {
            return Err(format!(
                "{} and {} cannot both be laid out: one would be the other's folder",
                pair[0], pair[1]
            ));
        }
    }
    for dependency in dependencies {
        if !is_valid_name(&dependency.name) {
            return Err(format!(
                "Dependency name {:?} is not a name npm accepts",
                dependency.name
            ));
        }
    }
    Ok(())
}

/// The build's `package.json`.
pub fn package_json(dependencies: &[Dependency]) -> String {
    let mut map = serde_json::Map::new();
    for dependency in dependencies {
        let version = if dependency.version.is_empty() {
            "*"
        } else {
            &dependency.version
        };
        map.insert(dependency.name.clone(), version.into());
    }
    map.entry(RUNTIME_HANDLER)
        .or_insert_with(|| RUNTIME_HANDLER_VERSION.into());
    serde_json::to_string_pretty(&serde_json::json!({
        "name": "twilio-serverless-build",
        "version": "1.0.0",
        "private": true,
        "dependencies": map,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(path: &str) -> Entry<'_> {
        Entry {
            is_function: true,
            path,
        }
    }

    fn asset(path: &str) -> Entry<'_> {
        Entry {
            is_function: false,
            path,
        }
    }

    #[test]
    fn paths_are_laid_out_under_their_kind() {
        assert_eq!(
            file_of(&function("/sms/reply")).unwrap(),
            "functions/sms/reply.js"
        );
        assert_eq!(file_of(&asset("/style.css")).unwrap(), "assets/style.css");
    }

    #[test]
    fn escaping_paths_are_refused() {
        for path in [
            "/../x",
            "/a/../../x",
            "/a//b",
            "/./a",
            "/a/",
            "/..",
            "/a\\..\\b",
        ] {
            assert!(file_of(&asset(path)).is_err(), "{path}");
            assert!(file_of(&function(path)).is_err(), "{path}");
        }
    }

    #[test]
    fn collisions_and_bad_names_are_refused() {
        assert!(check(&[asset("/a"), asset("/a/b")], &[]).is_err());
        assert!(check(&[function("/a"), asset("/a")], &[]).is_err());
        assert!(check(&[function("/a"), function("/a/b")], &[]).is_ok());
        let bad = Dependency {
            name: "../evil".into(),
            version: "1".into(),
        };
        assert!(check(&[function("/a")], &[bad]).is_err());
    }

    #[test]
    fn runtime_handler_is_added_unless_pinned() {
        let added: serde_json::Value = serde_json::from_str(&package_json(&[])).unwrap();
        assert_eq!(
            added["dependencies"][RUNTIME_HANDLER],
            RUNTIME_HANDLER_VERSION
        );
        let pinned = Dependency {
            name: RUNTIME_HANDLER.into(),
            version: "1.3.0".into(),
        };
        let kept: serde_json::Value = serde_json::from_str(&package_json(&[pinned])).unwrap();
        assert_eq!(kept["dependencies"][RUNTIME_HANDLER], "1.3.0");
    }
}
