//! The abort configuration: after each change to a job's executions, each criterion is checked
//! in order; the first that trips cancels the job as CancelJob without `force` would (QUEUED
//! executions are canceled, IN_PROGRESS ones keep running), with the service's own reason code
//! and comment.

use serde_json::json;

use super::lifecycle::{self, Outcome};
use super::model::{
    AbortCriterion, Execution, ExecutionStatus, Job, JobStatus, StatusCounts, TargetSelection,
};

/// The reason code an abort sets (AWS documents that it sets one, not its value).
pub const ABORT_REASON_CODE: &str = "ABORT_CRITERIA_MET";

/// Executed things (terminal executions) and, of them, the failures `criterion` counts.
pub fn counts(criterion: &AbortCriterion, executions: &[Execution]) -> (u64, u64) {
    counted(criterion, &StatusCounts::of(executions))
}

fn counted(criterion: &AbortCriterion, counts: &StatusCounts) -> (u64, u64) {
    let failed = ExecutionStatus::ALL
        .into_iter()
        .filter(|s| criterion.failure_type.counts(*s))
        .map(|s| counts.get(s))
        .sum();
    (counts.terminal(), failed)
}

/// Whether `criterion` trips: at least `minNumberOfExecutedThings` executed, and failures make
/// at least `thresholdPercentage` percent of them.
pub fn trips(criterion: &AbortCriterion, executions: &[Execution]) -> bool {
    trips_by_count(criterion, &StatusCounts::of(executions))
}

fn trips_by_count(criterion: &AbortCriterion, counts: &StatusCounts) -> bool {
    let (executed, failed) = counted(criterion, counts);
    executed > 0
        && executed >= criterion.min_number_of_executed_things
        && failed as f64 * 100.0 >= criterion.threshold_percentage * executed as f64
}

/// Whether an IN_PROGRESS job whose executions number `counts` could be canceled by an abort
/// criterion or completed by [`super::advance`] now: a cheap check from the counts alone, so
/// that a store need not read every execution after each device's update. `false` means
/// neither can happen; `true` that `advance` should run (it decides).
pub fn may_settle(job: &Job, counts: &StatusCounts) -> bool {
    job.status == JobStatus::InProgress
        && (job.abort.iter().any(|c| trips_by_count(c, counts))
            || (job.target_selection == TargetSelection::Snapshot
                && counts.terminal() == counts.total()))
}

/// The first criterion of an IN_PROGRESS job that trips.
pub fn tripped<'a>(job: &'a Job, executions: &[Execution]) -> Option<&'a AbortCriterion> {
    if job.status != JobStatus::InProgress {
        return None;
    }
    job.abort.iter().find(|c| trips(c, executions))
}

/// Cancels the job if a criterion trips; `None` otherwise.
pub fn evaluate(job: &Job, executions: &[Execution], now_secs: u64) -> Option<Outcome> {
    let criterion = tripped(job, executions)?;
    let (executed, failed) = counts(criterion, executions);
    let comment = format!(
        "Job aborted: {failed} of {executed} executed things matched failure type {} \
         (threshold {}%)",
        json!(criterion.failure_type),
        criterion.threshold_percentage
    );
    Some(lifecycle::cancel_unchecked(
        job,
        executions,
        false,
        Some(ABORT_REASON_CODE),
        Some(&comment),
        now_secs,
    ))
}
