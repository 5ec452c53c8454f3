//! The Device Shadow service on the reserved topics: requests, answers, policies, stores.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::client::{Client, Got};
use super::support::{allow_all, harness};
use crate::local::broker::codec::Version;
use crate::local::gate::Action;
use crate::local::registry::Registry;

const SHADOW: &str = "$aws/things/sensor-1/shadow";

/// The next `n` messages published to `client` (acknowledging QoS 1 ones), as (topic, JSON);
/// PUBACKs for the client's own publishes are skipped.
async fn messages(client: &mut Client, n: usize) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    while out.len() < n {
        match client.recv().await {
            Got::Publish {
                topic,
                payload,
                qos,
                pid,
                ..
            } => {
                if qos == 1 {
                    client.puback(pid).await;
                }
                let value = serde_json::from_slice(&payload)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&payload).into()));
                out.push((topic, value));
            }
            Got::Puback(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    out
}

fn topics(got: &[(String, Value)]) -> Vec<&str> {
    got.iter().map(|(t, _)| t.as_str()).collect()
}

async fn quiet(client: &mut Client) {
    if let Some(got) = client.recv_within(Duration::from_millis(300)).await {
        panic!("unexpected {got:?}");
    }
}

#[tokio::test]
async fn update_get_and_delete_answer_on_the_reserved_topics() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut app = Client::connected(&h, &device, Version::V5, "app").await;
    assert_eq!(
        app.subscribed(1, &[("$aws/things/+/shadow/#", 0)]).await,
        vec![0]
    );

    let update = br#"{"state":{"desired":{"interval":60,"led":{"on":true}}},"clientToken":"u1"}"#;
    app.publish(&format!("{SHADOW}/update"), update, 1, 7, false)
        .await;
    let got = messages(&mut app, 4).await;
    assert_eq!(
        topics(&got),
        [
            "$aws/things/sensor-1/shadow/update",
            "$aws/things/sensor-1/shadow/update/accepted",
            "$aws/things/sensor-1/shadow/update/delta",
            "$aws/things/sensor-1/shadow/update/documents",
        ]
    );
    let accepted = &got[1].1;
    assert_eq!(
        accepted["state"],
        json!({"desired": {"interval": 60, "led": {"on": true}}})
    );
    let ts = accepted["timestamp"].as_u64().unwrap();
    assert!(ts > 1_600_000_000);
    assert_eq!(
        accepted["metadata"],
        json!({"desired": {"interval": {"timestamp": ts}, "led": {"on": {"timestamp": ts}}}})
    );
    assert_eq!(
        (accepted["version"].clone(), accepted["clientToken"].clone()),
        (json!(1), json!("u1"))
    );
    let delta = &got[2].1;
    assert_eq!(delta["state"], json!({"interval": 60, "led": {"on": true}}));
    assert_eq!(delta["version"], 1);
    assert_eq!(delta["clientToken"], "u1");
    let documents = &got[3].1;
    assert_eq!(documents["previous"], Value::Null);
    assert_eq!(documents["current"]["version"], 1);
    assert_eq!(documents["current"]["state"], accepted["state"]);

    // The rules engine sees the request and every answer.
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(h.next_inbound().await.topic);
    }
    assert_eq!(seen, topics(&got));

    // The device reports: accepted and documents, no delta left.
    app.publish(
        &format!("{SHADOW}/update"),
        br#"{"state":{"reported":{"interval":60,"led":{"on":true}}},"version":1}"#,
        0,
        0,
        false,
    )
    .await;
    let got = messages(&mut app, 3).await;
    assert_eq!(
        topics(&got)[1..],
        [
            "$aws/things/sensor-1/shadow/update/accepted",
            "$aws/things/sensor-1/shadow/update/documents",
        ]
    );
    assert_eq!(got[1].1["version"], 2);
    assert_eq!(got[2].1["previous"]["version"], 1);

    app.publish(
        &format!("{SHADOW}/get"),
        br#"{"clientToken":"g"}"#,
        0,
        0,
        false,
    )
    .await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[1].0, "$aws/things/sensor-1/shadow/get/accepted");
    let doc = &got[1].1;
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["clientToken"], "g");
    assert_eq!(doc["state"]["reported"], doc["state"]["desired"]);
    assert!(doc["state"].get("delta").is_none());
    assert!(doc["metadata"]["reported"]["led"]["on"]["timestamp"].is_u64());

    app.publish(&format!("{SHADOW}/delete"), b"", 0, 0, false)
        .await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[1].0, "$aws/things/sensor-1/shadow/delete/accepted");
    assert_eq!(got[1].1["version"], 2);
    app.publish(&format!("{SHADOW}/get"), b"", 0, 0, false)
        .await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[1].0, "$aws/things/sensor-1/shadow/get/rejected");
    assert_eq!(got[1].1["code"], 404);
    assert_eq!(
        got[1].1["message"],
        "No shadow exists with name: 'sensor-1'"
    );
    // The version carries on after a delete.
    app.publish(
        &format!("{SHADOW}/update"),
        br#"{"state":{"reported":{"x":1}}}"#,
        0,
        0,
        false,
    )
    .await;
    let got = messages(&mut app, 3).await;
    assert_eq!(got[1].1["version"], 3);
    quiet(&mut app).await;
}

#[tokio::test]
async fn named_shadows_conflicts_and_bad_requests_are_rejected_on_their_own_topics() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut app = Client::connected(&h, &device, Version::V3, "app").await;
    let named = format!("{SHADOW}/name/config");
    assert_eq!(
        app.subscribed(1, &[(&format!("{named}/#"), 0)]).await,
        vec![0]
    );

    app.publish(
        &format!("{named}/update"),
        br#"{"state":{"reported":{"fw":"1.0"}}}"#,
        0,
        0,
        false,
    )
    .await;
    let got = messages(&mut app, 3).await;
    assert_eq!(got[1].0, format!("{named}/update/accepted"));
    assert_eq!(got[2].0, format!("{named}/update/documents"));

    // A stale version.
    app.publish(
        &format!("{named}/update"),
        br#"{"state":{"reported":{"fw":"2.0"}},"version":7,"clientToken":"c"}"#,
        0,
        0,
        false,
    )
    .await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[1].0, format!("{named}/update/rejected"));
    let rejected = &got[1].1;
    assert_eq!(rejected["code"], 409);
    assert_eq!(rejected["message"], "Version conflict");
    assert_eq!(rejected["clientToken"], "c");

    // Not JSON.
    app.publish(&format!("{named}/update"), b"fw=2", 0, 0, false)
        .await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[1].0, format!("{named}/update/rejected"));
    assert_eq!(got[1].1["code"], 400);
    assert_eq!(got[1].1["message"], "Invalid JSON");

    // The classic shadow is another shadow.
    app.publish(&format!("{SHADOW}/get"), b"", 0, 0, false)
        .await;
    app.publish(&format!("{named}/get"), b"", 0, 0, false).await;
    let got = messages(&mut app, 2).await;
    assert_eq!(got[0].0, format!("{named}/get"));
    assert_eq!(got[1].0, format!("{named}/get/accepted"));
    assert_eq!(got[1].1["state"]["reported"]["fw"], "1.0");
    assert_eq!(got[1].1["version"], 1);
    quiet(&mut app).await;
}

#[tokio::test]
async fn policies_apply_to_shadow_topics() {
    let mut h = harness(|client_id: &str, action, topic: &str| match action {
        // Each client may use only its own thing's shadow.
        Action::Publish => topic.starts_with(&format!("$aws/things/{client_id}/shadow/")),
        Action::Receive => !(client_id == "limited" && topic.ends_with("/documents")),
        _ => true,
    })
    .await;
    let device = h.device("sensor");
    let mut watcher = Client::connected(&h, &device, Version::V5, "limited").await;
    assert_eq!(
        watcher
            .subscribed(1, &[("$aws/things/sensor-1/shadow/update/#", 0)])
            .await,
        vec![0]
    );

    // Refused publish: disconnected, nothing served.
    let mut intruder = Client::connected(&h, &device, Version::V5, "intruder").await;
    intruder
        .publish(
            &format!("{SHADOW}/update"),
            br#"{"state":{"desired":{"a":1}}}"#,
            1,
            1,
            false,
        )
        .await;
    assert_eq!(intruder.closed().await, Some(0x87));
    quiet(&mut watcher).await;
    h.no_inbound().await;

    // Allowed publish: the watcher gets what it may receive (not the documents).
    let mut owner = Client::connected(&h, &device, Version::V5, "sensor-1").await;
    owner
        .publish(
            &format!("{SHADOW}/update"),
            br#"{"state":{"desired":{"a":1}}}"#,
            1,
            1,
            false,
        )
        .await;
    let got = messages(&mut watcher, 3).await;
    assert_eq!(
        topics(&got),
        [
            "$aws/things/sensor-1/shadow/update",
            "$aws/things/sensor-1/shadow/update/accepted",
            "$aws/things/sensor-1/shadow/update/delta",
        ]
    );
    quiet(&mut watcher).await;

    // Nobody publishes on the answer topics but the service.
    owner
        .publish(&format!("{SHADOW}/update/accepted"), b"{}", 0, 0, false)
        .await;
    assert_eq!(owner.closed().await, Some(0x87));
}

#[tokio::test]
async fn in_process_publishes_are_served_and_the_registry_keeps_shadows() {
    let h = harness(allow_all()).await;
    let dir = tempfile::tempdir().unwrap();
    let registry = Arc::new(Registry::open(&dir.path().join("registry.db")).unwrap());
    h.broker().serve_shadows_from(registry.clone());
    let device = h.device("sensor");
    let mut app = Client::connected(&h, &device, Version::V5, "app").await;
    assert_eq!(
        app.subscribed(1, &[(&format!("{SHADOW}/update/accepted"), 0)])
            .await,
        vec![0]
    );
    h.broker().publish(
        &format!("{SHADOW}/update"),
        br#"{"state":{"reported":{"moisture":31}}}"#.to_vec().into(),
        1,
        false,
    );
    let got = messages(&mut app, 1).await;
    assert_eq!(got[0].1["state"]["reported"]["moisture"], 31);
    let stored = registry.shadow("sensor-1", None).unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.reported["moisture"], 31);
    // Wills on shadow topics are not served: only client and in-process publishes are.
}
