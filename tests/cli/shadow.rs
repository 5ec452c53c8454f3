//! `soilctl shadow get | update | delete`: against moto's iot-data (which keeps versions and
//! computes deltas) and against the local backend, with and without a running `local up`. The
//! same requests give the same document shapes on both.

use std::time::Duration;

use serde_json::{Value, json};

use crate::local::{LocalUp, deployed, state_dir};
use crate::support::{Env, Moto, block_on};

/// Runs `soilctl [--local] --output json ARGS` and returns the document.
fn json_of(env: &Env, local: bool, args: &[&str]) -> Value {
    let mut all = Vec::new();
    if local {
        all.push("--local");
    }
    all.extend(["--output", "json"]);
    all.extend_from_slice(args);
    env.run(&all).expect(0).json()
}

fn run(env: &Env, local: bool, args: &[&str]) -> crate::support::Output {
    let mut all = Vec::new();
    if local {
        all.push("--local");
    }
    all.extend_from_slice(args);
    env.run(&all)
}

/// The whole story on one backend: desired, then reported to match, a named shadow, a version
/// conflict, bad input, delete.
fn shadow_story(env: &Env, local: bool) {
    // Desired only: version 1, and a delta.
    let accepted = json_of(
        env,
        local,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"open"}"#,
        ],
    );
    assert_eq!(accepted["version"], 1, "{accepted}");
    assert_eq!(accepted["state"], json!({"desired": {"valve": "open"}}));
    assert!(accepted["metadata"]["desired"]["valve"]["timestamp"].is_u64());
    assert!(accepted.get("clientToken").is_none(), "{accepted}");

    let doc = json_of(env, local, &["shadow", "get", "sensor-1"]);
    assert_eq!(doc["version"], 1, "{doc}");
    assert_eq!(doc["state"]["desired"], json!({"valve": "open"}));
    assert_eq!(doc["state"]["delta"], json!({"valve": "open"}));
    assert!(doc["state"].get("reported").is_none(), "{doc}");
    assert!(doc["timestamp"].is_u64());
    assert!(doc.get("clientToken").is_none(), "{doc}");
    let text = run(env, local, &["shadow", "get", "sensor-1"])
        .expect(0)
        .stdout;
    assert!(
        text.starts_with("The classic shadow of sensor-1: version 1, last updated "),
        "{text}"
    );
    assert!(text.contains("delta (desired, not reported yet):\n  {\n    \"valve\": \"open\"\n  }"));

    // Reported to match: the delta is gone, version 2.
    let text = run(
        env,
        local,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--reported",
            r#"{"valve":"open"}"#,
        ],
    )
    .expect(0)
    .stdout;
    assert!(
        text.starts_with("Updated the classic shadow of sensor-1: version 2\n"),
        "{text}"
    );
    let doc = json_of(env, local, &["shadow", "get", "sensor-1"]);
    assert_eq!(doc["version"], 2, "{doc}");
    assert!(doc["state"].get("delta").is_none(), "{doc}");
    assert_eq!(doc["state"]["reported"], json!({"valve": "open"}));
    let text = run(env, local, &["shadow", "get", "sensor-1"])
        .expect(0)
        .stdout;
    assert!(text.contains("delta: (none"), "{text}");

    // A new desired value: the text form shows the delta the device gets.
    let text = run(
        env,
        local,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"closed","interval":60}"#,
            "--version",
            "2",
            "--client-token",
            "ops-1",
        ],
    )
    .expect(0)
    .stdout;
    assert!(text.contains("version 3"), "{text}");
    assert!(
        text.contains("delta (sent to the device on $aws/things/sensor-1/shadow/update/delta):"),
        "{text}"
    );
    assert!(text.contains("\"valve\": \"closed\""), "{text}");

    // A stale version: rejected, with the current one.
    let out = run(
        env,
        local,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"open"}"#,
            "--version",
            "1",
        ],
    )
    .expect(1);
    assert!(
        out.error_line()
            .contains("version conflict: the classic shadow of sensor-1 is at version 3, not 1"),
        "{}",
        out.stderr
    );
    assert_eq!(
        json_of(env, local, &["shadow", "get", "sensor-1"])["version"],
        3
    );

    // A named shadow is separate from the classic one.
    let accepted = json_of(
        env,
        local,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--name",
            "config",
            "--reported",
            r#"{"interval":60}"#,
        ],
    );
    assert_eq!(accepted["version"], 1, "{accepted}");
    let doc = json_of(
        env,
        local,
        &["shadow", "get", "sensor-1", "--name", "config"],
    );
    assert_eq!(doc["state"], json!({"reported": {"interval": 60}}));
    assert_eq!(doc["version"], 1);
    let out = run(
        env,
        local,
        &["shadow", "get", "sensor-1", "--name", "other"],
    )
    .expect(1);
    assert_eq!(
        out.error_line(),
        "error: thing sensor-1 has no shadow named other"
    );

    // Bad input exits 2 before anything is sent.
    for bad in [
        vec!["shadow", "update", "sensor-1", "--desired", "{valve:open}"],
        vec!["shadow", "update", "sensor-1", "--reported", "[1,2]"],
        vec!["shadow", "update", "sensor-1"],
        vec!["shadow", "get", "sensor 1"],
        vec!["shadow", "get", "sensor-1", "--name", "a/b"],
    ] {
        run(env, local, &bad).expect(2);
    }

    // Delete, then the shadow is gone; deleting again is fine.
    let out = run(env, local, &["shadow", "delete", "sensor-1"]).expect(0);
    assert!(
        out.stdout
            .starts_with("Deleted the classic shadow of sensor-1 (it was at version "),
        "{}",
        out.stdout
    );
    let out = run(env, local, &["shadow", "get", "sensor-1"]).expect(1);
    assert_eq!(out.error_line(), "error: thing sensor-1 has no shadow");
    run(env, local, &["shadow", "delete", "sensor-1"]).expect(0);
    let doc = json_of(
        env,
        local,
        &["shadow", "get", "sensor-1", "--name", "config"],
    );
    assert_eq!(doc["version"], 1, "the named shadow stays");
}

#[test]
fn shadows_on_moto_have_deltas_versions_and_conflicts() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    // moto keeps shadows on registry things.
    let c = moto.clients();
    block_on(async {
        c.iot
            .create_thing()
            .thing_name("sensor-1")
            .send()
            .await
            .unwrap();
    });
    shadow_story(&env, false);
}

#[test]
fn the_data_plane_can_have_its_own_endpoint() {
    let moto = Moto::start();
    let c = moto.clients();
    block_on(async {
        c.iot
            .create_thing()
            .thing_name("sensor-1")
            .send()
            .await
            .unwrap();
    });
    // No AWS_ENDPOINT_URL: the per-service variables route IoT and its data plane.
    let env = Env::new(None);
    let out = env
        .command(&[
            "--output",
            "json",
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"open"}"#,
        ])
        .env("AWS_ENDPOINT_URL_IOT", moto.url())
        .env("AWS_ENDPOINT_URL_IOT_DATA_PLANE", moto.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let accepted: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accepted["version"], 1);
}

#[test]
fn local_shadows_without_a_running_backend_are_served_from_the_registry() {
    let env = Env::new(None);
    shadow_story(&env, true);
    // What the CLI stored is what a `local up` serves devices later.
    let registry =
        soilctl::local::registry::Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    assert_eq!(registry.shadow("sensor-1", None).unwrap(), None);
    let named = registry
        .shadow("sensor-1", Some("config"))
        .unwrap()
        .unwrap();
    assert_eq!(named.reported["interval"], 60);
}

#[test]
fn local_shadow_updates_reach_online_devices_through_the_running_backend() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let operator = state_dir(&env).join("operator");
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);

    // A device-side watcher on the delta topic.
    let watcher = mqtt.subscribe(
        &operator,
        "op-delta",
        "$aws/things/sensor-1/shadow/update/delta",
        1,
    );
    up.wait_for_log("op-delta connected");
    std::thread::sleep(Duration::from_millis(300));
    let out = env
        .run(&[
            "--local",
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"open"}"#,
        ])
        .expect(0);
    assert!(
        out.stdout
            .contains("delta (sent to the device on $aws/things/sensor-1/shadow/update/delta):"),
        "{}",
        out.stdout
    );
    let delivered = watcher.wait_with_output().unwrap();
    let line = String::from_utf8_lossy(&delivered.stdout);
    assert!(delivered.status.success(), "{line}");
    let (topic, payload) = line.trim().split_once(' ').expect("topic and payload");
    assert_eq!(topic, "$aws/things/sensor-1/shadow/update/delta");
    let delta: Value = serde_json::from_str(payload).unwrap();
    assert_eq!(delta["state"], json!({"valve": "open"}));
    assert_eq!(delta["version"], 1);

    // The rest goes through the broker too, with the same shapes as on AWS.
    shadow_story_after_first_update(&env);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

/// The story from version 1 on, through a running `local up`.
fn shadow_story_after_first_update(env: &Env) {
    let doc = json_of(env, true, &["shadow", "get", "sensor-1"]);
    assert_eq!(doc["version"], 1, "{doc}");
    assert_eq!(doc["state"]["delta"], json!({"valve": "open"}));
    assert!(doc.get("clientToken").is_none(), "{doc}");
    let accepted = json_of(
        env,
        true,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--reported",
            r#"{"valve":"open"}"#,
        ],
    );
    assert_eq!(accepted["version"], 2);
    assert!(accepted.get("clientToken").is_none(), "{accepted}");
    let doc = json_of(env, true, &["shadow", "get", "sensor-1"]);
    assert!(doc["state"].get("delta").is_none(), "{doc}");
    let out = env
        .run(&[
            "--local",
            "shadow",
            "update",
            "sensor-1",
            "--desired",
            r#"{"valve":"closed"}"#,
            "--version",
            "1",
        ])
        .expect(1);
    assert!(
        out.error_line()
            .contains("version conflict: the classic shadow of sensor-1 is at version 2, not 1"),
        "{}",
        out.stderr
    );
    let accepted = json_of(
        env,
        true,
        &[
            "shadow",
            "update",
            "sensor-1",
            "--name",
            "config",
            "--desired",
            r#"{"interval":60}"#,
            "--client-token",
            "ops-2",
        ],
    );
    assert_eq!(accepted["clientToken"], "ops-2");
    assert_eq!(accepted["version"], 1);
    env.run(&["--local", "shadow", "delete", "sensor-1"])
        .expect(0);
    let out = env.run(&["--local", "shadow", "get", "sensor-1"]).expect(1);
    assert_eq!(out.error_line(), "error: thing sensor-1 has no shadow");
    env.run(&["--local", "shadow", "delete", "sensor-1"])
        .expect(0);
}
