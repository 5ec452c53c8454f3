use std::collections::BTreeMap;

use super::*;

const DEVICE_POLICY: &str = "iot-backend-DevicePolicy-X";
const CERT: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const OTHER_CERT: &str = "2222222222222222222222222222222222222222222222222222222222222222";

/// The template's device policy.
fn device_policy_document() -> String {
    r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"ConnectAsOwnThingOnly","Effect":"Allow","Action":"iot:Connect",
         "Resource":"arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}",
         "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
        {"Sid":"PublishOwnTelemetryOnly","Effect":"Allow","Action":"iot:Publish",
         "Resource":"arn:aws:iot:eu-west-1:123456789012:topic/device/${iot:Connection.Thing.ThingName}/devicePayload"}]}"#
        .to_owned()
}

fn shadow_policy_document() -> String {
    r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Shadows","Effect":"Allow","Action":"iot:Subscribe",
         "Resource":"arn:aws:iot:eu-west-1:123456789012:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"},
        {"Sid":"ShadowMessages","Effect":"Allow","Action":"iot:Receive",
         "Resource":"arn:aws:iot:eu-west-1:123456789012:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"}]}"#
        .to_owned()
}

fn policy(name: &str, document: &str) -> PolicyFacts {
    PolicyFacts {
        name: name.to_owned(),
        document: Some(document.to_owned()),
    }
}

fn cert(id: &str, status: &str, policies: Vec<PolicyFacts>) -> CertificateFacts {
    CertificateFacts {
        id: id.to_owned(),
        arn: format!("arn:aws:iot:eu-west-1:123456789012:cert/{id}"),
        status: Some(status.to_owned()),
        ca: None,
        subject: BTreeMap::from([("CommonName".to_owned(), "s1".to_owned())]),
        policies,
    }
}

/// A device as `thing create` makes it, with a shadow policy too: every check passes.
fn healthy() -> Facts {
    Facts {
        backend: Backend::Aws,
        stack_name: "iot-backend".into(),
        device_policy: Some(DEVICE_POLICY.into()),
        thing: "s1".into(),
        registered: Some(ThingFacts {
            thing_type: None,
            attributes: BTreeMap::from([("soilctl-stack".to_owned(), "iot-backend".to_owned())]),
        }),
        certificates: vec![cert(
            CERT,
            "ACTIVE",
            vec![
                policy(DEVICE_POLICY, &device_policy_document()),
                policy("shadows", &shadow_policy_document()),
            ],
        )],
        device_files: None,
        region: "eu-west-1".into(),
        account_id: "123456789012".into(),
    }
}

fn with_files(mut facts: Facts, id: &str, has_key: bool) -> Facts {
    facts.device_files = Some(DeviceFilesFacts {
        dir: "/devices/s1".into(),
        certificate_id: id.into(),
        certificate_arn: format!("arn:aws:iot:eu-west-1:123456789012:cert/{id}"),
        has_key,
    });
    facts
}

fn local(mut facts: Facts) -> Facts {
    facts.backend = Backend::Local;
    facts
}

fn first(report: &Report) -> &Check {
    report.first_failure().expect("a failure")
}

fn fix(report: &Report) -> &str {
    first(report).fix.as_deref().expect("a fix")
}

fn status_of(report: &Report, id: CheckId) -> Status {
    report.checks.iter().find(|c| c.check == id).unwrap().status
}

#[test]
fn a_healthy_device_passes_every_check() {
    let report = diagnose(&healthy());
    assert!(report.ok, "{report:#?}");
    assert_eq!(report.certificate.as_deref(), Some(CERT));
    assert_eq!(report.checks.len(), CheckId::ALL.len());
    assert!(report.checks.iter().all(|c| c.ok && c.fix.is_none()));
    let connect = &report.checks[5];
    assert_eq!(connect.check, CheckId::Connect);
    assert!(
        connect
            .detail
            .contains("client/s1 (client id s1): allowed by policy iot-backend-DevicePolicy-X, statement ConnectAsOwnThingOnly"),
        "{}",
        connect.detail
    );
    assert!(
        report.checks[6]
            .detail
            .contains("statement PublishOwnTelemetryOnly")
    );
    assert!(
        report.checks[7]
            .detail
            .contains("and 4 more: allowed by policy shadows")
    );
}

#[test]
fn the_report_serializes_as_documented() {
    let mut facts = healthy();
    facts.certificates[0].status = Some("INACTIVE".into());
    let json = serde_json::to_value(diagnose(&facts)).unwrap();
    assert_eq!(json["thing"], "s1");
    assert_eq!(json["ok"], false);
    assert_eq!(json["checks"][2]["check"], "certificate-active");
    assert_eq!(json["checks"][2]["ok"], false);
    assert_eq!(json["checks"][2]["status"], "failed");
    assert!(json["checks"][2]["fix"].is_string());
    assert_eq!(json["checks"][0]["fix"], serde_json::Value::Null);
    let names: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names, expected);
}

#[test]
fn a_missing_thing_is_created_and_nothing_else_is_checked() {
    let mut facts = healthy();
    facts.registered = None;
    facts.certificates.clear();
    let report = diagnose(&facts);
    assert!(!report.ok);
    assert_eq!(first(&report).check, CheckId::Thing);
    assert_eq!(
        fix(&report),
        "`soilctl thing create s1` creates it with a certificate and key"
    );
    assert!(
        report.checks[1..]
            .iter()
            .all(|c| c.status == Status::Skipped)
    );

    facts.device_policy = None;
    facts.stack_name = "field".into();
    let report = diagnose(&local(facts));
    assert!(
        fix(&report).starts_with(
            "deploy the stack first (`soilctl --local deploy --stack-name field --email ADDR`), then `soilctl --local thing create --stack-name field s1`"
        ),
        "{}",
        fix(&report)
    );
}

#[test]
fn a_thing_without_certificate_points_at_the_device_files() {
    let mut facts = healthy();
    facts.certificates.clear();
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::CertificateAttached);
    assert!(first(&report).detail.contains("no device files"));
    assert_eq!(
        fix(&report),
        "`soilctl thing create s1` makes it a certificate and key"
    );
    assert_eq!(status_of(&report, CheckId::Connect), Status::Skipped);

    let report = diagnose(&with_files(facts.clone(), CERT, true));
    assert!(
        first(&report).detail.contains(
            "certificate 111111111111… in your device files (/devices/s1) is not attached to it"
        ),
        "{}",
        first(&report).detail
    );
    assert!(fix(&report).starts_with("`soilctl thing create s1` repairs it"));
    assert!(fix(&report).contains(&format!(
        "`aws iot attach-thing-principal --thing-name s1 --principal arn:aws:iot:eu-west-1:123456789012:cert/{CERT}`"
    )));

    let report = diagnose(&local(with_files(facts, CERT, true)));
    assert!(!fix(&report).contains("aws iot"));
    assert!(fix(&report).starts_with("`soilctl --local thing create s1` repairs it"));
}

#[test]
fn an_unregistered_certificate_is_replaced() {
    let mut facts = healthy();
    facts.certificates[0].status = None;
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::CertificateActive);
    assert!(first(&report).detail.contains("not registered"));
    assert_eq!(
        fix(&report),
        "`soilctl thing delete s1` then `soilctl thing create s1` (a new certificate and key)"
    );
    assert_eq!(status_of(&report, CheckId::CaActive), Status::Skipped);
}

#[test]
fn an_inactive_certificate_is_activated() {
    let mut facts = healthy();
    facts.certificates[0].status = Some("INACTIVE".into());
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::CertificateActive);
    assert!(first(&report).detail.contains("is INACTIVE"));
    assert_eq!(
        fix(&report),
        format!("`aws iot update-certificate --certificate-id {CERT} --new-status ACTIVE`")
    );
    // The policies are still evaluated: they are fine.
    assert_eq!(status_of(&report, CheckId::Connect), Status::Passed);
    assert_eq!(status_of(&report, CheckId::ShadowReceive), Status::Passed);

    let report = diagnose(&with_files(facts.clone(), CERT, true));
    assert_eq!(
        fix(&report),
        "`soilctl thing create s1` makes it ACTIVE again"
    );
    // Files without the key, or of another certificate, cannot repair it.
    let report = diagnose(&local(with_files(facts.clone(), CERT, false)));
    assert!(fix(&report).starts_with("`soilctl --local thing delete s1` then"));
    let report = diagnose(&local(with_files(facts, OTHER_CERT, true)));
    assert!(fix(&report).starts_with("`soilctl --local thing delete s1` then"));
}

#[test]
fn a_revoked_certificate_is_replaced() {
    let mut facts = with_files(healthy(), CERT, true);
    facts.certificates[0].status = Some("REVOKED".into());
    let report = diagnose(&facts);
    assert!(first(&report).detail.contains("REVOKED"));
    assert!(fix(&report).starts_with("`soilctl thing delete s1` then `soilctl thing create s1`"));
}

#[test]
fn the_ca_must_be_active() {
    let mut facts = healthy();
    facts.certificates[0].ca = Some(CaFacts {
        id: "ca1".into(),
        status: Some("ACTIVE".into()),
    });
    let report = diagnose(&facts);
    assert!(report.ok);
    assert_eq!(report.checks[3].detail, "CA ca1 is ACTIVE");

    facts.certificates[0].ca.as_mut().unwrap().status = Some("INACTIVE".into());
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::CaActive);
    assert_eq!(
        first(&report).detail,
        "the certificate's CA ca1 is INACTIVE"
    );
    assert_eq!(
        fix(&report),
        "`soilctl ca register` registers it again and makes it ACTIVE"
    );

    facts.certificates[0].ca.as_mut().unwrap().status = None;
    let report = diagnose(&local(facts));
    assert!(first(&report).detail.contains("no longer registered"));
    assert!(fix(&report).starts_with("`soilctl --local ca register`"));
}

#[test]
fn a_certificate_without_policy_gets_the_device_policy() {
    let mut facts = healthy();
    facts.certificates[0].policies.clear();
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::PolicyAttached);
    assert!(first(&report).detail.contains("no policy attached"));
    assert_eq!(
        fix(&report),
        format!(
            "`aws iot attach-policy --policy-name {DEVICE_POLICY} --target arn:aws:iot:eu-west-1:123456789012:cert/{CERT}`"
        )
    );
    for id in [
        CheckId::Connect,
        CheckId::Publish,
        CheckId::ShadowSubscribe,
        CheckId::ShadowReceive,
    ] {
        assert_eq!(status_of(&report, id), Status::Skipped);
    }

    let report = diagnose(&local(with_files(facts.clone(), CERT, true)));
    assert_eq!(
        fix(&report),
        format!(
            "`soilctl --local thing create s1` attaches the stack's device policy {DEVICE_POLICY} again"
        )
    );

    facts.device_policy = None;
    let report = diagnose(&facts);
    assert!(fix(&report).starts_with("deploy the stack (`soilctl deploy --stack-name iot-backend"));
}

#[test]
fn policies_that_cannot_be_evaluated_are_named() {
    let mut facts = healthy();
    facts.certificates[0].policies = vec![
        PolicyFacts {
            name: "gone".into(),
            document: None,
        },
        policy("broken", "{"),
    ];
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::PolicyAttached);
    assert!(
        first(&report)
            .detail
            .contains("gone (its document could not be read)")
    );
    assert!(first(&report).detail.contains("broken (not valid JSON"));

    facts = healthy();
    facts.certificates[0].policies.push(policy("broken", "{"));
    let report = diagnose(&facts);
    assert!(report.ok);
    assert!(report.checks[4].detail.contains("not evaluated: broken"));
}

#[test]
fn the_template_policy_alone_does_not_allow_shadows() {
    let mut facts = healthy();
    facts.certificates[0].policies.truncate(1);
    let report = diagnose(&facts);
    assert!(!report.ok);
    assert_eq!(status_of(&report, CheckId::Connect), Status::Passed);
    assert_eq!(status_of(&report, CheckId::Publish), Status::Passed);
    assert_eq!(first(&report).check, CheckId::ShadowSubscribe);
    assert!(
        first(&report).detail.contains(
            "topicfilter/$aws/things/s1/shadow/update/delta (and 4 more): no statement allows it"
        ),
        "{}",
        first(&report).detail
    );
    assert!(fix(&report).starts_with(&format!(
        "the stack's device policy {DEVICE_POLICY} does not allow shadows"
    )));
    // Only the first failure carries a fix.
    let receive = report
        .checks
        .iter()
        .find(|c| c.check == CheckId::ShadowReceive)
        .unwrap();
    assert_eq!(receive.status, Status::Failed);
    assert_eq!(receive.fix, None);
}

#[test]
fn a_policy_for_another_client_id_denies_connect() {
    let mut facts = healthy();
    facts.certificates[0].policies = vec![policy(
        "other-client",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*",
            "Resource":["arn:aws:iot:eu-west-1:123456789012:client/other",
                        "arn:aws:iot:eu-west-1:123456789012:topic/*",
                        "arn:aws:iot:eu-west-1:123456789012:topicfilter/*"]}]}"#,
    )];
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::Connect);
    assert_eq!(
        first(&report).detail,
        "iot:Connect on client/s1 (client id s1): no statement allows it (policies: other-client): the server hangs up"
    );
    assert_eq!(
        fix(&report),
        format!(
            "`aws iot attach-policy --policy-name {DEVICE_POLICY} --target arn:aws:iot:eu-west-1:123456789012:cert/{CERT}`"
        )
    );
    assert_eq!(status_of(&report, CheckId::Publish), Status::Passed);
}

#[test]
fn an_explicit_deny_names_its_statement() {
    let mut facts = healthy();
    facts.certificates[0].policies.push(policy(
        "no-telemetry",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoTelemetry","Effect":"Deny",
            "Action":"iot:Publish","Resource":"arn:aws:iot:eu-west-1:123456789012:topic/device/*"}]}"#,
    ));
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::Publish);
    assert_eq!(
        first(&report).detail,
        "iot:Publish on topic/device/s1/devicePayload: denied explicitly by policy no-telemetry, statement NoTelemetry: the server hangs up"
    );
    assert_eq!(
        fix(&report),
        format!(
            "statement NoTelemetry of policy no-telemetry denies it: remove that statement, or detach the policy: `aws iot detach-policy --policy-name no-telemetry --target arn:aws:iot:eu-west-1:123456789012:cert/{CERT}`"
        )
    );
    let report = diagnose(&local(facts));
    assert!(fix(&report).ends_with("detach policy no-telemetry from certificate 111111111111…"));
}

#[test]
fn a_deny_in_the_device_policy_is_fixed_in_the_template() {
    let mut facts = healthy();
    facts.certificates[0].policies = vec![policy(
        DEVICE_POLICY,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Nothing","Effect":"Deny",
            "Action":"iot:*","Resource":"*"}]}"#,
    )];
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::Connect);
    assert!(fix(&report).contains("correct the template's DevicePolicy"));
    assert!(fix(&report).ends_with("(`soilctl deploy`)"));
}

#[test]
fn the_device_policy_not_allowing_connect_means_deploying_again() {
    let mut facts = healthy();
    facts.certificates[0].policies = vec![policy(
        DEVICE_POLICY,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}"#,
    )];
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::Connect);
    assert!(fix(&report).contains("does not allow it: deploy the built-in template again"));
}

#[test]
fn variables_resolve_as_at_connect_time() {
    let mut facts = healthy();
    facts
        .registered
        .as_mut()
        .unwrap()
        .attributes
        .insert("zone".into(), "north".into());
    facts.registered.as_mut().unwrap().thing_type = Some("sensor".into());
    facts.certificates[0].policies = vec![policy(
        "by-attribute",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:eu-west-1:123456789012:client/${iot:Certificate.Subject.CommonName}",
             "Condition":{"StringEquals":{"iot:Connection.Thing.ThingTypeName":"sensor"}}},
            {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:eu-west-1:123456789012:topic/device/${iot:ClientId}/*",
             "Condition":{"StringEquals":{"iot:Connection.Thing.Attributes[zone]":"north"}}},
            {"Effect":"Allow","Action":["iot:Subscribe","iot:Receive"],"Resource":"*"}]}"#,
    )];
    let report = diagnose(&facts);
    assert!(report.ok, "{report:#?}");

    facts
        .registered
        .as_mut()
        .unwrap()
        .attributes
        .insert("zone".into(), "south".into());
    let report = diagnose(&facts);
    assert_eq!(first(&report).check, CheckId::Publish);
}

#[test]
fn of_several_certificates_the_one_that_gets_furthest_is_shown() {
    let mut facts = healthy();
    let good = facts.certificates.remove(0);
    let mut inactive = good.clone();
    inactive.id = OTHER_CERT.into();
    inactive.status = Some("INACTIVE".into());
    facts.certificates = vec![inactive, good];
    let report = diagnose(&facts);
    assert!(report.ok);
    assert_eq!(report.certificate.as_deref(), Some(CERT));
    assert!(report.checks[1].detail.contains("2 certificates are"));

    // Equally good: the first one.
    facts.certificates[1].status = Some("INACTIVE".into());
    let report = diagnose(&facts);
    assert_eq!(report.certificate.as_deref(), Some(OTHER_CERT));
}

#[test]
fn device_files_of_another_certificate_are_noted() {
    let report = diagnose(&with_files(healthy(), OTHER_CERT, true));
    assert!(report.ok);
    assert!(report.checks[1].detail.contains(
        "your device files (/devices/s1) hold certificate 222222222222…, which is not attached"
    ));
}

#[test]
fn a_stack_name_other_than_the_default_is_in_the_fix() {
    let mut facts = healthy();
    facts.stack_name = "field".into();
    facts.certificates[0].status = Some("REVOKED".into());
    let report = diagnose(&local(facts));
    assert_eq!(
        fix(&report),
        "`soilctl --local thing delete --stack-name field s1` then `soilctl --local thing create --stack-name field s1` (a new certificate and key)"
    );
}

#[test]
fn topics_are_the_devices_own() {
    assert_eq!(telemetry_topic("s1"), "device/s1/devicePayload");
    let shadows = shadow_topics("s1");
    assert_eq!(shadows[0], "$aws/things/s1/shadow/update/delta");
    assert!(shadows.contains(&"$aws/things/s1/shadow/get/accepted".to_owned()));
}

#[test]
fn thing_names_with_colons_are_shown_whole() {
    let mut facts = healthy();
    facts.thing = "farm:s1".into();
    let report = diagnose(&facts);
    assert!(report.ok, "{report:#?}");
    assert!(
        report.checks[5]
            .detail
            .starts_with("iot:Connect on client/farm:s1 (client id farm:s1)"),
        "{}",
        report.checks[5].detail
    );
}
