use serde_json::{Value, json};

use super::device::{handle, invalid_topic};
use super::model::{ExponentialRate, FailureType, RateIncreaseCriteria};
use super::*;

const T0: u64 = 1_000_000;

fn job(id: &str, targets: &[&str]) -> Job {
    Job::new(id, r#"{"op":"update"}"#, targets, T0)
}

/// A QUEUED execution the rollout released at `at`.
fn released(job_id: &str, thing: &str, at: u64) -> Execution {
    let mut e = Execution::queued(job_id, thing, 1, at);
    e.notified_at = Some(at);
    e
}

fn no_presign(_: &PresignedUrlConfig, _: &str, _: &str) -> String {
    unreachable!("no job here has a presignedUrlConfig")
}

fn serve(
    op: Operation<'_>,
    jobs: &[&Job],
    execs: &[Execution],
    payload: Value,
    now: u64,
) -> Handled {
    let entries: Vec<Entry<'_>> = execs
        .iter()
        .map(|e| Entry {
            job: jobs.iter().find(|j| j.job_id == e.job_id).unwrap(),
            execution: e,
        })
        .collect();
    let bytes = payload.to_string();
    handle(&op, "t1", &entries, bytes.as_bytes(), now, &mut no_presign)
}

fn rejected_code(h: &Handled) -> &str {
    assert!(h.accepted.is_none() && h.changes.is_empty(), "{h:?}");
    h.rejected.as_ref().unwrap()["code"].as_str().unwrap()
}

fn invalid_request(result: Result<impl std::fmt::Debug, JobError>) {
    let err = result.unwrap_err();
    assert_eq!(err.code(), "InvalidRequestException", "{err}");
    assert_eq!(err.http_status(), 400);
}

// ---- model and CreateJob validation ----

#[test]
fn statuses_and_stored_forms_use_aws_names() {
    assert_eq!(json!(ExecutionStatus::TimedOut), json!("TIMED_OUT"));
    assert_eq!(
        json!(JobStatus::DeletionInProgress),
        json!("DELETION_IN_PROGRESS")
    );
    assert_eq!(
        ExecutionStatus::parse("SUCCEEDED"),
        Some(ExecutionStatus::Succeeded)
    );
    assert_eq!(ExecutionStatus::parse("succeeded"), None);
    let terminal: Vec<_> = ExecutionStatus::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(terminal.len(), 6);
    assert!(!ExecutionStatus::Queued.is_terminal() && !ExecutionStatus::InProgress.is_terminal());

    let mut j = job("j1", &["t1"]);
    j.presigned_url =
        Some(serde_json::from_value(json!({"roleArn": "arn:aws:iam::1:role/r"})).unwrap());
    let stored = serde_json::to_value(&j).unwrap();
    assert_eq!(stored["jobId"], "j1");
    assert_eq!(stored["targetSelection"], "SNAPSHOT");
    assert_eq!(stored["presignedUrl"]["expiresInSec"], 3600);
    assert_eq!(serde_json::from_value::<Job>(stored).unwrap(), j);
    let e = released("j1", "t1", T0);
    let stored = serde_json::to_value(&e).unwrap();
    assert_eq!(stored["versionNumber"], 1);
    assert_eq!(stored["status"], "QUEUED");
    assert_eq!(serde_json::from_value::<Execution>(stored).unwrap(), e);
}

#[test]
fn create_job_checks_ids_documents_and_targets() {
    let (created, executions) =
        lifecycle::create(job("job_1-a", &["t1", "t2", "t1"]), T0 + 5).unwrap();
    assert_eq!(created.status, JobStatus::InProgress);
    assert_eq!(created.created_at, T0 + 5);
    let things: Vec<_> = executions.iter().map(|e| e.thing_name.as_str()).collect();
    assert_eq!(things, ["t1", "t2"]);
    assert!(
        executions
            .iter()
            .all(|e| e.status == ExecutionStatus::Queued && !e.notified())
    );

    let with = |f: &dyn Fn(&mut Job)| {
        let mut j = job("j", &["t1"]);
        f(&mut j);
        lifecycle::create(j, T0)
    };
    invalid_request(with(&|j| j.job_id = "a".repeat(65)));
    invalid_request(with(&|j| j.job_id = "bad$id".into()));
    invalid_request(with(&|j| j.job_id = String::new()));
    assert!(with(&|j| j.job_id = "a".repeat(64)).is_ok());
    invalid_request(with(&|j| j.document = "{not json".into()));
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(32 * 1024 - 9));
    invalid_request(with(&|j| j.document = big.clone()));
    let fits = format!(r#"{{"pad":"{}"}}"#, "x".repeat(32 * 1024 - 10));
    assert_eq!(fits.len(), 32 * 1024);
    assert!(with(&|j| j.document = fits.clone()).is_ok());
    invalid_request(with(&|j| j.targets.clear()));
    invalid_request(with(&|j| j.targets = vec!["no spaces".into()]));
    invalid_request(with(&|j| j.description = Some("a\u{7}b".into())));
    invalid_request(with(&|j| j.in_progress_timeout_minutes = Some(0)));
    invalid_request(with(&|j| j.in_progress_timeout_minutes = Some(10081)));
    assert!(with(&|j| j.in_progress_timeout_minutes = Some(10080)).is_ok());
}

fn exponential(base: u64, factor: f64, notified: Option<u64>, succeeded: Option<u64>) -> Rollout {
    Rollout {
        maximum_per_minute: None,
        exponential_rate: Some(ExponentialRate {
            base_rate_per_minute: base,
            increment_factor: factor,
            rate_increase_criteria: RateIncreaseCriteria {
                number_of_notified_things: notified,
                number_of_succeeded_things: succeeded,
            },
        }),
    }
}

fn criterion(failure_type: FailureType, min: u64, threshold: f64) -> AbortCriterion {
    AbortCriterion {
        action: model::AbortAction::Cancel,
        failure_type,
        min_number_of_executed_things: min,
        threshold_percentage: threshold,
    }
}

#[test]
fn create_job_checks_rollout_abort_and_presign_configuration() {
    let with = |f: &dyn Fn(&mut Job)| {
        let mut j = job("j", &["t1"]);
        f(&mut j);
        validate::validate_job(&j)
    };
    let constant = |n| Rollout {
        maximum_per_minute: Some(n),
        exponential_rate: None,
    };
    invalid_request(with(&|j| j.rollout = Some(constant(0))));
    invalid_request(with(&|j| j.rollout = Some(constant(1001))));
    assert!(with(&|j| j.rollout = Some(constant(1000))).is_ok());
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(0, 2.0, Some(1), None))
    }));
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(10, 1.0, Some(1), None))
    }));
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(10, 5.1, Some(1), None))
    }));
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(10, 1.55, Some(1), None))
    }));
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(10, 2.0, None, None))
    }));
    invalid_request(with(&|j| {
        j.rollout = Some(exponential(10, 2.0, Some(0), None))
    }));
    assert!(with(&|j| j.rollout = Some(exponential(10, 1.1, None, Some(5)))).is_ok());
    assert!(with(&|j| j.rollout = Some(exponential(1000, 5.0, Some(1), None))).is_ok());

    invalid_request(with(&|j| {
        j.abort = vec![criterion(FailureType::All, 0, 10.0)]
    }));
    invalid_request(with(&|j| {
        j.abort = vec![criterion(FailureType::All, 1, 100.5)]
    }));
    invalid_request(with(&|j| {
        j.abort = vec![criterion(FailureType::All, 1, 10.999)]
    }));
    assert!(with(&|j| j.abort = vec![criterion(FailureType::All, 1, 10.99)]).is_ok());
    let bad_action = json!({"action": "PAUSE", "failureType": "FAILED",
        "minNumberOfExecutedThings": 1, "thresholdPercentage": 5});
    assert!(serde_json::from_value::<AbortCriterion>(bad_action).is_err());

    let presigned = |secs| PresignedUrlConfig {
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        expires_in_sec: secs,
    };
    invalid_request(with(&|j| j.presigned_url = Some(presigned(59))));
    invalid_request(with(&|j| j.presigned_url = Some(presigned(3601))));
    assert!(with(&|j| j.presigned_url = Some(presigned(60))).is_ok());
    invalid_request(with(&|j| {
        j.document = r#"{"u":"${aws:iot:s3-presigned-url:https://example.com/b/k}"}"#.into()
    }));
}

// ---- topics ----

#[test]
fn topics_split_requests_answers_and_invalid_ones() {
    use topic::{JobsTopic as T, Operation as Op};
    let req = |operation| {
        Some(T::Request {
            thing: "t1",
            operation,
        })
    };
    assert_eq!(T::parse("$aws/things/t1/jobs/get"), req(Op::GetPending));
    assert_eq!(
        T::parse("$aws/things/t1/jobs/start-next"),
        req(Op::StartNext)
    );
    assert_eq!(
        T::parse("$aws/things/t1/jobs/j-1/get"),
        req(Op::Describe("j-1"))
    );
    assert_eq!(
        T::parse("$aws/things/t1/jobs/$next/get"),
        req(Op::Describe("$next"))
    );
    assert_eq!(
        T::parse("$aws/things/t1/jobs/j_1/update"),
        req(Op::Update("j_1"))
    );
    for answer in [
        "get/accepted",
        "get/rejected",
        "start-next/accepted",
        "j/get/accepted",
        "$next/get/rejected",
        "j/update/accepted",
        "notify",
        "notify-next",
    ] {
        let topic = format!("$aws/things/t1/jobs/{answer}");
        assert!(topic::is_answer(&topic), "{topic}");
    }
    for invalid in [
        "$next/update",
        "j/delete",
        "j/get/other",
        "",
        "a/b/c/d",
        "bad$id/get",
    ] {
        let topic = format!("$aws/things/t1/jobs/{invalid}");
        assert_eq!(
            T::parse(&topic),
            Some(T::Invalid { thing: "t1" }),
            "{topic}"
        );
    }
    assert_eq!(T::parse("$aws/things/t1/shadow/get"), None);
    assert_eq!(T::parse("$aws/things/bad thing/jobs/get"), None);
    assert_eq!(
        topic::answer("t1", &Op::Update("j"), "accepted"),
        "$aws/things/t1/jobs/j/update/accepted"
    );
    assert_eq!(
        topic::answer("t1", &Op::StartNext, "rejected"),
        "$aws/things/t1/jobs/start-next/rejected"
    );
    assert_eq!(topic::notify_next("t1"), "$aws/things/t1/jobs/notify-next");
    let doc = invalid_topic(br#"{"clientToken":"c"}"#, 9);
    assert_eq!(
        doc,
        json!({"code": "InvalidTopic", "message": doc["message"], "timestamp": 9, "clientToken": "c"})
    );
}

// ---- the device API ----

#[test]
fn an_execution_goes_queued_in_progress_succeeded_with_versions() {
    let mut j = job("j1", &["t1"]);
    j.in_progress_timeout_minutes = Some(30);
    let mut execs = vec![released("j1", "t1", T0)];

    let h = serve(
        Operation::StartNext,
        &[&j],
        &execs,
        json!({"clientToken": "c1", "statusDetails": {"step": "download"}}),
        T0 + 10,
    );
    let accepted = h.accepted.unwrap();
    assert_eq!(
        accepted,
        json!({
            "execution": {
                "jobId": "j1", "thingName": "t1", "jobDocument": {"op": "update"},
                "status": "IN_PROGRESS", "statusDetails": {"step": "download"},
                "queuedAt": T0, "startedAt": T0 + 10, "lastUpdatedAt": T0 + 10,
                "versionNumber": 2, "executionNumber": 1,
            },
            "timestamp": T0 + 10, "clientToken": "c1",
        })
    );
    assert_eq!(h.changes.len(), 1);
    assert_eq!(h.changes[0].in_progress_deadline, Some(T0 + 10 + 30 * 60));
    // Still the only pending execution, still next: nothing to notify.
    assert_eq!(h.notifications, Notifications::default());
    execs = h.changes;

    let update = json!({"status": "IN_PROGRESS", "expectedVersion": 2, "statusDetails": {"step": "install"}, "includeJobExecutionState": true});
    let h = serve(Operation::Update("j1"), &[&j], &execs, update, T0 + 20);
    assert_eq!(
        h.accepted.unwrap()["executionState"],
        json!({"status": "IN_PROGRESS", "statusDetails": {"step": "install"}, "versionNumber": 3})
    );
    assert_eq!(
        h.changes[0].started_at,
        Some(T0 + 10),
        "startedAt is kept from the first start"
    );
    execs = h.changes;

    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &execs,
        json!({"status": "SUCCEEDED", "expectedVersion": 3, "clientToken": "c3"}),
        T0 + 30,
    );
    assert_eq!(
        h.accepted.unwrap(),
        json!({"timestamp": T0 + 30, "clientToken": "c3"})
    );
    let done = &h.changes[0];
    assert_eq!(
        (done.status, done.version_number),
        (ExecutionStatus::Succeeded, 4)
    );
    assert_eq!(
        done.status_details["step"], "install",
        "details kept when not given"
    );
    assert_eq!(done.in_progress_deadline, None);
    let n = h.notifications;
    assert_eq!(n.notify, Some(json!({"timestamp": T0 + 30, "jobs": {}})));
    assert_eq!(n.notify_next, Some(json!({"timestamp": T0 + 30})));
    assert_eq!(
        lifecycle::complete(&j, &h.changes, T0 + 30).unwrap().status,
        JobStatus::Completed
    );
}

#[test]
fn a_stale_expected_version_is_a_version_mismatch_with_the_state() {
    let j = job("j1", &["t1"]);
    let mut e = released("j1", "t1", T0);
    e.version_number = 3;
    e.status = ExecutionStatus::InProgress;
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &[e],
        json!({"status": "SUCCEEDED", "expectedVersion": 2, "clientToken": "x"}),
        T0,
    );
    assert_eq!(rejected_code(&h), "VersionMismatch");
    let doc = h.rejected.unwrap();
    assert_eq!(
        doc["executionState"],
        json!({"status": "IN_PROGRESS", "versionNumber": 3})
    );
    assert_eq!(
        (doc["clientToken"].as_str(), doc["timestamp"].as_u64()),
        (Some("x"), Some(T0))
    );
}

#[test]
fn terminal_executions_and_service_statuses_are_invalid_transitions() {
    let j = job("j1", &["t1"]);
    let mut done = released("j1", "t1", T0);
    done.status = ExecutionStatus::Succeeded;
    for status in ["IN_PROGRESS", "FAILED", "SUCCEEDED"] {
        let h = serve(
            Operation::Update("j1"),
            &[&j],
            &[done.clone()],
            json!({"status": status}),
            T0,
        );
        assert_eq!(rejected_code(&h), "InvalidStateTransition");
        assert_eq!(h.rejected.unwrap()["executionState"]["status"], "SUCCEEDED");
    }
    let queued = released("j1", "t1", T0);
    for status in ["QUEUED", "CANCELED", "TIMED_OUT", "REMOVED"] {
        let h = serve(
            Operation::Update("j1"),
            &[&j],
            std::slice::from_ref(&queued),
            json!({"status": status}),
            T0,
        );
        assert_eq!(rejected_code(&h), "InvalidStateTransition", "{status}");
    }
    // A QUEUED execution may be rejected straight away.
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &[queued],
        json!({"status": "REJECTED"}),
        T0,
    );
    assert_eq!(h.changes[0].status, ExecutionStatus::Rejected);
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
    assert_eq!(
        rejected_code(&raw(Operation::GetPending, b"{nope")),
        "InvalidJson"
    );
    assert_eq!(
        rejected_code(&raw(Operation::Update("j1"), b"\xff\xfe")),
        "InvalidJson"
    );
    assert_eq!(
        rejected_code(&raw(Operation::GetPending, b"[1]")),
        "InvalidRequest"
    );
    assert!(
        raw(Operation::GetPending, b"").accepted.is_some(),
        "an empty payload is {{}}"
    );
    let long_token = json!({"clientToken": "x".repeat(65)}).to_string();
    let h = raw(Operation::GetPending, long_token.as_bytes());
    assert_eq!(rejected_code(&h), "InvalidRequest");
    assert!(h.rejected.unwrap().get("clientToken").is_none());
    let bad = |payload: Value| {
        rejected_code(&serve(Operation::Update("j1"), &[&j], &execs, payload, T0)).to_owned()
    };
    assert_eq!(
        bad(json!({"clientToken": "c"})),
        "InvalidRequest",
        "status is required"
    );
    assert_eq!(bad(json!({"status": "DONE"})), "InvalidRequest");
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "statusDetails": {"n": 5}})),
        "InvalidRequest"
    );
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "statusDetails": {"bad key": "v"}})),
        "InvalidRequest"
    );
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "statusDetails": {"k": ""}})),
        "InvalidRequest"
    );
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "expectedVersion": "1"})),
        "InvalidRequest"
    );
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 10081})),
        "InvalidRequest"
    );
    assert_eq!(
        bad(json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 0})),
        "InvalidRequest"
    );
    let start_next = serve(
        Operation::StartNext,
        &[&j],
        &execs,
        json!({"stepTimeoutInMinutes": -1}),
        T0,
    );
    assert_eq!(
        rejected_code(&start_next),
        "InvalidRequest",
        "-1 only discards on update"
    );
}

#[test]
fn unknown_and_unreleased_executions_are_not_found() {
    let j = job("j1", &["t1"]);
    let h = serve(
        Operation::Update("other"),
        &[&j],
        &[released("j1", "t1", T0)],
        json!({"status": "IN_PROGRESS"}),
        T0,
    );
    assert_eq!(rejected_code(&h), "ResourceNotFound");
    let waiting = Execution::queued("j1", "t1", 1, T0);
    let h = serve(
        Operation::Describe("j1"),
        &[&j],
        std::slice::from_ref(&waiting),
        json!({}),
        T0,
    );
    assert_eq!(rejected_code(&h), "ResourceNotFound");
    let h = serve(
        Operation::GetPending,
        &[&j],
        std::slice::from_ref(&waiting),
        json!({}),
        T0,
    );
    assert_eq!(h.accepted.unwrap()["queuedJobs"], json!([]));
    let h = serve(Operation::StartNext, &[&j], &[waiting], json!({}), T0);
    assert_eq!(h.accepted.unwrap(), json!({"timestamp": T0}));
    let h = serve(
        Operation::Describe("j1"),
        &[&j],
        &[released("j1", "t1", T0)],
        json!({"executionNumber": 2}),
        T0,
    );
    assert_eq!(rejected_code(&h), "ResourceNotFound");
    let mut deleting = job("j1", &["t1"]);
    deleting.status = JobStatus::DeletionInProgress;
    let h = serve(
        Operation::Describe("j1"),
        &[&deleting],
        &[released("j1", "t1", T0)],
        json!({}),
        T0,
    );
    assert_eq!(rejected_code(&h), "ResourceNotFound");
}

fn three_pending() -> (Vec<Job>, Vec<Execution>) {
    let jobs = vec![job("a", &["t1"]), job("b", &["t1"]), job("c", &["t1"])];
    let mut execs = vec![
        released("a", "t1", T0 + 3),
        released("b", "t1", T0 + 1),
        released("c", "t1", T0 + 2),
    ];
    execs[0].status = ExecutionStatus::InProgress;
    execs[0].started_at = Some(T0 + 4);
    (jobs, execs)
}

#[test]
fn in_progress_comes_first_then_the_oldest_queued() {
    let (jobs, mut execs) = three_pending();
    let refs: Vec<&Job> = jobs.iter().collect();
    let h = serve(
        Operation::GetPending,
        &refs,
        &execs,
        json!({"clientToken": "g"}),
        T0 + 9,
    );
    let doc = h.accepted.unwrap();
    let ids = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["jobId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&doc["inProgressJobs"]), ["a"]);
    assert_eq!(ids(&doc["queuedJobs"]), ["b", "c"]);
    assert_eq!(
        doc["inProgressJobs"][0],
        json!({"jobId": "a", "queuedAt": T0 + 3, "startedAt": T0 + 4, "lastUpdatedAt": T0 + 3, "executionNumber": 1, "versionNumber": 1})
    );
    assert_eq!(doc["clientToken"], "g");

    // start-next returns the IN_PROGRESS one untouched.
    let h = serve(
        Operation::StartNext,
        &refs,
        &execs,
        json!({"statusDetails": {"k": "v"}}),
        T0 + 9,
    );
    assert!(h.changes.is_empty());
    assert_eq!(h.accepted.unwrap()["execution"]["jobId"], "a");
    let h = serve(
        Operation::Describe("$next"),
        &refs,
        &execs,
        json!({"includeJobDocument": false}),
        T0 + 9,
    );
    let next = &h.accepted.unwrap()["execution"];
    assert_eq!(next["jobId"], "a");
    assert!(next.get("jobDocument").is_none());

    execs[0].status = ExecutionStatus::Succeeded;
    let h = serve(Operation::StartNext, &refs, &execs, json!({}), T0 + 9);
    assert_eq!(h.changes[0].job_id, "b", "the oldest QUEUED one");
    let h = serve(Operation::Describe("c"), &refs, &execs, json!({}), T0 + 9);
    assert_eq!(
        h.accepted.unwrap()["execution"]["jobDocument"],
        json!({"op": "update"})
    );
}

#[test]
fn describing_a_finished_execution_of_a_finished_job_reaches_a_terminal_state() {
    let mut j = job("j1", &["t1"]);
    let mut e = released("j1", "t1", T0);
    e.status = ExecutionStatus::Succeeded;
    let h = serve(
        Operation::Describe("j1"),
        &[&j],
        &[e.clone()],
        json!({}),
        T0,
    );
    assert_eq!(
        h.accepted.unwrap()["execution"]["status"],
        "SUCCEEDED",
        "the job still runs"
    );
    j.status = JobStatus::Completed;
    let h = serve(Operation::Describe("j1"), &[&j], &[e], json!({}), T0);
    assert_eq!(rejected_code(&h), "TerminalStateReached");
}

// ---- notifications ----

fn decide(jobs: &[Job], before: &[Execution], after: &[Execution]) -> Notifications {
    let entries = |execs: &[Execution]| -> Vec<(usize, usize)> {
        execs
            .iter()
            .enumerate()
            .map(|(i, e)| (i, jobs.iter().position(|j| j.job_id == e.job_id).unwrap()))
            .collect()
    };
    let b: Vec<Entry<'_>> = entries(before)
        .into_iter()
        .map(|(i, j)| Entry {
            job: &jobs[j],
            execution: &before[i],
        })
        .collect();
    let a: Vec<Entry<'_>> = entries(after)
        .into_iter()
        .map(|(i, j)| Entry {
            job: &jobs[j],
            execution: &after[i],
        })
        .collect();
    notify::decide(&b, &a, T0 + 50, &mut no_presign)
}

#[test]
fn notify_follows_the_list_and_notify_next_the_first_execution() {
    let jobs = vec![job("j1", &["t1"]), job("j2", &["t1"]), job("j3", &["t1"])];
    let e1 = released("j1", "t1", T0 + 1);
    let e2 = released("j2", "t1", T0 + 2);
    let e3 = released("j3", "t1", T0 + 3);

    let n = decide(&jobs, &[], std::slice::from_ref(&e1));
    assert_eq!(n.notify.unwrap()["jobs"]["QUEUED"][0]["jobId"], "j1");
    assert_eq!(
        n.notify_next.unwrap()["execution"]["jobDocument"],
        json!({"op": "update"})
    );

    let n = decide(&jobs, std::slice::from_ref(&e1), &[e1.clone(), e2.clone()]);
    assert!(
        n.notify.is_some() && n.notify_next.is_none(),
        "j1 is still next"
    );

    let mut s1 = e1.clone();
    s1.status = ExecutionStatus::InProgress;
    let n = decide(&jobs, &[e1.clone(), e2.clone()], &[s1.clone(), e2.clone()]);
    assert_eq!(n, Notifications::default(), "same members, same next");

    let mut done1 = s1.clone();
    done1.status = ExecutionStatus::Succeeded;
    let n = decide(
        &jobs,
        &[s1.clone(), e2.clone(), e3.clone()],
        &[done1.clone(), e2.clone(), e3.clone()],
    );
    let list = n.notify.unwrap();
    assert_eq!(list["jobs"]["QUEUED"].as_array().unwrap().len(), 2);
    assert!(list["jobs"].get("IN_PROGRESS").is_none());
    assert_eq!(n.notify_next.unwrap()["execution"]["jobId"], "j2");

    let mut s3 = e3.clone();
    s3.status = ExecutionStatus::InProgress;
    let n = decide(&jobs, &[done1.clone(), e2.clone(), e3], &[done1, e2, s3]);
    assert!(n.notify.is_none(), "nothing joined or left");
    assert_eq!(
        n.notify_next.unwrap()["execution"]["jobId"],
        "j3",
        "an IN_PROGRESS one overtakes"
    );
}

#[test]
fn notify_lists_ten_executions_in_progress_first() {
    let jobs: Vec<Job> = (0..12).map(|i| job(&format!("j{i:02}"), &["t1"])).collect();
    let mut execs: Vec<Execution> = (0..12)
        .map(|i| released(&format!("j{i:02}"), "t1", T0 + i))
        .collect();
    execs[11].status = ExecutionStatus::InProgress;
    let entries: Vec<Entry<'_>> = jobs
        .iter()
        .zip(&execs)
        .map(|(job, execution)| Entry { job, execution })
        .collect();
    let doc = notify::notify_document(&entries, T0);
    assert_eq!(doc["jobs"]["IN_PROGRESS"][0]["jobId"], "j11");
    let queued = doc["jobs"]["QUEUED"].as_array().unwrap();
    assert_eq!(queued.len(), 9);
    assert_eq!(queued[8]["jobId"], "j08");
    let keys: Vec<&String> = doc["jobs"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["IN_PROGRESS", "QUEUED"]);
}

// ---- rollout ----

/// Releases `job`'s executions every 10 seconds for `minutes`; the total released at the end
/// of each minute. Executions succeed one minute after their release when `succeed` is set.
fn simulate(job: &Job, minutes: u64, succeed: bool) -> Vec<usize> {
    let (job, mut execs) = lifecycle::create(job.clone(), T0).unwrap();
    let mut totals = Vec::new();
    for minute in 0..minutes {
        for tick in 0..6 {
            let now = T0 + minute * 60 + tick * 10;
            if succeed {
                for e in execs
                    .iter_mut()
                    .filter(|e| e.notified_at.is_some_and(|t| t + 60 <= now))
                {
                    if e.status == ExecutionStatus::Queued {
                        e.status = ExecutionStatus::Succeeded;
                        e.last_updated_at = now;
                    }
                }
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
    let mut j = job("r", &refs);
    j.rollout = rollout;
    j
}

#[test]
fn a_constant_rollout_releases_its_rate_each_minute() {
    let j = job_for(
        23,
        Some(Rollout {
            maximum_per_minute: Some(5),
            exponential_rate: None,
        }),
    );
    assert_eq!(simulate(&j, 6, false), [5, 10, 15, 20, 23, 23]);
    // In target order.
    let (j, execs) = lifecycle::create(j, T0).unwrap();
    let first: Vec<_> = rollout::release(&j, &execs, T0)
        .into_iter()
        .map(|e| e.thing_name)
        .collect();
    assert_eq!(first, targets(5));
    assert!(
        rollout::release(&j, &execs, T0)
            .iter()
            .all(|e| e.queued_at == T0 && e.notified_at == Some(T0))
    );
}

#[test]
fn without_a_rollout_everything_goes_at_once_up_to_1000_a_minute() {
    assert_eq!(simulate(&job_for(40, None), 1, false), [40]);
    assert_eq!(simulate(&job_for(1500, None), 2, false), [1000, 1500]);
}

#[test]
fn an_exponential_rollout_speeds_up_at_each_multiple_of_notified_things() {
    // 2 a minute; doubles at 4, 8, 12... notified (counted when each minute starts).
    let j = job_for(40, Some(exponential(2, 2.0, Some(4), None)));
    assert_eq!(simulate(&j, 6, false), [2, 4, 8, 16, 40, 40]);
    assert_eq!(rollout::rate_per_minute(j.rollout.as_ref(), 16, 0), 32);
    let mut capped = exponential(2, 2.0, Some(4), None);
    capped.maximum_per_minute = Some(10);
    assert_eq!(rollout::rate_per_minute(Some(&capped), 16, 0), 10);
    assert_eq!(
        rollout::rate_per_minute(Some(&exponential(1000, 5.0, Some(1), None)), 1_000_000, 0),
        1000
    );
    let fractional = exponential(10, 1.5, Some(10), None);
    let rates: Vec<u64> = [0, 10, 20, 30]
        .iter()
        .map(|n| rollout::rate_per_minute(Some(&fractional), *n, 0))
        .collect();
    assert_eq!(rates, [10, 15, 22, 33]);
}

#[test]
fn an_exponential_rollout_can_speed_up_on_succeeded_things() {
    // Executions succeed a minute after release; the rate doubles at 3 succeeded.
    let j = job_for(30, Some(exponential(3, 2.0, None, Some(3))));
    assert_eq!(simulate(&j, 5, true), [3, 6, 12, 24, 30]);
    assert_eq!(
        simulate(&j, 5, false),
        [3, 6, 9, 12, 15],
        "nothing succeeds: no speed-up"
    );
}

// ---- abort, cancel, delete, completion ----

fn finished(job_id: &str, statuses: &[ExecutionStatus]) -> Vec<Execution> {
    statuses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut e = released(job_id, &format!("t{i}"), T0);
            e.status = *s;
            e
        })
        .collect()
}

#[test]
fn an_abort_criterion_trips_exactly_at_its_threshold() {
    use ExecutionStatus::{Failed, InProgress, Queued, Rejected, Succeeded, TimedOut};
    let c = criterion(FailureType::Failed, 4, 50.0);
    assert!(abort::trips(
        &c,
        &finished("j", &[Failed, Failed, Succeeded, Succeeded])
    ));
    assert!(!abort::trips(
        &c,
        &finished("j", &[Failed, Succeeded, Succeeded, Succeeded, Queued])
    ));
    assert!(
        !abort::trips(&c, &finished("j", &[Failed, Failed, Succeeded, InProgress])),
        "3 executed < 4"
    );
    assert!(
        !abort::trips(&c, &finished("j", &[Failed, Rejected, TimedOut, Succeeded])),
        "only FAILED counts"
    );
    let all = criterion(FailureType::All, 4, 75.0);
    assert!(abort::trips(
        &all,
        &finished("j", &[Failed, Rejected, TimedOut, Succeeded])
    ));
    let fine = criterion(FailureType::Rejected, 1, 33.34);
    assert!(!abort::trips(
        &fine,
        &finished("j", &[Rejected, Succeeded, Succeeded])
    ));
    assert!(abort::trips(
        &criterion(FailureType::Rejected, 1, 33.33),
        &finished("j", &[Rejected, Succeeded, Succeeded])
    ));
}

#[test]
fn an_abort_cancels_queued_executions_and_leaves_running_ones() {
    use ExecutionStatus::{Canceled, Failed, InProgress, Queued};
    let mut j = job("j", &["t0", "t1", "t2", "t3"]);
    j.abort = vec![
        criterion(FailureType::TimedOut, 1, 100.0),
        criterion(FailureType::Failed, 1, 50.0),
    ];
    let mut execs = finished("j", &[Failed, InProgress, Queued]);
    execs.push(Execution::queued("j", "t3", 1, T0));
    let out = advance(&j, &execs, T0 + 5);
    let canceled = out.job.unwrap();
    assert_eq!(canceled.status, JobStatus::Canceled);
    assert!(!canceled.force_canceled);
    assert_eq!(
        canceled.reason_code.as_deref(),
        Some(abort::ABORT_REASON_CODE)
    );
    assert!(canceled.comment.as_deref().unwrap().contains("FAILED"));
    let statuses: Vec<_> = out
        .changes
        .iter()
        .map(|e| (e.thing_name.as_str(), e.status))
        .collect();
    assert_eq!(
        statuses,
        [("t2", Canceled), ("t3", Canceled)],
        "t1 keeps running"
    );
    assert!(
        abort::evaluate(&canceled, &execs, T0 + 6).is_none(),
        "a canceled job aborts no more"
    );
}

#[test]
fn cancel_and_delete_follow_cancel_job_and_delete_job() {
    use ExecutionStatus::{Canceled, InProgress, Queued, Succeeded};
    let j = job("j", &["t0", "t1", "t2"]);
    let execs = finished("j", &[Queued, InProgress, Succeeded]);
    let soft = lifecycle::cancel(&j, &execs, false, Some("USER_1"), Some("stop"), T0).unwrap();
    assert_eq!(
        soft.changes
            .iter()
            .map(|e| e.thing_name.as_str())
            .collect::<Vec<_>>(),
        ["t0"]
    );
    assert_eq!(
        (soft.job.reason_code.as_deref(), soft.job.comment.as_deref()),
        (Some("USER_1"), Some("stop"))
    );
    assert_eq!(
        soft.changes[0].version_number, 1,
        "service changes keep the version"
    );
    let hard = lifecycle::cancel(
        &soft.job,
        &finished("j", &[Canceled, InProgress, Succeeded]),
        true,
        None,
        None,
        T0,
    )
    .unwrap();
    assert!(hard.job.force_canceled);
    assert_eq!(
        hard.changes
            .iter()
            .map(|e| (e.thing_name.as_str(), e.status))
            .collect::<Vec<_>>(),
        [("t1", Canceled)]
    );
    invalid_request(lifecycle::cancel(&hard.job, &execs, true, None, None, T0));
    invalid_request(lifecycle::cancel(
        &j,
        &execs,
        false,
        Some("lower"),
        None,
        T0,
    ));
    let mut completed = j.clone();
    completed.status = JobStatus::Completed;
    invalid_request(lifecycle::cancel(&completed, &execs, false, None, None, T0));

    let err = lifecycle::delete(&j, false, T0).unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("InvalidStateTransitionException", 409)
    );
    let deleting = lifecycle::delete(&j, true, T0 + 1).unwrap();
    assert_eq!(deleting.status, JobStatus::DeletionInProgress);
    assert!(lifecycle::delete(&deleting, true, T0).is_err());
    assert!(lifecycle::delete(&completed, false, T0).is_ok());
}

#[test]
fn only_snapshot_jobs_with_every_execution_terminal_complete() {
    use ExecutionStatus::{Failed, InProgress, Succeeded};
    let j = job("j", &["t0", "t1"]);
    let done = lifecycle::complete(&j, &finished("j", &[Succeeded, Failed]), T0 + 7).unwrap();
    assert_eq!(
        (done.status, done.completed_at),
        (JobStatus::Completed, Some(T0 + 7))
    );
    assert!(lifecycle::complete(&j, &finished("j", &[Succeeded, InProgress]), T0).is_none());
    assert!(
        lifecycle::complete(&j, &finished("j", &[Succeeded]), T0).is_none(),
        "t1 has none yet"
    );
    let mut continuous = j.clone();
    continuous.target_selection = TargetSelection::Continuous;
    assert!(lifecycle::complete(&continuous, &finished("j", &[Succeeded, Failed]), T0).is_none());
}

// ---- timeouts ----

#[test]
fn a_step_timer_runs_from_when_it_was_set_and_update_resets_or_discards_it() {
    let j = job("j1", &["t1"]);
    let h = serve(
        Operation::StartNext,
        &[&j],
        &[released("j1", "t1", T0)],
        json!({"stepTimeoutInMinutes": 5}),
        T0 + 100,
    );
    let started = h.changes;
    assert!(timeout::tick(&started, T0 + 100 + 299).is_empty());
    let timed_out = timeout::tick(&started, T0 + 100 + 300);
    assert_eq!(timed_out[0].status, ExecutionStatus::TimedOut);
    assert_eq!(timed_out[0].version_number, started[0].version_number);

    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &started,
        json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 10}),
        T0 + 250,
    );
    assert_eq!(timeout::next_deadline(&h.changes), Some(T0 + 250 + 600));
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &h.changes,
        json!({"status": "IN_PROGRESS"}),
        T0 + 260,
    );
    assert_eq!(
        timeout::next_deadline(&h.changes),
        Some(T0 + 850),
        "kept when not given"
    );
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &h.changes,
        json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": -1}),
        T0 + 270,
    );
    assert_eq!(timeout::next_deadline(&h.changes), None);
    assert!(timeout::tick(&h.changes, T0 + 100_000).is_empty());
}

#[test]
fn the_in_progress_timer_runs_from_started_at_and_bounds_the_step_timer() {
    let mut j = job("j1", &["t1"]);
    j.in_progress_timeout_minutes = Some(20);
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &[released("j1", "t1", T0)],
        json!({"status": "IN_PROGRESS"}),
        T0 + 60,
    );
    let h = serve(
        Operation::Update("j1"),
        &[&j],
        &h.changes,
        json!({"status": "IN_PROGRESS", "stepTimeoutInMinutes": 30}),
        T0 + 600,
    );
    assert_eq!(
        timeout::next_deadline(&h.changes),
        Some(T0 + 60 + 1200),
        "the in-progress bound wins"
    );
    let out = advance(&j, &h.changes, T0 + 60 + 1200);
    assert_eq!(out.changes[0].status, ExecutionStatus::TimedOut);
    assert_eq!(
        out.job.unwrap().status,
        JobStatus::Completed,
        "its only execution is terminal"
    );
    let queued = vec![released("j1", "t1", T0)];
    assert!(
        timeout::tick(&queued, T0 + 1_000_000).is_empty(),
        "QUEUED executions do not time out"
    );
}

// ---- events and process details ----

#[test]
fn job_and_execution_events_carry_aws_fields() {
    use ExecutionStatus::{Canceled, Queued, Succeeded};
    let mut j = job("j1", &["t0", "t1"]);
    j.description = Some("firmware 2".into());
    let execs = finished("j1", &[Succeeded, Succeeded]);
    let done = lifecycle::complete(&j, &execs, T0 + 9).unwrap();
    let prefix = "arn:aws:iot:eu-west-1:123456789012:";
    let doc = events::job_event(
        &done,
        &execs,
        events::JobEvent::Completed,
        "ev1",
        prefix,
        T0 + 10,
    );
    assert_eq!(
        doc,
        json!({
            "eventType": "JOB", "eventId": "ev1", "timestamp": T0 + 10, "operation": "completed",
            "jobId": "j1", "status": "COMPLETED", "targetSelection": "SNAPSHOT",
            "targets": [format!("{prefix}thing/t0"), format!("{prefix}thing/t1")],
            "description": "firmware 2", "completedAt": (T0 + 9) * 1000,
            "createdAt": T0 * 1000, "lastUpdatedAt": (T0 + 9) * 1000,
            "jobProcessDetails": {
                "numberOfCanceledThings": 0, "numberOfRejectedThings": 0, "numberOfFailedThings": 0,
                "numberOfRemovedThings": 0, "numberOfSucceededThings": 2, "numberOfTimedOutThings": 0,
            },
        })
    );
    assert_eq!(
        events::job_topic("j1", events::JobEvent::CancellationInProgress),
        "$aws/events/job/j1/cancellation_in_progress"
    );

    let out = lifecycle::cancel(
        &j,
        &finished("j1", &[Queued, Succeeded]),
        true,
        None,
        Some("why"),
        T0,
    )
    .unwrap();
    let doc = events::job_event(&out.job, &[], events::JobEvent::Canceled, "ev2", prefix, T0);
    assert_eq!(
        (doc["forceCanceled"].clone(), doc["comment"].clone()),
        (json!(true), json!("why"))
    );
    let doc = events::job_event(&out.job, &[], events::JobEvent::Deleted, "ev3", prefix, T0);
    assert_eq!(doc["status"], "DELETED");
    assert!(doc.get("jobProcessDetails").is_none() && doc.get("forceCanceled").is_none());

    let mut e = out.changes[0].clone();
    assert_eq!(e.status, Canceled);
    e.status_details.insert("reason".into(), "user".into());
    let event = events::ExecutionEvent::for_status(e.status).unwrap();
    assert_eq!(
        events::execution_topic("j1", event),
        "$aws/events/jobExecution/j1/canceled"
    );
    assert_eq!(
        events::execution_event(&e, event, "ev4", prefix, T0),
        json!({
            "eventType": "JOB_EXECUTION", "eventId": "ev4", "timestamp": T0, "operation": "canceled",
            "jobId": "j1", "thingArn": format!("{prefix}thing/t0"), "status": "CANCELED",
            "statusDetails": {"reason": "user"},
        })
    );
    assert_eq!(
        events::ExecutionEvent::for_status(ExecutionStatus::InProgress),
        None
    );
}

#[test]
fn process_details_count_every_status() {
    use ExecutionStatus::*;
    let d = process_details(&finished(
        "j",
        &[
            Queued, Queued, InProgress, Succeeded, Failed, TimedOut, Rejected, Removed, Canceled,
        ],
    ));
    let doc = serde_json::to_value(d).unwrap();
    assert_eq!(
        doc,
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
    let cases = [
        (
            "https://s3.amazonaws.com/my-bucket/fw/app.bin",
            ("my-bucket", "fw/app.bin"),
        ),
        (
            "https://s3.us-west-2.amazonaws.com/my-bucket/app.bin",
            ("my-bucket", "app.bin"),
        ),
        (
            "https://s3-eu-west-1.amazonaws.com/b.k.t/a/b",
            ("b.k.t", "a/b"),
        ),
        (
            "https://my-bucket.s3.amazonaws.com/fw/app.bin",
            ("my-bucket", "fw/app.bin"),
        ),
        (
            "https://my.dotted.bucket.s3.eu-west-1.amazonaws.com/k",
            ("my.dotted.bucket", "k"),
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(presign::parse_s3_url(url), Some(expected), "{url}");
    }
    for bad in [
        "http://s3.amazonaws.com/b/k",
        "https://s3.amazonaws.com/bucket",
        "https://example.com/b/k",
        "https://s3.amazonaws.com/B/k",
        "https://bucket.s4.amazonaws.com/k",
        "https://s3.amazonaws.com.evil.com/b/k",
    ] {
        assert_eq!(presign::parse_s3_url(bad), None, "{bad}");
    }
    let doc = r#"{"a":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/x.bin}","b":"${aws:iot:s3-presigned-url:https://bkt.s3.amazonaws.com/y}"}"#;
    let mut seen = Vec::new();
    let out = presign::replace(doc, |bucket, key| {
        seen.push(format!("{bucket}/{key}"));
        format!("https://signed/{key}?X-Amz-Signature=\"s\"")
    });
    assert_eq!(seen, ["bkt/x.bin", "bkt/y"]);
    let parsed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["b"], "https://signed/y?X-Amz-Signature=\"s\"");
    assert!(
        presign::validate("x ${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/k").is_err(),
        "unterminated"
    );
    assert!(
        presign::validate(r#"{"u":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/k"}"#)
            .is_err(),
        "a quote ends the URL"
    );
    assert!(presign::validate(doc).is_ok());
}

#[test]
fn devices_get_presigned_urls_only_from_jobs_with_a_presign_config() {
    let doc = r#"{"url":"${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/fw.bin}"}"#;
    let mut j = Job::new("j1", doc, &["t1"], T0);
    let execs = [released("j1", "t1", T0)];
    let entries = [Entry {
        job: &j,
        execution: &execs[0],
    }];
    let mut sign = |c: &PresignedUrlConfig, bucket: &str, key: &str| {
        format!("https://{bucket}/{key}?ttl={}", c.expires_in_sec)
    };
    let h = handle(
        &Operation::Describe("j1"),
        "t1",
        &entries,
        b"{}",
        T0,
        &mut sign,
    );
    assert_eq!(
        h.accepted.unwrap()["execution"]["jobDocument"]["url"],
        "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bkt/fw.bin}"
    );
    j.presigned_url = Some(PresignedUrlConfig {
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        expires_in_sec: 600,
    });
    let entries = [Entry {
        job: &j,
        execution: &execs[0],
    }];
    let h = handle(&Operation::StartNext, "t1", &entries, b"{}", T0, &mut sign);
    assert_eq!(
        h.accepted.unwrap()["execution"]["jobDocument"]["url"],
        "https://bkt/fw.bin?ttl=600"
    );
    assert_eq!(j.document, doc, "the stored document keeps its placeholder");
}
