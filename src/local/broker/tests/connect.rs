//! The handshake and CONNECT: who gets in and who is refused, with which code.

use super::client::{Client, ConnectOptions, Got, tls};
use super::support::{Authority, Options, allow_all, harness, harness_with};
use crate::local::broker::codec::Version;
use crate::local::broker::{BrokerEvent, KeepAliveBounds, RefusedAt};
use crate::local::gate::Action;

fn refused_tls(event: &BrokerEvent) -> Option<String> {
    match event {
        BrokerEvent::Refused {
            at: RefusedAt::Tls,
            reason,
            ..
        } => Some(reason.clone()),
        _ => None,
    }
}

fn refused_connect(event: &BrokerEvent) -> Option<(Option<String>, String)> {
    match event {
        BrokerEvent::Refused {
            at: RefusedAt::Connect,
            client_id,
            reason,
            ..
        } => Some((client_id.clone(), reason.clone())),
        _ => None,
    }
}

#[tokio::test]
async fn handshake_without_client_certificate_is_refused() {
    let h = harness(allow_all()).await;
    // TLS 1.3 clients finish before the server's verdict arrives: it shows on the first read.
    let outcome = tls(h.addr(), h.ca.der(), None, false).await;
    if let Ok(stream) = outcome {
        let mut client = Client {
            stream,
            version: Version::V3,
        };
        client
            .send_connect("nocert", ConnectOptions::default())
            .await;
        assert!(matches!(client.recv().await, Got::Closed(_)));
    }
    assert_eq!(h.event(refused_tls).await, "no client certificate");
    assert_eq!(h.broker().connections(), 0);
}

#[tokio::test]
async fn unknown_ca_is_refused_with_the_gate_reason() {
    let h = harness(allow_all()).await;
    let stranger = Authority::new("someone else").issue("intruder", Vec::new());
    for tls12 in [false, true] {
        let outcome = tls(h.addr(), h.ca.der(), Some(stranger.copy()), tls12).await;
        let error = match outcome {
            Err(error) => error.to_string(),
            Ok(stream) => {
                let mut client = Client {
                    stream,
                    version: Version::V3,
                };
                client
                    .send_connect("intruder", ConnectOptions::default())
                    .await;
                match client.recv().await {
                    Got::Closed(error) => error,
                    other => panic!("expected the connection to fail, got {other:?}"),
                }
            }
        };
        assert!(error.contains("UnknownCA"), "tls12={tls12}: {error}");
    }
    assert_eq!(
        h.event(refused_tls).await,
        "certificate not issued by a registered CA"
    );
}

#[tokio::test]
async fn tls12_with_a_known_certificate_connects() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let stream = tls(h.addr(), h.ca.der(), Some(device.copy()), true)
        .await
        .unwrap();
    let mut client = Client {
        stream,
        version: Version::V3,
    };
    client
        .send_connect(
            "sensor",
            ConnectOptions {
                keep_alive: 60,
                will: None,
            },
        )
        .await;
    assert!(matches!(client.recv().await, Got::Connack { code: 0, .. }));
}

#[tokio::test]
async fn inactive_certificate_gets_not_authorized() {
    let h = harness(allow_all()).await;
    let device = h.inactive_device("old");
    for (version, code) in [(Version::V3, 5), (Version::V5, 0x87)] {
        let (mut client, connack) = Client::connect(&h, &device, version, "old").await;
        assert!(
            matches!(connack, Got::Connack { code: c, .. } if c == code),
            "{connack:?}"
        );
        assert!(matches!(client.recv().await, Got::Closed(_)));
    }
    let (client_id, reason) = h.event(refused_connect).await;
    assert_eq!(client_id.as_deref(), Some("old"));
    assert!(reason.ends_with("is INACTIVE"), "{reason}");
    assert_eq!(h.broker().connections(), 0);
}

#[tokio::test]
async fn client_id_must_be_allowed_present_and_short() {
    let h = harness(|client_id: &str, action, _: &str| {
        action != Action::Connect || client_id.starts_with("ok")
    })
    .await;
    let device = h.device("sensor");
    let long = format!("ok{}", "x".repeat(127));
    let cases = [
        (Version::V3, "intruder", 5),
        (Version::V5, "intruder", 0x87),
        (Version::V3, "", 2),
        (Version::V5, "", 0x85),
        (Version::V3, long.as_str(), 2),
        (Version::V5, long.as_str(), 0x85),
        (Version::V5, "ok-1", 0),
    ];
    for (version, client_id, expected) in cases {
        let (_client, connack) = Client::connect(&h, &device, version, client_id).await;
        match connack {
            Got::Connack { code, .. } => assert_eq!(code, expected, "{version:?} {client_id:?}"),
            other => panic!("{other:?}"),
        }
    }
    let (_, reason) = h
        .event(|e| refused_connect(e).filter(|(id, _)| id.as_deref() == Some("intruder")))
        .await;
    assert!(
        reason.contains("connect as intruder not allowed"),
        "{reason}"
    );
}

#[tokio::test]
async fn will_must_be_allowed_at_connect() {
    let h = harness(|_: &str, action, target: &str| {
        let denied = matches!(
            (action, target),
            (Action::Publish, "forbidden/will") | (Action::RetainPublish, "status/retained")
        );
        !denied
    })
    .await;
    let device = h.device("sensor");
    let will = |topic: &str, retain| ConnectOptions {
        keep_alive: 60,
        will: Some((topic.to_owned(), b"gone".to_vec(), 1, retain)),
    };
    for (topic, retain, expected) in [
        ("forbidden/will", false, 0x87),
        ("status/retained", true, 0x87),
        ("$SYS/will", false, 0x87),
        ("status/retained", false, 0),
    ] {
        let (_c, connack) =
            Client::connect_with(&h, &device, Version::V5, "w", will(topic, retain)).await;
        assert!(
            matches!(connack, Got::Connack { code, .. } if code == expected),
            "{topic}: {connack:?}"
        );
    }
}

#[tokio::test]
async fn keep_alive_is_clamped_and_enforced() {
    let options = Options {
        keep_alive: KeepAliveBounds {
            min_secs: 1,
            max_secs: 1200,
        },
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let connect = |keep_alive| ConnectOptions {
        keep_alive,
        will: None,
    };
    // Asking for more than the maximum (or for none) gets the maximum, and MQTT 5 is told.
    for asked in [5000, 0] {
        let (_c, connack) =
            Client::connect_with(&h, &device, Version::V5, "k", connect(asked)).await;
        assert!(
            matches!(
                connack,
                Got::Connack {
                    code: 0,
                    server_keep_alive: Some(1200),
                    ..
                }
            ),
            "{asked}: {connack:?}"
        );
    }
    let (_c, connack) = Client::connect_with(&h, &device, Version::V5, "k", connect(60)).await;
    assert!(
        matches!(
            connack,
            Got::Connack {
                server_keep_alive: None,
                ..
            }
        ),
        "{connack:?}"
    );
    // A 1 s keep-alive without traffic ends after 1.5 s.
    let (mut client, _) = Client::connect_with(&h, &device, Version::V5, "idle", connect(1)).await;
    let started = std::time::Instant::now();
    assert_eq!(client.closed().await, Some(0x8D));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_millis(1400),
        "{elapsed:?}"
    );
    let reason = h
        .event(|e| match e {
            BrokerEvent::Disconnected {
                client_id, reason, ..
            } if client_id == "idle" => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, "keep-alive timeout: nothing received for 1 s");
}

#[tokio::test]
async fn v5_connack_advertises_the_packet_limit() {
    let h = harness(allow_all()).await;
    let device = h.device("sensor");
    let (_c, connack) = Client::connect(&h, &device, Version::V5, "p").await;
    let expected = 128 * 1024 + crate::local::broker::PACKET_HEADROOM as u32 + 5;
    assert!(
        matches!(connack, Got::Connack { max_packet_size: Some(size), .. } if size == expected),
        "{connack:?}"
    );
    let connected = h
        .event(|e| match e {
            BrokerEvent::Connected {
                client_id,
                protocol,
                certificate_id,
                ..
            } if client_id == "p" => Some((*protocol, certificate_id.clone())),
            _ => None,
        })
        .await;
    assert_eq!(connected.0, "5");
    assert_eq!(
        connected.1,
        super::support::certificate_id(device.chain[0].as_ref())
    );
}
