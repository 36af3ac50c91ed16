//! Which certificate authorities the relay trusts for HTTPS upstreams, and how a refused
//! certificate is explained.
//!
//! Mozilla's roots (webpki-roots, built in) always; the system's store, or what `SSL_CERT_FILE`
//! and `SSL_CERT_DIR` name in its place (rustls-native-certs, as curl and OpenSSL read them);
//! and `--ca-file`. Corporate networks whose proxy inspects TLS sign with their own authority,
//! which the system store or `--ca-file` holds and Mozilla's list does not.

use anyhow::{Context, bail};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

/// The TLS settings for upstream calls. The system store is only read when `system` is set (an
/// HTTPS upstream), so a relay in front of the emulator never touches it.
pub fn client_config(system: bool, ca_file: Option<&Path>) -> anyhow::Result<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if system {
        let native = rustls_native_certs::load_native_certs();
        for error in &native.errors {
            tracing::warn!(%error, "could not read all of the system's CA certificates");
        }
        let (added, ignored) = roots.add_parsable_certificates(native.certs);
        tracing::debug!(added, ignored, "system CA certificates");
    }
    if let Some(path) = ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .with_context(|| format!("reading CA certificates from {}", path.display()))?;
        if certs.is_empty() {
            bail!("{} holds no PEM certificate (--ca-file)", path.display());
        }
        for cert in certs {
            roots
                .add(cert)
                .with_context(|| format!("a CA certificate in {} is invalid", path.display()))?;
        }
    }
    Ok(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// Why TLS to the upstream failed, in words for the console, if `error` (or a cause) is a TLS
/// failure. Certificates hold no secret, and the name the certificate was checked against is
/// the upstream's, which the relay's configuration already shows.
pub fn tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(mut error) = next {
        // io::Error hides the error it wraps from `source()`, and hyper-rustls wraps rustls's
        // io::Error in another: look inside each.
        while let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            error = inner;
        }
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(explain(tls));
        }
        next = error.source();
    }
    None
}

fn explain(error: &rustls::Error) -> String {
    let certificate = match error {
        rustls::Error::InvalidCertificate(certificate) => certificate,
        other => return format!("the TLS handshake failed ({other})"),
    };
    match certificate {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "its certificate has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "its certificate is not valid yet".into()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "its certificate is not valid for the upstream's host name".into()
        }
        CertificateError::UnknownIssuer => "its certificate is not signed by an authority the \
             relay trusts (add yours with --ca-file or SSL_CERT_FILE)"
            .into(),
        CertificateError::Revoked => "its certificate has been revoked".into(),
        other => format!("its certificate was refused ({other:?})"),
    }
}
