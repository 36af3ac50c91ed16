//! `.env` files: what a twilio-run project keeps its variables in, and what the relay may read
//! its credentials from.

/// `KEY`, `value` pairs in a file's order.
pub type Pairs = Vec<(String, String)>;

/// A file's pairs, and the lines that were not pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub pairs: Pairs,
    /// Line numbers (from 1) without `KEY=`: skipped, as dotenv (and so twilio-run) skips them,
    /// and reported by whoever reads the file.
    pub skipped: Vec<usize>,
}

/// Parses `KEY=value` lines. Blank lines and `#` comments are skipped, `export ` is allowed, and
/// values may be single- or double-quoted (double quotes understand `\n`, `\"` and `\\`).
/// Unquoted values end at an inline ` #` comment.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        match line.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => parsed
                .pairs
                .push((key.trim().to_owned(), unquote(value.trim()))),
            _ => parsed.skipped.push(index + 1),
        }
    }
    parsed
}

/// "line 7" or "lines 7 and 9", for saying which lines were skipped.
pub fn lines_in_words(lines: &[usize]) -> String {
    let numbers: Vec<String> = lines.iter().map(ToString::to_string).collect();
    match numbers.as_slice() {
        [] => String::new(),
        [one] => format!("line {one}"),
        [rest @ .., last] => format!("lines {} and {last}", rest.join(", ")),
    }
}

/// Why a `.env` entry is not uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `ACCOUNT_SID` or `AUTH_TOKEN`: Twilio gives every function its account's SID and auth
    /// token itself, and a project's `.env` holds them only for local runs and the CLI.
    Credential,
    /// An empty value: a placeholder for something not filled in yet.
    Empty,
}

impl LeftOut {
    pub fn reason(self) -> &'static str {
        match self {
            LeftOut::Credential => {
                "not uploaded: Twilio gives every function its account's credentials itself"
            }
            LeftOut::Empty => "not uploaded: the value is empty",
        }
    }
}

/// What twilio-run uploads from a `.env` (its `filterEnvVariablesForDeploy`): everything but
/// empty values, `ACCOUNT_SID` and `AUTH_TOKEN`. Returns the pairs kept, and the keys left out
/// with why, in the file's order.
pub fn for_deploy(pairs: Pairs) -> (Pairs, Vec<(String, LeftOut)>) {
    let mut kept = Vec::with_capacity(pairs.len());
    let mut left_out = Vec::new();
    for (key, value) in pairs {
        if key == "ACCOUNT_SID" || key == "AUTH_TOKEN" {
            left_out.push((key, LeftOut::Credential));
        } else if value.is_empty() {
            left_out.push((key, LeftOut::Empty));
        } else {
            kept.push((key, value));
        }
    }
    (kept, left_out)
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
        let pairs = parse(text).pairs;
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
    fn a_deploy_leaves_out_credentials_and_empty_values() {
        let pairs =
            parse("ACCOUNT_SID=AC1\nAUTH_TOKEN=secret\nGREETING=hi\nTODO=\nTWILIO_AUTH_TOKEN=x\n")
                .pairs;
        let (kept, left_out) = for_deploy(pairs);
        assert_eq!(
            kept,
            [
                ("GREETING".to_owned(), "hi".to_owned()),
                // Only the two names twilio-run drops; anything else is the user's own.
                ("TWILIO_AUTH_TOKEN".to_owned(), "x".to_owned()),
            ]
        );
        assert_eq!(
            left_out,
            [
                ("ACCOUNT_SID".to_owned(), LeftOut::Credential),
                ("AUTH_TOKEN".to_owned(), LeftOut::Credential),
                ("TODO".to_owned(), LeftOut::Empty),
            ]
        );
    }

    #[test]
    fn lines_that_are_not_pairs_are_skipped_and_reported() {
        let parsed = parse("A=1\nnot a pair\nB=2\n=value\n");
        assert_eq!(
            parsed.pairs,
            [("A".into(), "1".into()), ("B".into(), "2".into())]
        );
        assert_eq!(parsed.skipped, [2, 4]);
        assert_eq!(lines_in_words(&parsed.skipped), "lines 2 and 4");
        assert_eq!(lines_in_words(&[7]), "line 7");
        assert_eq!(lines_in_words(&[1, 2, 3]), "lines 1, 2 and 3");
    }
}
