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

/// Whether deployed code runs (docs/EMULATOR.md, "What runs").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Execution {
    /// Builds run `npm install`, live URLs run the functions in Node. Falls back to `Simulated`,
    /// said once in the log, when `node` or `npm` is missing.
    Node,
    /// Builds finish on a timer by the version rule (`npm_version`); live URLs answer 503.
    Simulated,
    /// As `Simulated`, because running uploaded code is not allowed here (a shared relay).
    Off,
}

impl Execution {
    /// The name `/api/session` and `/__emulator/runtime` use: `node`, `simulated` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Execution::Node => "node",
            Execution::Simulated => "simulated",
            Execution::Off => "off",
        }
    }
}

impl FromStr for Execution {
    type Err = String;

    fn from_str(value: &str) -> Result<Execution, String> {
        match value {
            "node" => Ok(Execution::Node),
            "simulated" => Ok(Execution::Simulated),
            "off" => Ok(Execution::Off),
            other => Err(format!(
                "unknown runtime `{other}` (expected `node`, `simulated` or `off`)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub credentials: Credentials,
    /// API keys of the same account, accepted besides the account SID and auth token.
    pub api_keys: Vec<ApiKey>,
    /// How long a build stays `building`: exactly when simulated, at least when npm runs.
    pub build_time: Duration,
    /// `None` keeps everything in memory; `Some` persists to this SQLite file (WAL).
    pub data: Option<PathBuf>,
    pub seed: Option<Seed>,
    /// Whether builds and functions really run.
    pub execution: Execution,
    /// npm's cache, shared by every build; `None` is `~/.cache/switchboard/npm`.
    pub npm_cache: Option<PathBuf>,
    /// How long one execution may take before its request gets an error (Twilio's 10 s).
    pub execution_timeout: Duration,
    /// Processes one environment may run at once while its requests overlap.
    pub instances: usize,
    /// How long an execution may run before the requests that would queue behind it in its
    /// process get another process (up to `instances`).
    pub stuck_after: Duration,
}

impl Config {
    /// In memory, no seed, no API keys, simulated builds taking two seconds.
    pub fn new(credentials: Credentials) -> Config {
        Config {
            credentials,
            api_keys: Vec::new(),
            build_time: Duration::from_secs(2),
            data: None,
            seed: None,
            execution: Execution::Simulated,
            npm_cache: None,
            execution_timeout: Duration::from_secs(10),
            // One per core, at most four: more would only share the same cores.
            instances: std::thread::available_parallelism().map_or(1, |cores| cores.get().min(4)),
            // A trivial function under 16 concurrent clients answers within 5 ms here (p99,
            // `cargo xtask bench`); a loop or a slow upstream call runs far longer.
            stuck_after: Duration::from_millis(50),
        }
    }
}
