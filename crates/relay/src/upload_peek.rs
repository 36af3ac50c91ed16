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
    /// The body's closing delimiter came without a private `Visibility` part.
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
                State::Delimiter => {
                    match find_from(&self.buf, &mut self.scanned, 0, &self.delimiter) {
                        Some(at) => State::DelimiterLine {
                            from: at + self.delimiter.len(),
                        },
                        None => return Peek::More,
                    }
                }
                State::DelimiterLine { from } => {
                    if self.buf.len() < from + 2 {
                        return Peek::More;
                    }
                    if &self.buf[from..from + 2] == b"--" {
                        State::Done(Peek::Settled)
                    } else {
                        match find_from(&self.buf, &mut self.scanned, from, b"\r\n") {
                            Some(at) => State::Headers { from: at + 2 },
                            None => return Peek::More,
                        }
                    }
                }
                State::Headers { from } => {
                    match find_from(&self.buf, &mut self.scanned, from, b"\r\n\r\n") {
                        Some(at) => self.part(from, at + 4),
                        // No form field has such headers; whatever it is, the next part may still
                        // be the Visibility.
                        None if self.buf.len() - from > MAX_PART_HEADERS => {
                            self.scanned = from;
                            State::Delimiter
                        }
                        None => return Peek::More,
                    }
                }
                State::Value { from } => {
                    match find_from(&self.buf, &mut self.scanned, from, &self.delimiter) {
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
                    }
                }
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
                .and_then(|value| parameter(value.split_once(';')?.1, "name")),
            _ => None,
        };
        match name {
            Some(name) if name.eq_ignore_ascii_case("visibility") => {
                self.scanned = to;
                State::Value { from: to }
            }
            // Any other part (Path, the file's Content, or one Twilio ignores) is skipped to the
            // next delimiter: the boundary never occurs inside a part, so a Visibility part after
            // the file is found as well, within the peek's budget.
            _ => {
                self.scanned = to;
                State::Delimiter
            }
        }
    }
}

/// The first `needle` in `buf` at or after `from`, resuming after what the search for it already
/// covered (`scanned`, which it moves on).
fn find_from(buf: &[u8], scanned: &mut usize, from: usize, needle: &[u8]) -> Option<usize> {
    let start = from.max(scanned.saturating_sub(needle.len() - 1));
    let found = buf[start.min(buf.len())..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| start + at);
    *scanned = found.map_or(buf.len(), |at| at + needle.len());
    found
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
    fn public_uploads_settle_at_the_end_and_decoys_do_not_stop_the_scan() {
        let mut public = body("form-data; name=\"Visibility\"", "public");
        assert_eq!(
            scan("multipart/form-data; boundary=b", &public, 1),
            Peek::More,
            "the body is not over"
        );
        public.extend_from_slice(b"\r\n--b--\r\n");
        assert_eq!(
            scan("multipart/form-data; boundary=b", &public, 1),
            Peek::Settled
        );
        // A small file part, a lowercase `content` part, a part with oversized headers, or a
        // public Visibility before the private one do not end the search.
        let decoys = format!(
            "--b\r\nContent-Disposition: form-data; name=\"x\"; filename=\"y\"\r\n\r\nyy\r\n\
             --b\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nzz\r\n\
             --b\r\nX-Pad: {}\r\n\r\npad\r\n\
             --b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\npublic\r\n\
             --b\r\nContent-Disposition: form-data; name=Visibility\r\n\r\nprivate\r\n--b--\r\n",
            "p".repeat(MAX_PART_HEADERS + 10)
        );
        for step in [1, 7, 100_000] {
            assert_eq!(
                scan("multipart/form-data; boundary=b", decoys.as_bytes(), step),
                Peek::Private,
                "{step}"
            );
        }
        // A `name="Visibility"` inside another part's value is data, not a part.
        let inside = b"--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\nname=\"Visibility\"\r\n\r\nprivate\r\n--b\r\nContent-Disposition: form-data; name=\"Content\"\r\n\r\nzz";
        assert_eq!(
            scan("multipart/form-data; boundary=b", inside, 1),
            Peek::More
        );
        let cut = &body("form-data; name=Visibility", "private")[..60];
        assert_eq!(scan("multipart/form-data; boundary=b", cut, 1), Peek::More);
        assert!(Scanner::new("application/json").is_none());
        assert!(Scanner::new("multipart/form-data").is_none());
    }
}
