//! How fast a job's executions are released to their devices. Minutes are counted from the
//! job's creation; in each minute at most the minute's rate of executions is released. The rate
//! is `maximumPerMinute` (1000 when the job has no rollout configuration), or, for an
//! exponential rollout, `baseRatePerMinute * incrementFactor^k` (rounded down, at most
//! `maximumPerMinute` or 1000), where `k` counts how many multiples of
//! `numberOfNotifiedThings` (or of `numberOfSucceededThings`) had been reached when the minute
//! began. Counting from the minute's start keeps the result independent of how often the
//! caller asks.

use std::collections::HashMap;

use super::model::{Execution, ExecutionStatus, Job, JobStatus, Rollout};

/// The default and largest rate, per minute.
pub const MAX_PER_MINUTE: u64 = 1000;

/// The release rate, per minute, once `notified` executions were released and `succeeded`
/// succeeded.
pub fn rate_per_minute(rollout: Option<&Rollout>, notified: u64, succeeded: u64) -> u64 {
    let cap = rollout
        .and_then(|r| r.maximum_per_minute)
        .unwrap_or(MAX_PER_MINUTE)
        .min(MAX_PER_MINUTE);
    let Some(exp) = rollout.and_then(|r| r.exponential_rate.as_ref()) else {
        return cap;
    };
    let criteria = &exp.rate_increase_criteria;
    let steps = |count: u64, every: Option<u64>| every.filter(|n| *n > 0).map_or(0, |n| count / n);
    let k = steps(notified, criteria.number_of_notified_things)
        .max(steps(succeeded, criteria.number_of_succeeded_things));
    let exponent = i32::try_from(k.min(64)).unwrap_or(64);
    let rate = exp.base_rate_per_minute as f64 * exp.increment_factor.powi(exponent);
    // One decimal of factor times an integer base: round away float noise before flooring.
    let rate = (rate * 1e6).round() / 1e6;
    if rate >= cap as f64 {
        cap
    } else {
        (rate.floor() as u64).max(1)
    }
}

/// When the rollout minute holding `now` began.
pub fn minute_start(created_at: u64, now_secs: u64) -> u64 {
    let elapsed = now_secs.saturating_sub(created_at);
    created_at + elapsed / 60 * 60
}

/// How many more of the job's executions may be released at `now`.
pub fn allowance(job: &Job, executions: &[Execution], now_secs: u64) -> u64 {
    if job.status != JobStatus::InProgress {
        return 0;
    }
    let start = minute_start(job.created_at, now_secs);
    let notified_before = executions
        .iter()
        .filter(|e| e.notified_at.is_some_and(|t| t < start))
        .count() as u64;
    let succeeded_before = executions
        .iter()
        .filter(|e| e.status == ExecutionStatus::Succeeded && e.last_updated_at < start)
        .count() as u64;
    let this_minute = executions
        .iter()
        .filter(|e| e.notified_at.is_some_and(|t| t >= start))
        .count() as u64;
    let waiting = executions
        .iter()
        .filter(|e| !e.notified() && e.status == ExecutionStatus::Queued)
        .count() as u64;
    let rate = rate_per_minute(job.rollout.as_ref(), notified_before, succeeded_before);
    rate.saturating_sub(this_minute).min(waiting)
}

/// The executions released at `now` (changed copies to store): the unreleased QUEUED ones, in
/// the order of the job's targets, up to the [`allowance`]. A released execution is queued at
/// the time of its release.
pub fn release(job: &Job, executions: &[Execution], now_secs: u64) -> Vec<Execution> {
    let allowed = allowance(job, executions, now_secs);
    if allowed == 0 {
        return Vec::new();
    }
    let order: HashMap<&str, usize> = job
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut waiting: Vec<&Execution> = executions
        .iter()
        .filter(|e| !e.notified() && e.status == ExecutionStatus::Queued)
        .collect();
    waiting.sort_by_key(|e| {
        (
            order
                .get(e.thing_name.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            e.thing_name.clone(),
        )
    });
    waiting
        .into_iter()
        .take(usize::try_from(allowed).unwrap_or(usize::MAX))
        .map(|e| {
            let mut released = e.clone();
            released.notified_at = Some(now_secs);
            released.queued_at = now_secs;
            released.last_updated_at = now_secs;
            released
        })
        .collect()
}
