//! The local backend's Jobs service: [`crate::jobs`]'s rules over the registry. The control
//! plane (the API's CreateJob, CancelJob, DeleteJob, and a thing joining or leaving a thing
//! group, which CONTINUOUS jobs follow), the device API (the broker's reserved topics) and the
//! clock (`local up` ticks every second: rollouts, timeouts) all change jobs here, each in one
//! registry transaction, and get back what to publish: the answers, `notify` and `notify-next`
//! for every thing whose pending list changed, and the job and execution events on
//! `$aws/events/...`.
//!
//! Presigned URLs are made by the running `local up`'s download server ([`Signer`]); with none
//! (the API served inside a CLI command, where no device is connected) the placeholder's S3 URL
//! is handed out as it is.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::jobs::events::{self, ExecutionEvent, JobEvent};
use crate::jobs::{
    self, Entry, Execution, Job, JobError, JobStatus, JobsTopic, Operation, PresignedUrlConfig,
    device, lifecycle, notify, topic,
};
use crate::local::downloads::Signer;
use crate::local::registry::{ACCOUNT_ID, JobsTx, REGION, Registry, RegistryError};

/// One message the service publishes.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    pub topic: String,
    pub payload: Value,
}

/// Why a control-plane change failed.
#[derive(Debug)]
pub enum Failure {
    Job(JobError),
    Registry(RegistryError),
}

impl From<JobError> for Failure {
    fn from(e: JobError) -> Self {
        Failure::Job(e)
    }
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure::Registry(e)
    }
}

/// The ARN prefix of this backend's IoT resources (`arn:aws:iot:<region>:<account>:`).
pub fn arn_prefix() -> String {
    format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:")
}

fn event_id() -> String {
    let mut bytes = [0u8; 16];
    for b in &mut bytes {
        *b = fastrand::u8(..);
    }
    crate::local::api::reply::uuid_of(&bytes)
}

/// Makes presigned URLs: the download server's, or the placeholder's own URL.
pub struct Presign<'a> {
    signer: Option<&'a Signer>,
    now: u64,
}

impl<'a> Presign<'a> {
    pub fn new(signer: Option<&'a Signer>, now: u64) -> Self {
        Presign { signer, now }
    }

    fn url(&self, config: &PresignedUrlConfig, bucket: &str, key: &str) -> String {
        match self.signer {
            Some(s) => s.url(bucket, key, self.now, config.expires_in_sec),
            None => format!("https://s3.amazonaws.com/{bucket}/{key}"),
        }
    }
}

/// The jobs referenced by some executions, loaded once each.
fn jobs_of(
    tx: &JobsTx<'_>,
    executions: &[Execution],
) -> Result<HashMap<String, Job>, RegistryError> {
    let mut jobs = HashMap::new();
    for e in executions {
        if !jobs.contains_key(&e.job_id)
            && let Some(job) = tx.job(&e.job_id)?
        {
            jobs.insert(e.job_id.clone(), job);
        }
    }
    Ok(jobs)
}

fn entries<'a>(jobs: &'a HashMap<String, Job>, executions: &'a [Execution]) -> Vec<Entry<'a>> {
    executions
        .iter()
        .filter_map(|execution| {
            jobs.get(&execution.job_id)
                .map(|job| Entry { job, execution })
        })
        .collect()
}

/// Stores changed jobs and executions (and removes `deleted` jobs), and returns the
/// notifications and events the change calls for.
fn commit(
    tx: &JobsTx<'_>,
    changed_jobs: &[Job],
    changes: &[Execution],
    deleted: &[String],
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, RegistryError> {
    let now = presign.now;
    let prefix = arn_prefix();
    let mut things: BTreeSet<String> = changes.iter().map(|e| e.thing_name.clone()).collect();
    let mut removed: Vec<Execution> = Vec::new();
    for id in deleted {
        let executions = tx.executions_of_job(id)?;
        things.extend(executions.iter().map(|e| e.thing_name.clone()));
        removed.extend(executions);
    }
    let mut before = HashMap::new();
    for thing in &things {
        let executions = tx.executions_of_thing(thing)?;
        let jobs = jobs_of(tx, &executions)?;
        before.insert(thing.clone(), (executions, jobs));
    }
    let old_jobs: HashMap<String, Job> = changed_jobs
        .iter()
        .filter_map(|j| {
            tx.job(&j.job_id)
                .ok()
                .flatten()
                .map(|o| (j.job_id.clone(), o))
        })
        .collect();
    for job in changed_jobs {
        tx.put_job(job)?;
    }
    for e in changes {
        tx.put_execution(e)?;
    }
    for id in deleted {
        tx.delete_job(id)?;
    }
    let mut out = Vec::new();
    let mut presigner = |c: &PresignedUrlConfig, b: &str, k: &str| presign.url(c, b, k);
    for thing in &things {
        let (old_executions, old_jobs_map) = &before[thing];
        let executions = tx.executions_of_thing(thing)?;
        let jobs = jobs_of(tx, &executions)?;
        let decided = notify::decide(
            &entries(old_jobs_map, old_executions),
            &entries(&jobs, &executions),
            now,
            &mut presigner,
        );
        if let Some(payload) = decided.notify {
            out.push(Publish {
                topic: topic::notify(thing),
                payload,
            });
        }
        if let Some(payload) = decided.notify_next {
            out.push(Publish {
                topic: topic::notify_next(thing),
                payload,
            });
        }
        for e in changes.iter().filter(|e| &e.thing_name == thing) {
            let was = old_executions
                .iter()
                .find(|o| o.job_id == e.job_id && o.execution_number == e.execution_number)
                .map(|o| o.status);
            if was != Some(e.status)
                && let Some(event) = ExecutionEvent::for_status(e.status)
            {
                out.push(Publish {
                    topic: events::execution_topic(&e.job_id, event),
                    payload: events::execution_event(e, event, &event_id(), &prefix, now),
                });
            }
        }
    }
    for e in &removed {
        out.push(Publish {
            topic: events::execution_topic(&e.job_id, ExecutionEvent::Deleted),
            payload: events::execution_event(e, ExecutionEvent::Deleted, &event_id(), &prefix, now),
        });
    }
    for job in changed_jobs {
        let was = old_jobs.get(&job.job_id).map(|j| j.status);
        let event = match job.status {
            JobStatus::Completed => JobEvent::Completed,
            JobStatus::Canceled => JobEvent::Canceled,
            JobStatus::DeletionInProgress => JobEvent::DeletionInProgress,
            JobStatus::InProgress => continue,
        };
        if was != Some(job.status) {
            let executions = tx.executions_of_job(&job.job_id)?;
            out.push(Publish {
                topic: events::job_topic(&job.job_id, event),
                payload: events::job_event(job, &executions, event, &event_id(), &prefix, now),
            });
        }
    }
    for id in deleted {
        if let Some(job) = changed_jobs.iter().find(|j| &j.job_id == id) {
            out.push(Publish {
                topic: events::job_topic(id, JobEvent::Deleted),
                payload: events::job_event(job, &[], JobEvent::Deleted, &event_id(), &prefix, now),
            });
        }
    }
    Ok(out)
}

/// Brings one job up to now (timeouts, rollout, abort, completion) and commits what changed.
fn advance(
    tx: &JobsTx<'_>,
    job: &Job,
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, RegistryError> {
    let executions = tx.executions_of_job(&job.job_id)?;
    let advanced = jobs::advance(job, &executions, presign.now);
    if advanced.job.is_none() && advanced.changes.is_empty() {
        return Ok(Vec::new());
    }
    let changed_jobs: Vec<Job> = advanced.job.into_iter().collect();
    commit(tx, &changed_jobs, &advanced.changes, &[], presign)
}

/// CreateJob: the job and its queued executions (its target things' and the things in its
/// target groups, read in the same transaction), and what the rollout releases at once.
pub fn create(
    registry: &Registry,
    job: Job,
    presign: &Presign<'_>,
) -> Result<(Job, Vec<Publish>), Failure> {
    registry.jobs_write(|tx| split(create_in(tx, job, presign)))?
}

/// A failure that must undo the transaction (the database's) out of one that only answers.
fn split<T>(result: Result<T, Failure>) -> Result<Result<T, Failure>, RegistryError> {
    match result {
        Err(Failure::Registry(e)) => Err(e),
        other => Ok(other),
    }
}

fn create_in(
    tx: &JobsTx<'_>,
    job: Job,
    presign: &Presign<'_>,
) -> Result<(Job, Vec<Publish>), Failure> {
    if tx.job(&job.job_id)?.is_some() {
        return Err(JobError::ResourceAlreadyExists(format!(
            "Job with id {} already exists",
            job.job_id
        ))
        .into());
    }
    let members = tx.group_members(&job.target_groups)?;
    let (job, executions) = lifecycle::create_with_members(job, &members, presign.now)?;
    tx.put_job(&job)?;
    for e in &executions {
        tx.put_execution(e)?;
    }
    let published = advance(tx, &job, presign)?;
    let job = tx.job(&job.job_id)?.unwrap_or(job);
    Ok((job, published))
}

/// A thing added to a thing group: every CONTINUOUS job in progress on the group gives it a
/// QUEUED execution ([`lifecycle::join`]), released by the job's rollout as the job's other
/// executions are (now, or by a later tick), so the device is notified as at CreateJob. Reads
/// the jobs once and the thing's own executions once.
pub fn thing_joined(
    registry: &Registry,
    group: &str,
    thing: &str,
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, RegistryError> {
    registry.jobs_write(|tx| {
        let executions = tx.executions_of_thing(thing)?;
        let mut out = Vec::new();
        for job in tx.jobs()?.iter().filter(|j| j.follows_group(group)) {
            let existing = executions.iter().find(|e| e.job_id == job.job_id);
            if let Some(execution) = lifecycle::join(job, group, thing, existing, presign.now) {
                tx.put_execution(&execution)?;
                out.extend(advance(tx, job, presign)?);
            }
        }
        Ok(out)
    })
}

/// A thing removed from a thing group, now in `groups` only: its QUEUED executions of the
/// CONTINUOUS jobs in progress on the group become REMOVED where it is no longer a target
/// ([`lifecycle::leave`]); IN_PROGRESS and finished executions stay as they are.
pub fn thing_left(
    registry: &Registry,
    group: &str,
    thing: &str,
    groups: &[String],
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, RegistryError> {
    registry.jobs_write(|tx| {
        let executions = tx.executions_of_thing(thing)?;
        let changes: Vec<Execution> = tx
            .jobs()?
            .iter()
            .filter(|j| j.follows_group(group))
            .filter_map(|job| {
                let execution = executions.iter().find(|e| e.job_id == job.job_id)?;
                lifecycle::leave(job, group, groups, execution, presign.now)
            })
            .collect();
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        commit(tx, &[], &changes, &[], presign)
    })
}

/// CancelJob.
pub fn cancel(
    registry: &Registry,
    job_id: &str,
    force: bool,
    reason_code: Option<&str>,
    comment: Option<&str>,
    presign: &Presign<'_>,
) -> Result<(Job, Vec<Publish>), Failure> {
    registry.jobs_write(|tx| {
        let Some(job) = tx.job(job_id)? else {
            return Ok(Err(not_found(job_id)));
        };
        let executions = tx.executions_of_job(job_id)?;
        let outcome =
            match lifecycle::cancel(&job, &executions, force, reason_code, comment, presign.now) {
                Ok(o) => o,
                Err(e) => return Ok(Err(e.into())),
            };
        let published = commit(
            tx,
            std::slice::from_ref(&outcome.job),
            &outcome.changes,
            &[],
            presign,
        )?;
        Ok(Ok((outcome.job, published)))
    })?
}

fn not_found(job_id: &str) -> Failure {
    JobError::ResourceNotFound(format!("Job {job_id} does not exist")).into()
}

/// DeleteJob: the job and its executions are removed.
pub fn delete(
    registry: &Registry,
    job_id: &str,
    force: bool,
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, Failure> {
    registry.jobs_write(|tx| {
        let Some(job) = tx.job(job_id)? else {
            return Ok(Err(not_found(job_id)));
        };
        let deleting = match lifecycle::delete(&job, force, presign.now) {
            Ok(j) => j,
            Err(e) => return Ok(Err(e.into())),
        };
        let published = commit(tx, &[deleting], &[], &[job_id.to_owned()], presign)?;
        Ok(Ok(published))
    })?
}

/// Every IN_PROGRESS job brought up to now (`local up`'s clock).
pub fn tick(registry: &Registry, presign: &Presign<'_>) -> Result<Vec<Publish>, RegistryError> {
    registry.jobs_write(|tx| {
        let mut out = Vec::new();
        for job in tx.jobs()? {
            if job.status == JobStatus::InProgress {
                out.extend(advance(tx, &job, presign)?);
            }
        }
        Ok(out)
    })
}

/// A publish on `$aws/things/<thing>/jobs/...`, served: the answer first, then what the change
/// calls for. `None` when the topic is not a jobs request (answers are the service's own).
pub fn device_request(
    registry: &Registry,
    topic_name: &str,
    payload: &[u8],
    presign: &Presign<'_>,
) -> Option<Result<Vec<Publish>, RegistryError>> {
    let (thing, operation) = match JobsTopic::parse(topic_name)? {
        JobsTopic::Request { thing, operation } => (thing, operation),
        JobsTopic::Invalid { .. } => {
            return Some(Ok(vec![Publish {
                topic: format!("{topic_name}/rejected"),
                payload: device::invalid_topic(payload, presign.now),
            }]));
        }
        JobsTopic::Answer { .. } => return None,
    };
    Some(registry.jobs_write(|tx| serve(tx, thing, &operation, payload, presign)))
}

fn serve(
    tx: &JobsTx<'_>,
    thing: &str,
    operation: &Operation<'_>,
    payload: &[u8],
    presign: &Presign<'_>,
) -> Result<Vec<Publish>, RegistryError> {
    let executions = tx.executions_of_thing(thing)?;
    let jobs = jobs_of(tx, &executions)?;
    let mut presigner = |c: &PresignedUrlConfig, b: &str, k: &str| presign.url(c, b, k);
    let handled = device::handle(
        operation,
        thing,
        &entries(&jobs, &executions),
        payload,
        presign.now,
        &mut presigner,
    );
    let mut out = Vec::new();
    if let Some(accepted) = handled.accepted {
        out.push(Publish {
            topic: topic::answer(thing, operation, "accepted"),
            payload: accepted,
        });
    }
    if let Some(rejected) = handled.rejected {
        out.push(Publish {
            topic: topic::answer(thing, operation, "rejected"),
            payload: rejected,
        });
    }
    if handled.changes.is_empty() {
        return Ok(out);
    }
    out.extend(commit(tx, &[], &handled.changes, &[], presign)?);
    // Only an execution that ended can trip an abort criterion or complete its job, and only
    // when the job's counts by status say it may is every execution read; the clock releases
    // and times out the rest, so a device's update reads no more than its own executions.
    let job_ids: BTreeSet<&str> = handled
        .changes
        .iter()
        .filter(|e| e.status.is_terminal())
        .map(|e| e.job_id.as_str())
        .collect();
    for id in job_ids {
        if let Some(job) = tx.job(id)?
            && jobs::abort::may_settle(&job, &tx.status_counts(id)?)
        {
            out.extend(advance(tx, &job, presign)?);
        }
    }
    Ok(out)
}

/// The job, if there is one.
pub fn job(registry: &Registry, job_id: &str) -> Result<Option<Job>, RegistryError> {
    registry.jobs_read(|tx| tx.job(job_id))
}

/// Every job, oldest first.
pub fn all(registry: &Registry) -> Result<Vec<Job>, RegistryError> {
    registry.jobs_read(|tx| tx.jobs())
}

/// The job's executions.
pub fn executions_of_job(
    registry: &Registry,
    job_id: &str,
) -> Result<Vec<Execution>, RegistryError> {
    registry.jobs_read(|tx| tx.executions_of_job(job_id))
}

/// The thing's executions.
pub fn executions_of_thing(
    registry: &Registry,
    thing: &str,
) -> Result<Vec<Execution>, RegistryError> {
    registry.jobs_read(|tx| tx.executions_of_thing(thing))
}

/// Publishes as the broker sends them.
pub fn encoded(published: Vec<Publish>) -> Vec<(String, bytes::Bytes)> {
    published
        .into_iter()
        .map(|p| (p.topic, bytes::Bytes::from(p.payload.to_string())))
        .collect()
}

/// The broker's Jobs device API over the registry, with the download server's signer.
pub struct RegistryJobs {
    pub registry: Registry,
    pub signer: Option<Signer>,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl crate::local::broker::JobsService for RegistryJobs {
    fn request(&self, topic: &str, payload: &[u8]) -> Option<Vec<(String, bytes::Bytes)>> {
        let presign = Presign::new(self.signer.as_ref(), now_secs());
        match device_request(&self.registry, topic, payload, &presign)? {
            Ok(published) => Some(encoded(published)),
            Err(_) => {
                let rejected = crate::jobs::Rejection::new(
                    crate::jobs::RejectCode::InternalError,
                    "Internal service failure",
                    None,
                );
                Some(vec![(
                    format!("{topic}/rejected"),
                    bytes::Bytes::from(rejected.document(presign.now).to_string()),
                )])
            }
        }
    }
}

impl RegistryJobs {
    /// Every running job brought up to now; what to publish.
    pub fn tick(&self) -> Vec<(String, bytes::Bytes)> {
        let presign = Presign::new(self.signer.as_ref(), now_secs());
        tick(&self.registry, &presign)
            .map(encoded)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::jobs::{ExecutionStatus, Rollout, TargetSelection};

    const T0: u64 = 1_700_000_000;

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        for thing in ["s1", "s2", "s3"] {
            registry.create_thing(thing, &BTreeMap::new()).unwrap();
        }
        registry
            .create_thing_group("north", None, &BTreeMap::new())
            .unwrap();
        registry.add_thing_to_group("north", "s1").unwrap();
        (dir, registry)
    }

    fn group_job(id: &str, selection: TargetSelection) -> Job {
        let mut job = Job::new(id, r#"{"op":"update"}"#, &[], T0);
        job.target_groups = vec!["north".into()];
        job.target_selection = selection;
        job
    }

    fn topics(published: &[Publish]) -> Vec<&str> {
        published.iter().map(|p| p.topic.as_str()).collect()
    }

    fn status_of(registry: &Registry, job: &str, thing: &str) -> Option<ExecutionStatus> {
        executions_of_job(registry, job)
            .unwrap()
            .into_iter()
            .find(|e| e.thing_name == thing)
            .map(|e| e.status)
    }

    #[test]
    fn a_snapshot_job_on_a_group_runs_on_its_members_at_creation_only() {
        let (_dir, registry) = registry();
        let mut job = group_job("snap", TargetSelection::Snapshot);
        job.targets = vec!["s1".into()];
        let (_, published) = create(&registry, job, &Presign::new(None, T0)).unwrap();
        assert_eq!(
            topics(&published),
            [
                "$aws/things/s1/jobs/notify",
                "$aws/things/s1/jobs/notify-next"
            ]
        );
        let things: Vec<String> = executions_of_job(&registry, "snap")
            .unwrap()
            .into_iter()
            .map(|e| e.thing_name)
            .collect();
        assert_eq!(
            things,
            ["s1"],
            "one execution, though s1 is named and a member"
        );

        registry.add_thing_to_group("north", "s2").unwrap();
        let later = thing_joined(&registry, "north", "s2", &Presign::new(None, T0 + 5)).unwrap();
        assert!(later.is_empty());
        assert_eq!(status_of(&registry, "snap", "s2"), None);
    }

    #[test]
    fn a_continuous_job_gives_a_thing_added_later_a_queued_execution_and_notifies_it() {
        let (_dir, registry) = registry();
        let job = group_job("cont", TargetSelection::Continuous);
        create(&registry, job, &Presign::new(None, T0)).unwrap();

        registry.add_thing_to_group("north", "s2").unwrap();
        let published =
            thing_joined(&registry, "north", "s2", &Presign::new(None, T0 + 5)).unwrap();
        assert_eq!(
            topics(&published),
            [
                "$aws/things/s2/jobs/notify",
                "$aws/things/s2/jobs/notify-next"
            ]
        );
        assert_eq!(
            published[0].payload["jobs"]["QUEUED"][0]["jobId"], "cont",
            "{published:?}"
        );
        assert_eq!(
            status_of(&registry, "cont", "s2"),
            Some(ExecutionStatus::Queued)
        );
        // Joining again changes nothing.
        let again = thing_joined(&registry, "north", "s2", &Presign::new(None, T0 + 6)).unwrap();
        assert!(again.is_empty());

        // Leaving the group removes a QUEUED execution; coming back queues it again.
        registry.remove_thing_from_group("north", "s2").unwrap();
        let left = thing_left(&registry, "north", "s2", &[], &Presign::new(None, T0 + 7)).unwrap();
        assert!(
            topics(&left).contains(&"$aws/things/s2/jobs/notify"),
            "{left:?}"
        );
        assert!(topics(&left).contains(&"$aws/events/jobExecution/cont/removed"));
        assert_eq!(
            status_of(&registry, "cont", "s2"),
            Some(ExecutionStatus::Removed)
        );
        registry.add_thing_to_group("north", "s2").unwrap();
        thing_joined(&registry, "north", "s2", &Presign::new(None, T0 + 8)).unwrap();
        let back = executions_of_thing(&registry, "s2").unwrap();
        assert_eq!(
            (back[0].status, back[0].execution_number),
            (ExecutionStatus::Queued, 2)
        );
    }

    #[test]
    fn executions_added_later_wait_for_the_rollout() {
        let (_dir, registry) = registry();
        let mut job = group_job("slow", TargetSelection::Continuous);
        job.rollout = Some(Rollout {
            maximum_per_minute: Some(1),
            exponential_rate: None,
        });
        let (_, published) = create(&registry, job, &Presign::new(None, T0)).unwrap();
        assert_eq!(published.len(), 2, "s1 is released at once");

        registry.add_thing_to_group("north", "s3").unwrap();
        let held = thing_joined(&registry, "north", "s3", &Presign::new(None, T0 + 10)).unwrap();
        assert!(held.is_empty(), "this minute's one release went to s1");
        assert_eq!(
            status_of(&registry, "slow", "s3"),
            Some(ExecutionStatus::Queued)
        );

        let next_minute = tick(&registry, &Presign::new(None, T0 + 60)).unwrap();
        assert_eq!(
            topics(&next_minute),
            [
                "$aws/things/s3/jobs/notify",
                "$aws/things/s3/jobs/notify-next"
            ]
        );
    }
}
