//! Where the relay finds Twilio credentials: the profile named with `--profile`, then the
//! environment, then the twilio-cli's active profile (the twilio-cli's order), and only then a
//! `.env` file in the working directory.
//!
//! Credentials come whole from one source and are never mixed: a `.env` is the file a cloned
//! project brings along, so it may not replace or complete what the user's own environment or
//! profile says (a `.env` holding an API key used to win over the environment's auth token, with
//! the log still naming the environment). The region and edge found here are the source's own;
//! `--region`/`--edge` (and their variables, `TWILIO_REGION`/`TWILIO_EDGE`) win over them
//! (`serve.rs`), and each must be a Twilio name, so none can turn the upstream into another host.

use crate::upstream::UpstreamAuth;
use anyhow::{Context, bail};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Credentials, with the region and edge their source names.
#[derive(Debug, Clone)]
pub struct Found {
    pub auth: UpstreamAuth,
    pub region: Option<String>,
    pub edge: Option<String>,
    /// Where they came from, for the start-up line (never the values).
    pub source: String,
}

/// The twilio-cli's `config.json`. Current versions keep `profiles` as an object with the API
/// key and secret; older ones kept `projects` as a list and the secret in the OS keychain.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct CliConfig {
    profiles: HashMap<String, CliProfile>,
    active_profile: Option<String>,
    projects: Vec<LegacyProject>,
    active_project: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct CliProfile {
    account_sid: String,
    api_key: String,
    api_secret: String,
    region: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LegacyProject {
    id: String,
}

/// The twilio-cli's configuration file for this user.
pub fn cli_config_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".twilio-cli").join("config.json"))
}

/// The variables that hold credentials; one set without the others is a mistake, not a source.
const CREDENTIAL_VARS: [&str; 4] = [
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
];

pub fn resolve(
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    dotenv: Option<&Path>,
    cli_config: Option<&Path>,
) -> anyhow::Result<Option<Found>> {
    if let Some(name) = profile {
        let path = cli_config.context("no home directory to find the twilio-cli profile in")?;
        return from_profile(path, Some(name)).map(Some);
    }
    let dotenv = dotenv.filter(|p| p.is_file());
    if let Some(auth) = UpstreamAuth::from_lookup(env) {
        ignoring(dotenv, "the environment")?;
        return Ok(Some(Found {
            auth,
            region: env("TWILIO_REGION"),
            edge: env("TWILIO_EDGE"),
            source: "the environment".to_owned(),
        }));
    }
    let partial: Vec<&str> = CREDENTIAL_VARS
        .into_iter()
        .filter(|key| env(key).is_some())
        .collect();
    // A shell that exports TWILIO_ACCOUNT_SID for other tools is common; the set is skipped
    // rather than completed from a file.
    if !partial.is_empty() {
        tracing::warn!(
            "ignoring {} from the environment: not a whole set of Twilio credentials \
             (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and \
             TWILIO_API_SECRET), and never completed from a .env file",
            partial.join(", ")
        );
    }
    let active = cli_config
        .filter(|p| p.is_file())
        .map(|path| from_profile(path, None));
    let unusable = match active {
        Some(Ok(found)) => {
            ignoring(dotenv, &found.source)?;
            return Ok(Some(found));
        }
        Some(Err(error)) => Some(error),
        None => None,
    };
    if let Some(path) = dotenv {
        let vars = read_dotenv(path)?;
        let lookup = |key: &str| vars.get(key).filter(|v| !v.is_empty()).cloned();
        if let Some(auth) = UpstreamAuth::from_lookup(lookup) {
            return Ok(Some(Found {
                auth,
                region: lookup("TWILIO_REGION"),
                edge: lookup("TWILIO_EDGE"),
                source: path.display().to_string(),
            }));
        }
    }
    // A twilio-cli configuration that could not be used says why, once nothing else gave
    // credentials.
    unusable.map_or(Ok(None), Err)
}

/// Says so when a `.env` holds credentials or hosts that a higher source makes it skip.
fn ignoring(dotenv: Option<&Path>, source: &str) -> anyhow::Result<()> {
    let Some(path) = dotenv else { return Ok(()) };
    let vars = read_dotenv(path)?;
    let skipped: Vec<&str> = CREDENTIAL_VARS
        .iter()
        .chain(&["TWILIO_REGION", "TWILIO_EDGE"])
        .copied()
        .filter(|key| vars.contains_key(*key))
        .collect();
    if !skipped.is_empty() {
        tracing::warn!(
            "ignoring {} in {}: the credentials come from {source}",
            skipped.join(", "),
            path.display()
        );
    }
    Ok(())
}

/// Which credential is in use, masked, for the start-up line.
pub fn describe(auth: &UpstreamAuth) -> String {
    let account = switchboard_models::sid::mask(&auth.account_sid);
    if auth.username == auth.account_sid {
        format!("the auth token of account {account}")
    } else {
        format!(
            "API key {} of account {account}",
            switchboard_models::sid::mask(&auth.username)
        )
    }
}

fn read_dotenv(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    // Credentials are read strictly: a mistyped line could be the token the relay then lacks.
    let parsed = switchboard_models::dotenv::parse(&text);
    if let Some(first) = parsed.skipped.first() {
        anyhow::bail!(
            "{}: {} not read (line {}: {})",
            path.display(),
            switchboard_models::dotenv::lines_in_words(&parsed.skipped_lines()),
            first.line,
            first.why.reason()
        );
    }
    Ok(parsed.pairs.into_iter().collect())
}

fn from_profile(path: &Path, name: Option<&str>) -> anyhow::Result<Found> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let config: CliConfig =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let name = match name {
        Some(name) => name.to_owned(),
        None => match config
            .active_profile
            .clone()
            .or_else(|| config.profiles.keys().next().cloned())
        {
            Some(name) => name,
            None if !config.projects.is_empty() => bail!(legacy_message(path, &config)),
            None => bail!("{} has no twilio-cli profile", path.display()),
        },
    };
    let Some(profile) = config.profiles.get(&name) else {
        if config.projects.iter().any(|p| p.id == name) {
            bail!(legacy_message(path, &config));
        }
        bail!("no twilio-cli profile named {name:?} in {}", path.display());
    };
    if profile.account_sid.is_empty() || profile.api_key.is_empty() || profile.api_secret.is_empty()
    {
        bail!("twilio-cli profile {name:?} lacks its account SID, API key or secret");
    }
    Ok(Found {
        auth: UpstreamAuth {
            username: profile.api_key.clone(),
            password: profile.api_secret.clone(),
            account_sid: profile.account_sid.clone(),
        },
        region: profile.region.clone(),
        edge: None,
        source: format!("twilio-cli profile {name:?}"),
    })
}

fn legacy_message(path: &Path, config: &CliConfig) -> String {
    let active = config.active_project.as_deref().unwrap_or("default");
    format!(
        "{} is from an older twilio-cli that keeps secrets in the OS keychain ({active:?}); \
         upgrade the twilio-cli or set TWILIO_ACCOUNT_SID with TWILIO_API_KEY and TWILIO_API_SECRET",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dir(PathBuf);
    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir()
                .join(format!("switchboard-creds-{}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
        fn file(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            path
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const CONFIG: &str = r#"{"profiles":{"work":{"accountSid":"ACwork","apiKey":"SKwork","apiSecret":"work-secret","region":"ie1"},
        "play":{"accountSid":"ACplay","apiKey":"SKplay","apiSecret":"play-secret"}},"activeProfile":"play"}"#;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_named_profile_wins_over_the_environment() {
        let dir = Dir::new("named");
        let config = dir.file("config.json", CONFIG);
        let env = |key: &str| {
            (key == "TWILIO_ACCOUNT_SID" || key == "TWILIO_AUTH_TOKEN").then(|| "x".to_owned())
        };
        let found = resolve(Some("work"), &env, None, Some(&config))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                found.auth.username.as_str(),
                found.auth.account_sid.as_str()
            ),
            ("SKwork", "ACwork")
        );
        assert_eq!(found.region.as_deref(), Some("ie1"));
        assert!(resolve(Some("missing"), &env, None, Some(&config)).is_err());
    }

    #[test]
    fn the_environment_then_the_active_profile_then_dotenv() {
        let dir = Dir::new("order");
        let config = dir.file("config.json", CONFIG);
        let dotenv = dir.file(
            ".env",
            "TWILIO_ACCOUNT_SID=ACfile\nTWILIO_AUTH_TOKEN=file-token\nTWILIO_REGION=au1\n",
        );
        let found = resolve(None, &no_env, Some(&dotenv), None)
            .unwrap()
            .unwrap();
        assert_eq!(found.auth.password, "file-token");
        assert_eq!(found.region.as_deref(), Some("au1"));
        let env = |key: &str| match key {
            "TWILIO_ACCOUNT_SID" => Some("ACenv".to_owned()),
            "TWILIO_AUTH_TOKEN" => Some("env-token".to_owned()),
            _ => None,
        };
        let found = resolve(None, &env, Some(&dotenv), Some(&config))
            .unwrap()
            .unwrap();
        assert_eq!(found.auth.password, "env-token");
        assert_eq!(found.region, None, "the .env's region came along");
        let found = resolve(None, &no_env, Some(&dotenv), Some(&config))
            .unwrap()
            .unwrap();
        assert_eq!(
            found.auth.account_sid, "ACplay",
            "the .env beat the profile"
        );
        assert!(resolve(None, &no_env, None, None).unwrap().is_none());
    }

    #[test]
    fn a_dotenv_never_completes_or_replaces_the_environment() {
        let dir = Dir::new("mix");
        let dotenv = dir.file(
            ".env",
            "TWILIO_API_KEY=SKfile\nTWILIO_API_SECRET=file-secret\nTWILIO_AUTH_TOKEN=file-token\n",
        );
        let token = |key: &str| match key {
            "TWILIO_ACCOUNT_SID" => Some("ACenv".to_owned()),
            "TWILIO_AUTH_TOKEN" => Some("env-token".to_owned()),
            _ => None,
        };
        let found = resolve(None, &token, Some(&dotenv), None).unwrap().unwrap();
        assert_eq!(
            (found.auth.username.as_str(), found.auth.password.as_str()),
            ("ACenv", "env-token")
        );
        // The environment's SID and the file's key would make a set; they are not joined.
        let sid_only = |key: &str| (key == "TWILIO_ACCOUNT_SID").then(|| "ACenv".to_owned());
        assert!(
            resolve(None, &sid_only, Some(&dotenv), None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn legacy_keychain_profiles_are_explained() {
        let dir = Dir::new("legacy");
        let config = dir.file(
            "config.json",
            r#"{"projects":[{"id":"default","accountSid":"AC1"}],"activeProject":"default"}"#,
        );
        let error = resolve(None, &no_env, None, Some(&config))
            .unwrap_err()
            .to_string();
        assert!(error.contains("keychain"), "{error}");
    }
}
