//! The fleet's code-signing key, image signatures and the manifest a device checks an image
//! against. See the [module documentation](super) for the formats.

use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _,
    UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose,
    SerialNumber,
};
use serde::{Deserialize, Serialize};

use super::{
    CertKey, ImageTooLarge, VersionError, hex, read_certificate, read_private_key, sha256,
    validate_image_size, validate_version,
};
use crate::pki::{create_private_dir, write_file};

/// The manifest's `signatureAlgorithm`.
pub const SIGNATURE_ALGORITHM: &str = "ECDSA-P256-SHA256";
/// The code-signing key's file (PKCS#8 PEM, mode 0600).
pub const SIGNING_KEY_FILE: &str = "signing.pem.key";
/// The code-signing certificate's file (PEM, mode 0644).
pub const SIGNING_CERT_FILE: &str = "signing.pem.crt";

/// The last instant an X.509 `GeneralizedTime` holds: 9999-12-31T23:59:59Z.
const LAST_TIME_SECS: u64 = 253_402_300_799;

/// Why a signing key cannot be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("the signing certificate needs a common name")]
    EmptyCommonName,
    #[error("the signing certificate's validity must end after it starts")]
    EmptyValidity,
    #[error("the signing certificate's validity must lie between 1970 and 9999")]
    ValidityOutOfRange,
    #[error("cannot read the signing key: {0}")]
    Key(String),
    #[error("cannot read the signing certificate: {0}")]
    Certificate(String),
    #[error("the signing certificate's key is {0}, not ECDSA P-256")]
    UnsupportedKey(String),
    #[error("the signing certificate is not for code signing (no codeSigning extended key usage)")]
    NotCodeSigning,
    #[error("the signing key does not belong to the signing certificate")]
    KeyMismatch,
    #[error("{0} failed")]
    Crypto(&'static str),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(transparent)]
    TooLarge(#[from] ImageTooLarge),
}

/// Why a signature is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read the signing certificate: {0}")]
    Certificate(String),
    #[error("the signing certificate's key is {0}, not ECDSA P-256")]
    UnsupportedKey(String),
    #[error("the signing certificate is not for code signing (no codeSigning extended key usage)")]
    NotCodeSigning,
    #[error("the signature is not base64")]
    SignatureEncoding,
    #[error("the signature does not match the image and the signing certificate")]
    BadSignature,
}

/// The code-signing key and its certificate.
pub struct SigningKey {
    key: EcdsaKeyPair,
    key_pem: String,
    certificate_pem: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("certificate_pem", &self.certificate_pem)
            .finish_non_exhaustive()
    }
}

fn since_epoch(t: SystemTime) -> Result<Duration, SigningError> {
    let d = t
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SigningError::ValidityOutOfRange)?;
    if d.as_secs() > LAST_TIME_SECS {
        return Err(SigningError::ValidityOutOfRange);
    }
    Ok(d)
}

impl SigningKey {
    /// A new ECDSA P-256 key and a self-signed certificate for it: key usage
    /// `digitalSignature`, extended key usage `codeSigning`, subject and issuer
    /// `CN=<common_name>`, valid from `not_before` to `not_after` (whole seconds), a random
    /// serial number.
    pub fn generate(
        common_name: &str,
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Result<SigningKey, SigningError> {
        if common_name.trim().is_empty() {
            return Err(SigningError::EmptyCommonName);
        }
        let (start, end) = (since_epoch(not_before)?, since_epoch(not_after)?);
        if end.as_secs() <= start.as_secs() {
            return Err(SigningError::EmptyValidity);
        }
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
            .map_err(|_| SigningError::Crypto("generating the signing key"))?;
        let pkcs8 = key
            .to_pkcs8v1()
            .map_err(|_| SigningError::Crypto("encoding the signing key"))?;
        let rc_key = rcgen::KeyPair::try_from(pkcs8.as_ref())
            .map_err(|e| SigningError::Key(e.to_string()))?;

        let mut params = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| SigningError::Certificate(e.to_string()))?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::CodeSigning];
        let epoch = rcgen::date_time_ymd(1970, 1, 1);
        params.not_before = epoch + Duration::from_secs(start.as_secs());
        params.not_after = epoch + Duration::from_secs(end.as_secs());
        let mut serial = [0u8; 16];
        aws_lc_rs::rand::fill(&mut serial)
            .map_err(|_| SigningError::Crypto("drawing a serial number"))?;
        serial[0] = (serial[0] & 0x7f) | 0x01;
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        let cert = params
            .self_signed(&rc_key)
            .map_err(|e| SigningError::Certificate(e.to_string()))?;
        Ok(SigningKey {
            key,
            key_pem: rc_key.serialize_pem(),
            certificate_pem: cert.pem(),
        })
    }

    /// The key and certificate as [`SigningKey::private_key_pem`] and
    /// [`SigningKey::certificate_pem`] give them, checked to belong together.
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<SigningKey, SigningError> {
        let cert = read_certificate(certificate_pem).map_err(SigningError::Certificate)?;
        let CertKey::EcP256(point) = &cert.key else {
            return Err(SigningError::UnsupportedKey(cert.key.describe()));
        };
        if !cert.code_signing {
            return Err(SigningError::NotCodeSigning);
        }
        let der = read_private_key(key_pem).map_err(SigningError::Key)?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &der)
            .or_else(|_| EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_ASN1_SIGNING, &der))
            .map_err(|e| SigningError::Key(format!("not an ECDSA P-256 key ({e})")))?;
        if key.public_key().as_ref() != point.as_slice() {
            return Err(SigningError::KeyMismatch);
        }
        Ok(SigningKey {
            key,
            key_pem: key_pem.to_owned(),
            certificate_pem: certificate_pem.to_owned(),
        })
    }

    /// Writes [`SIGNING_KEY_FILE`] (mode 0600) and [`SIGNING_CERT_FILE`] in `dir`, making `dir`
    /// (mode 0700) if needed.
    pub fn write_to(&self, dir: &Path) -> anyhow::Result<()> {
        create_private_dir(dir)?;
        write_file(&dir.join(SIGNING_KEY_FILE), self.key_pem.as_bytes(), 0o600)?;
        write_file(
            &dir.join(SIGNING_CERT_FILE),
            self.certificate_pem.as_bytes(),
            0o644,
        )
    }

    /// Reads the key and certificate [`SigningKey::write_to`] wrote in `dir`.
    pub fn read_from(dir: &Path) -> anyhow::Result<SigningKey> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        let key = read(SIGNING_KEY_FILE)?;
        let cert = read(SIGNING_CERT_FILE)?;
        SigningKey::from_pem(&key, &cert).with_context(|| format!("in {}", dir.display()))
    }

    /// The private key, PKCS#8 PEM.
    pub fn private_key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The self-signed code-signing certificate, PEM: what devices verify against.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// Signs `image`: ECDSA P-256 over its SHA-256.
    pub fn sign(&self, image: &[u8]) -> Result<Signature, SigningError> {
        let sig = self
            .key
            .sign(&SystemRandom::new(), image)
            .map_err(|_| SigningError::Crypto("signing the image"))?;
        Ok(Signature(sig.as_ref().to_vec()))
    }
}

/// An image's signature: DER `ECDSA-Sig-Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(Vec<u8>);

impl Signature {
    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.0
    }

    /// Base64 (standard alphabet, padded) of the DER, as a job document carries it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// A signature from its base64 form.
    pub fn from_base64(text: &str) -> Result<Signature, VerifyError> {
        STANDARD
            .decode(text.trim())
            .map(Signature)
            .map_err(|_| VerifyError::SignatureEncoding)
    }
}

/// Checks that `signature_b64` is the signature of `image` by the key of the code-signing
/// certificate `cert_pem`, which the caller trusts as it is.
pub fn verify(cert_pem: &str, image: &[u8], signature_b64: &str) -> Result<(), VerifyError> {
    let cert = read_certificate(cert_pem).map_err(VerifyError::Certificate)?;
    let CertKey::EcP256(point) = &cert.key else {
        return Err(VerifyError::UnsupportedKey(cert.key.describe()));
    };
    if !cert.code_signing {
        return Err(VerifyError::NotCodeSigning);
    }
    let signature = Signature::from_base64(signature_b64)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point)
        .verify(image, signature.der())
        .map_err(|_| VerifyError::BadSignature)
}

/// What a job document says about one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub version: String,
    /// The image's length in bytes.
    pub size: u64,
    /// SHA-256 of the image, lowercase hex.
    pub sha256: String,
    /// [`Signature::to_base64`] of the image's signature.
    pub signature: String,
    /// Always [`SIGNATURE_ALGORITHM`].
    pub signature_algorithm: String,
}

/// Why a device refuses an image. Each message is one line, for a job execution's
/// `statusDetails`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("the manifest announces {0} bytes, more than the {max} accepted", max = super::MAX_IMAGE_BYTES)]
    TooLarge(u64),
    #[error("size mismatch: the manifest says {expected} bytes, the image has {actual}")]
    SizeMismatch { expected: u64, actual: u64 },
    #[error("SHA-256 mismatch: the manifest says {expected}, the image hashes to {actual}")]
    HashMismatch { expected: String, actual: String },
    #[error("unsupported signature algorithm {0:?}, expected {SIGNATURE_ALGORITHM}")]
    UnsupportedAlgorithm(String),
    #[error("signature rejected: {0}")]
    Signature(VerifyError),
}

impl CheckError {
    /// A short, stable name for the failure (`size-mismatch`, `hash-mismatch`, ...), for a
    /// `statusDetails` key or value that programs compare.
    pub fn code(&self) -> &'static str {
        match self {
            CheckError::TooLarge(_) => "image-too-large",
            CheckError::SizeMismatch { .. } => "size-mismatch",
            CheckError::HashMismatch { .. } => "hash-mismatch",
            CheckError::UnsupportedAlgorithm(_) => "unsupported-signature-algorithm",
            CheckError::Signature(_) => "signature-rejected",
        }
    }
}

impl Manifest {
    /// The manifest of `image` at `version`, signed with `key`. Refuses an invalid version and
    /// an image larger than [`super::MAX_IMAGE_BYTES`].
    pub fn new(version: &str, image: &[u8], key: &SigningKey) -> Result<Manifest, SigningError> {
        validate_version(version)?;
        validate_image_size(image.len() as u64)?;
        Ok(Manifest {
            version: version.to_owned(),
            size: image.len() as u64,
            sha256: hex(&sha256(image)),
            signature: key.sign(image)?.to_base64(),
            signature_algorithm: SIGNATURE_ALGORITHM.to_owned(),
        })
    }

    /// What a device runs on a downloaded image, with the code-signing certificate it trusts:
    /// the size, then the SHA-256, then the signature. The first failure is returned.
    pub fn check(&self, image: &[u8], cert_pem: &str) -> Result<(), CheckError> {
        if validate_image_size(self.size).is_err() {
            return Err(CheckError::TooLarge(self.size));
        }
        let actual = image.len() as u64;
        if actual != self.size {
            return Err(CheckError::SizeMismatch {
                expected: self.size,
                actual,
            });
        }
        let digest = hex(&sha256(image));
        if !digest.eq_ignore_ascii_case(self.sha256.trim()) {
            return Err(CheckError::HashMismatch {
                expected: self.sha256.clone(),
                actual: digest,
            });
        }
        if self.signature_algorithm != SIGNATURE_ALGORITHM {
            return Err(CheckError::UnsupportedAlgorithm(
                self.signature_algorithm.clone(),
            ));
        }
        verify(cert_pem, image, &self.signature).map_err(CheckError::Signature)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::OnceLock;

    use super::*;
    use crate::cli::KeyAlgorithm;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn new_key(cn: &str) -> SigningKey {
        let now = SystemTime::now();
        SigningKey::generate(cn, now - DAY, now + 365 * DAY).unwrap()
    }

    /// One key for the tests that need any key.
    fn key() -> &'static SigningKey {
        static KEY: OnceLock<SigningKey> = OnceLock::new();
        KEY.get_or_init(|| new_key("soilctl firmware signing"))
    }

    fn image() -> Vec<u8> {
        (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn sign_and_verify() {
        let image = image();
        let sig = key().sign(&image).unwrap();
        assert!(
            sig.der().len() <= 72 && sig.der()[0] == 0x30,
            "DER SEQUENCE"
        );
        verify(key().certificate_pem(), &image, &sig.to_base64()).unwrap();
        assert_eq!(Signature::from_base64(&sig.to_base64()).unwrap(), sig);
    }

    #[test]
    fn tampered_image_fails() {
        let mut image = image();
        let sig = key().sign(&image).unwrap().to_base64();
        image[5000] ^= 0x01;
        assert_eq!(
            verify(key().certificate_pem(), &image, &sig),
            Err(VerifyError::BadSignature)
        );
        image[5000] ^= 0x01;
        image.push(0);
        assert_eq!(
            verify(key().certificate_pem(), &image, &sig),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn wrong_signature_fails() {
        let image = image();
        let other = key().sign(b"another image").unwrap().to_base64();
        assert_eq!(
            verify(key().certificate_pem(), &image, &other),
            Err(VerifyError::BadSignature)
        );
        let mut der = key().sign(&image).unwrap().der().to_vec();
        let last = der.len() - 1;
        der[last] ^= 0x80;
        assert_eq!(
            verify(key().certificate_pem(), &image, &STANDARD.encode(&der)),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(key().certificate_pem(), &image, "not base64!"),
            Err(VerifyError::SignatureEncoding)
        );
        assert_eq!(
            verify(key().certificate_pem(), &image, ""),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn wrong_certificate_fails() {
        let image = image();
        let sig = key().sign(&image).unwrap().to_base64();
        let other = new_key("another signer");
        assert_eq!(
            verify(other.certificate_pem(), &image, &sig),
            Err(VerifyError::BadSignature)
        );
        assert!(matches!(
            verify("not a certificate", &image, &sig),
            Err(VerifyError::Certificate(_))
        ));
    }

    /// A device's certificate (self-signed, no codeSigning) with a key from the project's pki.
    fn device_cert(kind: KeyAlgorithm) -> String {
        let made = crate::pki::key_and_csr("soilSensor1", kind).unwrap();
        let key = rcgen::KeyPair::from_pem(&made.private_key_pem).unwrap();
        CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .self_signed(&key)
            .unwrap()
            .pem()
    }

    #[test]
    fn a_device_certificate_is_not_a_signing_certificate() {
        let image = image();
        let sig = key().sign(&image).unwrap().to_base64();
        let cert = device_cert(KeyAlgorithm::EcdsaP256);
        assert_eq!(
            verify(&cert, &image, &sig),
            Err(VerifyError::NotCodeSigning)
        );
        let cert = device_cert(KeyAlgorithm::EcdsaP384);
        let err = verify(&cert, &image, &sig).unwrap_err();
        assert_eq!(err, VerifyError::UnsupportedKey("EC P-384".into()));
        assert_eq!(
            err.to_string(),
            "the signing certificate's key is EC P-384, not ECDSA P-256"
        );
    }

    #[test]
    fn the_certificate_says_what_it_is_for() {
        let not_before = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let not_after = not_before + 3 * 365 * DAY;
        let key = SigningKey::generate("Acme OTA signer", not_before, not_after).unwrap();
        assert!(
            key.private_key_pem()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let (_, pem) = x509_parser::pem::parse_x509_pem(key.certificate_pem().as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        assert_eq!(cert.subject().to_string(), "CN=Acme OTA signer");
        assert_eq!(cert.issuer().to_string(), "CN=Acme OTA signer");
        assert_eq!(cert.validity().not_before.timestamp(), 1_750_000_000);
        assert_eq!(
            cert.validity().not_after.timestamp(),
            1_750_000_000 + 3 * 365 * 24 * 3600
        );
        let ku = cert.key_usage().unwrap().unwrap().value;
        assert!(ku.digital_signature());
        assert!(!ku.key_cert_sign());
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.code_signing && !eku.server_auth && !eku.client_auth);
        assert_eq!(
            cert.public_key().algorithm.algorithm,
            x509_parser::oid_registry::OID_KEY_TYPE_EC_PUBLIC_KEY
        );
    }

    #[test]
    fn generate_refuses_bad_parameters() {
        let now = SystemTime::now();
        assert!(matches!(
            SigningKey::generate(" ", now, now + DAY),
            Err(SigningError::EmptyCommonName)
        ));
        assert!(matches!(
            SigningKey::generate("s", now, now),
            Err(SigningError::EmptyValidity)
        ));
        assert!(matches!(
            SigningKey::generate("s", now, now - DAY),
            Err(SigningError::EmptyValidity)
        ));
        assert!(matches!(
            SigningKey::generate("s", UNIX_EPOCH - DAY, now),
            Err(SigningError::ValidityOutOfRange)
        ));
        assert!(matches!(
            SigningKey::generate(
                "s",
                now,
                UNIX_EPOCH + Duration::from_secs(LAST_TIME_SECS + 1)
            ),
            Err(SigningError::ValidityOutOfRange)
        ));
    }

    #[test]
    fn key_files_round_trip_with_their_modes() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join("signing");
        key().write_to(&dir).unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(SIGNING_KEY_FILE), 0o600);
        assert_eq!(mode(SIGNING_CERT_FILE), 0o644);
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let read = SigningKey::read_from(&dir).unwrap();
        let image = image();
        let sig = read.sign(&image).unwrap().to_base64();
        verify(key().certificate_pem(), &image, &sig).unwrap();
    }

    #[test]
    fn from_pem_checks_the_pair() {
        let other = new_key("other");
        assert!(matches!(
            SigningKey::from_pem(key().private_key_pem(), other.certificate_pem()),
            Err(SigningError::KeyMismatch)
        ));
        let device = crate::pki::key_and_csr("d", KeyAlgorithm::EcdsaP256).unwrap();
        assert!(matches!(
            SigningKey::from_pem(
                &device.private_key_pem,
                &device_cert(KeyAlgorithm::EcdsaP256)
            ),
            Err(SigningError::NotCodeSigning)
        ));
        assert!(matches!(
            SigningKey::from_pem("", key().certificate_pem()),
            Err(SigningError::Key(_))
        ));
    }

    #[test]
    fn manifest_round_trip() {
        let image = image();
        let manifest = Manifest::new("1.4.0", &image, key()).unwrap();
        assert_eq!(manifest.size, 10_000);
        assert_eq!(manifest.sha256.len(), 64);
        assert_eq!(manifest.signature_algorithm, "ECDSA-P256-SHA256");
        manifest.check(&image, key().certificate_pem()).unwrap();

        let json = serde_json::to_value(&manifest).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "version",
                "size",
                "sha256",
                "signature",
                "signatureAlgorithm"
            ]
        );
        let back: Manifest = serde_json::from_value(json).unwrap();
        assert_eq!(back, manifest);
    }

    #[test]
    fn manifest_refuses_bad_versions_and_large_images() {
        assert!(matches!(
            Manifest::new("", b"x", key()),
            Err(SigningError::Version(VersionError::Empty))
        ));
        let big = vec![0u8; super::super::MAX_IMAGE_BYTES + 1];
        let err = Manifest::new("1", &big, key()).unwrap_err();
        assert!(matches!(err, SigningError::TooLarge(_)), "{err}");
    }

    #[test]
    fn manifest_check_tells_each_failure_apart() {
        let image = image();
        let cert = key().certificate_pem();
        let manifest = Manifest::new("2.0.1", &image, key()).unwrap();

        // A shorter download: the size fails first, though the hash would too.
        let err = manifest.check(&image[..9_999], cert).unwrap_err();
        assert_eq!(
            err,
            CheckError::SizeMismatch {
                expected: 10_000,
                actual: 9_999
            }
        );
        assert_eq!(err.code(), "size-mismatch");

        // Same size, one byte changed: the hash fails.
        let mut changed = image.clone();
        changed[0] ^= 0xff;
        let err = manifest.check(&changed, cert).unwrap_err();
        assert!(matches!(err, CheckError::HashMismatch { .. }), "{err}");
        assert_eq!(err.code(), "hash-mismatch");

        // The hash is right but the signature is another image's.
        let mut forged = manifest.clone();
        forged.signature = key().sign(&changed).unwrap().to_base64();
        let err = forged.check(&image, cert).unwrap_err();
        assert_eq!(err, CheckError::Signature(VerifyError::BadSignature));
        assert_eq!(err.code(), "signature-rejected");

        // A forged image with a matching size and hash, but no key to sign it.
        let mut forged = Manifest::new("2.0.1", &changed, &new_key("attacker")).unwrap();
        forged.version = manifest.version.clone();
        assert_eq!(
            forged.check(&changed, cert).unwrap_err(),
            CheckError::Signature(VerifyError::BadSignature)
        );

        let mut other = manifest.clone();
        other.signature_algorithm = "RSA-SHA256".into();
        let err = other.check(&image, cert).unwrap_err();
        assert_eq!(err.code(), "unsupported-signature-algorithm");

        let mut huge = manifest.clone();
        huge.size = u64::MAX;
        assert_eq!(
            huge.check(&image, cert).unwrap_err().code(),
            "image-too-large"
        );

        // Upper-case hex in a hand-written manifest is accepted.
        let mut upper = manifest.clone();
        upper.sha256 = upper.sha256.to_uppercase();
        upper.check(&image, cert).unwrap();

        for err in [
            manifest.check(&image[..1], cert).unwrap_err(),
            manifest.check(&changed, cert).unwrap_err(),
            forged.check(&changed, cert).unwrap_err(),
            other.check(&image, cert).unwrap_err(),
            huge.check(&image, cert).unwrap_err(),
        ] {
            let line = err.to_string();
            assert!(!line.contains('\n') && !line.is_empty(), "{line}");
        }
    }
}
