//! Reading certificates the registry is given: PEM to DER, AWS IoT's certificate id, and the
//! few subject fields messages and policies need.

use std::collections::BTreeMap;
use std::fmt::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls_pki_types::CertificateDer;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::error::{RegistryError, Result};

/// AWS IoT's certificate id: the lowercase hex SHA-256 of the DER.
pub fn certificate_id(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The first certificate in `pem`, checked to be well-formed X.509.
pub fn pem_to_der(pem: &str) -> Result<CertificateDer<'static>> {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map_err(|e| RegistryError::InvalidCertificate(format!("not PEM: {e}")))?;
    if block.label != "CERTIFICATE" {
        return Err(RegistryError::InvalidCertificate(format!(
            "expected a CERTIFICATE PEM block, found {}",
            block.label
        )));
    }
    parse(&block.contents)?;
    Ok(CertificateDer::from(block.contents))
}

/// DER as a PEM `CERTIFICATE` block, lines of 64 characters.
pub fn der_to_pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// Parses DER as an X.509 certificate.
pub fn parse(der: &[u8]) -> Result<X509Certificate<'_>> {
    X509Certificate::from_der(der)
        .map(|(_, cert)| cert)
        .map_err(|e| RegistryError::InvalidCertificate(format!("not an X.509 certificate: {e}")))
}

/// The subject's common name, or an empty string when it has none.
pub fn common_name(cert: &X509Certificate<'_>) -> String {
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The subject's attributes by their policy-variable name (`CommonName`, `Organization`,
/// ...), as `iot:Certificate.Subject.*` resolves them. The first value of each wins.
pub fn subject_fields(cert: &X509Certificate<'_>) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for attr in cert.subject().iter_attributes() {
        let name = match attr.attr_type().to_id_string().as_str() {
            "2.5.4.3" => "CommonName",
            "2.5.4.4" => "Surname",
            "2.5.4.5" => "SerialNumber",
            "2.5.4.6" => "Country",
            "2.5.4.8" => "State",
            "2.5.4.10" => "Organization",
            "2.5.4.11" => "OrganizationalUnit",
            "2.5.4.12" => "Title",
            "2.5.4.42" => "GivenName",
            "2.5.4.43" => "Initials",
            "2.5.4.44" => "GenerationQualifier",
            "2.5.4.46" => "DistinguishedNameQualifier",
            "2.5.4.65" => "Pseudonym",
            _ => continue,
        };
        if let Ok(value) = attr.as_str() {
            fields
                .entry(name.to_owned())
                .or_insert_with(|| value.to_owned());
        }
    }
    fields
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso8601(timestamp: i64) -> String {
    let days = timestamp.div_euclid(86_400);
    let secs = timestamp.rem_euclid(86_400);
    let (year, month, day) = crate::iotsql::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused() {
        assert!(pem_to_der("hello").is_err());
        let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(pem_to_der(key).is_err());
        let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let err = pem_to_der(junk).unwrap_err();
        assert_eq!(err.code(), "CertificateValidationException");
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_767_225_599), "2025-12-31T23:59:59Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn id_is_hex_sha256() {
        assert_eq!(
            certificate_id(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
