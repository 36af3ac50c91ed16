//! What an emulator is opened with: the credentials it accepts, how long builds take, where it
//! keeps its data and what it starts with.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use switchboard_models::sid::{SidKind, format_sid};

/// The account the emulator serves: HTTP Basic with this SID and token is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account_sid: String,
    pub auth_token: String,
}

impl Credentials {
    /// From `TWILIO_ACCOUNT_SID` / `TWILIO_AUTH_TOKEN` when both are set, otherwise generated.
    pub fn from_env_or_generated() -> Credentials {
        match (
            std::env::var("TWILIO_ACCOUNT_SID"),
            std::env::var("TWILIO_AUTH_TOKEN"),
        ) {
            (Ok(account_sid), Ok(auth_token))
                if !account_sid.is_empty() && !auth_token.is_empty() =>
            {
                Credentials {
                    account_sid,
                    auth_token,
                }
            }
            _ => Credentials::generated(),
        }
    }

    /// A fresh account SID (`AC` + 32 hex) and a 32-hex-digit auth token.
    pub fn generated() -> Credentials {
        Credentials {
            account_sid: format_sid(SidKind::Account, rand::random()),
            auth_token: format!("{:032x}", rand::random::<u128>()),
        }
    }
}

/// An API key (`SK…` and its secret) accepted in place of the account's own credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub sid: String,
    pub secret: String,
}

/// Data an empty store is filled with at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// A living demo service: environments, functions, assets, a deployed build, variables, logs.
    Demo,
}

impl FromStr for Seed {
    type Err = String;

    fn from_str(value: &str) -> Result<Seed, String> {
        match value {
            "demo" => Ok(Seed::Demo),
            other => Err(format!("unknown seed `{other}` (expected `demo`)")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub credentials: Credentials,
    /// API keys of the same account, accepted besides the account SID and auth token.
    pub api_keys: Vec<ApiKey>,
    /// How long a build stays `building`.
    pub build_time: Duration,
    /// `None` keeps everything in memory; `Some` persists to this SQLite file (WAL).
    pub data: Option<PathBuf>,
    pub seed: Option<Seed>,
}

impl Config {
    /// In memory, no seed, no API keys, builds taking two seconds.
    pub fn new(credentials: Credentials) -> Config {
        Config {
            credentials,
            api_keys: Vec::new(),
            build_time: Duration::from_secs(2),
            data: None,
            seed: None,
        }
    }
}
