//! Wills, takeover and shutdown.

use std::time::Duration;

use super::client::{Client, ConnectOptions, Got, got_publish};
use super::support::{allow_all, harness};
use crate::local::broker::BrokerEvent;
use crate::local::broker::codec::Version;

fn with_will(topic: &str) -> ConnectOptions {
    ConnectOptions {
        keep_alive: 60,
        will: Some((topic.to_owned(), b"offline".to_vec(), 1, false)),
    }
}

fn ended(client: &'static str) -> impl FnMut(&BrokerEvent) -> Option<(String, bool)> {
    move |event| match event {
        BrokerEvent::Disconnected {
            client_id,
            reason,
            will_published,
            ..
        } if client_id == client => Some((reason.clone(), *will_published)),
        _ => None,
    }
}

#[tokio::test]
async fn will_is_published_on_abrupt_close_only() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut watcher = Client::connected(&h, &device, Version::V3, "watcher").await;
    assert_eq!(watcher.subscribed(1, &[("wills/#", 1)]).await, vec![1]);

    let (client, _) = Client::connect_with(
        &h,
        &device,
        Version::V3,
        "abrupt",
        with_will("wills/abrupt"),
    )
    .await;
    drop(client);
    assert_eq!(
        watcher.recv().await,
        got_publish("wills/abrupt", b"offline", 1, 1, false)
    );
    let inbound = h.next_inbound().await;
    assert_eq!(
        (inbound.topic.as_str(), inbound.client_id.as_str()),
        ("wills/abrupt", "abrupt")
    );
    let (reason, published) = h.event(ended("abrupt")).await;
    assert!(published);
    assert_eq!(reason, "connection closed without DISCONNECT");

    for version in [Version::V3, Version::V5] {
        let (mut client, _) =
            Client::connect_with(&h, &device, version, "clean", with_will("wills/clean")).await;
        client.disconnect(0).await;
        assert!(matches!(client.recv().await, Got::Closed(_)));
    }
    // MQTT 5's "disconnect with will message" sends it.
    let (mut client, _) =
        Client::connect_with(&h, &device, Version::V5, "asks", with_will("wills/asks")).await;
    client.disconnect(0x04).await;
    assert_eq!(
        watcher.recv().await,
        got_publish("wills/asks", b"offline", 1, 2, false)
    );
    assert_eq!(h.next_inbound().await.topic, "wills/asks");
    h.no_inbound().await;
    assert_eq!(
        h.event(ended("clean")).await,
        ("client disconnected".to_owned(), false)
    );
}

#[tokio::test]
async fn a_second_connection_takes_over_the_client_id() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let mut watcher = Client::connected(&h, &device, Version::V3, "watcher").await;
    assert_eq!(watcher.subscribed(1, &[("wills/#", 0)]).await, vec![0]);
    let (mut old, _) =
        Client::connect_with(&h, &device, Version::V5, "dup", with_will("wills/dup")).await;
    let mut new = Client::connected(&h, &device, Version::V5, "dup").await;
    assert_eq!(old.closed().await, Some(0x8E));
    let (reason, published) = h.event(ended("dup")).await;
    assert!(
        reason.starts_with("taken over by a new connection from 127.0.0.1:"),
        "{reason}"
    );
    assert!(published);
    assert_eq!(
        watcher.recv().await,
        got_publish("wills/dup", b"offline", 0, 0, false)
    );
    // The new connection is unaffected.
    new.raw(&[0xC0, 0x00]).await;
    assert_eq!(new.recv().await, Got::Pingresp);
    assert_eq!(h.broker().connections(), 2);
}

#[tokio::test]
async fn shutdown_closes_everyone_and_closed_resolves() {
    let mut h = harness(allow_all()).await;
    let device = h.device("sensor");
    let (mut v5, _) =
        Client::connect_with(&h, &device, Version::V5, "five", with_will("wills/five")).await;
    let mut v3 = Client::connected(&h, &device, Version::V3, "three").await;
    assert_eq!(h.broker().connections(), 2);
    h.shutdown.cancel();
    assert_eq!(v5.closed().await, Some(0x8B));
    assert_eq!(v3.closed().await, None);
    let addr = h.addr();
    let handle = h.handle.take().unwrap();
    tokio::time::timeout(Duration::from_secs(5), handle.closed())
        .await
        .expect("closed() did not resolve");
    // No will on shutdown, and the listener is gone.
    h.no_inbound().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let (reason, published) = h.event(ended("five")).await;
    assert_eq!(
        (reason.as_str(), published),
        ("the broker is shutting down", false)
    );
}
