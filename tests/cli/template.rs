//! The template passes cfn-lint with no error and no warning.

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
        2,
        "both rules need an error action"
    );
    // Least privilege: no statement allows a wildcard action.
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut allowed = Vec::new();
    collect_allowed_actions(&doc, &mut allowed);
    assert!(allowed.len() >= 6, "{allowed:?}");
    assert!(allowed.iter().all(|a| !a.contains('*')), "{allowed:?}");
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
