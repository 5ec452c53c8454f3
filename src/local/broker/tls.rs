//! Mutual TLS (1.2 and 1.3) with the client certificate checked by the gate during the
//! handshake. Each handshake gets its own verifier so the gate's refusal (its reason, and the
//! certificate it registered just in time, if any) can be reported for that connection; the
//! expensive parts (provider, server key) are shared.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{NoServerSessionStorage, WantsServerCert};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    CertificateError, ConfigBuilder, DigitallySignedStruct, DistinguishedName, ServerConfig,
    SignatureScheme,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

use crate::local::gate::{Gate, Refusal, Registration};

/// A connection past the handshake, with the chain the client presented.
pub(super) struct Accepted {
    pub(super) stream: TlsStream<TcpStream>,
    pub(super) chain: Vec<CertificateDer<'static>>,
}

/// A failed handshake: the reason to report, and the certificate the gate registered just in
/// time while refusing it.
#[derive(Debug)]
pub(super) struct Failed {
    pub(super) reason: String,
    pub(super) registered: Option<Box<Registration>>,
}

impl From<String> for Failed {
    fn from(reason: String) -> Self {
        Failed {
            reason,
            registered: None,
        }
    }
}

pub(super) struct Tls {
    provider: Arc<CryptoProvider>,
    server_cert: Arc<SingleCertAndKey>,
    sessions: Arc<NoServerSessionStorage>,
    gate: Arc<dyn Gate>,
    /// How long a client has to finish the handshake.
    timeout: Duration,
}

impl Tls {
    pub(super) fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        gate: Arc<dyn Gate>,
        timeout: Duration,
    ) -> io::Result<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let certified = CertifiedKey::from_der(chain, key, &provider).map_err(invalid_input)?;
        let tls = Self {
            provider,
            server_cert: Arc::new(SingleCertAndKey::from(certified)),
            sessions: Arc::new(NoServerSessionStorage {}),
            gate,
            timeout,
        };
        // Fail at start rather than on the first connection.
        tls.builder()?;
        Ok(tls)
    }

    fn builder(&self) -> io::Result<ConfigBuilder<ServerConfig, rustls::WantsVerifier>> {
        ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(invalid_input)
    }

    fn config(&self, verifier: Arc<GateVerifier>) -> io::Result<ServerConfig> {
        let builder: ConfigBuilder<ServerConfig, WantsServerCert> =
            self.builder()?.with_client_cert_verifier(verifier);
        let mut config = builder.with_cert_resolver(self.server_cert.clone());
        // No resumption: every connection presents and gets its certificate checked.
        config.session_storage = self.sessions.clone();
        config.send_tls13_tickets = 0;
        Ok(config)
    }

    /// Runs the handshake.
    pub(super) async fn accept(&self, tcp: TcpStream) -> Result<Accepted, Failed> {
        let refusal = Arc::new(Mutex::new(None));
        let verifier = Arc::new(GateVerifier {
            gate: self.gate.clone(),
            algorithms: self.provider.signature_verification_algorithms,
            refusal: refusal.clone(),
        });
        let config = self.config(verifier).map_err(|e| e.to_string())?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let outcome = tokio::time::timeout(self.timeout, acceptor.accept(tcp)).await;
        let stream = match outcome {
            Ok(Ok(stream)) => stream,
            Ok(Err(error)) => return Err(failed(&refusal, describe(&error))),
            // The gate may have refused (and registered) before the client went quiet.
            Err(_) => {
                let reason = format!(
                    "handshake not finished within {} (the handshake timeout)",
                    super::limits::words(self.timeout)
                );
                return Err(failed(&refusal, reason));
            }
        };
        let chain = stream
            .get_ref()
            .1
            .peer_certificates()
            .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default();
        Ok(Accepted { stream, chain })
    }
}

/// The gate's refusal if it refused, else `otherwise`.
fn failed(refusal: &Mutex<Option<Refusal>>, otherwise: String) -> Failed {
    match refusal.lock().ok().and_then(|mut slot| slot.take()) {
        Some(refused) => Failed {
            reason: refused.reason,
            registered: refused.registered,
        },
        None => otherwise.into(),
    }
}

fn invalid_input(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, error.to_string())
}

/// A handshake error in words, with the usual cases spelled out.
fn describe(error: &io::Error) -> String {
    let tls = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls {
        Some(rustls::Error::NoCertificatesPresented) => "no client certificate".to_owned(),
        Some(other) => format!("TLS error: {other}"),
        None => format!("TLS handshake failed: {error}"),
    }
}

/// Asks the gate about the client's chain and checks the handshake signature with the
/// certificate's key.
struct GateVerifier {
    gate: Arc<dyn Gate>,
    algorithms: WebPkiSupportedAlgorithms,
    refusal: Arc<Mutex<Option<Refusal>>>,
}

impl std::fmt::Debug for GateVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateVerifier").finish_non_exhaustive()
    }
}

impl ClientCertVerifier for GateVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let mut chain = Vec::with_capacity(1 + intermediates.len());
        chain.push(CertificateDer::from(end_entity.as_ref()));
        chain.extend(
            intermediates
                .iter()
                .map(|c| CertificateDer::from(c.as_ref())),
        );
        match self.gate.verify_chain(&chain) {
            Ok(()) => Ok(ClientCertVerified::assertion()),
            Err(refusal) => {
                let alert = if refusal.registered.is_some() {
                    // Known now, but not active: "access denied".
                    CertificateError::ApplicationVerificationFailure
                } else {
                    alert_for(end_entity)
                };
                if let Ok(mut slot) = self.refusal.lock() {
                    *slot = Some(refusal);
                }
                Err(rustls::Error::InvalidCertificate(alert))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The alert for a refused chain: "certificate expired" when the certificate is outside its
/// validity period, "unknown CA" otherwise (the gate refuses chains it cannot trace to a
/// registered, active CA). A certificate just registered gets "access denied" instead.
fn alert_for(end_entity: &CertificateDer<'_>) -> CertificateError {
    match x509_parser::parse_x509_certificate(end_entity.as_ref()) {
        Ok((_, cert)) if !cert.validity().is_valid() => CertificateError::Expired,
        Ok(_) => CertificateError::UnknownIssuer,
        Err(_) => CertificateError::BadEncoding,
    }
}
