//! Reads the visibility an upload declares from the start of its `multipart/form-data` body, as
//! it arrives, so the relay can hold a private version to the private cap before forwarding.
//!
//! Parts are read the way a multipart parser reads them (RFC 7578, RFC 2046): the boundary from
//! the Content-Type, each part's headers with `httparse`, and `Content-Disposition`'s `name`
//! quoted or not, in any case. A hand match on `name="Visibility"` let `name=Visibility`, a
//! lowercase `visibility` and the value `Private` through. The multer crate (3.1, already in the
//! build through axum) was tried first: it matches the parameter name case-sensitively
//! (`NAME="Visibility"` passes, as its own TODO says), and it takes over the body stream, while
//! the relay must hand every byte it read on to the upstream untouched.
//!
//! Every search resumes where the last one stopped, so a body sent one byte per write costs
//! time in proportion to its length, not to its square.

/// What the parts seen so far say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// Read more (if the peek's budget allows).
    More,
    /// A `Visibility` part says `private` (in any case).
    Private,
    /// The parts that can say so are over (a `Visibility` part that is not private, or the
    /// start of the file itself); the rest of the body need not be read.
    Settled,
}

pub struct Scanner {
    /// `\r\n--boundary`; the first delimiter may come without the line break.
    delimiter: Vec<u8>,
    buf: Vec<u8>,
    state: State,
    /// Where the current search resumes.
    scanned: usize,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Looking for the next delimiter.
    Delimiter,
    /// After a delimiter, looking for the end of its line (or `--`, the last one).
    DelimiterLine {
        from: usize,
    },
    /// Looking for the blank line after a part's headers.
    Headers {
        from: usize,
    },
    /// Reading the Visibility value, up to the next delimiter.
    Value {
        from: usize,
    },
    Done(Peek),
}

/// A part's headers beyond this are not a form field's.
const MAX_PART_HEADERS: usize = 8 * 1024;

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
            // The body's start counts as a line start for the first delimiter.
            buf: b"\r\n".to_vec(),
            state: State::Delimiter,
            scanned: 0,
        })
    }

    /// Takes the next bytes of the body and says what the parts seen so far settle.
    pub fn feed(&mut self, bytes: &[u8]) -> Peek {
        if let State::Done(peek) = self.state {
            return peek;
        }
        self.buf.extend_from_slice(bytes);
        loop {
            let next = match self.state {
                State::Done(peek) => return peek,
                State::Delimiter => match self.find(&self.delimiter.clone()) {
                    Some(at) => State::DelimiterLine {
                        from: at + self.delimiter.len(),
                    },
                    None => return Peek::More,
                },
                State::DelimiterLine { from } => {
                    if self.buf.len() < from + 2 {
                        return Peek::More;
                    }
                    if &self.buf[from..from + 2] == b"--" {
                        State::Done(Peek::Settled)
                    } else {
                        match self.find_from(from, b"\r\n") {
                            Some(at) => State::Headers { from: at + 2 },
                            None => return Peek::More,
                        }
                    }
                }
                State::Headers { from } => match self.find_from(from, b"\r\n\r\n") {
                    Some(at) => self.part(from, at + 4),
                    None if self.buf.len() - from > MAX_PART_HEADERS => State::Done(Peek::Settled),
                    None => return Peek::More,
                },
                State::Value { from } => match self.find_from(from, &self.delimiter.clone()) {
                    Some(at) => {
                        let value = String::from_utf8_lossy(&self.buf[from..at]);
                        if value.trim().eq_ignore_ascii_case("private") {
                            State::Done(Peek::Private)
                        } else {
                            State::DelimiterLine {
                                from: at + self.delimiter.len(),
                            }
                        }
                    }
                    None => return Peek::More,
                },
            };
            self.state = next;
        }
    }

    /// The state after a part whose headers are `buf[from..to]`.
    fn part(&mut self, from: usize, to: usize) -> State {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let name = match httparse::parse_headers(&self.buf[from..to], &mut headers) {
            Ok(httparse::Status::Complete((_, headers))) => headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-disposition"))
                .and_then(|h| std::str::from_utf8(h.value).ok())
                .and_then(|value| {
                    let (_, params) = value.split_once(';')?;
                    Some((
                        parameter(params, "name"),
                        parameter(params, "filename").is_some(),
                    ))
                }),
            _ => None,
        };
        match name {
            Some((Some(name), false)) if name.eq_ignore_ascii_case("visibility") => {
                self.scanned = to;
                State::Value { from: to }
            }
            // A file: what follows is its content, which can be large.
            Some((_, true)) => State::Done(Peek::Settled),
            Some((Some(name), false)) if name.eq_ignore_ascii_case("content") => {
                State::Done(Peek::Settled)
            }
            // Any other field (Path, or one Twilio ignores): skip to the next delimiter.
            _ => {
                self.scanned = to;
                State::Delimiter
            }
        }
    }

    fn find(&mut self, needle: &[u8]) -> Option<usize> {
        self.find_from(0, needle)
    }

    /// The first `needle` at or after `from`, resuming after what earlier calls already scanned.
    fn find_from(&mut self, from: usize, needle: &[u8]) -> Option<usize> {
        let start = from.max(self.scanned.saturating_sub(needle.len() - 1));
        let found = self.buf[start.min(self.buf.len())..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|at| start + at);
        match found {
            Some(at) => self.scanned = at + needle.len(),
            None => self.scanned = self.buf.len(),
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
mod tests {
    use super::*;

    fn body(disposition: &str, value: &str) -> Vec<u8> {
        format!(
            "--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/x\r\n\
             --b\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n\
             --b\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"x\"\r\n\r\nzzz"
        )
        .into_bytes()
    }

    fn scan(content_type: &str, body: &[u8], step: usize) -> Peek {
        let mut scanner = Scanner::new(content_type).unwrap();
        let mut last = Peek::More;
        for chunk in body.chunks(step) {
            last = scanner.feed(chunk);
            if last != Peek::More {
                break;
            }
        }
        last
    }

    #[test]
    fn every_spelling_of_a_private_visibility_is_found_in_any_chunking() {
        for disposition in [
            "form-data; name=\"Visibility\"",
            "form-data; name=Visibility",
            "form-data; name=\"visibility\"",
            "FORM-DATA;NAME=\"VISIBILITY\"",
            "form-data ; name = \"Visi\\bility\"",
        ] {
            for value in ["private", "Private", " PRIVATE "] {
                for step in [1, 3, 1000] {
                    assert_eq!(
                        scan(
                            "multipart/form-data; boundary=b",
                            &body(disposition, value),
                            step
                        ),
                        Peek::Private,
                        "{disposition} {value} {step}"
                    );
                }
            }
        }
        assert_eq!(
            scan(
                "Multipart/Form-Data; boundary=\"b\"",
                &body("form-data; name=Visibility", "private"),
                2
            ),
            Peek::Private
        );
    }

    #[test]
    fn public_and_files_settle_without_reading_on() {
        let public = body("form-data; name=\"Visibility\"", "public");
        assert_eq!(
            scan("multipart/form-data; boundary=b", &public, 1),
            Peek::Settled
        );
        // A `name="Visibility"` inside another part's value is data, not a part.
        let inside = b"--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\nname=\"Visibility\"\r\n\r\nprivate\r\n--b\r\nContent-Disposition: form-data; name=\"Content\"\r\n\r\nzz";
        assert_eq!(
            scan("multipart/form-data; boundary=b", inside, 1),
            Peek::Settled
        );
        let cut = &body("form-data; name=Visibility", "private")[..60];
        assert_eq!(scan("multipart/form-data; boundary=b", cut, 1), Peek::More);
        assert!(Scanner::new("application/json").is_none());
        assert!(Scanner::new("multipart/form-data").is_none());
    }
}
