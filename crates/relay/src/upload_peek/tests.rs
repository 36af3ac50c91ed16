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
        "p".repeat(8 * 1024 + 10)
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

/// RFC 2046 allows a part with no headers. The header search then started after its blank
/// line and ran on into the next part's headers, which httparse, reading the leading CRLF
/// as "no headers", never looked at; a part whose headers never end ran past the next
/// delimiter the same way. Either hid a private Visibility part behind it.
#[test]
fn a_headerless_part_or_unended_headers_do_not_hide_the_visibility() {
    let visibility = "--b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\nprivate\r\n\
                      --b\r\nContent-Disposition: form-data; name=\"Content\"; filename=\"x\"\r\n\r\nzzz";
    for before in [
        "--b\r\n\r\nfiller\r\n",
        "--b\r\n\r\n\r\n",
        "--b\r\nX-Junk: 1\r\n",
        "--b\r\nX-Junk: 1\r\nContent-Disposition: form-data; name=\"Path\"\r\n",
        "--b  \t\r\nX-Junk: 1\r\n",
    ] {
        let body = format!("{before}{visibility}");
        for step in [1, 2, 5, 1000] {
            assert_eq!(
                scan("multipart/form-data; boundary=b", body.as_bytes(), step),
                Peek::Private,
                "{before:?} {step}"
            );
        }
    }
    // The part with no headers is not the end of the body either.
    let settled = "--b\r\n\r\nfiller\r\n--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/x\r\n--b--\r\n";
    assert_eq!(
        scan("multipart/form-data; boundary=b", settled.as_bytes(), 1),
        Peek::Settled
    );
}

/// A delimiter is `--boundary` followed by `--`, or by spaces and tabs and a line break;
/// anything else on that line (`--bx`) is data, so it cannot end a part early.
#[test]
fn only_a_whole_delimiter_line_counts() {
    let body = "--b\r\nContent-Disposition: form-data; name=\"Visibility\"\r\n\r\nprivate\r\n--bx\r\n\
                --b \r\nContent-Disposition: form-data; name=\"Content\"\r\n\r\nzz";
    for step in [1, 3, 1000] {
        assert_eq!(
            scan("multipart/form-data; boundary=b", body.as_bytes(), step),
            Peek::More,
            "the value is `private\\r\\n--bx`, not `private` ({step})"
        );
    }
    let decoy = "--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n/x\r\n--bogus--\r\n\
                 --b\r\nContent-Disposition: form-data; name=Visibility\r\n\r\nprivate\r\n--b--";
    for step in [1, 4, 1000] {
        assert_eq!(
            scan("multipart/form-data; boundary=b", decoy.as_bytes(), step),
            Peek::Private,
            "`--bogus--` closed the body ({step})"
        );
    }
}

/// A Visibility part with more headers than httparse was given room for (16) was skipped.
#[test]
fn a_visibility_part_with_many_headers_is_still_read() {
    let pad = "X-Pad: 1\r\n".repeat(40);
    let body = format!(
        "--b\r\n{pad}Content-Disposition: form-data; name=\"Visibility\"\r\n{pad}\r\nprivate\r\n--b--"
    );
    assert_eq!(
        scan("multipart/form-data; boundary=b", body.as_bytes(), 7),
        Peek::Private
    );
}

/// Whatever the chunking, the searches look at each byte of the body a few times at most
/// (the length of what they look for), not once per read: a peek that re-searched from the
/// start on every read cost 5.9 s of CPU for 64 KB sent one byte per write.
#[test]
fn the_scan_is_linear_in_the_body_whatever_the_chunking() {
    let long = "p".repeat(64 * 1024);
    let pad = " ".repeat(64 * 1024);
    for body in [
        format!("--b\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n{long}"),
        format!("--b\r\nX-Long: {long}"),
        format!("--b{pad}"),
        format!("--b\r\nContent-Disposition: form-data; name=Visibility\r\n\r\n{long}"),
    ] {
        let mut whole = Scanner::new("multipart/form-data; boundary=b").unwrap();
        assert_eq!(whole.feed(body.as_bytes()), Peek::More);
        let mut bytewise = Scanner::new("multipart/form-data; boundary=b").unwrap();
        for byte in body.as_bytes() {
            assert_eq!(bytewise.feed(std::slice::from_ref(byte)), Peek::More);
        }
        let (once, each) = (whole.buf.examined, bytewise.buf.examined);
        assert!(once >= body.len() - 10, "{once} of {}", body.len());
        assert!(
            each <= 8 * body.len(),
            "{each} bytes examined for {} fed a byte at a time ({once} in one go)",
            body.len()
        );
    }
}
