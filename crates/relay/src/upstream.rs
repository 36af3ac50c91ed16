//! Where the relay sends API calls, and with which credentials.

use std::fmt;

/// What the console is talking to, as shown in its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamKind {
    Emulator,
    Twilio {
        region: Option<String>,
        edge: Option<String>,
    },
    /// Explicit base URLs (tests, proxies, other regions).
    Custom,
}

/// HTTP Basic credentials for the upstream. `Debug` never prints the secret.
#[derive(Clone)]
pub struct UpstreamAuth {
    pub username: String,
    pub password: String,
    /// The account the credentials act on (differs from `username` for API keys).
    pub account_sid: String,
}

impl fmt::Debug for UpstreamAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamAuth")
            .field("username", &switchboard_models::sid::mask(&self.username))
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Upstream {
    pub kind: UpstreamKind,
    /// Base of the Serverless host, without a trailing slash (`https://serverless.twilio.com`).
    pub serverless_base: String,
    /// Base of the upload host (`https://serverless-upload.twilio.com`).
    pub upload_base: String,
    pub auth: UpstreamAuth,
}

impl UpstreamAuth {
    /// Reads `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN`, or with `TWILIO_API_KEY` and
    /// `TWILIO_API_SECRET`, from the given lookup (the environment in production).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Option<UpstreamAuth> {
        let account_sid = get("TWILIO_ACCOUNT_SID").filter(|v| !v.is_empty())?;
        if let (Some(key), Some(secret)) = (get("TWILIO_API_KEY"), get("TWILIO_API_SECRET"))
            && !key.is_empty()
            && !secret.is_empty()
        {
            return Some(UpstreamAuth {
                username: key,
                password: secret,
                account_sid,
            });
        }
        let token = get("TWILIO_AUTH_TOKEN").filter(|v| !v.is_empty())?;
        Some(UpstreamAuth {
            username: account_sid.clone(),
            password: token,
            account_sid,
        })
    }
}

impl Upstream {
    /// Twilio's hosts for a region and edge (`serverless.dublin.ie1.twilio.com`); the default
    /// is the global hosts.
    pub fn twilio(auth: UpstreamAuth, region: Option<String>, edge: Option<String>) -> Upstream {
        let host = |product: &str| match (&region, &edge) {
            (None, None) => format!("https://{product}.twilio.com"),
            (region, edge) => {
                let region = region.clone().unwrap_or_else(|| "us1".into());
                let edge = edge.clone().unwrap_or_else(|| default_edge(&region).into());
                format!("https://{product}.{edge}.{region}.twilio.com")
            }
        };
        Upstream {
            serverless_base: host("serverless"),
            upload_base: host("serverless-upload"),
            kind: UpstreamKind::Twilio { region, edge },
            auth,
        }
    }

    /// The embedded or a standalone emulator, which serves both hosts' paths on one address.
    pub fn emulator(base: String, auth: UpstreamAuth) -> Upstream {
        Upstream {
            kind: UpstreamKind::Emulator,
            serverless_base: base.clone(),
            upload_base: base,
            auth,
        }
    }
}

/// A region (`ie1`) or edge (`dublin`, `sao-paulo`) as Twilio names them: lowercase letters and
/// digits, with single hyphens inside (`sao-paulo` is one). Each becomes one DNS label of the
/// upstream's host, so no value can add a dot, a slash or a port and point it elsewhere.
pub fn check_label(what: &str, value: &str) -> anyhow::Result<()> {
    let valid = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if !valid {
        anyhow::bail!(
            "{what} {value:?} is not a Twilio {what} name (lowercase letters and digits, such \
             as ie1 or dublin)"
        );
    }
    Ok(())
}

fn default_edge(region: &str) -> &'static str {
    match region {
        "ie1" => "dublin",
        "au1" => "sydney",
        "jp1" => "tokyo",
        "de1" => "frankfurt",
        "sg1" => "singapore",
        "br1" => "sao-paulo",
        _ => "ashburn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn api_keys_win_over_the_auth_token() {
        let auth = UpstreamAuth::from_lookup(lookup(&[
            ("TWILIO_ACCOUNT_SID", "AC1"),
            ("TWILIO_AUTH_TOKEN", "tok"),
            ("TWILIO_API_KEY", "SK1"),
            ("TWILIO_API_SECRET", "sec"),
        ]))
        .unwrap();
        assert_eq!(
            (auth.username.as_str(), auth.account_sid.as_str()),
            ("SK1", "AC1")
        );
        assert!(UpstreamAuth::from_lookup(lookup(&[("TWILIO_ACCOUNT_SID", "AC1")])).is_none());
        assert!(!format!("{auth:?}").contains("sec"));
    }

    #[test]
    fn regions_and_edges_are_single_names() {
        for good in ["ie1", "us1", "dublin", "sao-paulo"] {
            assert!(check_label("region", good).is_ok(), "{good}");
        }
        for bad in [
            "ashburn.attacker.invalid/",
            "IE1",
            "ie1.",
            "a/b",
            "a:443",
            "",
            "-x",
            "x-",
            "a--b",
            "a b",
        ] {
            assert!(check_label("edge", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regional_hosts() {
        let auth = UpstreamAuth {
            username: "AC1".into(),
            password: "x".into(),
            account_sid: "AC1".into(),
        };
        let global = Upstream::twilio(auth.clone(), None, None);
        assert_eq!(global.upload_base, "https://serverless-upload.twilio.com");
        let ie = Upstream::twilio(auth, Some("ie1".into()), None);
        assert_eq!(
            ie.serverless_base,
            "https://serverless.dublin.ie1.twilio.com"
        );
    }
}
