//! Execution timeouts: an IN_PROGRESS execution whose step timer (set by start-next or an
//! update, from the time it was set) or in-progress timer (the job's
//! `inProgressTimeoutInMinutes`, from `startedAt`) has run out becomes TIMED_OUT. The step
//! timer never outlasts the in-progress one: the earlier deadline wins.

use super::model::{Execution, ExecutionStatus};

/// The executions that time out at `now` (changed copies to store).
pub fn tick(executions: &[Execution], now_secs: u64) -> Vec<Execution> {
    executions
        .iter()
        .filter(|e| e.status == ExecutionStatus::InProgress)
        .filter(|e| e.deadline().is_some_and(|d| d <= now_secs))
        .map(|e| {
            let mut timed_out = e.clone();
            timed_out.end(ExecutionStatus::TimedOut, now_secs);
            timed_out
        })
        .collect()
}

/// When the next of these executions times out, if any runs a timer.
pub fn next_deadline(executions: &[Execution]) -> Option<u64> {
    executions
        .iter()
        .filter(|e| e.status == ExecutionStatus::InProgress)
        .filter_map(Execution::deadline)
        .min()
}
