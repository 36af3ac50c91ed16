//! Writing what is live in an environment back out as a twilio-run project.

use super::zip::zip_stored;
use switchboard_models::naming::CodeKind;
use switchboard_models::{Dependency, Visibility};

/// What an environment serves, as the export needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveProject {
    pub name: String,
    pub runtime: String,
    pub dependencies: Vec<Dependency>,
    /// Path, visibility and content of every function.
    pub functions: Vec<(String, Visibility, String)>,
    /// Path and visibility of every asset (the API cannot download their bytes).
    pub assets: Vec<(String, Visibility)>,
    pub variables: Vec<(String, String)>,
}

/// The project file twilio-run turns back into `path` with `visibility`: the reverse of
/// `switchboard_models::naming::path_and_visibility`.
pub fn file_name(kind: CodeKind, path: &str, visibility: Visibility) -> String {
    let path = path.trim_start_matches('/');
    let marker = match visibility {
        Visibility::Public => "",
        Visibility::Protected => ".protected",
        Visibility::Private => ".private",
    };
    match kind {
        CodeKind::Function => format!("functions/{path}{marker}.js"),
        CodeKind::Asset => {
            let (dir, name) = match path.rsplit_once('/') {
                Some((dir, name)) => (format!("{dir}/"), name),
                None => (String::new(), path),
            };
            match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => {
                    format!("assets/{dir}{stem}{marker}.{ext}")
                }
                _ => format!("assets/{dir}{name}{marker}"),
            }
        }
    }
}

/// `.env` lines that `switchboard_models::dotenv::parse` (and dotenv) read back unchanged.
pub fn dotenv(variables: &[(String, String)]) -> String {
    variables
        .iter()
        .map(|(key, value)| {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{key}=\"{escaped}\"\n")
        })
        .collect()
}

/// The zip of the project: functions, package.json, .twilioserverlessrc, .env and a README that
/// lists the assets it could not include.
pub fn project_zip(project: &LiveProject) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = project
        .functions
        .iter()
        .map(|(path, visibility, content)| {
            (
                file_name(CodeKind::Function, path, *visibility),
                content.clone().into_bytes(),
            )
        })
        .collect();
    let dependencies: serde_json::Map<String, serde_json::Value> = project
        .dependencies
        .iter()
        .map(|d| (d.name.clone(), d.version.clone().into()))
        .collect();
    let package = serde_json::json!({
        "name": project.name,
        "version": "0.0.0",
        "private": true,
        "dependencies": dependencies,
    });
    let pretty =
        |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
    files.push(("package.json".into(), pretty(&package).into_bytes()));
    let rc = serde_json::json!({ "runtime": project.runtime });
    files.push((".twilioserverlessrc".into(), pretty(&rc).into_bytes()));
    files.push((".env".into(), dotenv(&project.variables).into_bytes()));
    files.push(("README.md".into(), readme(project).into_bytes()));
    zip_stored(&files)
}

fn readme(project: &LiveProject) -> String {
    let mut text = format!(
        "# {}\n\nExported by Switchboard. Deploy it with `twilio-run deploy` (or `twilio serverless:deploy`).\n\n\
         `.env` holds the environment's variables: it contains secrets, keep it out of version control.\n",
        project.name
    );
    if !project.assets.is_empty() {
        text.push_str(
            "\n## Assets not exported\n\nThe Serverless API cannot download asset contents. \
             Put these files back into `assets/` before deploying:\n\n",
        );
        for (path, visibility) in &project.assets {
            let name = file_name(CodeKind::Asset, path, *visibility);
            text.push_str(&format!("- `{name}` (served at `{path}`)\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_models::naming::path_and_visibility;

    #[test]
    fn file_names_round_trip_through_twilio_run_naming() {
        let cases = [
            (CodeKind::Function, "/hello", Visibility::Public),
            (CodeKind::Function, "/api/sms/reply", Visibility::Protected),
            (CodeKind::Function, "/lib/util", Visibility::Private),
            (CodeKind::Asset, "/style.css", Visibility::Public),
            (CodeKind::Asset, "/data.json", Visibility::Private),
            (CodeKind::Asset, "/img/logo.min.png", Visibility::Protected),
        ];
        for (kind, path, visibility) in cases {
            let name = file_name(kind, path, visibility);
            let below = name.split_once('/').unwrap().1;
            assert_eq!(
                path_and_visibility(kind, below),
                (path.to_owned(), visibility),
                "{name}"
            );
        }
        assert_eq!(
            file_name(CodeKind::Function, "/api/x", Visibility::Protected),
            "functions/api/x.protected.js"
        );
        assert_eq!(
            file_name(CodeKind::Asset, "/data.json", Visibility::Private),
            "assets/data.private.json"
        );
    }

    #[test]
    fn dotenv_reads_back() {
        let vars = vec![
            ("A".to_owned(), "plain".to_owned()),
            (
                "B".to_owned(),
                "with \"quotes\" and \\ and\nnewline # not a comment".to_owned(),
            ),
            ("C".to_owned(), String::new()),
        ];
        assert_eq!(
            switchboard_models::dotenv::parse(&dotenv(&vars)).pairs,
            vars
        );
    }

    #[test]
    fn the_zip_holds_a_deployable_project() {
        let project = LiveProject {
            name: "demo".into(),
            runtime: "node22".into(),
            dependencies: vec![Dependency {
                name: "lodash".into(),
                version: "4.17.21".into(),
            }],
            functions: vec![(
                "/hi".into(),
                Visibility::Protected,
                "exports.handler=1".into(),
            )],
            assets: vec![("/a.css".into(), Visibility::Public)],
            variables: vec![("K".into(), "v".into())],
        };
        let zip = project_zip(&project);
        let text = String::from_utf8_lossy(&zip);
        for needle in [
            "functions/hi.protected.js",
            "exports.handler=1",
            "\"lodash\": \"4.17.21\"",
            "\"runtime\": \"node22\"",
            "K=\"v\"",
            "- `assets/a.css` (served at `/a.css`)",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
        let deps = switchboard_models::dependencies::from_package_json(
            &serde_json::to_string(&serde_json::json!({"dependencies": {"lodash": "4.17.21"}}))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(deps, project.dependencies);
    }
}
