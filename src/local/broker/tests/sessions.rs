//! Persistent sessions: MQTT 3.1.1 clean session 0 and MQTT 5 session expiry, what is queued
//! while the client is away, what goes again with DUP, expiry, queue limits, takeover and a
//! restart of the broker with its state in a registry on disk.

use std::sync::Arc;
use std::time::Duration;

use super::client::{Client, Got, SessionFlags};
use super::support::{Harness, Identity, Options, allow_all, harness_with};
use crate::local::broker::codec::Version;
use crate::local::broker::{BrokerEvent, SessionKind, SessionSettings};
use crate::local::registry::Registry;

const PERSISTENT: SessionFlags = SessionFlags {
    clean: false,
    expiry: None,
};
const CLEAN: SessionFlags = SessionFlags {
    clean: true,
    expiry: None,
};

fn v5(clean: bool, expiry: u32) -> SessionFlags {
    SessionFlags {
        clean,
        expiry: Some(expiry),
    }
}

fn session_present(connack: &Got) -> bool {
    match connack {
        Got::Connack {
            code: 0,
            session_present,
            ..
        } => *session_present,
        other => panic!("expected a successful CONNACK, got {other:?}"),
    }
}

async fn connect(
    h: &Harness,
    device: &Identity,
    version: Version,
    client_id: &str,
    session: SessionFlags,
) -> (Client, bool) {
    let (client, connack) = Client::connect_session(h, device, version, client_id, session).await;
    let present = session_present(&connack);
    (client, present)
}

/// Publishes `payloads` at QoS 1 on `topic` from a fresh connection and waits for each PUBACK.
async fn publish_all(h: &Harness, device: &Identity, topic: &str, payloads: &[&str]) {
    let mut publisher = Client::connected(h, device, Version::V3, "publisher").await;
    for (i, payload) in payloads.iter().enumerate() {
        let pid = u16::try_from(i + 1).unwrap();
        publisher
            .publish(topic, payload.as_bytes(), 1, pid, false)
            .await;
        assert_eq!(publisher.recv().await, Got::Puback(pid));
    }
    publisher.disconnect(0).await;
}

/// Waits until `client_id` has disconnected `times` times.
async fn disconnected(h: &Harness, client_id: &str, times: usize) {
    for _ in 0..500 {
        let seen = h
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(
                |e| matches!(e, BrokerEvent::Disconnected { client_id: id, .. } if id == client_id),
            )
            .count();
        if seen >= times {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{client_id} did not disconnect {times} times");
}

/// Receives a QoS 1 publish, acknowledges it and returns its payload.
async fn take(client: &mut Client) -> String {
    match client.recv().await {
        Got::Publish {
            payload, qos, pid, ..
        } => {
            assert_eq!(qos, 1);
            client.puback(pid).await;
            String::from_utf8(payload).unwrap()
        }
        other => panic!("expected a publish, got {other:?}"),
    }
}

#[tokio::test]
async fn queued_qos1_messages_wait_for_the_client_and_come_in_order() {
    for version in [Version::V3, Version::V5] {
        let h = harness_with(allow_all(), Options::default()).await;
        let device = h.device("sensor");
        let session = match version {
            Version::V3 => PERSISTENT,
            Version::V5 => v5(false, 3600),
        };
        let (mut sleeper, present) = connect(&h, &device, version, "sleeper", session).await;
        assert!(!present, "{version:?}: a first connection has no session");
        assert_eq!(sleeper.subscribed(1, &[("cmd/#", 1)]).await, [1]);
        sleeper.disconnect(0).await;
        h.event(|e| {
            matches!(e, BrokerEvent::Disconnected { client_id, .. } if client_id == "sleeper")
                .then_some(())
        })
        .await;

        publish_all(&h, &device, "cmd/valve", &["one", "two", "three"]).await;
        let mut publisher = Client::connected(&h, &device, Version::V3, "qos0").await;
        publisher.publish("cmd/valve", b"lost", 0, 0, false).await;
        publisher.disconnect(0).await;

        let (mut sleeper, present) = connect(&h, &device, version, "sleeper", session).await;
        assert!(present, "{version:?}: the session was kept");
        for expected in ["one", "two", "three"] {
            assert_eq!(take(&mut sleeper).await, expected, "{version:?}");
        }
        // QoS 0 messages are not kept for an absent client; the subscription still works.
        publish_all(&h, &device, "cmd/valve", &["four"]).await;
        assert_eq!(take(&mut sleeper).await, "four");
        let resumed = h
            .event(|e| match e {
                BrokerEvent::Connected {
                    client_id,
                    session: SessionKind::Resumed { queued },
                    ..
                } if client_id == "sleeper" => Some(*queued),
                _ => None,
            })
            .await;
        assert_eq!(resumed, 3);
    }
}

#[tokio::test]
async fn a_clean_start_discards_the_session() {
    for version in [Version::V3, Version::V5] {
        let h = harness_with(allow_all(), Options::default()).await;
        let device = h.device("sensor");
        let persistent = match version {
            Version::V3 => PERSISTENT,
            Version::V5 => v5(false, 600),
        };
        let (mut c, _) = connect(&h, &device, version, "d", persistent).await;
        c.subscribed(1, &[("cmd/#", 1)]).await;
        c.disconnect(0).await;
        publish_all(&h, &device, "cmd/x", &["queued"]).await;
        let clean = match version {
            Version::V3 => CLEAN,
            Version::V5 => v5(true, 600),
        };
        let (mut c, present) = connect(&h, &device, version, "d", clean).await;
        assert!(!present, "{version:?}");
        assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
        c.disconnect(0).await;
        // Nothing of the old session is left: not even its subscription.
        let (mut c, present) = connect(&h, &device, version, "d", persistent).await;
        assert!(!present || version == Version::V5, "{version:?}");
        publish_all(&h, &device, "cmd/x", &["after"]).await;
        assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
    }
}

#[tokio::test]
async fn a_clean_session_keeps_nothing() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let (mut c, present) = connect(&h, &device, Version::V3, "c", CLEAN).await;
    assert!(!present);
    c.subscribed(1, &[("cmd/#", 1)]).await;
    c.disconnect(0).await;
    publish_all(&h, &device, "cmd/x", &["gone"]).await;
    let (mut c, present) = connect(&h, &device, Version::V3, "c", PERSISTENT).await;
    assert!(!present);
    assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
    // MQTT 5 with no session expiry: the session ends with the connection.
    let (mut c, _) = connect(&h, &device, Version::V5, "five", v5(false, 0)).await;
    c.subscribed(1, &[("cmd/#", 1)]).await;
    c.disconnect(0).await;
    let (_c, present) = connect(&h, &device, Version::V5, "five", v5(false, 0)).await;
    assert!(!present);
}

#[tokio::test]
async fn an_unacknowledged_delivery_goes_again_with_dup() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let (mut c, _) = connect(&h, &device, Version::V3, "flaky", PERSISTENT).await;
    c.subscribed(1, &[("cmd/#", 1)]).await;
    publish_all(&h, &device, "cmd/x", &["first", "second"]).await;
    let Got::Publish { pid, dup, .. } = c.recv().await else {
        panic!("expected a publish");
    };
    assert!(!dup);
    // The second is acknowledged, the first never: the connection breaks.
    let Got::Publish { pid: second, .. } = c.recv().await else {
        panic!("expected a publish");
    };
    c.puback(second).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(c);
    h.event(|e| {
        matches!(e, BrokerEvent::Disconnected { client_id, .. } if client_id == "flaky")
            .then_some(())
    })
    .await;
    let (mut c, present) = connect(&h, &device, Version::V3, "flaky", PERSISTENT).await;
    assert!(present);
    assert_eq!(
        c.recv().await,
        Got::Publish {
            topic: "cmd/x".to_owned(),
            payload: b"first".to_vec(),
            qos: 1,
            pid,
            retain: false,
            dup: true,
        }
    );
    c.puback(pid).await;
    assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn a_takeover_hands_the_session_to_the_new_connection() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let (mut old, _) = connect(&h, &device, Version::V5, "moved", v5(false, 600)).await;
    old.subscribed(1, &[("cmd/#", 1)]).await;
    publish_all(&h, &device, "cmd/x", &["in flight"]).await;
    let Got::Publish { pid, .. } = old.recv().await else {
        panic!("expected a publish");
    };
    let (mut new, present) = connect(&h, &device, Version::V5, "moved", v5(false, 600)).await;
    assert!(present);
    assert_eq!(old.closed().await, Some(0x8E));
    assert_eq!(
        new.recv().await,
        Got::Publish {
            topic: "cmd/x".to_owned(),
            payload: b"in flight".to_vec(),
            qos: 1,
            pid,
            retain: false,
            dup: true,
        }
    );
}

#[tokio::test]
async fn sessions_expire_with_what_was_queued() {
    let options = Options {
        sessions: SessionSettings {
            max_expiry_secs: 1,
            ..SessionSettings::default()
        },
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    // MQTT 3.1.1 gets the broker's expiry; MQTT 5 asks, and is capped at it.
    for (version, session, id) in [
        (Version::V3, PERSISTENT, "three"),
        (Version::V5, v5(false, 7200), "five"),
    ] {
        let (mut c, _) = connect(&h, &device, version, id, session).await;
        c.subscribed(1, &[("cmd/#", 1)]).await;
        c.disconnect(0).await;
    }
    publish_all(&h, &device, "cmd/x", &["too late"]).await;
    for id in ["three", "five"] {
        let queued = h
            .event(|e| match e {
                BrokerEvent::SessionExpired { client_id, queued } if client_id == id => {
                    Some(*queued)
                }
                _ => None,
            })
            .await;
        assert_eq!(queued, 1, "{id}");
    }
    let (mut c, present) = connect(&h, &device, Version::V3, "three", PERSISTENT).await;
    assert!(!present);
    assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn an_mqtt5_disconnect_can_end_the_session() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let (mut c, _) = connect(&h, &device, Version::V5, "leaving", v5(false, 600)).await;
    c.subscribed(1, &[("cmd/#", 1)]).await;
    c.disconnect_with_expiry(0).await;
    h.event(|e| {
        matches!(e, BrokerEvent::Disconnected { client_id, .. } if client_id == "leaving")
            .then_some(())
    })
    .await;
    let (_c, present) = connect(&h, &device, Version::V5, "leaving", v5(false, 600)).await;
    assert!(!present);
}

#[tokio::test]
async fn a_full_queue_drops_and_says_so() {
    let options = Options {
        sessions: SessionSettings {
            queue_limit: 2,
            ..SessionSettings::default()
        },
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let (mut c, _) = connect(&h, &device, Version::V3, "full", PERSISTENT).await;
    c.subscribed(1, &[("cmd/#", 1)]).await;
    c.disconnect(0).await;
    publish_all(&h, &device, "cmd/x", &["a", "b", "c", "d"]).await;
    let reason = h
        .event(|e| match e {
            BrokerEvent::QueueFull {
                client_id, reason, ..
            } if client_id == "full" => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, "2 messages are already queued for the session");
    let (mut c, _) = connect(&h, &device, Version::V3, "full", PERSISTENT).await;
    assert_eq!(take(&mut c).await, "a");
    assert_eq!(take(&mut c).await, "b");
    assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn sessions_and_retained_messages_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Arc::new(Registry::open(&dir.path().join("registry.db")).unwrap());
    let options = Options {
        store: registry.clone(),
        ..Options::default()
    };
    let mut h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let (mut c, _) = connect(&h, &device, Version::V3, "sleeper", PERSISTENT).await;
    c.subscribed(1, &[("cmd/#", 1)]).await;
    c.disconnect(0).await;
    publish_all(&h, &device, "cmd/valve", &["open", "close"]).await;
    let mut publisher = Client::connected(&h, &device, Version::V3, "retainer").await;
    publisher.publish("status/site", b"ok", 1, 9, true).await;
    assert_eq!(publisher.recv().await, Got::Puback(9));
    publisher.disconnect(0).await;

    h.restart().await;
    assert!(registry.has_saved_session("sleeper").unwrap());
    let (mut c, present) = connect(&h, &device, Version::V3, "sleeper", PERSISTENT).await;
    assert!(present, "the session survived the restart");
    assert_eq!(take(&mut c).await, "open");
    assert_eq!(take(&mut c).await, "close");
    // Acknowledged messages are gone from the store: after another restart nothing is resent.
    c.disconnect(0).await;
    // Once the broker has read the acknowledgements and the DISCONNECT.
    disconnected(&h, "sleeper", 2).await;
    h.restart().await;
    let (mut c, present) = connect(&h, &device, Version::V3, "sleeper", PERSISTENT).await;
    assert!(present);
    assert_eq!(c.recv_within(Duration::from_millis(300)).await, None);
    let mut watcher = Client::connected(&h, &device, Version::V3, "watcher").await;
    watcher.subscribed(1, &[("status/#", 1)]).await;
    let Got::Publish {
        topic,
        payload,
        retain,
        ..
    } = watcher.recv().await
    else {
        panic!("expected the retained message");
    };
    assert_eq!(
        (topic.as_str(), &payload[..], retain),
        ("status/site", &b"ok"[..], true)
    );
}

#[tokio::test]
async fn a_persistent_session_keeps_its_session_identifier() {
    let mut h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let mut identifiers = Vec::new();
    for session in [PERSISTENT, PERSISTENT, CLEAN] {
        let (mut c, _) = connect(&h, &device, Version::V3, "same", session).await;
        loop {
            let event = h.next_inbound_or_event().await;
            if event.topic == "$aws/events/presence/connected/same" {
                let json: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
                identifiers.push(json["sessionIdentifier"].as_str().unwrap().to_owned());
                break;
            }
        }
        c.disconnect(0).await;
    }
    assert_eq!(identifiers[0], identifiers[1]);
    assert_ne!(identifiers[1], identifiers[2]);
}

#[tokio::test]
async fn a_sleeping_subscriber_does_not_slow_down_acknowledgements() {
    // A message queued for an absent client is acknowledged once it is stored; with no store
    // that is at once, and the publisher is never held up by the absent client.
    let options = Options {
        sessions: SessionSettings {
            replay_per_second: 1000,
            ..SessionSettings::default()
        },
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let (mut c, _) = connect(&h, &device, Version::V3, "away", PERSISTENT).await;
    c.subscribed(1, &[("#", 1)]).await;
    c.disconnect(0).await;
    let payloads: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = payloads.iter().map(String::as_str).collect();
    publish_all(&h, &device, "t/x", &refs).await;
    let (mut c, _) = connect(&h, &device, Version::V3, "away", PERSISTENT).await;
    for expected in &payloads {
        assert_eq!(&take(&mut c).await, expected);
    }
}
