//! Resource limits: each bad client is refused or disconnected with a reason the operator sees,
//! while other clients go on being served.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use super::client::{Client, Got, got_publish};
use super::support::{Harness, Identity, Options, allow_all, harness_with};
use crate::local::broker::codec::Version;
use crate::local::broker::{BrokerEvent, Limits, RefusedAt};

fn options(limits: Limits) -> Options {
    Options {
        limits,
        ..Options::default()
    }
}

/// A fresh client connects, subscribes, publishes at QoS 1 and gets both its PUBACK and its
/// own message back.
async fn served(h: &Harness, device: &Identity, client_id: &str) {
    let mut client = Client::connected(h, device, Version::V5, client_id).await;
    let topic = format!("check/{client_id}");
    assert_eq!(client.subscribed(1, &[(&topic, 1)]).await, vec![1]);
    client.publish(&topic, b"still served", 1, 2, false).await;
    let mut got = vec![client.recv().await, client.recv().await];
    got.sort_by_key(|g| matches!(g, Got::Publish { .. }));
    assert_eq!(
        got,
        vec![
            Got::Puback(2),
            got_publish(&topic, b"still served", 1, 1, false)
        ],
        "{client_id}"
    );
    client.puback(1).await;
    client.disconnect(0).await;
}

fn refusals(h: &Harness, at: RefusedAt, contains: &str) -> Vec<String> {
    h.events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            BrokerEvent::Refused {
                at: a, reason: r, ..
            } if *a == at && r.contains(contains) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

/// Waits (up to 5 s) for `check` to find what it looks for.
async fn until<T>(mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(found) = check() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not seen within 5 s");
}

/// Whether the broker has closed a socket that never sent anything (it reads end of stream).
async fn closed_by_broker(socket: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(Duration::from_secs(5), socket.read(&mut byte)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test]
async fn hundreds_of_silent_sockets_do_not_keep_a_real_client_out() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let mut silent = Vec::new();
    for _ in 0..400 {
        silent.push(TcpStream::connect(h.addr()).await.unwrap());
    }
    served(&h, &device, "real-1").await;
    // More arrive while a real client is connected and working.
    let mut working = Client::connected(&h, &device, Version::V3, "real-2").await;
    for _ in 0..200 {
        silent.push(TcpStream::connect(h.addr()).await.unwrap());
    }
    working
        .publish("device/real-2/data", b"{}", 1, 5, false)
        .await;
    assert_eq!(working.recv().await, Got::Puback(5));
    served(&h, &device, "real-3").await;
    // Below the limit nobody was dropped: the sockets wait for their handshake timeout.
    assert!(refusals(&h, RefusedAt::Tls, "handshake dropped").is_empty());
}

#[tokio::test]
async fn at_the_handshake_limit_the_oldest_silent_socket_makes_room() {
    let limits = Limits {
        max_pending_handshakes: 20,
        handshake_timeout: Duration::from_secs(120),
        ..Limits::default()
    };
    let h = harness_with(allow_all(), options(limits)).await;
    let device = h.device("sensor");
    let mut silent = Vec::new();
    for _ in 0..100 {
        silent.push(TcpStream::connect(h.addr()).await.unwrap());
    }
    served(&h, &device, "real").await;
    // The first to arrive went first; the last 20 (less the real client's turn) still wait.
    assert!(closed_by_broker(&mut silent[0]).await);
    let dropped = until(|| {
        let dropped = refusals(&h, RefusedAt::Tls, "handshake dropped unfinished");
        (dropped.len() >= 80).then_some(dropped)
    })
    .await;
    assert!(
        dropped[0].contains("20 handshakes were in progress"),
        "{dropped:?}"
    );
}

#[tokio::test]
async fn a_silent_socket_is_dropped_at_the_handshake_timeout() {
    let limits = Limits {
        handshake_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let h = harness_with(allow_all(), options(limits)).await;
    let device = h.device("sensor");
    let mut silent = TcpStream::connect(h.addr()).await.unwrap();
    let reason = h
        .event(|e| match e {
            BrokerEvent::Refused {
                at: RefusedAt::Tls,
                reason,
                ..
            } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        reason,
        "handshake not finished within 300 ms (the handshake timeout)"
    );
    assert!(closed_by_broker(&mut silent).await);
    served(&h, &device, "real").await;
}

#[tokio::test]
async fn a_huge_length_before_connect_is_refused_from_the_fixed_header() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let mut working = Client::connected(&h, &device, Version::V5, "working").await;
    for (version, header) in [
        // CONNECT claiming the largest remaining length MQTT can say: 256 MB.
        (Version::V3, [0x10, 0xFF, 0xFF, 0xFF, 0x7F]),
        // A first packet that is not even a CONNECT.
        (Version::V5, [0x30, 0xFF, 0xFF, 0xFF, 0x7F]),
    ] {
        let mut bad = Client::open(&h, &device, version).await;
        bad.raw(&header).await;
        assert!(matches!(bad.recv().await, Got::Closed(_)));
    }
    let reasons = refusals(&h, RefusedAt::Connect, "too large");
    assert_eq!(
        reasons,
        vec!["CONNECT of 268435455 bytes is too large"; 2],
        "{:#?}",
        h.events.lock().unwrap()
    );
    working
        .publish("device/working/data", b"{}", 1, 3, false)
        .await;
    assert_eq!(working.recv().await, Got::Puback(3));
    served(&h, &device, "fresh").await;
}

#[tokio::test]
async fn a_subscriber_that_never_reads_or_acknowledges_is_disconnected_as_too_slow() {
    let options = Options {
        sink_capacity: 10_000,
        ..Options::default()
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let mut slow = Client::connected(&h, &device, Version::V5, "slow").await;
    assert_eq!(slow.subscribed(1, &[("load/#", 1)]).await, vec![1]);
    let mut healthy = Client::connected(&h, &device, Version::V3, "healthy").await;
    assert_eq!(healthy.subscribed(1, &[("load/#", 1)]).await, vec![1]);
    let mut publisher = Client::connected(&h, &device, Version::V5, "publisher").await;
    // 100 in flight and 1024 queued are allowed; a window past that shows the rule.
    let (windows, window) = (15u16, 100u16);
    for w in 0..windows {
        for i in 0..window {
            let pid = w * window + i + 1;
            publisher
                .publish("load/x", &pid.to_be_bytes(), 1, pid, false)
                .await;
        }
        for i in 0..window {
            assert_eq!(publisher.recv().await, Got::Puback(w * window + i + 1));
        }
        // The healthy subscriber takes and acknowledges the whole window, in order.
        for i in 0..window {
            let pid = w * window + i + 1;
            match healthy.recv().await {
                Got::Publish {
                    payload, pid: id, ..
                } => {
                    assert_eq!(payload, pid.to_be_bytes());
                    healthy.puback(id).await;
                }
                other => panic!("healthy subscriber got {other:?}"),
            }
        }
    }
    let reason = h
        .event(|e| match e {
            BrokerEvent::Disconnected {
                client_id, reason, ..
            } if client_id == "slow" => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, "too slow: 1024 messages waiting for delivery");
    assert_eq!(slow.closed().await, Some(0x97));
    served(&h, &device, "fresh").await;
}

#[tokio::test]
async fn a_subscriber_whose_socket_fills_is_disconnected_at_the_write_timeout() {
    let limits = Limits {
        write_timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    let options = Options {
        sink_capacity: 10_000,
        ..options(limits)
    };
    let h = harness_with(allow_all(), options).await;
    let device = h.device("sensor");
    let mut stuck = Client::connected(&h, &device, Version::V3, "stuck").await;
    assert_eq!(stuck.subscribed(1, &[("big/#", 0)]).await, vec![0]);
    let mut other = Client::connected(&h, &device, Version::V5, "other").await;
    assert_eq!(other.subscribed(1, &[("small/#", 1)]).await, vec![1]);
    let mut publisher = Client::connected(&h, &device, Version::V5, "publisher").await;
    let payload = vec![7u8; 64 * 1024];
    let gone = |h: &Harness| {
        h.events.lock().unwrap().iter().find_map(|e| match e {
            BrokerEvent::Disconnected {
                client_id, reason, ..
            } if client_id == "stuck" => Some(reason.clone()),
            _ => None,
        })
    };
    // Loopback buffers hold a few megabytes: keep publishing (bounded) until they are full
    // and the write times out.
    let mut published = 0u16;
    while gone(&h).is_none() && published < 2000 {
        published += 1;
        publisher
            .publish("big/x", &payload, 1, published, false)
            .await;
        assert_eq!(publisher.recv().await, Got::Puback(published));
    }
    let reason = h
        .event(|e| match e {
            BrokerEvent::Disconnected {
                client_id, reason, ..
            } if client_id == "stuck" => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        reason,
        "too slow: the client did not read for 500 ms (the write timeout)"
    );
    publisher.publish("small/x", b"hello", 1, 1, false).await;
    let mut got = vec![publisher.recv().await, other.recv().await];
    got.sort_by_key(|g| matches!(g, Got::Publish { .. }));
    assert_eq!(
        got,
        vec![
            Got::Puback(1),
            got_publish("small/x", b"hello", 1, 1, false)
        ]
    );
    served(&h, &device, "fresh").await;
}

#[tokio::test]
async fn thousands_of_subscriptions_get_quota_exceeded_and_the_broker_stays_responsive() {
    let h = harness_with(allow_all(), Options::default()).await;
    let device = h.device("sensor");
    let mut listener = Client::connected(&h, &device, Version::V3, "listener").await;
    assert_eq!(listener.subscribed(1, &[("many/7", 1)]).await, vec![1]);
    for (version, client_id, per_packet, failure) in [
        (Version::V5, "greedy-5", 8, 0x97),
        (Version::V3, "greedy-3", 1, 0x80),
    ] {
        let mut greedy = Client::connected(&h, &device, version, client_id).await;
        let packets = 2000 / per_packet;
        let filters: Vec<String> = (0..2000).map(|i| format!("many/{i}")).collect();
        // Sent back to back, SUBACKs read afterwards.
        for (p, chunk) in filters.chunks(per_packet).enumerate() {
            let chunk: Vec<(&str, u8)> = chunk.iter().map(|f| (f.as_str(), 1)).collect();
            greedy.subscribe(p as u16 + 1, &chunk).await;
        }
        let mut codes = Vec::new();
        for _ in 0..packets {
            match greedy.recv().await {
                Got::Suback(c) => codes.extend(c),
                other => panic!("{client_id}: expected SUBACK, got {other:?}"),
            }
        }
        assert_eq!(codes.len(), 2000);
        assert_eq!(codes[..50], [1; 50], "{client_id}");
        assert!(codes[50..].iter().all(|&c| c == failure), "{client_id}");
        // Its 50 subscriptions work, and so does everyone else.
        let mut publisher = Client::connected(&h, &device, Version::V5, "publisher").await;
        publisher.publish("many/7", b"seven", 1, 1, false).await;
        assert_eq!(publisher.recv().await, Got::Puback(1));
        assert_eq!(
            greedy.recv().await,
            got_publish("many/7", b"seven", 1, 1, false)
        );
        greedy.puback(1).await;
        let got = listener.recv().await;
        let Got::Publish { payload, pid, .. } = got else {
            panic!("listener got {got:?}");
        };
        assert_eq!(payload, b"seven");
        listener.puback(pid).await;
        publisher.disconnect(0).await;
        assert_eq!(publisher.closed().await, None);
    }
    let refused = h
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| {
            matches!(e, BrokerEvent::SubscribeRefused { reason, .. }
            if reason == "at most 50 subscriptions per connection")
        })
        .count();
    assert_eq!(refused, 2 * 1950);
    served(&h, &device, "fresh").await;
}

#[tokio::test]
async fn a_reconnect_storm_of_one_client_id_is_throttled_without_starving_others() {
    // Long enough that every storm attempt falls inside it.
    let limits = Limits {
        connect_interval: Duration::from_secs(3600),
        ..Limits::default()
    };
    let h = harness_with(allow_all(), options(limits)).await;
    let device = h.device("sensor");
    let mut first = Client::connected(&h, &device, Version::V5, "storm").await;
    for i in 0..40 {
        let version = if i % 2 == 0 { Version::V3 } else { Version::V5 };
        let (_, connack) = Client::connect(&h, &device, version, "storm").await;
        let code = match version {
            Version::V3 => 3,
            Version::V5 => 0x9F,
        };
        assert!(
            matches!(connack, Got::Connack { code: c, .. } if c == code),
            "attempt {i}: {connack:?}"
        );
        // Other client ids connect, each for the first time, in between.
        if i % 4 == 0 {
            served(&h, &device, &format!("calm-{i}")).await;
        }
    }
    // A refused CONNECT takes nothing over: the first connection is still there.
    first.publish("device/storm/data", b"{}", 1, 1, false).await;
    assert_eq!(first.recv().await, Got::Puback(1));
    let reasons: Vec<String> = h
        .events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            BrokerEvent::Refused {
                at: RefusedAt::Connect,
                client_id: Some(id),
                reason,
                ..
            } if id == "storm" => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 40);
    assert!(
        reasons[0]
            .starts_with("too many connect requests for this client id: the last was accepted ")
            && reasons[0]
                .ends_with(" ago, and at most one per 3600 s is allowed (AWS IoT Core's limit)"),
        "{}",
        reasons[0]
    );
}

#[tokio::test]
async fn a_reconnect_after_the_interval_is_accepted() {
    let limits = Limits {
        connect_interval: Duration::from_millis(200),
        ..Limits::default()
    };
    let h = harness_with(allow_all(), options(limits)).await;
    let device = h.device("sensor");
    for version in [Version::V3, Version::V5] {
        let mut client = Client::connected(&h, &device, version, "sleepy").await;
        client.disconnect(0).await;
        let _ = client.closed().await;
        // Longer than the interval: the device's next wake.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut client = Client::connected(&h, &device, Version::V3, "sleepy").await;
    client
        .publish("device/sleepy/data", b"{}", 1, 1, false)
        .await;
    assert_eq!(client.recv().await, Got::Puback(1));
}
