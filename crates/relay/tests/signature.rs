//! The relay's `X-Twilio-Signature` against twilio-node's own `validateRequest`, run in real
//! Node: what the relay signs for the Test panel is what Twilio's helper library (and so a
//! protected Function's runtime) accepts. The documented vectors are checked in
//! `src/invoke/signature.rs`; here they are checked by Node too, with URLs and parameters that
//! Twilio's example does not cover.
//!
//! The `twilio` package comes from the runtime packages that `cargo xtask test` installs into
//! `~/.cache/switchboard/runtime-packages/runtime` (xtask/src/tools.rs, `RUNTIME_PACKAGE_SETS`).

use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use switchboard::invoke::signature::sign;

/// The installed `twilio` package, or a failure that says how to install it.
fn twilio_package() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = home.join(".cache/switchboard/runtime-packages/runtime/node_modules/twilio");
    assert!(
        dir.join("package.json").exists(),
        "{} is missing: run `cargo xtask test` (it installs the emulator's runtime packages)",
        dir.display()
    );
    dir
}

/// Asks Node whether each case's signature is valid, by `twilio.validateRequest`.
fn node_validates(cases: &[Value]) -> Vec<bool> {
    let script = "const twilio = require(process.argv[1]);\
        let input = '';\
        process.stdin.on('data', d => input += d);\
        process.stdin.on('end', () => {\
          const cases = JSON.parse(input);\
          const answers = cases.map(c => twilio.validateRequest(c.token, c.signature, c.url, c.params));\
          process.stdout.write(JSON.stringify(answers));\
        });";
    let mut node = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(twilio_package())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (the emulator's runtime needs it too)");
    node.stdin
        .take()
        .unwrap()
        .write_all(Value::Array(cases.to_vec()).to_string().as_bytes())
        .unwrap();
    let output = node.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn case(token: &str, url: &str, params: &[(&str, &str)]) -> (Value, String) {
    let pairs: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let signature = sign(token, url, &pairs);
    let object: serde_json::Map<String, Value> = params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    (
        json!({"token": token, "url": url, "params": object, "signature": signature}),
        signature,
    )
}

#[test]
fn twilio_nodes_validate_request_accepts_what_the_relay_signs() {
    let token = "0123456789abcdef0123456789abcdef";
    let sms = [
        ("MessageSid", "SM00000000000000000000000000000001"),
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("From", "+15555550100"),
        ("To", "+15555550199"),
        ("Body", "Hours? Ça va & 50% = ok 👋"),
        ("NumMedia", "0"),
    ];
    let cases = [
        // Twilio's documented example, by Node as well as by the unit test.
        case(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &[
                ("CallSid", "CA1234567890ABCDE"),
                ("Caller", "+14158675309"),
                ("Digits", "1234"),
                ("From", "+14158675309"),
                ("To", "+18005551212"),
            ],
        ),
        // A form POST to a Function's live URL, with text that needs encoding.
        case(token, "https://demo-1234-dev.twil.io/sms/reply", &sms),
        // The emulator's local live URL, with its port.
        case(token, "http://demo-1234-dev.localhost:8787/sms/reply", &sms),
        // A GET: the parameters are in the signed URL, and there is no form.
        case(
            token,
            "https://demo-1234-dev.twil.io/hello?name=Ada%20L&x=%26",
            &[],
        ),
        // Names that sort differently by case, and an empty value.
        case(
            token,
            "https://demo-1234-dev.twil.io/a",
            &[("b", "1"), ("B", "2"), ("a", ""), ("_", "3")],
        ),
    ];
    let (cases, signatures): (Vec<Value>, Vec<String>) = cases.into_iter().unzip();
    assert_eq!(signatures[0], "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    assert_eq!(node_validates(&cases), vec![true; cases.len()]);

    // Node does refuse: a signature for other parameters, or another token, is not valid.
    let mut forged = cases.clone();
    forged[1]["params"]["Body"] = json!("something else");
    forged[2]["token"] = json!("fedcba9876543210fedcba9876543210");
    forged[3]["url"] = json!("https://demo-1234-dev.twil.io/hello?name=Eve");
    assert_eq!(node_validates(&forged[1..4]), vec![false, false, false]);
}
