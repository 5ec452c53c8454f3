use std::collections::BTreeMap;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use serde_json::json;

use super::*;

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}}"#;

fn open() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open(&dir.path().join("state").join("registry.db")).unwrap();
    (dir, registry)
}

fn self_signed(common_name: &str, ca: bool) -> String {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params.self_signed(&key).unwrap().pem()
}

pub(super) fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) fn code<T: std::fmt::Debug>(result: Result<T>) -> &'static str {
    result.unwrap_err().code()
}

#[test]
fn opening_creates_the_schema_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("registry.db");
    let registry = Registry::open(&path).unwrap();
    assert_eq!(registry.path(), path);
    let start = registry.generation().unwrap();
    registry.create_thing("t", &BTreeMap::new()).unwrap();
    drop(registry);
    let again = Registry::open(&path).unwrap();
    assert!(again.thing("t").unwrap().is_some());
    assert_eq!(again.generation().unwrap(), start + 1);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    drop(Registry::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE meta SET value = 99 WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Registry::open(&path).unwrap_err();
    assert!(
        matches!(err, RegistryError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn things() {
    let (_dir, reg) = open();
    let made = reg
        .create_thing("soilSensor1", &attrs(&[("zone", "north")]))
        .unwrap();
    assert_eq!(made.arn, "arn:aws:iot:local:000000000000:thing/soilSensor1");
    assert_eq!(made.version, 1);
    assert_eq!(made.attributes, attrs(&[("zone", "north")]));
    // Same attributes: AWS returns the thing; other attributes: it already exists.
    assert_eq!(
        reg.create_thing("soilSensor1", &attrs(&[("zone", "north")]))
            .unwrap(),
        made
    );
    let err = reg
        .create_thing("soilSensor1", &BTreeMap::new())
        .unwrap_err();
    assert_eq!(err.code(), "ResourceAlreadyExistsException");
    assert_eq!(err.to_string(), "thing soilSensor1 already exists");
    assert_eq!(
        code(reg.create_thing("bad name", &BTreeMap::new())),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.create_thing("t", &attrs(&[("zone", "a b")]))),
        "InvalidRequestException"
    );

    reg.create_thing("a", &BTreeMap::new()).unwrap();
    let names: Vec<String> = reg.things().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["a", "soilSensor1"]);
    assert!(reg.thing("missing").unwrap().is_none());

    let updated = reg
        .update_thing_attributes("a", &attrs(&[("k", "v")]))
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(
        code(reg.update_thing_attributes("zz", &BTreeMap::new())),
        "ResourceNotFoundException"
    );

    reg.delete_thing("a").unwrap();
    assert!(reg.thing("a").unwrap().is_none());
    // AWS: deleting a thing that does not exist succeeds.
    reg.delete_thing("a").unwrap();
}

#[test]
fn certificates() {
    let (_dir, reg) = open();
    let pem = self_signed("soilSensor1", false);
    let cert = reg
        .add_certificate(&pem, CertificateStatus::Active, None)
        .unwrap();
    let der = pem_to_der(&pem).unwrap();
    assert_eq!(cert.id, certificate_id(&der));
    assert_eq!(
        cert.arn,
        format!("arn:aws:iot:local:000000000000:cert/{}", cert.id)
    );
    assert_eq!(cert.der().unwrap(), der);
    assert_eq!(cert.common_name().unwrap(), "soilSensor1");
    assert_eq!(reg.certificate(&cert.id).unwrap().unwrap(), cert);
    assert_eq!(reg.certificates().unwrap(), vec![cert.clone()]);
    assert_eq!(
        code(reg.add_certificate(&pem, CertificateStatus::Active, None)),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        code(reg.add_certificate("junk", CertificateStatus::Active, None)),
        "CertificateValidationException"
    );
    assert_eq!(
        code(reg.add_certificate(
            &self_signed("x", false),
            CertificateStatus::Active,
            Some("ab")
        )),
        "ResourceNotFoundException"
    );

    let err = reg.delete_certificate(&cert.id).unwrap_err();
    assert_eq!(err.code(), "CertificateStateException");
    assert!(err.to_string().contains("is ACTIVE"), "{err}");
    assert_eq!(
        code(reg.set_certificate_status(&cert.id, CertificateStatus::PendingActivation)),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.set_certificate_status("nope", CertificateStatus::Inactive)),
        "ResourceNotFoundException"
    );
    reg.set_certificate_status(&cert.id, CertificateStatus::Inactive)
        .unwrap();
    assert_eq!(
        reg.certificate(&cert.id).unwrap().unwrap().status,
        CertificateStatus::Inactive
    );

    reg.create_thing("soilSensor1", &BTreeMap::new()).unwrap();
    reg.create_policy("device", POLICY).unwrap();
    reg.attach_policy("device", &cert.arn).unwrap();
    reg.attach_thing_principal("soilSensor1", &cert.arn)
        .unwrap();
    let err = reg.delete_certificate(&cert.id).unwrap_err();
    assert_eq!(err.code(), "DeleteConflictException");
    assert!(
        err.to_string().contains("policies attached (device)"),
        "{err}"
    );
    reg.detach_policy("device", &cert.arn).unwrap();
    let err = reg.delete_certificate(&cert.id).unwrap_err();
    assert!(
        err.to_string().contains("attached to things (soilSensor1)"),
        "{err}"
    );
    reg.detach_thing_principal("soilSensor1", &cert.arn)
        .unwrap();
    reg.delete_certificate(&cert.id).unwrap();
    assert!(reg.certificate(&cert.id).unwrap().is_none());
    assert_eq!(
        code(reg.delete_certificate(&cert.id)),
        "ResourceNotFoundException"
    );
}

#[test]
fn revoked_stays_revoked() {
    let (_dir, reg) = open();
    let cert = reg
        .add_certificate(&self_signed("s", false), CertificateStatus::Active, None)
        .unwrap();
    reg.set_certificate_status(&cert.id, CertificateStatus::Revoked)
        .unwrap();
    assert_eq!(
        code(reg.set_certificate_status(&cert.id, CertificateStatus::Active)),
        "CertificateStateException"
    );
    reg.delete_certificate(&cert.id).unwrap();
}

#[test]
fn ca_certificates() {
    let (_dir, reg) = open();
    let pem = self_signed("Fleet CA", true);
    let ca = reg.add_ca(&pem, CaStatus::Active, false).unwrap();
    assert_eq!(
        ca.arn,
        format!("arn:aws:iot:local:000000000000:cacert/{}", ca.id)
    );
    assert_eq!(reg.ca(&ca.id).unwrap().unwrap(), ca);
    assert_eq!(reg.cas().unwrap(), vec![ca.clone()]);
    assert_eq!(
        code(reg.add_ca(&pem, CaStatus::Active, false)),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        code(reg.add_ca(&self_signed("leaf", false), CaStatus::Active, false)),
        "CertificateValidationException"
    );
    reg.set_ca_auto_registration(&ca.id, true).unwrap();
    assert!(reg.ca(&ca.id).unwrap().unwrap().auto_registration);

    let device = reg
        .add_certificate(
            &self_signed("d", false),
            CertificateStatus::Inactive,
            Some(&ca.id),
        )
        .unwrap();
    assert_eq!(device.ca_certificate_id.as_deref(), Some(ca.id.as_str()));

    assert_eq!(code(reg.delete_ca(&ca.id)), "CertificateStateException");
    reg.set_ca_status(&ca.id, CaStatus::Inactive).unwrap();
    assert_eq!(reg.ca(&ca.id).unwrap().unwrap().status, CaStatus::Inactive);
    assert_eq!(code(reg.delete_ca(&ca.id)), "DeleteConflictException");
    reg.delete_certificate(&device.id).unwrap();
    reg.delete_ca(&ca.id).unwrap();
    assert!(reg.ca(&ca.id).unwrap().is_none());
    assert_eq!(
        code(reg.set_ca_status(&ca.id, CaStatus::Active)),
        "ResourceNotFoundException"
    );
    assert_eq!(code(reg.delete_ca(&ca.id)), "ResourceNotFoundException");
}

#[test]
fn policies_and_attachments() {
    let (_dir, reg) = open();
    let made = reg.create_policy("device", POLICY).unwrap();
    assert_eq!(made.arn, "arn:aws:iot:local:000000000000:policy/device");
    assert_eq!(made.document, POLICY);
    assert_eq!(reg.policy("device").unwrap().unwrap(), made);
    assert_eq!(
        code(reg.create_policy("device", POLICY)),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        code(reg.create_policy("bad/name", POLICY)),
        "InvalidRequestException"
    );
    let err = reg
        .create_policy("broken", r#"{"Statement":[]}"#)
        .unwrap_err();
    assert_eq!(err.code(), "MalformedPolicyException");
    assert!(err.to_string().contains("empty array"), "{err}");
    reg.create_policy("admin", POLICY).unwrap();
    let allow_all = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}"#;
    reg.set_policy_document("admin", allow_all).unwrap();
    assert_eq!(reg.policy("admin").unwrap().unwrap().document, allow_all);
    assert_eq!(
        code(reg.set_policy_document("admin", "{}")),
        "MalformedPolicyException"
    );
    assert_eq!(
        code(reg.set_policy_document("nope", allow_all)),
        "ResourceNotFoundException"
    );
    let names: Vec<String> = reg
        .policies()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["admin", "device"]);

    let cert = reg
        .add_certificate(&self_signed("s", false), CertificateStatus::Active, None)
        .unwrap();
    reg.attach_policy("device", &cert.arn).unwrap();
    reg.attach_policy("device", &cert.arn).unwrap();
    reg.attach_policy("admin", &cert.arn).unwrap();
    let attached: Vec<String> = reg
        .attached_policies(&cert.arn)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(attached, ["device", "admin"]);
    assert_eq!(
        reg.policy_targets("device").unwrap(),
        vec![cert.arn.clone()]
    );

    assert_eq!(
        code(reg.attach_policy("missing", &cert.arn)),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.attach_policy("device", &certificate_arn(&"0".repeat(64)))),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.attach_policy("device", "arn:aws:iot:local:000000000000:thinggroup/g")),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.policy_targets("missing")),
        "ResourceNotFoundException"
    );

    let err = reg.delete_policy("device").unwrap_err();
    assert_eq!(err.code(), "DeleteConflictException");
    assert!(
        err.to_string().contains("attached to a certificate"),
        "{err}"
    );
    reg.detach_policy("device", &cert.arn).unwrap();
    reg.detach_policy("device", &cert.arn).unwrap();
    assert!(reg.policy_targets("device").unwrap().is_empty());
    reg.delete_policy("device").unwrap();
    assert!(reg.policy("device").unwrap().is_none());
    assert_eq!(
        code(reg.delete_policy("device")),
        "ResourceNotFoundException"
    );
}

#[test]
fn thing_principals() {
    let (_dir, reg) = open();
    reg.create_thing("soilSensor1", &BTreeMap::new()).unwrap();
    let cert = reg
        .add_certificate(&self_signed("s", false), CertificateStatus::Active, None)
        .unwrap();
    reg.attach_thing_principal("soilSensor1", &cert.arn)
        .unwrap();
    reg.attach_thing_principal("soilSensor1", &cert.arn)
        .unwrap();
    assert_eq!(
        reg.thing_principals("soilSensor1").unwrap(),
        vec![cert.arn.clone()]
    );
    assert_eq!(reg.principal_things(&cert.arn).unwrap(), ["soilSensor1"]);
    assert_eq!(
        code(reg.attach_thing_principal("missing", &cert.arn)),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.attach_thing_principal("soilSensor1", "not-an-arn")),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.thing_principals("missing")),
        "ResourceNotFoundException"
    );

    let err = reg.delete_thing("soilSensor1").unwrap_err();
    assert_eq!(err.code(), "DeleteConflictException");
    assert!(err.to_string().contains(&cert.arn), "{err}");
    reg.detach_thing_principal("soilSensor1", &cert.arn)
        .unwrap();
    assert!(reg.principal_things(&cert.arn).unwrap().is_empty());
    reg.delete_thing("soilSensor1").unwrap();
}

#[test]
fn topic_rules() {
    let (_dir, reg) = open();
    let payload = json!({"sql": "SELECT * FROM 'device/+/devicePayload'", "actions": []});
    let rule = reg.create_topic_rule("archive", &payload).unwrap();
    assert_eq!(rule.arn, "arn:aws:iot:local:000000000000:rule/archive");
    assert_eq!(rule.payload, payload);
    assert_eq!(reg.topic_rule("archive").unwrap().unwrap(), rule);
    assert_eq!(
        code(reg.create_topic_rule("archive", &payload)),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        code(reg.create_topic_rule("arch-ive", &payload)),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.create_topic_rule("other", &json!([1]))),
        "InvalidRequestException"
    );

    let replaced = json!({"sql": "SELECT 1 FROM 'x'", "actions": []});
    reg.replace_topic_rule("archive", &replaced).unwrap();
    assert_eq!(
        reg.topic_rule("archive").unwrap().unwrap().payload,
        replaced
    );
    assert_eq!(
        code(reg.replace_topic_rule("missing", &replaced)),
        "ResourceNotFoundException"
    );
    reg.create_topic_rule("alert", &payload).unwrap();
    let names: Vec<String> = reg
        .topic_rules()
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["alert", "archive"]);
    reg.delete_topic_rule("archive").unwrap();
    assert!(reg.topic_rule("archive").unwrap().is_none());
    assert_eq!(
        code(reg.delete_topic_rule("archive")),
        "ResourceNotFoundException"
    );
}

#[test]
fn stacks() {
    let (_dir, reg) = open();
    let mut stack = StackRecord {
        name: "soil-backend".into(),
        stack_id: "arn:aws:cloudformation:local:000000000000:stack/soil-backend/1".into(),
        status: "CREATE_COMPLETE".into(),
        template_body: "Resources: {}".into(),
        parameters: attrs(&[("AlertThreshold", "30")]),
        outputs: attrs(&[("DevicePolicyName", "p")]),
        resources: vec![StackResource {
            logical_id: "DevicePolicy".into(),
            resource_type: "AWS::IoT::Policy".into(),
            physical_id: "p".into(),
            properties: json!({"PolicyDocument": {}}),
        }],
        created_ms: 1,
        updated_ms: 1,
    };
    reg.put_stack(&stack).unwrap();
    assert_eq!(reg.stack("soil-backend").unwrap().unwrap(), stack);
    stack.status = "UPDATE_COMPLETE".into();
    reg.put_stack(&stack).unwrap();
    assert_eq!(reg.stacks().unwrap(), [stack.clone()]);
    stack.name = "1bad".into();
    assert_eq!(code(reg.put_stack(&stack)), "InvalidRequestException");
    reg.delete_stack("soil-backend").unwrap();
    assert!(reg.stack("soil-backend").unwrap().is_none());
    assert_eq!(
        code(reg.delete_stack("soil-backend")),
        "ResourceNotFoundException"
    );
}

#[test]
fn a_failed_write_changes_nothing() {
    let (_dir, reg) = open();
    let before = reg.generation().unwrap();
    assert!(reg.delete_policy("missing").is_err());
    assert_eq!(reg.generation().unwrap(), before);
}

#[test]
fn contents_are_one_consistent_read() {
    let (_dir, reg) = open();
    reg.create_thing("t", &attrs(&[("k", "v")])).unwrap();
    let cert = reg
        .add_certificate(&self_signed("s", false), CertificateStatus::Active, None)
        .unwrap();
    reg.create_policy("p", POLICY).unwrap();
    reg.attach_policy("p", &cert.arn).unwrap();
    reg.attach_thing_principal("t", &cert.arn).unwrap();
    reg.add_ca(&self_signed("ca", true), CaStatus::Inactive, false)
        .unwrap();
    let contents = reg.contents().unwrap();
    assert_eq!(contents.generation, reg.generation().unwrap());
    assert_eq!(contents.things.len(), 1);
    assert_eq!(contents.certificates, vec![cert.clone()]);
    assert_eq!(contents.cas.len(), 1);
    assert_eq!(contents.policies.len(), 1);
    assert_eq!(
        contents.policy_attachments,
        [("p".to_string(), cert.id.clone())]
    );
    assert_eq!(
        contents.thing_principals,
        [("t".to_string(), cert.id.clone())]
    );
}

#[test]
fn a_second_handle_sees_changes_and_a_new_generation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let writer = Registry::open(&path).unwrap();
    let reader = Registry::open(&path).unwrap();
    let before = reader.generation().unwrap();
    assert!(reader.thing("soilSensor1").unwrap().is_none());
    writer
        .create_thing("soilSensor1", &BTreeMap::new())
        .unwrap();
    assert_ne!(reader.generation().unwrap(), before);
    assert!(reader.thing("soilSensor1").unwrap().is_some());
}

#[test]
fn concurrent_writers_wait_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let shared = Arc::new(Registry::open(&path).unwrap());
    let mut handles = Vec::new();
    for worker in 0..4 {
        let path = path.clone();
        let shared = Arc::clone(&shared);
        handles.push(std::thread::spawn(move || {
            // Half the threads share one handle, half open their own, as processes do.
            let own = Registry::open(&path).unwrap();
            let reg = if worker % 2 == 0 { &*shared } else { &own };
            for i in 0..25 {
                reg.create_thing(&format!("w{worker}-{i}"), &BTreeMap::new())
                    .unwrap();
                reg.generation().unwrap();
                reg.things().unwrap();
            }
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(shared.things().unwrap().len(), 100);
}

#[test]
fn concurrent_first_opens_agree_on_one_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let reg = Registry::open(&path).unwrap();
                reg.create_thing(&format!("t{i}"), &BTreeMap::new())
                    .unwrap();
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(Registry::open(&path).unwrap().things().unwrap().len(), 4);
}

#[test]
fn an_ownership_token_works_once_before_it_expires_and_unclaimed_certificates_are_listed() {
    let (_dir, r) = open();
    let pending = r
        .add_certificate(
            &self_signed("a", false),
            CertificateStatus::PendingActivation,
            None,
        )
        .unwrap();
    let claimed = r
        .add_certificate(
            &self_signed("b", false),
            CertificateStatus::PendingActivation,
            None,
        )
        .unwrap();
    r.add_ownership_token("t-pending", &pending.id, 1_000)
        .unwrap();
    r.add_ownership_token("t-claimed", &claimed.id, 1_000)
        .unwrap();
    assert_eq!(
        r.take_ownership_token("t-pending", 1_000).unwrap(),
        Ownership::Expired
    );
    assert_eq!(
        r.take_ownership_token("t-claimed", 999).unwrap(),
        Ownership::Certificate(claimed.id.clone())
    );
    assert_eq!(
        r.take_ownership_token("t-claimed", 999).unwrap(),
        Ownership::Unknown
    );
    assert_eq!(
        r.take_ownership_token("nope", 0).unwrap(),
        Ownership::Unknown
    );
    // Only the certificate whose token ran out unused, still pending and unattached, is
    // listed; an attached one is kept. Before anything expires nothing is written (a write
    // would make a running backend reload).
    let generation = r.generation().unwrap();
    assert_eq!(
        r.expired_unclaimed_certificates(999).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(r.generation().unwrap(), generation);
    assert_eq!(
        r.expired_unclaimed_certificates(1_000).unwrap(),
        vec![pending.id.clone()]
    );
    let kept = r
        .add_certificate(
            &self_signed("c", false),
            CertificateStatus::PendingActivation,
            None,
        )
        .unwrap();
    r.add_ownership_token("t-kept", &kept.id, 1_000).unwrap();
    r.create_policy("p", POLICY).unwrap();
    r.attach_policy("p", &kept.arn).unwrap();
    assert_eq!(
        r.expired_unclaimed_certificates(2_000).unwrap(),
        Vec::<String>::new()
    );
}
