//! TLS over an open connection, with rustls and the *ring* crypto provider.
//!
//! Server certificates are checked against the system's trusted roots (read once, by
//! `rustls-native-certs`, which honours `SSL_CERT_FILE` and `SSL_CERT_DIR`), unless the network
//! accepts invalid certificates; then any certificate is taken and its fingerprint shown, so
//! the user can compare it with the one the server's operators publish. A client certificate
//! (a PEM file holding the certificate and its private key) is presented when the server asks
//! for one, for CertFP and SASL EXTERNAL.
//!
//! It does not open sockets or speak IRC; the connection module gives it a stream and gets a
//! stream back.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// How to secure one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Take any server certificate (self-signed, expired, for another name) instead of
    /// refusing the connection. Still encrypted, but anyone on the way can listen in.
    pub accept_invalid: bool,
    /// A PEM file with our certificate and its private key, presented to the server.
    pub cert: Option<std::path::PathBuf>,
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// The system's trusted roots, read on first use.
pub(crate) fn roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            let mut store = RootCertStore::empty();
            store.add_parsable_certificates(found.certs);
            Arc::new(store)
        })
        .clone()
}

/// The SHA-256 fingerprint of a DER certificate, as upper-case hex pairs joined by `:`.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The certificate chain and private key in the PEM file at `path`.
///
/// # Errors
/// When the file cannot be read, is not PEM, or lacks a certificate or a key; the message
/// names the file.
pub fn load_client_cert(
    path: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let what = |e: &dyn std::fmt::Display| format!("client certificate {}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| what(&e))?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| what(&e))?;
    if chain.is_empty() {
        return Err(what(&"no CERTIFICATE block in the file"));
    }
    let key = PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => {
            what(&"no PRIVATE KEY block in the file (it must hold the certificate and its key)")
        }
        e => what(&e),
    })?;
    Ok((chain, key))
}

/// The rustls configuration for `opts`.
fn config(opts: &TlsOptions) -> Result<ClientConfig, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if opts.accept_invalid {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider())))
    } else {
        builder.with_root_certificates(roots())
    };
    match &opts.cert {
        Some(path) => {
            let (chain, key) = load_client_cert(path)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("client certificate {}: {e}", path.display()))
        }
        None => Ok(builder.with_no_client_auth()),
    }
}

/// What the handshake learnt, for the status window.
pub struct Secured<S> {
    /// The encrypted stream.
    pub stream: TlsStream<S>,
    /// Lines worth showing: the protocol and cipher, and whether the certificate was checked.
    pub notes: Vec<String>,
}

/// Runs the TLS handshake over `io` for server `host`.
///
/// # Errors
/// A readable reason: the certificate is not trusted (and why), the client certificate file
/// is unusable, or the handshake failed.
pub async fn secure<S>(io: S, host: &str, opts: &TlsOptions) -> Result<Secured<S>, String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let config = config(opts)?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("{host} is not a valid TLS server name"))?;
    let stream = TlsConnector::from(Arc::new(config))
        .connect(name, io)
        .await
        .map_err(|e| handshake_error(&e))?;
    let (_, conn) = stream.get_ref();
    let mut notes = Vec::new();
    let proto = conn
        .protocol_version()
        .map_or_else(String::new, |v| format!("{v:?}").replace('_', "."));
    let suite = conn
        .negotiated_cipher_suite()
        .map_or_else(String::new, |s| format!("{:?}", s.suite()));
    let server_fp = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| fingerprint(c));
    if opts.accept_invalid {
        notes.push(format!(
            "* Warning: the TLS certificate of {host} is not checked (tls_accept_invalid): anyone between you and the server could read and change this connection; its SHA-256 fingerprint is {}",
            server_fp.as_deref().unwrap_or("unknown")
        ));
    }
    notes.push(format!("* Secure connection ({proto}, {suite})"));
    if let Some(path) = &opts.cert {
        if let Ok((chain, _)) = load_client_cert(path) {
            notes.push(format!(
                "* Client certificate {} (SHA-256 fingerprint {})",
                path.display(),
                fingerprint(&chain[0])
            ));
        }
    }
    Ok(Secured { stream, notes })
}

/// The reason a handshake failed, in words.
fn handshake_error(e: &std::io::Error) -> String {
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return format!("TLS handshake failed: {e}");
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => {
            let why = match c {
                CertificateError::UnknownIssuer => {
                    "it is self-signed or issued by an authority this system does not trust"
                        .to_string()
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "it has expired".to_string()
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    "it is not valid yet".to_string()
                }
                CertificateError::Revoked => "it has been revoked".to_string(),
                other => other.to_string(),
            };
            format!("the server's TLS certificate is not trusted: {why} (tls_accept_invalid = true, or --tls-accept-invalid, connects anyway)")
        }
        other => format!("TLS handshake failed: {other}"),
    }
}

/// A verifier that takes every certificate but still checks the handshake signatures, so
/// the connection is encrypted to whoever holds the certificate's key.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_cert_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("rustirc-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pem");
        let e = load_client_cert(&missing).unwrap_err();
        assert!(e.contains("missing.pem"), "{e}");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not pem\n").unwrap();
        let e = load_client_cert(&empty).unwrap_err();
        assert!(
            e.contains("empty.pem") && e.contains("no CERTIFICATE"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(fingerprint(b"").len(), 32 * 3 - 1);
    }
}
