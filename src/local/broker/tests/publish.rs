//! PUBLISH: checks, the rules engine hand-over, acknowledgements and the size limit.

use std::time::Duration;

use super::client::{Client, Got};
use super::support::{Options, allow_all, harness, harness_with};
use crate::local::broker::BrokerEvent;
use crate::local::broker::codec::Version;
use crate::local::gate::Action;

fn disconnected(client: &'static str) -> impl FnMut(&BrokerEvent) -> Option<String> {
    move |event| match event {
        BrokerEvent::Disconnected {
            client_id, reason, ..
        } if client_id == client => Some(reason.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn accepted_publish_reaches_the_rules_engine() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    for (version, client_id) in [(Version::V3, "dev-3"), (Version::V5, "dev-5")] {
        let mut client = Client::connected(&h, &device, version, client_id).await;
        client
            .publish("device/1/data", b"{\"m\":41}", 1, 9, false)
            .await;
        assert_eq!(client.recv().await, Got::Puback(9));
        let inbound = h.next_inbound().await;
        assert_eq!(inbound.topic, "device/1/data");
        assert_eq!(&inbound.payload[..], b"{\"m\":41}");
        assert_eq!(inbound.client_id, client_id);
        assert_eq!(
            inbound.principal,
            super::support::certificate_id(device.chain[0].as_ref())
        );
        assert_eq!((inbound.qos, inbound.retain), (1, false));
        assert!(inbound.timestamp_ms > 1_600_000_000_000);
        client.publish("device/1/data", b"q0", 0, 0, false).await;
        assert_eq!(&h.next_inbound().await.payload[..], b"q0");
    }
}

#[tokio::test]
async fn refused_publish_disconnects() {
    let mut h = harness(|client_id: &str, action, topic: &str| {
        action != Action::Publish || topic.starts_with(&format!("device/{client_id}/"))
    })
    .await;
    let device = h.device("sensor");
    let mut v5 = Client::connected(&h, &device, Version::V5, "d1").await;
    v5.publish("device/other/devicePayload", b"x", 1, 1, false)
        .await;
    assert_eq!(v5.closed().await, Some(0x87));
    let reason = h.event(disconnected("d1")).await;
    assert!(
        reason.starts_with("publish to device/other/devicePayload not allowed by the policies attached to certificate "),
        "{reason}"
    );
    let mut v3 = Client::connected(&h, &device, Version::V3, "d2").await;
    v3.publish("device/other/devicePayload", b"x", 0, 0, false)
        .await;
    assert_eq!(v3.closed().await, None);
    h.event(disconnected("d2")).await;
    h.no_inbound().await;
}

#[tokio::test]
async fn reserved_topics_and_qos2_are_refused() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V5, "r").await;
    client.publish("$SYS/x", b"x", 0, 0, false).await;
    assert_eq!(client.closed().await, Some(0x87));
    let mut client = Client::connected(&h, &device, Version::V5, "q").await;
    client.publish("a/b", b"x", 2, 5, false).await;
    assert_eq!(client.closed().await, Some(0x9B));
    // `$aws/things/...` is open.
    let mut client = Client::connected(&h, &device, Version::V5, "s").await;
    client
        .publish("$aws/things/t1/shadow/update", b"{}", 1, 3, false)
        .await;
    assert_eq!(client.recv().await, Got::Puback(3));
    assert_eq!(h.next_inbound().await.topic, "$aws/things/t1/shadow/update");
    // ... and served by the shadow service, which rejects a request without a state.
    assert_eq!(
        h.next_inbound().await.topic,
        "$aws/things/t1/shadow/update/rejected"
    );
    h.no_inbound().await;
}

#[tokio::test]
async fn retained_publish_needs_retain_permission() {
    let h = harness(|_: &str, action, _: &str| action != Action::RetainPublish).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V5, "rt").await;
    client.publish("a/b", b"x", 1, 1, true).await;
    assert_eq!(client.closed().await, Some(0x87));
    assert!(
        h.event(disconnected("rt"))
            .await
            .starts_with("retained publish to a/b")
    );
}

#[tokio::test]
async fn payload_limit_is_128_kb() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V5, "big").await;
    let limit = 128 * 1024;
    client.publish("a/b", &vec![b'x'; limit], 1, 1, false).await;
    assert_eq!(client.recv().await, Got::Puback(1));
    assert_eq!(h.next_inbound().await.payload.len(), limit);
    client
        .publish("a/b", &vec![b'x'; limit + 1], 1, 2, false)
        .await;
    assert_eq!(client.closed().await, Some(0x95));
    assert_eq!(
        h.event(disconnected("big")).await,
        "message of 131073 bytes exceeds the 128 KB limit"
    );
    h.no_inbound().await;
}

#[tokio::test]
async fn oversized_packet_is_refused_from_its_header() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V3, "huge").await;
    // A PUBLISH announcing 10 MB, and not one byte of it sent.
    client.raw(&[0x30, 0x80, 0xAD, 0xE2, 0x04]).await;
    assert!(matches!(client.recv().await, Got::Closed(_)));
    assert_eq!(
        h.event(disconnected("huge")).await,
        "message of 10000000 bytes exceeds the 128 KB limit"
    );
}

#[tokio::test]
async fn puback_waits_until_the_rules_engine_is_done() {
    let options = Options {
        keep_holds: true,
        ..Options::default()
    };
    let mut h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V3, "slow-rules").await;
    client.publish("a/1", b"first", 1, 1, false).await;
    client.publish("a/2", b"second", 1, 2, false).await;
    // Both messages are with the rules engine, which has not finished either.
    let first = h.next_inbound().await;
    let second = h.next_inbound().await;
    assert_eq!(client.recv_within(Duration::from_millis(300)).await, None);
    // The second finishes first: its PUBACK still waits for the first one's.
    drop(second);
    assert_eq!(client.recv_within(Duration::from_millis(300)).await, None);
    drop(first);
    assert_eq!(client.recv().await, Got::Puback(1));
    assert_eq!(client.recv().await, Got::Puback(2));
    // QoS 0 has nothing to wait for.
    client.publish("a/3", b"third", 0, 0, false).await;
    let third = h.next_inbound().await;
    assert!(third.hold.is_none());
}

#[tokio::test]
async fn puback_waits_for_room_in_the_rules_engine() {
    let options = Options {
        sink_capacity: 1,
        keep_holds: true,
        ..Options::default()
    };
    let mut h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V3, "full-rules").await;
    // The connected lifecycle event takes the only place first.
    let event = h.next_inbound_or_event().await;
    assert_eq!(event.topic, "$aws/events/presence/connected/full-rules");
    client.publish("a/1", b"first", 1, 1, false).await;
    client.publish("a/2", b"second", 1, 2, false).await;
    assert_eq!(client.recv_within(Duration::from_millis(300)).await, None);
    assert_eq!(&h.next_inbound().await.payload[..], b"first");
    assert_eq!(client.recv().await, Got::Puback(1));
    assert_eq!(&h.next_inbound().await.payload[..], b"second");
    assert_eq!(client.recv().await, Got::Puback(2));
}

#[tokio::test]
async fn malformed_packets_disconnect() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V5, "bad").await;
    // A SUBSCRIBE with a packet id but no filter.
    client.raw(&[0x82, 0x03, 0x00, 0x01, 0x00]).await;
    assert_eq!(client.closed().await, Some(0x81));
    let mut client = Client::connected(&h, &device, Version::V5, "bad2").await;
    // PUBREL: part of the QoS 2 flow.
    client.raw(&[0x62, 0x02, 0x00, 0x01]).await;
    assert_eq!(client.closed().await, Some(0x82));
}
