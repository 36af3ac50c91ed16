//! A test call's answer as the panel shows it: JSON pretty-printed, XML (TwiML) indented,
//! anything else as it came, and a long body cut with a note saying so.

/// What the panel shows of a body at most: a page holding a megabyte in one `<pre>` is slow to
/// scroll, and the start is what a test is read for.
pub const SHOWN_LIMIT: usize = 64 * 1024;

/// How a body was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
    Text,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Xml => "XML",
            Format::Text => "text",
        }
    }
}

/// The body ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub format: Format,
    pub text: String,
    /// Why what is shown is not all of the answer, when it is not.
    pub note: Option<String>,
}

/// `body` with its `content_type`; `cut_by_relay` when the relay kept only the start of it.
pub fn shown(content_type: Option<&str>, body: &str, cut_by_relay: bool) -> Shown {
    let kind = content_type.unwrap_or_default().to_ascii_lowercase();
    let start = body.trim_start();
    let (format, text) = if (kind.contains("json") || start.starts_with(['{', '[']))
        && let Some(pretty) = pretty_json(body)
    {
        (Format::Json, pretty)
    } else if (kind.contains("xml") || (start.starts_with('<') && !kind.contains("html")))
        && let Some(indented) = indented_xml(body)
    {
        (Format::Xml, indented)
    } else {
        (Format::Text, body.to_owned())
    };
    let mut notes = Vec::new();
    if cut_by_relay {
        notes.push(format!(
            "The answer was longer than {}: the relay kept its start.",
            size(body.len())
        ));
    }
    let text = if text.len() > SHOWN_LIMIT {
        let end = (0..=SHOWN_LIMIT)
            .rev()
            .find(|at| text.is_char_boundary(*at))
            .unwrap_or(0);
        notes.push(format!(
            "Showing the first {} of {}.",
            size(SHOWN_LIMIT),
            size(text.len())
        ));
        text[..end].to_owned()
    } else {
        text
    };
    Shown {
        format,
        text,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// JSON re-indented as written (keys in their order, numbers as they were), or `None` when it
/// is not JSON.
pub fn pretty_json(body: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(body).ok()?;
    let mut out = String::with_capacity(body.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = body.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays `{}` or `[]`.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|n| *n == '}' || *n == ']') {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// One piece of an XML document.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Open(&'a str),
    Close(&'a str),
    /// A self-closing element, a declaration, a comment or CDATA: no depth of its own.
    Alone(&'a str),
    Text(&'a str),
}

fn pieces(body: &str) -> Option<Vec<Piece<'_>>> {
    let mut found = Vec::new();
    let mut rest = body.trim();
    while !rest.is_empty() {
        if let Some(tag) = rest.strip_prefix('<') {
            let end = if tag.starts_with("!--") {
                rest.find("-->")? + 3
            } else if tag.starts_with("![CDATA[") {
                rest.find("]]>")? + 3
            } else {
                tag_end(rest)?
            };
            let piece = &rest[..end];
            found.push(if piece.starts_with("</") {
                Piece::Close(piece)
            } else if piece.starts_with("<?") || piece.starts_with("<!") || piece.ends_with("/>") {
                Piece::Alone(piece)
            } else {
                Piece::Open(piece)
            });
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = rest[..end].trim();
            if !text.is_empty() {
                found.push(Piece::Text(text));
            }
            rest = &rest[end..];
        }
    }
    Some(found)
}

/// Where the tag at the start of `rest` ends, past its `>`, skipping quoted attribute values.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(at + 1),
            _ => {}
        }
    }
    None
}

/// XML with one element per line, indented by depth; an element holding only text stays on
/// one line (`<Message>Hi</Message>`). `None` when the tags do not nest.
pub fn indented_xml(body: &str) -> Option<String> {
    let pieces = pieces(body)?;
    let mut lines: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < pieces.len() {
        let indent = "  ".repeat(depth);
        match (&pieces[at], pieces.get(at + 1), pieces.get(at + 2)) {
            (Piece::Open(open), Some(Piece::Text(text)), Some(Piece::Close(close))) => {
                lines.push(format!("{indent}{open}{text}{close}"));
                at += 3;
                continue;
            }
            (Piece::Open(open), Some(Piece::Close(close)), _) => {
                lines.push(format!("{indent}{open}{close}"));
                at += 2;
                continue;
            }
            (Piece::Open(open), _, _) => {
                lines.push(format!("{indent}{open}"));
                depth += 1;
            }
            (Piece::Close(close), _, _) => {
                depth = depth.checked_sub(1)?;
                lines.push(format!("{}{close}", "  ".repeat(depth)));
            }
            (Piece::Alone(piece) | Piece::Text(piece), _, _) => {
                lines.push(format!("{indent}{piece}"));
            }
        }
        at += 1;
    }
    (depth == 0).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::{Format, SHOWN_LIMIT, indented_xml, pretty_json, shown};

    #[test]
    fn json_is_pretty_printed_in_its_own_order() {
        assert_eq!(
            pretty_json(r#"{"z":1,"a":[1,2.50,{}],"s":"a,b:{\"c\"}","e":[]}"#).unwrap(),
            "{\n  \"z\": 1,\n  \"a\": [\n    1,\n    2.50,\n    {}\n  ],\n  \"s\": \"a,b:{\\\"c\\\"}\",\n  \"e\": []\n}"
        );
        assert_eq!(pretty_json("{not json"), None);
        let answer = shown(
            Some("application/json; charset=utf-8"),
            r#"{"ok":true}"#,
            false,
        );
        assert_eq!((answer.format, answer.note), (Format::Json, None));
    }

    #[test]
    fn twiml_is_indented_and_short_elements_stay_on_one_line() {
        let twiml = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message to="+1 > 2">Hi &amp; bye</Message><Pause length="1"/><Gather><Say>Press 1</Say></Gather><!-- done --></Response>"#;
        assert_eq!(
            indented_xml(twiml).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <Message to=\"+1 > 2\">Hi &amp; bye</Message>\n  <Pause length=\"1\"/>\n  <Gather>\n    <Say>Press 1</Say>\n  </Gather>\n  <!-- done -->\n</Response>"
        );
        assert_eq!(indented_xml("<a><b></a></b></a>"), None);
        assert_eq!(indented_xml("<a"), None);
        let answer = shown(Some("text/xml"), twiml, false);
        assert_eq!(answer.format, Format::Xml);
    }

    #[test]
    fn other_text_is_shown_as_it_came() {
        let answer = shown(Some("text/plain"), "Hello from dev, world!", false);
        assert_eq!(answer.format, Format::Text);
        assert_eq!(answer.text, "Hello from dev, world!");
        // HTML is not reindented: whitespace in it can matter.
        let page = shown(Some("text/html"), "<p>a</p>", false);
        assert_eq!(page.format, Format::Text);
    }

    #[test]
    fn a_long_body_is_cut_with_a_note() {
        let long = "é".repeat(SHOWN_LIMIT);
        let answer = shown(Some("text/plain"), &long, false);
        assert!(answer.text.len() <= SHOWN_LIMIT);
        assert_eq!(
            answer.note.as_deref(),
            Some("Showing the first 64 KB of 128 KB.")
        );
        let cut = shown(None, &"x".repeat(1024 * 1024), true);
        assert_eq!(
            cut.note.as_deref(),
            Some(
                "The answer was longer than 1.0 MB: the relay kept its start. Showing the first 64 KB of 1.0 MB."
            )
        );
    }
}
