//! `.env` files: what a twilio-run project keeps its variables in, what the console imports into
//! an environment, and what the relay may read its credentials from.
//!
//! The dialect is dotenv's (the Node package twilio-run reads `.env` with), as its current
//! versions read a file:
//!
//! - one `KEY=value` per line, spaces around `=` allowed; a leading `export ` is ignored;
//! - blank lines and lines starting with `#` are comments; in an unquoted value, ` #` starts one;
//! - a key is letters, digits, `_`, `.` and `-` (dotenv's `[\w.-]+`);
//! - an unquoted value is trimmed; `"…"` understands `\n`, `\r`, `\"` and `\\`; `'…'` and
//!   `` `…` `` are taken as written; a quoted value may span lines, up to the line its closing
//!   quote ends;
//! - a key given twice keeps its last value.
//!
//! Where dotenv would store something the file's author surely did not mean, the line is
//! refused with its reason instead: a key dotenv cannot read (`KEY WITH SPACE=1`, which dotenv
//! drops without a word), a quote that is never closed (`A="x`, which dotenv stores with its
//! quote) and text after a closing quote (`A="x" y`).

use crate::Variable;
use crate::plan::{Change, VariableRow, plan_variables};
use crate::validate;

/// `KEY`, `value` pairs in a file's order.
pub type Pairs = Vec<(String, String)>;

/// A file's pairs, and the lines that were not imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub pairs: Pairs,
    /// Lines refused, with why, in the file's order: reported by whoever reads the file.
    pub skipped: Vec<Skipped>,
    /// Keys whose value spans lines, with its first and last line: a stray quote can make a
    /// value swallow the lines after it, so a preview says where each such value ends.
    pub multiline: Vec<(String, usize, usize)>,
}

impl Parsed {
    /// The numbers of the skipped lines.
    pub fn skipped_lines(&self) -> Vec<usize> {
        self.skipped.iter().map(|s| s.line).collect()
    }
}

/// A line that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// From 1.
    pub line: usize,
    pub why: Skip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// No `=` in the line.
    NotAPair,
    /// The key before `=`, which is not one dotenv reads (empty, or with a space).
    InvalidKey(String),
    /// The key whose quoted value has no closing quote at the end of a line.
    Unclosed(String),
    /// The key whose closing quote has more text after it.
    AfterQuote(String),
}

impl Skip {
    /// Why, without the key: for lists that name the line.
    pub fn what(&self) -> &'static str {
        match self {
            Skip::NotAPair => "not KEY=value",
            Skip::InvalidKey(_) => "not a key dotenv reads (letters, digits, _, . and - only)",
            Skip::Unclosed(_) => "a quote that is never closed",
            Skip::AfterQuote(_) => "text after a closing quote",
        }
    }

    /// Why, naming the key.
    pub fn reason(&self) -> String {
        match self {
            Skip::NotAPair => "not KEY=value".to_owned(),
            Skip::InvalidKey(key) if key.is_empty() => "no key before =".to_owned(),
            Skip::InvalidKey(key) => {
                format!("\"{key}\" is not a key dotenv reads: use letters, digits, _, . and - only")
            }
            Skip::Unclosed(key) => format!("{key}: its value's quote is never closed"),
            Skip::AfterQuote(key) => format!("{key}: there is text after the closing quote"),
        }
    }
}

/// Parses a `.env` file in the dialect the module describes.
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut parsed = Parsed::default();
    let mut index = 0;
    while index < lines.len() {
        let number = index + 1;
        let line = lines[index].trim_start();
        index += 1;
        if line.trim_end().is_empty() || line.starts_with('#') {
            continue;
        }
        let line = strip_export(line);
        let Some((key, rest)) = line.split_once('=') else {
            parsed.skipped.push(Skipped {
                line: number,
                why: Skip::NotAPair,
            });
            continue;
        };
        let key = key.trim();
        if !is_key(key) {
            parsed.skipped.push(Skipped {
                line: number,
                why: Skip::InvalidKey(key.to_owned()),
            });
            continue;
        }
        let value = match rest.trim_start().chars().next() {
            Some(quote @ ('"' | '\'' | '`')) => {
                let opened = &rest.trim_start()[1..];
                match quoted(quote, opened, &lines[index..], key) {
                    Ok((value, more)) => {
                        if more > 0 {
                            parsed
                                .multiline
                                .push((key.to_owned(), number, number + more));
                        }
                        index += more;
                        value
                    }
                    Err(why) => {
                        parsed.skipped.push(Skipped { line: number, why });
                        continue;
                    }
                }
            }
            _ => unquoted(rest),
        };
        parsed.pairs.push((key.to_owned(), value));
    }
    parsed
}

/// Whether `text` (a file read as UTF-8) is text a `.env` could hold: no NUL, no bytes that
/// were not UTF-8 (read as U+FFFD), no control characters but tab, line breaks and form feed.
pub fn is_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')))
}

/// dotenv's `[\w.-]+`, with `\w` as JavaScript reads it (ASCII letters, digits and `_`).
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn strip_export(line: &str) -> &str {
    match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    }
}

/// The value after `=`, as written: a `#` after white space starts a comment (`A= # note` is
/// empty), one inside a word does not (`COLOR=#fff`).
fn unquoted(value: &str) -> String {
    let end = value
        .char_indices()
        .find(|&(i, c)| c == '#' && value[..i].ends_with([' ', '\t']))
        .map_or(value.len(), |(i, _)| i);
    value[..end].trim().to_owned()
}

/// A quoted value that starts in `first` (the text after its opening quote) and may go on in
/// `after` (the file's next lines): the value, and how many of those lines it took.
fn quoted(quote: char, first: &str, after: &[&str], key: &str) -> Result<(String, usize), Skip> {
    let mut raw = String::new();
    let mut segment = first;
    let mut taken = 0;
    loop {
        if let Some(end) = closing(quote, segment) {
            raw.push_str(&segment[..end]);
            let trailing = segment[end + 1..].trim();
            if trailing.is_empty() || trailing.starts_with('#') {
                return Ok((unescape(quote, &raw), taken));
            }
            // On the first line that is a typo to point at; on a later one, the quote found is
            // another line's, and this value was never closed.
            return Err(if taken == 0 {
                Skip::AfterQuote(key.to_owned())
            } else {
                Skip::Unclosed(key.to_owned())
            });
        }
        let Some(next) = after.get(taken) else {
            return Err(Skip::Unclosed(key.to_owned()));
        };
        raw.push_str(segment);
        raw.push('\n');
        segment = next;
        taken += 1;
    }
}

/// Where the closing quote is in `text`: the first one, or for `"` the first one a backslash
/// does not escape.
fn closing(quote: char, text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if quote == '"' && escaped {
            escaped = false;
        } else if quote == '"' && c == '\\' {
            escaped = true;
        } else if c == quote {
            return Some(i);
        }
    }
    None
}

fn unescape(quote: char, raw: &str) -> String {
    if quote != '"' {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(c @ ('"' | '\\')) => out.push(c),
            // Any other backslash is kept, as a shell keeps it between double quotes
            // ("C:\path").
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
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

/// The pairs with each key once, at its last value (as dotenv reads a file that repeats a
/// key), in the order keys first appear.
pub fn last_value_wins(pairs: Pairs) -> Pairs {
    let mut unique: Pairs = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        match unique.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => unique.push((key, value)),
        }
    }
    unique
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

/// What importing a `.env` file into an environment would do, in the project deploy's plan
/// shape. An import adds and changes; it never deletes, so a variable the file lacks stays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// By key: each key of the file that would be sent or is already set to its value, and each
    /// variable of the environment the file lacks (`Removed`: it stays).
    pub rows: Vec<VariableRow>,
    /// Keys a deploy would not upload either, with why.
    pub left_out: Vec<(String, LeftOut)>,
    /// Keys whose key or value Twilio would refuse (too long), with its words.
    pub refused: Vec<(String, String)>,
    pub skipped: Vec<Skipped>,
    pub multiline: Vec<(String, usize, usize)>,
}

impl Import {
    /// Plans the import of `parsed` into an environment whose variables are `live` (asked for
    /// just before: what a stale list says could be overwritten).
    pub fn plan(parsed: &Parsed, live: &[Variable]) -> Import {
        let (pairs, left_out) = for_deploy(last_value_wins(parsed.pairs.clone()));
        let mut refused = Vec::new();
        let pairs: Pairs = pairs
            .into_iter()
            .filter(|(key, value)| {
                let checked = validate::variable_key(Some(key))
                    .and_then(|()| validate::variable_value(Some(value)));
                match checked {
                    Ok(()) => true,
                    Err(error) => {
                        refused.push((key.clone(), error.message));
                        false
                    }
                }
            })
            .collect();
        Import {
            rows: plan_variables(&pairs, live),
            left_out,
            refused,
            skipped: parsed.skipped.clone(),
            multiline: parsed.multiline.clone(),
        }
    }

    /// The rows that applying sends: creates (`New`) and updates (`Changed`).
    pub fn to_send(&self) -> impl Iterator<Item = &VariableRow> {
        self.rows
            .iter()
            .filter(|r| matches!(r.change, Change::New | Change::Changed))
    }

    /// How many rows have `change`.
    pub fn count(&self, change: Change) -> usize {
        self.rows.iter().filter(|r| r.change == change).count()
    }

    /// Whether two plans send the same thing: the check before applying a preview that may
    /// have been on screen while the environment changed.
    pub fn sends_the_same_as(&self, other: &Import) -> bool {
        self.to_send().eq(other.to_send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn parses_the_usual_shapes() {
        let text = "# comment\nA=1\nexport B = two words \nC=\"line\\nbreak \\\"q\\\"\"\nD='raw \\n'\nE=x # note\nF=\nG=`tick`\nH=a#b\nI=\"C:\\path\"\nJ= # empty\nK=#fff\n";
        let parsed = parse(text);
        assert!(parsed.skipped.is_empty(), "{parsed:?}");
        let pairs = &parsed.pairs;
        assert_eq!(get(pairs, "A"), Some("1"));
        assert_eq!(get(pairs, "B"), Some("two words"));
        assert_eq!(get(pairs, "C"), Some("line\nbreak \"q\""));
        assert_eq!(get(pairs, "D"), Some("raw \\n"));
        assert_eq!(get(pairs, "E"), Some("x"));
        assert_eq!(get(pairs, "F"), Some(""));
        assert_eq!(get(pairs, "G"), Some("tick"));
        // A `#` inside a word is not a comment.
        assert_eq!(get(pairs, "H"), Some("a#b"));
        assert_eq!(get(pairs, "I"), Some("C:\\path"));
        assert_eq!(get(pairs, "J"), Some(""));
        assert_eq!(get(pairs, "K"), Some("#fff"));
    }

    #[test]
    fn keys_dotenv_cannot_read_are_refused_not_created() {
        let parsed = parse("KEY WITH SPACE=1\nGOOD.key-1=2\n=3\nexport=4\nexport  X=5\n");
        assert_eq!(
            parsed.pairs,
            [
                ("GOOD.key-1".to_owned(), "2".to_owned()),
                ("export".to_owned(), "4".to_owned()),
                ("X".to_owned(), "5".to_owned()),
            ]
        );
        assert_eq!(
            parsed.skipped,
            [
                Skipped {
                    line: 1,
                    why: Skip::InvalidKey("KEY WITH SPACE".into())
                },
                Skipped {
                    line: 3,
                    why: Skip::InvalidKey(String::new())
                },
            ]
        );
        assert!(parsed.skipped[0].why.reason().contains("KEY WITH SPACE"));
        assert_eq!(parsed.skipped[1].why.reason(), "no key before =");
    }

    #[test]
    fn an_unterminated_quote_is_refused_and_the_lines_after_it_still_read() {
        let parsed = parse("QUOTED=\"unterminated\nNEXT=\"two words\"\nLAST='x\n");
        assert_eq!(parsed.pairs, [("NEXT".to_owned(), "two words".to_owned())]);
        assert_eq!(
            parsed.skipped,
            [
                Skipped {
                    line: 1,
                    why: Skip::Unclosed("QUOTED".into())
                },
                Skipped {
                    line: 3,
                    why: Skip::Unclosed("LAST".into())
                },
            ]
        );
        let after = parse("A=\"x\" y\nB=\"x\" # fine\nC=\"a\\\"\n");
        assert_eq!(after.pairs, [("B".to_owned(), "x".to_owned())]);
        assert_eq!(after.skipped_lines(), [1, 3]);
        assert_eq!(after.skipped[0].why, Skip::AfterQuote("A".into()));
    }

    #[test]
    fn a_quoted_value_may_span_lines_and_says_which() {
        let text = "KEY=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\r\nWIN='a\r\nb'\r\n";
        let parsed = parse(text);
        assert_eq!(get(&parsed.pairs, "KEY"), Some("-----BEGIN\nabc\n-----END"));
        assert_eq!(get(&parsed.pairs, "NEXT"), Some("1"));
        assert_eq!(get(&parsed.pairs, "WIN"), Some("a\nb"));
        assert_eq!(
            parsed.multiline,
            [("KEY".to_owned(), 1, 3), ("WIN".to_owned(), 5, 6)]
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        assert_eq!(
            parse("\u{feff}A=1\n").pairs,
            [("A".to_owned(), "1".to_owned())]
        );
    }

    /// What a hostile or mangled file could try: keys that look like others (full-width,
    /// right-to-left marks, zero-width spaces), keys with shell syntax, a NUL, a key alone, a
    /// line of `=`, an endless quote. Each is refused or read literally, never half-read.
    #[test]
    fn hostile_lines_are_refused_or_read_literally() {
        let refused = [
            "ＫＥＹ=1",
            "KEY\u{202e}=1",
            "KE\u{200b}Y=1",
            "$(rm -rf /)=1",
            "KEY;echo=1",
            "A B=1",
            "==",
            "KEY",
            "KEY=\"never closed",
            "KEY='never closed",
            "KEY=`never closed",
            "KEY=\"x\"y",
        ];
        for line in refused {
            let parsed = parse(line);
            assert!(parsed.pairs.is_empty(), "{line:?}");
            assert_eq!(parsed.skipped_lines(), [1], "{line:?}");
        }
        let literal = [
            ("KEY=$(whoami)", "$(whoami)"),
            ("KEY=${HOME}", "${HOME}"),
            ("KEY='\"; DROP TABLE'", "\"; DROP TABLE"),
            ("KEY=<script>alert(1)</script>", "<script>alert(1)</script>"),
            ("KEY=a=b=c", "a=b=c"),
        ];
        for (line, value) in literal {
            assert_eq!(
                parse(line).pairs,
                [("KEY".to_owned(), value.to_owned())],
                "{line:?}"
            );
        }
        assert!(!is_text("KEY=1\0"));
        let long = format!("KEY={}", "x".repeat(1 << 20));
        assert_eq!(parse(&long).pairs[0].1.len(), 1 << 20);
    }

    #[test]
    fn binary_is_not_text() {
        assert!(is_text("A=1\r\n\tB=2\n"));
        assert!(!is_text("A=1\0"));
        assert!(!is_text(&String::from_utf8_lossy(&[
            0x41, 0xff, 0xfe, 0x3d
        ])));
        assert!(!is_text("\u{1b}[31m"));
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
        assert_eq!(parsed.skipped_lines(), [2, 4]);
        assert_eq!(lines_in_words(&parsed.skipped_lines()), "lines 2 and 4");
        assert_eq!(lines_in_words(&[7]), "line 7");
        assert_eq!(lines_in_words(&[1, 2, 3]), "lines 1, 2 and 3");
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_and_first_place() {
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            last_value_wins(pairs(&[("A", "1"), ("B", "2"), ("A", "3")])),
            pairs(&[("A", "3"), ("B", "2")])
        );
    }

    fn variable(sid: &str, key: &str, value: &str) -> Variable {
        Variable {
            sid: sid.into(),
            key: key.into(),
            value: value.into(),
            ..Variable::default()
        }
    }

    #[test]
    fn an_import_plan_adds_changes_and_leaves_the_rest() {
        let live = [
            variable("ZV1", "SAME", "1"),
            variable("ZV2", "EDIT", "old"),
            variable("ZV3", "EXTRA", "x"),
        ];
        let long = "v".repeat(451);
        let text = format!(
            "SAME=1\nEDIT=new\nADD=a\nADD=b\nAUTH_TOKEN=t\nBIG={long}\nBAD KEY=1\nEMPTY=\n"
        );
        let import = Import::plan(&parse(&text), &live);
        let rows: Vec<(&str, Change, Option<&str>)> = import
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.change, r.sid.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("ADD", Change::New, None),
                ("EDIT", Change::Changed, Some("ZV2")),
                ("EXTRA", Change::Removed, Some("ZV3")),
                ("SAME", Change::Unchanged, Some("ZV1")),
            ]
        );
        let sent: Vec<(&str, Option<&str>)> = import
            .to_send()
            .map(|r| (r.key.as_str(), r.value.as_deref()))
            .collect();
        assert_eq!(sent, [("ADD", Some("b")), ("EDIT", Some("new"))]);
        assert_eq!(
            import.left_out,
            [
                ("AUTH_TOKEN".to_owned(), LeftOut::Credential),
                ("EMPTY".to_owned(), LeftOut::Empty),
            ]
        );
        assert_eq!(import.refused.len(), 1);
        assert_eq!(import.refused[0].0, "BIG");
        assert!(!import.refused[0].1.is_empty(), "{import:?}");
        assert_eq!(import.skipped[0].line, 7);
        assert_eq!(
            (import.count(Change::New), import.count(Change::Changed)),
            (1, 1)
        );
    }

    #[test]
    fn a_preview_is_stale_when_the_environment_changed_what_it_would_send() {
        let parsed = parse("A=1\nB=2\n");
        let before = Import::plan(&parsed, &[variable("ZV1", "A", "0")]);
        let same = Import::plan(
            &parsed,
            &[variable("ZV1", "A", "0"), variable("ZV9", "C", "3")],
        );
        assert!(before.sends_the_same_as(&same));
        let changed = Import::plan(
            &parsed,
            &[variable("ZV1", "A", "0"), variable("ZV2", "B", "x")],
        );
        assert!(!before.sends_the_same_as(&changed));
    }
}
