//! The rules engine against the built-in template's rules and a state directory in a temp dir.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Value, json};

use super::*;
use crate::local::gate::Inbound;
use crate::local::state::StateDir;
use crate::template::Template;
use crate::template::intrinsics::{Resources, Scope};

const BUCKET: &str = "soil-archive";
const FUNCTION_ARN: &str = "arn:aws:lambda:local:000000000000:function:alert-fn";
const TOPIC_ARN: &str = "arn:aws:sns:local:000000000000:alerts";
const LOG_GROUP: &str = "rule-errors";
const EMAIL: &str = "ops@example.com";
const TOPIC: &str = "device/sensor-1/devicePayload";
const SEED: &str = r#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#;
const SUBJECT: &str = "Attention:Humidity Under Threshold";

/// Names the local backend gives the template's resources.
struct Local;

impl Resources for Local {
    fn reference(&self, logical_id: &str) -> Option<String> {
        Some(match logical_id {
            "ArchiveBucket" => BUCKET.to_owned(),
            "AlertTopic" => TOPIC_ARN.to_owned(),
            "RuleErrorLogGroup" => LOG_GROUP.to_owned(),
            "AlertFunction" => "alert-fn".to_owned(),
            other => other.to_owned(),
        })
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String> {
        Some(match (logical_id, attribute) {
            ("AlertFunction", "Arn") => FUNCTION_ARN.to_owned(),
            _ => format!("arn:aws:local:::{logical_id}"),
        })
    }
}

/// A resource's properties from the built-in template, intrinsics resolved, as JSON.
fn resolved(template: &Template, logical_id: &str, pointer: &str) -> Value {
    let names = BTreeMap::from([
        ("AlertEmail".to_owned(), EMAIL.to_owned()),
        ("HumidityThreshold".to_owned(), "35".to_owned()),
        ("AWS::AccountId".to_owned(), LOCAL_ACCOUNT_ID.to_owned()),
        ("AWS::Region".to_owned(), "local".to_owned()),
        ("AWS::Partition".to_owned(), "aws".to_owned()),
    ]);
    let scope = Scope {
        names: &names,
        resources: &Local,
    };
    let value = template
        .doc
        .get("Resources")
        .and_then(|r| r.get(logical_id))
        .and_then(|r| r.get("Properties"))
        .map(|p| scope.resolve(p))
        .and_then(Result::ok)
        .and_then(|p| serde_json::to_value(p).ok())
        .unwrap_or(Value::Null);
    value.pointer(pointer).cloned().unwrap_or(Value::Null)
}

/// The built-in template's two rules and what they reach, deployed locally.
fn template_rules() -> (Vec<RuleDef>, Deployed) {
    let template = Template::builtin().expect("the built-in template parses");
    let rules = ["ArchiveRule", "AlertRule"]
        .iter()
        .map(|id| RuleDef {
            name: (*id).to_owned(),
            payload: resolved(&template, id, "/TopicRulePayload"),
        })
        .collect();
    let function =
        Function::from_properties("AlertFunction", &resolved(&template, "AlertFunction", ""))
            .expect("the template's alert function is recognised");
    let subscriptions = resolved(&template, "AlertTopic", "/Subscription");
    let subscribers = subscriptions
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| Subscriber {
            protocol: s["Protocol"].as_str().unwrap_or_default().to_owned(),
            endpoint: s["Endpoint"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let deployed = Deployed {
        buckets: BTreeSet::from([BUCKET.to_owned()]),
        functions: BTreeMap::from([("alert-fn".to_owned(), function)]),
        topics: BTreeMap::from([(TOPIC_ARN.to_owned(), subscribers)]),
        log_groups: BTreeSet::from([LOG_GROUP.to_owned()]),
        api_endpoint: None,
    };
    (rules, deployed)
}

/// An engine over a fresh state directory that records events and republished messages.
struct Harness {
    _dir: tempfile::TempDir,
    state: StateDir,
    engine: Arc<Engine>,
    events: Arc<Mutex<Vec<RuleEvent>>>,
    republished: Arc<Mutex<Vec<(String, Bytes, u8)>>>,
}

impl Harness {
    fn new(rules: RuleSet) -> Harness {
        let dir = tempfile::tempdir().expect("a temp dir");
        let state = StateDir::new(dir.path());
        let events = Arc::new(Mutex::new(Vec::new()));
        let republished = Arc::new(Mutex::new(Vec::new()));
        let (e, r) = (Arc::clone(&events), Arc::clone(&republished));
        let engine = Engine::new(
            rules,
            state.clone(),
            Arc::new(move |topic, payload, qos| {
                r.lock().expect("lock").push((topic, payload, qos));
            }),
            Arc::new(move |event| e.lock().expect("lock").push(event)),
        );
        Harness {
            _dir: dir,
            state,
            engine: Arc::new(engine),
            events,
            republished,
        }
    }

    fn template() -> Harness {
        let (rules, deployed) = template_rules();
        Harness::new(compile(&rules, &deployed).expect("the template's rules compile"))
    }

    fn send(&self, topic: &str, payload: &str) {
        self.engine.handle(&inbound(topic, payload.as_bytes()));
    }

    fn events(&self) -> Vec<RuleEvent> {
        self.events.lock().expect("lock").clone()
    }

    fn alerts(&self) -> Vec<Value> {
        json_lines(&self.state.alerts_log())
    }

    fn objects(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        list(&self.state.bucket(BUCKET), "", &mut out);
        out.sort();
        out
    }
}

fn inbound(topic: &str, payload: &[u8]) -> Inbound {
    Inbound {
        topic: topic.to_owned(),
        payload: Bytes::copy_from_slice(payload),
        client_id: "sensor-1".to_owned(),
        principal: "ab12".to_owned(),
        timestamp_ms: 1_598_536_072_677,
        qos: 1,
        retain: false,
        hold: None,
    }
}

fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Every object under `dir`, by key.
fn list(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path: PathBuf = entry.path();
        if path.is_dir() {
            list(&path, &format!("{prefix}{name}/"), out);
        } else {
            out.push((
                format!("{prefix}{name}"),
                std::fs::read(&path).unwrap_or_default(),
            ));
        }
    }
}

fn rule(name: &str, payload: Value) -> RuleDef {
    RuleDef {
        name: name.to_owned(),
        payload,
    }
}

fn compile_one(payload: Value) -> Result<RuleSet, RuleError> {
    let (_, deployed) = template_rules();
    compile(&[rule("Custom", payload)], &deployed)
}

fn compact(json: &str) -> String {
    serde_json::from_str::<Value>(json)
        .expect("valid JSON")
        .to_string()
}

#[test]
fn a_reading_is_archived_under_its_device_with_exactly_the_rule_output() {
    let h = Harness::template();
    h.send(TOPIC, SEED);
    let objects = h.objects();
    assert_eq!(objects.len(), 1, "{objects:?}");
    let (key, body) = &objects[0];
    let (folder, file) = key.split_once('/').expect("a folder per device");
    assert_eq!(folder, "sensor-1");
    let (stamp, uuid) = file
        .strip_suffix(".json")
        .and_then(|f| f.split_once('-'))
        .expect("<ms>-<uuid>.json");
    assert_eq!(stamp, "1598536072677");
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(String::from_utf8_lossy(body), compact(SEED));
    assert!(h.events().contains(&RuleEvent::Archived {
        rule: "ArchiveRule".to_owned(),
        bucket: BUCKET.to_owned(),
        key: key.clone(),
        bytes: body.len(),
    }));
}

#[test]
fn a_dry_reading_raises_exactly_one_alert_to_the_subscriber() {
    let h = Harness::template();
    h.send(TOPIC, r#"{"name": "soilSensor3", "humidity": 20}"#);
    let alerts = h.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let alert = &alerts[0];
    assert_eq!(alert["subject"], SUBJECT);
    assert_eq!(
        alert["body"],
        "Humidity 20 under threshold for device name soilSensor3"
    );
    assert_eq!(alert["recipient"], EMAIL);
    assert_eq!(alert["protocol"], "email");
    assert_eq!(alert["topicArn"], TOPIC_ARN);
    assert_eq!(alert["messageId"].as_str().map(str::len), Some(36));
    let time = alert["time"].as_str().unwrap_or_default();
    assert_eq!(time.len(), 24, "{time}");
    assert!(time.ends_with('Z') && time.as_bytes()[19] == b'.', "{time}");
    let keys: Vec<&str> = alert
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "time",
            "topicArn",
            "messageId",
            "protocol",
            "recipient",
            "subject",
            "body"
        ]
    );
    assert!(h.events().contains(&RuleEvent::Alert {
        rule: "AlertRule".to_owned(),
        subject: Some(SUBJECT.to_owned()),
        body: "Humidity 20 under threshold for device name soilSensor3".to_owned(),
        recipient: EMAIL.to_owned(),
    }));
}

#[test]
fn a_reading_at_the_threshold_raises_no_alert() {
    let h = Harness::template();
    h.send(TOPIC, r#"{"name": "soilSensor3", "humidity": 35}"#);
    h.send(TOPIC, r#"{"name": "soilSensor3"}"#);
    assert_eq!(h.alerts(), Vec::<Value>::new());
    assert_eq!(h.objects().len(), 2);
    assert_eq!(h.engine.stats().fired, 2);
}

#[test]
fn a_humidity_string_is_compared_as_a_number_and_printed_as_python_would() {
    let h = Harness::template();
    h.send(TOPIC, r#"{"name": "soilSensor3", "humidity": "20"}"#);
    h.send(TOPIC, r#"{"humidity": 20.5}"#);
    h.send(TOPIC, r#"{"humidity": 3, "name": {"id": [1, true, null]}}"#);
    let bodies: Vec<Value> = h.alerts().into_iter().map(|a| a["body"].clone()).collect();
    assert_eq!(
        bodies,
        [
            "Humidity 20 under threshold for device name soilSensor3",
            "Humidity 20.5 under threshold for device name None",
            "Humidity 3 under threshold for device name {'id': [1, True, None]}",
        ]
    );
}

#[test]
fn a_failed_archive_is_logged_by_the_error_action() {
    let h = Harness::template();
    std::fs::create_dir_all(h.state.buckets()).expect("buckets folder");
    std::fs::write(h.state.bucket(BUCKET), b"a file where the folder should be")
        .expect("a file in the way");
    h.send(TOPIC, SEED);
    let lines = json_lines(&h.state.log_group(LOG_GROUP));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["ruleName"], "ArchiveRule");
    assert_eq!(line["topic"], TOPIC);
    assert_eq!(line["clientId"], "sensor-1");
    assert_eq!(line["cloudwatchTraceId"].as_str().map(str::len), Some(36));
    let original = base64::engine::general_purpose::STANDARD
        .decode(line["base64OriginalPayload"].as_str().unwrap_or_default())
        .unwrap_or_default();
    assert_eq!(original, SEED.as_bytes());
    let failures = line["failures"].as_array().cloned().unwrap_or_default();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["failedAction"], "S3Action");
    assert_eq!(failures[0]["failedResource"], BUCKET);
    let message = failures[0]["errorMessage"].as_str().unwrap_or_default();
    assert!(message.starts_with("Failed to put S3 object"), "{message}");
    assert!(line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    let events = h.events();
    assert!(events.iter().any(|e| matches!(e,
        RuleEvent::ActionFailed { rule, action, .. } if rule == "ArchiveRule" && action == "S3")));
    assert!(events.contains(&RuleEvent::Logged {
        rule: "ArchiveRule".to_owned(),
        log_group: LOG_GROUP.to_owned(),
    }));
    // The other rule is unaffected: the reading is under the threshold.
    assert_eq!(h.alerts().len(), 1);
    assert_eq!(h.engine.stats().failures, 1);
}

#[test]
fn an_error_action_that_fails_too_is_reported() {
    let h = Harness::template();
    std::fs::create_dir_all(h.state.buckets()).expect("buckets folder");
    std::fs::write(h.state.bucket(BUCKET), b"").expect("a file in the way");
    std::fs::write(h.state.logs(), b"").expect("a file in the way");
    h.send(TOPIC, r#"{"humidity": 50}"#);
    assert!(h.events().iter().any(|e| matches!(e,
        RuleEvent::ErrorActionFailed { rule, action, .. } if rule == "ArchiveRule" && action == "CloudwatchLogs")));
    assert_eq!(h.engine.stats().failures, 2);
}

#[test]
fn keys_that_leave_the_bucket_fail_the_action() {
    let payload = json!({
        "Sql": "SELECT * FROM 'device/+/devicePayload'",
        "Actions": [{"S3": {"BucketName": BUCKET, "Key": "${topic(9)}/../${name}"}}],
        "ErrorAction": {"CloudwatchLogs": {"LogGroupName": LOG_GROUP}},
    });
    let h = Harness::new(compile_one(payload).expect("compiles"));
    h.send(TOPIC, r#"{"name": "x"}"#);
    assert!(h.objects().is_empty());
    let lines = json_lines(&h.state.log_group(LOG_GROUP));
    let message = lines[0]["failures"][0]["errorMessage"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("Invalid object key \"/../x\""),
        "{message}"
    );
}

#[test]
fn sql_evaluation_errors_run_the_error_action() {
    let payload = json!({
        "Sql": "SELECT VALUE list FROM 'device/+/devicePayload'",
        "AwsIotSqlVersion": "2015-10-08",
        "Actions": [{"S3": {"BucketName": BUCKET, "Key": "k"}}],
        "ErrorAction": {"CloudwatchLogs": {"LogGroupName": LOG_GROUP}},
    });
    let h = Harness::new(compile_one(payload).expect("compiles"));
    h.send(TOPIC, r#"{"list": [1, 2]}"#);
    let lines = json_lines(&h.state.log_group(LOG_GROUP));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["failures"][0]["failedAction"], "SqlAction");
    assert!(h.objects().is_empty());
}

#[test]
fn republish_renders_the_topic_and_refuses_reserved_ones() {
    let payload = json!({
        "Sql": "SELECT humidity FROM 'device/+/devicePayload'",
        "Actions": [
            {"Republish": {"Topic": "alerts/${topic(2)}", "Qos": 1}},
            {"Republish": {"Topic": "$aws/things/${topic(2)}/shadow/update"}},
        ],
    });
    let h = Harness::new(compile_one(payload).expect("compiles"));
    h.send(TOPIC, SEED);
    let republished = h.republished.lock().expect("lock").clone();
    assert_eq!(
        republished,
        [(
            "alerts/sensor-1".to_owned(),
            Bytes::from_static(br#"{"humidity":29}"#),
            1
        )]
    );
    let events = h.events();
    assert!(events.contains(&RuleEvent::Republished {
        rule: "Custom".to_owned(),
        topic: "alerts/sensor-1".to_owned(),
    }));
    assert!(events.iter().any(|e| matches!(e,
        RuleEvent::ActionFailed { action, error, .. } if action == "Republish" && error.contains("reserved"))));
}

#[test]
fn sns_actions_deliver_the_output_to_every_subscriber() {
    let (_, mut deployed) = template_rules();
    let subscriber = |p: &str, e: &str| Subscriber {
        protocol: p.to_owned(),
        endpoint: e.to_owned(),
    };
    deployed.topics.insert(
        "arn:aws:sns:local:000000000000:team".to_owned(),
        vec![
            subscriber("email", "a@example.com"),
            subscriber("sms", "+15550100"),
        ],
    );
    deployed.topics.insert(
        "arn:aws:sns:local:000000000000:nobody".to_owned(),
        Vec::new(),
    );
    let payload = json!({
        "Sql": "SELECT name FROM 'device/+/devicePayload'",
        "Actions": [
            {"Sns": {"TargetArn": "arn:aws:sns:local:000000000000:team", "MessageFormat": "RAW"}},
            {"Sns": {"TargetArn": "arn:aws:sns:local:000000000000:nobody"}},
        ],
    });
    let rules = compile(&[rule("Custom", payload)], &deployed).expect("compiles");
    let h = Harness::new(rules);
    h.send(TOPIC, SEED);
    let alerts = h.alerts();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0]["recipient"], "a@example.com");
    assert_eq!(alerts[1]["recipient"], "+15550100");
    assert_eq!(alerts[0]["messageId"], alerts[1]["messageId"]);
    for alert in &alerts {
        assert_eq!(alert["subject"], Value::Null);
        assert_eq!(alert["body"], r#"{"name":"soilSensor3"}"#);
    }
}

#[test]
fn binary_payloads_are_archived_as_raw_bytes() {
    let h = Harness::template();
    let bytes = [0u8, 159, 146, 150, b'{'];
    h.engine.handle(&inbound(TOPIC, &bytes));
    let objects = h.objects();
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].1, bytes);
    assert!(h.alerts().is_empty());
}

#[test]
fn disabled_rules_never_fire() {
    let (mut rules, deployed) = template_rules();
    for r in &mut rules {
        r.payload["RuleDisabled"] = json!(true);
    }
    let h = Harness::new(compile(&rules, &deployed).expect("compiles"));
    h.send(TOPIC, r#"{"humidity": 1}"#);
    assert!(h.events().is_empty());
    assert!(h.objects().is_empty());
    assert!(h.alerts().is_empty());
    assert_eq!(h.engine.stats().messages, 1);
}

#[test]
fn other_topics_fire_nothing() {
    let h = Harness::template();
    h.send("device/sensor-1/status", r#"{"humidity": 1}"#);
    h.send("device/a/b/devicePayload", r#"{"humidity": 1}"#);
    assert!(h.events().is_empty());
}

#[test]
fn replaced_rules_apply_to_the_next_message() {
    let h = Harness::template();
    h.send(TOPIC, r#"{"humidity": 1}"#);
    h.engine.replace_rules(RuleSet::default());
    h.send(TOPIC, r#"{"humidity": 1}"#);
    assert_eq!(h.objects().len(), 1);
    assert_eq!(h.alerts().len(), 1);
}

#[test]
fn basic_ingest_reaches_only_the_named_rule() {
    let (_, deployed) = template_rules();
    let payload = |key: &str| {
        json!({
            "Sql": "SELECT * ",
            "Actions": [{"S3": {"BucketName": BUCKET, "Key": key}}],
        })
    };
    let rules = compile(
        &[
            rule("Ingest", payload("ingest")),
            rule("Other", payload("other")),
        ],
        &deployed,
    )
    .expect("compiles");
    let h = Harness::new(rules);
    h.send("$aws/rules/Ingest/device/x", "{}");
    let keys: Vec<String> = h.objects().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["ingest"]);
}

#[test]
fn the_template_compiles_and_unrunnable_rules_are_named() {
    let (rules, deployed) = template_rules();
    let set = compile(&rules, &deployed).expect("compiles");
    assert_eq!(
        set.names().collect::<Vec<_>>(),
        ["ArchiveRule", "AlertRule"]
    );

    let err = |payload: Value| {
        compile_one(payload)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    };
    let sql = "SELECT * FROM 'a'";
    let unsupported = err(json!({"Sql": sql, "Actions": [{"DynamoDB": {"TableName": "t"}}]}));
    assert!(
        unsupported.contains("Custom") && unsupported.contains("DynamoDB"),
        "{unsupported}"
    );
    let bucket = err(json!({"Sql": sql, "Actions": [{"S3": {"BucketName": "nope", "Key": "k"}}]}));
    assert!(bucket.contains("bucket nope"), "{bucket}");
    let function = err(
        json!({"Sql": sql, "Actions": [{"Lambda": {"FunctionArn": "arn:aws:lambda:local:1:function:other"}}]}),
    );
    assert!(function.contains("function other"), "{function}");
    let topic =
        err(json!({"Sql": sql, "Actions": [{"Sns": {"TargetArn": "arn:aws:sns:local:1:x"}}]}));
    assert!(topic.contains("arn:aws:sns:local:1:x"), "{topic}");
    let group = err(json!({"Sql": sql, "ErrorAction": {"CloudwatchLogs": {"LogGroupName": "g"}}}));
    assert!(group.contains("log group g"), "{group}");
    let key =
        err(json!({"Sql": sql, "Actions": [{"S3": {"BucketName": BUCKET, "Key": "${topic("}}]}));
    assert!(key.contains("Key"), "{key}");
    let qos = err(json!({"Sql": sql, "Actions": [{"Republish": {"Topic": "t", "Qos": 2}}]}));
    assert!(qos.contains("Qos"), "{qos}");
    let two = err(json!({"Sql": sql, "Actions": [{"Republish": {"Topic": "t"}, "S3": {}}]}));
    assert!(two.contains("exactly one"), "{two}");
    let version = err(json!({"Sql": sql, "AwsIotSqlVersion": "2020-01-01"}));
    assert!(version.contains("2020-01-01"), "{version}");

    let bad_sql = compile_one(json!({"Sql": "SELECT * FORM 'a'"}));
    assert!(
        matches!(&bad_sql, Err(RuleError::Sql { rule, .. }) if rule == "Custom"),
        "{bad_sql:?}"
    );
}

#[test]
fn the_sql_version_defaults_to_2015_10_08() {
    // 2015-10-08 cannot output an array with SELECT VALUE; 2016-03-23 can.
    let run = |version: Option<&str>| {
        let mut payload = json!({
            "Sql": "SELECT VALUE list FROM 'device/+/devicePayload'",
            "Actions": [{"S3": {"BucketName": BUCKET, "Key": "k"}}],
        });
        if let Some(v) = version {
            payload["AwsIotSqlVersion"] = json!(v);
        }
        let h = Harness::new(compile_one(payload).expect("compiles"));
        h.send(TOPIC, r#"{"list": [1]}"#);
        h.objects().len()
    };
    assert_eq!(run(None), 0);
    assert_eq!(run(Some("2016-03-23")), 1);
}

#[test]
fn only_the_alert_function_is_recognised() {
    let template = Template::builtin().expect("parses");
    let mut props = resolved(&template, "AlertFunction", "");
    let code = props["Code"]["ZipFile"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Indentation and blank lines do not matter.
    props["Code"]["ZipFile"] = json!(code.replace("\n\n", "\n").replace("    ", "\t"));
    let builtin = |id: &str, props: &Value| Function::from_properties(id, props).map(|f| f.builtin);
    assert_eq!(
        builtin("AlertFunction", &props),
        Ok(Ok(Builtin::Alert {
            topic_arn: TOPIC_ARN.to_owned()
        }))
    );
    props["Code"]["ZipFile"] = json!(code.replace("Humidity {humidity}", "Moisture {humidity}"));
    let changed = builtin("Mailer", &props);
    assert!(
        changed.as_ref().is_ok_and(|b| b
            .as_ref()
            .is_err_and(|e| e.contains("not one of the project's"))),
        "{changed:?}"
    );
    // Without python, a function that is not the project's cannot run at all.
    let mailer = Function::from_properties("Mailer", &props).expect("reads");
    let err = runner::describe([&mailer], None).map_err(|e| e.to_string());
    assert!(
        err.as_ref()
            .is_err_and(|e| e.contains("Mailer") && e.contains("cannot run")),
        "{err:?}"
    );
    let no_code = builtin("Zipped", &json!({"Code": {"S3Bucket": "b"}}));
    assert!(no_code.is_ok_and(|b| b.is_err()));
}

#[test]
fn no_message_makes_the_engine_panic() {
    let h = Harness::template();
    let payloads: [&[u8]; 8] = [
        b"",
        b"null",
        b"[1,2]",
        b"{\"humidity\": {\"a\": 1}}",
        b"{\"humidity\": 1e400}",
        b"\xff\xfe",
        b"{\"humidity\": -1, \"name\": \"\\u0000\"}",
        b"{{{{",
    ];
    for payload in payloads {
        h.engine.handle(&inbound(TOPIC, payload));
        h.engine.handle(&inbound("$aws/rules/", payload));
        h.engine.handle(&inbound("", payload));
    }
    assert_eq!(h.engine.stats().messages, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_drains_every_message_after_the_sender_is_dropped() {
    let h = Harness::template();
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let task = spawn(Arc::clone(&h.engine), rx, None);
    for i in 0..10_000 {
        let payload = format!(
            r#"{{"name": "s{i}", "humidity": {}}}"#,
            if i % 100 == 0 { 10 } else { 50 }
        );
        tx.send(inbound(TOPIC, payload.as_bytes()))
            .await
            .expect("the engine is running");
    }
    drop(tx);
    let stats = task.await.expect("the engine task ends");
    assert_eq!(
        stats,
        EngineStats {
            messages: 10_000,
            fired: 10_100,
            archived: 10_000,
            alerts: 100,
            failures: 0,
        }
    );
    let files = std::fs::read_dir(h.state.bucket(BUCKET).join("sensor-1"))
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(files, 10_000);
    assert_eq!(h.alerts().len(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_journal_holds_runs_first_and_acknowledgements_follow_the_journal() {
    use crate::local::journal::Journal;
    let h = Harness::template();
    let dir = h.state.journal();
    // A backend killed after journaling three messages whose rules had not run.
    {
        let (journal, _) = Journal::open(&dir).expect("the journal opens");
        let batch: Vec<_> = (0..3)
            .map(|i| {
                let payload = format!(r#"{{"name": "before-{i}", "humidity": 20}}"#);
                inbound(TOPIC, payload.as_bytes())
            })
            .collect();
        journal.append(&batch).expect("appended");
    }
    let opened = Journal::open(&dir).expect("the journal reopens");
    assert_eq!(opened.1.messages.len(), 3);
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let task = spawn(Arc::clone(&h.engine), rx, Some(opened));
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..100u64 {
        let payload = format!(r#"{{"name": "after-{i}", "humidity": 50}}"#);
        let mut msg = inbound(TOPIC, payload.as_bytes());
        msg.hold = Some(crate::local::hold::Hold::new(acks.clone(), i));
        tx.send(msg).await.expect("the engine is running");
    }
    drop(acks);
    let mut released = Vec::new();
    while let Some(seq) = acked.recv().await {
        released.push(seq);
    }
    released.sort_unstable();
    assert_eq!(released, (0..100).collect::<Vec<_>>());
    drop(tx);
    let stats = task.await.expect("the engine task ends");
    assert_eq!(stats.messages, 103);
    assert_eq!(h.objects().len(), 103);
    assert_eq!(h.alerts().len(), 3, "the replayed readings alert");
    // A clean stop leaves nothing to run again.
    let (_journal, recovered) = Journal::open(&dir).expect("the journal reopens");
    assert!(recovered.messages.is_empty());
}

/// The built-in template deployed locally as stack `soil` with just-in-time registration,
/// its rules running over a fresh state directory whose registry has the device policy.
struct Registration {
    h: Harness,
    registry: crate::local::registry::Registry,
    rule: String,
    policy: String,
    log_group: String,
}

const CA_ID: &str = "9a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b";

impl Registration {
    fn new() -> Registration {
        let template = Template::builtin().expect("the built-in template parses");
        let params = BTreeMap::from([
            ("AlertEmail".to_owned(), EMAIL.to_owned()),
            ("HumidityThreshold".to_owned(), "35".to_owned()),
            ("EnableJustInTimeRegistration".to_owned(), "true".to_owned()),
        ]);
        let plan = crate::local::stack::plan(
            &template,
            "soil",
            &params,
            &crate::local::stack::Previous::default(),
        )
        .expect("the template plans with registration on");
        let (defs, deployed) =
            crate::local::control::deployed_of(&plan.resources).expect("its functions are known");
        let h = Harness::new(compile(&defs, &deployed).expect("its rules compile"));
        let registry = crate::local::registry::Registry::open(&h.state.registry())
            .expect("a registry in the state directory");
        let policy = plan.outputs["DevicePolicyName"].clone();
        let document = plan
            .resources
            .iter()
            .find(|r| r.logical_id == "DevicePolicy")
            .map(|r| r.properties["PolicyDocument"].to_string())
            .unwrap_or_default();
        registry
            .create_policy(&policy, &document)
            .expect("the device policy");
        Registration {
            h,
            registry,
            rule: plan.outputs["JitrRuleName"].clone(),
            policy,
            log_group: plan.outputs["RuleErrorLogGroupName"].clone(),
        }
    }

    /// Registers a certificate for `common_name` as AWS IoT does on a device's first
    /// connection (PENDING_ACTIVATION); returns its id and ARN.
    fn pending_certificate(&self, common_name: &str) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("a key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Soil Org");
        if !common_name.is_empty() {
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, common_name);
        }
        let pem = params.self_signed(&key).expect("a certificate").pem();
        let cert = self
            .registry
            .add_certificate(
                &pem,
                crate::local::registry::CertificateStatus::PendingActivation,
                None,
            )
            .expect("registered");
        (cert.id, cert.arn)
    }

    /// The event AWS IoT publishes when it registers a certificate of a registered CA.
    fn announce(&self, certificate_id: &str, status: &str) {
        let event = json!({
            "certificateId": certificate_id,
            "caCertificateId": CA_ID,
            "timestamp": 1_598_536_072_677_u64,
            "certificateStatus": status,
            "awsAccountId": LOCAL_ACCOUNT_ID,
            "certificateRegistrationTimestamp": "1598536072600",
        });
        self.h.send(
            &format!("$aws/events/certificates/registered/{CA_ID}"),
            &event.to_string(),
        );
    }

    fn status(&self, id: &str) -> String {
        self.registry
            .certificate(id)
            .expect("readable")
            .map(|c| c.status.to_string())
            .unwrap_or_default()
    }

    fn failures(&self) -> Vec<RuleEvent> {
        self.h
            .events()
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    RuleEvent::ActionFailed { .. } | RuleEvent::ErrorActionFailed { .. }
                )
            })
            .collect()
    }
}

#[test]
fn the_registration_function_is_recognised_from_the_template_with_the_parameter_on() {
    let template = Template::builtin().expect("parses");
    let plan_with = |enabled: &str| {
        let params = BTreeMap::from([
            ("AlertEmail".to_owned(), EMAIL.to_owned()),
            ("HumidityThreshold".to_owned(), "35".to_owned()),
            (
                "EnableJustInTimeRegistration".to_owned(),
                enabled.to_owned(),
            ),
        ]);
        crate::local::stack::plan(
            &template,
            "soil",
            &params,
            &crate::local::stack::Previous::default(),
        )
        .expect("plans")
    };
    let on = plan_with("true");
    let (defs, deployed) = crate::local::control::deployed_of(&on.resources).expect("known");
    let function = &deployed.functions[&on.outputs["JitrFunctionName"]];
    assert_eq!(
        function.builtin,
        Ok(Builtin::Registration {
            stack_name: "soil".to_owned(),
            policy_name: on.outputs["DevicePolicyName"].clone(),
        })
    );
    let set = compile(&defs, &deployed).expect("compiles");
    assert!(set.names().any(|n| n == on.outputs["JitrRuleName"]));
    assert_eq!(set.len(), 4);

    let off = plan_with("false");
    let (defs, deployed) = crate::local::control::deployed_of(&off.resources).expect("known");
    assert_eq!(
        deployed.functions.len(),
        2,
        "the alert and pairing functions"
    );
    assert_eq!(compile(&defs, &deployed).expect("compiles").len(), 3);

    // Only the template's own code is run: a changed line makes it an unknown function.
    let mut props = on
        .resources
        .iter()
        .find(|r| r.logical_id == "JitrFunction")
        .map(|r| r.properties.clone())
        .unwrap_or_default();
    let code = props["Code"]["ZipFile"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    props["Code"]["ZipFile"] = json!(code.replace("newStatus=\"ACTIVE\"", "newStatus=\"REVOKED\""));
    let builtin =
        |props: &Value| Function::from_properties("JitrFunction", props).map(|f| f.builtin);
    let err = builtin(&props);
    assert!(
        err.as_ref().is_ok_and(|b| b
            .as_ref()
            .is_err_and(|e| e.contains("not one of the project's"))),
        "{err:?}"
    );
    props["Code"]["ZipFile"] = json!(code);
    props["Environment"]["Variables"]
        .as_object_mut()
        .map(|vars| vars.remove("POLICY_NAME"));
    let err = builtin(&props);
    assert!(
        err.as_ref()
            .is_ok_and(|b| b.as_ref().is_err_and(|e| e.contains("POLICY_NAME"))),
        "{err:?}"
    );
}

#[test]
fn the_registration_rule_ignores_certificates_that_are_not_pending() {
    let r = Registration::new();
    let (id, _) = r.pending_certificate("soilSensor9");
    r.announce(&id, "ACTIVE");
    r.announce(&id, "INACTIVE");
    assert_eq!(r.h.events(), Vec::<RuleEvent>::new());
    assert_eq!(r.status(&id), "PENDING_ACTIVATION");
    assert!(r.registry.thing("soilSensor9").expect("readable").is_none());
    // Other `$aws` events and device topics do not reach it either.
    r.h.send(
        "$aws/events/presence/connected/soilSensor9",
        &json!({"certificateId": id, "certificateStatus": "PENDING_ACTIVATION"}).to_string(),
    );
    assert!(!r.h.events().iter().any(|e| matches!(e,
        RuleEvent::Fired { rule, .. } if *rule == r.rule)));
    assert_eq!(r.status(&id), "PENDING_ACTIVATION");
}

#[test]
fn a_pending_certificate_is_activated_for_a_new_thing_with_policy_and_principal() {
    let r = Registration::new();
    let (id, arn) = r.pending_certificate("soilSensor9");
    r.announce(&id, "PENDING_ACTIVATION");
    assert_eq!(r.failures(), Vec::<RuleEvent>::new());
    assert_eq!(r.status(&id), "ACTIVE");
    let thing = r
        .registry
        .thing("soilSensor9")
        .expect("readable")
        .expect("the thing its common name names");
    assert_eq!(
        thing.attributes,
        BTreeMap::from([("soilctl-stack".to_owned(), "soil".to_owned())])
    );
    assert_eq!(
        r.registry
            .thing_principals("soilSensor9")
            .expect("readable"),
        std::slice::from_ref(&arn)
    );
    let policies: Vec<String> = r
        .registry
        .attached_policies(&arn)
        .expect("readable")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(policies, std::slice::from_ref(&r.policy));
    let events = r.h.events();
    assert!(events.contains(&RuleEvent::Fired {
        rule: r.rule.clone(),
        topic: format!("$aws/events/certificates/registered/{CA_ID}"),
    }));
    assert!(events.contains(&RuleEvent::Registered {
        rule: r.rule.clone(),
        certificate_id: id,
        thing: "soilSensor9".to_owned(),
    }));
    // Nothing else fired: no archive, no alert.
    assert_eq!(r.h.objects(), Vec::new());
    assert_eq!(r.h.alerts(), Vec::<Value>::new());
}

#[test]
fn registering_the_same_certificate_twice_is_harmless() {
    let r = Registration::new();
    let (id, arn) = r.pending_certificate("soilSensor9");
    r.announce(&id, "PENDING_ACTIVATION");
    let before = r.registry.contents().expect("readable");
    r.announce(&id, "PENDING_ACTIVATION");
    assert_eq!(r.failures(), Vec::<RuleEvent>::new());
    let after = r.registry.contents().expect("readable");
    assert_eq!(after.things, before.things);
    assert_eq!(after.certificates, before.certificates);
    assert_eq!(after.policy_attachments, before.policy_attachments);
    assert_eq!(after.thing_principals, before.thing_principals);
    assert_eq!(after.policy_attachments.len(), 1);
    assert_eq!(
        r.registry
            .thing_principals("soilSensor9")
            .expect("readable"),
        [arn]
    );
    let registered =
        r.h.events()
            .into_iter()
            .filter(|e| matches!(e, RuleEvent::Registered { .. }))
            .count();
    assert_eq!(registered, 2);
}

#[test]
fn an_unknown_certificate_fails_into_the_error_action() {
    let r = Registration::new();
    let unknown = "0".repeat(64);
    r.announce(&unknown, "PENDING_ACTIVATION");
    let failures = r.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    let RuleEvent::ActionFailed {
        rule,
        action,
        error,
    } = &failures[0]
    else {
        panic!("{failures:?}");
    };
    assert_eq!((rule, action.as_str()), (&r.rule, "Lambda"));
    assert!(error.contains("ResourceNotFoundException"), "{error}");
    assert!(error.contains("DescribeCertificate"), "{error}");
    let lines = json_lines(&r.h.state.log_group(&r.log_group));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["ruleName"], r.rule.as_str());
    assert_eq!(
        lines[0]["topic"],
        format!("$aws/events/certificates/registered/{CA_ID}")
    );
    let failure = &lines[0]["failures"][0];
    assert_eq!(failure["failedAction"], "LambdaAction");
    assert!(
        failure["failedResource"]
            .as_str()
            .is_some_and(|f| f.contains(":function:")),
        "{failure}"
    );
    assert!(
        failure["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains(&unknown)),
        "{failure}"
    );
    assert!(r.registry.things().expect("readable").is_empty());
    assert!(r.h.events().iter().any(|e| matches!(e,
        RuleEvent::Logged { log_group, .. } if *log_group == r.log_group)));
}

#[test]
fn a_certificate_is_left_pending_when_its_thing_cannot_be_registered() {
    let r = Registration::new();
    // A thing of that name that another stack manages is not taken over.
    r.registry
        .create_thing(
            "soilSensor9",
            &BTreeMap::from([("soilctl-stack".to_owned(), "other-stack".to_owned())]),
        )
        .expect("a foreign thing");
    let (taken, _) = r.pending_certificate("soilSensor9");
    r.announce(&taken, "PENDING_ACTIVATION");
    // No common name at all.
    let (nameless, _) = r.pending_certificate("");
    r.announce(&nameless, "PENDING_ACTIVATION");
    // A payload without the certificate id.
    r.h.send(
        &format!("$aws/events/certificates/registered/{CA_ID}"),
        r#"{"certificateStatus": "PENDING_ACTIVATION"}"#,
    );
    let errors: Vec<String> = r
        .failures()
        .into_iter()
        .filter_map(|e| match e {
            RuleEvent::ActionFailed { error, .. } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].contains("ResourceAlreadyExistsException"),
        "{errors:?}"
    );
    assert!(errors[0].contains("CreateThing"), "{errors:?}");
    assert!(errors[1].contains("no common name"), "{errors:?}");
    assert!(
        errors[2].contains("KeyError: 'certificateId'"),
        "{errors:?}"
    );
    assert_eq!(r.status(&taken), "PENDING_ACTIVATION");
    assert_eq!(r.status(&nameless), "PENDING_ACTIVATION");
    assert_eq!(json_lines(&r.h.state.log_group(&r.log_group)).len(), 3);
}
