//! Just-in-time registration end to end on the local backend, with the template's JITR rule
//! and function doing the activation: the user's CA registered, devices with certificates
//! issued here, Debian's mosquitto_pub (and `simulate --jitr`) as the devices, and teardown.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use soilctl::local::registry::{CertificateStatus, Registry};

use crate::local::{LocalUp, objects, state_dir, wait_until};
use crate::support::{Env, Output};

/// A stack with the JITR part on, the user's CA in `<env>/ca` registered with the backend.
fn jitr_backend(env: &Env) -> (PathBuf, String) {
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
            "--jitr",
        ])
        .expect(0);
    let bucket = out.json()["outputs"]["ArchiveBucketName"]
        .as_str()
        .unwrap()
        .to_string();
    let ca = env.path("ca");
    let ca_arg = ca.display().to_string();
    env.run(&["ca", "create", "--out", &ca_arg]).expect(0);
    let registered = env
        .run(&[
            "--local", "--output", "json", "ca", "register", "--ca", &ca_arg,
        ])
        .expect(0);
    let id = registered.json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();
    (state_dir(env).join("buckets").join(bucket), id)
}

fn issue(env: &Env, name: &str, ca: &Path) -> PathBuf {
    env.run(&[
        "--local",
        "device-cert",
        "issue",
        name,
        "--ca",
        &ca.display().to_string(),
    ])
    .expect(0);
    env.devices().join(name)
}

fn registry(env: &Env) -> Registry {
    Registry::open(&state_dir(env).join("registry.db")).unwrap()
}

/// Publishes as the device until the broker lets it in (bounded); returns every attempt.
fn publish_until_in(up: &LocalUp, env: &Env, name: &str, body: &str) -> Vec<Output> {
    let mqtt = up.mqtt(env);
    let topic = format!("device/{name}/devicePayload");
    let mut attempts = Vec::new();
    let dir = env.devices().join(name);
    wait_until("the device to get in", || {
        let out = mqtt.publish(&dir, name, &topic, &["-q", "1", "-m", body]);
        let done = out.code == 0;
        attempts.push(out);
        if !done {
            std::thread::sleep(Duration::from_millis(100));
        }
        done.then_some(())
    })
    .unwrap_or_else(|| panic!("{name} never got in: {attempts:?}\n{}", up.log()));
    attempts
}

#[test]
fn the_first_connection_registers_the_device_and_a_retry_gets_in() {
    let env = Env::new(None);
    let (bucket, ca_id) = jitr_backend(&env);
    let dir = issue(&env, "sensor-j1", &env.path("ca"));
    let up = LocalUp::start(&env);

    let body = r#"{"name":"sensor-j1","humidity":21}"#;
    let attempts = publish_until_in(&up, &env, "sensor-j1", body);
    assert!(
        attempts.len() >= 2,
        "the first connection is refused: {attempts:?}"
    );
    assert_ne!(attempts[0].code, 0);
    up.wait_for_log("registered as PENDING_ACTIVATION (just-in-time registration)");
    up.wait_for_log("JitrRule_");

    // The template's function made the thing, activated the certificate, attached the policy.
    let show = env
        .run(&["--local", "--output", "json", "thing", "show", "sensor-j1"])
        .expect(0)
        .json();
    let cert = &show["certificates"][0];
    assert_eq!(cert["status"], "ACTIVE", "{show}");
    assert_eq!(cert["policies"].as_array().unwrap().len(), 1, "{show}");
    let files: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("device.json")).unwrap()).unwrap();
    assert_eq!(cert["id"], files["certificateId"], "{show}");
    let record = registry(&env)
        .certificate(files["certificateId"].as_str().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record.ca_certificate_id.as_deref(), Some(ca_id.as_str()));

    // The message that got in is archived with its exact body, and alerted (21 < 35).
    let found = crate::local::wait_objects(&bucket, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.starts_with("sensor-j1/"));
    assert_eq!(found[0].1, body.as_bytes());

    // Revoked after registration: refused from then on.
    let registry = registry(&env);
    registry
        .set_certificate_status(&record.id, CertificateStatus::Revoked)
        .unwrap();
    let wanted = registry.generation().unwrap();
    wait_until("the backend to reload", || {
        let text = std::fs::read_to_string(state_dir(&env).join("broker.json")).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        (v["generation"].as_u64()? >= wanted).then_some(())
    })
    .expect("the backend reloads the registry");
    let out = up.mqtt(&env).publish(
        &dir,
        "sensor-j1",
        "device/sensor-j1/devicePayload",
        &["-q", "1", "-m", body],
    );
    assert_ne!(out.code, 0, "a revoked certificate gets in: {out:?}");
    assert_eq!(objects(&bucket).len(), 1);
}

#[test]
fn a_certificate_from_an_unregistered_ca_never_gets_in() {
    let env = Env::new(None);
    let (bucket, _) = jitr_backend(&env);
    let other = env.path("other-ca");
    env.run(&["ca", "create", "--out", &other.display().to_string()])
        .expect(0);
    let dir = issue(&env, "sensor-x", &other);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    for _ in 0..3 {
        let out = mqtt.publish(
            &dir,
            "sensor-x",
            "device/sensor-x/devicePayload",
            &["-q", "1", "-m", r#"{"humidity":10}"#],
        );
        assert_ne!(out.code, 0, "{out:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
    up.wait_for_log("unknown CA");
    let files: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("device.json")).unwrap()).unwrap();
    assert!(
        registry(&env)
            .certificate(files["certificateId"].as_str().unwrap())
            .unwrap()
            .is_none(),
        "nothing was registered"
    );
    assert!(!up.log().contains("(just-in-time registration)"));
    assert_eq!(objects(&bucket).len(), 0);
    env.run(&["--local", "thing", "show", "sensor-x"]).expect(1);
}

#[test]
fn simulate_jitr_registers_each_device_then_teardown_leaves_nothing() {
    let env = Env::new(None);
    let (bucket, ca_id) = jitr_backend(&env);
    let ca = env.path("ca").display().to_string();
    let up = LocalUp::start(&env);
    let out = env.run(&[
        "--local",
        "--output",
        "json",
        "simulate",
        "--jitr",
        "--ca",
        &ca,
        "--devices",
        "3",
        "--count",
        "2",
        "--interval",
        "100ms",
    ]);
    let summary = out.clone().expect(0).json();
    assert_eq!(summary["sent"], 6, "{summary}");
    assert_eq!(summary["acknowledged"], 6, "{summary}");
    assert_eq!(
        summary["reconnects"], 3,
        "each device got in on a retry: {summary}"
    );
    assert!(
        out.stderr.contains("being registered just in time"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("registered just in time and connected"),
        "{}",
        out.stderr
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(objects(&bucket).len(), 6);
    let listed = env
        .run(&["--local", "--output", "json", "thing", "list"])
        .expect(0)
        .json();
    assert_eq!(listed["things"].as_array().unwrap().len(), 3, "{listed}");

    let out = env.run(&[
        "--local", "--output", "json", "teardown", "--yes", "--ca", &ca,
    ]);
    let result = out.clone().expect(0).json();
    assert!(
        out.stderr
            .contains(&format!("deleted CA certificate {ca_id}")),
        "{}",
        out.stderr
    );
    assert_eq!(
        result["certificatesDeleted"].as_array().unwrap().len(),
        3,
        "{result}"
    );
    let reg = registry(&env);
    assert!(reg.ca(&ca_id).unwrap().is_none());
    assert!(
        reg.certificates()
            .unwrap()
            .iter()
            .all(|c| c.ca_certificate_id.is_none())
    );
    let listed = env
        .run(&["--local", "--output", "json", "ca", "list"])
        .expect(0)
        .json();
    assert_eq!(listed["cas"].as_array().unwrap().len(), 0, "{listed}");
    let recorded = std::fs::read_to_string(env.path("ca").join("registered.json")).unwrap();
    assert_eq!(recorded.trim(), "[]");
    for n in 1..=3 {
        assert!(!env.devices().join(format!("soilSensor{n}")).exists());
    }
}

#[test]
fn on_aws_teardown_deactivates_and_deletes_the_registered_ca() {
    let moto = crate::support::Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com", "--jitr"])
        .expect(0);
    let ca = env.path("ca");
    let ca_arg = ca.display().to_string();
    env.run(&["ca", "create", "--out", &ca_arg]).expect(0);
    let id = env
        .run(&["--output", "json", "ca", "register", "--ca", &ca_arg])
        .expect(0)
        .json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();

    let plan = env
        .run(&["teardown", "--dry-run", "--ca", &ca_arg])
        .expect(0);
    assert!(
        plan.stdout
            .contains(&format!("deactivate and delete CA certificate {id}"))
            || plan
                .stderr
                .contains(&format!("deactivate and delete CA certificate {id}")),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let out = env.run(&["teardown", "--yes", "--ca", &ca_arg]);
    let out = out.expect(0);
    assert!(
        out.stderr.contains(&format!("deleted CA certificate {id}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("gone  CA certificate {id}")),
        "{}",
        out.stderr
    );
    let recorded = std::fs::read_to_string(ca.join("registered.json")).unwrap();
    assert_eq!(recorded.trim(), "[]");
    let clients = crate::support::clients_for(&moto.url());
    let described = crate::support::block_on(
        clients
            .iot
            .describe_ca_certificate()
            .certificate_id(&id)
            .send(),
    );
    assert!(
        described.is_err(),
        "the CA is still registered: {described:?}"
    );
}
