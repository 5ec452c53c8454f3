//! `jobProcessDetails`: how many of a job's executions are in each status.

use serde::Serialize;

use super::model::{Execution, ExecutionStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessDetails {
    pub number_of_canceled_things: u64,
    pub number_of_succeeded_things: u64,
    pub number_of_failed_things: u64,
    pub number_of_rejected_things: u64,
    pub number_of_queued_things: u64,
    pub number_of_in_progress_things: u64,
    pub number_of_removed_things: u64,
    pub number_of_timed_out_things: u64,
}

/// Counts a job's executions by status.
pub fn process_details(executions: &[Execution]) -> ProcessDetails {
    let mut d = ProcessDetails::default();
    for e in executions {
        let n = match e.status {
            ExecutionStatus::Canceled => &mut d.number_of_canceled_things,
            ExecutionStatus::Succeeded => &mut d.number_of_succeeded_things,
            ExecutionStatus::Failed => &mut d.number_of_failed_things,
            ExecutionStatus::Rejected => &mut d.number_of_rejected_things,
            ExecutionStatus::Queued => &mut d.number_of_queued_things,
            ExecutionStatus::InProgress => &mut d.number_of_in_progress_things,
            ExecutionStatus::Removed => &mut d.number_of_removed_things,
            ExecutionStatus::TimedOut => &mut d.number_of_timed_out_things,
        };
        *n += 1;
    }
    d
}
