//! Device shadows on the local backend: mosquitto clients with the operator's identity talk to
//! `local up` on the reserved shadow topics; the shadow is kept in the registry across restarts.

use std::path::Path;
use std::process::Child;
use std::time::Duration;

use serde_json::Value;
use soilctl::local::registry::Registry;
use soilctl::local::state::StateDir;

use crate::local::{LocalUp, Mqtt, deployed, state_dir};
use crate::support::Env;

const SHADOW: &str = "$aws/things/sensor-1/shadow";

/// `mosquitto_sub -v` output: one (topic, JSON payload) per line.
fn received(child: Child) -> Vec<(String, Value)> {
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mosquitto_sub failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            let (topic, payload) = line.split_once(' ').expect("topic and payload");
            let value = serde_json::from_str(payload)
                .unwrap_or_else(|e| panic!("{topic}: {payload:?} is not JSON: {e}"));
            (topic.to_owned(), value)
        })
        .collect()
}

/// Subscribes as the operator and waits until the broker has the client.
fn watch(up: &LocalUp, mqtt: &Mqtt<'_>, operator: &Path, id: &str, filter: &str, n: u32) -> Child {
    let child = mqtt.subscribe(operator, id, filter, n);
    up.wait_for_log(&format!("{id} connected"));
    // The SUBSCRIBE follows the CONNECT at once; leave it a moment to be processed.
    std::thread::sleep(Duration::from_millis(300));
    child
}

#[test]
fn mosquitto_clients_update_get_and_delete_a_shadow_that_survives_a_restart() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let operator = state_dir(&env).join("operator");
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);

    let watcher = watch(
        &up,
        &mqtt,
        &operator,
        "op-shadow",
        &format!("{SHADOW}/#"),
        4,
    );
    let update = r#"{"state":{"desired":{"interval":60}},"clientToken":"cli-1"}"#;
    mqtt.publish(
        &operator,
        "op-app",
        &format!("{SHADOW}/update"),
        &["-q", "1", "-m", update],
    )
    .expect(0);
    let got = received(watcher);
    let topics: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        topics,
        [
            "$aws/things/sensor-1/shadow/update",
            "$aws/things/sensor-1/shadow/update/accepted",
            "$aws/things/sensor-1/shadow/update/delta",
            "$aws/things/sensor-1/shadow/update/documents",
        ]
    );
    let (accepted, delta, documents) = (&got[1].1, &got[2].1, &got[3].1);
    assert_eq!(accepted["state"]["desired"]["interval"], 60);
    assert_eq!(accepted["version"], 1);
    assert_eq!(accepted["clientToken"], "cli-1");
    assert!(accepted["metadata"]["desired"]["interval"]["timestamp"].is_u64());
    assert_eq!(delta["state"], serde_json::json!({"interval": 60}));
    assert_eq!(documents["previous"], Value::Null);
    assert_eq!(documents["current"]["state"]["desired"]["interval"], 60);

    // Kept in the registry, where the CLI reads it.
    let registry = Registry::open(&StateDir::new(state_dir(&env)).registry()).unwrap();
    let stored = registry.shadow("sensor-1", None).unwrap().expect("stored");
    assert_eq!(stored.version, 1);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");

    // A new `local up` serves the same shadow.
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let watcher = watch(
        &up,
        &mqtt,
        &operator,
        "op-get",
        &format!("{SHADOW}/get/+"),
        1,
    );
    mqtt.publish(&operator, "op-app", &format!("{SHADOW}/get"), &["-n"])
        .expect(0);
    let got = received(watcher);
    assert_eq!(got[0].0, "$aws/things/sensor-1/shadow/get/accepted");
    assert_eq!(got[0].1["version"], 1);
    assert_eq!(got[0].1["state"]["delta"]["interval"], 60);

    // Deleted: gone from the registry, and a get is rejected.
    let watcher = watch(&up, &mqtt, &operator, "op-del", &format!("{SHADOW}/+/+"), 3);
    mqtt.publish(&operator, "op-app", &format!("{SHADOW}/delete"), &["-n"])
        .expect(0);
    mqtt.publish(&operator, "op-app", &format!("{SHADOW}/get"), &["-n"])
        .expect(0);
    mqtt.publish(
        &operator,
        "op-app",
        &format!("{SHADOW}/update"),
        &["-m", "not json"],
    )
    .expect(0);
    let got = received(watcher);
    let summary: Vec<(&str, &Value)> = got.iter().map(|(t, v)| (t.as_str(), &v["code"])).collect();
    assert_eq!(
        summary,
        [
            ("$aws/things/sensor-1/shadow/delete/accepted", &Value::Null),
            (
                "$aws/things/sensor-1/shadow/get/rejected",
                &Value::from(404)
            ),
            (
                "$aws/things/sensor-1/shadow/update/rejected",
                &Value::from(400)
            ),
        ]
    );
    assert_eq!(got[0].1["version"], 1);
    assert_eq!(
        got[1].1["message"],
        "No shadow exists with name: 'sensor-1'"
    );
    assert_eq!(registry.shadow("sensor-1", None).unwrap(), None);
    up.stop();
}
