//! AWS IoT's Jobs control plane (CreateJob, DescribeJob, ListJobs, ListJobExecutionsForJob,
//! ListJobExecutionsForThing, DescribeJobExecution, GetJobDocument, CancelJob, DeleteJob) over
//! [`crate::local::jobs`]. Targets are thing and thing group ARNs (a thing or group that does
//! not exist is `ResourceNotFoundException`, as AWS answers); a CONTINUOUS job also runs on the
//! things added to its groups later ([`thing_joined`], [`thing_left`]). What a change publishes
//! (notify, notify-next, events) goes out through the running broker, when there is one.

use serde_json::{Map, Value, json};

use super::Request;
use super::iot::{Answer, Failure};
use super::paging;
use super::reply::Reply;
use crate::jobs::{self, Execution, Job, JobError, PresignedUrlConfig, TargetSelection};
use crate::local::control::Local;
use crate::local::jobs::{self as service, Presign, Publish};
use crate::local::registry::{thing_group_of_arn, thing_of_arn};

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 250;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(local: &Local, req: &Request, segments: &[&str]) -> Option<Answer> {
    Some(match (req.method.as_str(), segments) {
        ("PUT", ["jobs", id]) => create(local, id, req),
        ("GET", ["jobs"]) => list(local, req),
        ("GET", ["jobs", id]) => describe(local, id),
        ("GET", ["jobs", id, "job-document"]) => document(local, id),
        ("GET", ["jobs", id, "things"]) => executions_of_job(local, id, req),
        ("PUT", ["jobs", id, "cancel"]) => cancel(local, id, req),
        ("DELETE", ["jobs", id]) => delete(local, id, req),
        ("GET", ["things", thing, "jobs"]) => executions_of_thing(local, thing, req),
        ("GET", ["things", thing, "jobs", id]) => describe_execution(local, thing, id),
        _ => return None,
    })
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn job_failure(e: JobError) -> Failure {
    Failure::Aws {
        status: e.http_status(),
        code: e.code(),
        message: e.to_string(),
    }
}

fn service_failure(e: service::Failure) -> Failure {
    match e {
        service::Failure::Job(e) => job_failure(e),
        service::Failure::Registry(e) => Failure::Registry(e),
    }
}

fn not_found(what: String) -> Failure {
    job_failure(JobError::ResourceNotFound(what))
}

/// Publishes through the running broker; with none, no device is connected to tell.
fn publish(local: &Local, published: Vec<Publish>) {
    if let Some(broker) = local.broker.get() {
        broker.publish_as_service(service::encoded(published));
    }
}

fn presign(local: &Local) -> Presign<'_> {
    Presign::new(local.downloads.get(), now_secs())
}

fn job_arn(id: &str) -> String {
    format!("{}job/{id}", service::arn_prefix())
}

/// After AddThingToThingGroup: the CONTINUOUS jobs on `group` give `thing` an execution.
pub(super) fn thing_joined(local: &Local, group: &str, thing: &str) -> Result<(), Failure> {
    let published = service::thing_joined(&local.registry, group, thing, &presign(local))?;
    publish(local, published);
    Ok(())
}

/// After RemoveThingFromThingGroup: `thing`, now in `groups` only, leaves the CONTINUOUS jobs
/// on `group` it is no longer a target of.
pub(super) fn thing_left(
    local: &Local,
    group: &str,
    thing: &str,
    groups: &[String],
) -> Result<(), Failure> {
    let published = service::thing_left(&local.registry, group, thing, groups, &presign(local))?;
    publish(local, published);
    Ok(())
}

fn u64_field(map: &Map<String, Value>, name: &str) -> Result<Option<u64>, Failure> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| Some(f as u64))
            .ok_or_else(|| Failure::Invalid(format!("{name} must be a whole number"))),
    }
}

/// CreateJob's body as the job it asks for.
fn job_of_request(id: &str, body: &Map<String, Value>, now: u64) -> Result<Job, Failure> {
    let document = match (body.get("document"), body.get("documentSource")) {
        (Some(Value::String(d)), _) => d.clone(),
        (_, Some(_)) => {
            return Err(Failure::Invalid(
                "documentSource (a document in S3) is not supported locally: give the document inline".into(),
            ));
        }
        _ => return Err(Failure::Invalid("CreateJob needs a document".into())),
    };
    let mut job = Job::new(id, &document, &[], now);
    for t in body
        .get("targets")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let arn = t
            .as_str()
            .ok_or_else(|| Failure::Invalid("targets must be ARNs".into()))?;
        if let Some(thing) = thing_of_arn(arn) {
            job.targets.push(thing.to_owned());
        } else if let Some(group) = thing_group_of_arn(arn) {
            job.target_groups.push(group.to_owned());
        } else {
            return Err(Failure::Invalid(format!(
                "target {arn} is not a thing or thing group ARN of this backend"
            )));
        }
    }
    job.description = body
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    job.target_selection = match body.get("targetSelection") {
        None | Some(Value::Null) => TargetSelection::Snapshot,
        Some(Value::String(s)) if s == "SNAPSHOT" => TargetSelection::Snapshot,
        Some(Value::String(s)) if s == "CONTINUOUS" => TargetSelection::Continuous,
        Some(other) => {
            return Err(Failure::Invalid(format!(
                "targetSelection must be SNAPSHOT or CONTINUOUS, not {other}"
            )));
        }
    };
    if let Some(rollout) = body.get("jobExecutionsRolloutConfig") {
        job.rollout = Some(
            serde_json::from_value(rollout.clone())
                .map_err(|e| Failure::Invalid(format!("jobExecutionsRolloutConfig: {e}")))?,
        );
    }
    if let Some(abort) = body.get("abortConfig") {
        let list = abort.get("criteriaList").cloned().unwrap_or(json!([]));
        job.abort = serde_json::from_value(list)
            .map_err(|e| Failure::Invalid(format!("abortConfig: {e}")))?;
    }
    if let Some(Value::Object(timeout)) = body.get("timeoutConfig") {
        job.in_progress_timeout_minutes = u64_field(timeout, "inProgressTimeoutInMinutes")?;
    }
    if let Some(Value::Object(config)) = body.get("presignedUrlConfig") {
        let role_arn = config
            .get("roleArn")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        job.presigned_url = Some(PresignedUrlConfig {
            role_arn,
            expires_in_sec: u64_field(config, "expiresInSec")?
                .unwrap_or(jobs::validate::DEFAULT_PRESIGN_EXPIRY_SECS),
        });
    }
    Ok(job)
}

fn create(local: &Local, id: &str, req: &Request) -> Answer {
    let body = req.json_object()?;
    let job = job_of_request(id, &body, now_secs())?;
    for thing in &job.targets {
        if local.registry.thing(thing)?.is_none() {
            return Err(not_found(format!("Thing {thing} cannot be found.")));
        }
    }
    for group in &job.target_groups {
        if local.registry.thing_group(group)?.is_none() {
            return Err(not_found(format!("Thing group {group} cannot be found.")));
        }
    }
    let (job, published) =
        service::create(&local.registry, job, &presign(local)).map_err(service_failure)?;
    publish(local, published);
    let mut out = json!({"jobArn": job_arn(&job.job_id), "jobId": job.job_id});
    if let Some(d) = &job.description {
        out["description"] = json!(d);
    }
    Ok(Reply::json(&out))
}

fn require(local: &Local, id: &str) -> Result<Job, Failure> {
    service::job(&local.registry, id)?.ok_or_else(|| not_found(format!("Job {id} does not exist")))
}

fn job_document(job: &Job, executions: &[Execution]) -> Value {
    let mut out = json!({
        "jobArn": job_arn(&job.job_id),
        "jobId": job.job_id,
        "targetSelection": job.target_selection,
        "status": job.status,
        "forceCanceled": job.force_canceled,
        "targets": job.target_arns(&service::arn_prefix()),
        "createdAt": job.created_at,
        "lastUpdatedAt": job.last_updated_at,
        "jobProcessDetails": jobs::process_details(executions),
        "isConcurrent": false,
    });
    let put = |out: &mut Value, k: &str, v: Value| {
        out[k] = v;
    };
    if let Some(d) = &job.description {
        put(&mut out, "description", json!(d));
    }
    if let Some(c) = &job.comment {
        put(&mut out, "comment", json!(c));
    }
    if let Some(r) = &job.reason_code {
        put(&mut out, "reasonCode", json!(r));
    }
    if let Some(t) = job.completed_at {
        put(&mut out, "completedAt", json!(t));
    }
    if let Some(r) = &job.rollout {
        put(&mut out, "jobExecutionsRolloutConfig", json!(r));
    }
    if !job.abort.is_empty() {
        put(&mut out, "abortConfig", json!({"criteriaList": job.abort}));
    }
    if let Some(m) = job.in_progress_timeout_minutes {
        put(
            &mut out,
            "timeoutConfig",
            json!({"inProgressTimeoutInMinutes": m}),
        );
    }
    if let Some(p) = &job.presigned_url {
        put(&mut out, "presignedUrlConfig", json!(p));
    }
    out
}

fn describe(local: &Local, id: &str) -> Answer {
    let job = require(local, id)?;
    let executions = service::executions_of_job(&local.registry, id)?;
    Ok(Reply::json(
        &json!({"job": job_document(&job, &executions)}),
    ))
}

fn document(local: &Local, id: &str) -> Answer {
    let job = require(local, id)?;
    // As on AWS, the placeholders stay: only a device's request replaces them.
    Ok(Reply::json(&json!({"document": job.document})))
}

fn list(local: &Local, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let status = req.query("status");
    let selection = req.query("targetSelection");
    let group = req.query("thingGroupName");
    let mut all: Vec<Job> = service::all(&local.registry)?
        .into_iter()
        .filter(|j| status.is_none_or(|s| json!(j.status) == s))
        .filter(|j| selection.is_none_or(|s| json!(j.target_selection) == s))
        .filter(|j| group.is_none_or(|g| j.target_groups.iter().any(|t| t == g)))
        .collect();
    // Newest first, as AWS lists them.
    all.reverse();
    let key = |j: &Job| format!("{:020}-{}", u64::MAX - j.created_at, j.job_id);
    let (page, next) = paging::page(all, key, after.as_deref(), size);
    let jobs: Vec<Value> = page
        .iter()
        .map(|j| {
            let mut s = json!({
                "jobArn": job_arn(&j.job_id),
                "jobId": j.job_id,
                "targetSelection": j.target_selection,
                "status": j.status,
                "createdAt": j.created_at,
                "lastUpdatedAt": j.last_updated_at,
                "isConcurrent": false,
            });
            if let Some(t) = j.completed_at {
                s["completedAt"] = json!(t);
            }
            s
        })
        .collect();
    let mut out = json!({"jobs": jobs});
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(Reply::json(&out))
}

fn summary(e: &Execution) -> Value {
    let mut s = json!({
        "status": e.status.as_str(),
        "queuedAt": e.queued_at,
        "lastUpdatedAt": e.last_updated_at,
        "executionNumber": e.execution_number,
    });
    if let Some(t) = e.started_at {
        s["startedAt"] = json!(t);
    }
    s
}

fn page_of_executions(
    executions: Vec<Execution>,
    req: &Request,
    entry: impl Fn(&Execution) -> Value,
    key: impl Fn(&Execution) -> String,
) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let status = req.query("status");
    let executions: Vec<Execution> = executions
        .into_iter()
        .filter(|e| status.is_none_or(|s| e.status.as_str() == s))
        .collect();
    let (page, next) = paging::page(executions, key, after.as_deref(), size);
    let mut out = json!({"executionSummaries": page.iter().map(entry).collect::<Vec<_>>()});
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(Reply::json(&out))
}

fn executions_of_job(local: &Local, id: &str, req: &Request) -> Answer {
    require(local, id)?;
    let executions = service::executions_of_job(&local.registry, id)?;
    page_of_executions(
        executions,
        req,
        |e| {
            json!({
                "thingArn": format!("{}thing/{}", service::arn_prefix(), e.thing_name),
                "jobExecutionSummary": summary(e),
            })
        },
        |e| e.thing_name.clone(),
    )
}

fn executions_of_thing(local: &Local, thing: &str, req: &Request) -> Answer {
    if local.registry.thing(thing)?.is_none() {
        return Err(not_found(format!("Thing {thing} cannot be found.")));
    }
    let executions = service::executions_of_thing(&local.registry, thing)?;
    page_of_executions(
        executions,
        req,
        |e| json!({"jobId": e.job_id, "jobExecutionSummary": summary(e)}),
        |e| e.job_id.clone(),
    )
}

fn describe_execution(local: &Local, thing: &str, id: &str) -> Answer {
    let execution = service::executions_of_thing(&local.registry, thing)?
        .into_iter()
        .find(|e| e.job_id == id)
        .ok_or_else(|| {
            not_found(format!(
                "Job Execution for job {id} and thing {thing} does not exist"
            ))
        })?;
    let mut out = json!({
        "jobId": execution.job_id,
        "status": execution.status.as_str(),
        "forceCanceled": false,
        "statusDetails": {"detailsMap": execution.status_details},
        "thingArn": format!("{}thing/{thing}", service::arn_prefix()),
        "queuedAt": execution.queued_at,
        "lastUpdatedAt": execution.last_updated_at,
        "executionNumber": execution.execution_number,
        "versionNumber": execution.version_number,
    });
    if let Some(t) = execution.started_at {
        out["startedAt"] = json!(t);
    }
    if let Some(deadline) = execution.deadline() {
        out["approximateSecondsBeforeTimedOut"] = json!(deadline.saturating_sub(now_secs()));
    }
    Ok(Reply::json(&json!({"execution": out})))
}

fn flag(req: &Request, body: &Map<String, Value>) -> bool {
    req.query("force") == Some("true") || body.get("force").and_then(Value::as_bool) == Some(true)
}

fn cancel(local: &Local, id: &str, req: &Request) -> Answer {
    let body = if req.body.is_empty() {
        Map::new()
    } else {
        req.json_object()?
    };
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let (job, published) = service::cancel(
        &local.registry,
        id,
        flag(req, &body),
        text("reasonCode"),
        text("comment"),
        &presign(local),
    )
    .map_err(service_failure)?;
    publish(local, published);
    let mut out = json!({"jobArn": job_arn(id), "jobId": id});
    if let Some(d) = &job.description {
        out["description"] = json!(d);
    }
    Ok(Reply::json(&out))
}

fn delete(local: &Local, id: &str, req: &Request) -> Answer {
    let published = service::delete(&local.registry, id, flag(req, &Map::new()), &presign(local))
        .map_err(service_failure)?;
    publish(local, published);
    Ok(Reply::json(&json!({})))
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use serde_json::{Value, json};

    const GROUP: &str = "arn:aws:iot:local:000000000000:thinggroup/north";

    fn setup() -> (tempfile::TempDir, crate::local::control::Local) {
        let (dir, local) = local();
        for thing in ["s1", "s2", "s3"] {
            handle(
                &local,
                &request("POST", &format!("/things/{thing}"), &[], ""),
            );
        }
        handle(&local, &request("POST", "/thing-groups/north", &[], ""));
        let joined = json!({"thingGroupName": "north", "thingName": "s1"}).to_string();
        handle(
            &local,
            &request("PUT", "/thing-groups/addThingToThingGroup", &[], &joined),
        );
        (dir, local)
    }

    fn create(local: &crate::local::control::Local, id: &str, extra: Value) -> super::Reply {
        let mut job = json!({"document": r#"{"op":"update"}"#, "targets": [GROUP]});
        for (k, v) in extra.as_object().unwrap() {
            job[k] = v.clone();
        }
        handle(
            local,
            &request("PUT", &format!("/jobs/{id}"), &[], &job.to_string()),
        )
    }

    fn things_of(local: &crate::local::control::Local, id: &str) -> Vec<String> {
        let listed = body(&handle(
            local,
            &request("GET", &format!("/jobs/{id}/things"), &[], ""),
        ));
        listed["executionSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["thingArn"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    fn add(local: &crate::local::control::Local, thing: &str) {
        let joined = json!({"thingGroupName": "north", "thingName": thing}).to_string();
        let reply = handle(
            local,
            &request("PUT", "/thing-groups/addThingToThingGroup", &[], &joined),
        );
        assert_eq!(reply.status, 200, "{reply:?}");
    }

    #[test]
    fn a_job_on_a_group_keeps_its_targets_and_runs_on_the_members() {
        let (_dir, local) = setup();
        let thing = "arn:aws:iot:local:000000000000:thing/s2";
        let made = create(&local, "snap", json!({"targets": [GROUP, thing]}));
        assert_eq!(made.status, 200, "{made:?}");
        let described = body(&handle(&local, &request("GET", "/jobs/snap", &[], "")));
        assert_eq!(described["job"]["targets"], json!([thing, GROUP]));
        assert_eq!(described["job"]["targetSelection"], "SNAPSHOT");
        assert_eq!(things_of(&local, "snap"), ["s1", "s2"]);
        // A SNAPSHOT job is not extended.
        add(&local, "s3");
        assert_eq!(things_of(&local, "snap"), ["s1", "s2"]);
    }

    #[test]
    fn a_continuous_job_runs_on_things_added_to_its_group_later() {
        let (_dir, local) = setup();
        let made = create(&local, "cont", json!({"targetSelection": "CONTINUOUS"}));
        assert_eq!(made.status, 200, "{made:?}");
        add(&local, "s3");
        assert_eq!(things_of(&local, "cont"), ["s1", "s3"]);
        let execution = body(&handle(
            &local,
            &request("GET", "/things/s3/jobs/cont", &[], ""),
        ));
        assert_eq!(execution["execution"]["status"], "QUEUED");
        let listed = body(&handle(
            &local,
            &request(
                "GET",
                "/jobs",
                &[
                    ("targetSelection", "CONTINUOUS"),
                    ("thingGroupName", "north"),
                ],
                "",
            ),
        ));
        assert_eq!(listed["jobs"][0]["jobId"], "cont");
        assert_eq!(listed["jobs"][0]["targetSelection"], "CONTINUOUS");

        let left = json!({"thingGroupName": "north", "thingName": "s3"}).to_string();
        handle(
            &local,
            &request("PUT", "/thing-groups/removeThingFromThingGroup", &[], &left),
        );
        let execution = body(&handle(
            &local,
            &request("GET", "/things/s3/jobs/cont", &[], ""),
        ));
        assert_eq!(execution["execution"]["status"], "REMOVED");
    }

    #[test]
    fn continuous_without_a_group_and_missing_groups_are_refused() {
        let (_dir, local) = setup();
        let thing_only = json!({
            "targets": ["arn:aws:iot:local:000000000000:thing/s1"],
            "targetSelection": "CONTINUOUS",
        });
        let refused = create(&local, "c1", thing_only);
        assert_eq!(
            (refused.status, error_type(&refused)),
            (400, Some("InvalidRequestException"))
        );
        let missing = create(
            &local,
            "c2",
            json!({"targets": ["arn:aws:iot:local:000000000000:thinggroup/south"]}),
        );
        assert_eq!(
            (missing.status, error_type(&missing)),
            (404, Some("ResourceNotFoundException"))
        );
        let foreign = create(
            &local,
            "c3",
            json!({"targets": ["arn:aws:iot:us-east-1:123456789012:thinggroup/north"]}),
        );
        assert_eq!(error_type(&foreign), Some("InvalidRequestException"));
        let odd = create(&local, "c4", json!({"targetSelection": "SOMETIMES"}));
        assert_eq!(error_type(&odd), Some("InvalidRequestException"));
        let none = handle(&local, &request("GET", "/jobs", &[], ""));
        assert_eq!(body(&none)["jobs"], json!([]));
    }
}
