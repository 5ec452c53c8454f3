//! Templates, parameters and errors. Resources are in `tests/resources.rs`, the intrinsic
//! functions in `tests/intrinsics.rs`, conditions in `tests/conditions.rs` and
//! `OverrideSettings` in `tests/overrides.rs`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;

mod conditions;
mod intrinsics;
mod overrides;
mod resources;

/// Parameters from pairs.
pub(super) fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) fn parse(body: Value) -> Result<Template, TemplateError> {
    Template::parse(&body.to_string())
}

pub(super) fn parse_extended(body: Value) -> Result<Template, TemplateError> {
    Template::parse_with(&body.to_string(), Dialect::Extended)
}

/// A template with one certificate and `extra` merged into its top level.
pub(super) fn with_certificate(extra: Value) -> Value {
    let mut body = json!({
        "Parameters": {"AWS::IoT::Certificate::Id": {"Type": "String"}},
        "Resources": {
            "certificate": {
                "Type": "AWS::IoT::Certificate",
                "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}}
            }
        }
    });
    if let (Value::Object(base), Value::Object(extra)) = (&mut body, extra) {
        for (k, v) in extra {
            match (base.get_mut(&k), v) {
                (Some(Value::Object(into)), Value::Object(from)) => into.extend(from),
                (_, v) => {
                    base.insert(k, v);
                }
            }
        }
    }
    body
}

/// The soil sensor's template: the shape of the guide's fleet provisioning example.
fn soil_template() -> Value {
    json!({
        "Parameters": {
            "SerialNumber": {"Type": "String"},
            "Site": {"Type": "String", "Default": "greenhouse-1"},
            "AWS::IoT::Certificate::Id": {"Type": "String"}
        },
        "Mappings": {
            "Sites": {
                "greenhouse-1": {"Ingest": "soil/gh1/telemetry", "Zones": ["north", "south"]},
                "field-7": {"Ingest": "soil/f7/telemetry", "Zones": ["east"]}
            }
        },
        "Resources": {
            "sensor": {
                "Type": "AWS::IoT::Thing",
                "Properties": {
                    "ThingName": {"Fn::Join": ["-", ["soil", {"Ref": "SerialNumber"}]]},
                    "AttributePayload": {
                        "serial": {"Ref": "SerialNumber"},
                        "site": {"Ref": "Site"},
                        "hardware": 3
                    },
                    "ThingTypeName": "soil-sensor",
                    "ThingGroups": ["soil-sensors", {"Ref": "Site"}],
                    "BillingGroup": "sensors"
                },
                "OverrideSettings": {
                    "AttributePayload": "MERGE",
                    "ThingTypeName": "REPLACE",
                    "ThingGroups": "DO_NOTHING"
                }
            },
            "certificate": {
                "Type": "AWS::IoT::Certificate",
                "Properties": {
                    "CertificateId": {"Ref": "AWS::IoT::Certificate::Id"},
                    "Status": "Active"
                }
            },
            "telemetry": {
                "Type": "AWS::IoT::Policy",
                "Properties": {"PolicyName": "soil-sensor-telemetry"}
            },
            "own-shadow": {
                "Type": "AWS::IoT::Policy",
                "Properties": {
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Action": "iot:UpdateThingShadow",
                            "Resource": {"Fn::Sub":
                                "arn:aws:iot:eu-west-1:111122223333:thing/soil-${SerialNumber}"}
                        }]
                    }
                }
            }
        },
        "DeviceConfiguration": {
            "topic": {"Fn::Join": ["/", [
                {"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Ingest"]},
                {"Ref": "SerialNumber"}
            ]]},
            "zone": {"Fn::Select": [0, {"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Zones"]}]},
            "interval": 300
        }
    })
}

#[test]
fn fleet_template_gives_the_whole_plan() {
    let template = parse(soil_template()).unwrap();
    let parameters = merge_parameters(
        &params(&[("SerialNumber", "A17")]),
        &BTreeMap::new(),
        Some("c0ffee"),
    );
    let plan = evaluate(&template, &parameters).unwrap();

    let thing = plan.thing.as_ref().unwrap();
    assert_eq!(thing.logical_id, "sensor");
    assert_eq!(thing.name, "soil-A17");
    assert_eq!(
        thing.attributes,
        params(&[
            ("serial", "A17"),
            ("site", "greenhouse-1"),
            ("hardware", "3")
        ])
    );
    assert_eq!(thing.thing_type.as_deref(), Some("soil-sensor"));
    assert_eq!(thing.groups, ["soil-sensors", "greenhouse-1"]);
    assert_eq!(thing.billing_group.as_deref(), Some("sensors"));
    assert_eq!(
        thing.overrides,
        ThingOverrides {
            attribute_payload: Some(OverrideAction::Merge),
            thing_type_name: Some(OverrideAction::Replace),
            thing_groups: Some(OverrideAction::DoNothing),
        }
    );

    let certificate = plan.certificate.as_ref().unwrap();
    assert_eq!(certificate.certificate_id, "c0ffee");
    assert_eq!(certificate.status, CertificateStatus::Active);

    assert_eq!(plan.policies.len(), 2);
    assert_eq!(plan.policies[0].logical_id, "telemetry");
    assert_eq!(
        plan.policies[0].policy,
        Policy::Named("soil-sensor-telemetry".into())
    );
    let Policy::Document(document) = &plan.policies[1].policy else {
        panic!("expected a document: {:?}", plan.policies[1]);
    };
    let document: Value = serde_json::from_str(document).unwrap();
    assert_eq!(
        document["Statement"][0]["Resource"],
        "arn:aws:iot:eu-west-1:111122223333:thing/soil-A17"
    );

    assert_eq!(
        plan.device_configuration,
        params(&[
            ("topic", "soil/gh1/telemetry/A17"),
            ("zone", "north"),
            ("interval", "300")
        ])
    );
}

#[test]
fn supplied_parameters_win_over_defaults() {
    let template = parse(soil_template()).unwrap();
    let parameters = params(&[
        ("SerialNumber", "B2"),
        ("Site", "field-7"),
        ("AWS::IoT::Certificate::Id", "id"),
    ]);
    let plan = evaluate(&template, &parameters).unwrap();
    assert_eq!(plan.device_configuration["topic"], "soil/f7/telemetry/B2");
    assert_eq!(plan.device_configuration["zone"], "east");
    assert_eq!(plan.thing.unwrap().groups, ["soil-sensors", "field-7"]);
}

#[test]
fn missing_parameters_are_named_and_answered_with_invalid_parameters() {
    let template = parse(soil_template()).unwrap();
    let err = evaluate(&template, &BTreeMap::new()).unwrap_err();
    assert_eq!(
        err,
        TemplateError::MissingParameters {
            names: vec!["AWS::IoT::Certificate::Id".into(), "SerialNumber".into()]
        }
    );
    assert_eq!(err.error_code(), "InvalidParameters");
    assert_eq!(err.status_code(), 400);
    assert_eq!(err.kind(), ErrorKind::Parameters);
    assert_eq!(
        err.to_string(),
        "missing parameters: AWS::IoT::Certificate::Id, SerialNumber (declared without a \
         Default and not supplied)"
    );
}

#[test]
fn hook_overrides_replace_and_add_and_the_certificate_id_is_the_services() {
    let device = params(&[
        ("SerialNumber", "from-device"),
        ("AWS::IoT::Certificate::Id", "spoofed"),
    ]);
    let hook = params(&[("SerialNumber", "from-hook"), ("Site", "field-7")]);
    let merged = merge_parameters(&device, &hook, Some("real"));
    assert_eq!(
        merged,
        params(&[
            ("SerialNumber", "from-hook"),
            ("Site", "field-7"),
            ("AWS::IoT::Certificate::Id", "real")
        ])
    );

    // A hook can supply what the device left out.
    let template = parse(soil_template()).unwrap();
    let merged = merge_parameters(
        &BTreeMap::new(),
        &params(&[("SerialNumber", "H1")]),
        Some("id"),
    );
    let plan = evaluate(&template, &merged).unwrap();
    assert_eq!(plan.thing.unwrap().name, "soil-H1");
}

#[test]
fn undeclared_references_resolve_only_when_supplied() {
    let body = with_certificate(json!({
        "DeviceConfiguration": {"region": {"Ref": "AWS::Region"}, "id": {"Fn::Sub": "${Extra}"}}
    }));
    let template = parse(body).unwrap();
    assert_eq!(
        template
            .undeclared_references()
            .into_iter()
            .collect::<Vec<_>>(),
        ["AWS::Region", "Extra"]
    );
    let err = evaluate(
        &template,
        &params(&[("AWS::IoT::Certificate::Id", "c"), ("Extra", "x")]),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TemplateError::UnresolvedReference {
            at: "DeviceConfiguration.region".into(),
            name: "AWS::Region".into()
        }
    );
    assert_eq!(err.error_code(), "InvalidParameters");

    let plan = evaluate(
        &template,
        &params(&[
            ("AWS::IoT::Certificate::Id", "c"),
            ("Extra", "x"),
            ("AWS::Region", "eu-west-1"),
        ]),
    )
    .unwrap();
    assert_eq!(
        plan.device_configuration,
        params(&[("region", "eu-west-1"), ("id", "x")])
    );
}

#[test]
fn template_without_thing_or_device_configuration() {
    let template = parse(with_certificate(json!({}))).unwrap();
    let plan = evaluate(&template, &params(&[("AWS::IoT::Certificate::Id", "c")])).unwrap();
    assert_eq!(plan.thing, None);
    assert!(plan.policies.is_empty());
    assert!(plan.device_configuration.is_empty());
    assert_eq!(plan.certificate.unwrap().certificate_id, "c");
}

/// The error a body gives, as its one-line message.
pub(super) fn refusal(body: Value) -> String {
    let err = parse(body).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Template, "{err}");
    assert_eq!(err.error_code(), "InvalidRequestException");
    err.to_string()
}

#[test]
fn bodies_that_are_not_templates() {
    let long = format!(
        "{{\"Resources\": {{}}, \"x\": \"{}\"}}",
        "a".repeat(MAX_BODY_CHARS)
    );
    assert!(matches!(
        Template::parse(&long),
        Err(TemplateError::TooLarge { max: 10_240, .. })
    ));
    assert!(matches!(
        Template::parse("{\"Resources\": "),
        Err(TemplateError::NotJson(_))
    ));
    assert_eq!(
        refusal(json!([1])),
        "template: the body must be a JSON object"
    );
    assert_eq!(refusal(json!({})), "Resources: the section is missing");
    assert_eq!(
        refusal(json!({"Resources": {}, "Outputs": {}})),
        "Outputs: unknown section (a template has Parameters, Mappings, Resources or \
         DeviceConfiguration)"
    );
    assert_eq!(
        refusal(json!({"Resources": [], "Parameters": {}})),
        "Resources: the section must be an object"
    );
}

#[test]
fn parameters_are_strings_with_optional_defaults() {
    let template = parse(json!({
        "Parameters": {"A": {"Type": "String"}, "B": {"Type": "String", "Default": "b"}},
        "Resources": {}
    }))
    .unwrap();
    assert_eq!(
        template.parameters(),
        &BTreeMap::from([
            ("A".to_string(), None),
            ("B".to_string(), Some("b".to_string()))
        ])
    );
    assert_eq!(
        refusal(json!({"Parameters": {"N": {"Type": "Number"}}, "Resources": {}})),
        "Parameters.N: the Type is \"Number\"; provisioning template parameters are of Type String"
    );
    assert_eq!(
        refusal(
            json!({"Parameters": {"N": {"Type": "String", "AllowedValues": ["a"]}}, "Resources": {}})
        ),
        "Parameters.N: unknown key AllowedValues (a parameter has Type, Default and Description)"
    );
    assert_eq!(
        refusal(json!({"Parameters": {"N": {}}, "Resources": {}})),
        "Parameters.N: the parameter has no Type (String)"
    );
}

#[test]
fn mappings_hold_data_only() {
    assert_eq!(
        refusal(json!({
            "Mappings": {"M": {"k": {"v": {"Ref": "P"}}}},
            "Resources": {}
        })),
        "Mappings.M.k.v: Mappings cannot call intrinsic functions or refer to parameters"
    );
    assert_eq!(
        refusal(json!({"Mappings": {"M": {"k": "flat"}}, "Resources": {}})),
        "Mappings.M.k: a top-level key must map to an object"
    );
}

#[test]
fn error_families_answer_with_their_codes() {
    let conflict = TemplateError::Conflict {
        resource: "t".into(),
        property: "ThingGroups",
    };
    assert_eq!(conflict.error_code(), "ResourceConflictsException");
    assert_eq!(conflict.status_code(), 409);
    assert_eq!(
        conflict.to_string(),
        "Resources.t: the resource already exists and OverrideSettings.ThingGroups is FAIL"
    );
    let broken = TemplateError::NotJson("x".into());
    assert_eq!(broken.error_code(), "InvalidRequestException");
    assert_eq!(broken.status_code(), 400);
}
