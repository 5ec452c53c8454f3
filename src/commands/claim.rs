//! `soilctl claim create | list | revoke | allow`: fleet provisioning by claim. A claim
//! certificate (one per factory batch, for a key made here) carries the stack's claim policy,
//! which allows nothing but the provisioning topics; a device that holds it asks for its own
//! certificate and registers with the stack's provisioning template, whose pre-provisioning
//! hook allows only the serial numbers on the stack's list (`claim allow`, kept as
//! `claims/allowed-serials.json` in the stack's firmware bucket) whose thing has no
//! certificate yet.
//!
//! Why a list rather than a pattern: serial numbers a factory prints are not a range an
//! attacker cannot guess, so a pattern would let a stolen claim certificate register any
//! number of devices; a list admits only the devices the operator made, and the "no
//! certificate yet" rule stops a copied serial from taking over a device already in service.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::aws::{self, AwsSettings, Clients, iot, s3};
use crate::cli::KeyAlgorithm;
use crate::error::bad_input;
use crate::pki::{self, RootCa};
use crate::printer::{Printer, table};
use crate::provisioning::device::valid_serial;
use crate::stack;

pub use crate::stack::{
    CLAIM_POLICY_OUTPUT, FIRMWARE_BUCKET_OUTPUT as BUCKET_OUTPUT,
    PROVISIONING_TEMPLATE_OUTPUT as TEMPLATE_OUTPUT,
};
/// Where the list of allowed serial numbers lives in the firmware bucket.
pub const ALLOWED_KEY: &str = "claims/allowed-serials.json";
/// What a claim certificate's client id starts with (the claim policy allows no other).
pub const CLIENT_ID_PREFIX: &str = "claim-";
/// Written beside a claim certificate's files.
pub const CLAIM_FILE: &str = "claim.json";

/// What a device needs to be provisioned by claim, in `claim.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClaimFiles {
    pub name: String,
    pub stack_name: String,
    pub certificate_id: String,
    pub certificate_arn: String,
    pub policy: String,
    pub template: String,
    pub endpoint: String,
    pub port: u16,
    pub client_id_prefix: String,
    pub certificate: String,
    pub private_key: String,
    pub root_ca: String,
}

/// The stack's fleet provisioning resources.
pub struct ClaimBackend {
    pub policy: String,
    pub template: String,
    pub bucket: String,
}

pub async fn claim_backend(clients: &Clients, stack_name: &str) -> anyhow::Result<ClaimBackend> {
    let local = clients.local_flag();
    let backend = stack::resolve(clients, stack_name).await?.ok_or_else(|| {
        anyhow!("stack {stack_name} does not exist: run `soilctl deploy{local} --stack-name {stack_name} --email ADDR --fleet-provisioning` first")
    })?;
    let out = |key: &str| backend.outputs.get(key).filter(|v| !v.is_empty()).cloned();
    match (
        out(CLAIM_POLICY_OUTPUT),
        out(TEMPLATE_OUTPUT),
        out(BUCKET_OUTPUT),
    ) {
        (Some(policy), Some(template), Some(bucket)) => Ok(ClaimBackend {
            policy,
            template,
            bucket,
        }),
        _ => Err(bad_input(format!(
            "stack {stack_name} has fleet provisioning off: run `soilctl deploy{local} --stack-name {stack_name} --fleet-provisioning`"
        ))),
    }
}

/// The folder of claim `name`'s files.
pub fn claim_dir(devices_dir: &Path, name: &str) -> PathBuf {
    devices_dir.join("claims").join(name)
}

/// Reads claim `name`'s files, if they are there.
pub fn read_claim(devices_dir: &Path, name: &str) -> Option<ClaimFiles> {
    let text = std::fs::read_to_string(claim_dir(devices_dir, name).join(CLAIM_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

fn check_claim_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad_input(format!(
            "claim name {name:?} is not valid: use 1 to 64 letters, digits, '-' or '_'"
        )))
    }
}

fn root_ca(aws_settings: &AwsSettings) -> anyhow::Result<RootCa> {
    match &aws_settings.local {
        Some(state) => crate::local::control::local_root_ca(state),
        None => Ok(RootCa::amazon()),
    }
}

pub async fn create(
    stack_name: &str,
    name: &str,
    devices_dir: &Path,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_claim_name(name)?;
    let dir = claim_dir(devices_dir, name);
    if let Some(existing) = read_claim(devices_dir, name) {
        return Err(bad_input(format!(
            "claim {name} exists already (certificate {}) in {}: revoke it first with `soilctl claim revoke {name}`, or pick another --name",
            existing.certificate_id,
            dir.display()
        )));
    }
    let clients = aws::load(aws_settings).await?;
    let backend = claim_backend(&clients, stack_name).await?;
    let endpoint = iot::data_endpoint(&clients.iot)
        .await
        .context("looking up the data endpoint")?;
    let made = pki::key_and_csr(
        &format!("soilctl claim {stack_name}/{name}"),
        KeyAlgorithm::EcdsaP256,
    )?;
    pki::create_private_dir(devices_dir)?;
    pki::create_private_dir(&devices_dir.join("claims"))?;
    pki::create_private_dir(&dir)?;
    pki::write_file(
        &dir.join(pki::PRIVATE_KEY_FILE),
        made.private_key_pem.as_bytes(),
        0o600,
    )?;
    let cert = iot::create_certificate_from_csr(&clients.iot, &made.csr_pem).await?;
    iot::attach_policy(&clients.iot, &backend.policy, &cert.arn).await?;
    let ca = root_ca(aws_settings)?;
    let files = ClaimFiles {
        name: name.to_owned(),
        stack_name: stack_name.to_owned(),
        certificate_id: cert.id.clone(),
        certificate_arn: cert.arn.clone(),
        policy: backend.policy.clone(),
        template: backend.template.clone(),
        endpoint: endpoint.clone(),
        port: 8883,
        client_id_prefix: CLIENT_ID_PREFIX.to_owned(),
        certificate: pki::CERTIFICATE_FILE.to_owned(),
        private_key: pki::PRIVATE_KEY_FILE.to_owned(),
        root_ca: ca.file.clone(),
    };
    pki::write_file(&dir.join(pki::CERTIFICATE_FILE), cert.pem.as_bytes(), 0o644)?;
    pki::write_file(&dir.join(&ca.file), ca.pem.as_bytes(), 0o644)?;
    let text = serde_json::to_string_pretty(&files).context("encoding claim.json")?;
    pki::write_file(&dir.join(CLAIM_FILE), format!("{text}\n").as_bytes(), 0o644)?;
    printer.result(&json!({"claim": files, "dir": dir}), || {
        format!(
            "claim {name}: certificate {} with policy {} (the provisioning topics only), files in {}\ndevices connect with it as {CLIENT_ID_PREFIX}<serial> and register with template {}; allow their serial numbers with `soilctl claim allow SERIAL...`\n",
            cert.id,
            backend.policy,
            dir.display(),
            backend.template
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The serial numbers on the stack's list.
pub async fn allowed_serials(clients: &Clients, bucket: &str) -> anyhow::Result<BTreeSet<String>> {
    if s3::head_object(&clients.s3, bucket, ALLOWED_KEY)
        .await?
        .is_none()
    {
        return Ok(BTreeSet::new());
    }
    let body = s3::get_object(&clients.s3, bucket, ALLOWED_KEY).await?;
    let doc: serde_json::Value = serde_json::from_slice(&body)
        .with_context(|| format!("{ALLOWED_KEY} in bucket {bucket} is not JSON"))?;
    Ok(doc
        .get("serials")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

fn read_serials(serials: &[String], from: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut all: Vec<String> = serials.to_vec();
    if let Some(path) = from {
        let text = if path == Path::new("-") {
            std::io::read_to_string(std::io::stdin()).context("reading standard input")?
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| bad_input(format!("cannot read {}: {e}", path.display())))?
        };
        all.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned),
        );
    }
    if let Some(bad) = all.iter().find(|s| !valid_serial(s)) {
        return Err(bad_input(format!(
            "serial number {bad:?} is not valid: use 1 to 128 letters, digits, ':', '_' or '-' (it names the device's thing)"
        )));
    }
    Ok(all)
}

pub async fn allow(
    stack_name: &str,
    serials: &[String],
    from: Option<&Path>,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let new = read_serials(serials, from)?;
    let clients = aws::load(aws_settings).await?;
    let backend = claim_backend(&clients, stack_name).await?;
    let mut allowed = allowed_serials(&clients, &backend.bucket).await?;
    let before = allowed.len();
    allowed.extend(new);
    let added = allowed.len() - before;
    let body = serde_json::to_vec(&json!({ "serials": allowed })).context("encoding serials")?;
    s3::put_object(
        &clients.s3,
        &backend.bucket,
        ALLOWED_KEY,
        body,
        &Default::default(),
    )
    .await?;
    printer.result(&json!({"added": added, "allowed": allowed.len()}), || {
        format!(
            "{added} serial number(s) added: {} may be provisioned by claim\n",
            allowed.len()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// One claim certificate, as `claim list` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    name: Option<String>,
    certificate_id: String,
    status: Option<String>,
}

pub async fn list(
    stack_name: &str,
    devices_dir: &Path,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let backend = claim_backend(&clients, stack_name).await?;
    let local = local_claims(devices_dir, stack_name);
    let mut claims = Vec::new();
    for id in claim_certificate_ids(&clients, &backend.policy).await? {
        let status = iot::describe_certificate(&clients.iot, &id)
            .await?
            .map(|c| c.status);
        let name = local
            .iter()
            .find(|c| c.certificate_id == id)
            .map(|c| c.name.clone());
        claims.push(Listed {
            name,
            certificate_id: id,
            status,
        });
    }
    let allowed = allowed_serials(&clients, &backend.bucket).await?;
    printer.result(
        &json!({"template": backend.template, "policy": backend.policy, "claims": claims, "allowedSerials": allowed}),
        || {
            let rows: Vec<Vec<String>> = claims
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone().unwrap_or_else(|| "-".into()),
                        c.certificate_id.clone(),
                        c.status.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            format!(
                "{}{} serial number(s) allowed; template {}, policy {}\n",
                table(&["CLAIM", "CERTIFICATE", "STATUS"], &rows),
                allowed.len(),
                backend.template,
                backend.policy
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The claims whose files are under `devices_dir` for `stack_name`.
pub fn local_claims(devices_dir: &Path, stack_name: &str) -> Vec<ClaimFiles> {
    let Ok(entries) = std::fs::read_dir(devices_dir.join("claims")) else {
        return Vec::new();
    };
    let mut found: Vec<ClaimFiles> = entries
        .flatten()
        .filter_map(|e| read_claim(devices_dir, &e.file_name().to_string_lossy()))
        .filter(|c| c.stack_name == stack_name)
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The ids of the certificates the claim policy is attached to: the stack's claims.
pub async fn claim_certificate_ids(clients: &Clients, policy: &str) -> anyhow::Result<Vec<String>> {
    Ok(iot::list_targets_for_policy(&clients.iot, policy)
        .await?
        .unwrap_or_default()
        .iter()
        .map(|arn| iot::certificate_id(arn).to_owned())
        .collect())
}

/// Deactivates, detaches and deletes claim certificate `id`.
pub async fn remove_claim_certificate(
    clients: &Clients,
    policy: &str,
    id: &str,
) -> anyhow::Result<()> {
    let Some(cert) = iot::describe_certificate(&clients.iot, id).await? else {
        return Ok(());
    };
    iot::set_certificate_active(&clients.iot, id, false).await?;
    iot::detach_policy(&clients.iot, policy, &cert.arn).await?;
    iot::delete_certificate(&clients.iot, id).await?;
    Ok(())
}

pub async fn revoke(
    stack_name: &str,
    claim: &str,
    devices_dir: &Path,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let backend = claim_backend(&clients, stack_name).await?;
    let files = local_claims(devices_dir, stack_name)
        .into_iter()
        .find(|c| c.name == claim || c.certificate_id == claim);
    let id = match &files {
        Some(f) => f.certificate_id.clone(),
        None => claim_certificate_ids(&clients, &backend.policy)
            .await?
            .into_iter()
            .find(|id| id == claim)
            .ok_or_else(|| {
                bad_input(format!(
                    "no claim {claim} in stack {stack_name}: `soilctl claim list` shows them"
                ))
            })?,
    };
    remove_claim_certificate(&clients, &backend.policy, &id).await?;
    if let Some(f) = &files {
        let dir = claim_dir(devices_dir, &f.name);
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    printer.result(&json!({"revoked": id}), || {
        format!("claim certificate {id} deactivated and deleted; devices it provisioned keep their own certificates\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_names_and_serials_are_checked() {
        assert!(check_claim_name("batch-2026_12").is_ok());
        assert!(check_claim_name("").is_err());
        assert!(check_claim_name("a/b").is_err());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("serials.txt");
        std::fs::write(&file, "# batch 1\nsn-1\n\n sn-2 \n").unwrap();
        let got = read_serials(&["sn-0".into()], Some(&file)).unwrap();
        assert_eq!(got, ["sn-0", "sn-1", "sn-2"]);
        let e = read_serials(&["bad serial".into()], None).unwrap_err();
        assert!(e.to_string().contains("not valid"), "{e}");
    }
}
