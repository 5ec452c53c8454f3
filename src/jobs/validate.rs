//! CreateJob's and CancelJob's input checks, with the limits of the AWS IoT API reference, and
//! the error type of the control-plane operations.

use super::model::{ExponentialRate, Job, Rollout, TargetSelection};
use super::presign;

/// The longest job document, in characters (the API's `JobDocument` shape; 32 KB).
pub const MAX_DOCUMENT_CHARS: usize = 32 * 1024;
/// The longest description and comment.
pub const MAX_DESCRIPTION_CHARS: usize = 2028;
/// The longest CancelJob reason code.
pub const MAX_REASON_CODE_CHARS: usize = 128;
/// Rollout rates (constant and exponential base), per minute.
pub const RATE_RANGE: std::ops::RangeInclusive<u64> = 1..=1000;
/// Exponential increment factors (one digit after the decimal point).
pub const INCREMENT_FACTOR_RANGE: std::ops::RangeInclusive<f64> = 1.1..=5.0;
/// In-progress and step timeouts, in minutes (1 minute to 7 days).
pub const TIMEOUT_MINUTES_RANGE: std::ops::RangeInclusive<u64> = 1..=10080;
/// Presigned URL lifetimes, in seconds.
pub const PRESIGN_EXPIRY_RANGE: std::ops::RangeInclusive<u64> = 60..=3600;
pub const DEFAULT_PRESIGN_EXPIRY_SECS: u64 = 3600;
/// Role ARN lengths in `presignedUrlConfig`.
pub const ROLE_ARN_CHARS: std::ops::RangeInclusive<usize> = 20..=2048;

/// Why a control-plane request (CreateJob, CancelJob, DeleteJob) failed, by AWS error name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ResourceAlreadyExists(String),
    #[error("{0}")]
    InvalidStateTransition(String),
}

impl JobError {
    /// The AWS error code (`x-amzn-ErrorType`).
    pub fn code(&self) -> &'static str {
        match self {
            JobError::InvalidRequest(_) => "InvalidRequestException",
            JobError::ResourceNotFound(_) => "ResourceNotFoundException",
            JobError::ResourceAlreadyExists(_) => "ResourceAlreadyExistsException",
            JobError::InvalidStateTransition(_) => "InvalidStateTransitionException",
        }
    }

    /// The HTTP status AWS IoT answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            JobError::InvalidRequest(_) => 400,
            JobError::ResourceNotFound(_) => 404,
            JobError::ResourceAlreadyExists(_) | JobError::InvalidStateTransition(_) => 409,
        }
    }
}

fn invalid(message: impl Into<String>) -> JobError {
    JobError::InvalidRequest(message.into())
}

/// Job ids: 1 to 64 of `[a-zA-Z0-9_-]`.
pub fn valid_job_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

/// Thing and thing group names: 1 to 128 of `[a-zA-Z0-9:_-]`.
pub fn valid_thing_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
}

/// Free text (`[^\p{C}]+`): no control characters.
fn valid_text(text: &str, max_chars: usize) -> bool {
    !text.is_empty() && text.chars().count() <= max_chars && !text.chars().any(char::is_control)
}

/// At most `digits` digits after the decimal point.
fn has_decimals(value: f64, digits: i32) -> bool {
    let scaled = value * 10f64.powi(digits);
    (scaled - scaled.round()).abs() < 1e-6
}

/// Checks a job as CreateJob does: id, document (valid JSON, size, well-formed presigned URL
/// placeholders), targets (a CONTINUOUS job needs a thing group among them), description and
/// every configuration object.
pub fn validate_job(job: &Job) -> Result<(), JobError> {
    if !valid_job_id(&job.job_id) {
        return Err(invalid(format!(
            "Invalid jobId '{}': must be 1 to 64 characters of [a-zA-Z0-9_-]",
            job.job_id
        )));
    }
    if job.document.chars().count() > MAX_DOCUMENT_CHARS {
        return Err(invalid(format!(
            "The job document exceeds the maximum size of {MAX_DOCUMENT_CHARS} characters"
        )));
    }
    if serde_json::from_str::<serde_json::Value>(&job.document).is_err() {
        return Err(invalid("The job document is not valid JSON"));
    }
    presign::validate(&job.document)?;
    if job.targets.is_empty() && job.target_groups.is_empty() {
        return Err(invalid("At least one target is required"));
    }
    if let Some(bad) = job
        .targets
        .iter()
        .chain(&job.target_groups)
        .find(|t| !valid_thing_name(t))
    {
        return Err(invalid(format!("Invalid target '{bad}'")));
    }
    if job.target_selection == TargetSelection::Continuous && job.target_groups.is_empty() {
        return Err(invalid(
            "A CONTINUOUS job needs at least one thing group among its targets",
        ));
    }
    if let Some(description) = &job.description
        && !valid_text(description, MAX_DESCRIPTION_CHARS)
    {
        return Err(invalid(format!(
            "The description must be 1 to {MAX_DESCRIPTION_CHARS} characters with no control characters"
        )));
    }
    if let Some(rollout) = &job.rollout {
        validate_rollout(rollout)?;
    }
    for criterion in &job.abort {
        if criterion.min_number_of_executed_things < 1 {
            return Err(invalid("minNumberOfExecutedThings must be at least 1"));
        }
        let t = criterion.threshold_percentage;
        if !(0.0..=100.0).contains(&t) || !has_decimals(t, 2) {
            return Err(invalid(
                "thresholdPercentage must be from 0 to 100 with at most two decimals",
            ));
        }
    }
    if let Some(minutes) = job.in_progress_timeout_minutes
        && !TIMEOUT_MINUTES_RANGE.contains(&minutes)
    {
        return Err(invalid(
            "inProgressTimeoutInMinutes must be from 1 to 10080",
        ));
    }
    if let Some(presigned) = &job.presigned_url {
        if !PRESIGN_EXPIRY_RANGE.contains(&presigned.expires_in_sec) {
            return Err(invalid("expiresInSec must be from 60 to 3600"));
        }
        if !ROLE_ARN_CHARS.contains(&presigned.role_arn.chars().count()) {
            return Err(invalid("roleArn must be 20 to 2048 characters"));
        }
    }
    Ok(())
}

fn validate_rollout(rollout: &Rollout) -> Result<(), JobError> {
    if let Some(max) = rollout.maximum_per_minute
        && !RATE_RANGE.contains(&max)
    {
        return Err(invalid("maximumPerMinute must be from 1 to 1000"));
    }
    if let Some(ExponentialRate {
        base_rate_per_minute,
        increment_factor,
        rate_increase_criteria: criteria,
    }) = &rollout.exponential_rate
    {
        if !RATE_RANGE.contains(base_rate_per_minute) {
            return Err(invalid("baseRatePerMinute must be from 1 to 1000"));
        }
        if !INCREMENT_FACTOR_RANGE.contains(increment_factor) || !has_decimals(*increment_factor, 1)
        {
            return Err(invalid(
                "incrementFactor must be from 1.1 to 5 with at most one decimal",
            ));
        }
        let counts = [
            criteria.number_of_notified_things,
            criteria.number_of_succeeded_things,
        ];
        if counts.iter().all(Option::is_none) {
            return Err(invalid(
                "rateIncreaseCriteria needs numberOfNotifiedThings or numberOfSucceededThings",
            ));
        }
        if counts.iter().flatten().any(|n| *n < 1) {
            return Err(invalid(
                "numberOfNotifiedThings and numberOfSucceededThings must be at least 1",
            ));
        }
    }
    Ok(())
}

/// Checks CancelJob's `reasonCode` (`[\p{Upper}\p{Digit}_]+`, at most 128) and `comment`.
pub fn validate_cancel(reason_code: Option<&str>, comment: Option<&str>) -> Result<(), JobError> {
    if let Some(code) = reason_code {
        let ok = !code.is_empty()
            && code.chars().count() <= MAX_REASON_CODE_CHARS
            && code
                .chars()
                .all(|c| c.is_uppercase() || c.is_numeric() || c == '_');
        if !ok {
            return Err(invalid(
                "reasonCode must be 1 to 128 upper-case letters, digits or underscores",
            ));
        }
    }
    if let Some(comment) = comment
        && !valid_text(comment, MAX_DESCRIPTION_CHARS)
    {
        return Err(invalid(format!(
            "The comment must be 1 to {MAX_DESCRIPTION_CHARS} characters with no control characters"
        )));
    }
    Ok(())
}
