//! Device certificates and registered CA certificates (RegisterCertificate,
//! DescribeCertificate, ListCertificates, UpdateCertificate, DeleteCertificate and their
//! `CACertificate` counterparts). Ids are the lowercase hex SHA-256 of the DER, as AWS IoT's.

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::{RegistryError, Result};
use super::names::{arn, certificate_arn, certificate_id_of};
use super::records::{CaRecord, CaStatus, CertificateRecord, CertificateStatus};
use super::x509::{certificate_id, der_to_pem, parse, pem_to_der};
use super::{Registry, now_ms};

const CERT_COLUMNS: &str = "id, pem, status, ca_certificate_id, created_ms";
const CA_COLUMNS: &str = "id, pem, status, auto_registration, created_ms";

type CertRow = (String, String, String, Option<String>, i64);
type CaRow = (String, String, String, bool, i64);

fn cert_record(
    (id, pem, status, ca_certificate_id, created_ms): CertRow,
) -> Result<CertificateRecord> {
    Ok(CertificateRecord {
        arn: certificate_arn(&id),
        status: status.parse()?,
        id,
        pem,
        ca_certificate_id,
        created_ms,
    })
}

fn ca_record((id, pem, status, auto_registration, created_ms): CaRow) -> Result<CaRecord> {
    Ok(CaRecord {
        arn: arn("cacert", &id),
        status: status.parse()?,
        id,
        pem,
        auto_registration,
        created_ms,
    })
}

fn cert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CertRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn ca_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn find(tx: &Transaction<'_>, id: &str) -> Result<Option<CertificateRecord>> {
    tx.query_row(
        &format!("SELECT {CERT_COLUMNS} FROM certificates WHERE id = ?1"),
        [id],
        cert_row,
    )
    .optional()?
    .map(cert_record)
    .transpose()
}

fn require(tx: &Transaction<'_>, id: &str) -> Result<CertificateRecord> {
    find(tx, id)?.ok_or_else(|| RegistryError::not_found("certificate", id))
}

fn find_ca(tx: &Transaction<'_>, id: &str) -> Result<Option<CaRecord>> {
    tx.query_row(
        &format!("SELECT {CA_COLUMNS} FROM ca_certificates WHERE id = ?1"),
        [id],
        ca_row,
    )
    .optional()?
    .map(ca_record)
    .transpose()
}

fn require_ca(tx: &Transaction<'_>, id: &str) -> Result<CaRecord> {
    find_ca(tx, id)?.ok_or_else(|| RegistryError::not_found("CA certificate", id))
}

pub(super) fn all(tx: &Transaction<'_>) -> Result<Vec<CertificateRecord>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {CERT_COLUMNS} FROM certificates ORDER BY created_ms, id"
    ))?;
    let rows = stmt
        .query_map([], cert_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(cert_record).collect()
}

pub(super) fn all_cas(tx: &Transaction<'_>) -> Result<Vec<CaRecord>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {CA_COLUMNS} FROM ca_certificates ORDER BY created_ms, id"
    ))?;
    let rows = stmt
        .query_map([], ca_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(ca_record).collect()
}

/// The certificate id in a principal ARN; only certificates can be principals locally.
pub(super) fn certificate_id_in(principal_arn: &str) -> Result<&str> {
    certificate_id_of(principal_arn).ok_or_else(|| {
        RegistryError::InvalidRequest(format!(
            "{principal_arn:?} is not a certificate ARN: the local backend takes arn:aws:iot:local:000000000000:cert/<certificate id>"
        ))
    })
}

/// The id of the registered certificate a principal ARN names.
pub(super) fn require_certificate(tx: &Transaction<'_>, principal_arn: &str) -> Result<String> {
    let id = certificate_id_in(principal_arn)?;
    Ok(require(tx, id)?.id)
}

fn names_of(tx: &Transaction<'_>, sql: &str, id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(sql)?;
    let names = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

impl Registry {
    /// Registers a certificate (the first one in `pem`), optionally as issued by a registered
    /// CA. Fails with `AlreadyExists` when the same certificate is registered.
    pub fn add_certificate(
        &self,
        pem: &str,
        status: CertificateStatus,
        ca_certificate_id: Option<&str>,
    ) -> Result<CertificateRecord> {
        let der = pem_to_der(pem)?;
        let id = certificate_id(&der);
        let pem = der_to_pem(&der);
        self.write(|tx| {
            if let Some(ca) = ca_certificate_id {
                require_ca(tx, ca)?;
            }
            if find(tx, &id)?.is_some() {
                return Err(RegistryError::exists("certificate", &id));
            }
            tx.execute(
                "INSERT INTO certificates (id, pem, status, ca_certificate_id, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, pem, status.as_str(), ca_certificate_id, now_ms()],
            )?;
            require(tx, &id)
        })
    }

    /// The certificate with `id`, if it is registered.
    pub fn certificate(&self, id: &str) -> Result<Option<CertificateRecord>> {
        self.read(|tx| find(tx, id))
    }

    /// Every registered certificate, oldest first.
    pub fn certificates(&self) -> Result<Vec<CertificateRecord>> {
        self.read(all)
    }

    /// Changes a certificate's status. As AWS IoT, `PENDING_TRANSFER` and
    /// `PENDING_ACTIVATION` cannot be set, and a `REVOKED` certificate stays revoked.
    pub fn set_certificate_status(&self, id: &str, status: CertificateStatus) -> Result<()> {
        if matches!(
            status,
            CertificateStatus::PendingTransfer | CertificateStatus::PendingActivation
        ) {
            return Err(RegistryError::InvalidRequest(format!(
                "a certificate's status cannot be set to {status}: use ACTIVE, INACTIVE, REVOKED or REGISTER_INACTIVE"
            )));
        }
        self.write(|tx| {
            let current = require(tx, id)?;
            if current.status == CertificateStatus::Revoked && status != CertificateStatus::Revoked
            {
                return Err(RegistryError::CertificateState(format!(
                    "certificate {id} is REVOKED and cannot become {status}: register a new certificate"
                )));
            }
            tx.execute(
                "UPDATE certificates SET status = ?2 WHERE id = ?1",
                params![id, status.as_str()],
            )?;
            Ok(())
        })
    }

    /// Deletes a certificate. As AWS IoT, it must not be ACTIVE and must have no policy and
    /// no thing attached.
    pub fn delete_certificate(&self, id: &str) -> Result<()> {
        self.write(|tx| {
            let cert = require(tx, id)?;
            if cert.status == CertificateStatus::Active {
                return Err(RegistryError::CertificateState(format!(
                    "certificate {id} is ACTIVE: set its status to INACTIVE before deleting it"
                )));
            }
            let policies = names_of(
                tx,
                "SELECT policy FROM policy_attachments WHERE certificate_id = ?1 ORDER BY rowid",
                id,
            )?;
            if !policies.is_empty() {
                return Err(RegistryError::DeleteConflict(format!(
                    "certificate {id} still has policies attached ({}): detach them first",
                    policies.join(", ")
                )));
            }
            let things = names_of(
                tx,
                "SELECT thing FROM thing_principals WHERE certificate_id = ?1 ORDER BY rowid",
                id,
            )?;
            if !things.is_empty() {
                return Err(RegistryError::DeleteConflict(format!(
                    "certificate {id} is still attached to things ({}): detach it first",
                    things.join(", ")
                )));
            }
            tx.execute("DELETE FROM certificates WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Registers a CA certificate (the first one in `pem`); it must be a CA (basic
    /// constraints `CA:TRUE`).
    pub fn add_ca(&self, pem: &str, status: CaStatus, auto_registration: bool) -> Result<CaRecord> {
        let der = pem_to_der(pem)?;
        if !parse(&der)?.is_ca() {
            return Err(RegistryError::InvalidCertificate(
                "not a CA certificate: its basic constraints do not say CA:TRUE".into(),
            ));
        }
        let id = certificate_id(&der);
        let pem = der_to_pem(&der);
        self.write(|tx| {
            if find_ca(tx, &id)?.is_some() {
                return Err(RegistryError::exists("CA certificate", &id));
            }
            tx.execute(
                "INSERT INTO ca_certificates (id, pem, status, auto_registration, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, pem, status.as_str(), auto_registration, now_ms()],
            )?;
            require_ca(tx, &id)
        })
    }

    /// The CA certificate with `id`, if it is registered.
    pub fn ca(&self, id: &str) -> Result<Option<CaRecord>> {
        self.read(|tx| find_ca(tx, id))
    }

    /// Every registered CA certificate, oldest first.
    pub fn cas(&self) -> Result<Vec<CaRecord>> {
        self.read(all_cas)
    }

    /// Activates or deactivates a CA certificate.
    pub fn set_ca_status(&self, id: &str, status: CaStatus) -> Result<()> {
        self.write(|tx| {
            require_ca(tx, id)?;
            tx.execute(
                "UPDATE ca_certificates SET status = ?2 WHERE id = ?1",
                params![id, status.as_str()],
            )?;
            Ok(())
        })
    }

    /// Turns just-in-time registration on or off for a CA certificate.
    pub fn set_ca_auto_registration(&self, id: &str, enabled: bool) -> Result<()> {
        self.write(|tx| {
            require_ca(tx, id)?;
            tx.execute(
                "UPDATE ca_certificates SET auto_registration = ?2 WHERE id = ?1",
                params![id, enabled],
            )?;
            Ok(())
        })
    }

    /// The CA certificate's registration config (JSON), if it was given one.
    pub fn ca_registration_config(&self, id: &str) -> Result<Option<serde_json::Value>> {
        self.read(|tx| {
            require_ca(tx, id)?;
            let text: Option<String> = tx.query_row(
                "SELECT registration_config FROM ca_certificates WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
        })
    }

    /// Sets (or with `None` removes) the CA certificate's registration config.
    pub fn set_ca_registration_config(
        &self,
        id: &str,
        config: Option<&serde_json::Value>,
    ) -> Result<()> {
        let text = config.map(serde_json::to_string).transpose()?;
        self.write(|tx| {
            require_ca(tx, id)?;
            tx.execute(
                "UPDATE ca_certificates SET registration_config = ?2 WHERE id = ?1",
                params![id, text],
            )?;
            Ok(())
        })
    }

    /// Deletes a CA certificate. As AWS IoT, it must be INACTIVE, and no registered
    /// certificate may name it as its CA.
    pub fn delete_ca(&self, id: &str) -> Result<()> {
        self.write(|tx| {
            let ca = require_ca(tx, id)?;
            if ca.status == CaStatus::Active {
                return Err(RegistryError::CertificateState(format!(
                    "CA certificate {id} is ACTIVE: set its status to INACTIVE before deleting it"
                )));
            }
            let issued: i64 = tx.query_row(
                "SELECT count(*) FROM certificates WHERE ca_certificate_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if issued > 0 {
                return Err(RegistryError::DeleteConflict(format!(
                    "CA certificate {id} still has {issued} registered certificate(s): delete them first"
                )));
            }
            tx.execute("DELETE FROM ca_certificates WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}
