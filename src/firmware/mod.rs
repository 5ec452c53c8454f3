//! Firmware images signed for a fleet, and files sealed to one device. Pure cryptography over
//! bytes in memory: nothing here talks to AWS, and only [`signing::SigningKey`] reads or writes
//! files (its own key and certificate, through [`crate::pki`]'s writer).
//!
//! # Signed images ([`signing`])
//!
//! One code-signing key signs every image of a fleet: an ECDSA P-256 key (PKCS#8 PEM, mode
//! 0600) and a self-signed certificate for it with key usage `digitalSignature`, extended key
//! usage `codeSigning`, the caller's common name and the caller's validity. Devices carry that
//! certificate and trust it as it is; no chain is built and its validity is not checked on the
//! device, whose clock may not be set.
//!
//! A signature is ECDSA P-256 over the SHA-256 of the image, DER-encoded (`ECDSA-Sig-Value`) and
//! then base64 (standard alphabet, padded), so it fits a job document. A [`signing::Manifest`]
//! describes one image for a job document:
//!
//! ```json
//! {"version": "1.4.0", "size": 183204, "sha256": "<64 lowercase hex digits>",
//!  "signature": "<base64 DER>", "signatureAlgorithm": "ECDSA-P256-SHA256"}
//! ```
//!
//! A device checks the image it downloaded against it in this order: size, then SHA-256, then
//! the signature with the code-signing certificate. The first check that fails is the one
//! reported, as a [`signing::CheckError`] of one line, fit for a job execution's
//! `statusDetails`. The size and the hash are cheap and tell a truncated or corrupted download
//! apart from a forged image; only the signature proves where the image comes from. The
//! signature covers the image bytes only, not the manifest's version: a device that must refuse
//! older images reads the version inside the signed image.
//!
//! ECDSA P-256 with SHA-256 is chosen because it is what small devices verify in hardware or in
//! their TLS stack already, and its signatures are short (at most 72 bytes).
//!
//! # Sealed files ([`sealed`])
//!
//! A sealed file can be read only with the private key of one device, and it is sealed with no
//! secret at all: only with the public key in that device's certificate. Each file gets a fresh
//! AES-256-GCM key:
//!
//! - EC P-256 devices: an ephemeral P-256 key pair is made for the file; ECDH between it and the
//!   device's key gives a shared secret; HKDF-SHA256 turns it into the AES key, with a random
//!   32-byte salt stored in the header and, as info, a fixed context string naming the format
//!   version and the algorithm followed by the recipient certificate's SHA-256 fingerprint.
//! - EC P-384 devices: the same with an ephemeral P-384 key (HKDF is still SHA-256 and the
//!   cipher AES-256-GCM), so that every key algorithm the project provisions can receive files.
//! - RSA devices (2048 to 4096 bits): a random 256-bit AES key is encrypted to the device's key
//!   with RSA-OAEP (SHA-256, MGF1 with SHA-256, the same context string as label).
//!
//! The content is then encrypted with AES-256-GCM under a random 96-bit nonce, with the whole
//! header as associated data, so that a changed byte anywhere in the file (header, key, salt,
//! nonce, ciphertext or tag) fails authentication and a truncated file fails too. Since every
//! file has its own key, the random nonce is never used twice with one key.
//!
//! Sealing gives confidentiality, not origin: anyone who has a device's certificate can seal a
//! file to it. What must come from the fleet's owner is signed as well.
//!
//! Layout, version 1 (integers big-endian):
//!
//! | offset      | bytes | field                                                         |
//! |-------------|-------|---------------------------------------------------------------|
//! | 0           | 4     | magic `SCSF`                                                  |
//! | 4           | 1     | format version, 1                                             |
//! | 5           | 1     | algorithm: 1 ECDH P-256, 2 ECDH P-384, 3 RSA-OAEP-SHA256      |
//! | 6           | 32    | SHA-256 of the recipient certificate (DER): its AWS IoT id    |
//! | 38          | 32    | SHA-256 of the recipient's public key (the certificate's      |
//! |             |       | `subjectPublicKey` bits), so a wrong key is told apart early  |
//! | 70          | 2     | K, length of the key block                                    |
//! | 72          | K     | ephemeral public key (uncompressed point: 65 bytes for P-256, |
//! |             |       | 97 for P-384), or the RSA-OAEP-encrypted AES key (the modulus |
//! |             |       | size: 256 bytes for RSA 2048)                                 |
//! | 72+K        | 1     | S, length of the salt: 32 for ECDH, 0 for RSA                 |
//! | 73+K        | S     | HKDF salt                                                     |
//! | 73+K+S      | 12    | AES-GCM nonce                                                 |
//! | 85+K+S      | rest  | ciphertext, then the 16-byte GCM tag                          |
//!
//! The associated data is bytes `0..85+K+S`. The HKDF info and OAEP label are the bytes of
//! `soilctl sealed file v1 <algorithm name>`, a zero byte, and the 32 fingerprint bytes.
//!
//! # Limits
//!
//! Images and sealed contents are handled whole in memory, up to [`MAX_IMAGE_BYTES`].
//! Firmware versions follow [`validate_version`].

pub mod sealed;
pub mod signing;

use std::fmt::Write as _;

use aws_lc_rs::digest;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION,
};
use x509_parser::pem::Pem;

pub use sealed::{OpenError, SealError, open, seal};
pub use signing::{
    CheckError, Manifest, SIGNATURE_ALGORITHM, SIGNING_CERT_FILE, SIGNING_KEY_FILE, Signature,
    SigningError, SigningKey, VerifyError, verify,
};

/// The largest image (and the largest sealed content) accepted: 16 MiB. Sensor firmware is far
/// smaller and a microcontroller's flash holds a few MB; the bound keeps the in-memory work
/// here, and a device's download buffer, to a known size.
pub const MAX_IMAGE_BYTES: usize = 16 * 1024 * 1024;

/// The longest firmware version, in characters.
pub const MAX_VERSION_LEN: usize = 64;

/// Why a firmware version is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("the firmware version is empty")]
    Empty,
    #[error("the firmware version has {0} characters, more than {MAX_VERSION_LEN}")]
    TooLong(usize),
    #[error("the firmware version must start with a letter or a digit, not {0:?}")]
    BadStart(char),
    #[error("the firmware version may hold only letters, digits and . _ + -, not {0:?}")]
    BadCharacter(char),
}

/// Checks a firmware version: 1 to 64 characters of `0-9 A-Z a-z . _ + -`, the first a letter
/// or a digit (`1.4.0`, `2024.06.1-rc.2`, `v3+build.7`).
pub fn validate_version(version: &str) -> Result<(), VersionError> {
    let mut chars = version.chars();
    let first = chars.next().ok_or(VersionError::Empty)?;
    let len = version.chars().count();
    if len > MAX_VERSION_LEN {
        return Err(VersionError::TooLong(len));
    }
    if !first.is_ascii_alphanumeric() {
        return Err(VersionError::BadStart(first));
    }
    match chars.find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))) {
        Some(c) => Err(VersionError::BadCharacter(c)),
        None => Ok(()),
    }
}

/// An image (or sealed content) larger than [`MAX_IMAGE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the image is {0} bytes, more than the {MAX_IMAGE_BYTES} accepted")]
pub struct ImageTooLarge(pub u64);

/// Checks an image's size against [`MAX_IMAGE_BYTES`].
pub fn validate_image_size(size: u64) -> Result<(), ImageTooLarge> {
    if size > MAX_IMAGE_BYTES as u64 {
        Err(ImageTooLarge(size))
    } else {
        Ok(())
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The public key in a certificate, as far as this module uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CertKey {
    /// An uncompressed P-256 point.
    EcP256(Vec<u8>),
    /// An uncompressed P-384 point.
    EcP384(Vec<u8>),
    /// The DER `SubjectPublicKeyInfo`.
    Rsa(Vec<u8>),
    /// Anything else, described for an error message.
    Other(String),
}

impl CertKey {
    fn describe(&self) -> String {
        match self {
            CertKey::EcP256(_) => "EC P-256".into(),
            CertKey::EcP384(_) => "EC P-384".into(),
            CertKey::Rsa(_) => "RSA".into(),
            CertKey::Other(what) => what.clone(),
        }
    }
}

/// What this module reads from a certificate.
#[derive(Debug, Clone)]
struct CertInfo {
    /// SHA-256 of the DER, which is also the certificate's AWS IoT id.
    fingerprint: [u8; 32],
    /// SHA-256 of the `subjectPublicKey` bits.
    key_id: [u8; 32],
    key: CertKey,
    /// The extended key usage names `codeSigning`.
    code_signing: bool,
}

/// Reads the first PEM block of `pem`, which must be a certificate.
fn read_certificate(pem: &str) -> Result<CertInfo, String> {
    let (_, block) =
        x509_parser::pem::parse_x509_pem(pem.as_bytes()).map_err(|e| format!("not PEM: {e}"))?;
    if block.label != "CERTIFICATE" {
        return Err(format!(
            "expected a CERTIFICATE PEM block, found {}",
            block.label
        ));
    }
    let der = block.contents;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let spki = cert.public_key();
    let bits = spki.subject_public_key.data.as_ref();
    let algorithm = &spki.algorithm.algorithm;
    let key = if *algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok());
        let uncompressed = bits.first() == Some(&0x04);
        match curve {
            Some(c) if c == OID_EC_P256 && uncompressed && bits.len() == 65 => {
                CertKey::EcP256(bits.to_vec())
            }
            Some(c) if c == OID_NIST_EC_P384 && uncompressed && bits.len() == 97 => {
                CertKey::EcP384(bits.to_vec())
            }
            Some(c) if c == OID_EC_P256 || c == OID_NIST_EC_P384 => {
                CertKey::Other("an EC key that is not an uncompressed point".into())
            }
            Some(c) => CertKey::Other(format!("an EC key on curve {c}")),
            None => CertKey::Other("an EC key without a named curve".into()),
        }
    } else if *algorithm == OID_PKCS1_RSAENCRYPTION {
        CertKey::Rsa(spki.raw.to_vec())
    } else {
        CertKey::Other(format!("a key of algorithm {algorithm}"))
    };
    let code_signing = cert
        .extended_key_usage()
        .map_err(|e| format!("unreadable extended key usage: {e}"))?
        .is_some_and(|eku| eku.value.code_signing);
    Ok(CertInfo {
        fingerprint: sha256(&der),
        key_id: sha256(bits),
        key,
        code_signing,
    })
}

/// The DER of the private key in `pem`: PKCS#8 (`PRIVATE KEY`) or, for EC keys, SEC 1
/// (`EC PRIVATE KEY`, which may follow an `EC PARAMETERS` block).
fn read_private_key(pem: &str) -> Result<Vec<u8>, String> {
    for block in Pem::iter_from_buffer(pem.as_bytes()) {
        let block = block.map_err(|e| format!("not PEM: {e}"))?;
        match block.label.as_str() {
            "PRIVATE KEY" | "EC PRIVATE KEY" => return Ok(block.contents),
            "EC PARAMETERS" => continue,
            "ENCRYPTED PRIVATE KEY" => {
                return Err("the private key is encrypted; decrypt it first".into());
            }
            "RSA PRIVATE KEY" => {
                return Err(
                    "the RSA key is PKCS#1; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)"
                        .into(),
                );
            }
            other => return Err(format!("expected a PRIVATE KEY PEM block, found {other}")),
        }
    }
    Err("no PEM block found".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_that_are_accepted() {
        for v in [
            "1",
            "1.4.0",
            "2024.06.1-rc.2",
            "v3+build.7",
            "A_b",
            &"9".repeat(64),
        ] {
            assert_eq!(validate_version(v), Ok(()), "{v}");
        }
    }

    #[test]
    fn versions_that_are_refused() {
        assert_eq!(validate_version(""), Err(VersionError::Empty));
        assert_eq!(
            validate_version(&"1".repeat(65)),
            Err(VersionError::TooLong(65))
        );
        assert_eq!(validate_version(".1"), Err(VersionError::BadStart('.')));
        assert_eq!(validate_version("-1"), Err(VersionError::BadStart('-')));
        assert_eq!(
            validate_version("1.0 beta"),
            Err(VersionError::BadCharacter(' '))
        );
        assert_eq!(
            validate_version("1/2"),
            Err(VersionError::BadCharacter('/'))
        );
        assert_eq!(
            validate_version("1.é"),
            Err(VersionError::BadCharacter('é'))
        );
        assert_eq!(validate_version("é1"), Err(VersionError::BadStart('é')));
        for err in [
            validate_version("").unwrap_err(),
            validate_version(&"a".repeat(70)).unwrap_err(),
            validate_version("_a").unwrap_err(),
            validate_version("a\nb").unwrap_err(),
        ] {
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }

    #[test]
    fn image_size_limit() {
        assert_eq!(validate_image_size(MAX_IMAGE_BYTES as u64), Ok(()));
        let err = validate_image_size(MAX_IMAGE_BYTES as u64 + 1).unwrap_err();
        assert_eq!(err, ImageTooLarge(MAX_IMAGE_BYTES as u64 + 1));
        assert!(err.to_string().contains("16777217 bytes"));
    }

    #[test]
    fn private_key_pem_blocks() {
        assert!(read_private_key("").is_err());
        assert!(
            read_private_key(
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
            )
            .unwrap_err()
            .contains("PKCS#8")
        );
        assert!(
            read_private_key("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .unwrap_err()
                .contains("found CERTIFICATE")
        );
        let two = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
                   -----BEGIN EC PRIVATE KEY-----\nAAEC\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(read_private_key(two).unwrap(), vec![0, 1, 2]);
    }
}
