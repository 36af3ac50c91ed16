//! Twilio's request signature (`X-Twilio-Signature`), as Twilio computes it for its webhooks:
//! base64 of the HMAC-SHA1, keyed with the account's auth token, of the full URL followed by
//! each POST parameter's name and value, sorted by name.

use base64::Engine as _;
use ring::hmac;

/// The signature of a call of `url` with the POST form `params` (none for a GET or a JSON body:
/// its query is part of the URL). Public for `tests/signature.rs`, which checks it against
/// twilio-node's own `validateRequest`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    // SHA-1 is what Twilio's scheme specifies; ring keeps it for exactly such legacy uses.
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_token.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hmac::sign(&key, data.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use super::sign;

    /// The examples of Twilio's security documentation (auth token `12345`), in the versions its
    /// snippets have carried (`security/signature_validation` in TwilioDevEd/api-snippets: only
    /// the caller's number differs).
    #[test]
    fn signs_twilios_documented_examples() {
        for (caller, expected) in [
            ("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
            ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            ("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="),
        ] {
            let params = [
                ("CallSid", "CA1234567890ABCDE"),
                ("Caller", caller),
                ("Digits", "1234"),
                ("From", caller),
                ("To", "+18005551212"),
            ]
            .map(|(name, value)| (name.to_owned(), value.to_owned()));
            assert_eq!(
                sign(
                    "12345",
                    "https://mycompany.com/myapp.php?foo=1&bar=2",
                    &params
                ),
                expected,
                "{caller}"
            );
        }
    }
}
