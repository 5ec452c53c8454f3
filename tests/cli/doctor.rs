//! `soilctl doctor THING`: a healthy device and each broken setup, on the local backend
//! (broken through its registry) and against moto (broken through the SDK).

use serde_json::Value;
use soilctl::local::registry::{CertificateStatus, Registry};

use crate::local::{LocalUp, deployed, state_dir, wait_until};
use crate::support::*;

/// `doctor NAME --output json` with `--local` or not: the exit code and the report.
fn doctor(env: &Env, local: bool, name: &str) -> (i32, Value) {
    let mut args = vec!["--output", "json", "doctor", name];
    if local {
        args.insert(0, "--local");
    }
    let out = env.run(&args);
    assert!(
        matches!(out.code, 0 | 1),
        "exit {}:\n{}\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
    let json = out.json();
    assert_eq!(json["ok"], out.code == 0, "{json:#}");
    assert_eq!(json["thing"], name);
    (out.code, json)
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {report:#}"))
}

/// The first failed check: its name and fix.
fn first_failure(report: &Value) -> (String, String) {
    let failed = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "failed")
        .unwrap_or_else(|| panic!("nothing failed: {report:#}"));
    (
        failed["check"].as_str().unwrap().to_owned(),
        failed["fix"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Connect and publish pass; the shadow checks pass too, or fail only because the stack's
/// device policy does not allow shadows (the first failure, with that fix).
fn assert_healthy(code: i32, report: &Value) {
    for name in [
        "thing",
        "certificate-attached",
        "certificate-active",
        "ca-active",
        "policy-attached",
        "connect",
        "publish",
    ] {
        assert_eq!(check(report, name)["status"], "passed", "{report:#}");
    }
    if code != 0 {
        let (check, fix) = first_failure(report);
        assert_eq!(check, "shadow-subscribe", "{report:#}");
        assert!(fix.contains("does not allow shadows"), "{fix}");
    }
}

/// A local backend with the stack deployed and thing `s1` made by `thing create`.
fn local_device() -> (Env, Registry, String, String) {
    let env = Env::new(None);
    deployed(&env, &["s1"]);
    let registry = Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    let arn = registry.thing_principals("s1").unwrap().remove(0);
    let policy = registry.attached_policies(&arn).unwrap().remove(0).name;
    (env, registry, arn, policy)
}

fn id_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap()
}

#[test]
fn local_healthy_device() {
    let (env, _registry, arn, policy) = local_device();
    let (code, report) = doctor(&env, true, "s1");
    assert_healthy(code, &report);
    // The built-in device policy allows a device its own shadows: every check passes.
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["certificate"], id_of(&arn));
    let connect = check(&report, "connect")["detail"].as_str().unwrap();
    assert!(
        connect.contains(&format!(
            "allowed by policy {policy}, statement ConnectAsOwnThingOnly"
        )),
        "{connect}"
    );

    // The text checklist says the same.
    let out = env.run(&["--local", "doctor", "s1"]);
    assert_eq!(out.code, code);
    assert!(
        out.stdout.contains("✓ iot:Connect as the thing"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("✓ iot:Publish telemetry"),
        "{}",
        out.stdout
    );
}

#[test]
fn local_missing_thing_and_bad_input() {
    let (env, ..) = local_device();
    let (code, report) = doctor(&env, true, "s2");
    assert_eq!(code, 1);
    assert_eq!(
        first_failure(&report),
        (
            "thing".to_owned(),
            "`soilctl --local thing create s2` creates it with a certificate and key".to_owned()
        )
    );
    let out = env.run(&["--local", "doctor", "bad name"]).expect(2);
    assert!(out.error_line().contains("thing name"), "{}", out.stderr);
}

#[test]
fn local_inactive_certificate() {
    let (env, registry, arn, _) = local_device();
    registry
        .set_certificate_status(id_of(&arn), CertificateStatus::Inactive)
        .unwrap();
    let (code, report) = doctor(&env, true, "s1");
    assert_eq!(code, 1);
    assert_eq!(
        first_failure(&report),
        (
            "certificate-active".to_owned(),
            "`soilctl --local thing create s1` makes it ACTIVE again".to_owned()
        )
    );
    assert!(
        check(&report, "certificate-active")["detail"]
            .as_str()
            .unwrap()
            .contains("is INACTIVE")
    );
    // The fix works.
    env.run(&["--local", "thing", "create", "s1"]).expect(0);
    let (code, report) = doctor(&env, true, "s1");
    assert_healthy(code, &report);
}

#[test]
fn local_certificate_not_attached() {
    let (env, registry, arn, _) = local_device();
    registry.detach_thing_principal("s1", &arn).unwrap();
    let (code, report) = doctor(&env, true, "s1");
    assert_eq!(code, 1);
    let (name, fix) = first_failure(&report);
    assert_eq!(name, "certificate-attached");
    assert!(
        fix.starts_with("`soilctl --local thing create s1` repairs it"),
        "{fix}"
    );
    let detail = check(&report, "certificate-attached")["detail"]
        .as_str()
        .unwrap();
    assert!(
        detail.contains(&format!(
            "certificate {}… in your device files",
            &id_of(&arn)[..12]
        )),
        "{detail}"
    );
    assert!(detail.contains("is not attached to it"), "{detail}");
    assert_eq!(check(&report, "connect")["status"], "skipped");

    env.run(&["--local", "thing", "create", "s1"]).expect(0);
    let (code, report) = doctor(&env, true, "s1");
    assert_healthy(code, &report);
}

#[test]
fn local_no_policy() {
    let (env, registry, arn, policy) = local_device();
    registry.detach_policy(&policy, &arn).unwrap();
    let (code, report) = doctor(&env, true, "s1");
    assert_eq!(code, 1);
    assert_eq!(
        first_failure(&report),
        (
            "policy-attached".to_owned(),
            format!(
                "`soilctl --local thing create s1` attaches the stack's device policy {policy} again"
            )
        )
    );
    assert_eq!(check(&report, "publish")["status"], "skipped");

    env.run(&["--local", "thing", "create", "s1"]).expect(0);
    let (code, report) = doctor(&env, true, "s1");
    assert_healthy(code, &report);
}

#[test]
fn local_policy_for_another_client_id() {
    let (env, registry, arn, policy) = local_device();
    registry
        .create_policy(
            "other-client",
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:local:000000000000:client/other"},
                {"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:local:000000000000:topic/device/*"}]}"#,
        )
        .unwrap();
    registry.detach_policy(&policy, &arn).unwrap();
    registry.attach_policy("other-client", &arn).unwrap();
    let (code, report) = doctor(&env, true, "s1");
    assert_eq!(code, 1);
    let (name, fix) = first_failure(&report);
    assert_eq!(name, "connect");
    assert_eq!(
        fix,
        format!(
            "`soilctl --local thing create s1` attaches the stack's device policy {policy} again"
        )
    );
    assert_eq!(
        check(&report, "connect")["detail"],
        "iot:Connect on client/s1 (client id s1): no statement allows it (policies: other-client): the server hangs up"
    );
    assert_eq!(check(&report, "publish")["status"], "passed");
}

#[test]
fn local_policy_denying_the_topic() {
    let (env, registry, arn, _) = local_device();
    registry
        .create_policy(
            "no-telemetry",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoTelemetry","Effect":"Deny",
                "Action":"iot:Publish","Resource":"arn:aws:iot:local:000000000000:topic/device/*"}]}"#,
        )
        .unwrap();
    registry.attach_policy("no-telemetry", &arn).unwrap();
    let (code, report) = doctor(&env, true, "s1");
    assert_eq!(code, 1);
    let (name, fix) = first_failure(&report);
    assert_eq!(name, "publish");
    assert!(
        fix.starts_with("statement NoTelemetry of policy no-telemetry denies it"),
        "{fix}"
    );
    assert_eq!(
        check(&report, "publish")["detail"],
        "iot:Publish on topic/device/s1/devicePayload: denied explicitly by policy no-telemetry, statement NoTelemetry: the server hangs up"
    );
    assert_eq!(check(&report, "connect")["status"], "passed");
}

/// The running broker agrees with doctor: the device publishes when connect and publish
/// pass, and is refused when doctor says what stops it.
#[test]
fn local_broker_agrees_with_doctor() {
    let (env, registry, arn, _) = local_device();
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let msg = ["-q", "1", "-m", r#"{"humidity":40}"#];
    let (_, report) = doctor(&env, true, "s1");
    assert_eq!(check(&report, "publish")["status"], "passed");
    let out = mqtt.device_publish("s1", &msg);
    assert_eq!(out.code, 0, "{out:?}\n{}", up.log());

    registry
        .create_policy(
            "no-telemetry",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoTelemetry","Effect":"Deny",
                "Action":"iot:Publish","Resource":"arn:aws:iot:local:000000000000:topic/device/*"}]}"#,
        )
        .unwrap();
    registry.attach_policy("no-telemetry", &arn).unwrap();
    let (_, report) = doctor(&env, true, "s1");
    assert_eq!(first_failure(&report).0, "publish");
    let refused = wait_until("a refused publish", || {
        let out = mqtt.device_publish("s1", &msg);
        (out.code != 0).then_some(out)
    });
    assert!(
        refused.is_some(),
        "the broker still accepts it:\n{}",
        up.log()
    );
    up.wait_for_log("explicitly denied by policy no-telemetry (NoTelemetry)");
}

fn moto_device(moto: &Moto) -> (Env, String, String) {
    let env = Env::moto(moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let out = env
        .run(&["thing", "create", "s1", "--output", "json"])
        .expect(0);
    let json = out.json();
    let arn = json["things"][0]["certificateArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let policy = json["devicePolicy"].as_str().unwrap().to_owned();
    as_json_document(moto, &policy);
    (env, arn, policy)
}

/// moto's CloudFormation stores a policy's document as a Python dict literal, where AWS
/// returns the JSON: make the default version the same document as JSON.
fn as_json_document(moto: &Moto, policy: &str) {
    let c = moto.clients();
    block_on(async {
        let stored = soilctl::aws::iot::get_policy_document(&c.iot, policy)
            .await
            .unwrap()
            .unwrap();
        let json = stored.replace('\'', "\"");
        serde_json::from_str::<Value>(&json).expect("the device policy as JSON");
        c.iot
            .create_policy_version()
            .policy_name(policy)
            .policy_document(json)
            .set_as_default(true)
            .send()
            .await
            .unwrap();
    });
}

#[test]
fn aws_healthy_device() {
    let moto = Moto::start();
    let (env, arn, policy) = moto_device(&moto);
    let (code, report) = doctor(&env, false, "s1");
    assert_healthy(code, &report);
    assert_eq!(report["certificate"], id_of(&arn));
    let publish = check(&report, "publish")["detail"].as_str().unwrap();
    assert!(
        publish.contains(&format!(
            "allowed by policy {policy}, statement PublishOwnTelemetryOnly"
        )),
        "{publish}"
    );
}

#[test]
fn aws_inactive_certificate_and_no_policy() {
    let moto = Moto::start();
    let (env, arn, policy) = moto_device(&moto);
    let c = moto.clients();
    let id = id_of(&arn).to_owned();
    block_on(soilctl::aws::iot::set_certificate_active(
        &c.iot, &id, false,
    ))
    .unwrap();
    let (code, report) = doctor(&env, false, "s1");
    assert_eq!(code, 1);
    assert_eq!(
        first_failure(&report),
        (
            "certificate-active".to_owned(),
            "`soilctl thing create s1` makes it ACTIVE again".to_owned()
        )
    );

    // Without the device files, the aws CLI does it.
    std::fs::remove_dir_all(env.devices().join("s1")).unwrap();
    let (_, report) = doctor(&env, false, "s1");
    assert_eq!(
        first_failure(&report).1,
        format!("`aws iot update-certificate --certificate-id {id} --new-status ACTIVE`")
    );

    block_on(soilctl::aws::iot::set_certificate_active(&c.iot, &id, true)).unwrap();
    block_on(soilctl::aws::iot::detach_policy(&c.iot, &policy, &arn)).unwrap();
    let (code, report) = doctor(&env, false, "s1");
    assert_eq!(code, 1);
    assert_eq!(
        first_failure(&report),
        (
            "policy-attached".to_owned(),
            format!("`aws iot attach-policy --policy-name {policy} --target {arn}`")
        )
    );
}

#[test]
fn aws_certificate_not_attached() {
    let moto = Moto::start();
    let (env, arn, _) = moto_device(&moto);
    let c = moto.clients();
    block_on(soilctl::aws::iot::detach_thing_principal(
        &c.iot, "s1", &arn,
    ))
    .unwrap();
    let (code, report) = doctor(&env, false, "s1");
    assert_eq!(code, 1);
    let (name, fix) = first_failure(&report);
    assert_eq!(name, "certificate-attached");
    assert!(
        fix.starts_with("`soilctl thing create s1` repairs it"),
        "{fix}"
    );
    assert!(
        fix.contains(&format!(
            "`aws iot attach-thing-principal --thing-name s1 --principal {arn}`"
        )),
        "{fix}"
    );
}

#[test]
fn aws_bad_input_exits_2() {
    let mut env = Env::new(Some("http://127.0.0.1:9".into()));
    env.credentials = false;
    let out = env.run(&["doctor", "s1"]).expect(2);
    assert!(
        out.error_line().contains("no AWS credentials found"),
        "{}",
        out.stderr
    );
    let out = Env::new(Some("http://127.0.0.1:9".into()))
        .run(&["doctor", "s/1"])
        .expect(2);
    assert!(out.error_line().contains("thing name"), "{}", out.stderr);
}
