//! The only upstream paths the relay will call.
//!
//! A path is matched segment by segment against the Serverless v1 resource tree, and every
//! segment must be a known collection name, a SID of the right kind or (for the service) a unique
//! name. Anything else, including percent-encoding, dot segments and empty segments, is refused,
//! so no request can reach another path, host, port or scheme.

use axum::http::Method;
use switchboard_models::sid::{SidKind, is_sid};

/// Which Twilio host a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    Serverless,
    Upload,
}

/// Checks `path` (the part after `/api/serverless` or `/api/upload`) for `host` and `method`.
pub fn allowed(host: Host, method: &Method, path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("/__emulator/builds/") {
        return host == Host::Serverless && *method == Method::GET && build_outcome(rest);
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return false;
    }
    match host {
        Host::Serverless => {
            matches!(*method, Method::GET | Method::POST | Method::DELETE)
                && serverless_path(&segments)
        }
        Host::Upload => *method == Method::POST && upload_path(&segments),
    }
}

/// The emulator's build outcome (`/__emulator/builds/{service}/{ZB}`, docs/EMULATOR.md), which
/// the console reads for a failed build's reason; against Twilio it is a 404.
fn build_outcome(rest: &str) -> bool {
    matches!(rest.split('/').collect::<Vec<_>>()[..], [service, build] if service_ref(service) && is_sid(SidKind::Build, build))
}

fn service_ref(segment: &str) -> bool {
    is_sid(SidKind::Service, segment)
        || (segment.len() <= 50
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn serverless_path(segments: &[&str]) -> bool {
    use SidKind::*;
    match segments {
        ["Services"] => true,
        ["Services", service, rest @ ..] if service_ref(service) => match rest {
            [] => true,
            ["Environments"] | ["Functions"] | ["Assets"] | ["Builds"] => true,
            ["Environments", env, rest @ ..] if is_sid(Environment, env) => match rest {
                [] | ["Variables"] | ["Deployments"] | ["Logs"] => true,
                ["Variables", sid] => is_sid(Variable, sid),
                ["Deployments", sid] => is_sid(Deployment, sid),
                ["Logs", sid] => is_sid(Log, sid),
                _ => false,
            },
            ["Functions" | "Assets", sid, rest @ ..] if is_sid(FunctionOrAsset, sid) => {
                match rest {
                    [] | ["Versions"] => true,
                    ["Versions", version] => is_sid(Version, version),
                    ["Versions", version, "Content"] => {
                        segments[2] == "Functions" && is_sid(Version, version)
                    }
                    _ => false,
                }
            }
            ["Builds", sid, rest @ ..] if is_sid(Build, sid) => matches!(rest, [] | ["Status"]),
            _ => false,
        },
        _ => false,
    }
}

fn upload_path(segments: &[&str]) -> bool {
    matches!(segments, ["Services", service, "Functions" | "Assets", sid, "Versions"]
        if service_ref(service) && is_sid(SidKind::FunctionOrAsset, sid))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZS: &str = "ZS0123456789abcdef0123456789abcdef";
    const ZE: &str = "ZE0123456789abcdef0123456789abcdef";
    const ZH: &str = "ZH0123456789abcdef0123456789abcdef";
    const ZN: &str = "ZN0123456789abcdef0123456789abcdef";
    const ZB: &str = "ZB0123456789abcdef0123456789abcdef";

    #[test]
    fn every_serverless_resource_path_is_allowed() {
        let paths = [
            "/v1/Services".to_string(),
            format!("/v1/Services/{ZS}"),
            "/v1/Services/my-service".to_string(),
            format!("/v1/Services/{ZS}/Environments/{ZE}/Variables"),
            format!("/v1/Services/{ZS}/Environments/{ZE}/Logs"),
            format!("/v1/Services/{ZS}/Functions/{ZH}/Versions/{ZN}/Content"),
            format!("/v1/Services/{ZS}/Assets/{ZH}/Versions/{ZN}"),
            format!("/v1/Services/{ZS}/Builds/{ZB}/Status"),
            format!("/__emulator/builds/{ZS}/{ZB}"),
        ];
        for path in paths {
            assert!(allowed(Host::Serverless, &Method::GET, &path), "{path}");
        }
        for (method, path) in [
            (Method::POST, format!("/__emulator/builds/{ZS}/{ZB}")),
            (Method::GET, format!("/__emulator/builds/{ZS}/{ZB}/x")),
            (Method::GET, format!("/__emulator/builds/{ZS}/..")),
            (Method::GET, format!("/__emulator/invoke/{ZS}/{ZE}/hello")),
            (Method::GET, "/__emulator/runtime".to_owned()),
        ] {
            assert!(
                !allowed(Host::Serverless, &method, &path),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn everything_else_is_refused() {
        let paths = [
            "/v1/Services/../../Accounts".to_string(),
            "/v1//Services".to_string(),
            "/v2/Services".to_string(),
            "/v1/Services/a%2F..".to_string(),
            "/v1/Services/under_score".to_string(),
            format!("/v1/Services/{ZS}/Assets/{ZH}/Versions/{ZN}/Content"),
            format!("/v1/Services/{ZS}/Builds/{ZE}"),
            format!("/v1/Services/{ZS}/Functions/{ZH}/Extra"),
            "/v1/Services@evil.example/".to_string(),
            "//evil.example/v1/Services".to_string(),
        ];
        for path in paths {
            assert!(!allowed(Host::Serverless, &Method::GET, &path), "{path}");
        }
        assert!(!allowed(Host::Serverless, &Method::PUT, "/v1/Services"));
    }

    #[test]
    fn uploads_only_create_versions() {
        let path = format!("/v1/Services/{ZS}/Functions/{ZH}/Versions");
        assert!(allowed(Host::Upload, &Method::POST, &path));
        assert!(!allowed(Host::Upload, &Method::GET, &path));
        assert!(!allowed(Host::Upload, &Method::POST, "/v1/Services"));
    }
}
