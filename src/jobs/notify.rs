//! A thing's pending executions, as the device sees them, and the two notifications AWS
//! publishes about them: `jobs/notify` (the list, when an execution joins or leaves it) and
//! `jobs/notify-next` (the next execution, when a different one becomes next).

use serde_json::{Map, Value, json};

use super::model::{Entry, ExecutionStatus, JobStatus, without_nulls};
use super::presign::{Presigner, device_document};

/// How many executions a `notify` document lists at most.
pub const NOTIFY_LIMIT: usize = 10;

/// Whether the device can see an execution: the rollout released it and its job is not being
/// deleted.
pub fn visible(entry: &Entry<'_>) -> bool {
    entry.execution.notified() && entry.job.status != JobStatus::DeletionInProgress
}

/// The visible QUEUED and IN_PROGRESS executions: IN_PROGRESS first, then each group in the
/// order the executions were queued.
pub fn pending<'a>(entries: &[Entry<'a>]) -> Vec<Entry<'a>> {
    let mut out: Vec<Entry<'a>> = entries
        .iter()
        .filter(|e| visible(e) && e.execution.status.is_pending())
        .copied()
        .collect();
    out.sort_by_key(|e| {
        (
            e.execution.status != ExecutionStatus::InProgress,
            e.execution.queued_at,
            e.job.created_at,
            e.job.job_id.clone(),
        )
    });
    out
}

/// The execution `$next` names: the first of [`pending`].
pub fn next<'a>(entries: &[Entry<'a>]) -> Option<Entry<'a>> {
    pending(entries).into_iter().next()
}

/// A `JobExecution` object: jobId, thingName (when asked), jobDocument (when asked), status,
/// statusDetails (when there are any), queuedAt, startedAt (once started), lastUpdatedAt,
/// versionNumber, executionNumber.
pub fn execution_data(
    entry: &Entry<'_>,
    with_thing: bool,
    with_document: bool,
    presign: &mut Presigner<'_>,
) -> Value {
    let e = entry.execution;
    let mut out = json!({
        "jobId": e.job_id,
        "thingName": with_thing.then_some(&e.thing_name),
        "jobDocument": with_document.then(|| device_document(entry.job, presign)),
        "status": e.status,
        "statusDetails": e.details(),
        "queuedAt": e.queued_at,
        "startedAt": e.started_at,
        "lastUpdatedAt": e.last_updated_at,
        "versionNumber": e.version_number,
        "executionNumber": e.execution_number,
    });
    without_nulls(&mut out);
    out
}

/// The `notify` document: the first [`NOTIFY_LIMIT`] pending executions as summaries under
/// `IN_PROGRESS` and `QUEUED` (a status with none is left out; `"jobs": {}` when none).
pub fn notify_document(entries: &[Entry<'_>], now_secs: u64) -> Value {
    let mut jobs = Map::new();
    for entry in pending(entries).into_iter().take(NOTIFY_LIMIT) {
        let list = jobs
            .entry(entry.execution.status.as_str())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(entry.execution.summary());
        }
    }
    json!({ "timestamp": now_secs, "jobs": jobs })
}

/// The `notify-next` document: the next execution with its job document, or only the
/// timestamp when nothing is pending.
pub fn notify_next_document(
    entries: &[Entry<'_>],
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Value {
    match next(entries) {
        Some(entry) => json!({
            "timestamp": now_secs,
            "execution": execution_data(&entry, false, true, presign),
        }),
        None => json!({ "timestamp": now_secs }),
    }
}

/// The notifications a change calls for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Notifications {
    /// For `jobs/notify`: an execution joined or left the pending list.
    pub notify: Option<Value>,
    /// For `jobs/notify-next`: a different execution (or none) is next.
    pub notify_next: Option<Value>,
}

fn identity(entry: &Entry<'_>) -> (String, u64) {
    (
        entry.execution.job_id.clone(),
        entry.execution.execution_number,
    )
}

/// Compares a thing's executions before and after a change. A status change that keeps an
/// execution pending (QUEUED to IN_PROGRESS) changes neither the list's members nor, unless the
/// order changes, the next one, so it publishes nothing.
pub fn decide(
    before: &[Entry<'_>],
    after: &[Entry<'_>],
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Notifications {
    let members = |entries: &[Entry<'_>]| {
        let mut ids: Vec<(String, u64)> = pending(entries).iter().map(identity).collect();
        ids.sort();
        ids
    };
    let notify = (members(before) != members(after)).then(|| notify_document(after, now_secs));
    let next_id = |entries: &[Entry<'_>]| next(entries).as_ref().map(identity);
    let notify_next =
        (next_id(before) != next_id(after)).then(|| notify_next_document(after, now_secs, presign));
    Notifications {
        notify,
        notify_next,
    }
}
