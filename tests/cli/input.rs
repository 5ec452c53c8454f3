//! Bad input: one clear line, the right exit code, no panic, and no change made where the
//! input can be checked first.

use crate::support::*;

/// A closed loopback port: anything sent there would fail, so a test that exits 2 with the
/// input's message proves the check came first.
fn closed_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn assert_clean_failure(out: &Output, code: i32, needle: &str) {
    assert_eq!(out.code, code, "exit code for {needle:?}\n{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "stdout must stay empty: {}",
        out.stdout
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let line = out.error_line();
    assert!(line.starts_with("error: "), "{}", out.stderr);
    assert!(line.contains(needle), "expected {needle:?} in {line:?}");
}

#[test]
fn names_aws_would_reject() {
    let env = Env::new(Some(closed_endpoint()));
    let long = "x".repeat(129);
    for (args, needle) in [
        (
            vec!["thing", "create", "soil sensor"],
            "thing name \"soil sensor\"",
        ),
        (vec!["thing", "create", "ok1", "sensor/2"], "'/'"),
        (vec!["thing", "create", long.as_str()], "1 to 128"),
        (
            vec!["thing", "create", "--count", "2", "--prefix", "bad prefix"],
            "thing name",
        ),
        (vec!["thing", "delete", "a b"], "thing name"),
        (vec!["thing", "show", "a#b"], "thing name"),
        (
            vec![
                "deploy",
                "--stack-name",
                "iot_backend",
                "--email",
                "ops@example.com",
            ],
            "stack name",
        ),
        (vec!["teardown", "--stack-name", "9lives"], "stack name"),
        (vec!["deploy", "--email", "ops"], "not an email address"),
        (
            vec!["deploy", "--email", "ops@example"],
            "not an email address",
        ),
        (
            vec!["deploy", "--email", "ops@example.com", "--threshold", "101"],
            "--threshold \"101\"",
        ),
        (
            vec!["deploy", "--email", "ops@example.com", "--threshold", "-5"],
            "--threshold",
        ),
        (
            vec!["deploy", "--email", "ops@example.com", "--threshold", "dry"],
            "--threshold \"dry\"",
        ),
    ] {
        let out = env.run(&args);
        assert_clean_failure(&out, 2, needle);
    }
}

#[test]
fn missing_or_malformed_templates() {
    let env = Env::new(Some(closed_endpoint()));
    let missing = env.path("nope.yaml");
    let out = env.run(&[
        "deploy",
        "--email",
        "ops@example.com",
        "--template",
        missing.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, 2, "cannot read template");
    let bad = env.path("bad.yaml");
    write(&bad, "Resources:\n  A: [unclosed\n");
    let out = env.run(&[
        "deploy",
        "--email",
        "ops@example.com",
        "--template",
        bad.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, 2, "not valid YAML");
    let no_resources = env.path("empty.yaml");
    write(&no_resources, "Description: nothing here\n");
    let out = env.run(&[
        "deploy",
        "--email",
        "ops@example.com",
        "--template",
        no_resources.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, 2, "has no Resources");
    let other = env.path("other.yaml");
    write(&other, "Resources:\n  T:\n    Type: AWS::SNS::Topic\n");
    let out = env.run(&[
        "deploy",
        "--email",
        "ops@example.com",
        "--template",
        other.to_str().unwrap(),
    ]);
    assert_clean_failure(&out, 2, "does not declare");
}

#[test]
fn missing_credentials_region_and_bad_endpoints() {
    let mut env = Env::new(Some(closed_endpoint()));
    env.credentials = false;
    assert_clean_failure(&env.run(&["status"]), 2, "no AWS credentials found");
    let out = env.run(&["--profile", "nobody", "status"]);
    assert_clean_failure(&out, 2, "profile \"nobody\"");
    let mut env = Env::new(Some(closed_endpoint()));
    env.region = false;
    assert_clean_failure(&env.run(&["status"]), 2, "no AWS Region");
    let env = Env::new(Some(closed_endpoint()));
    assert_clean_failure(
        &env.run(&["--region", "Mars", "status"]),
        2,
        "not an AWS Region",
    );
    let env = Env::new(Some("localhost:4566".into()));
    assert_clean_failure(&env.run(&["status"]), 2, "must start with http");
}

#[test]
fn an_unreachable_endpoint_fails_with_exit_1() {
    let env = Env::new(Some(closed_endpoint()));
    let out = env.run(&["deploy", "--email", "ops@example.com"]);
    assert_clean_failure(&out, 1, "cannot reach the AWS endpoint");
    let out = env.run(&["teardown", "--yes"]);
    assert_clean_failure(&out, 1, "cannot reach the AWS endpoint");
}

#[test]
fn a_new_stack_needs_an_email() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    assert_clean_failure(&env.run(&["deploy"]), 2, "--email");
    let c = moto.clients();
    let stacks = block_on(async {
        c.cfn
            .list_stacks()
            .send()
            .await
            .unwrap()
            .stack_summaries()
            .len()
    });
    assert_eq!(stacks, 0, "nothing may be created");
}

#[test]
fn stacks_in_a_failed_or_busy_state() {
    for (status, needle) in [
        ("ROLLBACK_COMPLETE", "soilctl teardown"),
        ("UPDATE_IN_PROGRESS", "busy (UPDATE_IN_PROGRESS)"),
        ("UPDATE_ROLLBACK_FAILED", "continue-update-rollback"),
        ("DELETE_FAILED", "soilctl teardown"),
    ] {
        let fake = FakeCloudFormation::start(Box::new(move |action, _| match action {
            "DescribeStacks" => cfn_stack("iot-backend", status),
            other => cfn_error("InvalidAction", &format!("{other} must not be called")),
        }));
        let env = Env::new(Some(fake.url()));
        let out = env.run(&["deploy", "--email", "ops@example.com"]);
        assert_clean_failure(&out, 1, needle);
    }
    let fake = FakeCloudFormation::start(Box::new(|action, _| match action {
        "DescribeStacks" => cfn_stack("iot-backend", "CREATE_IN_PROGRESS"),
        "ListStackResources" => cfn_ok("ListStackResources", "<StackResourceSummaries/>"),
        other => cfn_error("InvalidAction", &format!("{other} must not be called")),
    }));
    let env = Env::new(Some(fake.url()));
    assert_clean_failure(
        &env.run(&["teardown", "--yes"]),
        1,
        "busy (CREATE_IN_PROGRESS)",
    );
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let env = Env::new(None);
    let out = env.run(&["thing", "create"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = env.run(&["deploy", "--output", "yaml"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let help = env.run(&["--help"]).expect(0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
    assert!(
        help.stdout.contains("2  bad usage or bad input"),
        "{}",
        help.stdout
    );
    let version = env.run(&["--version"]).expect(0);
    assert!(version.stdout.starts_with("soilctl "), "{}", version.stdout);
}
