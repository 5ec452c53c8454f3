//! Resources: what is refused when a template is read, and what only at registration.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::*;
use super::{params, parse, refusal, with_certificate};

#[test]
fn resources_are_checked_before_any_device_registers() {
    let thing = |props: Value| json!({"Resources": {"t": {"Type": "AWS::IoT::Thing", "Properties": props}}});
    assert_eq!(
        refusal(json!({"Resources": {"q": {"Type": "AWS::SQS::Queue", "Properties": {}}}})),
        "Resources.q: unknown resource type \"AWS::SQS::Queue\" (expected AWS::IoT::Thing, \
         AWS::IoT::Certificate or AWS::IoT::Policy)"
    );
    assert_eq!(
        refusal(json!({"Resources": {
            "a": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": "a"}},
            "b": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": "b"}}
        }})),
        "Resources.b: a template declares at most one AWS::IoT::Thing, and a is one already"
    );
    let two_certificates = with_certificate(json!({"Resources": {"other": {
        "Type": "AWS::IoT::Certificate", "Properties": {"CertificateId": "x"}
    }}}));
    assert!(matches!(
        parse(two_certificates),
        Err(TemplateError::DuplicateResource {
            type_name: "AWS::IoT::Certificate",
            ..
        })
    ));
    assert_eq!(
        refusal(thing(json!({"ThingNmae": "x"}))),
        "Resources.t.Properties.ThingNmae: AWS::IoT::Thing has no property ThingNmae (it has \
         ThingName, AttributePayload, ThingTypeName, ThingGroups, BillingGroup, PackageVersions)"
    );
    assert_eq!(
        refusal(thing(json!({}))),
        "Resources.t.Properties: ThingName is required"
    );
    assert_eq!(
        refusal(thing(json!({"ThingName": "x", "AttributePayload": ["a"]}))),
        "Resources.t.Properties.AttributePayload: must be an object of names and string values"
    );
    assert_eq!(
        refusal(thing(
            json!({"ThingName": "x", "AttributePayload": {"nested": {"a": "b"}}})
        )),
        "Resources.t.Properties.AttributePayload.nested: must be a string"
    );
    assert_eq!(
        refusal(thing(json!({"ThingName": "x", "ThingGroups": "g"}))),
        "Resources.t.Properties.ThingGroups: must be a list of strings"
    );
    assert_eq!(
        refusal(json!({"Resources": {"t": {"Type": "AWS::IoT::Thing"}}})),
        "Resources.t: the resource has no Properties"
    );
    assert_eq!(
        refusal(
            json!({"Resources": {"t": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": "x"}, "DependsOn": "c"}}})
        ),
        "Resources.t: unknown key DependsOn (a resource has Type, Properties, OverrideSettings \
         and Condition)"
    );
}

#[test]
fn certificates_are_named_by_id_only() {
    let cert = |props: Value| json!({"Resources": {"c": {"Type": "AWS::IoT::Certificate", "Properties": props}}});
    assert_eq!(
        refusal(cert(json!({"CertificateSigningRequest": {"Ref": "CSR"}}))),
        "Resources.c.Properties.CertificateSigningRequest: a fleet provisioning template names \
         its certificate by CertificateId only"
    );
    assert_eq!(
        refusal(cert(json!({"Status": "ACTIVE"}))),
        "Resources.c.Properties: CertificateId is required"
    );
    assert_eq!(
        refusal(cert(json!({"CertificateId": "x", "Status": "REVOKED"}))),
        "Resources.c.Properties.Status: \"REVOKED\" is not ACTIVE or INACTIVE"
    );
    // The guide's property list spells it CertificateID.
    let template = parse(cert(json!({"CertificateID": "abc", "Status": "inactive"}))).unwrap();
    let plan = evaluate(&template, &BTreeMap::new()).unwrap();
    let certificate = plan.certificate.unwrap();
    assert_eq!(certificate.certificate_id, "abc");
    assert_eq!(certificate.status, CertificateStatus::Inactive);

    // A status computed at registration is checked then.
    let template = parse(cert(json!({"CertificateId": "x", "Status": {"Ref": "S"}}))).unwrap();
    let err = evaluate(&template, &params(&[("S", "on")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Resources.c.Properties.Status: \"on\" is not ACTIVE or INACTIVE"
    );
    assert_eq!(err.error_code(), "InvalidParameters");
}

#[test]
fn policies_take_a_name_or_a_document() {
    let policy = |props: Value| {
        with_certificate(
            json!({"Resources": {"p": {"Type": "AWS::IoT::Policy", "Properties": props}}}),
        )
    };
    assert_eq!(
        refusal(policy(json!({"PolicyName": "a", "PolicyDocument": "{}"}))),
        "Resources.p.Properties: a policy takes PolicyName or PolicyDocument, one of the two"
    );
    assert_eq!(
        refusal(policy(json!({}))),
        "Resources.p.Properties: a policy takes PolicyName or PolicyDocument, one of the two"
    );
    assert!(
        refusal(policy(json!({"PolicyDocument": "{not json"})))
            .starts_with("Resources.p.Properties.PolicyDocument: the policy document is not JSON")
    );
    assert_eq!(
        refusal(policy(json!({"PolicyDocument": "[1]"}))),
        "Resources.p.Properties.PolicyDocument: the policy document must be a JSON object"
    );
    let mut with_overrides = policy(json!({"PolicyName": "a"}));
    with_overrides["Resources"]["p"]["OverrideSettings"] = json!({"PolicyName": "REPLACE"});
    assert_eq!(
        refusal(with_overrides),
        "Resources.p.OverrideSettings: OverrideSettings are not available for policy resources"
    );

    // A document given as an escaped string is kept as written.
    let text = r#"{"Version":"2012-10-17","Statement":[]}"#;
    let template = parse(policy(json!({"PolicyDocument": text}))).unwrap();
    let plan = evaluate(&template, &params(&[("AWS::IoT::Certificate::Id", "c")])).unwrap();
    assert_eq!(plan.policies[0].policy, Policy::Document(text.into()));
    assert_eq!(plan.policies[0].name(), document_policy_name(text));
}

#[test]
fn document_policy_names_are_sha256_in_hex() {
    assert_eq!(
        document_policy_name("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn device_configuration_holds_strings_only() {
    assert_eq!(
        refusal(with_certificate(
            json!({"DeviceConfiguration": {"nested": {"a": "b"}}})
        )),
        "DeviceConfiguration.nested: DeviceConfiguration takes no nested objects or lists, only \
         strings"
    );
    assert_eq!(
        refusal(with_certificate(json!({"DeviceConfiguration": ["a"]}))),
        "DeviceConfiguration: the section must be an object"
    );
    // A list computed at registration is refused then.
    let body = with_certificate(json!({
        "DeviceConfiguration": {"zones": {"Fn::Split": [",", "a,b"]}}
    }));
    let err = evaluate(
        &parse(body).unwrap(),
        &params(&[("AWS::IoT::Certificate::Id", "c")]),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "DeviceConfiguration.zones: must be a string, not a list"
    );
}

#[test]
fn empty_thing_name_is_refused_at_registration() {
    let body = json!({
        "Parameters": {"Serial": {"Type": "String"}},
        "Resources": {"t": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "Serial"}}}}
    });
    let err = evaluate(&parse(body).unwrap(), &params(&[("Serial", "")])).unwrap_err();
    assert_eq!(
        err,
        TemplateError::InvalidValue {
            at: "Resources.t.Properties.ThingName".into(),
            message: "must not be empty".into()
        }
    );
}
