//! `simulate --sleep` end to end against Debian's mosquitto, a broker that keeps persistent
//! sessions: a device wakes, publishes one reading and disconnects; a shadow delta published
//! while it sleeps (mosquitto_pub playing the shadow service) is queued by the broker, delivered
//! on the next wake and obeyed, and the device reports it. mosquitto's log shows every CONNECT
//! (clean session 0), SUBSCRIBE and DISCONNECT.

use std::process::Stdio;

use serde_json::Value;

use crate::fleet::{mosquitto_client, mosquitto_for, output_of, wait_for_broker_log};
use crate::local::deployed;
use crate::support::Env;

const DELTA: &str = "$aws/things/soilSensor1/shadow/update/delta";
const UPDATE: &str = "$aws/things/soilSensor1/shadow/update";

/// Where `needle` first appears in `log` after byte `from`.
fn position(log: &str, needle: &str, from: usize) -> usize {
    log[from..]
        .find(needle)
        .map(|at| from + at)
        .unwrap_or_else(|| panic!("no {needle:?} after byte {from} in mosquitto's log:\n{log}"))
}

#[test]
fn a_sleeping_device_gets_a_delta_queued_while_it_slept_and_obeys_it() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let (broker, pki) = mosquitto_for(&env);
    let endpoint = format!("localhost:{}", broker.mtls_port);
    let ca = pki.ca.display().to_string();

    // Three readings and the report of the new state.
    let watcher = mosquitto_client("mosquitto_sub", broker.mtls_port, &pki, "watcher")
        .args([
            "-t",
            "device/+/devicePayload",
            "-t",
            UPDATE,
            "-v",
            "-q",
            "1",
        ])
        .args(["-C", "4", "-W", "40"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_broker_log(&broker, "Received SUBSCRIBE from watcher");

    let sim = env
        .command(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "1",
            "--sleep",
            "3s",
            "--count",
            "3",
            "--seed",
            "5",
            "--mqtt-endpoint",
            &endpoint,
            "--mqtt-ca",
            &ca,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first wake is over: the device sleeps, disconnected.
    wait_for_broker_log(&broker, "Received DISCONNECT from soilSensor1");
    let status = mosquitto_client("mosquitto_pub", broker.mtls_port, &pki, "shadow-service")
        .args(["-t", DELTA, "-q", "1"])
        .args([
            "-m",
            r#"{"version":2,"timestamp":1,"state":{"valve":"open"},"metadata":{}}"#,
        ])
        .status()
        .unwrap();
    assert!(status.success());

    let out = output_of(sim);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary = out.json();
    assert_eq!(summary["wakes"], 3, "{summary}");
    assert_eq!(summary["resumed"], 2, "{summary}");
    assert_eq!(summary["sent"], 3, "{summary}");
    assert_eq!(summary["acknowledged"], 3, "{summary}");
    assert_eq!(summary["connections"], 3, "{summary}");
    assert!(
        out.stderr.contains("persistent session") && out.stderr.contains("sleeps 3s"),
        "{}",
        out.stderr
    );

    let log = broker.log();
    // Each wake: CONNECT with clean session 0, and a clean DISCONNECT; one SUBSCRIBE in all.
    assert_eq!(log.matches("as soilSensor1 (p2, c0,").count(), 3, "{log}");
    assert_eq!(
        log.matches("Received DISCONNECT from soilSensor1").count(),
        3,
        "{log}"
    );
    assert_eq!(
        log.matches("Received SUBSCRIBE from soilSensor1").count(),
        1,
        "{log}"
    );
    assert_eq!(
        log.matches("Sending CONNACK to soilSensor1 (1, 0)").count(),
        2,
        "{log}"
    );
    // The delta came while the device was away and went out on its next wake.
    let asleep = position(&log, "Received DISCONNECT from soilSensor1", 0);
    let delta = position(
        &log,
        &format!("Received PUBLISH from shadow-service (d0, q1, r0, m1, '{DELTA}'"),
        asleep,
    );
    let woke = position(&log, "as soilSensor1 (p2, c0,", delta);
    assert!(
        log[woke..]
            .lines()
            .any(|l| l.contains("Sending PUBLISH to soilSensor1") && l.contains(DELTA)),
        "the delta was not delivered after the wake:\n{log}"
    );

    let got = output_of(watcher);
    assert_eq!(got.code, 0, "{}", got.stderr);
    let mut readings = 0;
    let mut reports = Vec::new();
    for line in got.stdout.lines() {
        let (topic, body) = line.split_once(' ').unwrap();
        let body: Value = serde_json::from_str(body).unwrap();
        if topic == UPDATE {
            reports.push(body);
        } else {
            assert_eq!(topic, "device/soilSensor1/devicePayload");
            assert_eq!(body["name"], "soilSensor1");
            readings += 1;
        }
    }
    assert_eq!(readings, 3, "{}", got.stdout);
    assert_eq!(reports.len(), 1, "{}", got.stdout);
    assert_eq!(reports[0]["state"]["reported"]["valve"], "open");
    assert_eq!(reports[0]["state"]["reported"]["reportInterval"], 3.0);
}

#[test]
fn sleep_takes_a_positive_duration_and_replaces_interval() {
    let env = Env::new(None);
    let out = env.run(&["--local", "simulate", "--devices", "1", "--sleep", "0s"]);
    assert!(
        out.clone()
            .expect(2)
            .error_line()
            .contains("--sleep must be longer than 0"),
        "{}",
        out.stderr
    );
    let out = env.run(&["simulate", "--devices", "1", "--sleep", "soon"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = env.run(&[
        "simulate",
        "--devices",
        "1",
        "--sleep",
        "30s",
        "--interval",
        "5s",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
}
