//! Nothing acknowledged is lost: `local up` killed with SIGKILL under QoS 1 load from paho-mqtt
//! devices (a client we did not write), then started again. Every message that got a PUBACK is
//! in the bucket and alerted when under the threshold; retained messages and persistent
//! sessions (with what was queued for them) are still there.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::local::{LocalUp, alerts, deployed, device_dir, objects, state_dir};
use crate::support::{Env, root, venv_bin};

const DEVICES: [&str; 4] = ["sensor-1", "sensor-2", "sensor-3", "sensor-4"];
/// The stack's threshold: readings under it alert.
const THRESHOLD: i64 = 35;

/// One run of paho devices flooding `up` until `acks` PUBACKs were seen, then `local up`
/// killed; returns every acknowledged (seq, device, humidity).
fn flood_then_kill(env: &Env, up: LocalUp, acks: usize) -> Vec<(String, String, i64)> {
    let mut cmd = Command::new(venv_bin("python"));
    cmd.arg(root().join("tests/peers/qos1_flood.py"))
        .arg("localhost")
        .arg(up.port.to_string())
        .arg(state_dir(env).join("ca/ca.pem"));
    for name in DEVICES {
        let dir = device_dir(env, name);
        cmd.arg(format!(
            "{name}:{}:{}",
            dir.join("certificate.pem.crt").display(),
            dir.join("private.pem.key").display()
        ));
    }
    let mut child = Killed(
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting the paho devices"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut acked = Vec::new();
    let started = Instant::now();
    let mut killed = None;
    let mut up = Some(up);
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                let words: Vec<&str> = line.split(' ').collect();
                match words.as_slice() {
                    ["ACK", seq, name, humidity] => {
                        acked.push((seq.to_string(), name.to_string(), humidity.parse().unwrap()))
                    }
                    ["REFUSED", ..] => panic!("a device was refused: {line}"),
                    ["DONE"] => break,
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if killed.is_none() && acked.len() >= acks {
            up.take().unwrap().kill9();
            killed = Some(Instant::now());
        }
        // Past the kill, the devices stop on their own once they notice; a bound for safety.
        if killed.is_some_and(|at| at.elapsed() > Duration::from_secs(10)) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "only {} PUBACKs in 5 minutes",
            acked.len()
        );
    }
    drop(child);
    // Lines still in the pipe were acknowledged too.
    while let Ok(line) = rx.try_recv() {
        if let ["ACK", seq, name, humidity] = line.split(' ').collect::<Vec<_>>().as_slice() {
            acked.push((seq.to_string(), name.to_string(), humidity.parse().unwrap()));
        }
    }
    acked
}

/// A child process killed when the test is done with it, even when it fails.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Each archived message's `seq`, counted (a message in flight at the kill may be there twice).
fn archived(bucket: &std::path::Path) -> HashMap<String, usize> {
    let mut seqs = HashMap::new();
    for (key, body) in objects(bucket) {
        let value: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("object {key} is not a whole JSON message: {e}"));
        if let Some(seq) = value["seq"].as_str() {
            *seqs.entry(seq.to_owned()).or_insert(0) += 1;
        }
    }
    seqs
}

#[test]
fn every_acknowledged_message_is_archived_and_alerted_after_kill_9() {
    let env = Env::new(None);
    let bucket = deployed(&env, &DEVICES);
    let mut all_acked = Vec::new();
    // Kill at different depths of the load.
    for acks in [2000, 8000] {
        let up = LocalUp::start(&env);
        let acked = flood_then_kill(&env, up, acks);
        assert!(acked.len() >= acks, "{} acknowledged", acked.len());
        all_acked.extend(acked);
    }
    // A restart after the last kill runs again what the journal holds unfinished, and serves;
    // a clean stop then finishes everything it accepted.
    let up = LocalUp::start(&env);
    up.mqtt(&env)
        .device_publish(
            "sensor-1",
            &[
                "-q",
                "1",
                "-m",
                r#"{"name":"sensor-1","humidity":50,"seq":"after"}"#,
            ],
        )
        .expect(0);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");

    let seqs = archived(&bucket);
    let lost: Vec<&String> = all_acked
        .iter()
        .map(|(seq, ..)| seq)
        .filter(|seq| !seqs.contains_key(*seq))
        .collect();
    let unique: HashSet<&String> = all_acked.iter().map(|(seq, ..)| seq).collect();
    let twice = seqs.values().filter(|&&n| n > 1).count();
    eprintln!(
        "kill -9 twice: {} acknowledged, {} archived, {} archived twice, {} lost",
        unique.len(),
        seqs.len(),
        twice,
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "{} acknowledged messages are not in the bucket, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert_eq!(unique.len(), all_acked.len(), "a seq acknowledged twice");

    // Every acknowledged reading under the threshold has its alert (the alert names the device
    // and the humidity, so they are compared as counts of each text).
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for (_, name, humidity) in &all_acked {
        if *humidity < THRESHOLD {
            let text = format!("Humidity {humidity} under threshold for device name {name}");
            *wanted.entry(text).or_insert(0) += 1;
        }
    }
    let mut have: BTreeMap<String, usize> = BTreeMap::new();
    for alert in alerts(&env) {
        let body = alert["body"].as_str().unwrap_or_default().to_owned();
        *have.entry(body).or_insert(0) += 1;
    }
    for (text, n) in &wanted {
        let got = have.get(text).copied().unwrap_or(0);
        assert!(got >= *n, "{text:?}: {n} acknowledged, {got} alerts");
    }

    // The restarted backend works as before.
    assert_eq!(seqs.get("after"), Some(&1));
}

#[test]
fn retained_messages_and_persistent_sessions_survive_kill_9() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let operator = state_dir(&env).join("operator");
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    // A persistent session that subscribes and leaves (mosquitto_sub -c -E).
    let mut sub = Command::new(crate::local::mosquitto_tool("mosquitto_sub"));
    sub.args(mqtt.tls_args(&operator)).args([
        "-i",
        "sleeper",
        "-c",
        "-q",
        "1",
        "-t",
        "commands/#",
        "-E",
    ]);
    let out = crate::local::run(sub);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // mosquitto_pub returns once the PUBACK came: both are acknowledged.
    mqtt.publish(
        &operator,
        "retainer",
        "site/status",
        &["-q", "1", "-r", "-m", "watering"],
    )
    .expect(0);
    mqtt.publish(
        &operator,
        "commander",
        "commands/valve",
        &["-q", "1", "-m", "open"],
    )
    .expect(0);
    up.kill9();

    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let mut sub = Command::new(crate::local::mosquitto_tool("mosquitto_sub"));
    sub.args(mqtt.tls_args(&operator))
        .args(["-i", "sleeper", "-c", "-q", "1", "-t", "commands/#", "-v"])
        .args(["-C", "1", "-W", "20"]);
    let out = crate::local::run(sub);
    assert_eq!(out.code, 0, "{}\n{}", out.stderr, up.log());
    assert_eq!(out.stdout.trim(), "commands/valve open");
    let mut sub = Command::new(crate::local::mosquitto_tool("mosquitto_sub"));
    sub.args(mqtt.tls_args(&operator)).args([
        "-i", "late", "-q", "1", "-t", "site/#", "-v", "-C", "1", "-W", "20",
    ]);
    let out = crate::local::run(sub);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "site/status watering");
    assert!(
        up.log().contains("sleeper connected")
            && up.log().contains("persistent session resumed, 1 queued"),
        "{}",
        up.log()
    );
}

#[test]
fn what_a_killed_backend_journaled_runs_at_the_next_start() {
    use soilctl::local::gate::Inbound;
    use soilctl::local::journal::Journal;
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1"]);
    // Messages accepted (and acknowledged) by a backend that was killed before its rules ran:
    // what the journal holds then.
    let dir = state_dir(&env).join("journal");
    {
        let (journal, _) = Journal::open(&dir).expect("the journal opens");
        let batch: Vec<Inbound> = [20, 50, 60]
            .iter()
            .enumerate()
            .map(|(i, humidity)| Inbound {
                topic: "device/sensor-1/devicePayload".to_owned(),
                payload: format!(r#"{{"name":"sensor-1","humidity":{humidity},"seq":"j{i}"}}"#)
                    .into(),
                client_id: "sensor-1".to_owned(),
                principal: String::new(),
                timestamp_ms: 1_700_000_000_000 + i as i64,
                qos: 1,
                retain: false,
                hold: None,
            })
            .collect();
        journal.append(&batch).expect("appended");
    }
    let up = LocalUp::start(&env);
    up.wait_for_log("running the rules again on 3 message(s) accepted before the last stop");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    let seqs = archived(&bucket);
    for seq in ["j0", "j1", "j2"] {
        assert_eq!(seqs.get(seq), Some(&1), "{seq} in {seqs:?}\n{log}");
    }
    let bodies: Vec<String> = alerts(&env)
        .iter()
        .map(|a| a["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        bodies,
        ["Humidity 20 under threshold for device name sensor-1"],
        "{log}"
    );
    // Finished and stopped cleanly: the next start has nothing to run again (the log goes on
    // from the first run's).
    let up = LocalUp::start(&env);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(log.matches("running the rules again").count(), 1, "{log}");
    assert_eq!(archived(&bucket).len(), 3);
}
