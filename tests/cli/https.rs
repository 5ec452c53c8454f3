//! HTTPS for devices on the local backend, end to end: `local up` serving AWS IoT Core's HTTPS
//! publish and Device Shadow REST API with the devices' certificates, curl as the device (a
//! peer we did not write), mosquitto_sub watching over MQTT, the rules archiving and alerting,
//! and `simulate --protocol https`.
//!
//! Over HTTPS there is no client id, so the stack's device policy (its topics named with
//! `${iot:Connection.Thing.ThingName}`) allows nothing there, as on AWS: the devices that
//! publish here get a policy of their own, made with the AWS CLI as a user would.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::local::{
    LocalUp, alerts, deployed, device_dir, objects, state_dir, wait_objects, wait_until,
};
use crate::support::Env;

/// curl; its absence fails the test (it never skips).
fn curl_tool() -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join("curl");
        if p.is_file() {
            return p;
        }
    }
    panic!("curl is not installed (Debian's curl package)");
}

/// The running `local up`'s device HTTPS port, from its broker file.
fn https_port(env: &Env) -> u16 {
    let text = std::fs::read_to_string(state_dir(env).join("broker.json")).unwrap();
    let info: Value = serde_json::from_str(&text).unwrap();
    info["httpsPort"]
        .as_u64()
        .expect("broker.json records httpsPort") as u16
}

/// What curl got: its exit code, the HTTP status (0 when there was no answer) and the body.
struct Answer {
    code: i32,
    status: u16,
    body: String,
    stderr: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// `curl` against the device HTTPS endpoint with `identity`'s certificate and key (none when
/// `None`), trusting the local CA.
fn curl(
    env: &Env,
    identity: Option<&Path>,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Answer {
    let mut cmd = Command::new(curl_tool());
    cmd.args(["-sS", "-X", method, "-w", "\n%{http_code}"])
        .arg("--cacert")
        .arg(state_dir(env).join("ca/ca.pem"));
    if let Some(dir) = identity {
        cmd.arg("--cert")
            .arg(dir.join("certificate.pem.crt"))
            .arg("--key")
            .arg(dir.join("private.pem.key"));
    }
    if let Some(body) = body {
        // From a file: a 128 KB body is longer than one argument may be.
        let file = env.path("curl-body");
        std::fs::write(&file, body).unwrap();
        cmd.arg("--data-binary").arg(format!("@{}", file.display()));
    }
    cmd.arg(format!("https://localhost:{}{path}", https_port(env)));
    let out = cmd.output().expect("running curl");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = stdout.rsplit_once('\n').unwrap_or(("", &stdout));
    Answer {
        code: out.status.code().unwrap_or(-1),
        status: status.trim().parse().unwrap_or(0),
        body: body.to_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn publish_path(topic: &str, qos: u8) -> String {
    format!("/topics/{}?qos={qos}", topic.replace('/', "%2F"))
}

#[test]
fn curl_publishes_with_a_device_certificate_and_the_rules_archive_and_alert() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1", "sensor-2"]);
    let up = LocalUp::start(&env);
    let s1 = device_dir(&env, "sensor-1");
    let s2 = device_dir(&env, "sensor-2");
    let startup = up.wait_for_log("devices' HTTPS on https://localhost:");
    assert!(
        startup.contains(&format!("https://localhost:{}", https_port(&env))),
        "{startup}"
    );
    let vars = crate::api::local_env(&env);
    assert_eq!(
        vars["SOILCTL_IOT_HTTPS_ENDPOINT"],
        format!("https://localhost:{}", https_port(&env))
    );

    // The stack's policy names a device's topic by its certificate's common name over
    // HTTPS: its telemetry topic only.
    let other = publish_path("device/sensor-2/hello", 1);
    let refused = curl(&env, Some(&s2), "POST", &other, Some(r#"{"humidity":20}"#));
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.json()["message"], "Forbidden");

    let watcher = up.mqtt(&env).subscribe(
        &state_dir(&env).join("operator"),
        "watcher",
        "device/+/devicePayload",
        1,
    );
    up.wait_for_log("watcher connected");
    let payload = r#"{"name":"sensor-1","humidity":20,"timeStampEpoch":1598536072677}"#;
    let ok = curl(
        &env,
        Some(&s1),
        "POST",
        &publish_path("device/sensor-1/devicePayload", 1),
        Some(payload),
    );
    assert_eq!((ok.code, ok.status), (0, 200), "{} {}", ok.body, ok.stderr);
    let body = ok.json();
    assert_eq!(body["message"], "OK");
    assert_eq!(body["traceId"].as_str().unwrap().len(), 36, "{body}");

    // Archived under sensor-1/ with its exact body, and alerted (20 is under 35).
    let found = wait_objects(&bucket, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.starts_with("sensor-1/"), "{}", found[0].0);
    assert_eq!(String::from_utf8_lossy(&found[0].1), payload);
    let got = wait_until("the alert", || {
        let a = alerts(&env);
        (!a.is_empty()).then_some(a)
    })
    .unwrap_or_else(|| panic!("no alert:\n{}", up.log()));
    assert_eq!(
        got[0]["body"],
        "Humidity 20 under threshold for device name sensor-1"
    );
    let seen = watcher.wait_with_output().unwrap();
    let seen = String::from_utf8_lossy(&seen.stdout);
    assert!(seen.contains(payload), "{seen}");

    // Another device's topic: AWS's 403, and local up says why.
    let foreign = curl(
        &env,
        Some(&s1),
        "POST",
        &publish_path("device/sensor-2/devicePayload", 1),
        Some(r#"{"name":"sensor-2","humidity":10}"#),
    );
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    assert_eq!(foreign.json()["message"], "Forbidden");
    assert!(foreign.json()["traceId"].is_string());
    let line = up.wait_for_log("refused with 403: publish to device/sensor-2/devicePayload");
    assert!(line.contains("HTTPS POST /topics/"), "{line}");

    // Over 128 KB: 413.
    let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(128 * 1024));
    let large = curl(
        &env,
        Some(&s1),
        "POST",
        &publish_path("device/sensor-1/devicePayload", 1),
        Some(&big),
    );
    assert_eq!(large.status, 413, "{}", large.body);

    // No certificate: the handshake is refused, there is no HTTP answer at all.
    let anonymous = curl(
        &env,
        None,
        "POST",
        &publish_path("device/sensor-1/devicePayload", 1),
        Some("{}"),
    );
    assert_ne!(anonymous.code, 0, "curl got through without a certificate");
    assert_eq!(anonymous.status, 0, "{}", anonymous.body);
    up.wait_for_log("no client certificate (HTTPS)");

    // Nothing refused was archived or alerted.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(objects(&bucket).len(), 1);
    assert_eq!(alerts(&env).len(), 1);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn the_shadow_rest_api_with_curl_and_the_delta_reaches_mosquitto_sub() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1", "sensor-2"]);
    let up = LocalUp::start(&env);
    let s1 = device_dir(&env, "sensor-1");
    let path = "/things/sensor-1/shadow";

    let missing = curl(&env, Some(&s1), "GET", path, None);
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(
        missing.json(),
        json!({"code": 404, "message": "No shadow exists with name: 'sensor-1'"})
    );

    // The device's own MQTT subscription sees the delta an HTTPS update makes.
    let delta = up.mqtt(&env).subscribe(
        &s1,
        "sensor-1",
        "$aws/things/sensor-1/shadow/update/delta",
        1,
    );
    up.wait_for_log("sensor-1 connected");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let updated = curl(
        &env,
        Some(&s1),
        "POST",
        path,
        Some(r#"{"state":{"desired":{"reportInterval":60}}}"#),
    );
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.json()["version"], 1);
    assert_eq!(updated.json()["state"]["desired"]["reportInterval"], 60);
    let out = delta.wait_with_output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    let (topic, payload) = line.trim().split_once(' ').expect("topic and payload");
    assert_eq!(topic, "$aws/things/sensor-1/shadow/update/delta");
    let payload: Value = serde_json::from_str(payload).unwrap();
    assert_eq!(payload["state"]["reportInterval"], 60, "{payload}");

    let got = curl(&env, Some(&s1), "GET", path, None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["state"]["delta"]["reportInterval"], 60);
    let stale = curl(
        &env,
        Some(&s1),
        "POST",
        path,
        Some(r#"{"state":{"desired":{"reportInterval":5}},"version":9}"#),
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(stale.json()["code"], 409);

    let deleted = curl(&env, Some(&s1), "DELETE", path, None);
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["version"], 1);
    assert_eq!(curl(&env, Some(&s1), "GET", path, None).status, 404);

    // Another thing's shadow is not this device's: 403.
    let other = curl(&env, Some(&s1), "GET", "/things/sensor-2/shadow", None);
    assert_eq!(other.status, 403, "{}", other.body);
    assert_eq!(other.json()["message"], "Forbidden");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn simulate_over_https_publishes_and_every_reading_is_archived() {
    let env = Env::new(None);
    let names = ["soilSensor1", "soilSensor2", "soilSensor3"];
    let bucket = deployed(&env, &names);
    let up = LocalUp::start(&env);
    let simulate = |count: &str| {
        env.run(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--protocol",
            "https",
            "--devices",
            "3",
            "--count",
            count,
            "--interval",
            "100ms",
            "--seed",
            "7",
        ])
    };

    let out = simulate("2").expect(0);
    let summary = out.json();
    assert_eq!(summary["sent"], 6, "{summary}");
    assert_eq!(summary["acknowledged"], 6, "{summary}");
    assert_eq!(summary["failed"], json!([]));
    assert!(
        out.stderr.contains("against https://localhost:"),
        "{}",
        out.stderr
    );
    let found = wait_objects(&bucket, 6);
    assert_eq!(found.len(), 6, "{found:?}");
    for name in names {
        let mine = found
            .iter()
            .filter(|(key, _)| key.starts_with(&format!("{name}/")))
            .count();
        assert_eq!(mine, 2, "{name}: {found:?}");
    }
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
