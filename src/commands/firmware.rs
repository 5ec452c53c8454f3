//! `soilctl signing-key create`, `firmware publish | list` and `job create --firmware`: signed
//! images in the stack's firmware bucket, rolled out by AWS IoT jobs.
//!
//! Bucket layout: `firmware/<version>/image.bin` and its `firmware/<version>/manifest.json`
//! (version, size, SHA-256, signature); a version is published once. The job document is the
//! manifest with `operation` and the presigned-URL placeholder AWS IoT fills in per device.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use serde_json::{Value, json};

use super::job::{self, JobRequest, jobs_backend, presigned_placeholder, target_arns};
use crate::aws::{self, AwsSettings, s3};
use crate::error::bad_input;
use crate::firmware::{self, Manifest, SigningKey};
use crate::printer::{Printer, table};

/// The job document's `operation` for a firmware update.
pub const INSTALL_OPERATION: &str = "install-firmware";

/// How long a new code-signing certificate is valid.
const SIGNING_VALIDITY: Duration = Duration::from_secs(5 * 365 * 24 * 3600);

pub fn image_key(version: &str) -> String {
    format!("firmware/{version}/image.bin")
}

pub fn manifest_key(version: &str) -> String {
    format!("firmware/{version}/manifest.json")
}

/// The stack's signing folder under the signing directory.
pub fn signing_dir(root: &Path, stack_name: &str) -> PathBuf {
    root.join(stack_name)
}

/// The stack's code-signing key, or what to run to make one.
pub fn load_signing_key(root: &Path, stack_name: &str) -> anyhow::Result<SigningKey> {
    let dir = signing_dir(root, stack_name);
    if !dir.join(firmware::SIGNING_KEY_FILE).exists() {
        return Err(bad_input(format!(
            "stack {stack_name} has no code-signing key in {}: run `soilctl signing-key create --stack-name {stack_name}`",
            dir.display()
        )));
    }
    SigningKey::read_from(&dir)
}

pub fn signing_key_create(
    stack_name: &str,
    root: &Path,
    force: bool,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let dir = signing_dir(root, stack_name);
    if dir.join(firmware::SIGNING_KEY_FILE).exists() && !force {
        return Err(bad_input(format!(
            "stack {stack_name} already has a code-signing key in {}: images signed with it verify on its devices; use --force to replace it",
            dir.display()
        )));
    }
    let now = SystemTime::now();
    let key = SigningKey::generate(
        &format!("soilctl code signing ({stack_name})"),
        now - Duration::from_secs(60),
        now + SIGNING_VALIDITY,
    )?;
    key.write_to(&dir)?;
    let key_file = dir.join(firmware::SIGNING_KEY_FILE);
    let cert_file = dir.join(firmware::SIGNING_CERT_FILE);
    printer.result(
        &json!({"stackName": stack_name, "privateKey": key_file, "certificate": cert_file}),
        || {
            format!(
                "code-signing key {} (0600) and certificate {}\nthing create gives devices the certificate; `firmware publish` signs with the key\n",
                key_file.display(),
                cert_file.display()
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn publish(
    stack_name: &str,
    file: &Path,
    version: &str,
    signing_root: &Path,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    firmware::validate_version(version).map_err(|e| bad_input(e.to_string()))?;
    let size = std::fs::metadata(file)
        .map_err(|e| bad_input(format!("cannot read {}: {e}", file.display())))?
        .len();
    firmware::validate_image_size(size).map_err(|e| bad_input(e.to_string()))?;
    let image = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let key = load_signing_key(signing_root, stack_name)?;
    let manifest = Manifest::new(version, &image, &key)?;
    let clients = aws::load(aws_settings).await?;
    let backend = jobs_backend(&clients, stack_name).await?;
    if s3::head_object(&clients.s3, &backend.bucket, &manifest_key(version))
        .await?
        .is_some()
    {
        return Err(bad_input(format!(
            "firmware {version} is already published in {}: give the new image a new version",
            backend.bucket
        )));
    }
    let metadata = BTreeMap::from([
        ("sha256".to_string(), manifest.sha256.clone()),
        ("firmware-version".to_string(), version.to_string()),
    ]);
    s3::put_object(
        &clients.s3,
        &backend.bucket,
        &image_key(version),
        image,
        &metadata,
    )
    .await?;
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    s3::put_object(
        &clients.s3,
        &backend.bucket,
        &manifest_key(version),
        manifest_json,
        &BTreeMap::new(),
    )
    .await?;
    printer.result(&manifest, || {
        format!(
            "firmware {version} published: {} bytes, sha256 {}, signed ({})\nroll it out with `soilctl job create --firmware {version} --all`\n",
            manifest.size, manifest.sha256, manifest.signature_algorithm
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The published manifest of a version.
async fn manifest_of(
    clients: &aws::Clients,
    bucket: &str,
    version: &str,
) -> anyhow::Result<Manifest> {
    if s3::head_object(&clients.s3, bucket, &manifest_key(version))
        .await?
        .is_none()
    {
        return Err(bad_input(format!(
            "firmware {version} is not published: run `soilctl firmware publish FILE --version {version}`"
        )));
    }
    let bytes = s3::get_object(&clients.s3, bucket, &manifest_key(version)).await?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("reading the manifest of firmware {version}"))
}

pub async fn list(
    stack_name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let backend = jobs_backend(&clients, stack_name).await?;
    let mut manifests = Vec::new();
    for (key, _) in s3::list_keys(&clients.s3, &backend.bucket, "firmware/").await? {
        if let Some(version) = key
            .strip_prefix("firmware/")
            .and_then(|k| k.strip_suffix("/manifest.json"))
        {
            manifests.push(manifest_of(&clients, &backend.bucket, version).await?);
        }
    }
    printer.result(&manifests, || {
        if manifests.is_empty() {
            return format!("stack {stack_name} has no firmware published\n");
        }
        let rows: Vec<Vec<String>> = manifests
            .iter()
            .map(|m| vec![m.version.clone(), m.size.to_string(), m.sha256.clone()])
            .collect();
        table(&["VERSION", "BYTES", "SHA256"], &rows)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `job create`'s settings, checked.
#[derive(Debug, Clone)]
pub struct JobCreateSettings {
    pub stack_name: String,
    pub version: String,
    /// Empty (and no group): every thing of the stack.
    pub things: Vec<String>,
    /// A thing group of the stack to target instead.
    pub group: Option<String>,
    /// The job also reaches things that join the group later.
    pub continuous: bool,
    pub job_id: Option<String>,
    pub rollout: Option<aws::jobs::Rollout>,
    pub abort: Option<aws::jobs::Abort>,
    pub timeout_minutes: Option<i64>,
    pub url_expiry_secs: i64,
}

/// The job document of a firmware update.
pub fn firmware_document(manifest: &Manifest, bucket: &str) -> Value {
    let mut doc = json!({"operation": INSTALL_OPERATION});
    if let (Some(doc), Value::Object(m)) = (doc.as_object_mut(), json!(manifest)) {
        doc.extend(m);
        doc.insert(
            "url".into(),
            json!(presigned_placeholder(bucket, &image_key(&manifest.version))),
        );
    }
    doc
}

pub async fn create_job(
    s: &JobCreateSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    firmware::validate_version(&s.version).map_err(|e| bad_input(e.to_string()))?;
    let job_id = match &s.job_id {
        Some(id) => id.clone(),
        None => job::new_job_id(&format!("firmware-{}", s.version)),
    };
    job::check_job_id(&job_id)?;
    let clients = aws::load(aws_settings).await?;
    let backend = jobs_backend(&clients, &s.stack_name).await?;
    let manifest = manifest_of(&clients, &backend.bucket, &s.version).await?;
    let targets = match &s.group {
        Some(group) => vec![
            crate::commands::group::require_group(&clients, &s.stack_name, group)
                .await?
                .arn,
        ],
        None => target_arns(&clients, &s.stack_name, &s.things).await?,
    };
    let request = JobRequest {
        job_id,
        description: format!(
            "{} firmware {}",
            job::stack_marker(&s.stack_name),
            s.version
        ),
        document: firmware_document(&manifest, &backend.bucket),
        targets,
        continuous: s.continuous,
        rollout: s.rollout.clone(),
        abort: s.abort.clone(),
        timeout_minutes: s.timeout_minutes,
        url_expiry_secs: s.url_expiry_secs,
    };
    job::create_and_print(&clients, &backend, &request, printer).await
}
