//! AWS IoT Jobs as the Jobs service runs them: the pure state machine and device API, with no
//! I/O. Callers keep [`Job`]s and [`Execution`]s (both serde, with AWS's field names), call
//! [`lifecycle::create`] / [`lifecycle::cancel`] / [`lifecycle::delete`] for the control plane,
//! [`device::handle`] for a device's request and [`advance`] on a timer and after every change,
//! store what comes back and publish the documents it returns.
//!
//! Rules reproduced here:
//! - CreateJob's limits: job ids of 1 to 64 `[a-zA-Z0-9_-]`, a JSON document of at most 32 KB,
//!   at least one target (things and thing groups; a CONTINUOUS job needs a thing group among
//!   them), `maximumPerMinute` and `baseRatePerMinute` 1 to 1000,
//!   `incrementFactor` 1.1 to 5 with one decimal, rate-increase counts of at least 1, abort
//!   thresholds 0 to 100 % (two decimals) after at least 1 executed thing, timeouts of 1 to
//!   10080 minutes, presigned URLs valid 60 to 3600 s (3600 by default), and presigned URL
//!   placeholders that name an S3 object ([`presign`]).
//! - Executions start QUEUED at version 1. Every accepted device update (start-next included)
//!   raises the version by one; changes the service makes (timeouts, cancellation) do not.
//!   `startedAt` is set on the first move to IN_PROGRESS. Devices may set IN_PROGRESS,
//!   SUCCEEDED, FAILED and REJECTED; any other target, or any update of a terminal execution,
//!   is an `InvalidStateTransition`, and a stale `expectedVersion` a `VersionMismatch`, both
//!   with the execution's state. `statusDetails`, when given, replace the previous ones.
//! - Pending executions are listed IN_PROGRESS first, then in the order they were queued;
//!   start-next and `$next` take the first. start-next moves a QUEUED one to IN_PROGRESS and
//!   returns an IN_PROGRESS one unchanged; with nothing pending it answers without `execution`.
//! - `notify` is published when an execution joins or leaves a thing's pending list (at most 10
//!   listed), `notify-next` when a different execution becomes next (only the timestamp when
//!   none is left); a QUEUED execution moving to IN_PROGRESS while staying next publishes
//!   neither.
//! - The rollout releases executions at `maximumPerMinute` (1000 without a configuration), or
//!   at an exponential rate rising by `incrementFactor` at each multiple of the notified or
//!   succeeded count ([`rollout`]). Only released executions are visible to the device.
//! - After each change the abort criteria are checked in order; a criterion trips once at
//!   least `minNumberOfExecutedThings` executions are terminal and failures of its type make at
//!   least `thresholdPercentage` of those. The job is then CANCELED with a service reason code
//!   and comment: QUEUED executions are canceled, IN_PROGRESS ones keep running.
//! - A job's thing group targets give executions to their members when it is created (once per
//!   thing, after the things named directly). A CONTINUOUS job that is IN_PROGRESS also gives a
//!   QUEUED execution to a thing added to one of its groups later ([`lifecycle::join`]; a thing
//!   whose execution was REMOVED starts again with the next execution number), released by the
//!   rollout as the others are; a thing removed from its groups that is no longer a target has
//!   its QUEUED execution REMOVED ([`lifecycle::leave`]). A SNAPSHOT job's targets never change.
//! - CancelJob cancels QUEUED executions, and IN_PROGRESS ones with `force`; DeleteJob of an
//!   IN_PROGRESS job needs `force` (`InvalidStateTransitionException`). A SNAPSHOT job whose
//!   executions are all terminal is COMPLETED.
//! - Step timers run from when start-next or an update set them (-1 on update discards one),
//!   the in-progress timer from `startedAt`; the earlier deadline moves an IN_PROGRESS execution
//!   to TIMED_OUT.
//! - `DescribeJobExecution` of a terminal execution of a job that is over (COMPLETED or
//!   CANCELED) is rejected with `TerminalStateReached`.

pub mod abort;
pub mod details;
pub mod device;
pub mod events;
pub mod lifecycle;
pub mod model;
pub mod notify;
pub mod presign;
pub mod rollout;
pub mod timeout;
pub mod topic;
pub mod validate;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use details::{ProcessDetails, process_details};
pub use device::{Handled, RejectCode, Rejection};
pub use lifecycle::Outcome;
pub use model::{
    AbortCriterion, Entry, Execution, ExecutionStatus, Job, JobStatus, PresignedUrlConfig, Rollout,
    StatusCounts, TargetSelection,
};
pub use notify::Notifications;
pub use topic::{JobsTopic, Operation};
pub use validate::JobError;

/// What [`advance`] changed: the job (when its status changed) and the executions to store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Advance {
    pub job: Option<Job>,
    pub changes: Vec<Execution>,
}

/// Brings a job up to `now`: times out executions whose timers ran out, releases what the
/// rollout allows, then cancels the job if an abort criterion trips or completes it if all its
/// executions are terminal. Call it on a timer and after every change to the job's executions;
/// for each thing whose execution changed, [`notify::decide`] says what to notify, and
/// [`events`] has the documents for the job's and the executions' new statuses.
pub fn advance(job: &Job, executions: &[Execution], now_secs: u64) -> Advance {
    let mut working = executions.to_vec();
    let at: HashMap<(&str, u64), usize> = executions
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.thing_name.as_str(), e.execution_number), i))
        .collect();
    let mut touched = vec![false; executions.len()];
    let mut merge = |working: &mut Vec<Execution>, changed: Vec<Execution>| {
        for c in changed {
            if let Some(&i) = at.get(&(c.thing_name.as_str(), c.execution_number)) {
                working[i] = c;
                touched[i] = true;
            }
        }
    };
    let timed_out = timeout::tick(&working, now_secs);
    merge(&mut working, timed_out);
    let released = rollout::release(job, &working, now_secs);
    merge(&mut working, released);
    let mut next_job = None;
    if let Some(outcome) = abort::evaluate(job, &working, now_secs) {
        merge(&mut working, outcome.changes);
        next_job = Some(outcome.job);
    } else if let Some(done) = lifecycle::complete(job, &working, now_secs) {
        next_job = Some(done);
    }
    Advance {
        job: next_job,
        changes: working
            .into_iter()
            .zip(touched)
            .filter_map(|(e, t)| t.then_some(e))
            .collect(),
    }
}
