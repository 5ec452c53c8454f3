//! Thin functions over the AWS IoT client's Jobs operations (the control plane; devices use the
//! MQTT API).

use std::collections::BTreeMap;

use aws_sdk_iot::Client;
use aws_sdk_iot::types::{
    AbortAction, AbortConfig, AbortCriteria, ExponentialRolloutRate, JobExecutionFailureType,
    JobExecutionsRolloutConfig, PresignedUrlConfig, RateIncreaseCriteria, TargetSelection,
    TimeoutConfig,
};
use serde::Serialize;

use super::ApiError;

/// How fast a job's executions are released to devices.
#[derive(Debug, Clone, PartialEq)]
pub enum Rollout {
    /// At most this many devices notified a minute.
    Constant(i32),
    /// Starting at `base` a minute, multiplied by `factor` each time `after_notified` more
    /// devices were notified (or `after_succeeded` more succeeded).
    Exponential {
        base: i32,
        factor: f64,
        after_notified: Option<i32>,
        after_succeeded: Option<i32>,
    },
}

/// Cancel the job once `min_executed` devices finished and `percent` of them failed this way
/// (`FAILED`, `REJECTED`, `TIMED_OUT` or `ALL`).
#[derive(Debug, Clone, PartialEq)]
pub struct Abort {
    pub failure_type: String,
    pub percent: f64,
    pub min_executed: i32,
}

/// A job to create.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub job_id: String,
    /// Thing (or thing group) ARNs.
    pub targets: Vec<String>,
    pub document: String,
    pub description: Option<String>,
    pub continuous: bool,
    pub rollout: Option<Rollout>,
    pub abort: Option<Abort>,
    pub in_progress_timeout_minutes: Option<i64>,
    /// The role AWS IoT assumes to presign the document's S3 URLs, and their lifetime.
    pub presign: Option<(String, i64)>,
    pub tags: BTreeMap<String, String>,
}

/// Execution counts per status (DescribeJob's `jobProcessDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub queued: i32,
    pub in_progress: i32,
    pub succeeded: i32,
    pub failed: i32,
    pub rejected: i32,
    pub timed_out: i32,
    pub canceled: i32,
    pub removed: i32,
}

impl Progress {
    pub fn total(&self) -> i32 {
        self.queued
            + self.in_progress
            + self.succeeded
            + self.failed
            + self.rejected
            + self.timed_out
            + self.canceled
            + self.removed
    }

    /// Executions that reached a terminal status.
    pub fn finished(&self) -> i32 {
        self.total() - self.queued - self.in_progress
    }
}

/// One job, as DescribeJob or ListJobs tells it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    pub arn: String,
    pub status: String,
    pub target_selection: String,
    pub description: Option<String>,
    pub created_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub reason_code: Option<String>,
    pub comment: Option<String>,
    pub force_canceled: bool,
    pub targets: Vec<String>,
    pub progress: Progress,
}

/// One device's execution of a job.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub thing_name: String,
    pub status: String,
    pub status_details: BTreeMap<String, String>,
    pub execution_number: Option<i64>,
    pub version_number: Option<i64>,
    pub queued_at: Option<i64>,
    pub started_at: Option<i64>,
    pub last_updated_at: Option<i64>,
}

fn secs(t: Option<&aws_sdk_iot::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

/// The thing's name at the end of a thing ARN (`arn:...:thing/<name>`).
pub fn thing_name(arn: &str) -> &str {
    arn.rsplit_once("thing/").map(|(_, n)| n).unwrap_or(arn)
}

pub async fn create_job(client: &Client, job: &NewJob) -> Result<String, ApiError> {
    let mut request = client
        .create_job()
        .job_id(&job.job_id)
        .set_targets(Some(job.targets.clone()))
        .document(&job.document)
        .set_description(job.description.clone())
        .target_selection(if job.continuous {
            TargetSelection::Continuous
        } else {
            TargetSelection::Snapshot
        });
    for (k, v) in &job.tags {
        request = request.tags(
            aws_sdk_iot::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ApiError::request("CreateJob", e.to_string()))?,
        );
    }
    if let Some(rollout) = &job.rollout {
        let config = match rollout {
            Rollout::Constant(n) => JobExecutionsRolloutConfig::builder().maximum_per_minute(*n),
            Rollout::Exponential {
                base,
                factor,
                after_notified,
                after_succeeded,
            } => {
                let criteria = RateIncreaseCriteria::builder()
                    .set_number_of_notified_things(*after_notified)
                    .set_number_of_succeeded_things(*after_succeeded)
                    .build();
                let rate = ExponentialRolloutRate::builder()
                    .base_rate_per_minute(*base)
                    .increment_factor(*factor)
                    .rate_increase_criteria(criteria)
                    .build()
                    .map_err(|e| ApiError::request("CreateJob", e.to_string()))?;
                JobExecutionsRolloutConfig::builder().exponential_rate(rate)
            }
        };
        request = request.job_executions_rollout_config(config.build());
    }
    if let Some(abort) = &job.abort {
        let criterion = AbortCriteria::builder()
            .failure_type(JobExecutionFailureType::from(abort.failure_type.as_str()))
            .action(AbortAction::Cancel)
            .threshold_percentage(abort.percent)
            .min_number_of_executed_things(abort.min_executed)
            .build()
            .map_err(|e| ApiError::request("CreateJob", e.to_string()))?;
        let config = AbortConfig::builder()
            .criteria_list(criterion)
            .build()
            .map_err(|e| ApiError::request("CreateJob", e.to_string()))?;
        request = request.abort_config(config);
    }
    if let Some(minutes) = job.in_progress_timeout_minutes {
        request = request.timeout_config(
            TimeoutConfig::builder()
                .in_progress_timeout_in_minutes(minutes)
                .build(),
        );
    }
    if let Some((role, expires)) = &job.presign {
        request = request.presigned_url_config(
            PresignedUrlConfig::builder()
                .role_arn(role)
                .expires_in_sec(*expires)
                .build(),
        );
    }
    request
        .send()
        .await
        .map(|out| out.job_arn().unwrap_or_default().to_string())
        .map_err(|e| ApiError::from_sdk("CreateJob", e))
}

pub async fn describe_job(client: &Client, job_id: &str) -> Result<Option<Job>, ApiError> {
    match client.describe_job().job_id(job_id).send().await {
        Ok(out) => Ok(out.job().map(job_of)),
        Err(e) => {
            let e = ApiError::from_sdk("DescribeJob", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

fn job_of(job: &aws_sdk_iot::types::Job) -> Job {
    let p = job.job_process_details();
    let n = |f: fn(&aws_sdk_iot::types::JobProcessDetails) -> Option<i32>| {
        p.and_then(f).unwrap_or_default()
    };
    Job {
        job_id: job.job_id().unwrap_or_default().to_string(),
        arn: job.job_arn().unwrap_or_default().to_string(),
        status: job
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        target_selection: job
            .target_selection()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        description: job.description().map(str::to_string),
        created_at: secs(job.created_at()),
        completed_at: secs(job.completed_at()),
        reason_code: job.reason_code().map(str::to_string),
        comment: job.comment().map(str::to_string),
        force_canceled: job.force_canceled().unwrap_or(false),
        targets: job.targets().to_vec(),
        progress: Progress {
            queued: n(|p| p.number_of_queued_things()),
            in_progress: n(|p| p.number_of_in_progress_things()),
            succeeded: n(|p| p.number_of_succeeded_things()),
            failed: n(|p| p.number_of_failed_things()),
            rejected: n(|p| p.number_of_rejected_things()),
            timed_out: n(|p| p.number_of_timed_out_things()),
            canceled: n(|p| p.number_of_canceled_things()),
            removed: n(|p| p.number_of_removed_things()),
        },
    }
}

/// The ids of every job, newest first as AWS lists them (all pages).
pub async fn list_job_ids(client: &Client) -> Result<Vec<(String, String)>, ApiError> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_jobs()
            .max_results(100)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListJobs", e))?;
        for job in out.jobs() {
            ids.push((
                job.job_id().unwrap_or_default().to_string(),
                job.status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ));
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(ids);
        }
    }
}

/// Every execution of a job (all pages).
pub async fn list_executions(client: &Client, job_id: &str) -> Result<Vec<Execution>, ApiError> {
    let mut executions = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_job_executions_for_job()
            .job_id(job_id)
            .max_results(250)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListJobExecutionsForJob", e))?;
        for e in out.execution_summaries() {
            let summary = e.job_execution_summary();
            executions.push(Execution {
                thing_name: thing_name(e.thing_arn().unwrap_or_default()).to_string(),
                status: summary
                    .and_then(|s| s.status())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status_details: BTreeMap::new(),
                execution_number: summary.and_then(|s| s.execution_number()),
                version_number: None,
                queued_at: secs(summary.and_then(|s| s.queued_at())),
                started_at: secs(summary.and_then(|s| s.started_at())),
                last_updated_at: secs(summary.and_then(|s| s.last_updated_at())),
            });
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(executions);
        }
    }
}

/// One device's execution, with its status details (the reason a device gave).
pub async fn describe_execution(
    client: &Client,
    job_id: &str,
    thing: &str,
) -> Result<Option<Execution>, ApiError> {
    match client
        .describe_job_execution()
        .job_id(job_id)
        .thing_name(thing)
        .send()
        .await
    {
        Ok(out) => Ok(out.execution().map(|e| Execution {
            thing_name: thing.to_string(),
            status: e
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            status_details: e
                .status_details()
                .and_then(|d| d.details_map())
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            execution_number: e.execution_number(),
            version_number: Some(e.version_number()),
            queued_at: secs(e.queued_at()),
            started_at: secs(e.started_at()),
            last_updated_at: secs(e.last_updated_at()),
        })),
        Err(e) => {
            let e = ApiError::from_sdk("DescribeJobExecution", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

pub async fn get_job_document(client: &Client, job_id: &str) -> Result<String, ApiError> {
    client
        .get_job_document()
        .job_id(job_id)
        .send()
        .await
        .map(|out| out.document().unwrap_or_default().to_string())
        .map_err(|e| ApiError::from_sdk("GetJobDocument", e))
}

pub async fn cancel_job(
    client: &Client,
    job_id: &str,
    force: bool,
    comment: Option<&str>,
) -> Result<(), ApiError> {
    client
        .cancel_job()
        .job_id(job_id)
        .force(force)
        .set_comment(comment.map(str::to_string))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("CancelJob", e))
}

pub async fn delete_job(client: &Client, job_id: &str, force: bool) -> Result<(), ApiError> {
    client
        .delete_job()
        .job_id(job_id)
        .force(force)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteJob", e))
}
