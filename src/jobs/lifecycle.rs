//! A job's own transitions: CreateJob's executions, CancelJob, DeleteJob and completion.

use std::collections::HashSet;

use super::model::{Execution, ExecutionStatus, Job, JobStatus, TargetSelection};
use super::validate::{JobError, validate_cancel, validate_job};

/// A job after a transition, and the executions that changed with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub job: Job,
    pub changes: Vec<Execution>,
}

/// CreateJob: validates `job` and makes one QUEUED, unreleased execution (number 1) per target
/// thing. The job is IN_PROGRESS from `now`; the rollout releases its executions.
pub fn create(job: Job, now_secs: u64) -> Result<(Job, Vec<Execution>), JobError> {
    create_with_members(job, &[], now_secs)
}

/// [`create`] for a job with thing group targets: `members` are the things in those groups
/// now, each given an execution after the things targeted directly (once, however many of the
/// job's targets name it).
pub fn create_with_members(
    mut job: Job,
    members: &[String],
    now_secs: u64,
) -> Result<(Job, Vec<Execution>), JobError> {
    validate_job(&job)?;
    job.status = JobStatus::InProgress;
    job.created_at = now_secs;
    job.last_updated_at = now_secs;
    job.completed_at = None;
    let mut seen = HashSet::new();
    let executions = job
        .targets
        .iter()
        .chain(members)
        .filter(|t| seen.insert(t.as_str()))
        .map(|t| Execution::queued(&job.job_id, t, 1, now_secs))
        .collect();
    Ok((job, executions))
}

/// A thing added to one of `job`'s target groups: the QUEUED, unreleased execution it gets, if
/// any. Only a CONTINUOUS job that is IN_PROGRESS takes new things (a SNAPSHOT job's targets
/// are fixed when it is created). A thing with an execution of the job keeps it, unless that
/// execution was REMOVED: the thing then starts again with the next execution number.
pub fn join(
    job: &Job,
    group: &str,
    thing: &str,
    existing: Option<&Execution>,
    now_secs: u64,
) -> Option<Execution> {
    if !job.follows_group(group) {
        return None;
    }
    let number = match existing {
        None => 1,
        Some(e) if e.status == ExecutionStatus::Removed => e.execution_number + 1,
        Some(_) => return None,
    };
    Some(Execution::queued(&job.job_id, thing, number, now_secs))
}

/// A thing removed from one of `job`'s target groups, now in `groups` only: the change to its
/// execution, if any. As AWS IoT Jobs documents it, a QUEUED execution of a CONTINUOUS job
/// becomes REMOVED once the thing is no longer a target (neither named by the job nor in
/// another of its groups); an IN_PROGRESS or finished execution is left as it is, and a
/// SNAPSHOT job, whose targets were fixed when it was created, is not changed.
pub fn leave(
    job: &Job,
    group: &str,
    groups: &[String],
    execution: &Execution,
    now_secs: u64,
) -> Option<Execution> {
    let still_targeted = job.targets.contains(&execution.thing_name)
        || job.target_groups.iter().any(|g| groups.contains(g));
    if !job.follows_group(group) || still_targeted || execution.status != ExecutionStatus::Queued {
        return None;
    }
    let mut removed = execution.clone();
    removed.end(ExecutionStatus::Removed, now_secs);
    Some(removed)
}

/// CancelJob. QUEUED executions (released or not) become CANCELED; IN_PROGRESS ones too when
/// `force` is set; terminal ones stay. A job being deleted or already completed cannot be
/// canceled; a canceled one only once more with `force`, to cancel what was left running.
pub fn cancel(
    job: &Job,
    executions: &[Execution],
    force: bool,
    reason_code: Option<&str>,
    comment: Option<&str>,
    now_secs: u64,
) -> Result<Outcome, JobError> {
    validate_cancel(reason_code, comment)?;
    match job.status {
        JobStatus::InProgress => {}
        JobStatus::Canceled if force && !job.force_canceled => {}
        status => {
            return Err(JobError::InvalidRequest(format!(
                "Job {} cannot be canceled in status {}",
                job.job_id,
                serde_json::json!(status)
            )));
        }
    }
    Ok(cancel_unchecked(
        job,
        executions,
        force,
        reason_code,
        comment,
        now_secs,
    ))
}

/// [`cancel`] without its checks (the abort configuration cancels this way).
pub fn cancel_unchecked(
    job: &Job,
    executions: &[Execution],
    force: bool,
    reason_code: Option<&str>,
    comment: Option<&str>,
    now_secs: u64,
) -> Outcome {
    let mut next = job.clone();
    next.status = JobStatus::Canceled;
    next.force_canceled |= force;
    if reason_code.is_some() {
        next.reason_code = reason_code.map(str::to_owned);
    }
    if comment.is_some() {
        next.comment = comment.map(str::to_owned);
    }
    next.last_updated_at = now_secs;
    let changes = executions
        .iter()
        .filter(|e| {
            e.status == ExecutionStatus::Queued
                || (force && e.status == ExecutionStatus::InProgress)
        })
        .map(|e| {
            let mut canceled = e.clone();
            canceled.end(ExecutionStatus::Canceled, now_secs);
            canceled
        })
        .collect();
    Outcome { job: next, changes }
}

/// DeleteJob: the job goes to DELETION_IN_PROGRESS (the caller then removes it and its
/// executions). An IN_PROGRESS job needs `force`; a job already being deleted cannot be.
pub fn delete(job: &Job, force: bool, now_secs: u64) -> Result<Job, JobError> {
    match job.status {
        JobStatus::DeletionInProgress => Err(JobError::InvalidStateTransition(format!(
            "Job {} is already being deleted",
            job.job_id
        ))),
        JobStatus::InProgress if !force => Err(JobError::InvalidStateTransition(format!(
            "Job {} is IN_PROGRESS: deleting it needs force",
            job.job_id
        ))),
        _ => {
            let mut next = job.clone();
            next.status = JobStatus::DeletionInProgress;
            next.last_updated_at = now_secs;
            Ok(next)
        }
    }
}

/// A SNAPSHOT job that is IN_PROGRESS and whose every target's execution is terminal becomes
/// COMPLETED; `None` if it does not.
pub fn complete(job: &Job, executions: &[Execution], now_secs: u64) -> Option<Job> {
    let done = job.status == JobStatus::InProgress
        && job.target_selection == TargetSelection::Snapshot
        && executions.iter().all(|e| e.status.is_terminal())
        && {
            let things: HashSet<&str> = executions.iter().map(|e| e.thing_name.as_str()).collect();
            job.targets.iter().all(|t| things.contains(t.as_str()))
        };
    done.then(|| {
        let mut next = job.clone();
        next.status = JobStatus::Completed;
        next.completed_at = Some(now_secs);
        next.last_updated_at = now_secs;
        next
    })
}
