//! `soilctl ca create | register | list | delete`: the user's own CA, registered with
//! auto-registration on so that devices carrying certificates it signed are registered on
//! their first connection (JITR). With `--local` the same code runs against the local
//! backend, which answers the same AWS IoT calls.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::error::ApiErrorKind;
use crate::aws::iot::{self, CaCertificate};
use crate::aws::{self, ApiError, AwsSettings, Clients};
use crate::byoca::{self, DeviceCa, Place, REGISTERED_FILE};
use crate::error::bad_input;
use crate::local::registry::iso8601;
use crate::printer::{Printer, table};
use crate::settings::{CaDeleteSettings, CaSettings};

/// What `ca create` made.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaCreated {
    pub ca_dir: String,
    pub certificate_file: String,
    pub key_file: String,
    /// The id AWS IoT will give the CA (SHA-256 of its DER).
    pub ca_certificate_id: String,
    pub subject: String,
    pub not_after: String,
}

/// A registered CA certificate, as `ca register` reports it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaRegistered {
    pub ca_certificate_id: String,
    pub ca_certificate_arn: String,
    pub status: String,
    /// `null` when the endpoint does not say.
    pub auto_registration: Option<bool>,
    /// The CA was registered before this run (it is reported, and made active with
    /// auto-registration on where it was not).
    pub already_registered: bool,
}

/// One CA certificate in `ca list`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaListed {
    pub ca_certificate_id: String,
    pub ca_certificate_arn: String,
    pub status: String,
    pub auto_registration: Option<bool>,
    pub subject: Option<String>,
    /// ISO 8601.
    pub created: Option<String>,
}

/// A certificate the CA issued, removed by `ca delete --force`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedCertificate {
    pub certificate_id: String,
    /// The status it had before.
    pub status: String,
    pub things: Vec<String>,
    pub policies: Vec<String>,
}

/// What deleting a CA came to.
#[derive(Debug, Clone)]
pub enum CaDeleteOutcome {
    /// Deactivated and deleted, with the issued certificates removed first (`--force`).
    Deleted {
        certificates: Vec<RemovedCertificate>,
    },
    /// No CA certificate with this id is registered.
    AlreadyGone,
    /// Nothing was changed: certificates the CA issued are ACTIVE (their ids).
    Refused { active: Vec<String> },
    /// Nothing was changed: none is ACTIVE, but the backend deletes a CA only once no
    /// registered certificate names it (the local backend does), and these do (their ids).
    Blocked { registered: Vec<String> },
}

/// Checks a CA certificate id: 64 hex digits.
pub fn check_ca_id(id: &str) -> anyhow::Result<()> {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(bad_input(format!(
            "{id:?} is not a CA certificate id: it is 64 hex digits, as `soilctl ca list` shows"
        )))
    }
}

/// The one line that refuses deleting a CA whose certificates are in use.
pub fn refusal(id: &str, active: usize) -> anyhow::Error {
    anyhow!(
        "CA certificate {id} has {active} ACTIVE certificate(s) it issued; nothing was changed: deactivate them first, or pass --force to deactivate, detach and delete them with the CA"
    )
}

/// The subject of the first certificate in `pem`, as `CN=...`.
pub fn subject_of(pem: &str) -> Option<String> {
    let der = crate::local::registry::pem_to_der(pem).ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
    Some(cert.subject().to_string())
}

/// Where AWS calls of these clients go, as `registered.json` records it: the local backend
/// by its state directory (its API port changes from run to run), AWS by Region and endpoint.
pub fn aws_place(clients: &Clients) -> Place {
    match &clients.local {
        Some(state) => local_place(state),
        None => Place::Aws {
            region: clients.region.clone(),
            endpoint_url: clients.endpoint_url.clone(),
        },
    }
}

/// Where the local backend in `state` is, as `registered.json` records it (the state
/// directory, absolute where it can be).
pub fn local_place(state: &crate::local::state::StateDir) -> Place {
    let root = std::fs::canonicalize(state.root())
        .or_else(|_| std::path::absolute(state.root()))
        .unwrap_or_else(|_| std::path::PathBuf::from(state.root()));
    Place::Local { state_dir: root }
}

pub fn create(s: &CaSettings, printer: &Printer) -> anyhow::Result<ExitCode> {
    let ca = DeviceCa::create(&s.ca_dir)?;
    let result = CaCreated {
        ca_dir: s.ca_dir.display().to_string(),
        certificate_file: s.ca_dir.join(byoca::CA_CERT_FILE).display().to_string(),
        key_file: s.ca_dir.join(byoca::CA_KEY_FILE).display().to_string(),
        ca_certificate_id: ca.id(),
        subject: ca.subject().to_string(),
        not_after: iso8601(ca.not_after()),
    };
    printer.result(&result, || {
        format!(
            "ca          {}\nsubject     {}\nnot after   {}\ncertificate {}\nkey         {}\n",
            result.ca_certificate_id,
            result.subject,
            result.not_after,
            result.certificate_file,
            result.key_file
        )
    })?;
    printer.info(
        "Next: register it with `soilctl ca register` (or `soilctl --local ca register`), then `soilctl device-cert issue NAME`.",
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn register(
    s: &CaSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let ca = DeviceCa::load(&s.ca_dir)?;
    let clients = aws::load(aws_settings).await?;
    let registered = register_ca(&clients, &ca, printer).await?;
    print_registered(printer, &registered)
}

/// Registers the CA on AWS (GetRegistrationCode, a verification certificate, then
/// RegisterCACertificate active with auto-registration on), or finds it registered already,
/// and records it in the CA's `registered.json`.
pub async fn register_ca(
    clients: &Clients,
    ca: &DeviceCa,
    printer: &Printer,
) -> anyhow::Result<CaRegistered> {
    let code = iot::get_registration_code(&clients.iot)
        .await
        .context("getting the account's registration code")?;
    printer.detail(format!("registration code {code}"));
    let verification = ca.verification_certificate(&code)?;
    let registered = iot::register_ca_certificate(
        &clients.iot,
        ca.certificate_pem(),
        &verification.certificate_pem,
        true,
        true,
    )
    .await;
    let (id, already) = match registered {
        Ok((id, _arn)) => (id, false),
        Err(e) if e.is_code("ResourceAlreadyExistsException") => (ca.id(), true),
        Err(e) => return Err(anyhow::Error::new(e).context("registering the CA")),
    };
    let mut described = describe_registered(clients, &id).await?;
    if already && (described.status != "ACTIVE" || described.auto_registration == Some(false)) {
        iot::update_ca_certificate(&clients.iot, &id, Some(true), Some(true)).await?;
        printer.info(format!(
            "CA certificate {id} was registered already: made it ACTIVE with auto-registration on"
        ));
        described = describe_registered(clients, &id).await?;
    } else if already {
        printer.info(format!("CA certificate {id} was registered already"));
    }
    let mut record = aws_place(clients).registration(&described.id, &described.arn);
    record.data_endpoint = match iot::data_endpoint(&clients.iot).await {
        Ok(host) if !host.is_empty() => Some(host),
        Ok(_) => None,
        Err(e) => {
            printer.detail(format!("no data endpoint recorded: {e}"));
            None
        }
    };
    byoca::record_registration(ca.dir(), record)?;
    Ok(CaRegistered {
        ca_certificate_id: described.id,
        ca_certificate_arn: described.arn,
        status: described.status,
        auto_registration: described.auto_registration,
        already_registered: already,
    })
}

async fn describe_registered(clients: &Clients, id: &str) -> anyhow::Result<CaCertificate> {
    iot::describe_ca_certificate(&clients.iot, id)
        .await?
        .ok_or_else(|| {
            anyhow!("CA certificate {id} was registered but DescribeCACertificate does not find it")
        })
}

fn on_off(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "on",
        Some(false) => "off",
        None => "unknown",
    }
}

/// Prints a registered CA.
pub(crate) fn print_registered(
    printer: &Printer,
    registered: &CaRegistered,
) -> anyhow::Result<ExitCode> {
    printer.result(registered, || {
        format!(
            "ca                {}\narn               {}\nstatus            {}\nauto-registration {}\n",
            registered.ca_certificate_id,
            registered.ca_certificate_arn,
            registered.status,
            on_off(registered.auto_registration)
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn list(
    s: &CaSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let cas = list_cas(&clients, &s.ca_dir, printer).await?;
    print_list(printer, cas)
}

/// Whether an error says the endpoint does not implement the operation (an emulator).
fn is_unavailable(e: &ApiError) -> bool {
    e.kind == ApiErrorKind::BadResponse
        || e.code().is_some_and(|c| {
            matches!(
                c,
                "UnknownOperationException"
                    | "UnknownOperation"
                    | "NotImplemented"
                    | "NotImplementedException"
                    | "InvalidAction"
                    | "UnsupportedOperation"
            )
        })
}

/// The account's CA certificates (ListCACertificates, each described). Where the endpoint
/// lacks ListCACertificates, the CAs recorded in `ca_dir/registered.json` for this endpoint
/// are described instead, with a warning saying so.
pub async fn list_cas(
    clients: &Clients,
    ca_dir: &Path,
    printer: &Printer,
) -> anyhow::Result<Vec<CaListed>> {
    let listed = match iot::list_ca_certificates(&clients.iot).await {
        Ok(listed) => listed,
        Err(e) if is_unavailable(&e) => {
            printer.warn(format!(
                "ListCACertificates is not available at this endpoint: showing the CAs soilctl registered (from {})",
                ca_dir.join(REGISTERED_FILE).display()
            ));
            printer.detail(e.to_string());
            let place = aws_place(clients);
            let mut out = Vec::new();
            for r in byoca::read_registrations(ca_dir)?
                .into_iter()
                .filter(|r| r.is_at(&place))
            {
                match iot::describe_ca_certificate(&clients.iot, &r.ca_certificate_id).await? {
                    Some(ca) => out.push(listed_of(ca)),
                    None => printer.detail(format!(
                        "CA certificate {} in registered.json is no longer registered",
                        r.ca_certificate_id
                    )),
                }
            }
            return Ok(out);
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for summary in listed {
        match iot::describe_ca_certificate(&clients.iot, &summary.id).await? {
            Some(ca) => out.push(listed_of(ca)),
            None => out.push(listed_of(summary)),
        }
    }
    Ok(out)
}

fn listed_of(ca: CaCertificate) -> CaListed {
    CaListed {
        subject: ca.pem.as_deref().and_then(subject_of),
        created: ca.created_secs.map(iso8601),
        ca_certificate_id: ca.id,
        ca_certificate_arn: ca.arn,
        status: ca.status,
        auto_registration: ca.auto_registration,
    }
}

/// Prints the CA certificates.
pub(crate) fn print_list(printer: &Printer, cas: Vec<CaListed>) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    struct ListResult {
        cas: Vec<CaListed>,
    }
    let result = ListResult { cas };
    printer.result(&result, || {
        let rows: Vec<Vec<String>> = result
            .cas
            .iter()
            .map(|c| {
                vec![
                    c.ca_certificate_id.clone(),
                    c.status.clone(),
                    on_off(c.auto_registration).to_string(),
                    c.subject.clone().unwrap_or_else(|| "-".into()),
                    c.created.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        table(
            &["ID", "STATUS", "AUTO-REGISTRATION", "SUBJECT", "CREATED"],
            &rows,
        )
    })?;
    if result.cas.is_empty() {
        printer.info("No CA certificates are registered.");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(
    s: &CaDeleteSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_ca_id(&s.id)?;
    let clients = aws::load(aws_settings).await?;
    let outcome = delete_ca(&clients, &s.id, s.force, printer).await?;
    finish_delete(printer, &s.ca_dir, &aws_place(&clients), &s.id, outcome)
}

/// Deletes a CA certificate on AWS. Refuses (changing nothing) while certificates it issued
/// are ACTIVE, unless `force`. Otherwise: deactivates the CA (so that no device registers
/// through it any more), with `force` removes every certificate it issued (detached from
/// its things and policies, deactivated, deleted), then deletes the CA.
pub async fn delete_ca(
    clients: &Clients,
    id: &str,
    force: bool,
    printer: &Printer,
) -> anyhow::Result<CaDeleteOutcome> {
    let Some(ca) = iot::describe_ca_certificate(&clients.iot, id).await? else {
        return Ok(CaDeleteOutcome::AlreadyGone);
    };
    let issued = iot::list_certificates_by_ca(&clients.iot, id).await?;
    let active: Vec<String> = issued
        .iter()
        .filter(|c| c.status == "ACTIVE")
        .map(|c| c.id.clone())
        .collect();
    if !active.is_empty() && !force {
        return Ok(CaDeleteOutcome::Refused { active });
    }
    if ca.status != "INACTIVE" {
        iot::update_ca_certificate(&clients.iot, id, Some(false), None).await?;
        printer.info(format!("deactivated CA certificate {id}"));
    }
    let mut certificates = Vec::new();
    if force {
        for cert in &issued {
            let removed = remove_certificate(clients, cert)
                .await
                .with_context(|| format!("removing certificate {}", cert.id))?;
            printer.info(format!(
                "deleted certificate {} ({}, things: {}, policies: {})",
                removed.certificate_id,
                removed.status,
                list_or_dash(&removed.things),
                list_or_dash(&removed.policies)
            ));
            certificates.push(removed);
        }
    }
    match iot::delete_ca_certificate(&clients.iot, id).await {
        Ok(()) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => {
            let hint = if e.is_code("DeleteConflictException") {
                " (pass --force to delete the certificates it issued with it)"
            } else {
                ""
            };
            return Err(anyhow::Error::new(e).context(format!(
                "CA certificate {id} is INACTIVE now but could not be deleted{hint}"
            )));
        }
    }
    Ok(CaDeleteOutcome::Deleted { certificates })
}

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(",")
    }
}

/// Detaches a certificate from its things and policies, deactivates and deletes it.
async fn remove_certificate(
    clients: &Clients,
    cert: &iot::Certificate,
) -> anyhow::Result<RemovedCertificate> {
    let things = iot::list_principal_things(&clients.iot, &cert.arn).await?;
    for thing in &things {
        if let Err(e) = iot::detach_thing_principal(&clients.iot, thing, &cert.arn).await
            && !e.is_not_found()
        {
            return Err(e.into());
        }
    }
    let policies = iot::list_attached_policies(&clients.iot, &cert.arn).await?;
    for policy in &policies {
        if let Err(e) = iot::detach_policy(&clients.iot, policy, &cert.arn).await
            && !e.is_not_found()
        {
            return Err(e.into());
        }
    }
    if !matches!(cert.status.as_str(), "INACTIVE" | "REVOKED") {
        iot::set_certificate_active(&clients.iot, &cert.id, false).await?;
    }
    if let Err(e) = iot::delete_certificate(&clients.iot, &cert.id).await
        && !e.is_not_found()
    {
        return Err(e.into());
    }
    Ok(RemovedCertificate {
        certificate_id: cert.id.clone(),
        status: cert.status.clone(),
        things,
        policies,
    })
}

/// Turns a delete outcome into the exit code and the printed result (a refusal is an error,
/// exit 1), and forgets the CA at `place` in `registered.json` once it is gone.
pub(crate) fn finish_delete(
    printer: &Printer,
    ca_dir: &Path,
    place: &Place,
    id: &str,
    outcome: CaDeleteOutcome,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct DeleteResult {
        ca_certificate_id: String,
        status: &'static str,
        certificates: Vec<RemovedCertificate>,
    }
    let (status, certificates) = match outcome {
        CaDeleteOutcome::Refused { active } => return Err(refusal(id, active.len())),
        CaDeleteOutcome::Blocked { registered } => {
            return Err(anyhow!(
                "CA certificate {id} still has {} registered certificate(s) it issued (none ACTIVE), and this backend deletes a CA only once they are gone; nothing was changed: pass --force to delete them with the CA",
                registered.len()
            ));
        }
        CaDeleteOutcome::AlreadyGone => ("already gone", Vec::new()),
        CaDeleteOutcome::Deleted { certificates } => ("deleted", certificates),
    };
    if ca_dir.is_dir() {
        byoca::forget_registration(ca_dir, place, id)?;
    }
    let result = DeleteResult {
        ca_certificate_id: id.to_string(),
        status,
        certificates,
    };
    printer.result(&result, || {
        format!(
            "{} CA certificate {}{}\n",
            result.status,
            result.ca_certificate_id,
            if result.certificates.is_empty() {
                String::new()
            } else {
                format!(
                    " and {} certificate(s) it issued: {}",
                    result.certificates.len(),
                    result
                        .certificates
                        .iter()
                        .map(|c| c.certificate_id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_ids_are_64_hex_digits() {
        assert!(check_ca_id(&"a".repeat(64)).is_ok());
        assert!(check_ca_id(&"A0".repeat(32)).is_ok());
        assert!(check_ca_id("abc").is_err());
        assert!(check_ca_id(&"g".repeat(64)).is_err());
    }

    #[test]
    fn the_refusal_is_one_line_with_the_flag() {
        let text = refusal(&"a".repeat(64), 2).to_string();
        assert!(!text.contains('\n'));
        assert!(text.contains("2 ACTIVE certificate(s)"), "{text}");
        assert!(text.contains("--force"), "{text}");
    }

    #[test]
    fn unimplemented_operations_are_told_apart_from_refusals() {
        let bad = ApiError {
            operation: "ListCACertificates",
            kind: ApiErrorKind::BadResponse,
            code: None,
            message: "unexpected answer from the endpoint: HTTP 500".into(),
        };
        assert!(is_unavailable(&bad));
        let denied = ApiError {
            operation: "ListCACertificates",
            kind: ApiErrorKind::Service,
            code: Some("AccessDeniedException".into()),
            message: String::new(),
        };
        assert!(!is_unavailable(&denied));
    }
}
