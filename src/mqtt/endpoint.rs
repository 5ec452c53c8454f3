//! Where to connect and with what: the device's certificate and key, the CAs the server's
//! certificate must chain to, and the rustls client configurations built from them.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::error::MqttError;

/// A client certificate chain (the device certificate first) and its private key.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, MqttError> {
    std::fs::read(path).map_err(|e| {
        MqttError::Credentials(format!("cannot read the {what} {}: {e}", path.display()))
    })
}

impl Identity {
    /// Reads a PEM certificate (chain) file and a PEM private key file (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Identity, MqttError> {
        let cert_pem = read(cert, "certificate file")?;
        let key_pem = read(key, "private key file")?;
        Self::parse(&cert_pem, &key_pem).map_err(|reason| {
            MqttError::Credentials(format!(
                "{reason} ({} and {})",
                cert.display(),
                key.display()
            ))
        })
    }

    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Identity, MqttError> {
        Self::parse(cert_pem, key_pem).map_err(MqttError::Credentials)
    }

    fn parse(cert_pem: &[u8], key_pem: &[u8]) -> Result<Identity, String> {
        let chain = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("invalid certificate PEM: {e}"))?;
        if chain.is_empty() {
            return Err("no certificate found in the certificate PEM".to_owned());
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| match e {
            rustls_pki_types::pem::Error::NoItemsFound => {
                "no private key found in the key PEM (PKCS#8, PKCS#1 or SEC1 expected)".to_owned()
            }
            other => format!("invalid private key PEM: {other}"),
        })?;
        // Fails now, rather than at every connection, when the key is unusable or is not the
        // certificate's.
        rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider()).map_err(
            |e| match e {
                rustls::Error::InconsistentKeys(_) => {
                    "the private key does not belong to the certificate".to_owned()
                }
                other => format!("the certificate and key cannot be used: {other}"),
            },
        )?;
        Ok(Identity { chain, key })
    }
}

/// The CAs a server's certificate must chain to.
#[derive(Clone)]
pub struct ServerTrust(Arc<rustls::RootCertStore>);

impl fmt::Debug for ServerTrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerTrust({} CAs)", self.0.len())
    }
}

impl ServerTrust {
    pub fn from_pem_file(path: &Path) -> Result<Self, MqttError> {
        let pem = read(path, "CA file")?;
        Self::from_pem(&pem)
            .map_err(|e| MqttError::Credentials(format!("{e} ({})", path.display())))
    }

    /// Every certificate in `pem` becomes a trusted root.
    pub fn from_pem(pem: &[u8]) -> Result<Self, MqttError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| MqttError::Credentials(format!("invalid CA PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| MqttError::Credentials(format!("unusable CA certificate: {e}")))?;
        }
        if roots.is_empty() {
            return Err(MqttError::Credentials(
                "no CA certificate found in the CA PEM".to_owned(),
            ));
        }
        Ok(Self(Arc::new(roots)))
    }

    /// Amazon Root CA 1, which AWS IoT Core's ATS endpoints chain to.
    pub fn amazon_root() -> Self {
        static AMAZON: OnceLock<ServerTrust> = OnceLock::new();
        AMAZON
            .get_or_init(|| {
                Self::from_pem(include_bytes!("../../certs/AmazonRootCA1.pem"))
                    .expect("the embedded Amazon Root CA 1 is a valid certificate")
            })
            .clone()
    }
}

/// Where and how to connect.
#[derive(Clone)]
pub enum Endpoint {
    /// Mutual TLS: `host` is used to connect and for SNI and the server certificate's name.
    Mtls {
        host: String,
        port: u16,
        trust: ServerTrust,
        identity: Arc<Identity>,
        /// `Some(b"x-amzn-mqtt-ca")` for AWS IoT on port 443.
        alpn: Option<Vec<u8>>,
    },
    /// MQTT over WebSocket over TLS; `url` is called before every connect (presigned URLs
    /// expire) and returns the full `wss://` URL.
    WebSocket {
        url: Arc<dyn Fn() -> Result<String, MqttError> + Send + Sync>,
        trust: ServerTrust,
    },
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Endpoint {
    /// `mqtts://host:port`, or `wss://host/mqtt` (the URL without its query, which holds the
    /// signature).
    pub fn describe(&self) -> String {
        match self {
            Endpoint::Mtls { host, port, .. } => {
                if host.contains(':') {
                    format!("mqtts://[{host}]:{port}")
                } else {
                    format!("mqtts://{host}:{port}")
                }
            }
            Endpoint::WebSocket { url, .. } => match url() {
                Ok(url) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
                Err(e) => format!("wss:// (no URL: {e})"),
            },
        }
    }
}

/// The crypto provider every configuration uses, built once.
fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

fn builder(
    trust: &ServerTrust,
) -> Result<rustls::ConfigBuilder<ClientConfig, rustls::client::WantsClientCert>, MqttError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| MqttError::Credentials(format!("TLS configuration: {e}")))?;
    Ok(builder.with_root_certificates(trust.0.clone()))
}

/// TLS 1.2/1.3 with the device certificate, and `alpn` if given.
pub(super) fn mtls_config(
    trust: &ServerTrust,
    identity: &Identity,
    alpn: Option<&[u8]>,
) -> Result<Arc<ClientConfig>, MqttError> {
    let mut config = builder(trust)?
        .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())
        .map_err(|e| {
            MqttError::Credentials(format!(
                "the client certificate and key cannot be used: {e}"
            ))
        })?;
    if let Some(alpn) = alpn {
        config.alpn_protocols = vec![alpn.to_vec()];
    }
    Ok(Arc::new(config))
}

/// TLS 1.2/1.3 without a client certificate (WebSocket: the URL's signature authenticates).
pub fn server_only_config(trust: &ServerTrust) -> Result<Arc<ClientConfig>, MqttError> {
    Ok(Arc::new(builder(trust)?.with_no_client_auth()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amazon_root_loads() {
        assert_eq!(ServerTrust::amazon_root().0.len(), 1);
    }

    #[test]
    fn pem_problems_are_named() {
        let e = ServerTrust::from_pem(b"nothing here").unwrap_err();
        assert_eq!(e.to_string(), "no CA certificate found in the CA PEM");
        let ca = rcgen::generate_simple_self_signed(vec!["a".to_owned()]).unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["b".to_owned()]).unwrap();
        let cert = ca.cert.pem();
        let e = Identity::from_pem(cert.as_bytes(), b"").unwrap_err();
        assert!(e.to_string().contains("no private key found"), "{e}");
        let e = Identity::from_pem(
            cert.as_bytes(),
            other.signing_key.serialize_pem().as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the private key does not belong to the certificate"
        );
        let identity =
            Identity::from_pem(cert.as_bytes(), ca.signing_key.serialize_pem().as_bytes()).unwrap();
        assert_eq!(identity.clone().chain.len(), 1);
        let e = Identity::from_pem_files(Path::new("/nonexistent/c.pem"), Path::new("k.pem"))
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read the certificate file /nonexistent/c.pem")
        );
    }

    #[test]
    fn describe_hides_the_signature() {
        let endpoint = Endpoint::WebSocket {
            url: Arc::new(|| Ok("wss://example.com/mqtt?X-Amz-Signature=abc".to_owned())),
            trust: ServerTrust::amazon_root(),
        };
        assert_eq!(endpoint.describe(), "wss://example.com/mqtt");
    }
}
