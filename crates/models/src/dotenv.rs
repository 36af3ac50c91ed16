//! `.env` files: what a twilio-run project keeps its variables in, and what the relay may read
//! its credentials from.

/// `KEY`, `value` pairs in a file's order.
pub type Pairs = Vec<(String, String)>;

/// Parses `KEY=value` lines. Blank lines and `#` comments are skipped, `export ` is allowed, and
/// values may be single- or double-quoted (double quotes understand `\n`, `\"` and `\\`).
/// Unquoted values end at an inline ` #` comment. Lines without `=` are reported by line number.
pub fn parse(text: &str) -> Result<Pairs, usize> {
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
    fn a_deploy_leaves_out_credentials_and_empty_values() {
        let pairs =
            parse("ACCOUNT_SID=AC1\nAUTH_TOKEN=secret\nGREETING=hi\nTODO=\nTWILIO_AUTH_TOKEN=x\n")
                .unwrap();
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
    fn reports_the_bad_line() {
        assert_eq!(parse("A=1\nnot a pair\n"), Err(2));
        assert_eq!(parse("=value"), Err(1));
    }
}
