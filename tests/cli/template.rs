//! The template passes cfn-lint with no error and no warning, and has the parts the design
//! asks for, just-in-time registration included.

use std::process::Command;

use crate::support::{root, venv_bin};

fn cfn_lint(path: &std::path::Path) -> (i32, String) {
    let out = Command::new(venv_bin("cfn-lint"))
        .arg(path)
        .output()
        .expect("running cfn-lint");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_template_is_clean_under_cfn_lint() {
    let (code, text) = cfn_lint(&root().join("templates/iot-backend.yaml"));
    assert_eq!(code, 0, "cfn-lint reported:\n{text}");
    assert!(text.trim().is_empty(), "cfn-lint printed findings:\n{text}");
}

#[test]
fn cfn_lint_does_catch_a_broken_copy() {
    // The check above can fail: the same linter flags a copy with a wrong runtime.
    let dir = tempfile::tempdir().unwrap();
    let broken = std::fs::read_to_string(root().join("templates/iot-backend.yaml"))
        .unwrap()
        .replace("Runtime: python3.13", "Runtime: python2.7");
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, broken).unwrap();
    let (code, text) = cfn_lint(&path);
    assert_ne!(code, 0, "cfn-lint accepted python2.7:\n{text}");
}

#[test]
fn the_template_says_what_the_design_asks() {
    let text = std::fs::read_to_string(root().join("templates/iot-backend.yaml")).unwrap();
    let t = soilctl::template::Template::parse(&text, "iot-backend.yaml").unwrap();
    assert_eq!(t.parameters["HumidityThreshold"].min_value, Some(0.0));
    assert_eq!(t.parameters["HumidityThreshold"].max_value, Some(100.0));
    assert!(t.parameters["AlertEmail"].default.is_none());
    for needle in [
        "SELECT * FROM 'device/+/devicePayload' WHERE humidity < ${HumidityThreshold}",
        "SELECT * FROM 'device/+/devicePayload'",
        "Key: ${topic(2)}/${timestamp()}-${newuuid()}.json",
        "AwsIotSqlVersion: \"2016-03-23\"",
        "Attention:Humidity Under Threshold",
        "Humidity {humidity} under threshold for device name {name}",
        "client/${!iot:Connection.Thing.ThingName}",
        "topic/device/${!iot:Connection.Thing.ThingName}/devicePayload",
        "Action: s3:PutObject",
        "Action: sns:Publish",
        "Principal: iot.amazonaws.com",
        "SourceArn: !Sub \"arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${AlertRule}\"",
    ] {
        assert!(text.contains(needle), "the template lacks {needle:?}");
    }
    assert_eq!(
        text.matches("ErrorAction:").count(),
        4,
        "every rule needs an error action"
    );
    // Least privilege: no statement allows a wildcard action.
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut allowed = Vec::new();
    collect_allowed_actions(&doc, &mut allowed);
    assert!(allowed.len() >= 6, "{allowed:?}");
    assert!(allowed.iter().all(|a| !a.contains('*')), "{allowed:?}");
}

#[test]
fn pairing_has_a_narrow_role_and_each_device_its_own_topics() {
    use serde_yaml::Value;
    let text = std::fs::read_to_string(root().join("templates/iot-backend.yaml")).unwrap();
    let t = soilctl::template::Template::parse(&text, "iot-backend.yaml").unwrap();
    let lifetime = &t.parameters["PairingCodeLifetime"];
    assert_eq!(lifetime.default.as_deref(), Some("600"));
    assert_eq!(
        (lifetime.min_value, lifetime.max_value),
        (Some(1.0), Some(86400.0))
    );
    for needle in [
        "Sql: SELECT topic(2) AS thing FROM 'device/+/pairing/request'",
        "FunctionArn: !GetAtt PairingFunction.Arn",
        "SourceArn: !Sub \"arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${PairingRule}\"",
        "CODE_LIFETIME: !Ref PairingCodeLifetime",
        "hashlib.sha256(code.encode()).hexdigest()",
        "secrets.choice(ALPHABET)",
        "topic/device/${!iot:Connection.Thing.ThingName}/pairing/request",
        "topicfilter/device/${!iot:Connection.Thing.ThingName}/pairing/code",
        "topic/garden/${!iot:Connection.Thing.Attributes[owner]}/${!iot:Connection.Thing.ThingName}/*",
    ] {
        assert!(text.contains(needle), "the template lacks {needle:?}");
    }
    // The function may read and mark things and send codes on the code topics, nothing else.
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let statements = doc["Resources"]["PairingFunctionRole"]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"]
        .as_sequence()
        .unwrap();
    let actions: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Sequence(list) => list
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect(),
            other => panic!("Action {other:?}"),
        })
        .collect();
    assert_eq!(
        actions,
        [
            "iot:DescribeThing",
            "iot:UpdateThing",
            "iot:Publish",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
        ]
    );
    let publish = serde_yaml::to_string(&statements[1]["Resource"]).unwrap();
    assert!(publish.contains("topic/device/*/pairing/code"), "{publish}");
}

#[test]
fn just_in_time_registration_is_a_switched_part_with_a_narrow_role() {
    use serde_yaml::Value;
    let text = std::fs::read_to_string(root().join("templates/iot-backend.yaml")).unwrap();
    let t = soilctl::template::Template::parse(&text, "iot-backend.yaml").unwrap();
    let switch = &t.parameters["EnableJustInTimeRegistration"];
    assert_eq!(switch.default.as_deref(), Some("false"));
    assert_eq!(switch.allowed_values, ["true", "false"]);
    assert!(
        text.contains(
            "JustInTimeRegistration: !Equals [!Ref EnableJustInTimeRegistration, \"true\"]"
        ),
        "the condition follows the parameter"
    );
    let part = [
        ("JitrRule", "AWS::IoT::TopicRule"),
        ("JitrFunction", "AWS::Lambda::Function"),
        ("JitrFunctionRole", "AWS::IAM::Role"),
        ("JitrFunctionLogGroup", "AWS::Logs::LogGroup"),
        ("JitrFunctionPermission", "AWS::Lambda::Permission"),
    ];
    for (id, kind) in part {
        assert_eq!(t.resources[id], kind, "{id}");
        assert_eq!(
            t.resource_conditions.get(id).map(String::as_str),
            Some("JustInTimeRegistration"),
            "{id} is made only with just-in-time registration"
        );
    }
    // Everything else is made whatever the parameter says (fleet provisioning has its own).
    let jitr_only = t
        .resource_conditions
        .values()
        .filter(|c| *c == "JustInTimeRegistration")
        .count();
    assert_eq!(jitr_only, part.len());
    for needle in [
        r#"Sql: SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION""#,
        "FunctionArn: !GetAtt JitrFunction.Arn",
        "SourceArn: !Sub \"arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${JitrRule}\"",
        "STACK_NAME: !Ref AWS::StackName",
        "iot.describe_certificate(certificateId=certificate_id)",
        "iot.update_certificate(certificateId=certificate_id, newStatus=\"ACTIVE\")",
        "iot.attach_policy(policyName=os.environ[\"POLICY_NAME\"], target=arn)",
        "iot.attach_thing_principal(thingName=thing, principal=arn)",
        "attributePayload={\"attributes\": {MANAGED_ATTRIBUTE: os.environ[\"STACK_NAME\"]}}",
        "MANAGED_ATTRIBUTE = \"soilctl-stack\"",
    ] {
        assert!(text.contains(needle), "the template lacks {needle:?}");
    }
    // The role may do exactly what registration needs, on certificates and things only.
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let statements = doc["Resources"]["JitrFunctionRole"]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"]
        .as_sequence()
        .unwrap()
        .clone();
    let mut allowed = Vec::new();
    for statement in &statements {
        let mut actions = Vec::new();
        collect_allowed_actions(statement, &mut actions);
        let resource = match &statement["Resource"] {
            Value::Tagged(tagged) => tagged.value.as_str().unwrap_or_default().to_string(),
            other => format!("{other:?}"),
        };
        for action in actions {
            allowed.push((action, resource.clone()));
        }
    }
    let iot = |action: &str, kind: &str| {
        (
            action.to_string(),
            format!("arn:${{AWS::Partition}}:iot:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/*"),
        )
    };
    let logs = |action: &str| (action.to_string(), "JitrFunctionLogGroup.Arn".to_string());
    assert_eq!(
        allowed,
        [
            iot("iot:DescribeCertificate", "cert"),
            iot("iot:UpdateCertificate", "cert"),
            iot("iot:AttachPolicy", "cert"),
            iot("iot:AttachThingPrincipal", "cert"),
            iot("iot:CreateThing", "thing"),
            logs("logs:CreateLogStream"),
            logs("logs:PutLogEvents"),
        ]
    );
    for output in ["JitrRuleName", "JitrFunctionName"] {
        assert_eq!(
            doc["Outputs"][output]["Condition"].as_str(),
            Some("JustInTimeRegistration"),
            "{output}"
        );
    }
}

fn collect_allowed_actions(value: &serde_yaml::Value, out: &mut Vec<String>) {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            if map.get("Effect").and_then(Value::as_str) == Some("Allow") {
                match map.get("Action") {
                    Some(Value::String(a)) => out.push(a.clone()),
                    Some(Value::Sequence(list)) => {
                        out.extend(list.iter().filter_map(|a| a.as_str().map(str::to_string)))
                    }
                    _ => {}
                }
            }
            for (_, v) in map {
                collect_allowed_actions(v, out);
            }
        }
        Value::Sequence(list) => list.iter().for_each(|v| collect_allowed_actions(v, out)),
        Value::Tagged(tagged) => collect_allowed_actions(&tagged.value, out),
        _ => {}
    }
}
