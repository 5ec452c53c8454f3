//! SUBSCRIBE and delivery: grants, refusals, `iot:Receive`, retained messages.

use std::time::Duration;

use bytes::Bytes;

use super::client::{Client, Got, got_publish};
use super::support::{allow_all, harness};
use crate::local::broker::BrokerEvent;
use crate::local::broker::codec::Version;
use crate::local::gate::Action;

#[tokio::test]
async fn subscribers_receive_across_versions_at_the_lower_qos() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut sub3 = Client::connected(&h, &device, Version::V3, "sub3").await;
    let mut sub5 = Client::connected(&h, &device, Version::V5, "sub5").await;
    assert_eq!(sub3.subscribed(1, &[("device/+/data", 1)]).await, vec![1]);
    // QoS 2 is granted as 1.
    assert_eq!(
        sub5.subscribed(1, &[("device/#", 2), ("other", 0)]).await,
        vec![1, 0]
    );
    let mut publisher = Client::connected(&h, &device, Version::V5, "pub").await;
    publisher.publish("device/7/data", b"m1", 1, 1, false).await;
    assert_eq!(publisher.recv().await, Got::Puback(1));
    let got = sub3.recv().await;
    assert_eq!(got, got_publish("device/7/data", b"m1", 1, 1, false));
    assert_eq!(
        sub5.recv().await,
        got_publish("device/7/data", b"m1", 1, 1, false)
    );
    sub3.puback(1).await;
    sub5.puback(1).await;
    publisher.publish("device/7/data", b"m2", 0, 0, false).await;
    assert_eq!(
        sub3.recv().await,
        got_publish("device/7/data", b"m2", 0, 0, false)
    );
    assert_eq!(
        sub5.recv().await,
        got_publish("device/7/data", b"m2", 0, 0, false)
    );
}

#[tokio::test]
async fn refused_filters_get_failure_codes() {
    let h = harness(|_: &str, action, target: &str| {
        action != Action::Subscribe || !target.starts_with("secret")
    })
    .await;
    let device = h.device("sensor");
    let mut v3 = Client::connected(&h, &device, Version::V3, "s3").await;
    assert_eq!(
        v3.subscribed(1, &[("open/#", 1), ("secret/#", 1)]).await,
        vec![1, 0x80]
    );
    let mut v5 = Client::connected(&h, &device, Version::V5, "s5").await;
    let codes = v5
        .subscribed(
            2,
            &[
                ("secret/x", 0),
                ("open/x", 0),
                ("$share/g/open", 1),
                ("$SYS/#", 0),
            ],
        )
        .await;
    assert_eq!(codes, vec![0x87, 0, 0x9E, 0x8F]);
    let filters: Vec<(&str, u8)> = (0..9).map(|_| ("open/many", 1)).collect();
    let codes = v5.subscribed(3, &filters).await;
    assert_eq!(codes[..8], [1; 8]);
    assert_eq!(codes[8], 0x97);
    let reason = h
        .event(|e| match e {
            BrokerEvent::SubscribeRefused {
                client_id,
                filter,
                reason,
            } if client_id == "s5" && filter == "secret/x" => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(
        reason.contains("iot:Subscribe on secret/x denied"),
        "{reason}"
    );
}

#[tokio::test]
async fn at_most_50_subscriptions_per_connection() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut client = Client::connected(&h, &device, Version::V5, "many").await;
    for batch in 0..7u16 {
        let names: Vec<String> = (0..8).map(|i| format!("t/{batch}/{i}")).collect();
        let filters: Vec<(&str, u8)> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let codes = client.subscribed(batch + 1, &filters).await;
        let granted = codes.iter().filter(|&&c| c == 0).count();
        let expected = if batch < 6 { 8 } else { 2 };
        assert_eq!(granted, expected, "batch {batch}: {codes:?}");
    }
    // Subscribing again to a filter already held does not count.
    assert_eq!(client.subscribed(9, &[("t/0/0", 1)]).await, vec![1]);
}

#[tokio::test]
async fn receive_is_checked_at_delivery() {
    let h = harness(|client_id: &str, action, topic: &str| {
        !(client_id == "watcher" && action == Action::Receive && topic.starts_with("secret/"))
    })
    .await;
    let device = h.device("sensor");
    let mut watcher = Client::connected(&h, &device, Version::V5, "watcher").await;
    assert_eq!(watcher.subscribed(1, &[("#", 0)]).await, vec![0]);
    let mut publisher = Client::connected(&h, &device, Version::V3, "pub").await;
    publisher.publish("secret/plans", b"no", 0, 0, false).await;
    publisher.publish("open/news", b"yes", 0, 0, false).await;
    assert_eq!(
        watcher.recv().await,
        got_publish("open/news", b"yes", 0, 0, false)
    );
    assert_eq!(watcher.recv_within(Duration::from_millis(200)).await, None);
}

#[tokio::test]
async fn retained_messages_are_sent_on_subscribe() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut publisher = Client::connected(&h, &device, Version::V3, "pub").await;
    publisher.publish("status/a", b"on", 1, 1, true).await;
    assert_eq!(publisher.recv().await, Got::Puback(1));
    publisher.publish("status/b", b"off", 0, 0, true).await;
    publisher.publish("status/b", b"", 0, 0, true).await; // clears status/b
    publisher.publish("status/c", b"live", 0, 0, false).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    for version in [Version::V3, Version::V5] {
        let mut late = Client::connected(&h, &device, version, "late").await;
        assert_eq!(late.subscribed(1, &[("status/+", 1)]).await, vec![1]);
        assert_eq!(
            late.recv().await,
            got_publish("status/a", b"on", 1, 1, true)
        );
        assert_eq!(late.recv_within(Duration::from_millis(200)).await, None);
        late.disconnect(0).await;
    }
}

#[tokio::test]
async fn in_process_publish_reaches_subscribers_and_the_rules_engine() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut sub = Client::connected(&h, &device, Version::V5, "sub").await;
    assert_eq!(sub.subscribed(1, &[("alerts/#", 1)]).await, vec![1]);
    h.broker()
        .publish("alerts/dry", Bytes::from_static(b"{\"m\":3}"), 1, false);
    assert_eq!(
        sub.recv().await,
        got_publish("alerts/dry", b"{\"m\":3}", 1, 1, false)
    );
    let inbound = h.next_inbound().await;
    assert_eq!(
        (
            inbound.topic.as_str(),
            inbound.client_id.as_str(),
            inbound.principal.as_str()
        ),
        ("alerts/dry", "", "")
    );
}
