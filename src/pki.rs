//! Keys and certificate requests made on this machine, and the device files written with the
//! right modes. The private key never leaves this module except to disk.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SignatureAlgorithm};
use serde::{Deserialize, Serialize};

use crate::cli::KeyAlgorithm;

/// Amazon Root CA 1, which signs AWS IoT's ATS data endpoints.
pub const AMAZON_ROOT_CA1: &str = include_str!("../certs/AmazonRootCA1.pem");

pub const CERTIFICATE_FILE: &str = "certificate.pem.crt";
pub const PRIVATE_KEY_FILE: &str = "private.pem.key";
pub const ROOT_CA_FILE: &str = "AmazonRootCA1.pem";
pub const ENDPOINT_FILE: &str = "endpoint.txt";
pub const DEVICE_FILE: &str = "device.json";

/// A key pair and a certificate signing request for it, with the thing name as common name.
pub struct KeyAndCsr {
    pub private_key_pem: String,
    pub csr_pem: String,
}

fn algorithm(kind: KeyAlgorithm) -> &'static SignatureAlgorithm {
    match kind {
        KeyAlgorithm::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyAlgorithm::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyAlgorithm::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
    }
}

pub fn key_and_csr(common_name: &str, kind: KeyAlgorithm) -> anyhow::Result<KeyAndCsr> {
    let key = KeyPair::generate_for(algorithm(kind)).context("generating the device key pair")?;
    let mut params =
        CertificateParams::new(Vec::<String>::new()).context("building the certificate request")?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    let csr = params
        .serialize_request(&key)
        .context("signing the certificate request")?
        .pem()
        .context("encoding the certificate request")?;
    Ok(KeyAndCsr {
        private_key_pem: key.serialize_pem(),
        csr_pem: csr,
    })
}

/// What a device needs, described in `device.json` beside its files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DeviceFiles {
    pub thing_name: String,
    /// The stack whose device policy the certificate carries.
    pub stack_name: String,
    pub certificate_id: String,
    pub certificate_arn: String,
    pub endpoint: String,
    pub port: u16,
    pub client_id: String,
    pub topic: String,
    pub certificate: String,
    pub private_key: String,
    pub root_ca: String,
    /// Set when the certificate was signed by the user's own CA and is registered by the
    /// backend on the device's first connection (just-in-time registration), not by soilctl.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitr: Option<JitrOrigin>,
}

/// Where a just-in-time registered device's certificate comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JitrOrigin {
    /// The id of the registered CA certificate that signed it.
    pub ca_certificate_id: String,
    /// The CA's directory (`ca.pem`, `ca.key`, `registered.json`).
    pub ca_dir: PathBuf,
}

impl DeviceFiles {
    pub fn new(
        thing: &str,
        stack: &str,
        certificate_id: &str,
        certificate_arn: &str,
        endpoint: &str,
    ) -> Self {
        DeviceFiles {
            thing_name: thing.to_string(),
            stack_name: stack.to_string(),
            certificate_id: certificate_id.to_string(),
            certificate_arn: certificate_arn.to_string(),
            endpoint: endpoint.to_string(),
            port: 8883,
            client_id: thing.to_string(),
            topic: format!("device/{thing}/devicePayload"),
            certificate: CERTIFICATE_FILE.into(),
            private_key: PRIVATE_KEY_FILE.into(),
            root_ca: ROOT_CA_FILE.into(),
            jitr: None,
        }
    }
}

/// The default directory for device files: `$XDG_DATA_HOME/soilctl/devices`.
pub fn default_devices_dir() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("soilctl").join("devices")
}

/// Creates `dir` (mode 0700 where it is new).
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("setting the mode of {}", dir.display()))?;
    }
    Ok(())
}

/// Writes `contents` to `path` atomically (a temporary file renamed over it) with `mode`.
pub fn write_file(path: &Path, contents: &[u8], mode: u32) -> anyhow::Result<()> {
    // A name of its own per writer: two soilctl processes may write the same file at once.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{:08x}.tmp",
        std::process::id(),
        fastrand::u32(..)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    let written = file
        .write_all(contents)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("writing {}", tmp.display()))
        .and_then(|_| {
            fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))
                .with_context(|| format!("setting the mode of {}", tmp.display()))
        })
        .and_then(|_| {
            fs::rename(&tmp, path).with_context(|| format!("moving {} into place", path.display()))
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes a device's public files beside its key: the certificate, the root CA (under the name
/// `files.root_ca` gives), the endpoint and `device.json`.
pub fn write_device_files(
    dir: &Path,
    files: &DeviceFiles,
    certificate_pem: &str,
    root_ca_pem: &str,
) -> anyhow::Result<()> {
    write_file(
        &dir.join(&files.certificate),
        certificate_pem.as_bytes(),
        0o644,
    )?;
    write_file(&dir.join(&files.root_ca), root_ca_pem.as_bytes(), 0o644)?;
    write_file(
        &dir.join(ENDPOINT_FILE),
        format!("{}\n", files.endpoint).as_bytes(),
        0o644,
    )?;
    let json = serde_json::to_string_pretty(files).context("encoding device.json")?;
    write_file(
        &dir.join(DEVICE_FILE),
        format!("{json}\n").as_bytes(),
        0o644,
    )
}

/// Every device directory under `dir` whose files belong to `stack`.
pub fn devices_of_stack(dir: &Path, stack: &str) -> Vec<(PathBuf, DeviceFiles)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, DeviceFiles)> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            read_device(&path)
                .filter(|d| d.stack_name == stack)
                .map(|d| (path, d))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Reads `device.json` in `dir`, if there is one.
pub fn read_device(dir: &Path) -> Option<DeviceFiles> {
    let text = fs::read_to_string(dir.join(DEVICE_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// A root CA as device files carry it: the file's name and its PEM.
#[derive(Debug, Clone)]
pub struct RootCa {
    pub file: String,
    pub pem: String,
}

impl RootCa {
    /// Amazon Root CA 1, which AWS IoT Core's ATS endpoints chain to.
    pub fn amazon() -> RootCa {
        RootCa {
            file: ROOT_CA_FILE.into(),
            pem: AMAZON_ROOT_CA1.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_carries_the_thing_name_and_not_the_key() {
        let made = key_and_csr("soilSensor1", KeyAlgorithm::EcdsaP256).unwrap();
        assert!(
            made.private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        assert!(
            made.csr_pem
                .starts_with("-----BEGIN CERTIFICATE REQUEST-----")
        );
        let csr = rcgen::CertificateSigningRequestParams::from_pem(&made.csr_pem).unwrap();
        let cn = csr
            .params
            .distinguished_name
            .get(&DnType::CommonName)
            .unwrap();
        assert_eq!(cn, &rcgen::DnValue::Utf8String("soilSensor1".into()));
        let key_body: String = made
            .private_key_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert!(!made.csr_pem.replace('\n', "").contains(&key_body));
    }

    #[test]
    fn other_key_algorithms() {
        for kind in [KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa2048] {
            let made = key_and_csr("s", kind).unwrap();
            assert!(made.csr_pem.contains("CERTIFICATE REQUEST"));
        }
    }

    #[test]
    fn files_are_written_with_their_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        write_file(&path, b"secret", 0o600).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        write_file(&path, b"again", 0o600).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"again");
    }
}
