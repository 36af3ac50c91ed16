//! Reading a picked project in the browser: the root files, then every function and asset's
//! bytes and hash (skipped files are never read).

use super::hash::sha256_hex;
use super::ignore::Ignore;
use super::layout::{DEFAULT_ENV_FILE, Layout, Role, Scope, Settings, parse_settings};
use super::plan::{LocalFile, key};
use super::read;
use std::collections::HashMap;
use switchboard_models::dotenv::{self, LeftOut};
use switchboard_models::{Dependency, dependencies};
use web_sys::File;

/// A picked project: its functions and assets with their files, and what the root files say.
#[derive(Clone, Default)]
pub struct Project {
    pub files: Vec<(LocalFile, File)>,
    pub ignored: Vec<(String, &'static str)>,
    pub dependencies: Vec<Dependency>,
    pub variables: Vec<(String, String)>,
    /// `.env` entries twilio-run would not upload either, with why.
    pub left_out: Vec<(String, LeftOut)>,
    pub runtime: Option<String>,
    /// Where `variables` came from.
    pub env_file: String,
}

/// Reads the root files with the settings for a deploy to `scope`, then hashes every function
/// and asset (skipped files are never read).
pub async fn load_project(files: Vec<(String, File)>, scope: Scope<'_>) -> Result<Project, String> {
    let text = async |name: &str| -> Result<Option<String>, String> {
        match files.iter().find(|(path, _)| path == name) {
            Some((_, file)) => crate::components::file_input::read_text(file)
                .await
                .map(Some),
            None => Ok(None),
        }
    };
    let settings = match text(".twilioserverlessrc").await? {
        Some(rc) => parse_settings(&rc, scope).map_err(|e| format!(".twilioserverlessrc: {e}"))?,
        None => Settings::default(),
    };
    let ignore = Ignore::with_defaults(&text(".twilioserverlessignore").await?.unwrap_or_default());
    let mut project = Project {
        runtime: settings.runtime.clone(),
        ..Project::default()
    };
    if let Some(package) = text("package.json").await? {
        project.dependencies =
            dependencies::from_package_json(&package).map_err(|e| format!("package.json: {e}"))?;
    }
    let layout = Layout::detect(files.iter().map(|(p, _)| p.as_str()), &settings);
    let env_file = layout.env_file();
    project.env_file = env_file.to_owned();
    match text(env_file).await? {
        Some(env) => {
            let parsed = dotenv::parse(&env);
            // Skipped as twilio-run's dotenv skips them, and listed with the skipped files.
            for skipped in &parsed.skipped {
                project.ignored.push((
                    format!("{env_file} line {}", skipped.line),
                    skipped.why.what(),
                ));
            }
            (project.variables, project.left_out) = dotenv::for_deploy(parsed.pairs);
        }
        // A missing .env means no variables; a file the settings name must be there.
        None if env_file != DEFAULT_ENV_FILE => {
            return Err(format!(
                ".twilioserverlessrc names {env_file} for this environment, and the folder has no such file"
            ));
        }
        None => {}
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    for (rel, file) in files {
        match layout.classify(&rel, &ignore) {
            Role::Code {
                kind,
                path,
                visibility,
            } => {
                if let Some(other) = seen.insert(key(kind, &path), rel.clone()) {
                    return Err(format!("{other} and {rel} both deploy to {path}"));
                }
                let bytes = read::bytes(&file).await?;
                let local = LocalFile {
                    kind,
                    path,
                    visibility,
                    hash: sha256_hex(&bytes),
                    size: bytes.len() as u64,
                };
                project.files.push((local, file));
            }
            Role::Ignored(reason) => project.ignored.push((rel, reason)),
            Role::Project => {}
        }
    }
    project.ignored.sort();
    Ok(project)
}
