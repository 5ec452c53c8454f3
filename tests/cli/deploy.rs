//! `soilctl deploy` against moto with the real template, and against a scripted
//! CloudFormation endpoint for what moto cannot show (per-resource failures).

use crate::support::*;

#[test]
fn deploy_creates_the_stack_from_the_real_template() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&["deploy", "--email", "ops@example.com", "--output", "json"])
        .expect(0);
    let json = out.json();
    assert_eq!(json["action"], "create");
    assert_eq!(json["status"], "CREATE_COMPLETE");
    let outputs = &json["outputs"];
    let bucket = outputs["ArchiveBucketName"]
        .as_str()
        .expect("bucket output")
        .to_string();
    let policy = outputs["DevicePolicyName"]
        .as_str()
        .expect("policy output")
        .to_string();
    let topic = outputs["AlertTopicArn"]
        .as_str()
        .expect("topic output")
        .to_string();
    assert!(json["changes"].as_array().unwrap().len() >= 13, "{json}");
    // The progress lines go to stderr, the document to stdout.
    assert!(out.stderr.contains("CREATE_COMPLETE"), "{}", out.stderr);

    let c = moto.clients();
    block_on(async {
        assert!(
            soilctl::aws::s3::bucket_exists(&c.s3, &bucket)
                .await
                .unwrap()
        );
        assert!(
            soilctl::aws::iot::policy_exists(&c.iot, &policy)
                .await
                .unwrap()
        );
        let subs = soilctl::aws::sns::subscriptions(&c.sns, &topic)
            .await
            .unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].protocol, "email");
        assert_eq!(subs[0].endpoint, "ops@example.com");
        let stack = soilctl::aws::cfn::describe_stack(&c.cfn, "iot-backend")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stack.parameters["AlertEmail"], "ops@example.com");
        assert_eq!(stack.parameters["HumidityThreshold"], "35");
        let doc = c
            .iot
            .get_policy()
            .policy_name(&policy)
            .send()
            .await
            .unwrap();
        let doc = doc.policy_document().unwrap();
        assert!(doc.contains("${iot:Connection.Thing.ThingName}"), "{doc}");
        assert!(!doc.contains("iot:*"), "{doc}");
    });
}

#[test]
fn redeploying_without_changes_succeeds_and_changes_nothing() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let out = env.run(&["deploy", "--output", "json"]).expect(0);
    assert_eq!(out.json()["action"], "none");
    assert!(out.stderr.contains("No changes"), "{}", out.stderr);
}

#[test]
fn an_update_is_shown_and_needs_yes_without_a_terminal() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let refused = env.run(&["deploy", "--threshold", "30"]).expect(2);
    assert!(refused.error_line().contains("--yes"), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("parameter HumidityThreshold: 35 -> 30"),
        "the changes must be shown: {}",
        refused.stderr
    );
    let threshold = || stack_threshold(&moto);
    assert_eq!(threshold(), "35", "a refused update must change nothing");
    let out = env
        .run(&["deploy", "--threshold", "30", "--yes", "--output", "json"])
        .expect(0);
    assert_eq!(out.json()["action"], "update");
    assert_eq!(out.json()["status"], "UPDATE_COMPLETE");
    assert_eq!(threshold(), "30");
}

#[test]
fn a_deploy_that_cloudformation_rejects_reports_the_reason() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let path = env.path("broken.yaml");
    write(
        &path,
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !GetAtt Missing.Arn\n",
    );
    let out = env
        .run(&[
            "deploy",
            "--stack-name",
            "broken",
            "--template",
            path.to_str().unwrap(),
        ])
        .expect(1);
    assert!(
        out.error_line()
            .contains("references undefined resource Missing"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_wait_returns_once_started() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&[
            "deploy",
            "--email",
            "ops@example.com",
            "--no-wait",
            "--output",
            "json",
        ])
        .expect(0);
    assert_eq!(out.json()["status"], "CREATE_IN_PROGRESS");
}

fn failing_create(action: &str, count: usize) -> (u16, String) {
    match action {
        "DescribeStacks" if count == 1 => cfn_error(
            "ValidationError",
            "Stack with id iot-backend does not exist",
        ),
        "DescribeStacks" => cfn_stack("iot-backend", "ROLLBACK_COMPLETE"),
        "CreateChangeSet" => cfn_ok(
            "CreateChangeSet",
            "<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/c/1</Id><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/iot-backend/1</StackId>",
        ),
        "DescribeChangeSet" => cfn_ok(
            "DescribeChangeSet",
            "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>\
             <member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType></ResourceChange></member>\
             <member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>AlertTopic</LogicalResourceId><ResourceType>AWS::SNS::Topic</ResourceType></ResourceChange></member>\
             </Changes>",
        ),
        "ExecuteChangeSet" => cfn_ok("ExecuteChangeSet", ""),
        // Before the change set runs: only the event of its creation.
        "DescribeStackEvents" if count == 1 => cfn_ok(
            "DescribeStackEvents",
            "<StackEvents>\
             <member><EventId>e0</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2026-01-01T00:00:00Z</Timestamp><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>\
             </StackEvents>",
        ),
        "DescribeStackEvents" => cfn_ok(
            "DescribeStackEvents",
            "<StackEvents>\
             <member><EventId>e4</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2099-01-01T00:00:04Z</Timestamp><ResourceStatus>ROLLBACK_COMPLETE</ResourceStatus></member>\
             <member><EventId>e3</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>AlertTopic</LogicalResourceId><ResourceType>AWS::SNS::Topic</ResourceType><Timestamp>2099-01-01T00:00:03Z</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>Resource creation cancelled</ResourceStatusReason></member>\
             <member><EventId>e2</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>2099-01-01T00:00:02Z</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>API: s3:CreateBucket Access Denied</ResourceStatusReason></member>\
             <member><EventId>e1</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>2099-01-01T00:00:01Z</Timestamp><ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus></member>\
             <member><EventId>e0</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2026-01-01T00:00:00Z</Timestamp><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>\
             </StackEvents>",
        ),
        "ListStackResources" => cfn_ok("ListStackResources", "<StackResourceSummaries/>"),
        other => cfn_error("InvalidAction", &format!("unexpected {other}")),
    }
}

#[test]
fn a_failed_resource_is_reported_with_its_reason_and_exit_1() {
    let fake = FakeCloudFormation::start(Box::new(failing_create));
    let env = Env::new(Some(fake.url()));
    let out = env
        .run(&["deploy", "--email", "ops@example.com", "--output", "json"])
        .expect(1);
    assert!(
        out.stderr.contains("ended ROLLBACK_COMPLETE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "ArchiveBucket (AWS::S3::Bucket): CREATE_FAILED - API: s3:CreateBucket Access Denied"
        ),
        "{}",
        out.stderr
    );
    // Every event of this deployment is shown, and none from before it.
    assert!(out.stderr.contains("CREATE_IN_PROGRESS"), "{}", out.stderr);
    assert!(!out.stderr.contains("REVIEW_IN_PROGRESS"), "{}", out.stderr);
    let json = out.json();
    let failures = json["failures"].as_array().unwrap();
    // The cancelled sibling is noise, not a cause.
    assert_eq!(failures.len(), 1, "{json}");
    assert_eq!(failures[0]["logicalId"], "ArchiveBucket");
}

#[test]
fn on_a_terminal_an_update_asks_before_it_changes_anything() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let threshold = || stack_threshold(&moto);
    let declined = on_terminal(&env, "deploy --threshold 30", "n\n");
    assert_eq!(declined.code, 1, "{}", declined.stdout);
    assert!(
        declined.stdout.contains("Apply these changes? [y/N]"),
        "{}",
        declined.stdout
    );
    assert!(
        declined
            .stdout
            .contains("parameter HumidityThreshold: 35 -> 30"),
        "{}",
        declined.stdout
    );
    assert!(
        declined.stdout.contains("nothing was changed"),
        "{}",
        declined.stdout
    );
    assert_eq!(threshold(), "35");
    let accepted = on_terminal(&env, "deploy --threshold 30", "y\n");
    assert_eq!(accepted.code, 0, "{}", accepted.stdout);
    assert!(
        accepted.stdout.contains("UPDATE_COMPLETE"),
        "{}",
        accepted.stdout
    );
    assert_eq!(threshold(), "30");
}

/// The deployed stack's HumidityThreshold parameter, as moto holds it.
fn stack_threshold(moto: &Moto) -> String {
    let c = moto.clients();
    block_on(async {
        soilctl::aws::cfn::describe_stack(&c.cfn, "iot-backend")
            .await
            .unwrap()
            .unwrap()
            .parameters["HumidityThreshold"]
            .clone()
    })
}
