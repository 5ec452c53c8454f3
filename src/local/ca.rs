//! The local backend's own certificate authority: an ECDSA P-256 key and a self-signed
//! certificate kept in the state directory. It signs device certificates from CSRs and the
//! broker's server certificate, so that clients trust the broker with `--cafile ca.pem`.

use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};

use crate::local::registry::{certificate_id, pem_to_der};
use crate::pki::{create_private_dir, write_file};

/// The CA certificate's file in the CA directory.
pub const CA_CERT_FILE: &str = "ca.pem";
/// The CA key's file (mode 0600).
pub const CA_KEY_FILE: &str = "ca.key";
/// The broker's server certificate.
pub const SERVER_CERT_FILE: &str = "server.pem";
/// The broker's server key (mode 0600).
pub const SERVER_KEY_FILE: &str = "server.key";
/// Held while the CA directory is being read or written, so that two processes starting
/// together do not create two different CAs.
const LOCK_FILE: &str = "ca.lock";

/// The CA certificate's common name.
pub const CA_COMMON_NAME: &str = "soilctl local CA";
const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
const SERVER_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// A server certificate this close to expiry is reissued.
const SERVER_RENEW_BEFORE: Duration = Duration::from_secs(30 * 24 * 3600);
/// Certificates start an hour in the past, for clocks that disagree a little.
const BACKDATE: Duration = Duration::from_secs(3600);
/// The names the broker's certificate is valid for.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The backend's certificate authority, loaded from or created in its directory.
pub struct LocalCa {
    certificate_pem: String,
    certificate_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa").field("id", &self.id()).finish()
    }
}

impl LocalCa {
    /// Loads the CA from `dir` (`ca.pem`, `ca.key`), creating both when neither exists.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        create_private_dir(dir)?;
        let _lock = lock(dir)?;
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => {
                let cert = fs::read_to_string(&cert_path)
                    .with_context(|| format!("reading {}", cert_path.display()))?;
                let key = fs::read_to_string(&key_path)
                    .with_context(|| format!("reading {}", key_path.display()))?;
                Self::from_pem(&cert, &key)
                    .with_context(|| format!("loading the local CA from {}", dir.display()))
            }
            (false, false) => {
                let ca = Self::create()?;
                write_file(&key_path, ca.issuer.key().serialize_pem().as_bytes(), 0o600)?;
                write_file(&cert_path, ca.certificate_pem.as_bytes(), 0o644)?;
                Ok(ca)
            }
            (has_cert, _) => bail!(
                "{} has {} but not {}: remove the other file too to create a new CA (every device certificate it issued must then be reissued)",
                dir.display(),
                if has_cert { CA_CERT_FILE } else { CA_KEY_FILE },
                if has_cert { CA_KEY_FILE } else { CA_CERT_FILE },
            ),
        }
    }

    fn create() -> anyhow::Result<Self> {
        let key = KeyPair::generate().context("generating the local CA key")?;
        let mut params = CertificateParams::default();
        params.distinguished_name = common_name(CA_COMMON_NAME);
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, CA_VALIDITY);
        let cert = params
            .self_signed(&key)
            .context("signing the local CA certificate")?;
        Self::from_pem(&cert.pem(), &key.serialize_pem())
    }

    fn from_pem(cert_pem: &str, key_pem: &str) -> anyhow::Result<Self> {
        let der = pem_to_der(cert_pem)?;
        let key = KeyPair::from_pem(key_pem).context("reading the CA key")?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&der)
            .map_err(|e| anyhow::anyhow!("reading the CA certificate: {e}"))?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            bail!("the CA key does not belong to the CA certificate");
        }
        let issuer = Issuer::from_ca_cert_der(&der, key).context("reading the CA certificate")?;
        Ok(LocalCa {
            certificate_pem: cert_pem.to_owned(),
            certificate_der: der,
            issuer,
        })
    }

    /// The CA certificate, PEM.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The CA certificate, DER.
    pub fn certificate_der(&self) -> CertificateDer<'static> {
        self.certificate_der.clone()
    }

    /// The CA certificate's id (lowercase hex SHA-256 of its DER), as AWS IoT names CAs.
    pub fn id(&self) -> String {
        certificate_id(&self.certificate_der)
    }

    /// Signs a device certificate for `csr_pem`: the CSR's subject, client authentication,
    /// valid from an hour ago for `validity_days`. Returns the certificate, PEM.
    pub fn sign_csr(&self, csr_pem: &str, validity_days: u32) -> anyhow::Result<String> {
        if !(1..=36_500).contains(&validity_days) {
            bail!("a certificate's validity must be 1 to 36500 days, got {validity_days}");
        }
        let csr = CertificateSigningRequestParams::from_pem(csr_pem)
            .map_err(|e| anyhow::anyhow!("the certificate request is not usable: {e}"))?;
        let mut params = CertificateParams::default();
        params.distinguished_name = csr.params.distinguished_name.clone();
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        set_validity(
            &mut params,
            Duration::from_secs(u64::from(validity_days) * 24 * 3600),
        );
        let request = CertificateSigningRequestParams {
            params,
            public_key: csr.public_key,
        };
        let cert = request
            .signed_by(&self.issuer)
            .context("signing the device certificate")?;
        Ok(cert.pem())
    }

    /// The broker's server certificate and key, from `dir` (`server.pem`, `server.key`).
    /// They are (re)issued when missing, unreadable, expiring within 30 days, not valid for
    /// `localhost`, `127.0.0.1` and `::1`, or not signed by this CA.
    pub fn server_identity(
        &self,
        dir: &Path,
    ) -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
        create_private_dir(dir)?;
        let _lock = lock(dir)?;
        let cert_path = dir.join(SERVER_CERT_FILE);
        let key_path = dir.join(SERVER_KEY_FILE);
        let existing = fs::read_to_string(&cert_path)
            .ok()
            .zip(fs::read_to_string(&key_path).ok());
        if let Some((cert_pem, key_pem)) = existing
            && let Some(identity) = self.usable_server_identity(&cert_pem, &key_pem)
        {
            return Ok(identity);
        }
        let key = KeyPair::generate().context("generating the server key")?;
        let names: Vec<String> = SERVER_NAMES.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).context("naming the server")?;
        params.distinguished_name = common_name("soilctl local broker");
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params, SERVER_VALIDITY);
        let cert = params
            .signed_by(&key, &self.issuer)
            .context("signing the server certificate")?;
        write_file(&key_path, key.serialize_pem().as_bytes(), 0o600)?;
        write_file(&cert_path, cert.pem().as_bytes(), 0o644)?;
        Ok((vec![cert.der().clone()], private_key_der(&key)))
    }

    /// The stored server identity, if it is still good.
    fn usable_server_identity(
        &self,
        cert_pem: &str,
        key_pem: &str,
    ) -> Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
        let der = pem_to_der(cert_pem).ok()?;
        let key = KeyPair::from_pem(key_pem).ok()?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).ok()?;
        if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return None;
        }
        let renew_at = SystemTime::now() + SERVER_RENEW_BEFORE;
        let renew_at = renew_at.duration_since(UNIX_EPOCH).ok()?.as_secs();
        if parsed.validity().not_after.timestamp() <= renew_at as i64 {
            return None;
        }
        let verifier = self.server_verifier().ok()?;
        let now = UnixTime::now();
        for name in SERVER_NAMES {
            let name = ServerName::try_from(name).ok()?;
            verifier
                .verify_server_cert(&der, &[], &name, &[], now)
                .ok()?;
        }
        Some((vec![der], private_key_der(&key)))
    }

    fn server_verifier(&self) -> anyhow::Result<Arc<WebPkiServerVerifier>> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.certificate_der())?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        Ok(WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build()?)
    }
}

fn common_name(name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    dn
}

/// From an hour ago until `validity` from now, with a random serial number.
fn set_validity(params: &mut CertificateParams, validity: Duration) {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let now = rcgen::date_time_ymd(1970, 1, 1) + since_epoch;
    params.not_before = now - BACKDATE;
    params.not_after = now + validity;
    let mut serial = [0u8; 16];
    fastrand::fill(&mut serial);
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
}

fn private_key_der(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

/// An exclusive lock on the CA directory, released when the file is dropped.
fn lock(dir: &Path) -> anyhow::Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use rustls::server::WebPkiClientVerifier;
    use rustls::server::danger::ClientCertVerifier;
    use x509_parser::extensions::ParsedExtension;
    use x509_parser::parse_x509_certificate;

    use super::*;
    use crate::cli::KeyAlgorithm;
    use crate::pki::key_and_csr;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn client_verifier(ca: &LocalCa) -> Arc<dyn ClientCertVerifier> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.certificate_der()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap()
    }

    #[test]
    fn created_once_then_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let ca_dir = dir.path().join("ca");
        let ca = LocalCa::load_or_create(&ca_dir).unwrap();
        assert_eq!(mode(&ca_dir.join(CA_KEY_FILE)), 0o600);
        let again = LocalCa::load_or_create(&ca_dir).unwrap();
        assert_eq!(ca.certificate_pem(), again.certificate_pem());
        assert_eq!(ca.id(), certificate_id(&again.certificate_der()));

        let der = ca.certificate_der();
        let (_, cert) = parse_x509_certificate(&der).unwrap();
        assert!(cert.is_ca());
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            CA_COMMON_NAME
        );
        let years = (cert.validity().not_after.timestamp()
            - cert.validity().not_before.timestamp())
            / (365 * 24 * 3600);
        assert_eq!(years, 10);
    }

    #[test]
    fn half_a_ca_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        LocalCa::load_or_create(dir.path()).unwrap();
        fs::remove_file(dir.path().join(CA_KEY_FILE)).unwrap();
        let err = LocalCa::load_or_create(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("has ca.pem but not ca.key"),
            "{err}"
        );
    }

    #[test]
    fn device_certificates_carry_the_request_subject() {
        let dir = tempfile::tempdir().unwrap();
        let ca = LocalCa::load_or_create(dir.path()).unwrap();
        let request = key_and_csr("soilSensor1", KeyAlgorithm::EcdsaP256).unwrap();
        let pem = ca.sign_csr(&request.csr_pem, 30).unwrap();
        let der = pem_to_der(&pem).unwrap();
        let (_, cert) = parse_x509_certificate(&der).unwrap();
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            "soilSensor1"
        );
        assert_eq!(
            cert.issuer(),
            parse_x509_certificate(&ca.certificate_der())
                .unwrap()
                .1
                .subject()
        );
        assert!(!cert.is_ca());
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.client_auth && !eku.server_auth);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let not_before = cert.validity().not_before.timestamp();
        assert!((now - 3600 - not_before).abs() < 120);
        let days = (cert.validity().not_after.timestamp() - now) / (24 * 3600);
        assert!((29..=30).contains(&days));
        let has_aki = cert.extensions().iter().any(|e| {
            matches!(
                e.parsed_extension(),
                ParsedExtension::AuthorityKeyIdentifier(_)
            )
        });
        assert!(has_aki);
        client_verifier(&ca)
            .verify_client_cert(&der, &[], UnixTime::now())
            .unwrap();
    }

    #[test]
    fn bad_requests_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ca = LocalCa::load_or_create(dir.path()).unwrap();
        assert!(ca.sign_csr("not a csr", 30).is_err());
        let request = key_and_csr("s", KeyAlgorithm::EcdsaP256).unwrap();
        assert!(ca.sign_csr(&request.csr_pem, 0).is_err());
    }

    #[test]
    fn server_identity_is_kept_and_reissued_when_foreign() {
        let dir = tempfile::tempdir().unwrap();
        let ca = LocalCa::load_or_create(&dir.path().join("ca")).unwrap();
        let (chain, _key) = ca.server_identity(&dir.path().join("ca")).unwrap();
        assert_eq!(mode(&dir.path().join("ca").join(SERVER_KEY_FILE)), 0o600);
        let (again, _) = ca.server_identity(&dir.path().join("ca")).unwrap();
        assert_eq!(chain, again);
        let verifier = ca.server_verifier().unwrap();
        for name in ["localhost", "127.0.0.1", "::1"] {
            let name = ServerName::try_from(name).unwrap();
            verifier
                .verify_server_cert(&chain[0], &[], &name, &[], UnixTime::now())
                .unwrap();
        }

        let other = LocalCa::load_or_create(&dir.path().join("other")).unwrap();
        let (reissued, _) = other.server_identity(&dir.path().join("ca")).unwrap();
        assert_ne!(reissued, chain);
        other
            .server_verifier()
            .unwrap()
            .verify_server_cert(
                &reissued[0],
                &[],
                &ServerName::try_from("localhost").unwrap(),
                &[],
                UnixTime::now(),
            )
            .unwrap();

        fs::remove_file(dir.path().join("ca").join(SERVER_KEY_FILE)).unwrap();
        let (fresh, _) = other.server_identity(&dir.path().join("ca")).unwrap();
        assert_ne!(fresh, reissued);
    }
}
