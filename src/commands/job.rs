//! `soilctl job create | list | show | cancel | delete`: AWS IoT jobs for the stack's things,
//! the same calls on AWS and on the local backend's endpoint. A job is the stack's when its
//! description starts with `soilctl-stack=<stack>` (jobs have no attributes; tags would cost a
//! call per job to read back). `job watch` is in `job_watch`.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use crate::aws::jobs::{self, Abort, NewJob, Rollout};
use crate::aws::{self, AwsSettings, Clients, iot};
use crate::error::bad_input;
use crate::printer::{Printer, table};
use crate::stack::{self, MANAGED_ATTRIBUTE};

pub use crate::stack::{DOWNLOAD_ROLE_OUTPUT, FIRMWARE_BUCKET_OUTPUT};

/// Where the stack keeps what jobs deliver.
#[derive(Debug, Clone)]
pub struct JobsBackend {
    pub stack_name: String,
    pub bucket: String,
    pub role_arn: String,
}

/// The stack's firmware bucket and download role, or a clear error.
pub async fn jobs_backend(clients: &Clients, stack_name: &str) -> anyhow::Result<JobsBackend> {
    let local = clients.local_flag();
    let backend = stack::require(clients, stack_name).await?;
    let out = |key: &str| backend.outputs.get(key).filter(|v| !v.is_empty()).cloned();
    match (out(FIRMWARE_BUCKET_OUTPUT), out(DOWNLOAD_ROLE_OUTPUT)) {
        (Some(bucket), Some(role_arn)) => Ok(JobsBackend {
            stack_name: stack_name.to_string(),
            bucket,
            role_arn,
        }),
        _ => Err(bad_input(format!(
            "stack {stack_name} has no firmware bucket (it was deployed by an older soilctl): run `soilctl deploy{local} --stack-name {stack_name}`"
        ))),
    }
}

/// The description that marks a job as the stack's.
pub fn stack_marker(stack_name: &str) -> String {
    format!("{MANAGED_ATTRIBUTE}={stack_name}")
}

fn is_stack_job(job: &jobs::Job, stack_name: &str) -> bool {
    job.description.as_deref().is_some_and(|d| {
        d == stack_marker(stack_name) || d.starts_with(&format!("{} ", stack_marker(stack_name)))
    })
}

/// AWS's job id: 1 to 64 of letters, digits, `-` and `_`.
pub fn check_job_id(id: &str) -> anyhow::Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(bad_input(format!(
            "job id {id:?} is not valid: 1 to 64 letters, digits, '-' or '_'"
        )))
    }
}

/// A job id from a prefix and the time, valid whatever the prefix holds.
pub fn new_job_id(prefix: &str) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let clean: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(48)
        .collect();
    format!("{clean}-{secs}")
}

/// What `job create` and `file send` ask for.
#[derive(Debug, Clone)]
pub struct JobRequest {
    pub job_id: String,
    pub description: String,
    pub document: serde_json::Value,
    pub targets: Vec<String>,
    /// A thing group target also reaches the things that join it later.
    pub continuous: bool,
    pub rollout: Option<Rollout>,
    pub abort: Option<Abort>,
    pub timeout_minutes: Option<i64>,
    pub url_expiry_secs: i64,
}

/// The presigned-URL placeholder AWS IoT replaces when a device asks for the job document.
pub fn presigned_placeholder(bucket: &str, key: &str) -> String {
    format!("${{aws:iot:s3-presigned-url:https://s3.amazonaws.com/{bucket}/{key}}}")
}

/// The ARNs of the named things (each must be the stack's), or of every thing of the stack.
pub async fn target_arns(
    clients: &Clients,
    stack_name: &str,
    names: &[String],
) -> anyhow::Result<Vec<String>> {
    if names.is_empty() {
        let things = iot::list_things_with_attribute(&clients.iot, MANAGED_ATTRIBUTE, stack_name)
            .await
            .context("listing the stack's things")?;
        if things.is_empty() {
            return Err(bad_input(format!(
                "stack {stack_name} has no things: create some with `soilctl thing create`"
            )));
        }
        return Ok(things.into_iter().map(|t| t.arn).collect());
    }
    let mut arns = Vec::new();
    for name in names {
        crate::names::check_thing_name(name)?;
        let thing = iot::describe_thing(&clients.iot, name)
            .await?
            .ok_or_else(|| bad_input(format!("thing {name} does not exist")))?;
        if thing.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
            return Err(bad_input(format!(
                "thing {name} is not a thing of stack {stack_name}"
            )));
        }
        arns.push(thing.arn);
    }
    Ok(arns)
}

/// Creates the job; returns its ARN.
pub async fn create_job(
    clients: &Clients,
    backend: &JobsBackend,
    request: &JobRequest,
) -> anyhow::Result<String> {
    let job = NewJob {
        job_id: request.job_id.clone(),
        targets: request.targets.clone(),
        document: request.document.to_string(),
        description: Some(request.description.clone()),
        continuous: request.continuous,
        rollout: request.rollout.clone(),
        abort: request.abort.clone(),
        in_progress_timeout_minutes: request.timeout_minutes,
        presign: Some((backend.role_arn.clone(), request.url_expiry_secs)),
        tags: BTreeMap::from([(MANAGED_ATTRIBUTE.to_string(), backend.stack_name.clone())]),
    };
    Ok(jobs::create_job(&clients.iot, &job).await?)
}

/// `--abort-after 20%` as a number of percent.
pub fn parse_percent(text: &str) -> anyhow::Result<f64> {
    let number = text.trim().trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(bad_input(format!(
            "--abort-after {text:?} is not a percentage from 0% to 100%"
        ))),
    }
}

/// A duration in whole minutes within AWS's bounds for job timeouts (1 minute to 7 days).
pub fn timeout_minutes(what: &str, d: std::time::Duration) -> anyhow::Result<i64> {
    let minutes = d.as_secs() / 60;
    if !d.as_secs().is_multiple_of(60) || !(1..=10080).contains(&minutes) {
        return Err(bad_input(format!(
            "{what} must be whole minutes from 1m to 7d (AWS IoT's bounds), not {}",
            humantime::format_duration(d)
        )));
    }
    Ok(minutes as i64)
}

/// A presigned URL's lifetime within AWS's bounds (60 to 3600 seconds).
pub fn url_expiry_secs(d: std::time::Duration) -> anyhow::Result<i64> {
    let secs = d.as_secs();
    if !(60..=3600).contains(&secs) {
        return Err(bad_input(format!(
            "--url-expiry must be from 1m to 1h (AWS IoT's bounds), not {}",
            humantime::format_duration(d)
        )));
    }
    Ok(secs as i64)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Created<'a> {
    job_id: &'a str,
    job_arn: &'a str,
    targets: usize,
    document: &'a serde_json::Value,
}

/// Creates the job and prints it.
pub async fn create_and_print(
    clients: &Clients,
    backend: &JobsBackend,
    request: &JobRequest,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let arn = create_job(clients, backend, request).await?;
    let created = Created {
        job_id: &request.job_id,
        job_arn: &arn,
        targets: request.targets.len(),
        document: &request.document,
    };
    printer.result(&created, || {
        format!(
            "job {} created for {} thing(s): follow it with `soilctl job watch {}`\n",
            request.job_id,
            request.targets.len(),
            request.job_id
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The stack's jobs, newest first.
pub async fn stack_jobs(clients: &Clients, stack_name: &str) -> anyhow::Result<Vec<jobs::Job>> {
    let mut found = Vec::new();
    for (id, _) in jobs::list_job_ids(&clients.iot).await? {
        if let Some(job) = jobs::describe_job(&clients.iot, &id).await?
            && is_stack_job(&job, stack_name)
        {
            found.push(job);
        }
    }
    Ok(found)
}

/// One of the stack's jobs, or bad input.
pub async fn stack_job(
    clients: &Clients,
    stack_name: &str,
    job_id: &str,
) -> anyhow::Result<jobs::Job> {
    check_job_id(job_id)?;
    match jobs::describe_job(&clients.iot, job_id).await? {
        Some(job) if is_stack_job(&job, stack_name) => Ok(job),
        Some(_) => Err(bad_input(format!(
            "job {job_id} is not a job of stack {stack_name}"
        ))),
        None => Err(bad_input(format!("job {job_id} does not exist"))),
    }
}

/// `Succeeded 3/5, failed 1, in progress 1` and the like.
pub fn progress_line(p: &jobs::Progress) -> String {
    let mut parts = vec![format!("succeeded {}/{}", p.succeeded, p.total())];
    for (name, n) in [
        ("queued", p.queued),
        ("in progress", p.in_progress),
        ("failed", p.failed),
        ("rejected", p.rejected),
        ("timed out", p.timed_out),
        ("canceled", p.canceled),
        ("removed", p.removed),
    ] {
        if n > 0 {
            parts.push(format!("{name} {n}"));
        }
    }
    parts.join(", ")
}

pub async fn list(
    stack_name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let found = stack_jobs(&clients, stack_name).await?;
    printer.result(&found, || {
        if found.is_empty() {
            return format!("stack {stack_name} has no jobs\n");
        }
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|j| {
                vec![
                    j.job_id.clone(),
                    j.status.clone(),
                    progress_line(&j.progress),
                ]
            })
            .collect();
        table(&["JOB", "STATUS", "EXECUTIONS"], &rows)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    #[serde(flatten)]
    job: jobs::Job,
    document: serde_json::Value,
    executions: Vec<jobs::Execution>,
}

/// Every execution of a job, with the status details of those that did not succeed.
pub async fn executions_with_reasons(
    clients: &Clients,
    job_id: &str,
) -> anyhow::Result<Vec<jobs::Execution>> {
    let mut executions = jobs::list_executions(&clients.iot, job_id).await?;
    for e in &mut executions {
        if !matches!(e.status.as_str(), "SUCCEEDED" | "QUEUED")
            && let Some(full) =
                jobs::describe_execution(&clients.iot, job_id, &e.thing_name).await?
        {
            *e = full;
        }
    }
    executions.sort_by(|a, b| iot::natural_cmp(&a.thing_name, &b.thing_name));
    Ok(executions)
}

/// The executions as a table: thing, status and the device's reason.
pub fn executions_table(executions: &[jobs::Execution]) -> String {
    let rows: Vec<Vec<String>> = executions
        .iter()
        .map(|e| vec![e.thing_name.clone(), e.status.clone(), reason(e)])
        .collect();
    table(&["THING", "STATUS", "REASON"], &rows)
}

/// A device's reason, from its status details.
pub fn reason(e: &jobs::Execution) -> String {
    e.status_details
        .get("reason")
        .or_else(|| e.status_details.values().next())
        .cloned()
        .unwrap_or_default()
}

pub async fn show(
    stack_name: &str,
    job_id: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let job = stack_job(&clients, stack_name, job_id).await?;
    let document = jobs::get_job_document(&clients.iot, job_id).await?;
    let document = serde_json::from_str(&document).unwrap_or(json!(document));
    let executions = executions_with_reasons(&clients, job_id).await?;
    let shown = Shown {
        job,
        document,
        executions,
    };
    printer.result(&shown, || {
        let j = &shown.job;
        let mut text = format!(
            "job {}  {}  {}\n",
            j.job_id,
            j.status,
            progress_line(&j.progress)
        );
        if let Some(reason) = &j.reason_code {
            text.push_str(&format!("reason: {reason}\n"));
        }
        if let Some(v) = shown.document.get("version").and_then(|v| v.as_str()) {
            text.push_str(&format!("firmware {v}\n"));
        }
        text.push_str(&executions_table(&shown.executions));
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn cancel(
    stack_name: &str,
    job_id: &str,
    force: bool,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let job = stack_job(&clients, stack_name, job_id).await?;
    if job.status == "CANCELED" && !force {
        printer.info(format!("job {job_id} is already canceled"));
    } else {
        jobs::cancel_job(&clients.iot, job_id, force, Some("canceled by soilctl")).await?;
    }
    let job = stack_job(&clients, stack_name, job_id).await?;
    printer.result(&job, || {
        format!(
            "job {job_id} {}: {}\n",
            job.status.to_lowercase(),
            progress_line(&job.progress)
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(
    stack_name: &str,
    job_id: &str,
    force: bool,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let job = stack_job(&clients, stack_name, job_id).await?;
    if job.status == "IN_PROGRESS" && job.progress.in_progress > 0 && !force {
        return Err(bad_input(format!(
            "job {job_id} has {} execution(s) in progress: cancel it first, or delete with --force",
            job.progress.in_progress
        )));
    }
    jobs::delete_job(&clients.iot, job_id, force).await?;
    printer.result(&json!({"jobId": job_id, "deleted": true}), || {
        format!("job {job_id} deleted\n")
    })?;
    Ok(ExitCode::SUCCESS)
}
