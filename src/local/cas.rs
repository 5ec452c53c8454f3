//! The user's own CAs on the local backend: the registration code and RegisterCACertificate
//! with AWS IoT's checks (a verification certificate signed by the CA, valid, carrying the
//! registration code as its common name).

use anyhow::anyhow;
use sha2::{Digest, Sha256};

use crate::byoca;
use crate::local::control::Local;
use crate::local::registry::{CaRecord, CaStatus, RegistryError};

/// The local backend's registration code: stable for one state directory, 64 hex digits as
/// AWS IoT's, derived from the backend's own CA (which lives in the state directory).
pub fn registration_code(local: &Local) -> String {
    let digest = Sha256::digest(format!("soilctl registration code {}", local.ca.id()));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the verification certificate as AWS IoT does, then registers the CA. A CA
/// registered already is returned as it is, with `true`.
pub fn register_ca_certificate(
    local: &Local,
    ca_pem: &str,
    verification_pem: &str,
    set_as_active: bool,
    allow_auto_registration: bool,
) -> anyhow::Result<(CaRecord, bool)> {
    byoca::verify_verification_certificate(ca_pem, verification_pem, &registration_code(local))
        .map_err(|e| {
            anyhow!("RegisterCACertificate refused: CertificateValidationException: {e}")
        })?;
    let status = if set_as_active {
        CaStatus::Active
    } else {
        CaStatus::Inactive
    };
    match local
        .registry
        .add_ca(ca_pem, status, allow_auto_registration)
    {
        Ok(record) => Ok((record, false)),
        Err(RegistryError::AlreadyExists { id, .. }) => {
            let record = local
                .registry
                .ca(&id)?
                .ok_or_else(|| anyhow!("CA certificate {id} vanished while being registered"))?;
            Ok((record, true))
        }
        Err(e) => Err(e.into()),
    }
}
