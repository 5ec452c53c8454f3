//! `soilctl thing create | list | show | delete` against moto.

use std::os::unix::fs::PermissionsExt;

use crate::support::*;

fn deployed(moto: &Moto) -> Env {
    let env = Env::moto(moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    env
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn create_makes_each_thing_its_own_identity() {
    let moto = Moto::start();
    let env = deployed(&moto);
    let out = env
        .run(&["thing", "create", "--count", "3", "--output", "json"])
        .expect(0);
    let json = out.json();
    let things = json["things"].as_array().unwrap();
    assert_eq!(things.len(), 3);
    let policy = json["devicePolicy"].as_str().unwrap().to_string();
    let c = moto.clients();
    let mut cert_ids = std::collections::HashSet::new();
    for (i, t) in things.iter().enumerate() {
        let name = format!("soilSensor{}", i + 1);
        assert_eq!(t["name"], name.as_str());
        assert_eq!(t["status"], "created");
        let cert_id = t["certificateId"].as_str().unwrap().to_string();
        assert!(
            cert_ids.insert(cert_id.clone()),
            "certificates must not be shared"
        );
        let dir = env.devices().join(&name);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("private.pem.key")), 0o600);
        let key = std::fs::read_to_string(dir.join("private.pem.key")).unwrap();
        assert!(key.contains("BEGIN PRIVATE KEY"));
        assert!(
            std::fs::read_to_string(dir.join("certificate.pem.crt"))
                .unwrap()
                .contains("BEGIN CERTIFICATE")
        );
        assert!(
            std::fs::read_to_string(dir.join("AmazonRootCA1.pem"))
                .unwrap()
                .contains("BEGIN CERTIFICATE")
        );
        let endpoint = std::fs::read_to_string(dir.join("endpoint.txt")).unwrap();
        assert!(endpoint.trim().contains("iot"), "{endpoint}");
        let device: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("device.json")).unwrap())
                .unwrap();
        assert_eq!(device["clientId"], name.as_str());
        assert_eq!(device["topic"], format!("device/{name}/devicePayload"));
        block_on(async {
            let thing = soilctl::aws::iot::describe_thing(&c.iot, &name)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(thing.attributes["soilctl-stack"], "iot-backend");
            let principals = soilctl::aws::iot::list_thing_principals(&c.iot, &name)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(principals.len(), 1);
            assert!(principals[0].ends_with(&cert_id));
            let policies = soilctl::aws::iot::list_attached_policies(&c.iot, &principals[0])
                .await
                .unwrap();
            assert_eq!(policies, vec![policy.clone()]);
            let cert = soilctl::aws::iot::describe_certificate(&c.iot, &cert_id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(cert.status, "ACTIVE");
        });
    }
}

#[test]
fn a_rerun_reuses_and_never_replaces() {
    let moto = Moto::start();
    let env = deployed(&moto);
    let first = env
        .run(&[
            "thing",
            "create",
            "soilSensor1",
            "soilSensor2",
            "--output",
            "json",
        ])
        .expect(0)
        .json();
    let key_before = std::fs::read(env.devices().join("soilSensor1/private.pem.key")).unwrap();
    let second = env
        .run(&[
            "thing",
            "create",
            "soilSensor1",
            "soilSensor2",
            "soilSensor3",
            "--output",
            "json",
        ])
        .expect(0)
        .json();
    let statuses: Vec<&str> = second["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["reused", "reused", "created"]);
    assert_eq!(
        first["things"][0]["certificateId"],
        second["things"][0]["certificateId"]
    );
    assert_eq!(
        std::fs::read(env.devices().join("soilSensor1/private.pem.key")).unwrap(),
        key_before
    );
    let c = moto.clients();
    let certs = block_on(async {
        c.iot
            .list_certificates()
            .send()
            .await
            .unwrap()
            .certificates()
            .len()
    });
    assert_eq!(
        certs, 3,
        "a rerun must not make new certificates for existing things"
    );
}

#[test]
fn a_rerun_finishes_a_thing_left_half_made() {
    let moto = Moto::start();
    let env = deployed(&moto);
    env.run(&["thing", "create", "soilSensor1"]).expect(0);
    // As if the first run had stopped before the policy was attached and the certificate
    // activated.
    let c = moto.clients();
    let device: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(env.devices().join("soilSensor1/device.json")).unwrap(),
    )
    .unwrap();
    let arn = device["certificateArn"].as_str().unwrap().to_string();
    let id = device["certificateId"].as_str().unwrap().to_string();
    block_on(async {
        let policies = soilctl::aws::iot::list_attached_policies(&c.iot, &arn)
            .await
            .unwrap();
        soilctl::aws::iot::detach_policy(&c.iot, &policies[0], &arn)
            .await
            .unwrap();
        soilctl::aws::iot::set_certificate_active(&c.iot, &id, false)
            .await
            .unwrap();
    });
    let out = env
        .run(&["thing", "create", "soilSensor1", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(out["things"][0]["status"], "resumed");
    block_on(async {
        assert_eq!(
            soilctl::aws::iot::list_attached_policies(&c.iot, &arn)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            soilctl::aws::iot::describe_certificate(&c.iot, &id)
                .await
                .unwrap()
                .unwrap()
                .status,
            "ACTIVE"
        );
    });
}

#[test]
fn a_thing_made_by_someone_else_is_left_alone() {
    let moto = Moto::start();
    let env = deployed(&moto);
    let c = moto.clients();
    block_on(async {
        c.iot
            .create_thing()
            .thing_name("theirs")
            .send()
            .await
            .unwrap()
    });
    let out = env.run(&["thing", "create", "theirs"]).expect(1);
    assert!(
        out.stderr.contains("not managed by stack iot-backend"),
        "{}",
        out.stderr
    );
    let thing = block_on(async {
        soilctl::aws::iot::describe_thing(&c.iot, "theirs")
            .await
            .unwrap()
            .unwrap()
    });
    assert!(thing.attributes.is_empty(), "the thing must not be changed");
    env.run(&["thing", "delete", "theirs"]).expect(1);
    assert!(
        block_on(async {
            soilctl::aws::iot::describe_thing(&c.iot, "theirs")
                .await
                .unwrap()
        })
        .is_some()
    );
}

#[test]
fn the_private_key_is_never_sent() {
    let moto = Moto::start();
    deployed(&moto);
    let proxy = RecordingProxy::start(moto.port);
    let env = Env::new(Some(format!("http://127.0.0.1:{}", proxy.port)));
    env.run(&["thing", "create", "soilSensor1", "soilSensor2"])
        .expect(0);
    let sent = String::from_utf8_lossy(&proxy.recorded()).replace("\\n", "\n");
    for name in ["soilSensor1", "soilSensor2"] {
        let key =
            std::fs::read_to_string(env.devices().join(name).join("private.pem.key")).unwrap();
        let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!body.is_empty());
        for line in &body {
            assert!(
                !sent.contains(line),
                "a line of {name}'s private key was sent"
            );
        }
        assert!(
            !sent.contains(&body.concat()),
            "{name}'s private key was sent"
        );
    }
    // The proxy did see the requests: the certificate requests went through it.
    assert!(
        sent.contains("BEGIN CERTIFICATE REQUEST"),
        "the proxy recorded no CSR"
    );
    assert!(sent.contains("soilSensor2"));
}

#[test]
fn list_show_and_delete() {
    let moto = Moto::start();
    let env = deployed(&moto);
    env.run(&["thing", "create", "--count", "2"]).expect(0);
    let list = env
        .run(&["thing", "list", "--output", "json"])
        .expect(0)
        .json();
    let names: Vec<&str> = list["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["soilSensor1", "soilSensor2"]);
    let text = env.run(&["thing", "list"]).expect(0);
    assert!(text.stdout.starts_with("THING"), "{}", text.stdout);
    let show = env
        .run(&["thing", "show", "soilSensor2", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(show["certificates"][0]["status"], "ACTIVE");
    let cert = show["certificates"][0]["id"].as_str().unwrap().to_string();

    let deleted = env
        .run(&["thing", "delete", "soilSensor2", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(deleted["things"][0]["status"], "deleted");
    assert_eq!(deleted["things"][0]["certificates"][0], cert.as_str());
    assert!(
        !env.devices().join("soilSensor2").exists(),
        "the deleted device's files must go too"
    );
    let c = moto.clients();
    block_on(async {
        assert!(
            soilctl::aws::iot::describe_thing(&c.iot, "soilSensor2")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            soilctl::aws::iot::describe_certificate(&c.iot, &cert)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            soilctl::aws::iot::describe_thing(&c.iot, "soilSensor1")
                .await
                .unwrap()
                .is_some()
        );
    });
    let again = env
        .run(&["thing", "delete", "soilSensor2", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(again["things"][0]["status"], "already gone");
    env.run(&["thing", "show", "soilSensor2"]).expect(1);
}

#[test]
fn things_need_a_deployed_stack() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env.run(&["thing", "create", "soilSensor1"]).expect(1);
    assert!(
        out.error_line().contains("soilctl deploy"),
        "{}",
        out.stderr
    );
}
