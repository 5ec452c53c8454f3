//! `simulate`, `tail` and `demo` end to end against the local backend, with Debian's mosquitto
//! clients as the peers on the other side.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::local::{LocalUp, alerts, deployed, objects, state_dir};
use crate::support::{Env, Output};

/// The seed's payload shape: name, humidity, timeStampEpoch, timeStampIso, in that order.
fn assert_seed_shape(body: &str, device: &str) -> Value {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
    let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        ["name", "humidity", "timeStampEpoch", "timeStampIso"],
        "{body}"
    );
    assert_eq!(v["name"], device, "{body}");
    let h = v["humidity"].as_i64().expect("an integer humidity");
    assert!((0..=100).contains(&h), "{body}");
    assert!(v["timeStampEpoch"].as_i64().unwrap() > 1_600_000_000_000);
    v
}

pub(crate) fn output_of(child: std::process::Child) -> Output {
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn simulate_archives_every_reading_and_alerts_as_the_rule_implies() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "5",
            "--count",
            "3",
            "--interval",
            "100ms",
            "--seed",
            "42",
        ])
        .expect(0);
    let summary = out.json();
    assert_eq!(summary["devices"], 5, "{summary}");
    assert_eq!(summary["sent"], 15, "{summary}");
    assert_eq!(summary["acknowledged"], 15, "{summary}");
    assert_eq!(summary["failed"].as_array().unwrap().len(), 0);

    // Stopping drains the engine: everything acknowledged is on disk.
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    let found = objects(&bucket);
    assert_eq!(found.len(), 15, "exactly 15 archived messages: {found:?}");
    let mut under = Vec::new();
    for (key, body) in &found {
        let device = key.split('/').next().unwrap();
        assert!(device.starts_with("soilSensor"), "{key}");
        let v = assert_seed_shape(std::str::from_utf8(body).unwrap(), device);
        let h = v["humidity"].as_i64().unwrap();
        if h < 35 {
            under.push(format!(
                "Humidity {h} under threshold for device name {device}"
            ));
        }
    }
    for n in 1..=5 {
        let per_device = found
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("soilSensor{n}/")))
            .count();
        assert_eq!(per_device, 3, "soilSensor{n}");
    }
    // Exactly the alerts the rule implies: one per archived reading under 35, with its text.
    let mut got: Vec<String> = alerts(&env)
        .iter()
        .map(|a| {
            assert_eq!(a["subject"], "Attention:Humidity Under Threshold");
            a["body"].as_str().unwrap().to_string()
        })
        .collect();
    got.sort();
    under.sort();
    assert_eq!(got, under);
    assert_eq!(summary["under_threshold"], under.len(), "{summary}");

    // Running again reuses the same things and certificates.
    let things = env.run(&["--local", "--output", "json", "thing", "list"]);
    assert_eq!(
        things.expect(0).json()["things"].as_array().unwrap().len(),
        5
    );
}

#[test]
fn the_same_seed_gives_the_same_readings() {
    let env = Env::new(None);
    let mut humidities = Vec::new();
    for _ in 0..2 {
        // A fresh stack each time (a new bucket), the same devices reused.
        let bucket = deployed(&env, &[]);
        let up = LocalUp::start(&env);
        env.run(&[
            "--local",
            "simulate",
            "--devices",
            "2",
            "--count",
            "4",
            "--interval",
            "50ms",
            "--seed",
            "7",
        ])
        .expect(0);
        up.stop();
        // Keys start with the device and hold the time: sorted, they give each device's
        // readings in order.
        let series: Vec<(String, i64)> = objects(&bucket)
            .iter()
            .map(|(k, b)| {
                let v: Value = serde_json::from_slice(b).unwrap();
                (
                    k.split('/').next().unwrap().to_string(),
                    v["humidity"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(series.len(), 8, "{series:?}");
        humidities.push(series);
        env.run(&["--local", "teardown", "--yes"]).expect(0);
    }
    assert_eq!(humidities[0], humidities[1]);
}

#[test]
fn mosquitto_sub_receives_what_simulate_publishes() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let sub = mqtt.subscribe(
        &state_dir(&env).join("operator"),
        "watcher",
        "device/+/devicePayload",
        6,
    );
    up.wait_for_log("watcher");
    env.run(&[
        "--local",
        "simulate",
        "--devices",
        "2",
        "--count",
        "3",
        "--interval",
        "50ms",
    ])
    .expect(0);
    let out = output_of(sub);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", out.stdout);
    for line in lines {
        let (topic, body) = line.split_once(' ').unwrap();
        let device = topic.split('/').nth(1).unwrap();
        assert_eq!(topic, format!("device/{device}/devicePayload"));
        assert_seed_shape(body, device);
    }
}

#[test]
fn tail_prints_what_mosquitto_pub_publishes() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let tail = env
        .command(&[
            "--local",
            "--output",
            "json",
            "tail",
            "device/+/devicePayload",
            "--count",
            "2",
            "--timeout",
            "20s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    up.wait_for_log("soilctl-tail-");
    let mqtt = up.mqtt(&env);
    mqtt.device_publish(
        "sensor-1",
        &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":20}"#],
    )
    .expect(0);
    mqtt.device_publish("sensor-1", &["-q", "0", "-m", "plain text"])
        .expect(0);
    let out = output_of(tail);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0]["topic"], "device/sensor-1/devicePayload");
    assert_eq!(lines[0]["payload"]["humidity"], 20);
    assert_eq!(lines[1]["payload"], "plain text");
    for l in &lines {
        let at = l["received_at"].as_str().unwrap();
        assert!(at.ends_with('Z') && at.len() == 24, "{at}");
    }

    // Text: the reading under the threshold is marked.
    let tail = env
        .command(&["--local", "tail", "--count", "1", "--timeout", "20s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    up.wait_for_log("soilctl-tail-");
    mqtt.device_publish(
        "sensor-1",
        &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":"12"}"#],
    )
    .expect(0);
    let out = output_of(tail);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("device/sensor-1/devicePayload  [humidity 12 under 35]"),
        "{}",
        out.stdout
    );
}

#[test]
fn tail_times_out_before_its_count_with_exit_1() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let _up = LocalUp::start(&env);
    let out = env.run(&["--local", "tail", "--count", "1", "--timeout", "1s"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("timed out after 1s with 0 of 1 message(s)"),
        "{}",
        out.stderr
    );
    // Without --count, the timeout is how it ends: success.
    env.run(&["--local", "tail", "--timeout", "500ms"])
        .expect(0);
}

#[test]
fn simulate_and_tail_need_a_running_backend_and_good_flags() {
    let env = Env::new(None);
    deployed(&env, &[]);
    for args in [
        &["--local", "simulate", "--devices", "1", "--count", "1"][..],
        &["--local", "tail"][..],
    ] {
        let out = env.run(args);
        out.clone().expect(2);
        assert!(
            out.error_line()
                .contains("no `soilctl local up` is running"),
            "{}",
            out.stderr
        );
    }
    let out = env.run(&["--local", "tail", "device/#/x"]);
    assert!(out.clone().expect(2).error_line().contains("# must be"));
    let out = env.run(&["simulate", "--devices", "1", "--interval", "soon"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = env.run(&["--local", "simulate", "--devices", "0"]);
    assert!(out.clone().expect(2).error_line().contains("--devices"));
    let out = env.run(&[
        "--local",
        "simulate",
        "--devices",
        "1",
        "--mqtt-endpoint",
        "nohost",
    ]);
    assert!(out.clone().expect(2).error_line().contains("HOST:PORT"));
}

#[test]
fn demo_runs_the_story_and_leaves_nothing_behind() {
    let env = Env::new(None);
    let tmp = env.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = env
        .command(&[
            "--output",
            "json",
            "demo",
            "--duration",
            "5s",
            "--interval",
            "250ms",
            "--seed",
            "3",
        ])
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["devices"], 5);
    let sent = summary["sent"].as_u64().unwrap();
    assert!(sent >= 5, "{summary}");
    assert_eq!(summary["acknowledged"], sent, "{summary}");
    assert_eq!(summary["archived"], sent, "{summary}");
    assert_eq!(
        summary["alerts"], summary["readings_under_threshold"],
        "{summary}"
    );
    assert_eq!(summary["torn_down"], true);
    assert_eq!(summary["left_behind"], false);
    assert_eq!(summary["problems"].as_array().unwrap().len(), 0);
    for step in ["[1/6]", "[4/6]", "[6/6]"] {
        assert!(stderr.contains(step), "{stderr}");
    }
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // The user's own state directory was never touched.
    assert!(!state_dir(&env).exists());

    // Text: the telemetry and the alerts as emails are on stdout.
    let out = env
        .command(&[
            "demo",
            "--duration",
            "3s",
            "--interval",
            "200ms",
            "--seed",
            "3",
            "--threshold",
            "60",
        ])
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("device/soilSensor1/devicePayload"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Subject: Attention:Humidity Under Threshold"),
        "{stdout}"
    );
    assert!(
        stdout.contains("under threshold for device name soilSensor"),
        "{stdout}"
    );
}

/// Waits for a line in mosquitto's log (it logs every CONNECT and SUBSCRIBE).
pub(crate) fn wait_for_broker_log(broker: &crate::mosquitto::Mosquitto, needle: &str) {
    crate::local::wait_until("mosquitto log", || {
        broker.log().contains(needle).then_some(())
    })
    .unwrap_or_else(|| panic!("no {needle:?} in mosquitto's log:\n{}", broker.log()));
}

/// Debian's mosquitto with mutual TLS as the broker: it trusts the local backend's CA (the
/// simulated devices and tail's operator identity) and a test CA (its own clients).
pub(crate) fn mosquitto_for(env: &Env) -> (crate::mosquitto::Mosquitto, crate::mosquitto::TestPki) {
    let dir = env.path("pki");
    std::fs::create_dir_all(&dir).unwrap();
    let pki = crate::mosquitto::test_pki(&dir);
    let bundle = env.path("client-cas.pem");
    let local_ca = std::fs::read_to_string(state_dir(env).join("ca/ca.pem")).unwrap();
    let test_ca = std::fs::read_to_string(&pki.ca).unwrap();
    std::fs::write(&bundle, format!("{local_ca}{test_ca}")).unwrap();
    let broker = crate::mosquitto::start(&bundle, &pki.server_cert, &pki.server_key);
    (broker, pki)
}

pub(crate) fn mosquitto_client(
    tool: &str,
    port: u16,
    pki: &crate::mosquitto::TestPki,
    name: &str,
) -> std::process::Command {
    let (cert, key) = pki.client(name);
    let mut cmd = std::process::Command::new(crate::mosquitto::client_tool(tool));
    cmd.args(["-h", "localhost", "-p", &port.to_string(), "-i", name])
        .arg("--cafile")
        .arg(&pki.ca)
        .arg("--cert")
        .arg(cert)
        .arg("--key")
        .arg(key)
        .stdin(Stdio::null());
    cmd
}

#[test]
fn simulate_and_tail_work_against_mosquitto_with_mutual_tls() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let (broker, pki) = mosquitto_for(&env);
    let endpoint = format!("localhost:{}", broker.mtls_port);
    let ca = pki.ca.display().to_string();

    // mosquitto_sub receives what simulate publishes.
    let sub = mosquitto_client("mosquitto_sub", broker.mtls_port, &pki, "watcher")
        .args([
            "-t",
            "device/+/devicePayload",
            "-v",
            "-q",
            "1",
            "-C",
            "6",
            "-W",
            "20",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_broker_log(&broker, "Received SUBSCRIBE from watcher");
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "2",
            "--count",
            "3",
            "--interval",
            "50ms",
            "--mqtt-endpoint",
            &endpoint,
            "--mqtt-ca",
            &ca,
        ])
        .expect(0);
    assert_eq!(out.json()["acknowledged"], 6);
    let got = output_of(sub);
    assert_eq!(got.code, 0, "{}", got.stderr);
    let lines: Vec<&str> = got.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", got.stdout);
    for line in lines {
        let (topic, body) = line.split_once(' ').unwrap();
        assert_seed_shape(body, topic.split('/').nth(1).unwrap());
    }

    // tail receives what mosquitto_pub publishes.
    let tail = env
        .command(&[
            "--local",
            "--output",
            "json",
            "tail",
            "device/#",
            "--count",
            "1",
            "--timeout",
            "20s",
            "--mqtt-endpoint",
            &endpoint,
            "--mqtt-ca",
            &ca,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_broker_log(&broker, "Received SUBSCRIBE from soilctl-tail-");
    let status = mosquitto_client("mosquitto_pub", broker.mtls_port, &pki, "publisher")
        .args(["-t", "device/soilSensor9/devicePayload", "-q", "1"])
        .args(["-m", r#"{"name":"soilSensor9","humidity":"20"}"#])
        .status()
        .unwrap();
    assert!(status.success());
    let out = output_of(tail);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(line["topic"], "device/soilSensor9/devicePayload");
    assert_eq!(line["payload"]["humidity"], "20");
}

#[test]
fn tail_connects_over_websocket_with_a_signed_url_like_the_console() {
    let env = Env::new(None);
    let dir = env.path("pki");
    std::fs::create_dir_all(&dir).unwrap();
    let pki = crate::mosquitto::test_pki(&dir);
    let broker = crate::mosquitto::start(&pki.ca, &pki.server_cert, &pki.server_key);
    // The AWS path: credentials and Region from the environment, no device certificate; the
    // broker is mosquitto's WebSocket listener (TLS) instead of the account's endpoint.
    let endpoint = format!("localhost:{}", broker.ws_port);
    let tail = env
        .command(&[
            "--output",
            "json",
            "tail",
            "device/+/devicePayload",
            "--count",
            "2",
            "--timeout",
            "20s",
            "--mqtt-endpoint",
            &endpoint,
            "--mqtt-ca",
        ])
        .arg(&pki.ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_broker_log(&broker, "Received SUBSCRIBE from soilctl-tail-");
    for body in [
        r#"{"name":"a","humidity":50}"#,
        r#"{"name":"a","humidity":10}"#,
    ] {
        let status = std::process::Command::new(crate::mosquitto::client_tool("mosquitto_pub"))
            .args(["-h", "127.0.0.1", "-p", &broker.plain_port.to_string()])
            .args(["-t", "device/a/devicePayload", "-q", "1", "-m", body])
            .status()
            .unwrap();
        assert!(status.success());
    }
    let out = output_of(tail);
    assert_eq!(out.code, 0, "{}\n{}", out.stderr, broker.log());
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[1]["payload"]["humidity"], 10);
    assert!(
        out.stderr
            .contains(&format!("wss://localhost:{}/mqtt", broker.ws_port))
    );

    // Without credentials the AWS path says what to do, before any connection.
    let mut no_creds = Env::new(None);
    no_creds.credentials = false;
    let out = no_creds.run(&["tail", "--mqtt-endpoint", &endpoint]);
    out.clone().expect(2);
    assert!(
        out.error_line().contains("no AWS credentials"),
        "{}",
        out.stderr
    );
}

#[test]
fn tail_reconnects_after_the_backend_restarts_and_says_so() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let up = LocalUp::start_on(&env, port);
    let err_log = env.path("tail.err");
    let tail = env
        .command(&[
            "--local",
            "--output",
            "json",
            "tail",
            "--count",
            "1",
            "--timeout",
            "30s",
        ])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&err_log).unwrap())
        .spawn()
        .unwrap();
    up.wait_for_log("soilctl-tail-");
    up.stop();
    let said = |needle: &str| {
        crate::local::wait_until("tail's stderr", || {
            std::fs::read_to_string(&err_log)
                .ok()
                .filter(|t| t.contains(needle))
        })
        .unwrap_or_else(|| panic!("tail never said {needle:?}"))
    };
    said("lost");
    let up = LocalUp::start_on(&env, port);
    said("reconnected to mqtts://localhost:");
    up.mqtt(&env)
        .device_publish(
            "sensor-1",
            &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":40}"#],
        )
        .expect(0);
    let out = output_of(tail);
    assert_eq!(
        out.code,
        0,
        "{}",
        std::fs::read_to_string(&err_log).unwrap()
    );
    let line: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(line["payload"]["humidity"], 40);
}

#[test]
fn ctrl_c_stops_simulate_cleanly_with_a_summary() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let sim = env
        .command(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "3",
            "--interval",
            "50ms",
            "--duration",
            "10m",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    up.wait_for_log("soilSensor3 connected");
    std::thread::sleep(Duration::from_millis(500));
    let pid = sim.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = output_of(sim);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["interrupted"], true, "{summary}");
    let sent = summary["sent"].as_u64().unwrap();
    assert!(sent > 0);
    assert_eq!(summary["acknowledged"], sent, "{summary}");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(objects(&bucket).len() as u64, sent);
}

#[test]
fn on_aws_simulate_creates_missing_things_through_the_control_plane() {
    let moto = crate::support::Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    // moto has no MQTT broker, and its CreateCertificateFromCsr returns a certificate for a key
    // of its own: what this shows is the control plane (things made, then reused) and that a
    // certificate that does not match the device's key is caught before any connection.
    let run = || {
        env.run(&[
            "--output",
            "json",
            "simulate",
            "--devices",
            "2",
            "--count",
            "1",
            "--mqtt-endpoint",
            "localhost:8883",
        ])
    };
    let out = run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("created soilSensor1"), "{}", out.stderr);
    assert!(
        out.error_line()
            .contains("the private key does not belong to the certificate"),
        "{}",
        out.stderr
    );
    let listed = env
        .run(&["--output", "json", "thing", "list"])
        .expect(0)
        .json();
    assert_eq!(listed["things"].as_array().unwrap().len(), 2, "{listed}");
    // A second run reuses both things and their certificates.
    let again = run();
    assert!(
        again.stderr.contains("reused soilSensor1"),
        "{}",
        again.stderr
    );
    assert!(
        !again.stderr.contains("created soilSensor"),
        "{}",
        again.stderr
    );
}

#[test]
fn devices_that_never_connect_fail_the_run_with_the_reason() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("localhost:{closed}");
    let ca = state_dir(&env).join("ca/ca.pem").display().to_string();
    let out = env.run(&[
        "--local",
        "--output",
        "json",
        "simulate",
        "--devices",
        "2",
        "--duration",
        "1500ms",
        "--mqtt-endpoint",
        &endpoint,
        "--mqtt-ca",
        &ca,
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary = out.json();
    assert_eq!(summary["sent"], 0);
    let failed = summary["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{summary}");
    let error = failed[0]["error"].as_str().unwrap();
    assert!(error.starts_with("never connected: "), "{error}");
    assert!(error.contains(&endpoint), "{error}");
    assert!(out.stderr.contains("retrying in"), "{}", out.stderr);
}

#[test]
fn the_fleet_obeys_a_shadow_update_and_reports_it() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let sim = env
        .command(&[
            "--local",
            "simulate",
            "--devices",
            "1",
            "--interval",
            "100ms",
            "--duration",
            "5s",
            "--seed",
            "4",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    up.wait_for_log("soilSensor1 connected");
    std::thread::sleep(Duration::from_millis(800));
    let before = objects(&bucket).len();
    env.run(&[
        "--local",
        "shadow",
        "update",
        "soilSensor1",
        "--desired",
        r#"{"valve":"open","reportInterval":0.2}"#,
    ])
    .expect(0);
    let out = output_of(sim);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Readings in time order: while the valve is open the soil gets wetter.
    let readings: Vec<i64> = objects(&bucket)
        .iter()
        .filter_map(|(_, b)| serde_json::from_slice::<Value>(b).ok())
        .filter_map(|v| v["humidity"].as_i64())
        .collect();
    let after = &readings[before.min(readings.len())..];
    assert!(after.len() >= 5, "{readings:?}");
    assert!(
        after.last().unwrap() > after.first().unwrap(),
        "humidity did not rise after the valve opened: {after:?}"
    );
    // The device reported what it does.
    let shadow = env
        .run(&[
            "--local",
            "--output",
            "json",
            "shadow",
            "get",
            "soilSensor1",
        ])
        .expect(0)
        .json();
    assert_eq!(shadow["state"]["reported"]["valve"], "open", "{shadow}");
    assert_eq!(
        shadow["state"]["reported"]["reportInterval"], 0.2,
        "{shadow}"
    );
    assert!(shadow["state"].get("delta").is_none(), "{shadow}");
}
