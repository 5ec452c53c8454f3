//! Presence: lifecycle events and last wills seen by `mosquitto_sub` while `simulate` runs,
//! ends cleanly or is killed; `thing list` filters locally (connectivity from the broker) and
//! on AWS against moto (ListThings with pagination, SearchIndex when indexing is on).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::local::{LocalUp, deployed, mosquitto_tool, state_dir, wait_until};
use crate::support::*;

const DEVICE: &str = "soilSensor1";

/// `mosquitto_sub` as the operator on the lifecycle events and the devices' topic; its lines
/// (`topic payload`) arrive on the returned channel.
fn watch(env: &Env, up: &LocalUp, client_id: &str) -> (Child, mpsc::Receiver<String>) {
    let mqtt = up.mqtt(env);
    let operator = state_dir(env).join("operator");
    let mut cmd = Command::new(mosquitto_tool("mosquitto_sub"));
    cmd.args(mqtt.tls_args(&operator))
        .args(["-i", client_id, "-v", "-q", "1"])
        .args([
            "-t",
            "$aws/events/presence/#",
            "-t",
            "device/+/devicePayload",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("starting mosquitto_sub");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    up.wait_for_log(&format!("{client_id} connected"));
    (child, rx)
}

/// Lines received until one satisfies `last` (included), or a panic after 30 s.
fn lines_until(rx: &mpsc::Receiver<String>, last: impl Fn(&str) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = last(&line);
                lines.push(line);
                if done {
                    return lines;
                }
            }
            Err(_) => panic!("the awaited line did not come; got {lines:#?}"),
        }
    }
}

/// The lifecycle events among `lines`, as JSON, for `client_id`.
fn events(lines: &[String], kind: &str, client_id: &str) -> Vec<serde_json::Value> {
    let topic = format!("$aws/events/presence/{kind}/{client_id}");
    lines
        .iter()
        .filter_map(|l| l.split_once(' '))
        .filter(|(t, _)| *t == topic)
        .map(|(_, body)| serde_json::from_str(body).expect("a lifecycle event is JSON"))
        .collect()
}

fn is_disconnected_event(line: &str) -> bool {
    line.starts_with(&format!("$aws/events/presence/disconnected/{DEVICE} "))
}

fn list(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--local", "--output", "json", "thing", "list"];
    args.extend_from_slice(extra);
    env.run(&args).expect(0).json()
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_clean_run_is_connected_then_client_initiated_disconnect_without_will() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let (mut sub, rx) = watch(&env, &up, "presence-watch");
    env.run(&["--local", "simulate", "--devices", "1", "--count", "1"])
        .expect(0);
    let lines = lines_until(&rx, is_disconnected_event);
    let _ = sub.kill();
    let _ = sub.wait();

    let connected = events(&lines, "connected", DEVICE);
    assert_eq!(connected.len(), 1, "{lines:#?}");
    let connected = &connected[0];
    assert_eq!(connected["clientId"], DEVICE);
    assert_eq!(connected["eventType"], "connected");
    assert_eq!(connected["ipAddress"], "127.0.0.1");
    assert!(connected["principalIdentifier"].as_str().unwrap().len() == 64);
    assert!(connected["timestamp"].as_i64().unwrap() > 1_600_000_000_000);
    let disconnected = &events(&lines, "disconnected", DEVICE)[0];
    assert_eq!(
        disconnected["disconnectReason"],
        "CLIENT_INITIATED_DISCONNECT"
    );
    assert_eq!(disconnected["clientInitiatedDisconnect"], true);
    assert_eq!(
        disconnected["sessionIdentifier"],
        connected["sessionIdentifier"]
    );
    assert_eq!(disconnected["versionNumber"], connected["versionNumber"]);
    // The one reading, and no will.
    let payloads: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with(&format!("device/{DEVICE}/devicePayload ")))
        .collect();
    assert_eq!(payloads.len(), 1, "{lines:#?}");
    assert!(payloads[0].contains("humidity"), "{lines:#?}");

    // The registry remembers: disconnected, and why.
    let listed = list(&env, &[]);
    let thing = &listed["things"][0];
    assert_eq!(thing["name"], DEVICE);
    assert_eq!(thing["connectivity"]["connected"], false);
    assert_eq!(
        thing["connectivity"]["disconnectReason"],
        "CLIENT_INITIATED_DISCONNECT"
    );
    let text = env.run(&["--local", "status"]).expect(0);
    assert!(text.stdout.contains("CONNECTIVITY"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("DISCONNECTED (CLIENT_INITIATED_DISCONNECT) since "),
        "{}",
        text.stdout
    );
    up.stop();
}

#[test]
fn a_killed_simulate_is_listed_connected_then_lost_with_its_will() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let (mut sub, rx) = watch(&env, &up, "presence-watch");
    let mut simulate = env
        .command(&[
            "--local",
            "simulate",
            "--devices",
            "1",
            "--count",
            "1000",
            "--interval",
            "10m",
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(env.path("simulate.log")).unwrap())
        .spawn()
        .expect("starting simulate");

    // While it runs, the device is listed as connected. (The first list waits for the
    // connection: concurrent soilctl commands may race on preparing the operator identity.)
    up.wait_for_log(&format!("{DEVICE} connected"));
    let connected = wait_until("the device listed as connected", || {
        let listed = list(&env, &["--connected"]);
        (names(&listed) == [DEVICE]).then_some(listed)
    })
    .unwrap_or_else(|| {
        panic!(
            "never listed as connected:\n{}\n{}",
            up.log(),
            std::fs::read_to_string(env.path("simulate.log")).unwrap_or_default()
        )
    });
    assert_eq!(connected["things"][0]["connectivity"]["connected"], true);
    assert!(names(&list(&env, &["--disconnected"])).is_empty());
    let text = env.run(&["--local", "thing", "list"]).expect(0);
    assert!(text.stdout.contains("CONNECTED since "), "{}", text.stdout);

    // SIGKILL: no DISCONNECT, so the will goes out and the session is lost.
    Command::new("kill")
        .args(["-KILL", &simulate.id().to_string()])
        .status()
        .unwrap();
    simulate.wait().unwrap();
    let lines = lines_until(&rx, is_disconnected_event);
    let _ = sub.kill();
    let _ = sub.wait();
    assert_eq!(events(&lines, "connected", DEVICE).len(), 1, "{lines:#?}");
    let disconnected = &events(&lines, "disconnected", DEVICE)[0];
    assert_eq!(disconnected["disconnectReason"], "CONNECTION_LOST");
    assert_eq!(disconnected["clientInitiatedDisconnect"], false);
    let will = lines
        .iter()
        .filter_map(|l| l.strip_prefix(&format!("device/{DEVICE}/devicePayload ")))
        .map(|body| serde_json::from_str::<serde_json::Value>(body).unwrap())
        .find(|v| v["status"] == "offline")
        .unwrap_or_else(|| panic!("no will in {lines:#?}"));
    assert_eq!(will["name"], DEVICE);
    assert!(will.get("humidity").is_none());

    let listed = wait_until("the device listed as disconnected", || {
        let listed = list(&env, &["--disconnected"]);
        (names(&listed) == [DEVICE]).then_some(listed)
    })
    .expect("never listed as disconnected");
    assert_eq!(
        listed["things"][0]["connectivity"]["disconnectReason"],
        "CONNECTION_LOST"
    );
    up.stop();
    // With no backend running nothing is connected.
    assert!(names(&list(&env, &["--connected"])).is_empty());
}

#[test]
fn thing_list_filters_by_attribute_and_type_locally() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1", "sensor-2"]);
    let all = list(&env, &["--attribute", "soilctl-stack=iot-backend"]);
    assert_eq!(names(&all), ["sensor-1", "sensor-2"]);
    // Not running: everything disconnected, never seen.
    assert_eq!(all["things"][0]["connectivity"]["connected"], false);
    assert!(all["things"][0]["connectivity"].get("sinceMs").is_none());
    assert!(names(&list(&env, &["--attribute", "soilctl-stack=other"])).is_empty());
    assert!(
        names(&list(
            &env,
            &[
                "--attribute",
                "soilctl-stack=iot-backend",
                "--attribute",
                "zone=north"
            ]
        ))
        .is_empty()
    );
    assert!(names(&list(&env, &["--thing-type", "soil-v2"])).is_empty());
    let out = env.run(&["--local", "thing", "list", "--attribute", "novalue"]);
    out.expect(2);
    let out = env.run(&["--local", "thing", "list", "--connected", "--disconnected"]);
    out.expect(2);
}

/// Things made straight through the SDK: `n` of the stack's (every third in zone north, every
/// second of type soil-v2) and one of another stack.
fn aws_things(moto: &Moto, n: usize) {
    let c = moto.clients();
    block_on(async {
        c.iot
            .create_thing_type()
            .thing_type_name("soil-v2")
            .send()
            .await
            .unwrap();
        for i in 1..=n {
            let mut attributes = aws_sdk_iot::types::AttributePayload::builder()
                .attributes("soilctl-stack", "iot-backend");
            if i % 3 == 0 {
                attributes = attributes.attributes("zone", "north");
            }
            let mut create = c
                .iot
                .create_thing()
                .thing_name(format!("s{i}"))
                .attribute_payload(attributes.build());
            if i % 2 == 0 {
                create = create.thing_type_name("soil-v2");
            }
            create.send().await.unwrap();
        }
        c.iot
            .create_thing()
            .thing_name("foreign")
            .attribute_payload(
                aws_sdk_iot::types::AttributePayload::builder()
                    .attributes("soilctl-stack", "elsewhere")
                    .attributes("zone", "north")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
}

fn aws_list(env: &Env, extra: &[&str]) -> (serde_json::Value, String) {
    let mut args = vec!["--output", "json", "thing", "list"];
    args.extend_from_slice(extra);
    let out = env.run(&args).expect(0);
    let stderr = out.stderr.clone();
    (out.json(), stderr)
}

#[test]
fn on_aws_without_indexing_list_things_pages_and_filters() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    // More than one page of ListThings (250 a page).
    aws_things(&moto, 260);
    let (all, stderr) = aws_list(&env, &[]);
    assert_eq!(all["things"].as_array().unwrap().len(), 260);
    assert!(all["things"][0].get("connectivity").is_none());
    assert!(
        all["connectivityNote"]
            .as_str()
            .unwrap()
            .contains("fleet indexing is off"),
        "{all}"
    );
    assert!(stderr.contains("update-indexing-configuration"), "{stderr}");
    let (north, _) = aws_list(&env, &["--attribute", "zone=north"]);
    assert_eq!(north["things"].as_array().unwrap().len(), 86);
    let (typed, _) = aws_list(
        &env,
        &["--attribute", "zone=north", "--thing-type", "soil-v2"],
    );
    let typed = names(&typed);
    assert_eq!(typed.len(), 43);
    assert!(
        typed
            .iter()
            .all(|n| n[1..].parse::<usize>().unwrap() % 6 == 0)
    );
    assert_eq!(
        all["things"][0]["arn"].as_str().unwrap().rsplit('/').next(),
        Some("s1")
    );

    // Connectivity needs fleet indexing: one line, exit 2.
    let out = env.run(&["thing", "list", "--connected"]).expect(2);
    assert!(
        out.error_line()
            .contains("connectivity needs fleet indexing with connectivity on: `aws iot update-indexing-configuration"),
        "{}",
        out.stderr
    );
}

#[test]
fn on_aws_with_indexing_thing_list_searches_the_index() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    aws_things(&moto, 12);
    let c = moto.clients();
    let set_indexing = |connectivity: &str| {
        block_on(
            c.iot
                .update_indexing_configuration()
                .thing_indexing_configuration(
                    aws_sdk_iot::types::ThingIndexingConfiguration::builder()
                        .thing_indexing_mode(aws_sdk_iot::types::ThingIndexingMode::Registry)
                        .thing_connectivity_indexing_mode(connectivity.into())
                        .build()
                        .unwrap(),
                )
                .send(),
        )
        .unwrap();
    };
    set_indexing("OFF");
    let (north, stderr) = aws_list(&env, &["--attribute", "zone=north"]);
    assert!(
        stderr.contains(
            "Searching the fleet index: attributes.soilctl-stack:iot-backend AND attributes.zone:north"
        ),
        "{stderr}"
    );
    assert_eq!(names(&north), ["s3", "s6", "s9", "s12"]);
    assert!(north["things"][0]["arn"].as_str().unwrap().ends_with("/s3"));
    let (typed, stderr) = aws_list(&env, &["--thing-type", "soil-v2"]);
    assert!(stderr.contains("AND thingTypeName:soil-v2"), "{stderr}");
    assert_eq!(typed["things"].as_array().unwrap().len(), 6);
    assert_eq!(typed["things"][0]["thingTypeName"], "soil-v2");
    assert!(
        north["connectivityNote"]
            .as_str()
            .unwrap()
            .contains("fleet indexing is on without connectivity")
    );
    env.run(&["thing", "list", "--disconnected"]).expect(2);

    // With connectivity indexed, the query asks for it (moto cannot evaluate that term, so
    // only the query is checked) and plain lists show each thing's connectivity.
    set_indexing("STATUS");
    let out = env.run(&["thing", "list", "--connected"]).expect(0);
    assert!(
        out.stderr.contains("AND connectivity.connected:true"),
        "{}",
        out.stderr
    );
    let (all, _) = aws_list(&env, &[]);
    assert_eq!(all["things"].as_array().unwrap().len(), 12);
    assert!(all["things"][0]["connectivity"]["connected"].is_boolean());
    assert!(all.get("connectivityNote").is_none());
    // status takes connectivity from the index too.
    let status = env.run(&["--output", "json", "status"]).expect(0).json();
    assert_eq!(status["things"].as_array().unwrap().len(), 12);
    assert!(status["things"][0]["connectivity"]["connected"].is_boolean());
    set_indexing("OFF");
    let status = env.run(&["--output", "json", "status"]).expect(0).json();
    assert!(
        status["connectivityNote"]
            .as_str()
            .unwrap()
            .contains("without connectivity"),
        "{status}"
    );
}
