//! Conditions (extended dialect): `Conditions`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`,
//! `Fn::Or`, `Condition`, resource `Condition`, `AWS::NoValue` and `Fn::Base64`.

use serde_json::{Value, json};

use super::super::*;
use super::intrinsics::{config, run};
use super::{params, parse_extended, with_certificate};

fn refused_extended(body: Value) -> String {
    parse_extended(body).unwrap_err().to_string()
}

/// A template of the extended dialect with conditions over the parameter `Env`.
fn conditional(extra: Value) -> Value {
    let mut body = with_certificate(json!({
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsStaging": {"Fn::Equals": ["staging", {"Ref": "Env"}]},
            "IsTest": {"Fn::Not": [{"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsStaging"}]}]},
            "ProdAndOne": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": [1, {"Ref": "One"}]}]}
        }
    }));
    if let (Value::Object(base), Value::Object(extra)) = (&mut body, extra) {
        base.extend(extra);
    }
    body
}

#[test]
fn conditions_choose_with_fn_if() {
    let body = conditional(json!({"DeviceConfiguration": {
        "tier": {"Fn::If": ["IsProd", "gold", {"Fn::If": ["IsTest", "tin", "silver"]}]},
        "both": {"Fn::If": ["ProdAndOne", "yes", "no"]}
    }}));
    let tier = |env: &str, one: &str| {
        let plan = run(
            Dialect::Extended,
            body.clone(),
            &[("Env", env), ("One", one)],
        )
        .unwrap();
        (
            plan.device_configuration["tier"].clone(),
            plan.device_configuration["both"].clone(),
        )
    };
    assert_eq!(tier("prod", "1"), ("gold".into(), "yes".into()));
    assert_eq!(tier("prod", "2"), ("gold".into(), "no".into()));
    assert_eq!(tier("staging", "1"), ("silver".into(), "no".into()));
    assert_eq!(tier("dev", "1"), ("tin".into(), "no".into()));
}

#[test]
fn conditions_decide_which_resources_exist_and_no_value_leaves_things_out() {
    let body = conditional(json!({"Resources": {
        "certificate": {
            "Type": "AWS::IoT::Certificate",
            "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}}
        },
        "debug": {
            "Type": "AWS::IoT::Policy",
            "Condition": "IsTest",
            "Properties": {"PolicyName": "debug-everything"}
        },
        "t": {"Type": "AWS::IoT::Thing", "Properties": {
            "ThingName": "t",
            "ThingTypeName": {"Fn::If": ["IsProd", "soil-sensor", {"Ref": "AWS::NoValue"}]},
            "ThingGroups": ["all", {"Fn::If": ["IsProd", "prod", {"Ref": "AWS::NoValue"}]}],
            "AttributePayload": {"env": {"Ref": "Env"}, "debug": {"Fn::If": ["IsTest", "on", {"Ref": "AWS::NoValue"}]}}
        }}
    }, "DeviceConfiguration": {"secret": {"Fn::Base64": {"Fn::Sub": "${Env}:key"}}}}));
    let prod = run(
        Dialect::Extended,
        body.clone(),
        &[("Env", "prod"), ("One", "1")],
    )
    .unwrap();
    let thing = prod.thing.unwrap();
    assert_eq!(thing.thing_type.as_deref(), Some("soil-sensor"));
    assert_eq!(thing.groups, ["all", "prod"]);
    assert_eq!(thing.attributes, params(&[("env", "prod")]));
    assert!(prod.policies.is_empty());
    assert_eq!(prod.device_configuration["secret"], "cHJvZDprZXk=");

    let dev = run(Dialect::Extended, body, &[("Env", "dev"), ("One", "1")]).unwrap();
    let thing = dev.thing.unwrap();
    assert_eq!(thing.thing_type, None);
    assert_eq!(thing.groups, ["all"]);
    assert_eq!(thing.attributes, params(&[("env", "dev"), ("debug", "on")]));
    assert_eq!(dev.policies[0].name(), "debug-everything");
}

#[test]
fn condition_names_and_shapes_are_checked() {
    assert_eq!(
        refused_extended(conditional(
            json!({"DeviceConfiguration": {"v": {"Fn::If": ["IsMoon", "a", "b"]}}})
        )),
        "DeviceConfiguration.v: there is no condition named \"IsMoon\" in the Conditions section"
    );
    let mut body = conditional(json!({}));
    body["Resources"]["certificate"]["Condition"] = json!("IsMoon");
    assert_eq!(
        refused_extended(body),
        "Resources.certificate.Condition: there is no condition named \"IsMoon\" in the \
         Conditions section"
    );
    let cases = [
        (
            json!({"A": {"Condition": "B"}, "B": {"Fn::Not": [{"Condition": "A"}]}}),
            "Conditions.A: the condition depends on itself (A -> B -> A)",
        ),
        (
            json!({"A": {"Fn::And": [{"Condition": "A"}, {"Condition": "A"}]}}),
            "Conditions.A: the condition depends on itself (A -> A)",
        ),
        (
            json!({"A": {"Fn::And": [{"Fn::Equals": ["a", "a"]}]}}),
            "Conditions.A: Fn::And: takes a list of 2 to 10 conditions",
        ),
        (
            json!({"A": {"Fn::Not": {"Fn::Equals": ["a", "a"]}}}),
            "Conditions.A: Fn::Not: takes [condition]",
        ),
        (
            json!({"A": {"Fn::Equals": [{"Fn::If": ["A", "a", "b"]}, "a"]}}),
            "Conditions.A[0]: Fn::If: cannot be used inside the Conditions section",
        ),
        (
            json!({"A": {"Condition": "Z"}}),
            "Conditions.A: there is no condition named \"Z\" in the Conditions section",
        ),
        (
            json!({"A": "true"}),
            "Conditions.A: a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
        ),
        (
            json!({"A": {"Fn::Join": ["", []]}}),
            "Conditions.A: Fn::Join cannot make a condition: use Fn::Equals, Fn::Not, Fn::And, \
             Fn::Or or Condition",
        ),
    ];
    for (conditions, message) in cases {
        let body = with_certificate(json!({ "Conditions": conditions }));
        assert_eq!(refused_extended(body), message);
    }
    assert_eq!(
        refused_extended(config(json!({"Fn::Or": ["a", "b"]}), json!({}))),
        "DeviceConfiguration.v: Fn::Or is a condition function: define a condition with it in \
         the Conditions section and choose with Fn::If"
    );
}

#[test]
fn equals_compares_as_strings() {
    let body = with_certificate(json!({
        "Conditions": {"Same": {"Fn::Equals": [[1, true], ["1", "true"]]}},
        "DeviceConfiguration": {"v": {"Fn::If": ["Same", "same", "different"]}}
    }));
    let plan = run(Dialect::Extended, body, &[]).unwrap();
    assert_eq!(plan.device_configuration["v"], "same");
}
