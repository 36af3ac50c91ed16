//! Which dependency versions npm could install: a valid npm semver version or range
//! (node-semver's grammar), or the dist-tag `latest`; git URLs, paths, aliases and other tags
//! are not. The emulator fails a build with any other version, as npm would fail Twilio's; the
//! console warns about one as it is typed.

/// Whether npm could resolve `spec` as a version, a range, `*` or `latest`.
pub fn is_valid_spec(spec: &str) -> bool {
    let spec = spec.trim();
    if spec.is_empty() || spec == "latest" {
        return true;
    }
    spec.split("||").all(|set| is_range_set(set.trim()))
}

/// `1.2.3 - 2.3.4`, or comparators separated by spaces (`>=1.2.7 <1.3.0`).
fn is_range_set(set: &str) -> bool {
    let tokens: Vec<&str> = set.split_whitespace().collect();
    if let [low, "-", high] = tokens.as_slice() {
        return is_partial(low) && is_partial(high);
    }
    if tokens.is_empty() {
        return false;
    }
    // An operator may stand apart from its version (`>= 1.2.3`): glue it back on.
    let mut comparators = Vec::new();
    let mut pending = String::new();
    for token in tokens {
        pending.push_str(token);
        if !OPERATORS.contains(&token) {
            comparators.push(std::mem::take(&mut pending));
        }
    }
    pending.is_empty()
        && comparators
            .iter()
            .all(|comparator| is_comparator(comparator))
}

const OPERATORS: [&str; 9] = ["<=", ">=", "~>", "<", ">", "=", "~", "^", ""];

fn is_comparator(comparator: &str) -> bool {
    let version = OPERATORS
        .iter()
        .find_map(|op| comparator.strip_prefix(op).filter(|_| !op.is_empty()));
    is_partial(version.unwrap_or(comparator))
}

/// `1`, `1.2`, `1.x`, `v1.2.3-beta.1+build.5`, `*`.
fn is_partial(version: &str) -> bool {
    let version = version.strip_prefix(['v', '=']).unwrap_or(version);
    let (core, build) = version
        .split_once('+')
        .map_or((version, None), |(core, build)| (core, Some(build)));
    let (numbers, prerelease) = core
        .split_once('-')
        .map_or((core, None), |(numbers, pre)| (numbers, Some(pre)));
    let parts: Vec<&str> = numbers.split('.').collect();
    let numeric_ok =
        (1..=3).contains(&parts.len()) && parts.iter().all(|part| is_number_or_wildcard(part));
    let tail_ok = [prerelease, build]
        .into_iter()
        .flatten()
        .all(is_identifiers);
    let tail_needs_full = (prerelease.is_some() || build.is_some()) && parts.len() != 3;
    numeric_ok && tail_ok && !tail_needs_full
}

fn is_number_or_wildcard(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
        || (!part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0')))
}

fn is_identifiers(text: &str) -> bool {
    text.split('.')
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::is_valid_spec;

    #[test]
    fn npm_versions_and_ranges_pass() {
        for spec in [
            "4.17.21",
            "^5.0.0",
            "~1.2",
            "*",
            "latest",
            "",
            "1.x",
            "1.2.X",
            ">=1.2.7 <1.3.0",
            ">= 1.2.7",
            "1.2.3 - 2.3.4",
            "^1.0.0 || ^2.0.0",
            "v1.2.3",
            "1.0.0-beta.1",
            "1.0.0-rc.1+build.5",
            "~>3.2",
            "=2.0.0",
            "0.0.0",
        ] {
            assert!(is_valid_spec(spec), "{spec}");
        }
    }

    #[test]
    fn anything_else_fails() {
        for spec in [
            "not-a-version",
            "next",
            "1.2.3.4",
            "01.2.3",
            "^",
            ">=",
            "1.2-beta",
            "git+https://github.com/x/y.git",
            "file:../lib",
            "npm:lodash@4",
            "1.2.3 -",
            "|| 1.0.0",
            "1.0.0-",
            "a.b.c",
        ] {
            assert!(!is_valid_spec(spec), "{spec}");
        }
    }
}
