//! The operator identity: one certificate of the backend's own, allowed everything, for
//! watching traffic (`mosquitto_sub`, `tail`).

use super::*;

/// Makes sure the operator identity exists: a key and a certificate signed by the local CA in
/// `state.operator_dir()` (`certificate.pem.crt`, `private.pem.key` 0600, `root-ca.pem`),
/// registered ACTIVE, with policy `soilctl-operator` (everything allowed) attached. Files are
/// made anew when the registry no longer knows the certificate, it is REVOKED, or another CA
/// signed it. Returns the directory.
pub fn ensure_operator(
    state: &StateDir,
    registry: &Registry,
    ca: &LocalCa,
) -> anyhow::Result<PathBuf> {
    let dir = state.operator_dir();
    create_private_dir(&dir)?;
    let cert_path = dir.join(CERTIFICATE_FILE);
    let key_path = dir.join(PRIVATE_KEY_FILE);

    let kept = std::fs::read_to_string(&cert_path)
        .ok()
        .filter(|_| key_path.exists())
        .and_then(|pem| crate::local::registry::pem_to_der(&pem).ok())
        .filter(|der| signed_by(ca, der))
        .map(|der| certificate_id(&der))
        .and_then(|id| Some((registry.certificate(&id).ok()??, id)))
        .filter(|(record, _)| record.status != CertificateStatus::Revoked);
    let id = match kept {
        Some((record, id)) => {
            if record.status != CertificateStatus::Active {
                registry.set_certificate_status(&id, CertificateStatus::Active)?;
            }
            id
        }
        None => {
            let request = key_and_csr(OPERATOR_COMMON_NAME, KeyAlgorithm::EcdsaP256)?;
            let pem = ca.sign_csr(&request.csr_pem, OPERATOR_VALIDITY_DAYS)?;
            write_file(&key_path, request.private_key_pem.as_bytes(), 0o600)?;
            write_file(&cert_path, pem.as_bytes(), 0o644)?;
            registry
                .add_certificate(&pem, CertificateStatus::Active, None)
                .context("registering the operator certificate")?
                .id
        }
    };
    write_file(
        &dir.join(OPERATOR_ROOT_CA_FILE),
        ca.certificate_pem().as_bytes(),
        0o644,
    )?;
    match registry.create_policy(OPERATOR_POLICY, OPERATOR_POLICY_DOCUMENT) {
        Ok(_) | Err(RegistryError::AlreadyExists { .. }) => {}
        Err(err) => return Err(err).context("creating the operator policy"),
    }
    registry.attach_policy(OPERATOR_POLICY, &certificate_arn(&id))?;
    Ok(dir)
}

/// Whether `der` is a currently valid certificate issued by `ca`.
fn signed_by(ca: &LocalCa, der: &CertificateDer<'_>) -> bool {
    let mut roots = rustls::RootCertStore::empty();
    if roots.add(ca.certificate_der()).is_err() {
        return false;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .is_ok_and(|v| v.verify_client_cert(der, &[], UnixTime::now()).is_ok())
}
