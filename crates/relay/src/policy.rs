//! The start-up rules for what guards `/api`: the console token and the one extra origin CORS may
//! name. A relay whose settings break them refuses to start rather than run weaker than asked.

use anyhow::bail;
use axum::http::Uri;
use axum::http::uri::Scheme;

/// The shortest console token `switchboard serve` accepts: 16 characters of a random token are
/// far beyond guessing over HTTP, and a shorter one is more likely a placeholder or a typo.
/// `openssl rand -hex 16` gives 32.
pub const MIN_TOKEN_LEN: usize = 16;

/// A console token for `switchboard serve`: at least [`MIN_TOKEN_LEN`] visible ASCII characters.
/// An empty one (`SWITCHBOARD_TOKEN=` from a unit file whose variable is unset) would be compared
/// against an empty header and let everyone in, on every address.
pub fn check_token(token: &str) -> anyhow::Result<()> {
    if token.is_empty() {
        bail!(
            "the console token is empty (--token or SWITCHBOARD_TOKEN): give it at least \
             {MIN_TOKEN_LEN} characters, for example `openssl rand -hex 16`"
        );
    }
    // Browsers trim spaces around header values and reject control characters, so such a token
    // could never be presented.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        bail!("the console token may only hold visible ASCII characters (no spaces)");
    }
    if token.len() < MIN_TOKEN_LEN {
        bail!(
            "the console token has {} characters; it needs at least {MIN_TOKEN_LEN} \
             (for example `openssl rand -hex 16`)",
            token.len()
        );
    }
    Ok(())
}

/// `--allow-origin`: exactly one origin, `http(s)://host[:port]`, as a browser sends it in
/// `Origin`. A wildcard would let every website read the API's answers; `null` is what sandboxed
/// frames and `file:` pages send, so it names no one in particular either.
pub fn check_allow_origin(origin: &str) -> anyhow::Result<()> {
    let refuse = |why: &str| {
        anyhow::anyhow!(
            "--allow-origin {origin:?} {why}: give exactly one origin such as \
             https://admin.example.com (scheme, host and optional port; no wildcard, path or slash)"
        )
    };
    if origin.contains('*') {
        return Err(refuse("is a wildcard"));
    }
    let uri: Uri = origin.parse().map_err(|_| refuse("is not a URL"))?;
    let scheme = uri.scheme().ok_or_else(|| refuse("has no scheme"))?;
    if *scheme != Scheme::HTTP && *scheme != Scheme::HTTPS {
        return Err(refuse("is not http:// or https://"));
    }
    let authority = uri.authority().ok_or_else(|| refuse("has no host"))?;
    if authority.as_str().contains('@') {
        return Err(refuse("carries user information"));
    }
    if authority.host().is_empty() {
        return Err(refuse("has no host"));
    }
    // `Uri` accepts `https://a.example/`; a browser's Origin never ends in a slash, so such a
    // setting would never match and only look like it works.
    if !origin.ends_with(authority.as_str()) {
        return Err(refuse("has a path, query or trailing slash"));
    }
    if origin.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(refuse("is not lowercase, as browsers send it"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_need_a_minimum_length() {
        assert!(check_token("").is_err());
        assert!(check_token("short").is_err());
        assert!(check_token("sixteen chars!!!").is_err(), "a space");
        assert!(check_token("0123456789abcdef").is_ok());
    }

    #[test]
    fn only_one_exact_origin_is_allowed() {
        for good in [
            "https://admin.example.com",
            "http://127.0.0.1:3000",
            "https://[::1]:8443",
        ] {
            assert!(check_allow_origin(good).is_ok(), "{good}");
        }
        for bad in [
            "*",
            "https://*.example.com",
            "null",
            "admin.example.com",
            "https://admin.example.com/",
            "https://admin.example.com/console",
            "https://admin.example.com?x",
            "https://user@admin.example.com",
            "ftp://admin.example.com",
            "https://",
            "https://Admin.example.com",
            "",
        ] {
            assert!(check_allow_origin(bad).is_err(), "{bad}");
        }
    }
}
