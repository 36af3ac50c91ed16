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
mod tests;
