//! End-to-end checks: the developer guide's example policies with their documented
//! outcomes, and this project's own device policy.

use std::collections::BTreeMap;

use super::{Action, Context, Decision, Policy, Request, Thing, evaluate};

const ARN: &str = "arn:aws:iot:us-east-1:123456789012";

/// The device policy the project's CloudFormation template renders.
const DEVICE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"ConnectAsOwnThingOnly","Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}","Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
 {"Sid":"PublishOwnTelemetryOnly","Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/device/${iot:Connection.Thing.ThingName}/devicePayload"}]}"#;

fn thing(name: &str) -> Thing {
    Thing {
        name: name.into(),
        ..Thing::default()
    }
}

fn ctx(client_id: &str, things: Vec<Thing>) -> Context {
    Context {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        client_id: client_id.into(),
        certificate_id: Some("abc123".into()),
        certificate_subject: BTreeMap::new(),
        attached_things: things,
    }
}

fn policy(json: &str) -> Policy {
    match Policy::parse("test", json) {
        Ok(policy) => policy,
        Err(e) => panic!("{e}"),
    }
}

fn allowed(p: &Policy, ctx: &Context, action: Action, target: &str) -> bool {
    evaluate(std::slice::from_ref(p), ctx, &Request { action, target }).is_allowed()
}

fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

#[test]
fn device_policy_allows_own_thing_only() {
    let p = Policy::parse("SoilDevicePolicy", DEVICE_POLICY).unwrap();
    let sensor1 = ctx("soilSensor1", vec![thing("soilSensor1")]);
    let connect = Request {
        action: Action::Connect,
        target: "soilSensor1",
    };
    assert_eq!(
        evaluate(std::slice::from_ref(&p), &sensor1, &connect),
        Decision::Allowed {
            policy: "SoilDevicePolicy".into(),
            statement: "ConnectAsOwnThingOnly".into()
        }
    );
    assert!(allowed(
        &p,
        &sensor1,
        Action::Publish,
        "device/soilSensor1/devicePayload"
    ));
    assert!(!allowed(
        &p,
        &sensor1,
        Action::Publish,
        "device/soilSensor2/devicePayload"
    ));
    assert!(!allowed(
        &p,
        &sensor1,
        Action::Publish,
        "device/+/devicePayload"
    ));
    for filter in [
        "device/soilSensor1/devicePayload",
        "#",
        "device/+/devicePayload",
    ] {
        assert!(!allowed(&p, &sensor1, Action::Subscribe, filter));
    }
    assert!(!allowed(
        &p,
        &sensor1,
        Action::Receive,
        "device/soilSensor1/devicePayload"
    ));
    assert!(!allowed(
        &p,
        &sensor1,
        Action::RetainPublish,
        "device/soilSensor1/devicePayload"
    ));

    // The same certificate connecting under another client id.
    let as_sensor2 = ctx("soilSensor2", vec![thing("soilSensor1")]);
    assert!(!allowed(&p, &as_sensor2, Action::Connect, "soilSensor2"));
    assert!(!allowed(
        &p,
        &as_sensor2,
        Action::Publish,
        "device/soilSensor2/devicePayload"
    ));
    assert_eq!(
        evaluate(
            std::slice::from_ref(&p),
            &as_sensor2,
            &Request {
                action: Action::Connect,
                target: "soilSensor2"
            }
        ),
        Decision::ImplicitDeny
    );

    // A certificate attached to no thing.
    let orphan = ctx("soilSensor1", vec![]);
    assert!(!allowed(&p, &orphan, Action::Connect, "soilSensor1"));
    assert!(!allowed(
        &p,
        &orphan,
        Action::Publish,
        "device/soilSensor1/devicePayload"
    ));
}

#[test]
fn request_arns_use_topicfilter_only_for_subscribe() {
    let c = ctx("c", vec![]);
    let arn = |action, target| Request { action, target }.resource_arn(&c);
    assert_eq!(arn(Action::Connect, "c"), format!("{ARN}:client/c"));
    assert_eq!(arn(Action::Publish, "a/b"), format!("{ARN}:topic/a/b"));
    assert_eq!(arn(Action::Receive, "a/b"), format!("{ARN}:topic/a/b"));
    assert_eq!(
        arn(Action::RetainPublish, "a/b"),
        format!("{ARN}:topic/a/b")
    );
    assert_eq!(
        arn(Action::Subscribe, "a/#"),
        format!("{ARN}:topicfilter/a/#")
    );
}

#[test]
fn subscribe_needs_topicfilter_and_receive_needs_topic() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":["iot:Subscribe","iot:Receive"],
             "Resource":["{ARN}:topicfilter/some_specific_topic","{ARN}:topic/other_topic"]}}"#
    )));
    let c = ctx("c", vec![]);
    assert!(allowed(&p, &c, Action::Subscribe, "some_specific_topic"));
    assert!(!allowed(&p, &c, Action::Receive, "some_specific_topic"));
    assert!(allowed(&p, &c, Action::Receive, "other_topic"));
    assert!(!allowed(&p, &c, Action::Subscribe, "other_topic"));
}

#[test]
fn connect_only_as_listed_client_id() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":"iot:Connect","Resource":"{ARN}:client/clientid1"}},
           {{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/my/topic/${{iot:ClientId}}"}}"#
    )));
    let c1 = ctx("clientid1", vec![]);
    assert!(allowed(&p, &c1, Action::Connect, "clientid1"));
    assert!(allowed(&p, &c1, Action::Publish, "my/topic/clientid1"));
    assert!(!allowed(&p, &c1, Action::Publish, "my/topic/clientid2"));
    let c2 = ctx("clientid2", vec![]);
    assert!(!allowed(&p, &c2, Action::Connect, "clientid2"));
}

#[test]
fn wildcards_in_resources_with_mqtt_wildcards_literal() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":"{ARN}:topic/sensor/*/data?"}},
           {{"Effect":"Allow","Action":"iot:Subscribe","Resource":"{ARN}:topicfilter/sensor/+/data"}}"#
    )));
    let c = ctx("c", vec![]);
    assert!(allowed(&p, &c, Action::Publish, "sensor/a/b/data1"));
    assert!(allowed(&p, &c, Action::Receive, "sensor/x/dataZ"));
    assert!(!allowed(&p, &c, Action::Publish, "sensor/x/data"));
    assert!(allowed(&p, &c, Action::Subscribe, "sensor/+/data"));
    assert!(!allowed(&p, &c, Action::Subscribe, "sensor/x/data"));
    assert!(!allowed(&p, &c, Action::Subscribe, "sensor/#"));
}

#[test]
fn action_wildcards_are_case_sensitive() {
    let p = policy(&doc(
        r#"{"Effect":"Allow","Action":["iot:*"],"Resource":"*"}"#,
    ));
    let c = ctx("c", vec![]);
    for action in [
        Action::Connect,
        Action::Publish,
        Action::Subscribe,
        Action::Receive,
        Action::RetainPublish,
    ] {
        assert!(allowed(&p, &c, action, "x"));
    }
    let p = policy(&doc(
        r#"{"Effect":"Allow","Action":"iot:publish","Resource":"*"}"#,
    ));
    assert!(!allowed(&p, &c, Action::Publish, "x"));
    let p = policy(&doc(
        r#"{"Effect":"Allow","Action":"iot:?ublish","Resource":"*"}"#,
    ));
    assert!(allowed(&p, &c, Action::Publish, "x"));
    assert!(!allowed(&p, &c, Action::RetainPublish, "x"));
}

#[test]
fn explicit_deny_beats_allow_across_policies() {
    let allow = Policy::parse(
        "AllowAll",
        &doc(r#"{"Effect":"Allow","Action":"iot:*","Resource":"*"}"#),
    )
    .unwrap();
    let deny = Policy::parse(
        "DenySubtopics",
        &doc(&format!(
            r#"{{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/department/*"}},
               {{"Sid":"NoSecret","Effect":"Deny","Action":"iot:Publish","Resource":"{ARN}:topic/department/admins/*"}}"#
        )),
    )
    .unwrap();
    let c = ctx("c", vec![]);
    let policies = [allow, deny];
    let publish = |target| Request {
        action: Action::Publish,
        target,
    };
    assert_eq!(
        evaluate(&policies, &c, &publish("department/admins/x")),
        Decision::ExplicitDeny {
            policy: "DenySubtopics".into(),
            statement: "NoSecret".into()
        }
    );
    assert_eq!(
        evaluate(&policies, &c, &publish("department/staff/x")),
        Decision::Allowed {
            policy: "AllowAll".into(),
            statement: "Statement[0]".into()
        }
    );
    assert_eq!(evaluate(&[], &c, &publish("x")), Decision::ImplicitDeny);
}

#[test]
fn is_attached_condition() {
    let p = policy(&doc(
        r#"{"Effect":"Allow","Action":["iot:Connect"],"Resource":["*"],
            "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":["true"]}}}"#,
    ));
    assert!(allowed(
        &p,
        &ctx("t1", vec![thing("t1")]),
        Action::Connect,
        "t1"
    ));
    assert!(!allowed(
        &p,
        &ctx("t2", vec![thing("t1")]),
        Action::Connect,
        "t2"
    ));
    assert!(!allowed(&p, &ctx("t1", vec![]), Action::Connect, "t1"));
}

#[test]
fn thing_type_and_attribute_conditions() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":["iot:Publish"],"Resource":"{ARN}:topic/device/stats",
             "Condition":{{"StringEquals":{{"iot:Connection.Thing.Attributes[attributeName]":"attributeValue",
                                          "iot:Connection.Thing.ThingTypeName":"Thing_Type_Name"}},
                          "Bool":{{"iot:Connection.Thing.IsAttached":"true"}}}}}}"#
    )));
    let mut t = thing("t1");
    t.thing_type = Some("Thing_Type_Name".into());
    t.attributes
        .insert("attributeName".into(), "attributeValue".into());
    assert!(allowed(
        &p,
        &ctx("t1", vec![t.clone()]),
        Action::Publish,
        "device/stats"
    ));
    let mut wrong_value = t.clone();
    wrong_value
        .attributes
        .insert("attributeName".into(), "other".into());
    assert!(!allowed(
        &p,
        &ctx("t1", vec![wrong_value]),
        Action::Publish,
        "device/stats"
    ));
    let mut no_type = t.clone();
    no_type.thing_type = None;
    assert!(!allowed(
        &p,
        &ctx("t1", vec![no_type]),
        Action::Publish,
        "device/stats"
    ));
    assert!(!allowed(
        &p,
        &ctx("t2", vec![t]),
        Action::Publish,
        "device/stats"
    ));
}

#[test]
fn attribute_in_resource_unresolved_denies() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":["iot:Publish"],
             "Resource":"{ARN}:topic/${{iot:Connection.Thing.Attributes[attributeName]}}/*"}}"#
    )));
    let mut t = thing("t1");
    t.attributes.insert("attributeName".into(), "floor2".into());
    assert!(allowed(
        &p,
        &ctx("t1", vec![t.clone()]),
        Action::Publish,
        "floor2/temp"
    ));
    assert!(!allowed(
        &p,
        &ctx("t1", vec![t.clone()]),
        Action::Publish,
        "floor3/temp"
    ));
    // Not attached under this client id, or no such attribute: the variable does not resolve.
    assert!(!allowed(
        &p,
        &ctx("other", vec![t]),
        Action::Publish,
        "floor2/temp"
    ));
    assert!(!allowed(
        &p,
        &ctx("t1", vec![thing("t1")]),
        Action::Publish,
        "/temp"
    ));
}

#[test]
fn unresolved_variable_in_deny_does_not_deny() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}},
           {{"Effect":"Deny","Action":"iot:Publish","Resource":"{ARN}:topic/${{iot:Connection.Thing.ThingName}}/*"}}"#
    )));
    assert!(!allowed(
        &p,
        &ctx("t1", vec![thing("t1")]),
        Action::Publish,
        "t1/x"
    ));
    assert!(allowed(&p, &ctx("t1", vec![]), Action::Publish, "t1/x"));
}

#[test]
fn certificate_variables() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":"iot:Connect",
             "Resource":"{ARN}:client/${{iot:Certificate.Subject.CommonName}}"}},
           {{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/cert/${{iot:CertificateId}}"}},
           {{"Effect":"Allow","Action":"iot:Receive","Resource":"{ARN}:topic/issuer/${{iot:Certificate.Issuer.CommonName}}"}}"#
    )));
    let mut c = ctx("soilSensor1", vec![]);
    assert!(!allowed(&p, &c, Action::Connect, "soilSensor1"));
    c.certificate_subject
        .insert("CommonName".into(), "soilSensor1".into());
    assert!(allowed(&p, &c, Action::Connect, "soilSensor1"));
    assert!(!allowed(&p, &c, Action::Connect, "soilSensor2"));
    assert!(allowed(&p, &c, Action::Publish, "cert/abc123"));
    c.certificate_id = None;
    assert!(!allowed(&p, &c, Action::Publish, "cert/abc123"));
    assert!(!allowed(&p, &c, Action::Receive, "issuer/"));
}

#[test]
fn escaped_wildcards_are_literal() {
    let p = policy(&doc(&format!(
        r#"{{"Effect":"Allow","Action":"iot:Publish","Resource":"{ARN}:topic/a/${{*}}"}}"#
    )));
    let c = ctx("c", vec![]);
    assert!(allowed(&p, &c, Action::Publish, "a/*"));
    assert!(!allowed(&p, &c, Action::Publish, "a/b"));
}

#[test]
fn single_statement_object_and_string_values() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}}"#,
    );
    assert!(allowed(&p, &ctx("c", vec![]), Action::Connect, "c"));
    assert_eq!(p.name(), "test");
}

#[test]
fn malformed_documents_are_errors() {
    let cases = [
        ("bad json", "{\"Version\":"),
        ("not an object", "[]"),
        ("missing Statement", r#"{"Version":"2012-10-17"}"#),
        (
            "empty Statement",
            r#"{"Version":"2012-10-17","Statement":[]}"#,
        ),
        (
            "bad Version",
            r#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#,
        ),
        (
            "missing Effect",
            &doc(r#"{"Action":"iot:*","Resource":"*"}"#),
        ),
        (
            "bad Effect",
            &doc(r#"{"Effect":"allow","Action":"iot:*","Resource":"*"}"#),
        ),
        (
            "missing Action",
            &doc(r#"{"Effect":"Allow","Resource":"*"}"#),
        ),
        (
            "empty Action",
            &doc(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#),
        ),
        (
            "missing Resource",
            &doc(r#"{"Effect":"Allow","Action":"iot:*"}"#),
        ),
        (
            "number Resource",
            &doc(r#"{"Effect":"Allow","Action":"iot:*","Resource":1}"#),
        ),
        (
            "NotAction",
            &doc(r#"{"Effect":"Allow","NotAction":"iot:Connect","Resource":"*"}"#),
        ),
        (
            "NotResource",
            &doc(r#"{"Effect":"Allow","Action":"iot:*","NotResource":"*"}"#),
        ),
        (
            "unknown element",
            &doc(r#"{"Effect":"Allow","Action":"iot:*","Resource":"*","Foo":1}"#),
        ),
        (
            "unknown variable",
            &doc(r#"{"Effect":"Allow","Action":"iot:*","Resource":"${iot:Nope}"}"#),
        ),
        (
            "unknown operator",
            &doc(
                r#"{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringMaybe":{"iot:ClientId":"x"}}}"#,
            ),
        ),
        (
            "unknown key",
            &doc(
                r#"{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":{"StringEquals":{"iot:Nope":"x"}}}"#,
            ),
        ),
    ];
    for (what, json) in cases {
        match Policy::parse("Broken", json) {
            Ok(_) => panic!("{what}: accepted"),
            Err(e) => {
                let line = e.to_string();
                assert!(line.starts_with("policy `Broken`: "), "{what}: {line}");
                assert!(!line.contains('\n'), "{what}: {line}");
            }
        }
    }
    let e = Policy::parse("P", &doc(r#"{"Effect":"Allow","Resource":"*"}"#)).unwrap_err();
    assert_eq!(e.to_string(), "policy `P`: Statement[0]: missing `Action`");
    assert_eq!(e.policy(), "P");
}
