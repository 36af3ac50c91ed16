//! The twelve Serverless v1 resources as they appear on the wire (snake_case JSON).
//!
//! Every field of the official schema is present. Containers are `#[serde(default)]` because every
//! schema property is nullable: the console must not fail on a field Twilio leaves out.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `links` objects: sub-resource name to absolute URL.
pub type Links = BTreeMap<String, String>;

/// Who may fetch a function or asset once deployed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    #[serde(alias = "PUBLIC")]
    Public,
    #[serde(alias = "PROTECTED")]
    Protected,
    #[serde(alias = "PRIVATE")]
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Protected,
        Visibility::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Protected => "protected",
            Visibility::Private => "private",
        }
    }

    /// Parses the form value, which Twilio accepts in lowercase only.
    pub fn parse(value: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == value)
    }
}

/// `building` until the packager finishes, then `completed` or `failed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildStatus {
    #[default]
    Building,
    Completed,
    Failed,
}

impl BuildStatus {
    /// Whether the build will never change status again, so polling can stop.
    pub fn is_terminal(self) -> bool {
        !matches!(self, BuildStatus::Building)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BuildStatus::Building => "building",
            BuildStatus::Completed => "completed",
            BuildStatus::Failed => "failed",
        }
    }
}

/// Runtimes newest first, as the build composer offers them. Runtime stays a string on the wire
/// because Twilio adds runtimes (node24 has been announced) faster than the schema lists them.
pub const RUNTIMES: [&str; 9] = [
    "node24", "node22", "node20", "node18", "node16", "node14", "node12", "node10", "node8",
];
/// The runtimes Twilio still accepts for new builds: node18 was retired on 10 November 2025
/// (Twilio changelog, "Node.js v18 Support Ending for Twilio Functions and Assets"), node8 to
/// node16 before it; node24 arrived in July 2026.
pub const BUILDABLE_RUNTIMES: [&str; 3] = ["node24", "node22", "node20"];
/// Twilio's current default when a build names no runtime.
pub const DEFAULT_RUNTIME: &str = "node22";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Service {
    pub sid: String,
    pub account_sid: String,
    pub friendly_name: String,
    pub unique_name: String,
    pub include_credentials: bool,
    pub ui_editable: bool,
    pub domain_base: String,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub build_sid: Option<String>,
    pub unique_name: String,
    pub domain_suffix: Option<String>,
    pub domain_name: String,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Variable {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub environment_sid: String,
    pub key: String,
    pub value: String,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
}

/// A Function or an Asset: the two share one shape and the `ZH` prefix.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Function {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub friendly_name: String,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
    pub links: Links,
}

pub type Asset = Function;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunctionVersion {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub function_sid: String,
    pub path: String,
    pub visibility: Visibility,
    pub date_created: String,
    pub url: String,
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetVersion {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub asset_sid: String,
    pub path: String,
    pub visibility: Visibility,
    pub date_created: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunctionVersionContent {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub function_sid: String,
    pub content: String,
    pub url: String,
}

/// A version embedded in a Build. Twilio's examples embed objects (with uppercase visibility);
/// the schema describes bare SIDs, so both are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BuildVersion {
    Object(BuildVersionObject),
    Sid(String),
}

impl BuildVersion {
    pub fn sid(&self) -> &str {
        match self {
            BuildVersion::Object(object) => &object.sid,
            BuildVersion::Sid(sid) => sid,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildVersionObject {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_sid: Option<String>,
    pub date_created: String,
    pub path: String,
    /// Uppercase on the wire (`PUBLIC`), as in every Twilio example.
    pub visibility: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Build {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub status: BuildStatus,
    pub asset_versions: Vec<BuildVersion>,
    pub function_versions: Vec<BuildVersion>,
    pub dependencies: Vec<Dependency>,
    pub runtime: String,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
    pub links: Links,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildStatusResource {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub status: BuildStatus,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deployment {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub environment_sid: String,
    pub build_sid: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Log {
    pub sid: String,
    pub account_sid: String,
    pub service_sid: String,
    pub environment_sid: String,
    #[serde(with = "empty_as_null")]
    pub build_sid: String,
    #[serde(with = "empty_as_null")]
    pub deployment_sid: String,
    /// Empty (`null` on the wire) for entries about the environment rather than one function.
    #[serde(with = "empty_as_null")]
    pub function_sid: String,
    #[serde(with = "empty_as_null")]
    pub request_sid: String,
    /// Free text on the wire: `info`, `warn`, `warning`, `error`, in any case.
    pub level: String,
    pub message: String,
    pub date_created: String,
    pub url: String,
}

/// Log SIDs that may be absent: `null` on the wire, an empty string in Rust, so that a `null`
/// from Twilio parses and an absent SID is written as `null` (the schema's SID patterns refuse "").
mod empty_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_empty() {
            serializer.serialize_none()
        } else {
            serializer.serialize_str(value)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
    }
}

/// A log level normalised from whatever case or spelling Twilio sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Warn,
    Error,
    Other,
}

impl LogLevel {
    pub fn parse(level: &str) -> LogLevel {
        match level.trim().to_ascii_lowercase().as_str() {
            "info" | "debug" | "log" => LogLevel::Info,
            "warn" | "warning" => LogLevel::Warn,
            "error" | "err" | "fatal" => LogLevel::Error,
            _ => LogLevel::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_versions_parse_as_objects_or_sids() {
        let build: Build = serde_json::from_str(
            r#"{"sid":"ZB1","status":"completed","function_versions":[{"sid":"ZN1","path":"/a","visibility":"PUBLIC","function_sid":"ZH1"}],"asset_versions":["ZN2"]}"#,
        )
        .unwrap();
        assert_eq!(build.status, BuildStatus::Completed);
        assert_eq!(build.function_versions[0].sid(), "ZN1");
        assert_eq!(build.asset_versions[0].sid(), "ZN2");
    }

    #[test]
    fn visibility_accepts_uppercase_but_writes_lowercase() {
        let v: Visibility = serde_json::from_str("\"PROTECTED\"").unwrap();
        assert_eq!(v, Visibility::Protected);
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"protected\"");
        assert_eq!(Visibility::parse("PUBLIC"), None);
    }

    #[test]
    fn log_levels_normalise() {
        for (raw, level) in [
            ("info", LogLevel::Info),
            ("INFO", LogLevel::Info),
            ("warn", LogLevel::Warn),
            ("Warning", LogLevel::Warn),
            ("ERROR", LogLevel::Error),
            ("trace", LogLevel::Other),
        ] {
            assert_eq!(LogLevel::parse(raw), level, "{raw}");
        }
    }

    #[test]
    fn absent_log_sids_are_null_on_the_wire() {
        let log: Log =
            serde_json::from_str(r#"{"sid":"NO1","function_sid":null,"build_sid":"ZB1"}"#).unwrap();
        assert_eq!(log.function_sid, "");
        let json = serde_json::to_value(&log).unwrap();
        assert_eq!(json["function_sid"], serde_json::Value::Null);
        assert_eq!(json["build_sid"], "ZB1");
    }

    #[test]
    fn null_fields_do_not_break_parsing() {
        let env: Environment =
            serde_json::from_str(r#"{"sid":"ZE1","build_sid":null,"domain_suffix":null}"#).unwrap();
        assert_eq!(env.build_sid, None);
    }
}
