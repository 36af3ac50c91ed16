//! The start-up rules for what guards `/api` and the console: the console token, the origins CORS
//! may name and those that may frame the console, and what the relay tells the console in its
//! config.json. A relay whose settings break them refuses to start rather than run weaker than
//! asked.

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

/// `--allow-origin`: one origin, `http(s)://host[:port]`, as a browser sends it in `Origin`. A
/// wildcard would let every website read the API's answers; `null` is what sandboxed frames and
/// `file:` pages send, so it names no one in particular either.
pub fn check_allow_origin(origin: &str) -> anyhow::Result<()> {
    check_origin("--allow-origin", origin)
}

/// `--frame-ancestors`: one origin that may frame the console, by the same rule: CSP keywords
/// (`'self'`, `'unsafe-inline'`), wildcards and schemes alone (`https:`) would let sites in that
/// nobody named, and a path is not an origin.
pub fn check_frame_ancestor(origin: &str) -> anyhow::Result<()> {
    check_origin("--frame-ancestors", origin)
}

fn check_origin(flag: &str, origin: &str) -> anyhow::Result<()> {
    let refuse = |why: &str| {
        anyhow::anyhow!(
            "{flag} {origin:?} {why}: give exactly one origin such as https://admin.example.com \
             (scheme, host and optional port; no wildcard, path or slash); repeat the flag for more"
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

/// `--public-api-url`: where the console calls the relay's `/api`, written into the config.json
/// the relay serves: an `http(s)` URL (a relay on another origin) or a path on this one.
/// Returns the URL's origin, for the console's `connect-src`.
pub fn check_public_api_url(url: &str) -> anyhow::Result<Option<String>> {
    let refuse = |why: &str| {
        anyhow::anyhow!(
            "--public-api-url {url:?} {why}: give the URL of a relay's /api, such as \
             https://relay.example.com/api, or a path on this origin such as /api"
        )
    };
    if url.starts_with('/') && !url.starts_with("//") {
        return match url.parse::<Uri>() {
            Ok(uri) if uri.query().is_none() && !url.contains('#') => Ok(None),
            _ => Err(refuse("is not a plain path")),
        };
    }
    let uri: Uri = url.parse().map_err(|_| refuse("is not a URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
        return Err(refuse(
            "is neither an http(s) URL nor a path starting with /",
        ));
    };
    if *scheme != Scheme::HTTP && *scheme != Scheme::HTTPS {
        return Err(refuse("is not http:// or https://"));
    }
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(refuse("has user information or no host"));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(refuse("has a query or fragment"));
    }
    let origin = format!("{scheme}://{authority}");
    check_origin("--public-api-url", &origin)?;
    Ok(Some(origin))
}

/// `--display-name`: a line of text for the header and tab titles.
pub fn check_display_name(name: &str) -> anyhow::Result<()> {
    if name.trim().is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        bail!("--display-name must be 1 to 80 characters on one line");
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

    #[test]
    fn frame_ancestors_are_origins_only() {
        assert!(check_frame_ancestor("https://portal.example.com").is_ok());
        for bad in [
            "*",
            "'self'",
            "'unsafe-inline'",
            "'none'",
            "https:",
            "https://*.example.com",
            "https://portal.example.com/admin",
            "https://portal.example.com/",
            "portal.example.com",
            "https://portal.example.com 'unsafe-inline'",
            "https://portal.example.com; script-src *",
            "data:",
            "",
        ] {
            assert!(check_frame_ancestor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_public_api_url_is_a_url_or_a_path() {
        assert_eq!(
            check_public_api_url("https://relay.example.com/api").unwrap(),
            Some("https://relay.example.com".to_owned())
        );
        assert_eq!(
            check_public_api_url("http://127.0.0.1:8080/api").unwrap(),
            Some("http://127.0.0.1:8080".to_owned())
        );
        assert_eq!(check_public_api_url("/api").unwrap(), None);
        for bad in [
            "relay.example.com/api",
            "//relay.example.com/api",
            "javascript:alert(1)",
            "ftp://relay.example.com/api",
            "https://user@relay.example.com/api",
            "https://relay.example.com/api?x=1",
            "https://relay.example.com/api#x",
            "https://relay.example.com/api; script-src *",
            "https://Relay.example.com/api",
            "",
        ] {
            assert!(check_public_api_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_display_name_is_one_short_line() {
        assert!(check_display_name("Acme production").is_ok());
        for bad in ["", "  ", "a\nb", &"x".repeat(81)] {
            assert!(check_display_name(bad).is_err(), "{bad:?}");
        }
    }
}
