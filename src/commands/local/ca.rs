//! `soilctl --local ca register | list | delete`: the user's own CA on the embedded backend,
//! with AWS IoT's checks (a verification certificate signed by the CA, carrying the
//! registration code) and the same result shapes as on AWS.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::byoca::{self, DeviceCa, Place};
use crate::commands::ca::{
    CaDeleteOutcome, CaListed, CaRegistered, RemovedCertificate, check_ca_id, finish_delete,
    print_list, print_registered, subject_of,
};
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::registry::{
    CaRecord, CaStatus, CertificateStatus, RegistryError, iso8601, pem_to_der,
};
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::{CaDeleteSettings, CaSettings};

/// Where the local backend in `state` is, as `registered.json` records it (the state
/// directory, absolute where it can be).
pub fn local_place(state: &StateDir) -> Place {
    let root = std::fs::canonicalize(state.root())
        .or_else(|_| std::path::absolute(state.root()))
        .unwrap_or_else(|_| PathBuf::from(state.root()));
    Place::Local { state_dir: root }
}

/// The local backend's registration code: stable for one state directory, 64 hex digits as
/// AWS IoT's, derived from the backend's own CA (which lives in the state directory).
pub fn registration_code(local: &Local) -> String {
    local.registration_code()
}

/// RegisterCACertificate on the local backend: checks the verification certificate as AWS
/// IoT does (signed by the CA, valid, the registration code as common name), then registers
/// the CA. A CA registered already is returned as it is, with `true`.
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

pub fn register(s: &CaSettings, state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    let ca = DeviceCa::load(&s.ca_dir)?;
    let local = Local::open(state)?;
    let registered = register_ca(&local, &ca, printer)?;
    print_registered(printer, &registered)
}

/// Registers the CA with the local backend, active with auto-registration on (or finds it
/// registered and makes it so), and records it in the CA's `registered.json`.
pub fn register_ca(
    local: &Local,
    ca: &DeviceCa,
    printer: &Printer,
) -> anyhow::Result<CaRegistered> {
    let code = registration_code(local);
    printer.detail(format!("registration code {code}"));
    let verification = ca.verification_certificate(&code)?;
    let (mut record, already) = register_ca_certificate(
        local,
        ca.certificate_pem(),
        &verification.certificate_pem,
        true,
        true,
    )?;
    if already {
        if record.status != CaStatus::Active || !record.auto_registration {
            local.registry.set_ca_status(&record.id, CaStatus::Active)?;
            local.registry.set_ca_auto_registration(&record.id, true)?;
            record = local
                .registry
                .ca(&record.id)?
                .ok_or_else(|| anyhow!("CA certificate {} vanished", record.id))?;
            printer.info(format!(
                "CA certificate {} was registered already: made it ACTIVE with auto-registration on",
                record.id
            ));
        } else {
            printer.info(format!(
                "CA certificate {} was registered already",
                record.id
            ));
        }
    }
    let mut entry = local_place(&local.state).registration(&record.id, &record.arn);
    entry.data_endpoint = Some(LOCAL_HOST.to_string());
    byoca::record_registration(ca.dir(), entry)?;
    Ok(CaRegistered {
        ca_certificate_id: record.id,
        ca_certificate_arn: record.arn,
        status: record.status.to_string(),
        auto_registration: Some(record.auto_registration),
        already_registered: already,
    })
}

pub fn list(state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    print_list(printer, list_cas(&local)?)
}

/// Every CA certificate registered with the local backend.
pub fn list_cas(local: &Local) -> anyhow::Result<Vec<CaListed>> {
    Ok(local
        .registry
        .cas()?
        .into_iter()
        .map(|ca| CaListed {
            subject: subject_of(&ca.pem),
            created: Some(iso8601(ca.created_ms.div_euclid(1000))),
            ca_certificate_id: ca.id,
            ca_certificate_arn: ca.arn,
            status: ca.status.to_string(),
            auto_registration: Some(ca.auto_registration),
        })
        .collect())
}

pub fn delete(
    s: &CaDeleteSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_ca_id(&s.id)?;
    let id = s.id.to_ascii_lowercase();
    let local = Local::open(state)?;
    let outcome = delete_ca(&local, &id, s.force, printer)?;
    finish_delete(printer, &s.ca_dir, &local_place(state), &id, outcome)
}

/// Deletes a CA certificate from the local backend, as [`crate::commands::ca::delete_ca`]
/// does on AWS. The certificates it issued are those registered with it as their CA, and
/// any other registered certificate its key signed. Without `force`, nothing changes while
/// one of them is ACTIVE ([`CaDeleteOutcome::Refused`]) or while one names the CA, which
/// the registry requires to be gone first ([`CaDeleteOutcome::Blocked`]).
pub fn delete_ca(
    local: &Local,
    id: &str,
    force: bool,
    printer: &Printer,
) -> anyhow::Result<CaDeleteOutcome> {
    let Some(ca) = local.registry.ca(id)? else {
        return Ok(CaDeleteOutcome::AlreadyGone);
    };
    let ca_der = ca.der()?;
    let issued: Vec<_> = local
        .registry
        .certificates()?
        .into_iter()
        .filter(|c| {
            c.ca_certificate_id.as_deref() == Some(id)
                || pem_to_der(&c.pem).is_ok_and(|der| byoca::is_issued_by(&ca_der, &der))
        })
        .collect();
    let active: Vec<String> = issued
        .iter()
        .filter(|c| c.status == CertificateStatus::Active)
        .map(|c| c.id.clone())
        .collect();
    if !active.is_empty() && !force {
        return Ok(CaDeleteOutcome::Refused { active });
    }
    // The registry keeps a CA while any certificate names it: say so before changing anything.
    let naming: Vec<String> = issued
        .iter()
        .filter(|c| c.ca_certificate_id.as_deref() == Some(id))
        .map(|c| c.id.clone())
        .collect();
    if !naming.is_empty() && !force {
        return Ok(CaDeleteOutcome::Blocked { registered: naming });
    }
    if ca.status != CaStatus::Inactive {
        local.registry.set_ca_status(id, CaStatus::Inactive)?;
        printer.info(format!("deactivated CA certificate {id}"));
    }
    let mut certificates = Vec::new();
    if force {
        for cert in &issued {
            let things = local.registry.principal_things(&cert.arn)?;
            for thing in &things {
                local.registry.detach_thing_principal(thing, &cert.arn)?;
            }
            let policies: Vec<String> = local
                .registry
                .attached_policies(&cert.arn)?
                .into_iter()
                .map(|p| p.name)
                .collect();
            for policy in &policies {
                local.registry.detach_policy(policy, &cert.arn)?;
            }
            if !matches!(
                cert.status,
                CertificateStatus::Inactive | CertificateStatus::Revoked
            ) {
                local
                    .registry
                    .set_certificate_status(&cert.id, CertificateStatus::Inactive)?;
            }
            local.registry.delete_certificate(&cert.id)?;
            let removed = RemovedCertificate {
                certificate_id: cert.id.clone(),
                status: cert.status.to_string(),
                things,
                policies,
            };
            printer.info(format!(
                "deleted certificate {} ({}, things: {}, policies: {})",
                removed.certificate_id,
                removed.status,
                dash(&removed.things),
                dash(&removed.policies)
            ));
            certificates.push(removed);
        }
    }
    match local.registry.delete_ca(id) {
        Ok(()) => {}
        Err(RegistryError::NotFound { .. }) => {}
        Err(e @ RegistryError::DeleteConflict(_)) => {
            return Err(anyhow!(
                "{e} (CA certificate {id} is INACTIVE now; pass --force to delete the certificates it issued with it)"
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(CaDeleteOutcome::Deleted { certificates })
}

fn dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(",")
    }
}
