//! How twilio-run turns a project file into a Path and Visibility: functions lose their `.js`
//! extension, assets keep theirs, and a `.protected.` or `.private.` marker before the extension
//! sets the visibility and is removed from the path.

use crate::Visibility;

/// Whether a file is a function (code) or an asset (static file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Function,
    Asset,
}

/// `relative` is the file's path below `functions/` or `assets/`, with `/` separators.
pub fn path_and_visibility(kind: CodeKind, relative: &str) -> (String, Visibility) {
    let relative = relative.trim_start_matches('/');
    let (dir, name) = match relative.rsplit_once('/') {
        Some((dir, name)) => (format!("/{dir}/"), name),
        None => ("/".to_owned(), relative),
    };
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    };
    let (stem, visibility) = if let Some(s) = stem.strip_suffix(".protected") {
        (s, Visibility::Protected)
    } else if let Some(s) = stem.strip_suffix(".private") {
        (s, Visibility::Private)
    } else {
        (stem, Visibility::Public)
    };
    let path = match (kind, extension) {
        (CodeKind::Function, Some("js")) | (_, None) => format!("{dir}{stem}"),
        (_, Some(ext)) => format!("{dir}{stem}.{ext}"),
    };
    (path, visibility)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_twilio_run() {
        use CodeKind::*;
        use Visibility::*;
        let cases = [
            (Function, "hello.js", "/hello", Public),
            (
                Function,
                "api/sms/reply.protected.js",
                "/api/sms/reply",
                Protected,
            ),
            (Function, "lib/util.private.js", "/lib/util", Private),
            (Asset, "style.css", "/style.css", Public),
            (Asset, "data.private.json", "/data.json", Private),
            (Asset, "img/logo.protected.png", "/img/logo.png", Protected),
            (Asset, "LICENSE", "/LICENSE", Public),
        ];
        for (kind, file, path, visibility) in cases {
            assert_eq!(
                path_and_visibility(kind, file),
                (path.to_owned(), visibility),
                "{file}"
            );
        }
    }
}
