//! `soilctl file send THING FILE`: a file only one device can read. It is encrypted here to the
//! public key of the device's own certificate (as AWS IoT holds it), stored encrypted in the
//! stack's firmware bucket under `files/<thing>/<job id>/`, and delivered by a job whose
//! document carries the presigned-URL placeholder, the ciphertext's size and SHA-256. The bucket,
//! the URL and anyone who intercepts them see only ciphertext.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::job::{self, JobRequest, jobs_backend, presigned_placeholder, target_arns};
use crate::aws::{self, AwsSettings, iot, s3};
use crate::error::bad_input;
use crate::firmware;
use crate::printer::Printer;

/// The job document's `operation` for an encrypted file.
pub const RECEIVE_OPERATION: &str = "receive-file";
/// The job document's name of the encryption (`firmware::seal`'s format, version 1).
pub const SEALED_FORMAT: &str = "soilctl-sealed-v1";

#[derive(Debug, Clone)]
pub struct FileSendSettings {
    pub stack_name: String,
    pub thing: String,
    pub file: PathBuf,
    pub url_expiry_secs: i64,
}

/// The PEM of the thing's active certificate, as AWS IoT holds it.
async fn device_certificate(clients: &aws::Clients, thing: &str) -> anyhow::Result<String> {
    let principals = iot::list_thing_principals(&clients.iot, thing)
        .await?
        .ok_or_else(|| bad_input(format!("thing {thing} does not exist")))?;
    for arn in principals.iter().filter(|p| p.contains(":cert/")) {
        if let Some(cert) =
            iot::describe_certificate_details(&clients.iot, iot::certificate_id(arn)).await?
            && cert.status == "ACTIVE"
            && let Some(pem) = cert.pem
        {
            return Ok(pem);
        }
    }
    Err(bad_input(format!(
        "thing {thing} has no active certificate to encrypt to: run `soilctl thing create {thing}`"
    )))
}

pub async fn run(
    s: &FileSendSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let name = s
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad_input(format!("{} is not a file name", s.file.display())))?
        .to_string();
    let size = std::fs::metadata(&s.file)
        .map_err(|e| bad_input(format!("cannot read {}: {e}", s.file.display())))?
        .len();
    firmware::validate_image_size(size).map_err(|e| bad_input(e.to_string()))?;
    let plaintext =
        std::fs::read(&s.file).with_context(|| format!("reading {}", s.file.display()))?;
    let clients = aws::load(aws_settings).await?;
    let backend = jobs_backend(&clients, &s.stack_name).await?;
    let targets = target_arns(&clients, &s.stack_name, std::slice::from_ref(&s.thing)).await?;
    let cert = device_certificate(&clients, &s.thing).await?;
    let sealed = firmware::seal(&cert, &plaintext).map_err(|e| bad_input(e.to_string()))?;
    let job_id = job::new_job_id(&format!("file-{}", s.thing));
    let key = format!("files/{}/{job_id}/{name}.sealed", s.thing);
    let sha256 = hex(&Sha256::digest(&sealed));
    let sealed_size = sealed.len();
    s3::put_object(&clients.s3, &backend.bucket, &key, sealed, &BTreeMap::new()).await?;
    let request = JobRequest {
        job_id,
        description: format!(
            "{} file {name} for {}",
            job::stack_marker(&s.stack_name),
            s.thing
        ),
        document: json!({
            "operation": RECEIVE_OPERATION,
            "name": name,
            "size": sealed_size,
            "sha256": sha256,
            "encryption": SEALED_FORMAT,
            "url": presigned_placeholder(&backend.bucket, &key),
        }),
        targets,
        continuous: false,
        rollout: None,
        abort: None,
        timeout_minutes: None,
        url_expiry_secs: s.url_expiry_secs,
    };
    job::create_and_print(&clients, &backend, &request, printer).await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
