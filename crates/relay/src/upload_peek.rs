//! Reads the visibility an upload declares from the start of its `multipart/form-data` body, as
//! it arrives, so the relay can hold a private version to the private cap before forwarding.
//!
//! Parts are read the way a multipart parser reads them (RFC 7578, RFC 2046): the boundary from
//! the Content-Type, a delimiter only where `--boundary` is followed by `--` or by spaces, tabs
//! and a line break, each part's header lines up to the blank line (none at all is allowed), and
//! `Content-Disposition`'s `name` quoted or not, in any case. A hand match on
//! `name="Visibility"` let `name=Visibility`, a lowercase `visibility` and the value `Private`
//! through. The multer crate (3.1, already in the build through axum) was tried first: it matches
//! the parameter name case-sensitively (`NAME="Visibility"` passes, as its own TODO says), and it
//! takes over the body stream, while the relay must hand every byte it read on to the upstream
//! untouched.
//!
//! Where parsers differ, this one leans towards finding a Visibility part: header lines are read
//! one by one rather than with httparse, which refused a part with more than 16 headers or a
//! folded line, and a part it refused counted as not being the Visibility. A header line that is
//! a delimiter ends the part there, so a part whose headers never end cannot swallow the next.
//!
//! Every search resumes where it stopped, so a body sent one byte per write costs time in
//! proportion to its length, not to its square.

/// What the parts seen so far say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// Read more (if the peek's budget allows).
    More,
    /// A `Visibility` part says `private` (in any case).
    Private,
    /// The body's closing delimiter came without a private `Visibility` part.
    Settled,
}

pub struct Scanner {
    /// `\r\n--boundary`; the first delimiter may come without the line break.
    delimiter: Vec<u8>,
    buf: Buf,
    state: State,
}

/// The body read so far. Positions in [`State`] index into it.
struct Buf {
    bytes: Vec<u8>,
    /// Bytes looked at by the searches, for the test that the scan stays linear.
    #[cfg(test)]
    examined: usize,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Looking for the next `\r\n--boundary` from `at`; `value` is where the Visibility part's
    /// value starts, when the part being skipped is that one.
    Delimiter {
        at: usize,
        value: Option<usize>,
    },
    /// `\r\n--boundary` ends at `after`: is it a delimiter line? `at` is how far its trailing
    /// spaces and tabs are read.
    DelimiterLine {
        after: usize,
        at: usize,
        value: Option<usize>,
    },
    /// A part's header block starts at `start`; the current line starts at `line`, and the
    /// search for its end resumes at `at`.
    Headers {
        start: usize,
        line: usize,
        at: usize,
    },
    Done(Peek),
}

impl Scanner {
    /// A scanner for a body of this Content-Type, if it is multipart with a boundary.
    pub fn new(content_type: &str) -> Option<Scanner> {
        let (kind, params) = content_type.split_once(';')?;
        if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
            return None;
        }
        let boundary = parameter(params, "boundary").filter(|b| !b.is_empty())?;
        let mut delimiter = b"\r\n--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        Some(Scanner {
            delimiter,
            buf: Buf {
                // The body's start counts as a line start for the first delimiter.
                bytes: b"\r\n".to_vec(),
                #[cfg(test)]
                examined: 0,
            },
            state: State::Delimiter { at: 0, value: None },
        })
    }

    /// Takes the next bytes of the body and says what the parts seen so far settle.
    pub fn feed(&mut self, bytes: &[u8]) -> Peek {
        if let State::Done(peek) = self.state {
            return peek;
        }
        self.buf.bytes.extend_from_slice(bytes);
        loop {
            let (next, more) = self.step();
            self.state = next;
            if let State::Done(peek) = next {
                return peek;
            }
            if more {
                return Peek::More;
            }
        }
    }

    /// The next state, and whether it waits for more bytes.
    fn step(&mut self) -> (State, bool) {
        let len = self.buf.bytes.len();
        match self.state {
            State::Done(peek) => (State::Done(peek), false),
            State::Delimiter { mut at, value } => match self.buf.find(&mut at, &self.delimiter) {
                Some(found) => {
                    let after = found + self.delimiter.len();
                    (
                        State::DelimiterLine {
                            after,
                            at: after,
                            value,
                        },
                        false,
                    )
                }
                None => (State::Delimiter { at, value }, true),
            },
            State::DelimiterLine {
                after,
                mut at,
                value,
            } => {
                let bytes = &self.buf.bytes;
                let waiting = State::DelimiterLine { after, at, value };
                if len < after + 2 {
                    return (waiting, true);
                }
                let line_end = if &bytes[after..after + 2] == b"--" {
                    None
                } else {
                    #[cfg(test)]
                    let from = at;
                    while at < len && matches!(bytes[at], b' ' | b'\t') {
                        at += 1;
                    }
                    #[cfg(test)]
                    {
                        self.buf.examined += at - from;
                    }
                    if len < at + 2 {
                        return (State::DelimiterLine { after, at, value }, true);
                    }
                    if &bytes[at..at + 2] != b"\r\n" {
                        // `--boundary` and something else: data, so the search goes on.
                        let found = after - self.delimiter.len();
                        return (
                            State::Delimiter {
                                at: found + 1,
                                value,
                            },
                            false,
                        );
                    }
                    Some(at + 2)
                };
                let found = after - self.delimiter.len();
                if let Some(value) = value
                    && String::from_utf8_lossy(&bytes[value..found])
                        .trim()
                        .eq_ignore_ascii_case("private")
                {
                    return (State::Done(Peek::Private), false);
                }
                match line_end {
                    // The closing delimiter.
                    None => (State::Done(Peek::Settled), false),
                    Some(start) => (
                        State::Headers {
                            start,
                            line: start,
                            at: start,
                        },
                        false,
                    ),
                }
            }
            State::Headers {
                start,
                line,
                mut at,
            } => {
                let Some(end) = self.buf.find(&mut at, b"\r\n") else {
                    return (State::Headers { start, line, at }, true);
                };
                if end == line {
                    // The blank line: the headers are `start..line` (none when it is the first).
                    let body = end + 2;
                    let value = self.is_visibility(start, line).then_some(body);
                    (State::Delimiter { at: body, value }, false)
                } else if self.is_delimiter_line(&self.buf.bytes[line..end]) {
                    // No blank line before the next delimiter: a part without a body. The
                    // delimiter's own line break is the one before `line`.
                    (
                        State::Delimiter {
                            at: line - 2,
                            value: None,
                        },
                        false,
                    )
                } else {
                    let next = end + 2;
                    (
                        State::Headers {
                            start,
                            line: next,
                            at: next,
                        },
                        false,
                    )
                }
            }
        }
    }

    /// Whether `line` (without its line break) is `--boundary`, then `--` or only spaces and tabs.
    fn is_delimiter_line(&self, line: &[u8]) -> bool {
        let dash_boundary = &self.delimiter[2..];
        line.strip_prefix(dash_boundary).is_some_and(|rest| {
            rest.starts_with(b"--") || rest.iter().all(|b| matches!(b, b' ' | b'\t'))
        })
    }

    /// Whether the header lines in `buf[start..end]` name the part `Visibility`. A line starting
    /// with a space or tab continues the one before (obsolete folding, RFC 5322).
    fn is_visibility(&self, start: usize, end: usize) -> bool {
        let text = String::from_utf8_lossy(&self.buf.bytes[start..end]);
        let mut headers: Vec<String> = Vec::new();
        for line in text.split("\r\n") {
            match headers.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => headers.push(line.to_owned()),
            }
        }
        headers.iter().any(|header| {
            header.split_once(':').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("content-disposition")
                    && value
                        .split_once(';')
                        .and_then(|(_, params)| parameter(params, "name"))
                        .is_some_and(|name| name.eq_ignore_ascii_case("visibility"))
            })
        })
    }
}

impl Buf {
    /// The first `needle` at or after `*at`. When there is none yet, `*at` moves on to where one
    /// may still start once more bytes come, so the next search does not look at these again.
    fn find(&mut self, at: &mut usize, needle: &[u8]) -> Option<usize> {
        let from = (*at).min(self.bytes.len());
        let found = self.bytes[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| from + i);
        #[cfg(test)]
        {
            self.examined += found.map_or(self.bytes.len(), |i| i + needle.len()) - from;
        }
        if found.is_none() {
            *at = from.max(self.bytes.len().saturating_sub(needle.len() - 1));
        }
        found
    }
}

/// The value of `name` among `; name=value` parameters, quoted (with `\` escapes) or not; names
/// compare without regard to case, as RFC 2045 and RFC 6266 say.
fn parameter(params: &str, name: &str) -> Option<String> {
    let mut rest = params;
    loop {
        rest = rest.trim_start_matches([';', ' ', '\t']);
        if rest.is_empty() {
            return None;
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        rest = rest[eq + 1..].trim_start();
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[end..];
            value
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let value = rest[..end].trim().to_owned();
            rest = &rest[end..];
            value
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
    }
}

#[cfg(test)]
mod tests;
