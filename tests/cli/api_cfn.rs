//! soilctl's own AWS code path of `deploy` and `teardown` against the local backend's
//! CloudFormation, and the stack seen with the AWS CLI (CloudFormation, Lambda, Logs).

use crate::api::{aws, aws_json, local_env, run_with_local_env};
use crate::local::{LocalUp, state_dir};
use crate::support::{Env, Output};

/// `soilctl --endpoint-url <the local API> ARGS`, with `local env`'s credentials and region.
fn soilctl_aws(env: &Env, endpoint: &str, args: &[&str]) -> Output {
    let mut all = vec!["--endpoint-url", endpoint];
    all.extend_from_slice(args);
    run_with_local_env(env, env.command(&all))
}

fn registry(env: &Env) -> soilctl::local::registry::Registry {
    soilctl::local::registry::Registry::open(&state_dir(env).join("registry.db")).unwrap()
}

/// The SQL of the stack's alert rule, as the registry has it.
fn alert_sql(env: &Env) -> String {
    let stack = registry(env)
        .stack("iot-backend")
        .unwrap()
        .expect("the stack");
    let rule = registry(env)
        .topic_rule(&stack.outputs["AlertRuleName"])
        .unwrap()
        .expect("the alert rule");
    rule.payload["Sql"].as_str().unwrap().to_owned()
}

#[test]
fn soilctls_aws_deploy_runs_against_the_local_cloudformation() {
    let env = Env::new(None);
    let up = LocalUp::start(&env);
    let endpoint = local_env(&env)["AWS_ENDPOINT_URL"]
        .as_str()
        .unwrap()
        .to_owned();

    let made = soilctl_aws(
        &env,
        &endpoint,
        &["deploy", "--email", "a@example.com", "--yes"],
    )
    .expect(0);
    assert!(made.stdout.contains("status  CREATE_COMPLETE"), "{made:?}");
    assert!(made.stdout.contains("ArchiveBucketName"), "{made:?}");
    // Followed through the stack's events, one line per resource.
    assert!(
        made.stderr.contains("CREATE_COMPLETE        AlertRule"),
        "{}",
        made.stderr
    );
    assert!(alert_sql(&env).ends_with("humidity < 35"));

    let stacks = aws_json(
        &env,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "iot-backend",
        ],
    );
    let stack = &stacks["Stacks"][0];
    assert_eq!(stack["StackStatus"], "CREATE_COMPLETE");
    let stack_id = stack["StackId"].as_str().unwrap().to_owned();
    assert!(
        stack_id.starts_with("arn:aws:cloudformation:local:000000000000:stack/iot-backend/"),
        "{stack_id}"
    );
    let outputs: Vec<&str> = stack["Outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["OutputKey"].as_str().unwrap())
        .collect();
    assert!(outputs.contains(&"AlertFunctionName"), "{outputs:?}");
    let output = |key: &str| {
        stack["Outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["OutputKey"] == key)
            .unwrap()["OutputValue"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // A real event per resource: each one created, and the stack's own events.
    let events = aws_json(
        &env,
        &[
            "cloudformation",
            "describe-stack-events",
            "--stack-name",
            "iot-backend",
        ],
    );
    let events = events["StackEvents"].as_array().unwrap();
    assert_eq!(events[0]["ResourceStatus"], "CREATE_COMPLETE");
    assert_eq!(events[0]["ResourceType"], "AWS::CloudFormation::Stack");
    let resources = aws_json(
        &env,
        &[
            "cloudformation",
            "list-stack-resources",
            "--stack-name",
            "iot-backend",
        ],
    );
    let resources = resources["StackResourceSummaries"].as_array().unwrap();
    assert_eq!(resources.len(), 21);
    for r in resources {
        let id = &r["LogicalResourceId"];
        for status in ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"] {
            assert!(
                events
                    .iter()
                    .any(|e| e["LogicalResourceId"] == *id && e["ResourceStatus"] == status),
                "no {status} event for {id}"
            );
        }
    }
    let template = aws_json(
        &env,
        &[
            "cloudformation",
            "get-template",
            "--stack-name",
            "iot-backend",
        ],
    );
    assert!(
        template["TemplateBody"]
            .to_string()
            .contains("AWS::IoT::TopicRule"),
        "{template}"
    );

    // Nothing to change: said so, exit 0.
    let again = soilctl_aws(&env, &endpoint, &["deploy", "--yes"]).expect(0);
    assert!(again.stderr.contains("No changes"), "{again:?}");
    // An update: reviewed, applied, in effect.
    let updated = soilctl_aws(&env, &endpoint, &["deploy", "--threshold", "30", "--yes"]).expect(0);
    assert!(
        updated
            .stderr
            .contains("parameter HumidityThreshold: 35 -> 30"),
        "{updated:?}"
    );
    assert!(
        updated.stdout.contains("status  UPDATE_COMPLETE"),
        "{updated:?}"
    );
    assert!(alert_sql(&env).ends_with("humidity < 30"));

    let missing = aws(
        &env,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "missing",
        ],
    );
    assert_eq!(missing.code, 255, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("(ValidationError) when calling the DescribeStacks operation: Stack with id missing does not exist"),
        "{}",
        missing.stderr
    );

    // The function and its log group, as Lambda and CloudWatch Logs show them.
    let function = output("AlertFunctionName");
    let got = aws_json(
        &env,
        &["lambda", "get-function", "--function-name", &function],
    );
    assert_eq!(got["Configuration"]["State"], "Active");
    assert_eq!(got["Configuration"]["Runtime"], "python3.13");
    assert_eq!(got["Configuration"]["Handler"], "index.handler");
    assert_eq!(
        got["Configuration"]["Environment"]["Variables"]["TOPIC_ARN"],
        output("AlertTopicArn").as_str()
    );
    let absent = aws(&env, &["lambda", "get-function", "--function-name", "nope"]);
    assert!(
        absent.stderr.contains(
            "(ResourceNotFoundException) when calling the GetFunction operation: Function not found: arn:aws:lambda:local:000000000000:function:nope"
        ),
        "{absent:?}"
    );
    let groups = aws_json(&env, &["logs", "describe-log-groups"]);
    let names: Vec<&str> = groups["logGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["logGroupName"].as_str().unwrap())
        .collect();
    let function_group = got["Configuration"]["LoggingConfig"]["LogGroup"]
        .as_str()
        .unwrap();
    assert!(names.contains(&function_group), "{names:?}");
    assert!(
        names.contains(&output("RuleErrorLogGroupName").as_str()),
        "{names:?}"
    );
    let events = aws_json(
        &env,
        &[
            "logs",
            "filter-log-events",
            "--log-group-name",
            function_group,
        ],
    );
    assert_eq!(events["events"], serde_json::json!([]));

    // DeleteStack: gone by name, DELETE_COMPLETE by id, its rules gone from the registry.
    aws(
        &env,
        &[
            "cloudformation",
            "delete-stack",
            "--stack-name",
            "iot-backend",
        ],
    )
    .expect(0);
    let gone = aws(
        &env,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "iot-backend",
        ],
    );
    assert!(
        gone.stderr
            .contains("Stack with id iot-backend does not exist"),
        "{gone:?}"
    );
    let by_id = aws_json(
        &env,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            &stack_id,
        ],
    );
    assert_eq!(by_id["Stacks"][0]["StackStatus"], "DELETE_COMPLETE");
    assert!(registry(&env).topic_rules().unwrap().is_empty());
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
