//! Jobs events, published when the account has job events enabled:
//! `$aws/events/job/<jobId>/<operation>` for a job that completed, was canceled or deleted, or
//! began to be (`cancellation_in_progress`, `deletion_in_progress`), and
//! `$aws/events/jobExecution/<jobId>/<operation>` for an execution that reached a terminal
//! status or was deleted. `timestamp` is in epoch seconds, the job's times in milliseconds, as
//! in AWS's examples. `arn_prefix` is `arn:aws:iot:<region>:<account>:`.

use serde_json::{Value, json};

use super::details::process_details;
use super::model::{Execution, ExecutionStatus, Job, without_nulls};

/// A job event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEvent {
    Completed,
    Canceled,
    Deleted,
    CancellationInProgress,
    DeletionInProgress,
}

impl JobEvent {
    pub fn operation(self) -> &'static str {
        match self {
            JobEvent::Completed => "completed",
            JobEvent::Canceled => "canceled",
            JobEvent::Deleted => "deleted",
            JobEvent::CancellationInProgress => "cancellation_in_progress",
            JobEvent::DeletionInProgress => "deletion_in_progress",
        }
    }

    /// The `status` the event carries.
    pub fn status(self) -> &'static str {
        match self {
            JobEvent::Completed => "COMPLETED",
            JobEvent::Canceled => "CANCELED",
            JobEvent::Deleted => "DELETED",
            JobEvent::CancellationInProgress => "CANCELLATION_IN_PROGRESS",
            JobEvent::DeletionInProgress => "DELETION_IN_PROGRESS",
        }
    }
}

/// An execution event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionEvent {
    Succeeded,
    Failed,
    Rejected,
    Canceled,
    TimedOut,
    Removed,
    Deleted,
}

impl ExecutionEvent {
    /// The event of an execution reaching `status`; `None` for QUEUED and IN_PROGRESS.
    pub fn for_status(status: ExecutionStatus) -> Option<ExecutionEvent> {
        Some(match status {
            ExecutionStatus::Succeeded => ExecutionEvent::Succeeded,
            ExecutionStatus::Failed => ExecutionEvent::Failed,
            ExecutionStatus::Rejected => ExecutionEvent::Rejected,
            ExecutionStatus::Canceled => ExecutionEvent::Canceled,
            ExecutionStatus::TimedOut => ExecutionEvent::TimedOut,
            ExecutionStatus::Removed => ExecutionEvent::Removed,
            ExecutionStatus::Queued | ExecutionStatus::InProgress => return None,
        })
    }

    pub fn operation(self) -> &'static str {
        match self {
            ExecutionEvent::Succeeded => "succeeded",
            ExecutionEvent::Failed => "failed",
            ExecutionEvent::Rejected => "rejected",
            ExecutionEvent::Canceled => "canceled",
            ExecutionEvent::TimedOut => "timed_out",
            ExecutionEvent::Removed => "removed",
            ExecutionEvent::Deleted => "deleted",
        }
    }
}

pub fn job_topic(job_id: &str, event: JobEvent) -> String {
    format!("$aws/events/job/{job_id}/{}", event.operation())
}

pub fn execution_topic(job_id: &str, event: ExecutionEvent) -> String {
    format!("$aws/events/jobExecution/{job_id}/{}", event.operation())
}

pub fn thing_arn(arn_prefix: &str, thing: &str) -> String {
    format!("{arn_prefix}thing/{thing}")
}

/// A job event document. `completed` and `canceled` carry `jobProcessDetails` counted from
/// `executions`; `canceled` carries `forceCanceled`; `completed` carries `completedAt`.
pub fn job_event(
    job: &Job,
    executions: &[Execution],
    event: JobEvent,
    event_id: &str,
    arn_prefix: &str,
    now_secs: u64,
) -> Value {
    let targets = job.target_arns(arn_prefix);
    let details = matches!(event, JobEvent::Completed | JobEvent::Canceled).then(|| {
        let d = process_details(executions);
        json!({
            "numberOfCanceledThings": d.number_of_canceled_things,
            "numberOfRejectedThings": d.number_of_rejected_things,
            "numberOfFailedThings": d.number_of_failed_things,
            "numberOfRemovedThings": d.number_of_removed_things,
            "numberOfSucceededThings": d.number_of_succeeded_things,
            "numberOfTimedOutThings": d.number_of_timed_out_things,
        })
    });
    let completed = job.completed_at.unwrap_or(now_secs) * 1000;
    let mut doc = json!({
        "eventType": "JOB",
        "eventId": event_id,
        "timestamp": now_secs,
        "operation": event.operation(),
        "jobId": job.job_id,
        "status": event.status(),
        "forceCanceled": (event == JobEvent::Canceled).then_some(job.force_canceled),
        "targetSelection": job.target_selection,
        "targets": targets,
        "description": job.description,
        "completedAt": (event == JobEvent::Completed).then_some(completed),
        "createdAt": job.created_at * 1000,
        "lastUpdatedAt": job.last_updated_at * 1000,
        "comment": job.comment,
        "jobProcessDetails": details,
    });
    without_nulls(&mut doc);
    doc
}

/// An execution event document; for `deleted`, `status` is the status the execution had.
pub fn execution_event(
    execution: &Execution,
    event: ExecutionEvent,
    event_id: &str,
    arn_prefix: &str,
    now_secs: u64,
) -> Value {
    let mut doc = json!({
        "eventType": "JOB_EXECUTION",
        "eventId": event_id,
        "timestamp": now_secs,
        "operation": event.operation(),
        "jobId": execution.job_id,
        "thingArn": thing_arn(arn_prefix, &execution.thing_name),
        "status": execution.status,
        "statusDetails": execution.details(),
    });
    without_nulls(&mut doc);
    doc
}
