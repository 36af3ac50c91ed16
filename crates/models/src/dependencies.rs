//! The `Dependencies` form field of CreateBuild: a JSON array of `{name, version}` sent as a
//! string. The serverless toolkit wraps that string in one extra pair of quotes without escaping
//! the inner ones (`"[{"name":"x","version":"1"}]"`), so both forms are accepted.

use crate::Dependency;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dependencies must be a JSON array of {{\"name\", \"version\"}} objects: {0}")]
pub struct DependenciesError(String);

pub fn parse(raw: &str) -> Result<Vec<Dependency>, DependenciesError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let first = serde_json::from_str::<Vec<Dependency>>(trimmed);
    if let Ok(list) = first {
        return Ok(list);
    }
    // A JSON string holding the array (properly escaped), or the toolkit's unescaped extra quotes.
    if let Ok(inner) = serde_json::from_str::<String>(trimmed) {
        return serde_json::from_str(&inner).map_err(|e| DependenciesError(e.to_string()));
    }
    if let Some(inner) = trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return serde_json::from_str(inner).map_err(|e| DependenciesError(e.to_string()));
    }
    Err(DependenciesError(first.unwrap_err().to_string()))
}

/// Why a `package.json` could not be read, in words about the file (not about the API's
/// `Dependencies` field, which it is not).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageJsonError {
    #[error("it is not valid JSON ({0})")]
    NotJson(String),
    #[error("the version of {0} is not a string")]
    VersionNotText(String),
}

/// Reads the `dependencies` of a `package.json`, in the order the file lists them.
pub fn from_package_json(text: &str) -> Result<Vec<Dependency>, PackageJsonError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PackageJsonError::NotJson(e.to_string()))?;
    let Some(map) = value.get("dependencies").and_then(|d| d.as_object()) else {
        return Ok(Vec::new());
    };
    map.iter()
        .map(|(name, version)| match version.as_str() {
            Some(v) => Ok(Dependency {
                name: name.clone(),
                version: v.to_owned(),
            }),
            None => Err(PackageJsonError::VersionNotText(name.clone())),
        })
        .collect()
}

/// Whether `name` looks like a package npm could install: at most 214 characters of letters,
/// digits and `-._~`, the name not starting with `.` or `_`, optionally scoped as `@scope/name`.
/// Capitals are allowed: older packages (`JSONStream`) have them. A little stricter than npm
/// (which also has old names with `!'()*`): a miss is only a warning the user can overrule.
pub fn is_valid_name(name: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['.', '_'])
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    };
    let plain = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, rest)) if part(scope) => rest,
            _ => return false,
        },
        None => name,
    };
    name.len() <= 214 && part(plain)
}

/// The composer's dependency rows (name, version; trimmed) as dependencies, or what is wrong
/// with them in words for the form. Blank rows are ignored; a half-filled row or a name given
/// twice is refused.
pub fn collect_dependencies(rows: &[(String, String)]) -> Result<Vec<Dependency>, String> {
    let mut list: Vec<Dependency> = Vec::new();
    for (name, version) in rows {
        let (name, version) = (name.trim(), version.trim());
        match (name.is_empty(), version.is_empty()) {
            (true, true) => continue,
            (true, false) => {
                return Err(format!(
                    "the dependency with version {version} needs a name"
                ));
            }
            (false, true) => return Err(format!("dependency {name} needs a version")),
            (false, false) if list.iter().any(|d| d.name == name) => {
                return Err(format!("dependency {name} is listed twice"));
            }
            (false, false) => list.push(Dependency {
                name: name.into(),
                version: version.into(),
            }),
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(name: &str, version: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: version.into(),
        }
    }

    #[test]
    fn all_three_encodings_parse() {
        let want = vec![dep("lodash", "4.17.21")];
        assert_eq!(
            parse(r#"[{"name":"lodash","version":"4.17.21"}]"#).unwrap(),
            want
        );
        assert_eq!(
            parse(r#""[{"name":"lodash","version":"4.17.21"}]""#).unwrap(),
            want
        );
        assert_eq!(
            parse(r#""[{\"name\":\"lodash\",\"version\":\"4.17.21\"}]""#).unwrap(),
            want
        );
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(parse("lodash@4").is_err());
        assert!(parse(r#"{"lodash":"4"}"#).is_err());
        assert!(parse("\"").is_err());
    }

    #[test]
    fn package_json_dependencies_are_read() {
        let deps = from_package_json(
            r#"{"name":"x","dependencies":{"twilio":"^5.0.0","lodash":"4.17.21"}}"#,
        )
        .unwrap();
        assert_eq!(
            deps,
            vec![dep("twilio", "^5.0.0"), dep("lodash", "4.17.21")]
        );
        assert_eq!(from_package_json(r#"{"name":"x"}"#).unwrap(), vec![]);
    }

    #[test]
    fn a_broken_package_json_is_said_to_be_one() {
        let error = from_package_json("{not json").unwrap_err();
        assert!(
            error.to_string().starts_with("it is not valid JSON"),
            "{error}"
        );
        assert_eq!(
            from_package_json(r#"{"dependencies":{"x":1}}"#).unwrap_err(),
            PackageJsonError::VersionNotText("x".into())
        );
    }

    #[test]
    fn package_names_npm_takes() {
        for good in [
            "lodash",
            "@twilio/runtime-handler",
            "JSONStream",
            "left-pad",
            "a.b_c~d",
        ] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in [
            "",
            "not a package!",
            ".hidden",
            "_private",
            "@scope",
            "@/x",
            "@scope/",
            "a/b",
            "ünicode",
            &"x".repeat(215),
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    fn row(name: &str, version: &str) -> (String, String) {
        (name.into(), version.into())
    }

    #[test]
    fn blank_rows_are_skipped_and_half_rows_refused() {
        let deps = collect_dependencies(&[row(" lodash ", "4.17.21"), row("", "")]).unwrap();
        assert_eq!(deps, [dep("lodash", "4.17.21")]);
        assert_eq!(
            collect_dependencies(&[row("lodash", " ")]),
            Err("dependency lodash needs a version".into())
        );
        assert_eq!(
            collect_dependencies(&[row("", "1.0.0")]),
            Err("the dependency with version 1.0.0 needs a name".into())
        );
        assert_eq!(
            collect_dependencies(&[row("a", "1"), row(" a", "2")]),
            Err("dependency a is listed twice".into())
        );
    }
}
