//! The reserved jobs topics under `$aws/things/<thing>/jobs/`: the four requests a device
//! publishes, the answers and notifications only the service publishes, and anything else,
//! which AWS answers with an `InvalidTopic` rejection.

use super::validate::{valid_job_id, valid_thing_name};

/// The job id DescribeJobExecution takes for "the next pending execution".
pub const NEXT: &str = "$next";

/// A device request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation<'a> {
    /// `jobs/get`: GetPendingJobExecutions.
    GetPending,
    /// `jobs/start-next`: StartNextPendingJobExecution.
    StartNext,
    /// `jobs/<jobId>/get`: DescribeJobExecution; the id may be [`NEXT`].
    Describe(&'a str),
    /// `jobs/<jobId>/update`: UpdateJobExecution.
    Update(&'a str),
}

impl Operation<'_> {
    /// The request topic's part after `jobs/`.
    pub fn path(&self) -> String {
        match self {
            Operation::GetPending => "get".to_owned(),
            Operation::StartNext => "start-next".to_owned(),
            Operation::Describe(job) => format!("{job}/get"),
            Operation::Update(job) => format!("{job}/update"),
        }
    }
}

/// What a topic under a thing's `jobs/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobsTopic<'a> {
    Request {
        thing: &'a str,
        operation: Operation<'a>,
    },
    /// `.../accepted`, `.../rejected`, `notify`, `notify-next`: published by the service only.
    Answer { thing: &'a str },
    /// Under `jobs/` but no API: AWS answers `InvalidTopic` on `<topic>/rejected`.
    Invalid { thing: &'a str },
}

impl<'a> JobsTopic<'a> {
    /// `None` unless `topic` is `$aws/things/<thing>/jobs/...` with a valid thing name.
    pub fn parse(topic: &'a str) -> Option<JobsTopic<'a>> {
        let rest = topic.strip_prefix("$aws/things/")?;
        let (thing, rest) = rest.split_once('/')?;
        let rest = rest.strip_prefix("jobs/")?;
        if !valid_thing_name(thing) {
            return None;
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let request = |operation| JobsTopic::Request { thing, operation };
        Some(match parts.as_slice() {
            ["get"] => request(Operation::GetPending),
            ["start-next"] => request(Operation::StartNext),
            ["notify" | "notify-next"] => JobsTopic::Answer { thing },
            ["get" | "start-next", "accepted" | "rejected"] => JobsTopic::Answer { thing },
            [job, "get"] if *job == NEXT || valid_job_id(job) => request(Operation::Describe(job)),
            [job, "update"] if valid_job_id(job) => request(Operation::Update(job)),
            [job, "get" | "update", "accepted" | "rejected"]
                if *job == NEXT || valid_job_id(job) =>
            {
                JobsTopic::Answer { thing }
            }
            _ => JobsTopic::Invalid { thing },
        })
    }
}

/// Whether a client may not publish on `topic`: the service's answers and notifications.
pub fn is_answer(topic: &str) -> bool {
    matches!(JobsTopic::parse(topic), Some(JobsTopic::Answer { .. }))
}

/// `$aws/things/<thing>/jobs`.
pub fn prefix(thing: &str) -> String {
    format!("$aws/things/{thing}/jobs")
}

/// The topic a request's answer goes to; `outcome` is `accepted` or `rejected`.
pub fn answer(thing: &str, operation: &Operation<'_>, outcome: &str) -> String {
    format!("{}/{}/{outcome}", prefix(thing), operation.path())
}

/// `$aws/things/<thing>/jobs/notify`.
pub fn notify(thing: &str) -> String {
    format!("{}/notify", prefix(thing))
}

/// `$aws/things/<thing>/jobs/notify-next`.
pub fn notify_next(thing: &str) -> String {
    format!("{}/notify-next", prefix(thing))
}
