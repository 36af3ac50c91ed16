//! `.env` files: what a twilio-run project keeps its variables in, and what the relay may read
//! its credentials from.

/// Parses `KEY=value` lines. Blank lines and `#` comments are skipped, `export ` is allowed, and
/// values may be single- or double-quoted (double quotes understand `\n`, `\"` and `\\`).
/// Unquoted values end at an inline ` #` comment. Lines without `=` are reported by line number.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, usize> {
    let mut pairs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(index + 1);
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(index + 1);
        }
        pairs.push((key.to_owned(), unquote(value.trim())));
    }
    Ok(pairs)
}

fn unquote(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                (c, false) => out.push(c),
            }
        }
        return out;
    }
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.to_owned();
    }
    match value.find(" #") {
        Some(comment) => value[..comment].trim_end().to_owned(),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_shapes() {
        let text = "# comment\nA=1\nexport B = two words \nC=\"line\\nbreak \\\"q\\\"\"\nD='raw \\n'\nE=x # note\nF=\n";
        let pairs = parse(text).unwrap();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("A"), Some("1"));
        assert_eq!(get("B"), Some("two words"));
        assert_eq!(get("C"), Some("line\nbreak \"q\""));
        assert_eq!(get("D"), Some("raw \\n"));
        assert_eq!(get("E"), Some("x"));
        assert_eq!(get("F"), Some(""));
    }

    #[test]
    fn reports_the_bad_line() {
        assert_eq!(parse("A=1\nnot a pair\n"), Err(2));
        assert_eq!(parse("=value"), Err(1));
    }
}
