//! Where things are in a twilio-run project: `functions/` (or `src/`) and `assets/` (or
//! `static/`), unless `.twilioserverlessrc` names other folders, plus the files read whole.

use super::ignore::Ignore;
use switchboard_models::Visibility;
use switchboard_models::naming::{CodeKind, path_and_visibility};

/// The settings of `.twilioserverlessrc` a deploy uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub runtime: Option<String>,
    pub functions_folder: Option<String>,
    pub assets_folder: Option<String>,
    /// The file the variables come from (`.env` unless the settings name another).
    pub env: Option<String>,
}

/// What a deploy goes to, which picks the scoped parts of `.twilioserverlessrc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    /// The environment's domain suffix; empty for one without (twilio-run's `--production`).
    pub domain_suffix: &'a str,
    pub account_sid: &'a str,
}

/// Reads `.twilioserverlessrc` for a deploy to `scope`, merging as twilio-run's
/// `readSpecializedConfig` does: the top level, then `commands.deploy`, then
/// `environments[<domain suffix>]` (`"*"` for an environment without one), then
/// `projects[<account SID>]`, each later one winning key by key. twilio-run loads the file as
/// JSON5, so `//` and `/* */` comments and trailing commas are allowed.
pub fn parse_settings(text: &str, scope: Scope<'_>) -> Result<Settings, String> {
    let value: serde_json::Value =
        serde_json::from_str(&strip_json5(text)).map_err(|e| e.to_string())?;
    let section = |path: [&str; 2]| value.get(path[0]).and_then(|v| v.get(path[1]));
    let environment = match scope.domain_suffix {
        "" => "*",
        suffix => suffix,
    };
    let layers = [
        Some(&value),
        section(["commands", "deploy"]),
        section(["environments", environment]),
        section(["projects", scope.account_sid]),
    ];
    let string = |key: &str| {
        layers
            .iter()
            .rev()
            .flatten()
            .find_map(|layer| layer.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let folder = |key: &str| string(key).map(|f| f.trim_matches('/').to_owned());
    Ok(Settings {
        runtime: string("runtime"),
        functions_folder: folder("functionsFolder"),
        assets_folder: folder("assetsFolder"),
        env: string("env").map(|f| f.trim_start_matches("./").to_owned()),
    })
}

/// Removes comments and trailing commas outside strings.
fn strip_json5(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => while chars.next_if(|&c| c != '\n').is_some() {},
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            (']' | '}', _) => {
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(',') {
                    out.truncate(trimmed - 1);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// What a project file is to a deploy.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Code {
        kind: CodeKind,
        path: String,
        visibility: Visibility,
    },
    /// `package.json`, `.env` (or the settings' `env` file), `.twilioserverlessrc` or
    /// `.twilioserverlessignore` at the root.
    Project,
    /// Skipped, with the reason the plan shows.
    Ignored(&'static str),
}

/// The project's folders, chosen from the files it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    functions: String,
    assets: String,
    env: String,
}

/// The files a deploy reads whole, at the project root (besides the settings' `env` file).
pub const PROJECT_FILES: [&str; 4] = [
    "package.json",
    ".env",
    ".twilioserverlessrc",
    ".twilioserverlessignore",
];

/// Where the variables come from when the settings do not say.
pub const DEFAULT_ENV_FILE: &str = ".env";

impl Layout {
    /// The configured folders, or the first of twilio-run's candidates that holds a file.
    pub fn detect<'a>(paths: impl Iterator<Item = &'a str> + Clone, settings: &Settings) -> Layout {
        let pick = |configured: &Option<String>, candidates: [&str; 2]| {
            configured.clone().unwrap_or_else(|| {
                candidates
                    .into_iter()
                    .find(|dir| paths.clone().any(|p| p.starts_with(&format!("{dir}/"))))
                    .unwrap_or(candidates[0])
                    .to_owned()
            })
        };
        Layout {
            functions: pick(&settings.functions_folder, ["functions", "src"]),
            assets: pick(&settings.assets_folder, ["assets", "static"]),
            env: settings
                .env
                .clone()
                .unwrap_or_else(|| DEFAULT_ENV_FILE.into()),
        }
    }

    /// The file the variables come from.
    pub fn env_file(&self) -> &str {
        &self.env
    }

    /// Classifies the file at `rel` (relative to the project root).
    pub fn classify(&self, rel: &str, ignore: &Ignore) -> Role {
        if PROJECT_FILES.contains(&rel) || rel == self.env {
            return Role::Project;
        }
        if ignore.is_ignored(rel) {
            return Role::Ignored("ignored (node_modules, dotfile or .twilioserverlessignore)");
        }
        let (kind, below) = if let Some(below) = strip_dir(rel, &self.functions) {
            (CodeKind::Function, below)
        } else if let Some(below) = strip_dir(rel, &self.assets) {
            (CodeKind::Asset, below)
        } else {
            return Role::Ignored("outside the functions and assets folders");
        };
        if kind == CodeKind::Function && !below.ends_with(".js") {
            return Role::Ignored("not a .js file in the functions folder");
        }
        let (path, visibility) = path_and_visibility(kind, below);
        // twilio-run replaces white space in paths with hyphens.
        let path = path.replace(char::is_whitespace, "-");
        Role::Code {
            kind,
            path,
            visibility,
        }
    }
}

fn strip_dir<'a>(rel: &'a str, dir: &str) -> Option<&'a str> {
    rel.strip_prefix(dir)?.strip_prefix('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(kind: CodeKind, path: &str, visibility: Visibility) -> Role {
        Role::Code {
            kind,
            path: path.into(),
            visibility,
        }
    }

    #[test]
    fn classifies_a_twilio_run_project() {
        let paths = [
            "functions/hello.js",
            "assets/style.css",
            "package.json",
            "node_modules/x/index.js",
        ];
        let layout = Layout::detect(paths.iter().copied(), &Settings::default());
        let ignore = Ignore::with_defaults("*.md\n");
        use CodeKind::*;
        use Visibility::*;
        let cases = [
            ("functions/hello.js", code(Function, "/hello", Public)),
            (
                "functions/api/sms/reply.protected.js",
                code(Function, "/api/sms/reply", Protected),
            ),
            ("functions/my file.js", code(Function, "/my-file", Public)),
            (
                "assets/data.private.json",
                code(Asset, "/data.json", Private),
            ),
            ("assets/img/logo.png", code(Asset, "/img/logo.png", Public)),
            ("package.json", Role::Project),
            (".env", Role::Project),
            (".twilioserverlessrc", Role::Project),
        ];
        for (rel, role) in cases {
            assert_eq!(layout.classify(rel, &ignore), role, "{rel}");
        }
        for rel in [
            "node_modules/x/index.js",
            "functions/.eslintrc",
            "assets/README.md",
            "functions/types.d.ts",
            "README.txt",
            "functions/node_modules/a.js",
        ] {
            assert!(
                matches!(layout.classify(rel, &ignore), Role::Ignored(_)),
                "{rel}"
            );
        }
    }

    #[test]
    fn falls_back_to_src_and_static_and_follows_the_settings() {
        let paths = ["src/a.js", "static/b.css"];
        let layout = Layout::detect(paths.iter().copied(), &Settings::default());
        let none = Ignore::default();
        assert!(matches!(
            layout.classify("src/a.js", &none),
            Role::Code { .. }
        ));
        assert!(matches!(
            layout.classify("static/b.css", &none),
            Role::Code { .. }
        ));
        let settings = parse_settings(
            "{\n // JSON5\n \"runtime\": \"node20\", /* folders */ \"functionsFolder\": \"fns/\",\n}",
            Scope::default(),
        )
        .unwrap();
        assert_eq!(settings.runtime.as_deref(), Some("node20"));
        let layout = Layout::detect(paths.iter().copied(), &settings);
        assert!(matches!(
            layout.classify("fns/x.js", &none),
            Role::Code { .. }
        ));
        assert!(matches!(
            layout.classify("src/a.js", &none),
            Role::Ignored(_)
        ));
    }

    #[test]
    fn settings_keep_slashes_inside_strings() {
        let settings = parse_settings(
            r#"{"runtime": "node//22", "x": [1, 2,],}"#,
            Scope::default(),
        )
        .unwrap();
        assert_eq!(settings.runtime.as_deref(), Some("node//22"));
        assert!(parse_settings("{runtime: node22}", Scope::default()).is_err());
    }

    #[test]
    fn scoped_settings_win_in_twilio_runs_order() {
        let rc = r#"{
            "runtime": "node18", "env": ".env", "assetsFolder": "public",
            "commands": { "deploy": { "runtime": "node20" }, "start": { "env": ".env.local" } },
            "environments": {
                "stage": { "env": "./.env.stage" },
                "*": { "env": ".env.prod", "runtime": "node22" }
            },
            "projects": { "AC1": { "runtime": "node16" } }
        }"#;
        let scoped = |domain_suffix, account_sid| {
            parse_settings(
                rc,
                Scope {
                    domain_suffix,
                    account_sid,
                },
            )
            .unwrap()
        };
        let dev = scoped("dev", "AC2");
        assert_eq!(
            (dev.runtime.as_deref(), dev.env.as_deref()),
            (Some("node20"), Some(".env"))
        );
        assert_eq!(dev.assets_folder.as_deref(), Some("public"));
        let stage = scoped("stage", "AC2");
        assert_eq!(
            (stage.runtime.as_deref(), stage.env.as_deref()),
            (Some("node20"), Some(".env.stage"))
        );
        let production = scoped("", "AC2");
        assert_eq!(
            (production.runtime.as_deref(), production.env.as_deref()),
            (Some("node22"), Some(".env.prod"))
        );
        assert_eq!(scoped("", "AC1").runtime.as_deref(), Some("node16"));

        let layout = Layout::detect(std::iter::empty(), &stage);
        assert_eq!(layout.env_file(), ".env.stage");
        let ignore = Ignore::with_defaults("");
        assert_eq!(layout.classify(".env.stage", &ignore), Role::Project);
        assert!(matches!(
            Layout::detect(std::iter::empty(), &dev).classify(".env.stage", &ignore),
            Role::Ignored(_)
        ));
    }
}
