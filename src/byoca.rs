//! The user's own certificate authority, for devices that the backend registers on their first
//! connection (just-in-time registration, JITR) instead of soilctl registering each one.
//!
//! Pure PKI over rcgen and x509-parser: creating the CA in its directory (`ca.pem` 0644,
//! `ca.key` 0600, the directory 0700), loading it back, the verification certificate that proves
//! to AWS IoT (or the local backend) that we hold the CA's key, device certificates it signs,
//! the checks a backend makes on a verification certificate, and `registered.json`, the record
//! of where the CA was registered. Nothing here talks to AWS or to the local backend; the only
//! I/O is reading and writing the CA's and the devices' files.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber, SignatureAlgorithm,
};
use rustls_pki_types::CertificateDer;
use serde::{Deserialize, Serialize};
use x509_parser::prelude::X509Certificate;

use crate::cli::KeyAlgorithm;
use crate::error::bad_input;
use crate::local::registry::{certificate_id, der_to_pem, iso8601, pem_to_der};
use crate::pki::{self, DeviceFiles};

/// The CA certificate's file in the CA directory.
pub const CA_CERT_FILE: &str = "ca.pem";
/// The CA key's file (mode 0600).
pub const CA_KEY_FILE: &str = "ca.key";
/// Where the CA was registered: a JSON list of [`Registration`]s.
pub const REGISTERED_FILE: &str = "registered.json";
/// The root CA file written beside a device's certificate.
pub const DEVICE_ROOT_CA_FILE: &str = "root-ca.pem";

/// The CA certificate is valid this long.
const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// A verification certificate is only needed while the CA is being registered.
const VERIFICATION_VALIDITY: Duration = Duration::from_secs(30 * 24 * 3600);
/// Device certificates are valid this many days by default.
pub const DEVICE_VALIDITY_DAYS: u32 = 365;
/// Certificates start an hour in the past, for clocks that disagree a little.
const BACKDATE: Duration = Duration::from_secs(3600);

/// `$XDG_DATA_HOME/soilctl/ca`, else `~/.local/share/soilctl/ca`.
pub fn default_ca_dir() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("soilctl").join("ca")
}

/// The user's CA: its certificate and the key that signs with it.
pub struct DeviceCa {
    dir: PathBuf,
    certificate_pem: String,
    certificate_der: CertificateDer<'static>,
    subject: String,
    not_after: i64,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for DeviceCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCa")
            .field("dir", &self.dir)
            .field("id", &self.id())
            .finish()
    }
}

/// A verification certificate and its (throw-away) key.
#[derive(Debug, Clone)]
pub struct Verification {
    pub certificate_pem: String,
    pub private_key_pem: String,
}

/// A device identity signed by the CA.
#[derive(Debug, Clone)]
pub struct DeviceIdentity {
    pub private_key_pem: String,
    /// The device certificate alone.
    pub certificate_pem: String,
    /// The device certificate followed by the CA certificate: what the device presents, so
    /// that AWS IoT can find the registered CA on the first connection.
    pub chain_pem: String,
    /// The device certificate's id (lowercase hex SHA-256 of its DER), as AWS IoT names it.
    pub certificate_id: String,
}

impl DeviceCa {
    /// A new CA in memory: an ECDSA P-256 key and a self-signed certificate named
    /// "soilctl device CA <date>", valid for 10 years from an hour ago.
    pub fn generate() -> anyhow::Result<(String, String)> {
        let key = KeyPair::generate().context("generating the CA key")?;
        let mut params = CertificateParams::default();
        let today = iso8601(now_secs());
        params.distinguished_name = common_name(&format!("soilctl device CA {}", &today[..10]));
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, CA_VALIDITY);
        let cert = params
            .self_signed(&key)
            .context("signing the CA certificate")?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// Creates a CA in `dir` (made with mode 0700 where new): `ca.key` (0600) and `ca.pem`
    /// (0644). Refuses a directory that already holds either file, and a path that is a file.
    pub fn create(dir: &Path) -> anyhow::Result<DeviceCa> {
        if dir.exists() && !dir.is_dir() {
            return Err(bad_input(format!(
                "{} is a file, not a directory: pass --out DIR with a folder for the CA",
                dir.display()
            )));
        }
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        if cert_path.exists() || key_path.exists() {
            return Err(bad_input(format!(
                "{} already holds a CA ({}): soilctl never replaces a CA, since the devices it signed would stop working; pass --out with another folder",
                dir.display(),
                if cert_path.exists() {
                    CA_CERT_FILE
                } else {
                    CA_KEY_FILE
                }
            )));
        }
        let (cert_pem, key_pem) = Self::generate()?;
        pki::create_private_dir(dir)?;
        pki::write_file(&key_path, key_pem.as_bytes(), 0o600)?;
        pki::write_file(&cert_path, cert_pem.as_bytes(), 0o644)?;
        Self::from_pem(dir, &cert_pem, &key_pem)
    }

    /// Loads the CA from `dir` (`ca.pem` and `ca.key`). Every way of not finding a usable CA
    /// there is bad input, with what to do in the message.
    pub fn load(dir: &Path) -> anyhow::Result<DeviceCa> {
        let missing = || {
            bad_input(format!(
                "no CA in {}: create one with `soilctl ca create`, or pass --ca DIR (or set SOILCTL_CA_DIR) where its ca.pem and ca.key are",
                dir.display()
            ))
        };
        if !dir.exists() {
            return Err(missing());
        }
        if !dir.is_dir() {
            return Err(bad_input(format!(
                "{} is not a directory: pass --ca DIR with the folder `soilctl ca create` made",
                dir.display()
            )));
        }
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        match (cert_path.is_file(), key_path.is_file()) {
            (true, true) => {}
            (false, false) => return Err(missing()),
            (has_cert, _) => {
                return Err(bad_input(format!(
                    "{} has {} but not {}: a CA needs both its certificate and its key",
                    dir.display(),
                    if has_cert { CA_CERT_FILE } else { CA_KEY_FILE },
                    if has_cert { CA_KEY_FILE } else { CA_CERT_FILE },
                )));
            }
        }
        let cert_pem = fs::read_to_string(&cert_path)
            .with_context(|| format!("reading {}", cert_path.display()))?;
        let key_pem = fs::read_to_string(&key_path)
            .with_context(|| format!("reading {}", key_path.display()))?;
        Self::from_pem(dir, &cert_pem, &key_pem)
    }

    /// The CA from its certificate and key, checked to belong together and to be a CA.
    pub fn from_pem(dir: &Path, cert_pem: &str, key_pem: &str) -> anyhow::Result<DeviceCa> {
        let der = pem_to_der(cert_pem)
            .map_err(|e| bad_input(format!("{}: {e}", dir.join(CA_CERT_FILE).display())))?;
        let key = KeyPair::from_pem(key_pem).map_err(|e| {
            bad_input(format!(
                "{}: not a usable private key ({e})",
                dir.join(CA_KEY_FILE).display()
            ))
        })?;
        let parsed = parse(&der)?;
        if !parsed.is_ca() {
            return Err(bad_input(format!(
                "{} is not a CA certificate: its basic constraints do not say CA:TRUE",
                dir.join(CA_CERT_FILE).display()
            )));
        }
        if parsed.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(bad_input(format!(
                "{} does not belong to {}: the key and the certificate are from different CAs",
                dir.join(CA_KEY_FILE).display(),
                dir.join(CA_CERT_FILE).display()
            )));
        }
        let subject = parsed.subject().to_string();
        let not_after = parsed.validity().not_after.timestamp();
        let issuer = Issuer::from_ca_cert_der(&der, key).context("reading the CA certificate")?;
        Ok(DeviceCa {
            dir: dir.to_owned(),
            certificate_pem: der_to_pem(&der),
            certificate_der: der,
            subject,
            not_after,
            issuer,
        })
    }

    /// The directory the CA was loaded from (or created in).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CA certificate, PEM.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The CA certificate, DER.
    pub fn certificate_der(&self) -> CertificateDer<'static> {
        self.certificate_der.clone()
    }

    /// The CA certificate's id: the lowercase hex SHA-256 of its DER, as AWS IoT names CAs.
    pub fn id(&self) -> String {
        certificate_id(&self.certificate_der)
    }

    /// The subject, as `CN=...`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The end of the CA's validity, in seconds since the epoch.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// A verification certificate for registering the CA: its own fresh key, the
    /// registration code as common name, signed by the CA.
    pub fn verification_certificate(
        &self,
        registration_code: &str,
    ) -> anyhow::Result<Verification> {
        if registration_code.trim().is_empty() {
            anyhow::bail!("the registration code is empty");
        }
        let key = KeyPair::generate().context("generating the verification key")?;
        let mut params = CertificateParams::default();
        params.distinguished_name = common_name(registration_code.trim());
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params, VERIFICATION_VALIDITY);
        let cert = params
            .signed_by(&key, &self.issuer)
            .context("signing the verification certificate")?;
        Ok(Verification {
            certificate_pem: cert.pem(),
            private_key_pem: key.serialize_pem(),
        })
    }

    /// A device identity: a key made here and a certificate with the thing name as common
    /// name, client authentication, the CA's key identifier, valid from an hour ago for
    /// `validity_days`.
    pub fn issue_device(
        &self,
        thing_name: &str,
        key_algorithm: KeyAlgorithm,
        validity_days: u32,
    ) -> anyhow::Result<DeviceIdentity> {
        if !(1..=3650).contains(&validity_days) {
            anyhow::bail!(
                "a device certificate's validity must be 1 to 3650 days, got {validity_days}"
            );
        }
        if self.not_after <= now_secs() {
            return Err(bad_input(format!(
                "the CA in {} expired on {}: create a new one with `soilctl ca create --out DIR`",
                self.dir.display(),
                iso8601(self.not_after)
            )));
        }
        let key = KeyPair::generate_for(algorithm(key_algorithm))
            .context("generating the device key pair")?;
        let mut params = CertificateParams::default();
        params.distinguished_name = common_name(thing_name);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        set_validity(
            &mut params,
            Duration::from_secs(u64::from(validity_days) * 24 * 3600),
        );
        // A device certificate must not outlive the CA that vouches for it.
        let ca_end = rcgen::date_time_ymd(1970, 1, 1)
            + Duration::from_secs(u64::try_from(self.not_after).unwrap_or(0));
        if params.not_after > ca_end {
            params.not_after = ca_end;
        }
        let cert = params
            .signed_by(&key, &self.issuer)
            .context("signing the device certificate")?;
        let certificate_pem = cert.pem();
        Ok(DeviceIdentity {
            private_key_pem: key.serialize_pem(),
            chain_pem: format!("{certificate_pem}{}", self.certificate_pem),
            certificate_id: certificate_id(cert.der()),
            certificate_pem,
        })
    }
}

/// Why a backend refuses a verification certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    #[error("the verification certificate cannot be read: {0}")]
    Unreadable(String),
    #[error("the verification certificate is not signed by the CA being registered")]
    NotSignedByCa,
    #[error(
        "the verification certificate's common name is {found:?}, not this account's registration code"
    )]
    WrongCode { found: String },
    #[error("the verification certificate is not valid now (valid {not_before} to {not_after})")]
    NotValidNow {
        not_before: String,
        not_after: String,
    },
}

/// The checks AWS IoT makes on RegisterCACertificate's verification certificate: it is signed
/// by the CA (issuer name and signature), it is valid now, and its common name is the
/// account's registration code.
pub fn verify_verification_certificate(
    ca_pem: &str,
    verification_pem: &str,
    registration_code: &str,
) -> Result<(), VerificationError> {
    let unreadable = |e: &dyn std::fmt::Display| VerificationError::Unreadable(e.to_string());
    let ca_der = pem_to_der(ca_pem).map_err(|e| unreadable(&e))?;
    let der = pem_to_der(verification_pem).map_err(|e| unreadable(&e))?;
    let ca = parse(&ca_der).map_err(|e| unreadable(&e))?;
    let cert = parse(&der).map_err(|e| unreadable(&e))?;
    if !signed_by(&cert, &ca) {
        return Err(VerificationError::NotSignedByCa);
    }
    let now = now_secs();
    let validity = cert.validity();
    if now < validity.not_before.timestamp() || now > validity.not_after.timestamp() {
        return Err(VerificationError::NotValidNow {
            not_before: iso8601(validity.not_before.timestamp()),
            not_after: iso8601(validity.not_after.timestamp()),
        });
    }
    let found = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .unwrap_or_default()
        .to_owned();
    if found != registration_code {
        return Err(VerificationError::WrongCode { found });
    }
    Ok(())
}

/// Whether the certificate `cert_der` was signed by the CA `ca_der` (issuer name and
/// signature). Anything unreadable is not.
pub fn is_issued_by(ca_der: &[u8], cert_der: &[u8]) -> bool {
    match (parse(ca_der), parse(cert_der)) {
        (Ok(ca), Ok(cert)) => signed_by(&cert, &ca),
        _ => false,
    }
}

fn signed_by(cert: &X509Certificate<'_>, ca: &X509Certificate<'_>) -> bool {
    cert.issuer().as_raw() == ca.subject().as_raw()
        && cert.verify_signature(Some(ca.public_key())).is_ok()
}

/// Writes a device's files into `dir` (made with mode 0700 where new): the key (0600), the
/// certificate chain (device then CA) under `files.certificate`, the root CA the device
/// trusts for the server under `files.root_ca`, the endpoint and `device.json`.
pub fn write_device_identity(
    dir: &Path,
    identity: &DeviceIdentity,
    files: &DeviceFiles,
    root_ca_pem: &str,
) -> anyhow::Result<()> {
    pki::create_private_dir(dir)?;
    pki::write_file(
        &dir.join(&files.private_key),
        identity.private_key_pem.as_bytes(),
        0o600,
    )?;
    pki::write_device_files(dir, files, &identity.chain_pem, root_ca_pem)
}

/// One place the CA was registered, as kept in `registered.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    /// `aws` or `local`.
    pub target: String,
    /// The AWS Region, or `local`.
    pub region: String,
    pub ca_certificate_id: String,
    pub ca_certificate_arn: String,
    pub registered_ms: i64,
    /// The AWS API endpoint, when it was not AWS's own (an emulator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// The local backend's state directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_dir: Option<String>,
    /// The host devices connect to (the account's `iot:Data-ATS` endpoint), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_endpoint: Option<String>,
}

/// A backend a CA can be registered with: AWS in a Region (at an endpoint), or one local
/// state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Aws {
        region: String,
        endpoint_url: Option<String>,
    },
    Local {
        state_dir: PathBuf,
    },
}

impl Place {
    /// `aws` or `local`, as in `registered.json`.
    pub fn target(&self) -> &'static str {
        match self {
            Place::Aws { .. } => "aws",
            Place::Local { .. } => "local",
        }
    }

    /// A registration record for the CA `id` at this place, made now.
    pub fn registration(&self, id: &str, arn: &str) -> Registration {
        let (region, endpoint_url, state_dir) = match self {
            Place::Aws {
                region,
                endpoint_url,
            } => (region.clone(), endpoint_url.clone(), None),
            Place::Local { state_dir } => (
                crate::local::registry::REGION.to_string(),
                None,
                Some(state_dir.display().to_string()),
            ),
        };
        Registration {
            target: self.target().to_string(),
            region,
            ca_certificate_id: id.to_string(),
            ca_certificate_arn: arn.to_string(),
            registered_ms: crate::clock::now_ms(),
            endpoint_url,
            state_dir,
            data_endpoint: None,
        }
    }
}

impl Registration {
    /// Whether this record is about `place`.
    pub fn is_at(&self, place: &Place) -> bool {
        match place {
            Place::Aws {
                region,
                endpoint_url,
            } => {
                self.target == "aws"
                    && &self.region == region
                    && self.endpoint_url.as_deref().map(trim_slash)
                        == endpoint_url.as_deref().map(trim_slash)
            }
            Place::Local { state_dir } => {
                self.target == "local"
                    && self.state_dir.as_deref() == Some(&*state_dir.display().to_string())
            }
        }
    }
}

fn trim_slash(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// The registrations recorded in `ca_dir/registered.json` (none when the file is missing).
pub fn read_registrations(ca_dir: &Path) -> anyhow::Result<Vec<Registration>> {
    let path = ca_dir.join(REGISTERED_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a list of registrations: fix or remove it",
            path.display()
        )
    })
}

fn write_registrations(ca_dir: &Path, list: &[Registration]) -> anyhow::Result<()> {
    let json = serde_json::to_string_pretty(list).context("encoding registered.json")?;
    pki::write_file(
        &ca_dir.join(REGISTERED_FILE),
        format!("{json}\n").as_bytes(),
        0o644,
    )
}

/// Records a registration, replacing an older record of the same CA at the same place.
pub fn record_registration(ca_dir: &Path, registration: Registration) -> anyhow::Result<()> {
    let mut list = read_registrations(ca_dir)?;
    list.retain(|r| {
        !(r.ca_certificate_id == registration.ca_certificate_id
            && r.target == registration.target
            && r.region == registration.region
            && r.endpoint_url == registration.endpoint_url
            && r.state_dir == registration.state_dir)
    });
    list.push(registration);
    write_registrations(ca_dir, &list)
}

/// Forgets the CA `id` at `place`; returns whether there was such a record.
pub fn forget_registration(ca_dir: &Path, place: &Place, id: &str) -> anyhow::Result<bool> {
    let mut list = read_registrations(ca_dir)?;
    let before = list.len();
    list.retain(|r| !(r.ca_certificate_id == id && r.is_at(place)));
    if list.len() == before {
        return Ok(false);
    }
    write_registrations(ca_dir, &list)?;
    Ok(true)
}

/// The newest registration at `place`, if the CA was registered there.
pub fn registration_at(ca_dir: &Path, place: &Place) -> anyhow::Result<Option<Registration>> {
    Ok(read_registrations(ca_dir)?
        .into_iter()
        .filter(|r| r.is_at(place))
        .max_by_key(|r| r.registered_ms))
}

fn parse(der: &[u8]) -> anyhow::Result<X509Certificate<'_>> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|e| anyhow::anyhow!("not an X.509 certificate: {e}"))
}

fn algorithm(kind: KeyAlgorithm) -> &'static SignatureAlgorithm {
    match kind {
        KeyAlgorithm::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyAlgorithm::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyAlgorithm::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
    }
}

fn common_name(name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    dn
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// From an hour ago until `validity` from now, with a random positive serial number.
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

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;

    use rustls::server::WebPkiClientVerifier;
    use rustls_pki_types::UnixTime;
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    use x509_parser::parse_x509_certificate;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn new_ca() -> (tempfile::TempDir, DeviceCa) {
        let dir = tempfile::tempdir().unwrap();
        let ca = DeviceCa::create(&dir.path().join("ca")).unwrap();
        (dir, ca)
    }

    fn pem_chain(pem: &str) -> Vec<Vec<u8>> {
        x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes())
            .map(|p| p.unwrap().contents)
            .collect()
    }

    fn extension<'a>(
        cert: &'a X509Certificate<'a>,
        pick: impl Fn(&'a ParsedExtension<'a>) -> bool,
    ) -> Option<&'a ParsedExtension<'a>> {
        cert.extensions()
            .iter()
            .map(|e| e.parsed_extension())
            .find(|e| pick(e))
    }

    fn subject_key_id(cert: &X509Certificate<'_>) -> Vec<u8> {
        match extension(cert, |e| {
            matches!(e, ParsedExtension::SubjectKeyIdentifier(_))
        }) {
            Some(ParsedExtension::SubjectKeyIdentifier(ki)) => ki.0.to_vec(),
            _ => panic!("no subject key identifier"),
        }
    }

    #[test]
    fn the_ca_is_a_ca_with_the_right_key_usage_and_validity() {
        let (_dir, ca) = new_ca();
        let der = ca.certificate_der();
        let (_, cert) = parse_x509_certificate(&der).unwrap();
        let bc = cert.basic_constraints().unwrap().unwrap().value;
        assert!(bc.ca);
        let ku = cert.key_usage().unwrap().unwrap().value;
        assert!(ku.key_cert_sign() && ku.crl_sign() && ku.digital_signature());
        assert!(!subject_key_id(&cert).is_empty());
        let cn = cert
            .subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        assert!(cn.starts_with("soilctl device CA 20"), "{cn}");
        assert_eq!(ca.subject(), format!("CN={cn}"));
        let not_before = cert.validity().not_before.timestamp();
        assert!((now_secs() - 3600 - not_before).abs() < 120);
        let years = (cert.validity().not_after.timestamp() - not_before) / (365 * 24 * 3600);
        assert_eq!(years, 10);
        assert_eq!(ca.id(), certificate_id(&der));
        assert_eq!(ca.id().len(), 64);
    }

    #[test]
    fn files_have_their_modes_and_a_ca_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let ca_dir = dir.path().join("ca");
        let ca = DeviceCa::create(&ca_dir).unwrap();
        assert_eq!(mode(&ca_dir), 0o700);
        assert_eq!(mode(&ca_dir.join(CA_KEY_FILE)), 0o600);
        assert_eq!(mode(&ca_dir.join(CA_CERT_FILE)), 0o644);
        let key = fs::read_to_string(ca_dir.join(CA_KEY_FILE)).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));

        let err = DeviceCa::create(&ca_dir).unwrap_err();
        assert!(err.to_string().contains("already holds a CA"), "{err}");
        assert!(crate::error::exit_code(&err) == std::process::ExitCode::from(2));
        let again = DeviceCa::load(&ca_dir).unwrap();
        assert_eq!(again.certificate_pem(), ca.certificate_pem());
        assert_eq!(again.id(), ca.id());

        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = DeviceCa::create(&file).unwrap_err();
        assert!(err.to_string().contains("is a file"), "{err}");
    }

    #[test]
    fn a_directory_without_a_ca_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        for missing in [dir.path().join("nowhere"), dir.path().to_path_buf()] {
            let err = DeviceCa::load(&missing).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("no CA in "), "{text}");
            assert!(text.contains("soilctl ca create"), "{text}");
            assert!(crate::error::exit_code(&err) == std::process::ExitCode::from(2));
        }
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = DeviceCa::load(&file).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");

        let ca_dir = dir.path().join("ca");
        DeviceCa::create(&ca_dir).unwrap();
        fs::remove_file(ca_dir.join(CA_KEY_FILE)).unwrap();
        let err = DeviceCa::load(&ca_dir).unwrap_err();
        assert!(
            err.to_string().contains("has ca.pem but not ca.key"),
            "{err}"
        );
    }

    #[test]
    fn a_key_from_another_ca_or_a_leaf_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (cert_a, _) = DeviceCa::generate().unwrap();
        let (_, key_b) = DeviceCa::generate().unwrap();
        let err = DeviceCa::from_pem(dir.path(), &cert_a, &key_b).unwrap_err();
        assert!(err.to_string().contains("does not belong to"), "{err}");

        let (_d, ca) = new_ca();
        let device = ca.issue_device("s1", KeyAlgorithm::EcdsaP256, 30).unwrap();
        let err = DeviceCa::from_pem(dir.path(), &device.certificate_pem, &device.private_key_pem)
            .unwrap_err();
        assert!(err.to_string().contains("is not a CA certificate"), "{err}");
    }

    #[test]
    fn the_verification_certificate_carries_the_code_and_is_signed_by_the_ca() {
        let (_dir, ca) = new_ca();
        let code = "3f8a5c1e0b7d4e2f9a6c8b1d0e3f5a7c9b2d4e6f8a0c1e3f5a7b9d1c3e5f7a9b";
        let v = ca.verification_certificate(code).unwrap();
        let der = pem_to_der(&v.certificate_pem).unwrap();
        let (_, cert) = parse_x509_certificate(&der).unwrap();
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            code
        );
        assert!(!cert.is_ca());
        assert!(v.private_key_pem.contains("PRIVATE KEY"));
        assert!(
            !v.certificate_pem
                .contains(v.private_key_pem.lines().nth(1).unwrap())
        );
        verify_verification_certificate(ca.certificate_pem(), &v.certificate_pem, code).unwrap();
        assert!(is_issued_by(&ca.certificate_der(), &der));
    }

    #[test]
    fn a_wrong_code_or_another_cas_verification_certificate_is_refused() {
        let (_dir, ca) = new_ca();
        let (_other_dir, other) = new_ca();
        let v = ca.verification_certificate("code-1").unwrap();
        assert_eq!(
            verify_verification_certificate(ca.certificate_pem(), &v.certificate_pem, "code-2"),
            Err(VerificationError::WrongCode {
                found: "code-1".into()
            })
        );
        let foreign = other.verification_certificate("code-1").unwrap();
        assert_eq!(
            verify_verification_certificate(
                ca.certificate_pem(),
                &foreign.certificate_pem,
                "code-1"
            ),
            Err(VerificationError::NotSignedByCa)
        );
        // Same subject name as the CA, other key: the signature decides.
        let (cert_pem, key_pem) = DeviceCa::generate().unwrap();
        let twin = DeviceCa::from_pem(Path::new("."), &cert_pem, &key_pem).unwrap();
        assert_eq!(twin.subject(), ca.subject());
        let forged = twin.verification_certificate("code-1").unwrap();
        assert_eq!(
            verify_verification_certificate(
                ca.certificate_pem(),
                &forged.certificate_pem,
                "code-1"
            ),
            Err(VerificationError::NotSignedByCa)
        );
        assert!(matches!(
            verify_verification_certificate(ca.certificate_pem(), "garbage", "code-1"),
            Err(VerificationError::Unreadable(_))
        ));
    }

    #[test]
    fn device_certificates_chain_to_the_ca_device_first() {
        let (_dir, ca) = new_ca();
        let device = ca
            .issue_device("soilSensor7", KeyAlgorithm::EcdsaP256, DEVICE_VALIDITY_DAYS)
            .unwrap();
        let chain = pem_chain(&device.chain_pem);
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1], ca.certificate_der().to_vec());
        assert_eq!(chain[0], pem_chain(&device.certificate_pem)[0]);
        assert_eq!(device.certificate_id, certificate_id(&chain[0]));

        let (_, cert) = parse_x509_certificate(&chain[0]).unwrap();
        let (_, ca_cert) = parse_x509_certificate(&chain[1]).unwrap();
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            "soilSensor7"
        );
        assert_eq!(cert.issuer(), ca_cert.subject());
        assert!(!cert.is_ca());
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.client_auth && !eku.server_auth);
        let aki = match extension(&cert, |e| {
            matches!(e, ParsedExtension::AuthorityKeyIdentifier(_))
        }) {
            Some(ParsedExtension::AuthorityKeyIdentifier(aki)) => {
                aki.key_identifier.as_ref().unwrap().0.to_vec()
            }
            _ => panic!("no authority key identifier"),
        };
        assert_eq!(aki, subject_key_id(&ca_cert));
        assert!(
            extension(&cert, |e| matches!(
                e,
                ParsedExtension::SubjectAlternativeName(_)
            ))
            .is_none_or(|e| match e {
                ParsedExtension::SubjectAlternativeName(san) => !san
                    .general_names
                    .iter()
                    .any(|n| matches!(n, GeneralName::DNSName(_))),
                _ => true,
            })
        );
        let not_before = cert.validity().not_before.timestamp();
        assert!((now_secs() - 3600 - not_before).abs() < 120);
        let days = (cert.validity().not_after.timestamp() - now_secs()) / (24 * 3600);
        assert!((364..=365).contains(&days), "{days}");

        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.certificate_der()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        verifier
            .verify_client_cert(
                &CertificateDer::from(chain[0].clone()),
                &[],
                UnixTime::now(),
            )
            .unwrap();
        assert!(is_issued_by(&chain[1], &chain[0]));
        let (_o, other) = new_ca();
        assert!(!is_issued_by(&other.certificate_der(), &chain[0]));
    }

    #[test]
    fn other_key_algorithms_and_bad_validity() {
        let (_dir, ca) = new_ca();
        for kind in [KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa2048] {
            let device = ca.issue_device("s", kind, 30).unwrap();
            let der = pem_to_der(&device.certificate_pem).unwrap();
            assert!(is_issued_by(&ca.certificate_der(), &der));
            assert!(device.private_key_pem.contains("PRIVATE KEY"));
        }
        assert!(ca.issue_device("s", KeyAlgorithm::EcdsaP256, 0).is_err());
    }

    #[test]
    fn device_files_are_written_with_their_modes() {
        let (dir, ca) = new_ca();
        let device = ca.issue_device("s1", KeyAlgorithm::EcdsaP256, 30).unwrap();
        let mut files = DeviceFiles::new("s1", "iot-backend", &device.certificate_id, "", "");
        files.root_ca = DEVICE_ROOT_CA_FILE.into();
        let out = dir.path().join("devices/s1");
        fs::create_dir_all(dir.path().join("devices")).unwrap();
        write_device_identity(&out, &device, &files, pki::AMAZON_ROOT_CA1).unwrap();
        assert_eq!(mode(&out), 0o700);
        assert_eq!(mode(&out.join(pki::PRIVATE_KEY_FILE)), 0o600);
        assert_eq!(mode(&out.join(pki::CERTIFICATE_FILE)), 0o644);
        assert_eq!(
            fs::read_to_string(out.join(pki::CERTIFICATE_FILE)).unwrap(),
            device.chain_pem
        );
        assert_eq!(
            fs::read_to_string(out.join(DEVICE_ROOT_CA_FILE)).unwrap(),
            pki::AMAZON_ROOT_CA1
        );
        assert_eq!(pki::read_device(&out).unwrap(), files);
    }

    #[test]
    fn registrations_are_recorded_replaced_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_registrations(dir.path()).unwrap().is_empty());
        let aws = Place::Aws {
            region: "eu-west-1".into(),
            endpoint_url: None,
        };
        let moto = Place::Aws {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:5000".into()),
        };
        let local = Place::Local {
            state_dir: dir.path().join("state"),
        };
        record_registration(dir.path(), aws.registration("a", "arn:a")).unwrap();
        record_registration(dir.path(), moto.registration("a", "arn:a")).unwrap();
        record_registration(dir.path(), local.registration("a", "arn:l")).unwrap();
        record_registration(dir.path(), aws.registration("a", "arn:a2")).unwrap();
        let list = read_registrations(dir.path()).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(
            registration_at(dir.path(), &aws)
                .unwrap()
                .unwrap()
                .ca_certificate_arn,
            "arn:a2"
        );
        let text = fs::read_to_string(dir.path().join(REGISTERED_FILE)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json[0]["target"], "aws");
        assert_eq!(json[0]["caCertificateId"], "a");
        assert!(json[0]["registeredMs"].as_i64().unwrap() > 0);
        assert_eq!(json[1]["target"], "local");
        assert_eq!(json[1]["region"], "local");
        assert!(registration_at(dir.path(), &moto).unwrap().is_some());

        assert!(forget_registration(dir.path(), &moto, "a").unwrap());
        assert!(!forget_registration(dir.path(), &moto, "a").unwrap());
        assert!(registration_at(dir.path(), &moto).unwrap().is_none());
        assert_eq!(read_registrations(dir.path()).unwrap().len(), 2);

        fs::write(dir.path().join(REGISTERED_FILE), "{not json").unwrap();
        let err = read_registrations(dir.path()).unwrap_err();
        assert!(err.to_string().contains("registered.json"), "{err}");
    }
}
