use serde_json::{Value, json};

use super::device::{handle, invalid_topic};
use super::model::{AbortAction, ExponentialRate, FailureType, RateIncreaseCriteria};
use super::*;
use ExecutionStatus as S;
use Operation::{Describe, GetPending, StartNext, Update};

const T0: u64 = 1_000_000;
const ARN: &str = "arn:aws:iot:eu-west-1:123456789012:";

fn job(id: &str, targets: &[&str]) -> Job {
    Job::new(id, r#"{"op":"update"}"#, targets, T0)
}

/// A QUEUED execution of `job_id` on `thing`, released by the rollout at `at`.
fn released(job_id: &str, thing: &str, at: u64) -> Execution {
    let mut e = Execution::queued(job_id, thing, 1, at);
    e.notified_at = Some(at);
    e
}

/// Released executions of `job_id` on t0, t1, ... with these statuses.
fn with_statuses(job_id: &str, statuses: &[S]) -> Vec<Execution> {
    let each = |(i, s): (usize, &S)| Execution {
        status: *s,
        ..released(job_id, &format!("t{i}"), T0)
    };
    statuses.iter().enumerate().map(each).collect()
}

fn no_presign(_: &PresignedUrlConfig, _: &str, _: &str) -> String {
    unreachable!("no job here has a presignedUrlConfig")
}

fn entries<'a>(jobs: &[&'a Job], execs: &'a [Execution]) -> Vec<Entry<'a>> {
    let job_of = |e: &Execution| *jobs.iter().find(|j| j.job_id == e.job_id).unwrap();
    let entry = |execution| Entry {
        job: job_of(execution),
        execution,
    };
    execs.iter().map(entry).collect()
}

/// Serves a request of thing t1 whose executions belong to `jobs`.
fn serve(op: Operation<'_>, jobs: &[&Job], execs: &[Execution], body: Value, now: u64) -> Handled {
    let bytes = body.to_string();
    handle(
        &op,
        "t1",
        &entries(jobs, execs),
        bytes.as_bytes(),
        now,
        &mut no_presign,
    )
}

fn ask(op: Operation<'_>, job: &Job, execs: &[Execution], body: Value, now: u64) -> Handled {
    serve(op, &[job], execs, body, now)
}

fn code(h: &Handled) -> &str {
    assert!(h.accepted.is_none() && h.changes.is_empty(), "{h:?}");
    h.rejected.as_ref().unwrap()["code"].as_str().unwrap()
}

fn invalid_request(result: Result<impl std::fmt::Debug, JobError>) {
    let err = result.unwrap_err();
    assert_eq!(err.code(), "InvalidRequestException");
    assert_eq!(err.http_status(), 400);
}

// ---- model and CreateJob validation ----

#[test]
fn statuses_and_stored_forms_use_aws_names() {
    assert_eq!(json!(S::TimedOut), json!("TIMED_OUT"));
    assert_eq!(json!(JobStatus::Completed), json!("COMPLETED"));
    assert_eq!(S::parse("SUCCEEDED"), Some(S::Succeeded));
    assert_eq!(S::parse("succeeded"), None);
    assert_eq!(S::ALL.into_iter().filter(|s| s.is_terminal()).count(), 6);
    assert!(!S::Queued.is_terminal() && !S::InProgress.is_terminal());

    let mut j = job("j1", &["t1"]);
    let config = json!({"roleArn": "arn:aws:iam::1:role/r"});
    j.presigned_url = Some(serde_json::from_value(config).unwrap());
    let stored = serde_json::to_value(&j).unwrap();
    assert_eq!(stored["jobId"], "j1");
    assert_eq!(stored["targetSelection"], "SNAPSHOT");
    assert_eq!(stored["presignedUrl"]["expiresInSec"], 3600, "the default");
    assert_eq!(serde_json::from_value::<Job>(stored).unwrap(), j);
    let e = released("j1", "t1", T0);
    let stored = serde_json::to_value(&e).unwrap();
    assert_eq!(stored["versionNumber"], 1);
    assert_eq!(stored["status"], "QUEUED");
    assert_eq!(serde_json::from_value::<Execution>(stored).unwrap(), e);
}

fn creating(f: &dyn Fn(&mut Job)) -> Result<(Job, Vec<Execution>), JobError> {
    let mut j = job("j", &["t1"]);
    f(&mut j);
    lifecycle::create(j, T0)
}

#[test]
fn create_job_checks_ids_documents_and_targets() {
    let (created, executions) =
        lifecycle::create(job("job_1-a", &["t1", "t2", "t1"]), T0 + 5).unwrap();
    assert_eq!(created.status, JobStatus::InProgress);
    assert_eq!(created.created_at, T0 + 5);
    let things: Vec<_> = executions.iter().map(|e| e.thing_name.as_str()).collect();
    assert_eq!(things, ["t1", "t2"]);
    let fresh = |e: &Execution| e.status == S::Queued && !e.notified();
    assert!(executions.iter().all(fresh));

    invalid_request(creating(&|j| j.job_id = "a".repeat(65)));
    invalid_request(creating(&|j| j.job_id = "bad$id".into()));
    invalid_request(creating(&|j| j.job_id = String::new()));
    assert!(creating(&|j| j.job_id = "a".repeat(64)).is_ok());
    invalid_request(creating(&|j| j.document = "{not json".into()));
    let padded = |n| format!(r#"{{"pad":"{}"}}"#, "x".repeat(n));
    assert_eq!(padded(32 * 1024 - 10).len(), 32 * 1024);
    assert!(creating(&|j| j.document = padded(32 * 1024 - 10)).is_ok());
    invalid_request(creating(&|j| j.document = padded(32 * 1024 - 9)));
    invalid_request(creating(&|j| j.targets.clear()));
    invalid_request(creating(&|j| j.targets = vec!["no spaces".into()]));
    invalid_request(creating(&|j| j.description = Some("a\u{7}b".into())));
    invalid_request(creating(&|j| j.in_progress_timeout_minutes = Some(0)));
    invalid_request(creating(&|j| j.in_progress_timeout_minutes = Some(10081)));
    assert!(creating(&|j| j.in_progress_timeout_minutes = Some(10080)).is_ok());
}

#[test]
fn group_targets_give_their_members_executions_once_and_continuous_needs_one() {
    let mut j = job("j", &["t2", "t1"]);
    j.target_groups = vec!["north".into()];
    let members = ["t1".to_string(), "t3".to_string()];
    let (created, executions) = lifecycle::create_with_members(j.clone(), &members, T0).unwrap();
    let things: Vec<_> = executions.iter().map(|e| e.thing_name.as_str()).collect();
    assert_eq!(things, ["t2", "t1", "t3"]);
    assert_eq!(created.target_groups, ["north"]);
    assert_eq!(
        created.target_arns(ARN),
        [
            format!("{ARN}thing/t2"),
            format!("{ARN}thing/t1"),
            format!("{ARN}thinggroup/north"),
        ]
    );

    // A group alone is a target, even an empty one.
    let mut only_group = job("g", &[]);
    only_group.target_groups = vec!["north".into()];
    let (_, none) = lifecycle::create_with_members(only_group.clone(), &[], T0).unwrap();
    assert!(none.is_empty());
    invalid_request(creating(&|j| j.target_groups = vec!["bad/group".into()]));

    // CONTINUOUS without a thing group target is refused.
    let err = creating(&|j| j.target_selection = TargetSelection::Continuous).unwrap_err();
    assert_eq!(err.code(), "InvalidRequestException");
    assert!(err.to_string().contains("thing group"), "{err}");
    only_group.target_selection = TargetSelection::Continuous;
    assert!(lifecycle::create(only_group, T0).is_ok());

    // Jobs stored before group targets read back without them.
    let mut stored = serde_json::to_value(job("old", &["t1"])).unwrap();
    assert!(stored.get("targetGroups").is_none());
    stored.as_object_mut().unwrap().remove("targetSelection");
    let old: Job = serde_json::from_value(stored).unwrap();
    assert!(old.target_groups.is_empty());
    assert_eq!(old.target_selection, TargetSelection::Snapshot);
}

#[test]
fn only_continuous_jobs_in_progress_follow_their_groups() {
    let mut continuous = job("c", &["t1"]);
    continuous.target_groups = vec!["north".into(), "wheat".into()];
    continuous.target_selection = TargetSelection::Continuous;
    let joined = lifecycle::join(&continuous, "north", "t5", None, T0 + 9).unwrap();
    assert_eq!(
        (joined.status, joined.execution_number, joined.notified()),
        (S::Queued, 1, false)
    );
    assert_eq!(joined.queued_at, T0 + 9);
    assert!(lifecycle::join(&continuous, "east", "t5", None, T0).is_none());
    let running = Execution {
        status: S::InProgress,
        ..released("c", "t5", T0)
    };
    assert!(lifecycle::join(&continuous, "north", "t5", Some(&running), T0).is_none());
    let removed = Execution {
        status: S::Removed,
        ..released("c", "t5", T0)
    };
    let again = lifecycle::join(&continuous, "north", "t5", Some(&removed), T0).unwrap();
    assert_eq!((again.status, again.execution_number), (S::Queued, 2));
    let mut snapshot = continuous.clone();
    snapshot.target_selection = TargetSelection::Snapshot;
    assert!(lifecycle::join(&snapshot, "north", "t5", None, T0).is_none());
    let mut canceled = continuous.clone();
    canceled.status = JobStatus::Canceled;
    assert!(lifecycle::join(&canceled, "north", "t5", None, T0).is_none());

    // Leaving: a QUEUED execution is REMOVED once the thing is no longer a target.
    let queued = released("c", "t5", T0);
    let left = lifecycle::leave(&continuous, "north", &[], &queued, T0 + 1).unwrap();
    assert_eq!((left.status, left.last_updated_at), (S::Removed, T0 + 1));
    let still_in_wheat = ["wheat".to_string()];
    assert!(lifecycle::leave(&continuous, "north", &still_in_wheat, &queued, T0).is_none());
    let named = released("c", "t1", T0);
    assert!(lifecycle::leave(&continuous, "north", &[], &named, T0).is_none());
    assert!(lifecycle::leave(&continuous, "north", &[], &running, T0).is_none());
    assert!(lifecycle::leave(&snapshot, "north", &[], &queued, T0).is_none());
}

fn exponential(base: u64, factor: f64, notified: Option<u64>, succeeded: Option<u64>) -> Rollout {
    let rate_increase_criteria = RateIncreaseCriteria {
        number_of_notified_things: notified,
        number_of_succeeded_things: succeeded,
    };
    let exp = ExponentialRate {
        base_rate_per_minute: base,
        increment_factor: factor,
        rate_increase_criteria,
    };
    Rollout {
        maximum_per_minute: None,
        exponential_rate: Some(exp),
    }
}

fn constant(n: u64) -> Rollout {
    Rollout {
        maximum_per_minute: Some(n),
        exponential_rate: None,
    }
}

fn criterion(failure_type: FailureType, min: u64, threshold: f64) -> AbortCriterion {
    AbortCriterion {
        action: AbortAction::Cancel,
        failure_type,
        min_number_of_executed_things: min,
        threshold_percentage: threshold,
    }
}

#[test]
fn create_job_checks_rollout_abort_and_presign_configuration() {
    invalid_request(creating(&|j| j.rollout = Some(constant(0))));
    invalid_request(creating(&|j| j.rollout = Some(constant(1001))));
    assert!(creating(&|j| j.rollout = Some(constant(1000))).is_ok());
    for (base, factor, notified) in [(0, 2.0, Some(1)), (10, 1.0, Some(1)), (10, 5.1, Some(1))]
        .into_iter()
        .chain([(10, 1.55, Some(1)), (10, 2.0, None), (10, 2.0, Some(0))])
    {
        let rollout = exponential(base, factor, notified, None);
        invalid_request(creating(&|j| j.rollout = Some(rollout.clone())));
    }
    assert!(creating(&|j| j.rollout = Some(exponential(10, 1.1, None, Some(5)))).is_ok());
    assert!(creating(&|j| j.rollout = Some(exponential(1000, 5.0, Some(1), None))).is_ok());

    let aborting = |min, threshold| {
        let c = criterion(FailureType::All, min, threshold);
        creating(&|j| j.abort = vec![c.clone()])
    };
    invalid_request(aborting(0, 10.0));
    invalid_request(aborting(1, 100.5));
    invalid_request(aborting(1, 10.999));
    assert!(aborting(1, 10.99).is_ok());
    let bad_action = json!({"action": "PAUSE", "failureType": "FAILED",
        "minNumberOfExecutedThings": 1, "thresholdPercentage": 5});
    assert!(serde_json::from_value::<AbortCriterion>(bad_action).is_err());

    let role_arn = "arn:aws:iam::123456789012:role/r".to_owned();
    let presigned = |expires_in_sec| {
        Some(PresignedUrlConfig {
            role_arn: role_arn.clone(),
            expires_in_sec,
        })
    };
    invalid_request(creating(&|j| j.presigned_url = presigned(59)));
    invalid_request(creating(&|j| j.presigned_url = presigned(3601)));
    assert!(creating(&|j| j.presigned_url = presigned(60)).is_ok());
    let not_s3 = r#"{"u":"${aws:iot:s3-presigned-url:https://example.com/bkt/k}"}"#;
    invalid_request(creating(&|j| j.document = not_s3.into()));
}

// ---- topics ----

#[test]
fn topics_split_requests_answers_and_invalid_ones() {
    use topic::JobsTopic as T;
    let topic = |path: &str| format!("$aws/things/t1/jobs/{path}");
    let req = |operation| {
        Some(T::Request {
            thing: "t1",
            operation,
        })
    };
    assert_eq!(T::parse(&topic("get")), req(GetPending));
    assert_eq!(T::parse(&topic("start-next")), req(StartNext));
    assert_eq!(T::parse(&topic("j-1/get")), req(Describe("j-1")));
    assert_eq!(T::parse(&topic("$next/get")), req(Describe("$next")));
    assert_eq!(T::parse(&topic("j_1/update")), req(Update("j_1")));
    for answer in [
        "get/accepted",
        "get/rejected",
        "start-next/accepted",
        "j/get/accepted",
    ]
    .into_iter()
    .chain([
        "$next/get/rejected",
        "j/update/accepted",
        "notify",
        "notify-next",
    ]) {
        assert!(topic::is_answer(&topic(answer)), "{answer}");
    }
    for invalid in [
        "$next/update",
        "j/delete",
        "j/get/other",
        "",
        "a/b/c/d",
        "bad$id/get",
    ] {
        let expected = Some(T::Invalid { thing: "t1" });
        assert_eq!(T::parse(&topic(invalid)), expected, "{invalid}");
    }
    assert_eq!(T::parse("$aws/things/t1/shadow/get"), None);
    assert_eq!(T::parse("$aws/things/bad thing/jobs/get"), None);
    let update_accepted = topic::answer("t1", &Update("j"), "accepted");
    assert_eq!(update_accepted, "$aws/things/t1/jobs/j/update/accepted");
    let start_rejected = topic::answer("t1", &StartNext, "rejected");
    assert_eq!(start_rejected, "$aws/things/t1/jobs/start-next/rejected");
    assert_eq!(topic::notify_next("t1"), "$aws/things/t1/jobs/notify-next");
    let doc = invalid_topic(br#"{"clientToken":"c"}"#, 9);
    let expected = json!({"code": "InvalidTopic", "message": doc["message"], "timestamp": 9, "clientToken": "c"});
    assert_eq!(doc, expected);
}

// ---- the device API ----

#[test]
fn an_execution_goes_queued_in_progress_succeeded_with_versions() {
    let mut j = job("j1", &["t1"]);
    j.in_progress_timeout_minutes = Some(30);
    let start = json!({"clientToken": "c1", "statusDetails": {"step": "download"}});
    let h = ask(StartNext, &j, &[released("j1", "t1", T0)], start, T0 + 10);
    let execution = json!({
        "jobId": "j1", "thingName": "t1", "jobDocument": {"op": "update"},
        "status": "IN_PROGRESS", "statusDetails": {"step": "download"},
        "queuedAt": T0, "startedAt": T0 + 10, "lastUpdatedAt": T0 + 10,
        "versionNumber": 2, "executionNumber": 1,
    });
    let answer = json!({"execution": execution, "timestamp": T0 + 10, "clientToken": "c1"});
    assert_eq!(h.accepted.unwrap(), answer);
    assert_eq!(h.changes[0].in_progress_deadline, Some(T0 + 10 + 30 * 60));
    // Still the only pending execution, still next: nothing to notify.
    assert_eq!(h.notifications, Notifications::default());

    let body = json!({"status": "IN_PROGRESS", "expectedVersion": 2,
        "statusDetails": {"step": "install"}, "includeJobExecutionState": true});
    let h = ask(Update("j1"), &j, &h.changes, body, T0 + 20);
    let state =
        json!({"status": "IN_PROGRESS", "statusDetails": {"step": "install"}, "versionNumber": 3});
    assert_eq!(h.accepted.unwrap()["executionState"], state);
    assert_eq!(
        h.changes[0].started_at,
        Some(T0 + 10),
        "startedAt is kept from the first start"
    );

    let body = json!({"status": "SUCCEEDED", "expectedVersion": 3, "clientToken": "c3"});
    let h = ask(Update("j1"), &j, &h.changes, body, T0 + 30);
    assert_eq!(
        h.accepted.unwrap(),
        json!({"timestamp": T0 + 30, "clientToken": "c3"})
    );
    let done = &h.changes[0];
    assert_eq!((done.status, done.version_number), (S::Succeeded, 4));
    assert_eq!(
        done.status_details["step"], "install",
        "details kept when not given"
    );
    assert_eq!(done.in_progress_deadline, None);
    assert_eq!(
        h.notifications.notify,
        Some(json!({"timestamp": T0 + 30, "jobs": {}}))
    );
    assert_eq!(
        h.notifications.notify_next,
        Some(json!({"timestamp": T0 + 30}))
    );
    let completed = lifecycle::complete(&j, &h.changes, T0 + 30).unwrap();
    assert_eq!(completed.status, JobStatus::Completed);
}

#[test]
fn a_stale_expected_version_is_a_version_mismatch_with_the_state() {
    let j = job("j1", &["t1"]);
    let e = Execution {
        version_number: 3,
        ..with_statuses("j1", &[S::InProgress]).remove(0)
    };
    let body = json!({"status": "SUCCEEDED", "expectedVersion": 2, "clientToken": "x"});
    let h = ask(Update("j1"), &j, &[e], body, T0);
    assert_eq!(code(&h), "VersionMismatch");
    let doc = h.rejected.unwrap();
    assert_eq!(
        doc["executionState"],
        json!({"status": "IN_PROGRESS", "versionNumber": 3})
    );
    assert_eq!(
        (&doc["clientToken"], &doc["timestamp"]),
        (&json!("x"), &json!(T0))
    );
}

#[test]
fn terminal_executions_and_service_statuses_are_invalid_transitions() {
    let j = job("j1", &["t0"]);
    let done = with_statuses("j1", &[S::Succeeded]);
    for status in ["IN_PROGRESS", "FAILED", "SUCCEEDED"] {
        let h = ask(Update("j1"), &j, &done, json!({"status": status}), T0);
        assert_eq!(code(&h), "InvalidStateTransition");
        assert_eq!(h.rejected.unwrap()["executionState"]["status"], "SUCCEEDED");
    }
    let queued = with_statuses("j1", &[S::Queued]);
    for status in ["QUEUED", "CANCELED", "TIMED_OUT", "REMOVED"] {
        let h = ask(Update("j1"), &j, &queued, json!({"status": status}), T0);
        assert_eq!(code(&h), "InvalidStateTransition", "{status}");
    }
    // A QUEUED execution may be rejected straight away.
    let h = ask(Update("j1"), &j, &queued, json!({"status": "REJECTED"}), T0);
    assert_eq!(h.changes[0].status, S::Rejected);
}

#[test]
fn malformed_requests_are_rejected_with_the_right_code() {
    let j = job("j1", &["t1"]);
    let execs = [released("j1", "t1", T0)];
    let raw = |op: Operation<'_>, payload: &[u8]| {
        let entries = [Entry {
            job: &j,
            execution: &execs[0],
        }];
        handle(&op, "t1", &entries, payload, T0, &mut no_presign)
    };
    assert_eq!(code(&raw(GetPending, b"{nope")), "InvalidJson");
    assert_eq!(code(&raw(Update("j1"), b"\xff\xfe")), "InvalidJson");
    assert_eq!(code(&raw(GetPending, b"[1]")), "InvalidRequest");
    assert!(
        raw(GetPending, b"").accepted.is_some(),
        "empty reads as {{}}"
    );
    let long_token = json!({"clientToken": "x".repeat(65)}).to_string();
    let h = raw(GetPending, long_token.as_bytes());
    assert_eq!(code(&h), "InvalidRequest");
    assert!(h.rejected.unwrap().get("clientToken").is_none());
    for body in [
        json!({"clientToken": "c"}),
        json!({"status": "DONE"}),
        json!({"status": "IN_PROGRESS", "statusDetails": {"n": 5}}),
        json!({"status": "IN_PROGRESS", "statusDetails": {"bad key": "v"}}),
        json!({"status": "IN_PROGRESS", "statusDetails": {"k": ""}}),
        json!({"status": "IN_PROGRESS", "expectedVersion": "1"}),
        json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 10081}),
        json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 0}),
    ] {
        let h = ask(Update("j1"), &j, &execs, body.clone(), T0);
        assert_eq!(code(&h), "InvalidRequest", "{body}");
    }
    let body = json!({"stepTimeoutInMinutes": -1});
    let h = ask(StartNext, &j, &execs, body, T0);
    assert_eq!(code(&h), "InvalidRequest", "-1 discards only on update");
}

#[test]
fn unknown_and_unreleased_executions_are_not_found() {
    let j = job("j1", &["t1"]);
    let execs = [released("j1", "t1", T0)];
    let body = json!({"status": "IN_PROGRESS"});
    assert_eq!(
        code(&ask(Update("other"), &j, &execs, body, T0)),
        "ResourceNotFound"
    );
    let waiting = [Execution::queued("j1", "t1", 1, T0)];
    let h = ask(Describe("j1"), &j, &waiting, json!({}), T0);
    assert_eq!(code(&h), "ResourceNotFound");
    let h = ask(GetPending, &j, &waiting, json!({}), T0);
    assert_eq!(h.accepted.unwrap()["queuedJobs"], json!([]));
    let h = ask(StartNext, &j, &waiting, json!({}), T0);
    assert_eq!(h.accepted.unwrap(), json!({"timestamp": T0}));
    let body = json!({"executionNumber": 2});
    assert_eq!(
        code(&ask(Describe("j1"), &j, &execs, body, T0)),
        "ResourceNotFound"
    );
    let mut deleting = j;
    deleting.status = JobStatus::DeletionInProgress;
    let h = ask(Describe("j1"), &deleting, &execs, json!({}), T0);
    assert_eq!(code(&h), "ResourceNotFound");
}

#[test]
fn in_progress_comes_first_then_the_oldest_queued() {
    let jobs = [job("a", &["t1"]), job("b", &["t1"]), job("c", &["t1"])];
    let refs: Vec<&Job> = jobs.iter().collect();
    let mut execs = vec![
        released("a", "t1", T0 + 3),
        released("b", "t1", T0 + 1),
        released("c", "t1", T0 + 2),
    ];
    execs[0].status = S::InProgress;
    execs[0].started_at = Some(T0 + 4);

    let body = json!({"clientToken": "g"});
    let doc = serve(GetPending, &refs, &execs, body, T0 + 9)
        .accepted
        .unwrap();
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["jobId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&doc["inProgressJobs"]), ["a"]);
    assert_eq!(ids(&doc["queuedJobs"]), ["b", "c"]);
    let summary = json!({"jobId": "a", "queuedAt": T0 + 3, "startedAt": T0 + 4,
        "lastUpdatedAt": T0 + 3, "executionNumber": 1, "versionNumber": 1});
    assert_eq!(doc["inProgressJobs"][0], summary);
    assert_eq!(doc["clientToken"], "g");

    // start-next returns the IN_PROGRESS one untouched.
    let body = json!({"statusDetails": {"k": "v"}});
    let h = serve(StartNext, &refs, &execs, body, T0 + 9);
    assert!(h.changes.is_empty());
    assert_eq!(h.accepted.unwrap()["execution"]["jobId"], "a");
    let body = json!({"includeJobDocument": false});
    let h = serve(Describe("$next"), &refs, &execs, body, T0 + 9);
    let next = &h.accepted.unwrap()["execution"];
    assert_eq!(next["jobId"], "a");
    assert!(next.get("jobDocument").is_none());

    execs[0].status = S::Succeeded;
    let h = serve(StartNext, &refs, &execs, json!({}), T0 + 9);
    assert_eq!(h.changes[0].job_id, "b", "the oldest QUEUED one");
    let h = serve(Describe("c"), &refs, &execs, json!({}), T0 + 9);
    let execution = &h.accepted.unwrap()["execution"];
    assert_eq!(execution["jobDocument"], json!({"op": "update"}));
}

#[test]
fn describing_a_finished_execution_of_a_finished_job_reaches_a_terminal_state() {
    let mut j = job("j1", &["t0"]);
    let done = with_statuses("j1", &[S::Succeeded]);
    let h = ask(Describe("j1"), &j, &done, json!({}), T0);
    let execution = &h.accepted.unwrap()["execution"];
    assert_eq!(execution["status"], "SUCCEEDED", "the job still runs");
    j.status = JobStatus::Completed;
    let h = ask(Describe("j1"), &j, &done, json!({}), T0);
    assert_eq!(code(&h), "TerminalStateReached");
}

// ---- notifications ----

fn decide(jobs: &[Job], before: &[Execution], after: &[Execution]) -> Notifications {
    let refs: Vec<&Job> = jobs.iter().collect();
    let (before, after) = (entries(&refs, before), entries(&refs, after));
    notify::decide(&before, &after, T0 + 50, &mut no_presign)
}

#[test]
fn notify_follows_the_list_and_notify_next_the_first_execution() {
    let jobs = [job("j1", &["t1"]), job("j2", &["t1"]), job("j3", &["t1"])];
    let e1 = released("j1", "t1", T0 + 1);
    let e2 = released("j2", "t1", T0 + 2);
    let e3 = released("j3", "t1", T0 + 3);
    let with = |e: &Execution, status| {
        let mut next = e.clone();
        next.status = status;
        next
    };

    let n = decide(&jobs, &[], std::slice::from_ref(&e1));
    assert_eq!(n.notify.unwrap()["jobs"]["QUEUED"][0]["jobId"], "j1");
    let next = n.notify_next.unwrap();
    assert_eq!(next["execution"]["jobDocument"], json!({"op": "update"}));

    let n = decide(&jobs, std::slice::from_ref(&e1), &[e1.clone(), e2.clone()]);
    assert!(n.notify.is_some());
    assert!(n.notify_next.is_none(), "j1 is still next");

    let s1 = with(&e1, S::InProgress);
    let n = decide(&jobs, &[e1.clone(), e2.clone()], &[s1.clone(), e2.clone()]);
    assert_eq!(n, Notifications::default(), "same members, same next");

    let d1 = with(&s1, S::Succeeded);
    let n = decide(
        &jobs,
        &[s1, e2.clone(), e3.clone()],
        &[d1.clone(), e2.clone(), e3.clone()],
    );
    let list = n.notify.unwrap();
    assert_eq!(list["jobs"]["QUEUED"].as_array().unwrap().len(), 2);
    assert!(list["jobs"].get("IN_PROGRESS").is_none());
    assert_eq!(n.notify_next.unwrap()["execution"]["jobId"], "j2");

    let s3 = with(&e3, S::InProgress);
    let n = decide(&jobs, &[d1.clone(), e2.clone(), e3], &[d1, e2, s3]);
    assert!(n.notify.is_none(), "nothing joined or left");
    let next = n.notify_next.unwrap();
    assert_eq!(next["execution"]["jobId"], "j3", "IN_PROGRESS overtakes");
}

#[test]
fn notify_lists_ten_executions_in_progress_first() {
    let jobs: Vec<Job> = (0..12).map(|i| job(&format!("j{i:02}"), &["t1"])).collect();
    let mut execs: Vec<Execution> = (0..12)
        .map(|i| released(&format!("j{i:02}"), "t1", T0 + i))
        .collect();
    execs[11].status = S::InProgress;
    let entries: Vec<Entry<'_>> = jobs
        .iter()
        .zip(&execs)
        .map(|(job, execution)| Entry { job, execution })
        .collect();
    let doc = notify::notify_document(&entries, T0);
    assert_eq!(doc["jobs"]["IN_PROGRESS"][0]["jobId"], "j11");
    let queued = doc["jobs"]["QUEUED"].as_array().unwrap();
    assert_eq!((queued.len(), &queued[8]["jobId"]), (9, &json!("j08")));
    let keys: Vec<&String> = doc["jobs"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["IN_PROGRESS", "QUEUED"]);
}

// ---- rollout ----

/// Releases a job's executions every 10 seconds for `minutes`: the total released at the end of
/// each minute. With `succeed`, executions succeed one minute after their release.
fn simulate(job: &Job, minutes: u64, succeed: bool) -> Vec<usize> {
    let (job, mut execs) = lifecycle::create(job.clone(), T0).unwrap();
    let mut totals = Vec::new();
    for minute in 0..minutes {
        for tick in 0..6 {
            let now = T0 + minute * 60 + tick * 10;
            let due = |e: &Execution| {
                e.status == S::Queued && e.notified_at.is_some_and(|t| t + 60 <= now)
            };
            for e in execs.iter_mut().filter(|e| succeed && due(e)) {
                (e.status, e.last_updated_at) = (S::Succeeded, now);
            }
            for r in rollout::release(&job, &execs, now) {
                let at = execs
                    .iter()
                    .position(|e| e.thing_name == r.thing_name)
                    .unwrap();
                execs[at] = r;
            }
        }
        totals.push(execs.iter().filter(|e| e.notified()).count());
    }
    totals
}

fn targets(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("thing{i:04}")).collect()
}

fn job_for(n: usize, rollout: Option<Rollout>) -> Job {
    let names = targets(n);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Job {
        rollout,
        ..job("r", &refs)
    }
}

#[test]
fn a_constant_rollout_releases_its_rate_each_minute() {
    let j = job_for(23, Some(constant(5)));
    assert_eq!(simulate(&j, 6, false), [5, 10, 15, 20, 23, 23]);
    let (j, execs) = lifecycle::create(j, T0).unwrap();
    let first = rollout::release(&j, &execs, T0);
    let names: Vec<String> = first.iter().map(|e| e.thing_name.clone()).collect();
    assert_eq!(names, targets(5), "in target order");
    let now_queued = |e: &Execution| e.queued_at == T0 && e.notified_at == Some(T0);
    assert!(first.iter().all(now_queued));
}

#[test]
fn without_a_rollout_everything_goes_at_once_up_to_1000_a_minute() {
    assert_eq!(simulate(&job_for(40, None), 1, false), [40]);
    assert_eq!(simulate(&job_for(1500, None), 2, false), [1000, 1500]);
}

#[test]
fn an_exponential_rollout_speeds_up_at_each_multiple_of_notified_things() {
    // 2 a minute, doubling at 4, 8, 12... notified (counted when each minute starts).
    let j = job_for(40, Some(exponential(2, 2.0, Some(4), None)));
    assert_eq!(simulate(&j, 6, false), [2, 4, 8, 16, 40, 40]);
    assert_eq!(rollout::rate_per_minute(j.rollout.as_ref(), 16, 0), 32);
    let capped = Rollout {
        maximum_per_minute: Some(10),
        ..exponential(2, 2.0, Some(4), None)
    };
    assert_eq!(rollout::rate_per_minute(Some(&capped), 16, 0), 10);
    let steep = exponential(1000, 5.0, Some(1), None);
    assert_eq!(rollout::rate_per_minute(Some(&steep), 1_000_000, 0), 1000);
    let fractional = exponential(10, 1.5, Some(10), None);
    let rates: Vec<u64> = [0, 10, 20, 30]
        .map(|n| rollout::rate_per_minute(Some(&fractional), n, 0))
        .to_vec();
    assert_eq!(rates, [10, 15, 22, 33]);
}

#[test]
fn an_exponential_rollout_can_speed_up_on_succeeded_things() {
    // Executions succeed a minute after release; the rate doubles at each 3 succeeded.
    let j = job_for(30, Some(exponential(3, 2.0, None, Some(3))));
    assert_eq!(simulate(&j, 5, true), [3, 6, 12, 24, 30]);
    let slow = simulate(&j, 5, false);
    assert_eq!(slow, [3, 6, 9, 12, 15], "nothing succeeds: no speed-up");
}

// ---- abort, cancel, delete, completion ----

#[test]
fn an_abort_criterion_trips_exactly_at_its_threshold() {
    use S::{
        Failed as F, InProgress as P, Queued as Q, Rejected as R, Succeeded as OK, TimedOut as T,
    };
    let trips = |c: &AbortCriterion, statuses: &[S]| abort::trips(c, &with_statuses("j", statuses));
    let half = criterion(FailureType::Failed, 4, 50.0);
    assert!(trips(&half, &[F, F, OK, OK]));
    assert!(!trips(&half, &[F, OK, OK, OK, Q]));
    assert!(!trips(&half, &[F, F, OK, P]), "3 executed, fewer than 4");
    assert!(!trips(&half, &[F, R, T, OK]), "only FAILED counts");
    assert!(trips(&criterion(FailureType::All, 4, 75.0), &[F, R, T, OK]));
    let third = |t| criterion(FailureType::Rejected, 1, t);
    assert!(!trips(&third(33.34), &[R, OK, OK]));
    assert!(trips(&third(33.33), &[R, OK, OK]));
}

/// The counts-only check never says "nothing can happen" where `advance` cancels or completes
/// the job: every mix of four executions' statuses, with and without an abort criterion.
#[test]
fn may_settle_is_true_wherever_advance_settles_the_job() {
    let targets = ["t0", "t1", "t2", "t3"];
    let mut settled = 0;
    for abort in [vec![], vec![criterion(FailureType::All, 2, 50.0)]] {
        for code in 0..8usize.pow(4) {
            let statuses: Vec<S> = (0..4)
                .map(|i| S::ALL[code / 8usize.pow(i) % 8])
                .filter(|s| *s != S::Removed)
                .collect();
            if statuses.is_empty() {
                continue;
            }
            let mut j = job("j", &targets[..statuses.len()]);
            j.abort = abort.clone();
            let execs = with_statuses("j", &statuses);
            let settles = advance(&j, &execs, T0).job.is_some();
            let may = abort::may_settle(&j, &StatusCounts::of(&execs));
            assert!(may || !settles, "{statuses:?} {:?}", j.abort);
            settled += usize::from(settles);
            if statuses.iter().all(|s| s.is_pending()) {
                assert!(!may, "{statuses:?}: nothing ended, nothing to settle");
            }
        }
    }
    assert!(
        settled > 1000,
        "the mixes exercise both outcomes ({settled})"
    );
}

fn changed(executions: &[Execution]) -> Vec<(&str, S)> {
    let pairs = executions.iter().map(|e| (e.thing_name.as_str(), e.status));
    pairs.collect()
}

#[test]
fn an_abort_cancels_queued_executions_and_leaves_running_ones() {
    let mut j = job("j", &["t0", "t1", "t2", "t3"]);
    j.abort = vec![
        criterion(FailureType::TimedOut, 1, 100.0),
        criterion(FailureType::Failed, 1, 50.0),
    ];
    let mut execs = with_statuses("j", &[S::Failed, S::InProgress, S::Queued]);
    execs.push(Execution::queued("j", "t3", 1, T0));
    let out = advance(&j, &execs, T0 + 5);
    let canceled = out.job.unwrap();
    assert_eq!(canceled.status, JobStatus::Canceled);
    assert!(!canceled.force_canceled);
    let reason = canceled.reason_code.as_deref();
    assert_eq!(reason, Some(abort::ABORT_REASON_CODE));
    assert!(canceled.comment.as_deref().unwrap().contains("FAILED"));
    let statuses = changed(&out.changes);
    assert_eq!(
        statuses,
        [("t2", S::Canceled), ("t3", S::Canceled)],
        "t1 runs on"
    );
    let again = abort::evaluate(&canceled, &execs, T0 + 6);
    assert!(again.is_none(), "a canceled job aborts no more");
}

#[test]
fn cancel_and_delete_follow_cancel_job_and_delete_job() {
    let j = job("j", &["t0", "t1", "t2"]);
    let execs = with_statuses("j", &[S::Queued, S::InProgress, S::Succeeded]);
    let soft = lifecycle::cancel(&j, &execs, false, Some("USER_1"), Some("stop"), T0).unwrap();
    assert_eq!(changed(&soft.changes), [("t0", S::Canceled)]);
    let why = (soft.job.reason_code.as_deref(), soft.job.comment.as_deref());
    assert_eq!(why, (Some("USER_1"), Some("stop")));
    let version = soft.changes[0].version_number;
    assert_eq!(version, 1, "service changes keep the version");
    let left = with_statuses("j", &[S::Canceled, S::InProgress, S::Succeeded]);
    let hard = lifecycle::cancel(&soft.job, &left, true, None, None, T0).unwrap();
    assert!(hard.job.force_canceled);
    assert_eq!(changed(&hard.changes), [("t1", S::Canceled)]);
    invalid_request(lifecycle::cancel(&hard.job, &execs, true, None, None, T0));
    let lower = Some("lower");
    invalid_request(lifecycle::cancel(&j, &execs, false, lower, None, T0));
    let mut completed = j.clone();
    completed.status = JobStatus::Completed;
    invalid_request(lifecycle::cancel(&completed, &execs, false, None, None, T0));

    let err = lifecycle::delete(&j, false, T0).unwrap_err();
    assert_eq!(err.code(), "InvalidStateTransitionException");
    assert_eq!(err.http_status(), 409);
    let deleting = lifecycle::delete(&j, true, T0 + 1).unwrap();
    assert_eq!(deleting.status, JobStatus::DeletionInProgress);
    assert!(lifecycle::delete(&deleting, true, T0).is_err());
    assert!(lifecycle::delete(&completed, false, T0).is_ok());
}

#[test]
fn only_snapshot_jobs_with_every_execution_terminal_complete() {
    let j = job("j", &["t0", "t1"]);
    let complete =
        |j: &Job, statuses: &[S]| lifecycle::complete(j, &with_statuses("j", statuses), T0);
    let done = complete(&j, &[S::Succeeded, S::Failed]).unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(done.completed_at, Some(T0));
    assert!(complete(&j, &[S::Succeeded, S::InProgress]).is_none());
    assert!(complete(&j, &[S::Succeeded]).is_none(), "t1 has none");
    let mut continuous = j;
    continuous.target_selection = TargetSelection::Continuous;
    assert!(complete(&continuous, &[S::Succeeded, S::Failed]).is_none());
}

// ---- timeouts ----

#[test]
fn a_step_timer_runs_from_when_it_was_set_and_update_resets_or_discards_it() {
    let j = job("j1", &["t1"]);
    let (execs, body) = (
        [released("j1", "t1", T0)],
        json!({"stepTimeoutInMinutes": 5}),
    );
    let started = ask(StartNext, &j, &execs, body, T0 + 100).changes;
    assert!(timeout::tick(&started, T0 + 100 + 299).is_empty());
    let timed_out = timeout::tick(&started, T0 + 100 + 300);
    assert_eq!(timed_out[0].status, S::TimedOut);
    assert_eq!(timed_out[0].version_number, started[0].version_number);

    let step = |m: i64| json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": m});
    let reset = ask(Update("j1"), &j, &started, step(10), T0 + 250).changes;
    assert_eq!(timeout::next_deadline(&reset), Some(T0 + 250 + 600));
    let body = json!({"status": "IN_PROGRESS"});
    let kept = ask(Update("j1"), &j, &reset, body, T0 + 260).changes;
    assert_eq!(
        timeout::next_deadline(&kept),
        Some(T0 + 850),
        "kept if not given"
    );
    let discarded = ask(Update("j1"), &j, &kept, step(-1), T0 + 270).changes;
    assert_eq!(timeout::next_deadline(&discarded), None);
    assert!(timeout::tick(&discarded, T0 + 100_000).is_empty());
}

#[test]
fn the_in_progress_timer_runs_from_started_at_and_bounds_the_step_timer() {
    let mut j = job("j1", &["t1"]);
    j.in_progress_timeout_minutes = Some(20);
    let body = json!({"status": "IN_PROGRESS"});
    let started = ask(Update("j1"), &j, &[released("j1", "t1", T0)], body, T0 + 60).changes;
    let body = json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 30});
    let stepped = ask(Update("j1"), &j, &started, body, T0 + 600).changes;
    let deadline = timeout::next_deadline(&stepped);
    assert_eq!(deadline, Some(T0 + 60 + 1200), "the in-progress bound wins");
    let out = advance(&j, &stepped, T0 + 60 + 1200);
    assert_eq!(out.changes[0].status, S::TimedOut);
    let status = out.job.unwrap().status;
    assert_eq!(
        status,
        JobStatus::Completed,
        "its only execution is terminal"
    );
    let queued = [released("j1", "t1", T0)];
    let none = timeout::tick(&queued, T0 + 1_000_000);
    assert!(none.is_empty(), "QUEUED executions do not time out");
}

// ---- events and process details ----

#[test]
fn job_and_execution_events_carry_aws_fields() {
    use events::{ExecutionEvent, JobEvent};
    let mut j = job("j1", &["t0", "t1"]);
    j.description = Some("firmware 2".into());
    let execs = with_statuses("j1", &[S::Succeeded, S::Succeeded]);
    let done = lifecycle::complete(&j, &execs, T0 + 9).unwrap();
    let (completed, now) = (JobEvent::Completed, T0 + 10);
    let doc = events::job_event(&done, &execs, completed, "ev1", ARN, now);
    let details = json!({
        "numberOfCanceledThings": 0, "numberOfRejectedThings": 0, "numberOfFailedThings": 0,
        "numberOfRemovedThings": 0, "numberOfSucceededThings": 2, "numberOfTimedOutThings": 0,
    });
    assert_eq!(
        doc,
        json!({
            "eventType": "JOB", "eventId": "ev1", "timestamp": T0 + 10, "operation": "completed",
            "jobId": "j1", "status": "COMPLETED", "targetSelection": "SNAPSHOT",
            "targets": [format!("{ARN}thing/t0"), format!("{ARN}thing/t1")],
            "description": "firmware 2", "completedAt": (T0 + 9) * 1000,
            "createdAt": T0 * 1000, "lastUpdatedAt": (T0 + 9) * 1000, "jobProcessDetails": details,
        })
    );
    let topic = events::job_topic("j1", JobEvent::CancellationInProgress);
    assert_eq!(topic, "$aws/events/job/j1/cancellation_in_progress");

    let queued = with_statuses("j1", &[S::Queued]);
    let out = lifecycle::cancel(&j, &queued, true, None, Some("why"), T0).unwrap();
    let doc = events::job_event(&out.job, &[], JobEvent::Canceled, "ev2", ARN, T0);
    assert_eq!(doc["forceCanceled"], true);
    assert_eq!(doc["comment"], "why");
    let doc = events::job_event(&out.job, &[], JobEvent::Deleted, "ev3", ARN, T0);
    assert_eq!(doc["status"], "DELETED");
    assert!(doc.get("jobProcessDetails").is_none() && doc.get("forceCanceled").is_none());

    let mut e = out.changes[0].clone();
    e.status_details.insert("reason".into(), "user".into());
    let event = ExecutionEvent::for_status(e.status).unwrap();
    let topic = events::execution_topic("j1", event);
    assert_eq!(topic, "$aws/events/jobExecution/j1/canceled");
    assert_eq!(
        events::execution_event(&e, event, "ev4", ARN, T0),
        json!({
            "eventType": "JOB_EXECUTION", "eventId": "ev4", "timestamp": T0, "operation": "canceled",
            "jobId": "j1", "thingArn": format!("{ARN}thing/t0"), "status": "CANCELED",
            "statusDetails": {"reason": "user"},
        })
    );
    assert_eq!(ExecutionEvent::for_status(S::InProgress), None);
}

#[test]
fn process_details_count_every_status() {
    let all = [S::Queued, S::Queued, S::InProgress, S::Succeeded, S::Failed]
        .into_iter()
        .chain([S::TimedOut, S::Rejected, S::Removed, S::Canceled]);
    let d = process_details(&with_statuses("j", &all.collect::<Vec<_>>()));
    assert_eq!(
        serde_json::to_value(d).unwrap(),
        json!({
            "numberOfCanceledThings": 1, "numberOfSucceededThings": 1, "numberOfFailedThings": 1,
            "numberOfRejectedThings": 1, "numberOfQueuedThings": 2, "numberOfInProgressThings": 1,
            "numberOfRemovedThings": 1, "numberOfTimedOutThings": 1,
        })
    );
}

// ---- presigned URLs ----

#[test]
fn placeholders_are_parsed_and_replaced_with_presigned_urls() {
    let s3 = presign::parse_s3_url;
    let path = "https://s3.amazonaws.com/my-bkt/fw/app.bin";
    assert_eq!(s3(path), Some(("my-bkt", "fw/app.bin")));
    let regional = "https://s3.us-west-2.amazonaws.com/my-bkt/app.bin";
    assert_eq!(s3(regional), Some(("my-bkt", "app.bin")));
    let dashed = "https://s3-eu-west-1.amazonaws.com/b.k.t/a/b";
    assert_eq!(s3(dashed), Some(("b.k.t", "a/b")));
    let hosted = "https://my-bkt.s3.amazonaws.com/fw/app.bin";
    assert_eq!(s3(hosted), Some(("my-bkt", "fw/app.bin")));
    let dotted = "https://my.dotted.bkt.s3.eu-west-1.amazonaws.com/k";
    assert_eq!(s3(dotted), Some(("my.dotted.bkt", "k")));
    for bad in [
        "http://s3.amazonaws.com/bkt/k",
        "https://s3.amazonaws.com/bucket",
        "https://example.com/bkt/k",
        "https://s3.amazonaws.com/BKT/k",
        "https://bucket.s4.amazonaws.com/k",
        "https://s3.amazonaws.com.evil.com/bkt/k",
    ] {
        assert_eq!(s3(bad), None, "{bad}");
    }
    let doc = r#"{"a":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/x.bin}",
        "b":"${aws:iot:s3-presigned-url:https://bkt.s3.amazonaws.com/y}"}"#;
    let mut seen = Vec::new();
    let out = presign::replace(doc, |bucket, key| {
        seen.push(format!("{bucket}/{key}"));
        format!("https://signed/{key}?X-Amz-Signature=\"s\"")
    });
    assert_eq!(seen, ["bkt/x.bin", "bkt/y"]);
    let parsed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["b"], "https://signed/y?X-Amz-Signature=\"s\"");
    assert!(presign::validate(doc).is_ok());
    let start = presign::PLACEHOLDER_START;
    let open = format!("x {start}https://s3.amazonaws.com/bkt/k");
    assert!(presign::validate(&open).is_err(), "unterminated");
    let quoted = format!(r#"{{"u":"{start}https://s3.amazonaws.com/bkt/k"}}"#);
    assert!(presign::validate(&quoted).is_err(), "a quote ends the URL");
}

#[test]
fn devices_get_presigned_urls_only_from_jobs_with_a_presign_config() {
    let doc = r#"{"url":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/fw.bin}"}"#;
    let mut j = Job::new("j1", doc, &["t1"], T0);
    let execs = [released("j1", "t1", T0)];
    let mut sign = |c: &PresignedUrlConfig, bucket: &str, key: &str| {
        format!("https://{bucket}/{key}?ttl={}", c.expires_in_sec)
    };
    let mut url = |j: &Job, op: Operation<'_>| {
        let entries = [Entry {
            job: j,
            execution: &execs[0],
        }];
        let h = handle(&op, "t1", &entries, b"{}", T0, &mut sign);
        h.accepted.unwrap()["execution"]["jobDocument"]["url"].clone()
    };
    let placeholder = "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/fw.bin}";
    assert_eq!(url(&j, Describe("j1")), placeholder);
    let role_arn = "arn:aws:iam::123456789012:role/r".into();
    let expires_in_sec = 600;
    j.presigned_url = Some(PresignedUrlConfig {
        role_arn,
        expires_in_sec,
    });
    assert_eq!(url(&j, StartNext), "https://bkt/fw.bin?ttl=600");
    assert_eq!(j.document, doc, "the stored document keeps its placeholder");
}
