//! `OverrideSettings`: how they are read, and what they do to an existing thing or
//! certificate.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::*;
use super::{params, parse, with_certificate};

fn thing_with(overrides: Value) -> Value {
    json!({"Resources": {"t": {
        "Type": "AWS::IoT::Thing",
        "Properties": {
            "ThingName": "t",
            "AttributePayload": {"fw": "2.0", "site": "gh1"},
            "ThingTypeName": "soil-sensor",
            "ThingGroups": ["sensors", "gh1"]
        },
        "OverrideSettings": overrides
    }}})
}

fn planned(overrides: Value) -> ThingPlan {
    let template = parse(thing_with(overrides)).unwrap();
    evaluate(&template, &BTreeMap::new())
        .unwrap()
        .thing
        .unwrap()
}

fn existing() -> ThingState {
    ThingState {
        attributes: params(&[("fw", "1.0"), ("owner", "ops")]),
        thing_type: Some("old-type".into()),
        groups: vec!["legacy".into(), "sensors".into()],
    }
}

#[test]
fn merge_replace_and_do_nothing() {
    let plan = planned(json!({
        "AttributePayload": "MERGE",
        "ThingTypeName": "REPLACE",
        "ThingGroups": "MERGE"
    }));
    assert_eq!(
        plan.reconcile(&existing()).unwrap(),
        ThingState {
            attributes: params(&[("fw", "2.0"), ("owner", "ops"), ("site", "gh1")]),
            thing_type: Some("soil-sensor".into()),
            groups: vec!["legacy".into(), "sensors".into(), "gh1".into()],
        }
    );

    let plan = planned(json!({
        "ATTRIBUTE_PAYLOAD": "REPLACE",
        "THING_TYPE_NAME": "DO_NOTHING",
        "THING_GROUPS": "REPLACE"
    }));
    assert_eq!(
        plan.reconcile(&existing()).unwrap(),
        ThingState {
            attributes: params(&[("fw", "2.0"), ("site", "gh1")]),
            thing_type: Some("old-type".into()),
            groups: vec!["sensors".into(), "gh1".into()],
        }
    );
    assert_eq!(plan.state().groups, ["sensors", "gh1"]);
}

#[test]
fn settings_left_out_leave_the_existing_thing_alone() {
    assert_eq!(DEFAULT_OVERRIDE, OverrideAction::DoNothing);
    let plan = planned(json!({}));
    assert_eq!(plan.overrides, ThingOverrides::default());
    assert_eq!(plan.reconcile(&existing()).unwrap(), existing());
}

#[test]
fn fail_answers_resource_conflicts() {
    let plan = planned(json!({"ThingGroups": "FAIL"}));
    let err = plan.reconcile(&existing()).unwrap_err();
    assert_eq!(
        err,
        TemplateError::Conflict {
            resource: "t".into(),
            property: "ThingGroups"
        }
    );
    assert_eq!(err.error_code(), "ResourceConflictsException");
    assert_eq!(
        merge_attributes(
            "t",
            &BTreeMap::new(),
            &BTreeMap::new(),
            Some(OverrideAction::Fail)
        )
        .unwrap_err()
        .to_string(),
        "Resources.t: the resource already exists and OverrideSettings.AttributePayload is FAIL"
    );
}

#[test]
fn helpers_one_property_at_a_time() {
    let existing = vec!["a".to_string(), "b".to_string()];
    let planned = vec!["b".to_string(), "c".to_string()];
    assert_eq!(
        merge_groups("t", &existing, &planned, Some(OverrideAction::Merge)).unwrap(),
        ["a", "b", "c"]
    );
    assert_eq!(
        merge_thing_type("t", Some("x"), None, Some(OverrideAction::Replace)).unwrap(),
        None
    );
    assert_eq!(
        merge_thing_type("t", Some("x"), Some("y"), Some(OverrideAction::Merge))
            .unwrap_err()
            .to_string(),
        "Resources.t.OverrideSettings.ThingTypeName: MERGE is valid only for AttributePayload \
         and ThingGroups"
    );
    assert_eq!(
        OverrideAction::parse("DO_NOTHING"),
        Some(OverrideAction::DoNothing)
    );
    assert_eq!(OverrideAction::parse("merge"), None);
    assert_eq!(OverrideAction::Merge.as_str(), "MERGE");
}

#[test]
fn settings_are_checked_when_the_template_is_read() {
    let refusal = |body: Value| parse(body).unwrap_err().to_string();
    assert_eq!(
        refusal(thing_with(json!({"ThingTypeName": "MERGE"}))),
        "Resources.t.OverrideSettings.ThingTypeName: MERGE is valid only for AttributePayload \
         and ThingGroups"
    );
    assert_eq!(
        refusal(thing_with(json!({"ThingGroups": "KEEP"}))),
        "Resources.t.OverrideSettings.ThingGroups: must be MERGE, REPLACE, FAIL or DO_NOTHING"
    );
    assert_eq!(
        refusal(thing_with(json!({"ThingName": "REPLACE"}))),
        "Resources.t.OverrideSettings.ThingName: a thing takes OverrideSettings for \
         AttributePayload, ThingTypeName and ThingGroups"
    );
    assert_eq!(
        refusal(thing_with(json!("REPLACE"))),
        "Resources.t.OverrideSettings: must be an object"
    );
    let mut cert = with_certificate(json!({}));
    cert["Resources"]["certificate"]["OverrideSettings"] = json!({"Status": "MERGE"});
    assert_eq!(
        refusal(cert.clone()),
        "Resources.certificate.OverrideSettings.Status: MERGE is valid only for a thing's \
         AttributePayload and ThingGroups"
    );
    cert["Resources"]["certificate"]["OverrideSettings"] = json!({"CertificateId": "REPLACE"});
    assert_eq!(
        refusal(cert),
        "Resources.certificate.OverrideSettings.CertificateId: a certificate takes \
         OverrideSettings for Status only"
    );
}

#[test]
fn certificate_status_follows_the_template_or_its_settings() {
    let plan_with = |overrides: Value| {
        let mut body = with_certificate(json!({}));
        body["Resources"]["certificate"]["Properties"]["Status"] = json!("INACTIVE");
        body["Resources"]["certificate"]["OverrideSettings"] = overrides;
        let template = parse(body).unwrap();
        let parameters = params(&[(CERTIFICATE_ID_PARAMETER, "c")]);
        evaluate(&template, &parameters)
            .unwrap()
            .certificate
            .unwrap()
    };
    // A certificate just made over MQTT takes the template's status whatever the settings.
    let keep = plan_with(json!({"Status": "DO_NOTHING"}));
    assert_eq!(
        keep.resulting_status("PENDING_ACTIVATION").unwrap(),
        "INACTIVE"
    );
    assert_eq!(keep.resulting_status("ACTIVE").unwrap(), "ACTIVE");
    let replace = plan_with(json!({"Status": "REPLACE"}));
    assert_eq!(replace.resulting_status("ACTIVE").unwrap(), "INACTIVE");
    let fail = plan_with(json!({"Status": "FAIL"}));
    assert_eq!(
        fail.resulting_status("ACTIVE").unwrap_err(),
        TemplateError::Conflict {
            resource: "certificate".into(),
            property: "Status"
        }
    );
    assert_eq!(
        plan_with(json!({})).resulting_status("ACTIVE").unwrap(),
        "ACTIVE"
    );
    assert!(!replaces_status("certificate", None).unwrap());
}
