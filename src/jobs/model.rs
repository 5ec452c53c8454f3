//! Jobs and job executions as they are stored, with AWS's field names (camelCase) and status
//! names (upper case), so that a store can keep them as JSON and the API layer can read
//! CreateJob's configuration objects straight into them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A job's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    InProgress,
    Canceled,
    DeletionInProgress,
    Completed,
}

/// A job execution's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    Queued,
    InProgress,
    Succeeded,
    Failed,
    TimedOut,
    Rejected,
    Removed,
    Canceled,
}

impl ExecutionStatus {
    pub const ALL: [ExecutionStatus; 8] = [
        ExecutionStatus::Queued,
        ExecutionStatus::InProgress,
        ExecutionStatus::Succeeded,
        ExecutionStatus::Failed,
        ExecutionStatus::TimedOut,
        ExecutionStatus::Rejected,
        ExecutionStatus::Removed,
        ExecutionStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Queued => "QUEUED",
            ExecutionStatus::InProgress => "IN_PROGRESS",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Rejected => "REJECTED",
            ExecutionStatus::Removed => "REMOVED",
            ExecutionStatus::Canceled => "CANCELED",
        }
    }

    pub fn parse(name: &str) -> Option<ExecutionStatus> {
        ExecutionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    /// Everything but QUEUED and IN_PROGRESS.
    pub fn is_terminal(self) -> bool {
        !self.is_pending()
    }

    /// QUEUED or IN_PROGRESS.
    pub fn is_pending(self) -> bool {
        matches!(self, ExecutionStatus::Queued | ExecutionStatus::InProgress)
    }
}

/// SNAPSHOT jobs complete; CONTINUOUS jobs keep running for things added to their groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetSelection {
    #[default]
    Snapshot,
    Continuous,
}

/// `jobExecutionsRolloutConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollout {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_per_minute: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exponential_rate: Option<ExponentialRate>,
}

/// `exponentialRate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExponentialRate {
    pub base_rate_per_minute: u64,
    pub increment_factor: f64,
    pub rate_increase_criteria: RateIncreaseCriteria,
}

/// `rateIncreaseCriteria`: the rate goes up each time either count passes another multiple.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateIncreaseCriteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_notified_things: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_succeeded_things: Option<u64>,
}

/// Which failures an abort criterion counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailureType {
    Failed,
    Rejected,
    TimedOut,
    All,
}

impl FailureType {
    pub fn counts(self, status: ExecutionStatus) -> bool {
        match self {
            FailureType::Failed => status == ExecutionStatus::Failed,
            FailureType::Rejected => status == ExecutionStatus::Rejected,
            FailureType::TimedOut => status == ExecutionStatus::TimedOut,
            FailureType::All => matches!(
                status,
                ExecutionStatus::Failed | ExecutionStatus::Rejected | ExecutionStatus::TimedOut
            ),
        }
    }
}

/// How many executions are in each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusCounts([u64; 8]);

impl StatusCounts {
    pub fn of(executions: &[Execution]) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for e in executions {
            counts.add(e.status, 1);
        }
        counts
    }

    pub fn add(&mut self, status: ExecutionStatus, n: u64) {
        self.0[status as usize] += n;
    }

    pub fn get(&self, status: ExecutionStatus) -> u64 {
        self.0[status as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Executions in a terminal status.
    pub fn terminal(&self) -> u64 {
        ExecutionStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .map(|s| self.get(s))
            .sum()
    }
}

/// The only abort action AWS has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AbortAction {
    Cancel,
}

/// One entry of `abortConfig.criteriaList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AbortCriterion {
    pub action: AbortAction,
    pub failure_type: FailureType,
    pub min_number_of_executed_things: u64,
    pub threshold_percentage: f64,
}

/// `presignedUrlConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresignedUrlConfig {
    pub role_arn: String,
    #[serde(default = "default_expiry")]
    pub expires_in_sec: u64,
}

fn default_expiry() -> u64 {
    crate::jobs::validate::DEFAULT_PRESIGN_EXPIRY_SECS
}

/// A job. Times are epoch seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    /// The job document as given (JSON text, placeholders not replaced).
    pub document: String,
    /// The things given as targets (thing ARNs), by name.
    pub targets: Vec<String>,
    /// The thing groups given as targets (thing group ARNs), by name: their members when the
    /// job is created get executions, and, for a CONTINUOUS job, the things added to them
    /// later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    #[serde(default)]
    pub target_selection: TargetSelection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub force_canceled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abort: Vec<AbortCriterion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_progress_timeout_minutes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presigned_url: Option<PresignedUrlConfig>,
    pub created_at: u64,
    pub last_updated_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<u64>,
    pub status: JobStatus,
}

impl Job {
    /// An IN_PROGRESS SNAPSHOT job created at `now`, with no configuration.
    pub fn new(job_id: &str, document: &str, targets: &[&str], now: u64) -> Job {
        Job {
            job_id: job_id.to_owned(),
            document: document.to_owned(),
            targets: targets.iter().map(|t| (*t).to_owned()).collect(),
            target_groups: Vec::new(),
            target_selection: TargetSelection::Snapshot,
            description: None,
            comment: None,
            reason_code: None,
            force_canceled: false,
            rollout: None,
            abort: Vec::new(),
            in_progress_timeout_minutes: None,
            presigned_url: None,
            created_at: now,
            last_updated_at: now,
            completed_at: None,
            status: JobStatus::InProgress,
        }
    }
}

impl Job {
    /// The targets as ARNs under `arn_prefix` (`arn:aws:iot:<region>:<account>:`): the things,
    /// then the thing groups.
    pub fn target_arns(&self, arn_prefix: &str) -> Vec<String> {
        let things = self
            .targets
            .iter()
            .map(|t| format!("{arn_prefix}thing/{t}"));
        let groups = self
            .target_groups
            .iter()
            .map(|g| format!("{arn_prefix}thinggroup/{g}"));
        things.chain(groups).collect()
    }

    /// Whether the job keeps giving executions to things added to its target groups: a
    /// CONTINUOUS job that is IN_PROGRESS and targets `group`.
    pub fn follows_group(&self, group: &str) -> bool {
        self.status == JobStatus::InProgress
            && self.target_selection == TargetSelection::Continuous
            && self.target_groups.iter().any(|g| g == group)
    }
}

/// One thing's execution of a job. Times are epoch seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub job_id: String,
    pub thing_name: String,
    pub status: ExecutionStatus,
    #[serde(default)]
    pub status_details: BTreeMap<String, String>,
    pub queued_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<u64>,
    pub last_updated_at: u64,
    pub version_number: u64,
    pub execution_number: u64,
    /// The step timer last set by start-next or an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_timeout_minutes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_deadline: Option<u64>,
    /// `startedAt` plus the job's in-progress timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_progress_deadline: Option<u64>,
    /// When the rollout released the execution to the device; `None` until then (the device
    /// does not see it, and no notification has been sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<u64>,
}

impl Execution {
    /// A QUEUED execution not yet released by the rollout. New executions start at version 1.
    pub fn queued(job_id: &str, thing_name: &str, execution_number: u64, now: u64) -> Execution {
        Execution {
            job_id: job_id.to_owned(),
            thing_name: thing_name.to_owned(),
            status: ExecutionStatus::Queued,
            status_details: BTreeMap::new(),
            queued_at: now,
            started_at: None,
            last_updated_at: now,
            version_number: 1,
            execution_number,
            step_timeout_minutes: None,
            step_deadline: None,
            in_progress_deadline: None,
            notified_at: None,
        }
    }

    pub fn notified(&self) -> bool {
        self.notified_at.is_some()
    }

    /// When the execution times out if it is still IN_PROGRESS: the earlier of its timers.
    pub fn deadline(&self) -> Option<u64> {
        match (self.step_deadline, self.in_progress_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Moves to a status set by the service (TIMED_OUT, CANCELED, REMOVED): the timers stop and
    /// the version stays, as AWS counts versions of device updates only.
    pub fn end(&mut self, status: ExecutionStatus, now: u64) {
        self.status = status;
        self.last_updated_at = now;
        self.step_deadline = None;
        self.in_progress_deadline = None;
    }

    /// `JobExecutionSummary`: jobId, queuedAt, startedAt (once started), lastUpdatedAt,
    /// executionNumber, versionNumber.
    pub fn summary(&self) -> Value {
        let mut out = json!({
            "jobId": self.job_id,
            "queuedAt": self.queued_at,
            "startedAt": self.started_at,
            "lastUpdatedAt": self.last_updated_at,
            "executionNumber": self.execution_number,
            "versionNumber": self.version_number,
        });
        without_nulls(&mut out);
        out
    }

    /// `JobExecutionState`: status, statusDetails (when there are any), versionNumber.
    pub fn state(&self) -> Value {
        let mut out = json!({
            "status": self.status,
            "statusDetails": self.details(),
            "versionNumber": self.version_number,
        });
        without_nulls(&mut out);
        out
    }

    /// `statusDetails` as AWS shows them: left out when empty.
    pub fn details(&self) -> Option<&BTreeMap<String, String>> {
        (!self.status_details.is_empty()).then_some(&self.status_details)
    }
}

/// Drops the top-level `null`s of an object (AWS leaves absent fields out).
pub(crate) fn without_nulls(doc: &mut Value) {
    if let Value::Object(map) = doc {
        map.retain(|_, v| !v.is_null());
    }
}

/// A thing's execution with the job it belongs to, as the device API reads them.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub job: &'a Job,
    pub execution: &'a Execution,
}
