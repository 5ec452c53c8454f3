//! Lifecycle events: `$aws/events/presence/connected|disconnected/<clientId>` with AWS's fields
//! and the right `disconnectReason` for each way a session ends, to subscribers and to the
//! rules engine.

use std::time::Duration;

use super::client::{Client, ConnectOptions, Got, got_publish};
use super::support::{Harness, Options, allow_all, certificate_id, harness, harness_with};
use crate::local::broker::codec::Version;
use crate::local::broker::{BrokerEvent, DisconnectReason, KeepAliveBounds};
use crate::local::gate::Action;

const PRESENCE: &str = "$aws/events/presence/#";

/// A watcher subscribed to every lifecycle event (and to `wills/#`).
async fn watcher(h: &Harness) -> Client {
    let identity = h.device("watcher");
    let mut watcher = Client::connected(h, &identity, Version::V5, "watcher").await;
    assert_eq!(
        watcher
            .subscribed(1, &[(PRESENCE, 1), ("wills/#", 1)])
            .await,
        vec![1, 1]
    );
    watcher
}

/// The next lifecycle event the watcher receives for `client_id`, as JSON, acknowledged.
async fn next_event(watcher: &mut Client, client_id: &str) -> (String, serde_json::Value) {
    loop {
        match watcher.recv().await {
            Got::Publish {
                topic,
                payload,
                pid,
                qos,
                ..
            } => {
                if qos == 1 {
                    watcher.puback(pid).await;
                }
                let value: serde_json::Value = match serde_json::from_slice(&payload) {
                    Ok(value) => value,
                    Err(_) => continue,
                };
                if value["clientId"] == client_id {
                    return (topic, value);
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn expect_disconnected(
    watcher: &mut Client,
    client_id: &str,
    reason: &str,
) -> serde_json::Value {
    let (topic, event) = next_event(watcher, client_id).await;
    assert_eq!(
        topic,
        format!("$aws/events/presence/disconnected/{client_id}")
    );
    assert_eq!(event["eventType"], "disconnected");
    assert_eq!(event["disconnectReason"], reason, "{event}");
    assert_eq!(
        event["clientInitiatedDisconnect"],
        reason == "CLIENT_INITIATED_DISCONNECT"
    );
    event
}

fn reason_of(client: &'static str) -> impl FnMut(&BrokerEvent) -> Option<DisconnectReason> {
    move |event| match event {
        BrokerEvent::Disconnected {
            client_id,
            disconnect_reason,
            ..
        } if client_id == client => Some(*disconnect_reason),
        _ => None,
    }
}

#[tokio::test]
async fn connect_and_clean_disconnect_publish_both_events_with_aws_fields() {
    let mut h = harness(allow_all()).await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");
    let (mut client, _) = Client::connect_with(
        &h,
        &device,
        Version::V3,
        "sensor-1",
        ConnectOptions {
            keep_alive: 60,
            will: Some(("wills/sensor-1".to_owned(), b"gone".to_vec(), 1, false)),
        },
    )
    .await;
    let (topic, connected) = next_event(&mut watcher, "sensor-1").await;
    assert_eq!(topic, "$aws/events/presence/connected/sensor-1");
    assert_eq!(connected["eventType"], "connected");
    assert_eq!(
        connected["principalIdentifier"],
        certificate_id(device.chain[0].as_ref())
    );
    assert_eq!(connected["ipAddress"], "127.0.0.1");
    assert_eq!(connected["versionNumber"], 0);
    let session = connected["sessionIdentifier"].as_str().unwrap().to_owned();
    assert_eq!(session.len(), 36, "{session}");
    let timestamp = connected["timestamp"].as_i64().unwrap();
    assert!(
        (crate::clock::now_ms() - timestamp).abs() < 10_000,
        "{timestamp}"
    );

    client.disconnect(0).await;
    let disconnected =
        expect_disconnected(&mut watcher, "sensor-1", "CLIENT_INITIATED_DISCONNECT").await;
    assert_eq!(disconnected["sessionIdentifier"], session.as_str());
    assert_eq!(disconnected["versionNumber"], 0);
    assert_eq!(
        disconnected["principalIdentifier"],
        connected["principalIdentifier"]
    );
    // A clean disconnect sends no will.
    assert_eq!(watcher.recv_within(Duration::from_millis(300)).await, None);

    // The rules engine gets both events, as from the backend itself.
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let inbound = h.next_inbound_or_event().await;
        assert_eq!(
            (inbound.client_id.as_str(), inbound.principal.as_str()),
            ("", "")
        );
        seen.push(inbound.topic);
    }
    assert!(seen.contains(&"$aws/events/presence/connected/sensor-1".to_owned()));
    assert!(seen.contains(&"$aws/events/presence/disconnected/sensor-1".to_owned()));
}

#[tokio::test]
async fn a_dropped_connection_is_connection_lost_with_its_will() {
    let h = harness(allow_all()).await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");
    let (client, _) = Client::connect_with(
        &h,
        &device,
        Version::V5,
        "dropped",
        ConnectOptions {
            keep_alive: 60,
            will: Some(("wills/dropped".to_owned(), b"gone".to_vec(), 1, false)),
        },
    )
    .await;
    next_event(&mut watcher, "dropped").await;
    drop(client);
    // The will comes first, then the event.
    match watcher.recv().await {
        Got::Publish {
            topic,
            payload,
            pid,
            ..
        } => {
            assert_eq!(
                (topic.as_str(), &payload[..]),
                ("wills/dropped", &b"gone"[..])
            );
            watcher.puback(pid).await;
        }
        other => panic!("expected the will, got {other:?}"),
    }
    expect_disconnected(&mut watcher, "dropped", "CONNECTION_LOST").await;
    assert_eq!(
        h.event(reason_of("dropped")).await,
        DisconnectReason::ConnectionLost
    );
}

#[tokio::test]
async fn takeover_is_duplicate_clientid_and_versions_grow() {
    let h = harness(allow_all()).await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");
    let (mut old, _) = Client::connect(&h, &device, Version::V5, "twin").await;
    let (_, first) = next_event(&mut watcher, "twin").await;
    assert_eq!(first["versionNumber"], 0);
    let _new = Client::connected(&h, &device, Version::V5, "twin").await;
    assert_eq!(old.closed().await, Some(0x8E));
    let mut events = Vec::new();
    for _ in 0..2 {
        events.push(next_event(&mut watcher, "twin").await.1);
    }
    let connected = events
        .iter()
        .find(|e| e["eventType"] == "connected")
        .unwrap();
    let ended = events
        .iter()
        .find(|e| e["eventType"] == "disconnected")
        .unwrap();
    assert_eq!(connected["versionNumber"], 1);
    assert_eq!(ended["versionNumber"], 0);
    assert_eq!(ended["disconnectReason"], "DUPLICATE_CLIENTID");
    assert_eq!(ended["clientInitiatedDisconnect"], false);
    assert_ne!(ended["sessionIdentifier"], connected["sessionIdentifier"]);
}

#[tokio::test]
async fn keep_alive_timeout_is_reported_as_such() {
    let options = Options {
        keep_alive: KeepAliveBounds {
            min_secs: 1,
            max_secs: 1200,
        },
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");
    let (mut idle, _) = Client::connect_with(
        &h,
        &device,
        Version::V3,
        "idle",
        ConnectOptions {
            keep_alive: 1,
            will: Some(("wills/idle".to_owned(), b"gone".to_vec(), 0, false)),
        },
    )
    .await;
    next_event(&mut watcher, "idle").await;
    assert_eq!(idle.closed().await, None);
    assert_eq!(
        watcher.recv().await,
        got_publish("wills/idle", b"gone", 0, 0, false)
    );
    expect_disconnected(&mut watcher, "idle", "MQTT_KEEP_ALIVE_TIMEOUT").await;
}

#[tokio::test]
async fn refused_publish_is_auth_error_and_protocol_errors_are_client_error() {
    let h = harness(|client_id: &str, action, topic: &str| {
        action != Action::Publish || client_id == "watcher" || topic.starts_with("device/")
    })
    .await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");

    let mut client = Client::connected(&h, &device, Version::V5, "nosy").await;
    next_event(&mut watcher, "nosy").await;
    client.publish("other/topic", b"x", 1, 1, false).await;
    assert_eq!(client.closed().await, Some(0x87));
    expect_disconnected(&mut watcher, "nosy", "AUTH_ERROR").await;

    let mut client = Client::connected(&h, &device, Version::V5, "qos2").await;
    next_event(&mut watcher, "qos2").await;
    client.publish("device/x", b"x", 2, 1, false).await;
    assert_eq!(client.closed().await, Some(0x9B));
    expect_disconnected(&mut watcher, "qos2", "CLIENT_ERROR").await;

    let mut client = Client::connected(&h, &device, Version::V3, "garbled").await;
    next_event(&mut watcher, "garbled").await;
    client.raw(&[0x82, 0x03, 0x00, 0x01, 0x00]).await;
    assert!(matches!(client.recv().await, Got::Closed(_)));
    expect_disconnected(&mut watcher, "garbled", "CLIENT_ERROR").await;
}

#[tokio::test]
async fn shutdown_is_server_initiated() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let (mut client, _) = Client::connect(&h, &device, Version::V5, "stay").await;
    h.shutdown.cancel();
    assert_eq!(client.closed().await, Some(0x8B));
    assert_eq!(
        h.event(reason_of("stay")).await,
        DisconnectReason::ServerInitiatedDisconnect
    );
}

#[tokio::test]
async fn wildcard_client_ids_get_no_events() {
    let mut h = harness(allow_all()).await;
    let mut watcher = watcher(&h).await;
    let device = h.device("sensor");
    let (mut client, _) = Client::connect(&h, &device, Version::V5, "odd+id").await;
    client.disconnect(0).await;
    assert_eq!(
        h.event(reason_of("odd+id")).await,
        DisconnectReason::ClientInitiatedDisconnect
    );
    assert_eq!(watcher.recv_within(Duration::from_millis(300)).await, None);
    // Only the watcher's own connected event reached the rules engine.
    let first = h.next_inbound_or_event().await;
    assert_eq!(first.topic, "$aws/events/presence/connected/watcher");
    let more = tokio::time::timeout(Duration::from_millis(300), h.sink.recv()).await;
    assert!(more.is_err(), "{more:?}");
}
