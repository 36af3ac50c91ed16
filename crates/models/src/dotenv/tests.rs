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
    let text =
        format!("SAME=1\nEDIT=new\nADD=a\nADD=b\nAUTH_TOKEN=t\nBIG={long}\nBAD KEY=1\nEMPTY=\n");
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
