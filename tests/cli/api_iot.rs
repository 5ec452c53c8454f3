//! The rest of AWS IoT on `local up`'s API endpoint, with the AWS CLI as the client: CA
//! certificates, policy versions, topic rules (a disabled rule stops running), fleet indexing
//! with the broker's connectivity, and the data plane (shadows reaching a connected device as
//! a delta, Publish, retained messages); and soilctl's own AWS code for `ca` and `shadow`
//! pointed at the endpoint.

use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::{Value, json};

use crate::api::{aws, aws_json, local_env, run_with_local_env};
use crate::local::{LocalUp, alerts, deployed, device_dir, objects, state_dir, wait_until};
use crate::support::{Env, Output};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl (Debian's) is needed to make the CA");
    assert!(out.status.success(), "openssl {args:?}: {out:?}");
}

/// The error the AWS CLI printed names `exception` (version 1 of the CLI exits 255).
fn refused_with(out: &Output, exception: &str) {
    assert_eq!(out.code, 255, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("An error occurred ({exception})")),
        "{}",
        out.stderr
    );
}

/// `soilctl --endpoint-url <the local API> ARGS` with the local backend's credentials.
fn soilctl_on_api(env: &Env, args: &[&str]) -> Output {
    let endpoint = local_env(env)["AWS_ENDPOINT_URL"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut all = vec!["--endpoint-url", endpoint.as_str()];
    all.extend_from_slice(args);
    run_with_local_env(env, env.command(&all))
}

#[test]
fn the_aws_cli_registers_a_ca_and_runs_a_policy_through_its_versions() {
    let env = Env::new(None);
    let up = LocalUp::start(&env);
    let code = aws_json(&env, &["iot", "get-registration-code"])["registrationCode"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 64);
    let dir = env.path("byo-ca");
    std::fs::create_dir_all(&dir).unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-new"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "30"]);
    ca.extend(["-subj", "/CN=Field CA"]);
    openssl(&dir, &ca);
    let subject = format!("/CN={code}");
    let mut csr = vec!["req", "-new"];
    csr.extend(ec);
    csr.extend(["-keyout", "v.key", "-out", "v.csr", "-subj", &subject]);
    openssl(&dir, &csr);
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "v.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "v.pem",
            "-days",
            "1",
        ],
    );
    let ca_file = format!("file://{}", dir.join("ca.pem").display());
    let register = |verification: &str| {
        aws(
            &env,
            &[
                "iot",
                "register-ca-certificate",
                "--ca-certificate",
                &ca_file,
                "--verification-certificate",
                verification,
                "--set-as-active",
                "--allow-auto-registration",
                "--output",
                "json",
            ],
        )
    };
    // The CA's own certificate is no verification certificate: its CN is not the code.
    refused_with(&register(&ca_file), "RegistrationCodeValidationException");
    let made = register(&format!("file://{}", dir.join("v.pem").display()))
        .expect(0)
        .json();
    let id = made["certificateId"].as_str().unwrap().to_owned();
    assert_eq!(
        made["certificateArn"],
        format!("arn:aws:iot:local:000000000000:cacert/{id}").as_str()
    );
    let listed = aws_json(&env, &["iot", "list-ca-certificates"]);
    assert_eq!(listed["certificates"][0]["certificateId"], id.as_str());
    let described = aws_json(
        &env,
        &["iot", "describe-ca-certificate", "--certificate-id", &id],
    );
    let d = &described["certificateDescription"];
    assert_eq!(d["status"], "ACTIVE");
    assert_eq!(d["autoRegistrationStatus"], "ENABLE");
    refused_with(
        &aws(
            &env,
            &["iot", "delete-ca-certificate", "--certificate-id", &id],
        ),
        "CertificateStateException",
    );
    aws(
        &env,
        &[
            "iot",
            "update-ca-certificate",
            "--certificate-id",
            &id,
            "--new-status",
            "INACTIVE",
            "--new-auto-registration-status",
            "DISABLE",
        ],
    )
    .expect(0);
    let by_ca = aws_json(
        &env,
        &["iot", "list-certificates-by-ca", "--ca-certificate-id", &id],
    );
    assert_eq!(by_ca["certificates"], json!([]));
    aws(
        &env,
        &["iot", "delete-ca-certificate", "--certificate-id", &id],
    )
    .expect(0);
    refused_with(
        &aws(
            &env,
            &["iot", "describe-ca-certificate", "--certificate-id", &id],
        ),
        "ResourceNotFoundException",
    );

    // Policy versions: five at most, the default one cannot go.
    let doc = |action: &str| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": action, "Resource": "*"}]})
        .to_string()
    };
    aws(
        &env,
        &[
            "iot",
            "create-policy",
            "--policy-name",
            "ops",
            "--policy-document",
            &doc("iot:Connect"),
        ],
    )
    .expect(0);
    for n in 2..=5 {
        let v = aws_json(
            &env,
            &[
                "iot",
                "create-policy-version",
                "--policy-name",
                "ops",
                "--policy-document",
                &doc("iot:Publish"),
                "--set-as-default",
            ],
        );
        assert_eq!(v["policyVersionId"], n.to_string());
    }
    refused_with(
        &aws(
            &env,
            &[
                "iot",
                "create-policy-version",
                "--policy-name",
                "ops",
                "--policy-document",
                &doc("iot:Subscribe"),
            ],
        ),
        "VersionsLimitExceededException",
    );
    let policy = aws_json(&env, &["iot", "get-policy", "--policy-name", "ops"]);
    assert_eq!(policy["defaultVersionId"], "5");
    assert!(
        policy["policyDocument"]
            .as_str()
            .unwrap()
            .contains("iot:Publish")
    );
    let versions = aws_json(
        &env,
        &["iot", "list-policy-versions", "--policy-name", "ops"],
    );
    assert_eq!(versions["policyVersions"].as_array().unwrap().len(), 5);
    refused_with(
        &aws(
            &env,
            &[
                "iot",
                "delete-policy-version",
                "--policy-name",
                "ops",
                "--policy-version-id",
                "5",
            ],
        ),
        "DeleteConflictException",
    );
    let v1 = aws_json(
        &env,
        &[
            "iot",
            "get-policy-version",
            "--policy-name",
            "ops",
            "--policy-version-id",
            "1",
        ],
    );
    assert_eq!(v1["isDefaultVersion"], false);
    assert!(
        v1["policyDocument"]
            .as_str()
            .unwrap()
            .contains("iot:Connect")
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn soilctl_ca_and_shadow_run_their_aws_code_against_the_local_api() {
    let env = Env::new(None);
    let up = LocalUp::start(&env);
    let ca_dir = env.path("my-ca");
    env.run(&["ca", "create", "--out", ca_dir.to_str().unwrap()])
        .expect(0);
    let ca = ca_dir.to_str().unwrap();
    let registered = soilctl_on_api(&env, &["ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json();
    let id = registered["caCertificateId"].as_str().unwrap().to_owned();
    let listed = soilctl_on_api(&env, &["ca", "list", "--output", "json"])
        .expect(0)
        .json();
    assert!(listed.to_string().contains(&id), "{listed}");
    // The broker's JITR reads the same registry: the CA is there, active, auto-registering.
    let registry =
        soilctl::local::registry::Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    let record = registry.ca(&id).unwrap().expect("the registered CA");
    assert!(record.auto_registration);
    soilctl_on_api(&env, &["ca", "delete", &id, "--ca", ca]).expect(0);
    assert!(registry.ca(&id).unwrap().is_none());

    let missing = soilctl_on_api(&env, &["shadow", "get", "sensor-9"]);
    assert_ne!(missing.code, 0, "{missing:?}");
    assert!(missing.stderr.contains("sensor-9"), "{missing:?}");
    soilctl_on_api(
        &env,
        &[
            "shadow",
            "update",
            "sensor-9",
            "--desired",
            r#"{"interval":60}"#,
        ],
    )
    .expect(0);
    let got = soilctl_on_api(&env, &["--output", "json", "shadow", "get", "sensor-9"])
        .expect(0)
        .json();
    assert_eq!(got["state"]["desired"]["interval"], 60, "{got}");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

/// Waits until the running backend has read the registry as it is now.
fn wait_until_served(env: &Env) {
    let state = soilctl::local::state::StateDir::new(state_dir(env));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(soilctl::local::server::wait_until_served(
        &state,
        Duration::from_secs(10),
    ))
    .unwrap();
}

#[test]
fn a_disabled_rule_stops_archiving_and_search_finds_the_connected_device() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let rules = aws_json(&env, &["iot", "list-topic-rules"]);
    let rules = rules["rules"].as_array().unwrap().clone();
    assert_eq!(rules.len(), 3, "archive, alert and pairing: {rules:?}");
    let mut patterns: Vec<&str> = rules
        .iter()
        .map(|r| r["topicPattern"].as_str().unwrap())
        .collect();
    patterns.sort();
    assert_eq!(
        patterns,
        [
            "device/+/devicePayload",
            "device/+/devicePayload",
            "device/+/pairing/request"
        ]
    );
    let archive = rules
        .iter()
        .map(|r| r["ruleName"].as_str().unwrap().to_owned())
        .find(|n| n.to_lowercase().contains("archive"))
        .expect("the archive rule");
    let rule = aws_json(&env, &["iot", "get-topic-rule", "--rule-name", &archive]);
    assert!(
        rule["rule"]["actions"][0]["s3"]["bucketName"].is_string(),
        "{rule}"
    );
    aws(
        &env,
        &["iot", "disable-topic-rule", "--rule-name", &archive],
    )
    .expect(0);
    wait_until_served(&env);
    let device = device_dir(&env, "sensor-1");
    let reading = r#"{"name":"sensor-1","humidity":20}"#;
    up.mqtt(&env)
        .publish(
            &device,
            "sensor-1",
            "device/sensor-1/devicePayload",
            &["-q", "1", "-m", reading],
        )
        .expect(0);
    // The alert rule still runs; the archive rule does not.
    wait_until("the alert", || (!alerts(&env).is_empty()).then_some(()))
        .unwrap_or_else(|| panic!("no alert:\n{}", up.log()));
    std::thread::sleep(Duration::from_millis(500));
    assert!(objects(&bucket).is_empty(), "{:?}", objects(&bucket));
    aws(&env, &["iot", "enable-topic-rule", "--rule-name", &archive]).expect(0);
    wait_until_served(&env);
    publish_when_accepted_as(&up, &env, &device);
    crate::local::wait_objects(&bucket, 1);

    // A device online, as fleet indexing sees it.
    let before = connections(&up, "sensor-1");
    let sub = up.mqtt(&env).subscribe(
        &device,
        "sensor-1",
        "$aws/things/sensor-1/shadow/update/delta",
        1,
    );
    wait_for_connections(&up, "sensor-1", before + 1);
    let query = "attributes.soilctl-stack:iot-backend AND connectivity.connected:true";
    let found = wait_until("the connection in the index", || {
        let found = aws_json(&env, &["iot", "search-index", "--query-string", query]);
        (!found["things"].as_array().unwrap().is_empty()).then_some(found)
    })
    .expect("sensor-1 connected in the index");
    assert_eq!(found["things"][0]["thingName"], "sensor-1");
    assert_eq!(found["things"][0]["connectivity"]["connected"], true);
    let config = aws_json(&env, &["iot", "get-indexing-configuration"]);
    assert_eq!(
        config["thingIndexingConfiguration"]["thingConnectivityIndexingMode"],
        "STATUS"
    );
    refused_with(
        &aws(
            &env,
            &[
                "iot",
                "search-index",
                "--query-string",
                "shadow.reported.x:1",
            ],
        ),
        "InvalidQueryException",
    );
    stop_subscriber(sub);

    // soilctl's own doctor, on its AWS code path, finds the device healthy.
    let doctor = soilctl_on_api(&env, &["--output", "json", "doctor", "sensor-1"]);
    assert_eq!(doctor.code, 0, "{doctor:?}");
    assert_eq!(doctor.json()["ok"], true);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

/// Publishes a reading as sensor-1 until the broker acknowledges it.
fn publish_when_accepted_as(up: &LocalUp, env: &Env, device: &Path) {
    let reading = r#"{"name":"sensor-1","humidity":40}"#;
    wait_until("the broker to accept sensor-1", || {
        let out = up.mqtt(env).publish(
            device,
            "sensor-1",
            "device/sensor-1/devicePayload",
            &["-q", "1", "-m", reading],
        );
        (out.code == 0).then_some(())
    })
    .unwrap_or_else(|| panic!("sensor-1 was never accepted:\n{}", up.log()));
}

/// Waits until the log says `client` connected `n` times, and leaves its SUBSCRIBE, which
/// follows the CONNECT at once, a moment to be processed.
fn wait_for_connections(up: &LocalUp, client: &str, n: usize) {
    let needle = format!("{client} connected");
    wait_until(&needle, || {
        (up.log().lines().filter(|l| l.contains(&needle)).count() >= n).then_some(())
    })
    .unwrap_or_else(|| panic!("{client} did not connect {n} times:\n{}", up.log()));
    std::thread::sleep(Duration::from_millis(300));
}

fn connections(up: &LocalUp, client: &str) -> usize {
    let needle = format!("{client} connected");
    up.log().lines().filter(|l| l.contains(&needle)).count()
}

fn stop_subscriber(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `mosquitto_sub -v` output of a finished subscriber: (topic, payload) lines.
fn received(child: Child) -> Vec<(String, String)> {
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "mosquitto_sub failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| {
            let (t, p) = l.split_once(' ').unwrap_or((l, ""));
            (t.to_owned(), p.to_owned())
        })
        .collect()
}

#[test]
fn iot_data_reaches_a_connected_device_at_once_and_keeps_retained_messages() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let missing = aws(
        &env,
        &[
            "iot-data",
            "get-thing-shadow",
            "--thing-name",
            "sensor-1",
            "/dev/stdout",
        ],
    );
    refused_with(&missing, "ResourceNotFoundException");
    assert!(
        missing
            .stderr
            .contains("No shadow exists with name: 'sensor-1'"),
        "{}",
        missing.stderr
    );

    // The device listens on its shadow topics with its own certificate.
    let device = device_dir(&env, "sensor-1");
    publish_when_accepted_as(&up, &env, &device);
    let before = connections(&up, "sensor-1");
    let sub = up
        .mqtt(&env)
        .subscribe(&device, "sensor-1", "$aws/things/sensor-1/shadow/#", 4);
    wait_for_connections(&up, "sensor-1", before + 1);
    let out = env.path("update.json");
    aws(
        &env,
        &[
            "iot-data",
            "update-thing-shadow",
            "--thing-name",
            "sensor-1",
            "--payload",
            r#"{"state":{"desired":{"interval":60}}}"#,
            out.to_str().unwrap(),
        ],
    )
    .expect(0);
    let accepted: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(accepted["version"], 1, "{accepted}");
    aws(
        &env,
        &[
            "iot-data",
            "publish",
            "--topic",
            "$aws/things/sensor-1/shadow/name/notes/note",
            "--payload",
            "hello",
        ],
    )
    .expect(0);
    let got = received(sub);
    let topics: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        topics,
        [
            "$aws/things/sensor-1/shadow/update/accepted",
            "$aws/things/sensor-1/shadow/update/delta",
            "$aws/things/sensor-1/shadow/update/documents",
            "$aws/things/sensor-1/shadow/name/notes/note",
        ],
        "{got:?}"
    );
    let delta: Value = serde_json::from_str(&got[1].1).unwrap();
    assert_eq!(delta["state"]["interval"], 60, "{delta}");
    assert_eq!(got[3].1, "hello");
    let stale = aws(
        &env,
        &[
            "iot-data",
            "update-thing-shadow",
            "--thing-name",
            "sensor-1",
            "--payload",
            r#"{"state":{"desired":{"interval":5}},"version":9}"#,
            "/dev/null",
        ],
    );
    refused_with(&stale, "ConflictException");

    // Retained messages: kept by the broker, listed and read back through the API.
    aws(
        &env,
        &[
            "iot-data",
            "publish",
            "--topic",
            "cmd/sensor-1/config",
            "--qos",
            "1",
            "--retain",
            "--payload",
            "keep me",
        ],
    )
    .expect(0);
    let listed = aws_json(&env, &["iot-data", "list-retained-messages"]);
    assert_eq!(listed["retainedTopics"][0]["topic"], "cmd/sensor-1/config");
    assert_eq!(listed["retainedTopics"][0]["payloadSize"], 7);
    let got = aws_json(
        &env,
        &[
            "iot-data",
            "get-retained-message",
            "--topic",
            "cmd/sensor-1/config",
        ],
    );
    assert_eq!(got["payload"], "a2VlcCBtZQ==", "{got}");
    assert_eq!(got["qos"], 1);
    refused_with(
        &aws(
            &env,
            &[
                "iot-data",
                "get-retained-message",
                "--topic",
                "nothing/here",
            ],
        ),
        "ResourceNotFoundException",
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
