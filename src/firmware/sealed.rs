//! Files sealed to one device's certificate, which only that device's private key opens. See
//! the [module documentation](super) for the algorithms and the layout.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256, ECDH_P384, EphemeralPrivateKey};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::hkdf::{HKDF_SHA256, Salt};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{
    CertKey, ImageTooLarge, MAX_IMAGE_BYTES, hex, read_certificate, read_private_key, sha256,
};

/// The first four bytes of a sealed file.
pub const MAGIC: [u8; 4] = *b"SCSF";
/// The format version this module writes and reads.
pub const FORMAT_VERSION: u8 = 1;

const FINGERPRINT_LEN: usize = 32;
const SALT_LEN: usize = 32;
const AES_KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
/// Magic, version, algorithm, certificate fingerprint, key id, key block length.
const FIXED_LEN: usize = 4 + 1 + 1 + FINGERPRINT_LEN + FINGERPRINT_LEN + 2;
/// RSA keys accepted, by modulus size in bytes (2048 to 4096 bits).
const RSA_MODULUS_BYTES: std::ops::RangeInclusive<usize> = 256..=512;

/// How a file's AES key reaches its device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    /// Ephemeral ECDH on P-256, HKDF-SHA256, AES-256-GCM.
    EcdhP256,
    /// Ephemeral ECDH on P-384, HKDF-SHA256, AES-256-GCM.
    EcdhP384,
    /// RSA-OAEP (SHA-256) wrapping a random AES-256-GCM key.
    RsaOaepSha256,
}

impl Algorithm {
    fn id(self) -> u8 {
        match self {
            Algorithm::EcdhP256 => 1,
            Algorithm::EcdhP384 => 2,
            Algorithm::RsaOaepSha256 => 3,
        }
    }

    fn from_id(id: u8) -> Option<Algorithm> {
        match id {
            1 => Some(Algorithm::EcdhP256),
            2 => Some(Algorithm::EcdhP384),
            3 => Some(Algorithm::RsaOaepSha256),
            _ => None,
        }
    }

    /// The name in the key-derivation context.
    fn name(self) -> &'static str {
        match self {
            Algorithm::EcdhP256 => "ECDH-P256-HKDF-SHA256-AES-256-GCM",
            Algorithm::EcdhP384 => "ECDH-P384-HKDF-SHA256-AES-256-GCM",
            Algorithm::RsaOaepSha256 => "RSA-OAEP-SHA256-AES-256-GCM",
        }
    }

    /// The key block's length, when the algorithm fixes it.
    fn key_block_len(self) -> Option<usize> {
        match self {
            Algorithm::EcdhP256 => Some(65),
            Algorithm::EcdhP384 => Some(97),
            Algorithm::RsaOaepSha256 => None,
        }
    }

    fn salt_len(self) -> usize {
        match self {
            Algorithm::EcdhP256 | Algorithm::EcdhP384 => SALT_LEN,
            Algorithm::RsaOaepSha256 => 0,
        }
    }

    fn key_kind(self) -> &'static str {
        match self {
            Algorithm::EcdhP256 => "EC P-256",
            Algorithm::EcdhP384 => "EC P-384",
            Algorithm::RsaOaepSha256 => "RSA",
        }
    }
}

/// Why a file cannot be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("cannot read the device certificate: {0}")]
    Certificate(String),
    #[error("cannot seal to {0}: only EC P-256, EC P-384 and RSA (2048 to 4096 bits) keys")]
    UnsupportedKey(String),
    #[error(transparent)]
    TooLarge(#[from] ImageTooLarge),
    #[error("{0} failed")]
    Crypto(&'static str),
}

/// Why a sealed file cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not a sealed file (no SCSF magic)")]
    NotSealed,
    #[error("the sealed file is truncated")]
    Truncated,
    #[error("sealed file format version {0} is not supported (only {FORMAT_VERSION})")]
    UnsupportedVersion(u8),
    #[error("the sealed file names an unknown algorithm ({0})")]
    UnsupportedAlgorithm(u8),
    #[error("the sealed file's header is malformed: {0}")]
    Malformed(&'static str),
    #[error("the sealed content is larger than the {MAX_IMAGE_BYTES} bytes accepted")]
    TooLarge,
    #[error("cannot read the private key: {0}")]
    Key(String),
    #[error("cannot read the device certificate: {0}")]
    Certificate(String),
    #[error("the private key does not belong to the device certificate")]
    KeyCertificateMismatch,
    #[error("sealed for another device: {0}")]
    WrongRecipient(String),
    #[error("the sealed file failed authentication: it was altered or damaged")]
    Authentication,
}

/// The context both sides derive the key with: the HKDF info, and the OAEP label.
fn context(algorithm: Algorithm, certificate_fingerprint: &[u8]) -> Vec<u8> {
    let mut info =
        format!("soilctl sealed file v{FORMAT_VERSION} {}", algorithm.name()).into_bytes();
    info.push(0);
    info.extend_from_slice(certificate_fingerprint);
    info
}

fn hkdf_key(secret: &[u8], salt: &[u8], info: &[u8]) -> Result<UnboundKey, ()> {
    let prk = Salt::new(HKDF_SHA256, salt).extract(secret);
    let info = [info];
    let okm = prk.expand(&info, &AES_256_GCM).map_err(|_| ())?;
    Ok(UnboundKey::from(okm))
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut out = [0u8; N];
    aws_lc_rs::rand::fill(&mut out).map_err(|_| SealError::Crypto("drawing random bytes"))?;
    Ok(out)
}

/// An ephemeral key pair for `point`'s curve: its public key, and the AES key ECDH with
/// `point` and HKDF give.
fn ecdh_seal(
    alg: &'static agreement::Algorithm,
    point: &[u8],
    salt: &[u8],
    info: &[u8],
) -> Result<(Vec<u8>, UnboundKey), SealError> {
    let ephemeral = EphemeralPrivateKey::generate(alg, &SystemRandom::new())
        .map_err(|_| SealError::Crypto("generating the ephemeral key"))?;
    let public = ephemeral
        .compute_public_key()
        .map_err(|_| SealError::Crypto("computing the ephemeral public key"))?
        .as_ref()
        .to_vec();
    let key = agreement::agree_ephemeral(
        ephemeral,
        agreement::UnparsedPublicKey::new(alg, point),
        SealError::UnsupportedKey("an EC key that is not a valid point".into()),
        |secret| hkdf_key(secret, salt, info).map_err(|_| SealError::Crypto("deriving the key")),
    )?;
    Ok((public, key))
}

/// A random AES key, and that key encrypted to the RSA key `spki` with RSA-OAEP.
fn rsa_seal(spki: &[u8], label: &[u8]) -> Result<(Vec<u8>, UnboundKey), SealError> {
    let public = PublicEncryptingKey::from_der(spki)
        .map_err(|e| SealError::UnsupportedKey(format!("an RSA key it cannot use ({e})")))?;
    if !RSA_MODULUS_BYTES.contains(&public.key_size_bytes()) {
        return Err(SealError::UnsupportedKey(format!(
            "an RSA key of {} bits",
            public.key_size_bits()
        )));
    }
    let oaep = OaepPublicEncryptingKey::new(public)
        .map_err(|_| SealError::Crypto("preparing RSA-OAEP"))?;
    let raw: [u8; AES_KEY_LEN] = random()?;
    let mut wrapped = vec![0u8; oaep.ciphertext_size()];
    let len = oaep
        .encrypt(&OAEP_SHA256_MGF1SHA256, &raw, &mut wrapped, Some(label))
        .map_err(|_| SealError::Crypto("RSA-OAEP encryption"))?
        .len();
    wrapped.truncate(len);
    let key = UnboundKey::new(&AES_256_GCM, &raw)
        .map_err(|_| SealError::Crypto("preparing the AES key"))?;
    Ok((wrapped, key))
}

/// Seals `plaintext` to the device whose certificate is `cert_pem`: only that certificate's
/// private key opens the result.
pub fn seal(cert_pem: &str, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    super::validate_image_size(plaintext.len() as u64)?;
    let cert = read_certificate(cert_pem).map_err(SealError::Certificate)?;
    let salt: [u8; SALT_LEN] = random()?;
    let fingerprint = &cert.fingerprint;
    let (algorithm, key_block, aes_key) = match &cert.key {
        CertKey::EcP256(point) => {
            let algorithm = Algorithm::EcdhP256;
            let info = context(algorithm, fingerprint);
            let (block, key) = ecdh_seal(&ECDH_P256, point, &salt, &info)?;
            (algorithm, block, key)
        }
        CertKey::EcP384(point) => {
            let algorithm = Algorithm::EcdhP384;
            let info = context(algorithm, fingerprint);
            let (block, key) = ecdh_seal(&ECDH_P384, point, &salt, &info)?;
            (algorithm, block, key)
        }
        CertKey::Rsa(spki) => {
            let algorithm = Algorithm::RsaOaepSha256;
            let (block, key) = rsa_seal(spki, &context(algorithm, fingerprint))?;
            (algorithm, block, key)
        }
        CertKey::Other(what) => return Err(SealError::UnsupportedKey(what.clone())),
    };
    let salt = &salt[..algorithm.salt_len()];

    let nonce: [u8; NONCE_LEN] = random()?;
    let key_block_len =
        u16::try_from(key_block.len()).map_err(|_| SealError::Crypto("encoding the key block"))?;
    let mut out = Vec::with_capacity(
        FIXED_LEN + key_block.len() + 1 + salt.len() + NONCE_LEN + plaintext.len() + TAG_LEN,
    );
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT_VERSION);
    out.push(algorithm.id());
    out.extend_from_slice(&cert.fingerprint);
    out.extend_from_slice(&cert.key_id);
    out.extend_from_slice(&key_block_len.to_be_bytes());
    out.extend_from_slice(&key_block);
    out.push(salt.len() as u8);
    out.extend_from_slice(salt);
    out.extend_from_slice(&nonce);
    let header_len = out.len();

    let mut body = plaintext.to_vec();
    LessSafeKey::new(aes_key)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&out[..header_len]),
            &mut body,
        )
        .map_err(|_| SealError::Crypto("AES-GCM encryption"))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// A sealed file's header, borrowed from it.
struct Header<'a> {
    algorithm: Algorithm,
    fingerprint: &'a [u8],
    key_id: &'a [u8],
    key_block: &'a [u8],
    salt: &'a [u8],
    nonce: [u8; NONCE_LEN],
    /// The header's bytes: the associated data.
    bytes: &'a [u8],
    /// Ciphertext and tag.
    body: &'a [u8],
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], OpenError> {
        let end = self.pos.checked_add(n).ok_or(OpenError::Truncated)?;
        let bytes = self.buf.get(self.pos..end).ok_or(OpenError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8, OpenError> {
        Ok(self.take(1)?[0])
    }
}

fn parse(sealed: &[u8]) -> Result<Header<'_>, OpenError> {
    let mut r = Reader {
        buf: sealed,
        pos: 0,
    };
    let magic = r.take(MAGIC.len()).map_err(|_| {
        if MAGIC.starts_with(sealed) {
            OpenError::Truncated
        } else {
            OpenError::NotSealed
        }
    })?;
    if magic != MAGIC {
        return Err(OpenError::NotSealed);
    }
    let version = r.byte()?;
    if version != FORMAT_VERSION {
        return Err(OpenError::UnsupportedVersion(version));
    }
    let id = r.byte()?;
    let algorithm = Algorithm::from_id(id).ok_or(OpenError::UnsupportedAlgorithm(id))?;
    let fingerprint = r.take(FINGERPRINT_LEN)?;
    let key_id = r.take(FINGERPRINT_LEN)?;
    let len = r.take(2)?;
    let key_block_len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    match algorithm.key_block_len() {
        Some(expected) if key_block_len != expected => {
            return Err(OpenError::Malformed("wrong ephemeral key length"));
        }
        None if !RSA_MODULUS_BYTES.contains(&key_block_len) => {
            return Err(OpenError::Malformed("wrong wrapped key length"));
        }
        _ => {}
    }
    let key_block = r.take(key_block_len)?;
    let salt_len = usize::from(r.byte()?);
    if salt_len != algorithm.salt_len() {
        return Err(OpenError::Malformed("wrong salt length"));
    }
    let salt = r.take(salt_len)?;
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(r.take(NONCE_LEN)?);
    let (bytes, body) = sealed.split_at(r.pos);
    if body.len() < TAG_LEN {
        return Err(OpenError::Truncated);
    }
    if body.len() - TAG_LEN > MAX_IMAGE_BYTES {
        return Err(OpenError::TooLarge);
    }
    Ok(Header {
        algorithm,
        fingerprint,
        key_id,
        key_block,
        salt,
        nonce,
        bytes,
        body,
    })
}

/// The AWS IoT certificate id (lowercase hex SHA-256 of the DER) of the certificate a file was
/// sealed to, read from its header without opening it.
pub fn recipient_certificate_id(sealed: &[u8]) -> Result<String, OpenError> {
    parse(sealed).map(|h| hex(h.fingerprint))
}

/// A device's private key, as the sealed file's algorithm needs it.
enum DeviceKey {
    Ec(agreement::PrivateKey),
    Rsa(PrivateDecryptingKey),
}

impl DeviceKey {
    fn read(pem: &str) -> Result<DeviceKey, OpenError> {
        let der = read_private_key(pem).map_err(OpenError::Key)?;
        for alg in [&ECDH_P256, &ECDH_P384] {
            if let Ok(key) = agreement::PrivateKey::from_private_key_der(alg, &der) {
                return Ok(DeviceKey::Ec(key));
            }
        }
        PrivateDecryptingKey::from_pkcs8(&der)
            .map(DeviceKey::Rsa)
            .map_err(|_| {
                OpenError::Key("not an EC P-256, EC P-384 or RSA PKCS#8 private key".into())
            })
    }

    fn kind(&self) -> &'static str {
        match self {
            DeviceKey::Ec(key) if key.algorithm() == &ECDH_P384 => "EC P-384",
            DeviceKey::Ec(_) => "EC P-256",
            DeviceKey::Rsa(_) => "RSA",
        }
    }

    /// SHA-256 of the public key as a certificate's `subjectPublicKey` holds it.
    fn key_id(&self) -> Result<[u8; 32], OpenError> {
        let unreadable = || OpenError::Key("cannot compute its public key".into());
        match self {
            DeviceKey::Ec(key) => {
                let public = key.compute_public_key().map_err(|_| unreadable())?;
                Ok(sha256(public.as_ref()))
            }
            DeviceKey::Rsa(key) => {
                let spki = key.public_key().as_der().map_err(|_| unreadable())?;
                let (_, spki) =
                    SubjectPublicKeyInfo::from_der(spki.as_ref()).map_err(|_| unreadable())?;
                Ok(sha256(spki.subject_public_key.data.as_ref()))
            }
        }
    }
}

/// Opens a file [`seal`] made, with the device's private key (PKCS#8 PEM, or SEC 1 for EC
/// keys). With the device's certificate too, also checks that the key is the certificate's and
/// that the file was sealed to that very certificate.
pub fn open(
    private_key_pem: &str,
    cert_pem: Option<&str>,
    sealed: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let header = parse(sealed)?;
    let key = DeviceKey::read(private_key_pem)?;
    let key_id = key.key_id()?;
    if let Some(cert_pem) = cert_pem {
        let cert = read_certificate(cert_pem).map_err(OpenError::Certificate)?;
        if cert.key_id != key_id {
            return Err(OpenError::KeyCertificateMismatch);
        }
        if cert.fingerprint != header.fingerprint {
            return Err(OpenError::WrongRecipient(format!(
                "the file is for certificate {}, not {} (or its header was altered)",
                hex(header.fingerprint),
                hex(&cert.fingerprint)
            )));
        }
    }
    let kind = header.algorithm.key_kind();
    if key.kind() != kind {
        return Err(OpenError::WrongRecipient(format!(
            "the file is for an {kind} key, this key is {}",
            key.kind()
        )));
    }
    if key_id != header.key_id {
        return Err(OpenError::WrongRecipient(
            "the file is for another key (or its header was altered)".into(),
        ));
    }

    let info = context(header.algorithm, header.fingerprint);
    let aes_key = match &key {
        DeviceKey::Ec(private) => {
            let peer = agreement::UnparsedPublicKey::new(private.algorithm(), header.key_block);
            agreement::agree(private, peer, OpenError::Authentication, |secret| {
                hkdf_key(secret, header.salt, &info).map_err(|_| OpenError::Authentication)
            })?
        }
        DeviceKey::Rsa(private) => {
            if private.key_size_bytes() != header.key_block.len() {
                return Err(OpenError::Authentication);
            }
            let oaep = OaepPrivateDecryptingKey::new(private.clone())
                .map_err(|_| OpenError::Key("cannot use it for RSA-OAEP".into()))?;
            let mut raw = vec![0u8; oaep.min_output_size()];
            let raw = oaep
                .decrypt(
                    &OAEP_SHA256_MGF1SHA256,
                    header.key_block,
                    &mut raw,
                    Some(&info),
                )
                .map_err(|_| OpenError::Authentication)?;
            if raw.len() != AES_KEY_LEN {
                return Err(OpenError::Authentication);
            }
            UnboundKey::new(&AES_256_GCM, raw).map_err(|_| OpenError::Authentication)?
        }
    };

    let mut body = header.body.to_vec();
    let len = LessSafeKey::new(aes_key)
        .open_in_place(
            Nonce::assume_unique_for_key(header.nonce),
            Aad::from(header.bytes),
            &mut body,
        )
        .map_err(|_| OpenError::Authentication)?
        .len();
    body.truncate(len);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::cli::KeyAlgorithm;

    /// A device as the project's pki makes it, with a self-signed certificate for its key.
    struct Device {
        key_pem: String,
        cert_pem: String,
    }

    fn device(kind: KeyAlgorithm) -> Device {
        let made = crate::pki::key_and_csr("soilSensor1", kind).unwrap();
        let key = rcgen::KeyPair::from_pem(&made.private_key_pem).unwrap();
        let cert = rcgen::CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .self_signed(&key)
            .unwrap()
            .pem();
        Device {
            key_pem: made.private_key_pem,
            cert_pem: cert,
        }
    }

    fn p256() -> &'static Device {
        static D: OnceLock<Device> = OnceLock::new();
        D.get_or_init(|| device(KeyAlgorithm::EcdsaP256))
    }

    /// The only RSA key in the tests: generating one is slow in a debug build.
    fn rsa() -> &'static Device {
        static D: OnceLock<Device> = OnceLock::new();
        D.get_or_init(|| device(KeyAlgorithm::Rsa2048))
    }

    const PHRASE: &[u8] = b"moisture-threshold=0.31;";

    fn secret() -> Vec<u8> {
        PHRASE.repeat(40)
    }

    fn header_len(sealed: &[u8]) -> usize {
        parse(sealed).unwrap().bytes.len()
    }

    #[test]
    fn p256_round_trip() {
        let d = p256();
        let sealed = seal(&d.cert_pem, &secret()).unwrap();
        assert_eq!(&sealed[..4], b"SCSF");
        assert_eq!(sealed[4], 1);
        assert_eq!(sealed[5], 1);
        assert_eq!(header_len(&sealed), 85 + 65 + 32);
        assert_eq!(sealed.len(), 85 + 65 + 32 + secret().len() + 16);
        assert_eq!(open(&d.key_pem, None, &sealed).unwrap(), secret());
        assert_eq!(
            open(&d.key_pem, Some(&d.cert_pem), &sealed).unwrap(),
            secret()
        );
        // Two seals of one plaintext share nothing but the recipient.
        let again = seal(&d.cert_pem, &secret()).unwrap();
        assert_eq!(sealed[..70], again[..70]);
        assert_ne!(sealed[70..], again[70..]);
    }

    #[test]
    fn rsa_round_trip() {
        let d = rsa();
        let sealed = seal(&d.cert_pem, &secret()).unwrap();
        assert_eq!(sealed[5], 3);
        assert_eq!(header_len(&sealed), 85 + 256);
        assert_eq!(open(&d.key_pem, None, &sealed).unwrap(), secret());
        assert_eq!(
            open(&d.key_pem, Some(&d.cert_pem), &sealed).unwrap(),
            secret()
        );
    }

    #[test]
    fn p384_round_trip() {
        let d = device(KeyAlgorithm::EcdsaP384);
        let sealed = seal(&d.cert_pem, &secret()).unwrap();
        assert_eq!(sealed[5], 2);
        assert_eq!(header_len(&sealed), 85 + 97 + 32);
        assert_eq!(
            open(&d.key_pem, Some(&d.cert_pem), &sealed).unwrap(),
            secret()
        );
        let other = device(KeyAlgorithm::EcdsaP384);
        assert!(matches!(
            open(&other.key_pem, None, &sealed),
            Err(OpenError::WrongRecipient(_))
        ));
    }

    #[test]
    fn empty_plaintext() {
        let d = p256();
        let sealed = seal(&d.cert_pem, b"").unwrap();
        assert_eq!(open(&d.key_pem, None, &sealed).unwrap(), b"");
    }

    #[test]
    fn the_certificate_id_is_in_the_header() {
        let d = p256();
        let sealed = seal(&d.cert_pem, b"x").unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(d.cert_pem.as_bytes()).unwrap();
        assert_eq!(
            recipient_certificate_id(&sealed).unwrap(),
            hex(&sha256(&pem.contents))
        );
    }

    #[test]
    fn another_device_cannot_open() {
        let a = p256();
        let b = device(KeyAlgorithm::EcdsaP256);
        let for_a = seal(&a.cert_pem, &secret()).unwrap();
        let err = open(&b.key_pem, None, &for_a).unwrap_err();
        assert!(matches!(err, OpenError::WrongRecipient(_)), "{err}");
        let err = open(&b.key_pem, Some(&b.cert_pem), &for_a).unwrap_err();
        assert!(matches!(err, OpenError::WrongRecipient(_)), "{err}");
        assert!(err.to_string().starts_with("sealed for another device"));
        // A's certificate with B's key: the pair itself is wrong.
        assert_eq!(
            open(&b.key_pem, Some(&a.cert_pem), &for_a).unwrap_err(),
            OpenError::KeyCertificateMismatch
        );

        let for_rsa = seal(&rsa().cert_pem, &secret()).unwrap();
        let err = open(&a.key_pem, None, &for_rsa).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sealed for another device: the file is for an RSA key, this key is EC P-256"
        );
        let err = open(&rsa().key_pem, None, &for_a).unwrap_err();
        assert!(matches!(err, OpenError::WrongRecipient(_)), "{err}");
    }

    /// Even past the early key check, which reads only the header, the other key cannot
    /// decrypt: the AES key is bound to the recipient's key.
    #[test]
    fn another_key_fails_authentication_with_a_forged_key_id() {
        let a = p256();
        let b = device(KeyAlgorithm::EcdsaP256);
        let mut sealed = seal(&a.cert_pem, &secret()).unwrap();
        let b_id = DeviceKey::read(&b.key_pem).unwrap().key_id().unwrap();
        sealed[38..70].copy_from_slice(&b_id);
        assert_eq!(
            open(&b.key_pem, None, &sealed).unwrap_err(),
            OpenError::Authentication
        );
        // And A, whose key id is no longer in the header, is turned away.
        assert!(matches!(
            open(&a.key_pem, None, &sealed),
            Err(OpenError::WrongRecipient(_))
        ));
    }

    /// Flips two bits of every byte in turn: each change fails, and the error names what the
    /// header check or the decryption found.
    fn assert_every_flip_fails(d: &Device, sealed: &[u8]) {
        let salt_len_at = 72 + parse(sealed).unwrap().key_block.len();
        for i in 0..sealed.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = sealed.to_vec();
                bad[i] ^= bit;
                let Err(err) = open(&d.key_pem, None, &bad) else {
                    panic!("flipping bit {bit:#x} of byte {i} went unnoticed");
                };
                match i {
                    0..4 => assert_eq!(err, OpenError::NotSealed),
                    4 => assert!(matches!(err, OpenError::UnsupportedVersion(_))),
                    38..70 => assert!(matches!(err, OpenError::WrongRecipient(_)), "{err}"),
                    5 | 70 | 71 => {}
                    _ if i == salt_len_at => {
                        assert!(matches!(err, OpenError::Malformed(_)), "{err}")
                    }
                    // The certificate fingerprint (in the derivation context), the key block,
                    // the salt, the nonce, the ciphertext and the tag.
                    _ => assert_eq!(err, OpenError::Authentication, "byte {i}"),
                }
            }
        }
    }

    #[test]
    fn p256_every_bit_flip_fails() {
        let d = p256();
        let sealed = seal(&d.cert_pem, &secret()[..100]).unwrap();
        assert_every_flip_fails(d, &sealed);
        // Header fields checked early give their own errors.
        let mut bad = sealed.clone();
        bad[0] ^= 1;
        assert_eq!(
            open(&d.key_pem, None, &bad).unwrap_err(),
            OpenError::NotSealed
        );
        let mut bad = sealed.clone();
        bad[4] = 2;
        assert_eq!(
            open(&d.key_pem, None, &bad).unwrap_err(),
            OpenError::UnsupportedVersion(2)
        );
        let mut bad = sealed.clone();
        bad[5] = 9;
        assert_eq!(
            open(&d.key_pem, None, &bad).unwrap_err(),
            OpenError::UnsupportedAlgorithm(9)
        );
        // The certificate fingerprint is not checked without a certificate, but it is in the
        // derivation context and the associated data.
        let mut bad = sealed.clone();
        bad[6] ^= 1;
        assert_eq!(
            open(&d.key_pem, None, &bad).unwrap_err(),
            OpenError::Authentication
        );
        assert!(matches!(
            open(&d.key_pem, Some(&d.cert_pem), &bad).unwrap_err(),
            OpenError::WrongRecipient(_)
        ));
    }

    #[test]
    fn rsa_every_bit_flip_fails() {
        let d = rsa();
        let sealed = seal(&d.cert_pem, &secret()[..40]).unwrap();
        assert_every_flip_fails(d, &sealed);
    }

    #[test]
    fn nonce_ciphertext_and_tag_flips_fail_authentication() {
        for d in [p256(), rsa()] {
            let sealed = seal(&d.cert_pem, &secret()).unwrap();
            let header = header_len(&sealed);
            let nonce = header - NONCE_LEN;
            let tag = sealed.len() - TAG_LEN;
            for i in [
                nonce,
                header - 1,
                header,
                header + 500,
                tag - 1,
                tag,
                sealed.len() - 1,
            ] {
                let mut bad = sealed.clone();
                bad[i] ^= 0x10;
                assert_eq!(
                    open(&d.key_pem, Some(&d.cert_pem), &bad).unwrap_err(),
                    OpenError::Authentication,
                    "byte {i}"
                );
            }
        }
    }

    #[test]
    fn truncated_or_extended_input_fails() {
        let d = p256();
        let sealed = seal(&d.cert_pem, &secret()[..64]).unwrap();
        let header = header_len(&sealed);
        for len in 0..sealed.len() {
            let err = open(&d.key_pem, None, &sealed[..len]).unwrap_err();
            if len < header + TAG_LEN {
                assert_eq!(err, OpenError::Truncated, "length {len}");
            } else {
                assert_eq!(err, OpenError::Authentication, "length {len}");
            }
        }
        let mut longer = sealed.clone();
        longer.push(0);
        assert_eq!(
            open(&d.key_pem, None, &longer).unwrap_err(),
            OpenError::Authentication
        );
        assert_eq!(
            open(&d.key_pem, None, b"hello").unwrap_err(),
            OpenError::NotSealed
        );
    }

    #[test]
    fn sealed_output_does_not_contain_the_plaintext() {
        let plain = secret();
        for d in [p256(), rsa()] {
            let sealed = seal(&d.cert_pem, &plain).unwrap();
            assert!(sealed.len() > plain.len());
            for window in [PHRASE, &PHRASE[..8], &PHRASE[8..16]] {
                assert!(
                    !sealed.windows(window.len()).any(|w| w == window),
                    "{:?} appears in the sealed output",
                    String::from_utf8_lossy(window)
                );
            }
        }
    }

    #[test]
    fn seal_refuses_what_it_cannot_do() {
        assert!(matches!(
            seal("nonsense", b"x"),
            Err(SealError::Certificate(_))
        ));
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(matches!(
            seal(&p256().cert_pem, &big),
            Err(SealError::TooLarge(_))
        ));
        let ed = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        let cert = rcgen::CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .self_signed(&ed)
            .unwrap()
            .pem();
        let err = seal(&cert, b"x").unwrap_err();
        assert!(matches!(err, SealError::UnsupportedKey(_)), "{err}");
    }

    #[test]
    fn open_refuses_unreadable_keys() {
        let d = p256();
        let sealed = seal(&d.cert_pem, b"x").unwrap();
        assert!(matches!(open("", None, &sealed), Err(OpenError::Key(_))));
        assert!(matches!(
            open(&d.cert_pem, None, &sealed),
            Err(OpenError::Key(_))
        ));
        assert!(matches!(
            open(&d.key_pem, Some("junk"), &sealed),
            Err(OpenError::Certificate(_))
        ));
    }
}
