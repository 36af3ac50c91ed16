//! Which project files a deploy skips: gitignore-style patterns from `.twilioserverlessignore`
//! on top of the toolkit's defaults (`node_modules` and dotfiles).

/// An ordered list of gitignore rules; the last rule that matches a path decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    glob: String,
    negate: bool,
    dir_only: bool,
    /// Matched against the whole path rather than any one name in it.
    anchored: bool,
}

/// What is skipped even without an ignore file.
pub const DEFAULTS: &str = "node_modules/\n.*\n";

impl Ignore {
    /// The defaults followed by the project's own patterns (`.twilioserverlessignore`).
    pub fn with_defaults(project: &str) -> Ignore {
        let mut ignore = Ignore::parse(DEFAULTS);
        ignore.rules.extend(Ignore::parse(project).rules);
        ignore
    }

    /// Parses gitignore lines: `#` comments, `!` negation, a trailing `/` for directories only,
    /// a leading or inner `/` anchors to the project root, `*`, `?`, `**` and `[…]` wildcards.
    pub fn parse(text: &str) -> Ignore {
        let rules = text
            .lines()
            .filter_map(|line| {
                let line = line.trim_end();
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let (negate, line) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, line.strip_prefix('\\').unwrap_or(line)),
                };
                let (dir_only, line) = match line.strip_suffix('/') {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                let anchored = line.contains('/');
                let glob = line.trim_start_matches('/').to_owned();
                (!glob.is_empty()).then_some(Rule {
                    glob,
                    negate,
                    dir_only,
                    anchored,
                })
            })
            .collect();
        Ignore { rules }
    }

    /// Whether the file at `path` (relative to the project root, `/` separators) is skipped.
    /// As in git, nothing inside an ignored directory can be re-included.
    pub fn is_ignored(&self, path: &str) -> bool {
        let path = path.trim_start_matches('/');
        let mut end = 0;
        for segment in path.split('/') {
            end += segment.len();
            let prefix = &path[..end];
            let is_dir = end < path.len();
            if self.decides(prefix, is_dir) {
                return true;
            }
            end += 1;
        }
        false
    }

    fn decides(&self, path: &str, is_dir: bool) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.rules
            .iter()
            .rev()
            .find(|rule| {
                (is_dir || !rule.dir_only)
                    && if rule.anchored {
                        glob(rule.glob.as_bytes(), path.as_bytes())
                    } else {
                        glob(rule.glob.as_bytes(), name.as_bytes())
                    }
            })
            .is_some_and(|rule| !rule.negate)
    }
}

/// Matches `text` against a glob: `*`, `?` and `[…]` classes stay within one path segment, `**`
/// crosses them, `**/` also matches no directory at all, and `\\` makes the next byte literal.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern {
        [] => text.is_empty(),
        [b'*', b'*', b'/', rest @ ..] => {
            // Zero or more whole directories.
            glob(rest, text)
                || (0..text.len()).any(|i| text[i] == b'/' && glob(rest, &text[i + 1..]))
        }
        [b'*', b'*', rest @ ..] => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
        [b'*', rest @ ..] => {
            let limit = text.iter().position(|&c| c == b'/').unwrap_or(text.len());
            (0..=limit).any(|skip| glob(rest, &text[skip..]))
        }
        [b'?', rest @ ..] => matches!(text, [c, tail @ ..] if *c != b'/' && glob(rest, tail)),
        [b'[', class @ ..] if class_end(class).is_some() => {
            let end = class_end(class).unwrap_or_default();
            matches!(text, [c, tail @ ..]
                if *c != b'/' && in_class(&class[..end], *c) && glob(&class[end + 1..], tail))
        }
        [b'\\', c, rest @ ..] => matches!(text, [t, tail @ ..] if t == c && glob(rest, tail)),
        [c, rest @ ..] => matches!(text, [t, tail @ ..] if t == c && glob(rest, tail)),
    }
}

/// Where the `]` closing a class opened just before `class` is; a `]` first (after any `!` or `^`)
/// is a member, and a class with no closing `]` is no class at all (the `[` is literal, as in git).
fn class_end(class: &[u8]) -> Option<usize> {
    let start = usize::from(matches!(class.first(), Some(b'!' | b'^')));
    let first = start + 1;
    class
        .get(first..)?
        .iter()
        .position(|&c| c == b']')
        .map(|i| first + i)
}

/// `[abc]`, `[a-z]` and their negations `[!…]` and `[^…]`.
fn in_class(class: &[u8], c: u8) -> bool {
    let (negate, members) = match class {
        [b'!' | b'^', members @ ..] => (true, members),
        members => (false, members),
    };
    let mut found = false;
    let mut i = 0;
    while i < members.len() {
        if members.get(i + 1) == Some(&b'-') && i + 2 < members.len() {
            found |= (members[i]..=members[i + 2]).contains(&c);
            i += 3;
        } else {
            found |= members[i] == c;
            i += 1;
        }
    }
    found != negate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_skip_node_modules_and_dotfiles() {
        let ignore = Ignore::with_defaults("");
        for path in [
            "node_modules/twilio/index.js",
            "functions/node_modules/x.js",
            ".env",
            "assets/.DS_Store",
            ".git/config",
            "functions/.hidden/a.js",
        ] {
            assert!(ignore.is_ignored(path), "{path}");
        }
        for path in ["functions/hello.js", "assets/img/logo.png", "package.json"] {
            assert!(!ignore.is_ignored(path), "{path}");
        }
    }

    #[test]
    fn gitignore_patterns() {
        let ignore = Ignore::parse(
            "# comment\n*.log\n/assets/drafts/\nfunctions/**/test-*.js\n!keep.log\nbuild\n**/tmp\n",
        );
        let cases = [
            ("debug.log", true),
            ("assets/deep/debug.log", true),
            ("assets/keep.log", false),
            ("assets/drafts/a.html", true),
            ("functions/assets/drafts/a.html", false),
            ("functions/test-a.js", true),
            ("functions/a/b/test-a.js", true),
            ("functions/a/b/atest-a.js", false),
            ("build", true),
            ("assets/build/x.css", true),
            ("assets/tmp/x", true),
            ("functions/builder.js", false),
        ];
        for (path, ignored) in cases {
            assert_eq!(ignore.is_ignored(path), ignored, "{path}");
        }
    }

    #[test]
    fn directory_rules_skip_only_directories_and_cannot_be_undone_inside() {
        let ignore = Ignore::parse("logs/\n!logs/keep.txt\n");
        assert!(ignore.is_ignored("logs/keep.txt"));
        assert!(!ignore.is_ignored("assets/logs"));
    }

    #[test]
    fn globs() {
        assert!(glob(b"*.js", b"a.js"));
        assert!(!glob(b"*.js", b"a/b.js"));
        assert!(glob(b"a/**/b", b"a/b"));
        assert!(glob(b"a/**/b", b"a/x/y/b"));
        assert!(glob(b"a/**", b"a/x/y"));
        assert!(glob(b"?.txt", b"x.txt"));
        assert!(!glob(b"?.txt", b"xy.txt"));
    }

    #[test]
    fn character_classes_and_escapes() {
        assert!(glob(b"[abc].js", b"b.js"));
        assert!(!glob(b"[abc].js", b"d.js"));
        assert!(glob(b"v[0-9].txt", b"v7.txt"));
        assert!(!glob(b"v[0-9].txt", b"vx.txt"));
        assert!(glob(b"[!a-c]*", b"draft"));
        assert!(!glob(b"[!a-c]*", b"build"));
        assert!(glob(b"[^a-c]*", b"draft"));
        assert!(glob(b"[]]", b"]"));
        assert!(glob(b"[a-]", b"-"));
        assert!(!glob(b"a[/]b", b"a/b"), "a class never matches a separator");
        assert!(
            glob(b"[unclosed", b"[unclosed"),
            "an unclosed class is literal"
        );
        assert!(glob(b"\\*.js", b"*.js"));
        assert!(!glob(b"\\*.js", b"a.js"));
        let ignore = Ignore::parse("*.[oa]\n!lib.a\n");
        assert!(ignore.is_ignored("build/main.o"));
        assert!(!ignore.is_ignored("lib.a"));
        assert!(!ignore.is_ignored("main.c"));
    }
}
