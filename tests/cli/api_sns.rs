//! SNS on the local backend's API endpoint with the AWS CLI as the client, and the template's
//! functions run as their own Python code (the test venv's python has boto3) or, without
//! python, as their built-in equivalents.

use std::path::PathBuf;
use std::process::Command;

use crate::api::{aws, aws_json};
use crate::local::{LocalUp, alerts, deployed, state_dir, wait_until};
use crate::support::{Env, Output, root, venv_bin, write};

const BUILTIN_BODY: &str =
    r#"body = f"Humidity {humidity} under threshold for device name {name}""#;

/// A PATH with the test venv (python3 with boto3) first.
fn path_with_venv() -> String {
    let bin = venv_bin("python3");
    let dir = bin.parent().expect("the venv's bin folder");
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A copy of the built-in template whose alert function words its alert otherwise and logs a
/// line.
fn modified_template(env: &Env) -> PathBuf {
    let text = std::fs::read_to_string(root().join("templates/iot-backend.yaml")).unwrap();
    assert!(
        text.contains(BUILTIN_BODY),
        "the template's alert body moved"
    );
    let changed = text.replace(
        BUILTIN_BODY,
        "print(f\"low reading from {name}\")\n              body = f\"Moisture {humidity} is low at {name}\"",
    );
    let path = env.path("modified.yaml");
    write(&path, &changed);
    path
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("running soilctl");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `deploy --local` of `template` (the built-in one when `None`) with `vars` set.
fn deploy(env: &Env, template: Option<&PathBuf>, vars: &[(&str, &str)]) -> Output {
    let mut args = vec!["--local", "deploy", "--email", "ops@example.com"];
    let template = template.map(|t| t.display().to_string());
    if let Some(t) = &template {
        args.extend(["--template", t]);
    }
    let mut cmd = env.command(&args);
    cmd.envs(vars.iter().copied());
    run(cmd)
}

/// `local up` with `vars` set.
fn local_up(env: &Env, vars: &[(&str, &str)]) -> LocalUp {
    LocalUp::start_with_vars(env, vars)
}

/// Publishes a reading of `humidity` as sensor-1 once the broker knows it.
fn reading(up: &LocalUp, env: &Env, humidity: u32) {
    let payload = format!(r#"{{"name":"sensor-1","humidity":{humidity}}}"#);
    wait_until("the broker to accept sensor-1", || {
        let out = up
            .mqtt(env)
            .device_publish("sensor-1", &["-q", "1", "-m", &payload]);
        (out.code == 0).then_some(())
    })
    .unwrap_or_else(|| panic!("sensor-1 was never accepted:\n{}", up.log()));
}

/// The alert bodies in the alerts log, once there are `n`.
fn wait_alert_bodies(env: &Env, up: &LocalUp, n: usize) -> Vec<String> {
    wait_until("alerts", || {
        let got = alerts(env);
        (got.len() >= n).then(|| {
            got.iter()
                .map(|a| a["body"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
    })
    .unwrap_or_else(|| panic!("no {n} alert(s):\n{}", up.log()))
}

/// Every line of every log group file.
fn log_groups(env: &Env) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(state_dir(env).join("logs")) {
        for e in entries.flatten() {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    text
}

#[test]
fn aws_sns_publish_reaches_the_alerts_log_and_status() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let up = LocalUp::start(&env);

    let topics = aws_json(&env, &["sns", "list-topics"]);
    let topic = topics["Topics"][0]["TopicArn"]
        .as_str()
        .expect("the stack's topic")
        .to_owned();
    assert!(
        topic.starts_with("arn:aws:sns:local:000000000000:"),
        "{topics}"
    );
    assert_eq!(topics["Topics"].as_array().map(Vec::len), Some(1));

    let attributes = aws_json(
        &env,
        &["sns", "get-topic-attributes", "--topic-arn", &topic],
    );
    assert_eq!(attributes["Attributes"]["TopicArn"], topic.as_str());
    assert_eq!(
        attributes["Attributes"]["DisplayName"],
        "Soil humidity alerts"
    );
    assert_eq!(attributes["Attributes"]["SubscriptionsConfirmed"], "1");
    assert_eq!(attributes["Attributes"]["SubscriptionsPending"], "0");
    assert_eq!(attributes["Attributes"]["KmsMasterKeyId"], "alias/aws/sns");

    // The email subscription, confirmed (local deliveries need no confirmation).
    let subscriptions = aws_json(
        &env,
        &["sns", "list-subscriptions-by-topic", "--topic-arn", &topic],
    );
    let sub = &subscriptions["Subscriptions"][0];
    assert_eq!(sub["Protocol"], "email");
    assert_eq!(sub["Endpoint"], "ops@example.com");
    assert_eq!(sub["TopicArn"], topic.as_str());
    assert_eq!(sub["Owner"], "000000000000");
    assert!(
        sub["SubscriptionArn"]
            .as_str()
            .is_some_and(|a| a.starts_with(&format!("{topic}:"))),
        "{subscriptions}"
    );
    let all = aws_json(&env, &["sns", "list-subscriptions"]);
    assert_eq!(all["Subscriptions"], subscriptions["Subscriptions"]);

    let published = aws_json(
        &env,
        &[
            "sns",
            "publish",
            "--topic-arn",
            &topic,
            "--subject",
            "Test subject",
            "--message",
            "hello from the AWS CLI",
            "--message-attributes",
            r#"{"device":{"DataType":"String","StringValue":"sensor-9"}}"#,
        ],
    );
    let message_id = published["MessageId"].as_str().expect("a message id");
    let got = alerts(&env);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["messageId"], message_id);
    assert_eq!(got[0]["topicArn"], topic.as_str());
    assert_eq!(got[0]["protocol"], "email");
    assert_eq!(got[0]["recipient"], "ops@example.com");
    assert_eq!(got[0]["subject"], "Test subject");
    assert_eq!(got[0]["body"], "hello from the AWS CLI");
    let line = up.wait_for_log("hello from the AWS CLI");
    assert!(line.contains("to ops@example.com"), "{line}");

    let status = env.run(&["--local", "status"]).expect(0);
    assert!(
        status
            .stdout
            .contains("to ops@example.com  Test subject: hello from the AWS CLI"),
        "{}",
        status.stdout
    );
    assert!(
        status
            .stdout
            .contains("alerts to      ops@example.com (email, confirmed)"),
        "{}",
        status.stdout
    );

    // AWS's errors, as the AWS CLI reports them.
    let missing_topic = "arn:aws:sns:local:000000000000:nobody";
    let missing = aws(
        &env,
        &["sns", "get-topic-attributes", "--topic-arn", missing_topic],
    );
    assert_eq!(missing.code, 255, "{missing:?}");
    assert!(
        missing.stderr.contains(
            "An error occurred (NotFound) when calling the GetTopicAttributes operation: Topic does not exist"
        ),
        "{}",
        missing.stderr
    );
    let missing = aws(
        &env,
        &[
            "sns",
            "list-subscriptions-by-topic",
            "--topic-arn",
            missing_topic,
        ],
    );
    assert!(missing.stderr.contains("(NotFound)"), "{}", missing.stderr);
    let empty = aws(
        &env,
        &["sns", "publish", "--topic-arn", &topic, "--message", ""],
    );
    assert!(
        empty.stderr.contains(
            "An error occurred (InvalidParameter) when calling the Publish operation: Invalid parameter: Empty message"
        ),
        "{}",
        empty.stderr
    );
    let long = env.path("long.txt");
    write(&long, &"x".repeat(262_145));
    let too_long = aws(
        &env,
        &[
            "sns",
            "publish",
            "--topic-arn",
            &topic,
            "--message",
            &format!("file://{}", long.display()),
        ],
    );
    assert!(
        too_long
            .stderr
            .contains("(InvalidParameter) when calling the Publish operation: Invalid parameter: Message too long"),
        "{}",
        too_long.stderr
    );
    assert_eq!(alerts(&env).len(), 1, "refused publishes deliver nothing");
}

#[test]
fn a_modified_alert_function_runs_its_own_python_code() {
    let env = Env::new(None);
    let template = modified_template(&env);
    let path = path_with_venv();
    let out = deploy(&env, Some(&template), &[("PATH", &path)]).expect(0);
    assert!(
        out.stderr
            .contains("AlertFunction runs its own Python code (python3 3."),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(", boto3 1."), "{}", out.stderr);
    env.run(&["--local", "thing", "create", "sensor-1"])
        .expect(0);
    let up = local_up(&env, &[("PATH", &path)]);

    reading(&up, &env, 20);
    let bodies = wait_alert_bodies(&env, &up, 1);
    assert_eq!(bodies, ["Moisture 20 is low at sensor-1"], "{}", up.log());
    let got = alerts(&env);
    assert_eq!(got[0]["subject"], "Attention:Humidity Under Threshold");
    assert_eq!(got[0]["recipient"], "ops@example.com");
    // Reported by local up as the function's publish.
    let line = up.wait_for_log("Moisture 20 is low at sensor-1");
    assert!(line.contains("alert "), "{line}");

    // The warm worker takes the next reading too; its print went to the function's logs.
    reading(&up, &env, 21);
    let bodies = wait_alert_bodies(&env, &up, 2);
    assert_eq!(bodies[1], "Moisture 21 is low at sensor-1");
    let logs = wait_until("the function's logs", || {
        let text = log_groups(&env);
        (text.matches("REPORT RequestId: ").count() >= 2).then_some(text)
    })
    .unwrap_or_else(|| panic!("no function logs:\n{}", log_groups(&env)));
    assert!(logs.contains("low reading from sensor-1"), "{logs}");
    assert!(logs.contains("START RequestId: "), "{logs}");

    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains(" 2 alert(s), 0 action failure(s)"), "{log}");
}

#[test]
fn without_python_the_built_in_runs_and_a_modified_function_is_refused() {
    let env = Env::new(None);
    // A PATH with nothing on it: soilctl needs nothing there.
    let empty = env.path("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let bare = empty.display().to_string();
    let out = deploy(&env, None, &[("PATH", &bare)]).expect(0);
    assert!(
        out.stderr.contains(
            "AlertFunction runs its built-in equivalent: python3 with boto3 was not found"
        ),
        "{}",
        out.stderr
    );

    let modified = modified_template(&env);
    let refused = deploy(&env, Some(&modified), &[("SOILCTL_PYTHON", "none")]).expect(2);
    assert!(
        refused.stderr.contains("function AlertFunction: python3 is turned off (SOILCTL_PYTHON=none), and its code is not one of the project's functions")
            && refused.stderr.contains("the local backend cannot run it"),
        "{}",
        refused.stderr
    );

    env.run(&["--local", "thing", "create", "sensor-1"])
        .expect(0);
    let up = local_up(&env, &[("SOILCTL_PYTHON", "none")]);
    reading(&up, &env, 20);
    let bodies = wait_alert_bodies(&env, &up, 1);
    assert_eq!(
        bodies,
        ["Humidity 20 under threshold for device name sensor-1"]
    );
    assert!(
        log_groups(&env).is_empty(),
        "the built-in writes no function logs"
    );
}
