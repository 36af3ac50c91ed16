//! The console's Content-Security-Policy: the policy itself, and the hashes of index.html's
//! inline scripts it allows. The security headers layer (`security.rs`) and the pages
//! (`static_files.rs`) both use it; it uses neither.

use base64::Engine;
use sha2::{Digest, Sha256};

/// What a deployment adds to the console's policy, from the relay's flags.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// The origin of a relay on another origin that the console calls (`--public-api-url`).
    pub api_origin: Option<String>,
    /// The origins that may frame the console (`--frame-ancestors`); none when empty.
    pub frame_ancestors: Vec<String>,
}

/// The Content-Security-Policy for a console whose inline scripts hash to `script_hashes`.
/// `base-uri 'self'` lets index.html's first script set the `<base>` that roots the console at
/// its path, and nothing else: an injected `<base>` cannot send its relative URLs elsewhere.
pub fn content_security_policy(script_hashes: &[String], deployment: &Deployment) -> String {
    let hashes: String = script_hashes
        .iter()
        .map(|h| format!(" 'sha256-{h}'"))
        .collect();
    let api = deployment
        .api_origin
        .as_deref()
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    let ancestors = match deployment.frame_ancestors.as_slice() {
        [] => "'none'".to_owned(),
        origins => origins.join(" "),
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{api}; font-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

/// Marks a response whose CSP is its page's own (`page_csp`), for the security headers layer to
/// leave alone. An extension rather than the header's presence, so no other response can bring
/// a policy of its own past that layer.
#[derive(Debug, Clone, Copy)]
pub struct PageCsp;

/// SHA-256 (base64) of each inline `<script>` in index.html, for the CSP's `script-src`.
pub fn inline_script_hashes(index_html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let body = &rest[body_start..body_start + body_len];
            let digest = Sha256::digest(body.as_bytes());
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &rest[body_start + body_len..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<script src="/a.js"></script><script type="module">boot()</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"boot()"));
        assert_eq!(hashes[0], expected);
    }

    #[test]
    fn a_deployment_widens_only_what_it_names() {
        let default = content_security_policy(&[], &Deployment::default());
        assert!(default.contains("connect-src 'self';"), "{default}");
        assert!(default.contains("frame-ancestors 'none'"), "{default}");
        let deployment = Deployment {
            api_origin: Some("https://relay.example.com".into()),
            frame_ancestors: vec![
                "https://portal.example.com".into(),
                "https://b.example".into(),
            ],
        };
        let policy = content_security_policy(&[], &deployment);
        assert!(
            policy.contains("connect-src 'self' https://relay.example.com;"),
            "{policy}"
        );
        assert!(
            policy.ends_with("frame-ancestors https://portal.example.com https://b.example"),
            "{policy}"
        );
    }
}
