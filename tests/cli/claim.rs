//! Fleet provisioning by claim on the local backend: the AWS IoT Device SDK v2 for Python as a
//! factory-fresh device (its iotidentity client), and a simulated fleet on-boarded by claim.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::local::{LocalUp, alerts, objects, state_dir, wait_until};
use crate::support::{Env, venv_bin};

/// The stack with fleet provisioning on; the archive bucket's folder.
fn deployed_with_claims(env: &Env) -> std::path::PathBuf {
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
            "--fleet-provisioning",
        ])
        .expect(0)
        .json();
    assert_eq!(
        out["outputs"]["ProvisioningTemplateName"], "iot-backend-claim",
        "{out}"
    );
    let bucket = out["outputs"]["ArchiveBucketName"].as_str().unwrap();
    state_dir(env).join("buckets").join(bucket)
}

fn claim_dir(env: &Env) -> std::path::PathBuf {
    env.devices().join("claims/default")
}

#[test]
fn the_aws_iot_device_sdk_is_onboarded_by_claim_and_the_claim_may_do_nothing_else() {
    let env = Env::new(None);
    let archive = deployed_with_claims(&env);
    env.run(&["--local", "claim", "create"]).expect(0);
    let dir = claim_dir(&env);
    let mode = |p: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&dir.join("private.pem.key")), 0o600);
    env.run(&["--local", "claim", "allow", "garden-7"])
        .expect(0);
    // Tokens that last 3 seconds, so that one can be seen to expire.
    let up = LocalUp::start_with_vars(&env, &[("SOILCTL_OWNERSHIP_TOKEN_SECS", "3")]);

    let work = env.path("sdk-device");
    std::fs::create_dir_all(&work).unwrap();
    let out = Command::new(venv_bin("python"))
        .arg(crate::support::root().join("tests/peers/identity_device.py"))
        .args(["localhost", &up.port.to_string()])
        .arg(state_dir(&env).join("ca/ca.pem"))
        .arg(dir.join("certificate.pem.crt"))
        .arg(dir.join("private.pem.key"))
        .args(["iot-backend-claim", "garden-7", "not-allowed-1", "garden-8"])
        .arg(&work)
        .env("EXPIRED_WAIT", "4")
        .stdin(Stdio::null())
        .output()
        .expect("running the AWS IoT Device SDK's identity client");
    assert!(
        out.status.success(),
        "the SDK device failed:\n{}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        up.log()
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("the SDK device prints JSON");
    assert_eq!(got["registered"]["thingName"], "garden-7", "{got}");
    assert_eq!(
        got["registered"]["deviceConfiguration"]["telemetryTopic"],
        "device/garden-7/devicePayload"
    );
    assert_eq!(
        got["token_again"]["rejected"],
        "InvalidCertificateOwnershipToken"
    );
    assert_eq!(got["token_again"]["status"], 400);
    assert_eq!(
        got["expired_token"]["rejected"], "InvalidCertificateOwnershipToken",
        "{got}"
    );
    assert_eq!(got["expired_token"]["status"], 400);
    assert_eq!(got["refused_serial"]["rejected"], "AccessDenied", "{got}");
    assert_eq!(got["refused_serial"]["status"], 403);
    // garden-8 is allowed, but a certificate named for garden-7 may not become it.
    assert_eq!(
        got["other_common_name"]["rejected"], "AccessDenied",
        "{got}"
    );
    assert_eq!(got["claim_publish_disconnected"], true, "{got}");
    assert_eq!(got["published"], "device/garden-7/devicePayload");

    // The device is a thing of the stack with its own active certificate, and its reading was
    // archived and alerted like any other.
    let thing = env
        .run(&["--local", "--output", "json", "thing", "show", "garden-7"])
        .expect(0)
        .json();
    assert_eq!(
        thing["attributes"]["soilctl-stack"], "iot-backend",
        "{thing}"
    );
    assert_eq!(thing["attributes"]["serialNumber"], "garden-7");
    let certificate = got["created"]["certificateId"].as_str().unwrap();
    assert!(thing.to_string().contains(certificate), "{thing}");
    wait_until("the reading in the archive", || {
        objects(&archive)
            .iter()
            .any(|(k, _)| k.starts_with("garden-7/"))
            .then_some(())
    })
    .expect("the on-boarded device's reading is archived");
    wait_until("the alert", || {
        alerts(&env)
            .iter()
            .any(|a| a.to_string().contains("garden-7"))
            .then_some(())
    })
    .expect("humidity 21 raises an alert");

    // Teardown removes the claim certificate, its files and the provisioned thing with its
    // certificate, and checks that nothing is left.
    let claim_id = std::fs::read_to_string(dir.join("claim.json")).unwrap();
    let claim_id: Value = serde_json::from_str(&claim_id).unwrap();
    let claim_id = claim_id["certificateId"].as_str().unwrap().to_owned();
    let torn = env
        .run(&["--local", "--output", "json", "teardown", "--yes"])
        .expect(0)
        .json();
    assert_eq!(torn["nothingLeft"], true, "{torn}");
    let deleted = torn["certificatesDeleted"].to_string();
    assert!(deleted.contains(&claim_id), "{torn}");
    assert!(deleted.contains(certificate), "{torn}");
    assert!(!dir.exists(), "the claim's files are removed");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn a_simulated_fleet_is_onboarded_by_claim_and_its_claim_revoked() {
    let env = Env::new(None);
    deployed_with_claims(&env);
    env.run(&["--local", "claim", "create", "--name", "batch-1"])
        .expect(0);
    let serials: Vec<String> = (1..=50).map(|i| format!("sn-{i}")).collect();
    let list = env.path("serials.txt");
    std::fs::write(&list, serials.join("\n")).unwrap();
    env.run(&[
        "--local",
        "claim",
        "allow",
        "--from",
        list.to_str().unwrap(),
    ])
    .expect(0);
    let up = LocalUp::start(&env);

    let run = env.run(&[
        "--local",
        "--output",
        "json",
        "simulate",
        "--onboard",
        "claim",
        "--claim",
        "batch-1",
        "--devices",
        "50",
        "--prefix",
        "sn-",
        "--count",
        "1",
        "--interval",
        "1s",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("50 device(s) on-boarded by claim batch-1"),
        "{}",
        run.stderr
    );
    let summary = run.json();
    assert_eq!(summary["sent"], 50, "{summary}");
    assert_eq!(summary["acknowledged"], 50);
    let things = env
        .run(&["--local", "--output", "json", "thing", "list"])
        .expect(0)
        .json();
    let text = things.to_string();
    let ids: std::collections::BTreeSet<&str> = things["things"]
        .as_array()
        .expect("a list of things")
        .iter()
        .filter_map(|t| t["certificates"][0]["id"].as_str())
        .collect();
    for s in &serials {
        assert!(text.contains(&format!("\"{s}\"")), "{s} missing: {text}");
    }
    assert_eq!(ids.len(), 50, "each device has its own certificate: {text}");

    // A serial number that was not allowed is refused by the hook, and nothing is simulated.
    let refused = env.run(&[
        "--local",
        "simulate",
        "--onboard",
        "claim",
        "--claim",
        "batch-1",
        "--devices",
        "1",
        "--prefix",
        "intruder-",
        "--count",
        "1",
    ]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("403 AccessDenied"),
        "{}",
        refused.stderr
    );

    let listed = env
        .run(&["--local", "--output", "json", "claim", "list"])
        .expect(0)
        .json();
    assert_eq!(listed["claims"][0]["name"], "batch-1", "{listed}");
    assert_eq!(listed["allowedSerials"].as_array().unwrap().len(), 50);
    env.run(&["--local", "claim", "revoke", "batch-1"])
        .expect(0);
    let listed = env
        .run(&["--local", "--output", "json", "claim", "list"])
        .expect(0)
        .json();
    assert_eq!(listed["claims"], serde_json::json!([]), "{listed}");
    assert!(!env.devices().join("claims/batch-1").exists());
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

/// On AWS (moto): the template with fleet provisioning deploys (moto skips the
/// `AWS::IoT::ProvisioningTemplate` itself), and claim create, allow, list and revoke work
/// with the stack's claim policy and firmware bucket; teardown leaves nothing.
#[test]
fn claims_on_aws_with_moto() {
    let moto = crate::support::Moto::start();
    let env = Env::moto(&moto);
    env.run(&[
        "deploy",
        "--email",
        "ops@example.com",
        "--fleet-provisioning",
    ])
    .expect(0);
    let created = env
        .run(&["--output", "json", "claim", "create", "--name", "factory-a"])
        .expect(0)
        .json();
    let id = created["claim"]["certificateId"]
        .as_str()
        .unwrap()
        .to_owned();
    let policy = created["claim"]["policy"].as_str().unwrap().to_owned();
    assert!(policy.contains("ClaimPolicy"), "{created}");
    assert_eq!(created["claim"]["template"], "iot-backend-claim");
    assert_eq!(created["claim"]["rootCa"], "AmazonRootCA1.pem");
    let c = moto.clients();
    let targets =
        crate::support::block_on(c.iot.list_targets_for_policy().policy_name(&policy).send())
            .unwrap();
    assert_eq!(targets.targets().len(), 1, "the claim policy is attached");
    env.run(&["claim", "allow", "sn-1", "sn-2"]).expect(0);
    env.run(&["claim", "allow", "sn-2", "sn-3"]).expect(0);
    let listed = env
        .run(&["--output", "json", "claim", "list"])
        .expect(0)
        .json();
    assert_eq!(
        listed["claims"][0]["certificateId"],
        id.as_str(),
        "{listed}"
    );
    assert_eq!(listed["claims"][0]["name"], "factory-a");
    assert_eq!(
        listed["allowedSerials"],
        serde_json::json!(["sn-1", "sn-2", "sn-3"])
    );
    let bad = env.run(&["claim", "allow", "no spaces"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("is not valid"), "{}", bad.stderr);
    env.run(&["claim", "revoke", "factory-a"]).expect(0);
    let left =
        crate::support::block_on(c.iot.list_targets_for_policy().policy_name(&policy).send())
            .unwrap();
    assert!(left.targets().is_empty());
    env.run(&["claim", "create", "--name", "factory-b"])
        .expect(0);
    let torn = env
        .run(&["--output", "json", "teardown", "--yes"])
        .expect(0)
        .json();
    assert_eq!(torn["nothingLeft"], true, "{torn}");
}
