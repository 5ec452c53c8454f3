//! A working session: publish at both QoS, subscriptions, the in-flight window, keep-alive,
//! wills, and `next_event` losing `select!` races without losing bytes.

use std::time::Duration;

use bytes::Bytes;
use tokio::time::{Instant, timeout};

use super::support::{Broker, FakeServer, allow_all};
use crate::local::broker::{BrokerEvent, KeepAliveBounds};
use crate::local::gate::Action;
use crate::mqtt::{ConnectOptions, Connection, Event, Message, MqttError, QoS, Will};

async fn next(connection: &mut Connection) -> Event {
    timeout(Duration::from_secs(5), connection.next_event())
        .await
        .expect("no event within 5 s")
        .unwrap()
}

async fn message(connection: &mut Connection) -> Message {
    match next(connection).await {
        Event::Message(message) => message,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[tokio::test]
async fn publish_and_receive_at_both_qos() {
    let broker = Broker::start(allow_all).await;
    let mut sub = broker.connect("sub").await;
    let granted = sub
        .subscribe(&[("t/#", QoS::AtLeastOnce), ("q0/#", QoS::AtMostOnce)])
        .await
        .unwrap();
    assert_eq!(granted, [Some(QoS::AtLeastOnce), Some(QoS::AtMostOnce)]);

    let mut publisher = broker.connect("pub").await;
    let id = publisher
        .publish("t/a", Bytes::from_static(b"one"), QoS::AtLeastOnce, false)
        .await
        .unwrap()
        .expect("QoS 1 has a packet id");
    assert!(matches!(next(&mut publisher).await, Event::PubAck(acked) if acked == id));
    assert_eq!(publisher.in_flight(), 0);
    let none = publisher
        .publish("q0/b", Bytes::from_static(b"two"), QoS::AtMostOnce, false)
        .await
        .unwrap();
    assert_eq!(none, None);

    let first = message(&mut sub).await;
    assert_eq!(
        (first.topic.as_str(), &first.payload[..], first.qos),
        ("t/a", &b"one"[..], QoS::AtLeastOnce)
    );
    let second = message(&mut sub).await;
    assert_eq!(
        (second.topic.as_str(), &second.payload[..], second.qos),
        ("q0/b", &b"two"[..], QoS::AtMostOnce)
    );

    // The broker lets 100 QoS 1 deliveries wait for acknowledgement: 150 only all arrive if
    // the client acknowledges them.
    for i in 0..150u32 {
        publisher
            .publish(
                "t/many",
                Bytes::from(i.to_string()),
                QoS::AtLeastOnce,
                false,
            )
            .await
            .unwrap();
    }
    for i in 0..150u32 {
        assert_eq!(message(&mut sub).await.payload, Bytes::from(i.to_string()));
    }
    sub.disconnect().await.unwrap();
    publisher.disconnect().await.unwrap();
}

#[tokio::test]
async fn refused_filters_are_none() {
    let broker = Broker::start(|action, target| {
        !(action == Action::Subscribe && target.starts_with("secret/"))
    })
    .await;
    let mut sub = broker.connect("sub").await;
    let granted = sub
        .subscribe(&[("open/#", QoS::AtLeastOnce), ("secret/#", QoS::AtLeastOnce)])
        .await
        .unwrap();
    assert_eq!(granted, [Some(QoS::AtLeastOnce), None]);
}

#[tokio::test]
async fn a_full_window_waits_for_acknowledgements_and_keeps_what_it_reads() {
    let server = FakeServer::start().await;
    let endpoint = server.endpoint();
    let mut options = ConnectOptions::new("windowed");
    options.max_in_flight = 2;
    let (client, peer) = tokio::join!(
        Connection::connect(&endpoint, &options),
        server.accept_session()
    );
    let (mut client, mut peer) = (client.unwrap(), peer);

    for expected in [1, 2] {
        let id = client
            .publish("w/x", Bytes::from_static(b"m"), QoS::AtLeastOnce, false)
            .await
            .unwrap();
        assert_eq!(id, Some(expected));
    }
    assert_eq!(client.in_flight(), 2);
    // The third waits for a PUBACK.
    let blocked = timeout(
        Duration::from_millis(300),
        client.publish("w/x", Bytes::from_static(b"m"), QoS::AtLeastOnce, false),
    )
    .await;
    assert!(blocked.is_err(), "publish did not wait for the window");
    for id in [1u8, 2] {
        let (first, body) = peer.packet().await;
        assert_eq!((first, &body[body.len() - 3..]), (0x32, &[0, id, b'm'][..]));
    }
    // A message, then the acknowledgement of packet 1.
    peer.send(&[0x30, 5, 0, 1, b'n', b'h', b'i']).await;
    peer.send(&[0x40, 2, 0, 1]).await;
    let id = client
        .publish("w/x", Bytes::from_static(b"m"), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    assert_eq!(id, Some(3));
    assert_eq!(client.in_flight(), 2);
    let (first, body) = peer.packet().await;
    assert_eq!((first, &body[body.len() - 3..]), (0x32, &[0, 3, b'm'][..]));
    // What was read while waiting comes out of next_event in order.
    let m = message(&mut client).await;
    assert_eq!((m.topic.as_str(), &m.payload[..]), ("n", &b"hi"[..]));
    assert!(matches!(next(&mut client).await, Event::PubAck(1)));
}

#[tokio::test]
async fn pings_keep_an_idle_session_open() {
    let bounds = KeepAliveBounds {
        min_secs: 2,
        max_secs: 2,
    };
    // The broker drops a client it has not heard from for 3 s; the client pings every second.
    let broker = Broker::start_with(allow_all, bounds).await;
    let endpoint = broker.endpoint(broker.device("idle"));
    let mut options = ConnectOptions::new("idle");
    options.keep_alive = Duration::from_secs(1);
    let mut idle = Connection::connect(&endpoint, &options).await.unwrap();
    let until = Instant::now() + Duration::from_millis(4500);
    tokio::select! {
        event = idle.next_event() => panic!("unexpected {event:?}"),
        () = tokio::time::sleep_until(until) => {}
    }
    let id = idle
        .publish("still/here", Bytes::new(), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    assert!(matches!(next(&mut idle).await, Event::PubAck(acked) if Some(acked) == id));
    let dropped = broker
        .events()
        .into_iter()
        .any(|e| matches!(e, BrokerEvent::Disconnected { .. }));
    assert!(!dropped, "{:?}", broker.events());
}

#[tokio::test]
async fn a_pingresp_read_late_is_not_a_timeout() {
    let server = FakeServer::start().await;
    let endpoint = server.endpoint();
    let mut options = ConnectOptions::new("busy");
    options.keep_alive = Duration::from_secs(1);
    let (client, peer) = tokio::join!(
        Connection::connect(&endpoint, &options),
        server.accept_session()
    );
    let mut client = client.unwrap();
    // The server answers every PINGREQ 400 ms later.
    let mut peer = peer;
    let _answering = tokio::spawn(async move {
        loop {
            let (first, _) = peer.packet().await;
            assert_eq!(first, 0xC0);
            tokio::time::sleep(Duration::from_millis(400)).await;
            peer.send(&[0xD0, 0]).await;
        }
    });
    // The PINGREQ goes out after 1 s; the owner stops calling next_event before the answer
    // comes and for longer than it may take: the answer sits unread, and is read first.
    let waited = timeout(Duration::from_millis(1200), client.next_event()).await;
    assert!(waited.is_err(), "{waited:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let waited = timeout(Duration::from_millis(500), client.next_event()).await;
    assert!(
        waited.is_err(),
        "the unread PINGRESP was missed: {waited:?}"
    );
}

#[tokio::test]
async fn no_pingresp_is_a_keep_alive_timeout() {
    let server = FakeServer::start().await;
    let endpoint = server.endpoint();
    let mut options = ConnectOptions::new("lonely");
    options.keep_alive = Duration::from_secs(1);
    let (client, peer) = tokio::join!(
        Connection::connect(&endpoint, &options),
        server.accept_session()
    );
    let (mut client, mut peer) = (client.unwrap(), peer);
    let started = Instant::now();
    let (error, ping) = tokio::join!(
        timeout(Duration::from_secs(5), client.next_event()),
        peer.packet()
    );
    assert_eq!(ping, (0xC0, Vec::new()), "expected PINGREQ");
    let error = error
        .expect("no keep-alive timeout within 5 s")
        .unwrap_err();
    assert!(matches!(error, MqttError::KeepAliveTimeout(_)), "{error}");
    assert!(error.is_retryable());
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(4),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_event_loses_races_without_losing_bytes() {
    let broker = Broker::start(allow_all).await;
    let mut sub = broker.connect("racer").await;
    sub.subscribe(&[("big/#", QoS::AtLeastOnce)]).await.unwrap();
    const COUNT: usize = 40;
    // The whole session in another task: its futures are Send.
    let endpoint = broker.endpoint(broker.device("bulk"));
    let sender = tokio::spawn(async move {
        let mut publisher = Connection::connect(&endpoint, &ConnectOptions::new("bulk"))
            .await
            .unwrap();
        for i in 0..COUNT {
            let payload = Bytes::from(vec![i as u8; 100 * 1024]);
            publisher
                .publish("big/x", payload, QoS::AtLeastOnce, false)
                .await
                .unwrap();
        }
        while publisher.in_flight() > 0 {
            publisher.next_event().await.unwrap();
        }
        publisher.disconnect().await.unwrap();
    });
    let mut received = Vec::new();
    let mut lost_races = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while received.len() < COUNT {
        assert!(
            Instant::now() < deadline,
            "only {} messages",
            received.len()
        );
        tokio::select! {
            biased;
            () = tokio::time::sleep(Duration::from_micros(300)) => lost_races += 1,
            event = sub.next_event() => match event.unwrap() {
                Event::Message(m) => received.push(m),
                Event::PubAck(_) => panic!("nothing was published"),
            },
        }
    }
    for (i, m) in received.iter().enumerate() {
        assert_eq!(m.payload.len(), 100 * 1024, "message {i}");
        assert!(
            m.payload.iter().all(|&b| b == i as u8),
            "message {i} is torn"
        );
    }
    assert!(lost_races > 0);
    sender.await.unwrap();
}

#[tokio::test]
async fn the_will_is_published_only_without_disconnect() {
    let broker = Broker::start(allow_all).await;
    let mut watcher = broker.connect("watcher").await;
    watcher
        .subscribe(&[("wills/#", QoS::AtLeastOnce)])
        .await
        .unwrap();
    let with_will = |id: &str| {
        let mut options = ConnectOptions::new(id);
        options.will = Some(Will {
            topic: format!("wills/{id}"),
            payload: Bytes::from_static(b"offline"),
            qos: QoS::AtLeastOnce,
            retain: false,
        });
        options
    };
    let polite = Connection::connect(
        &broker.endpoint(broker.device("polite")),
        &with_will("polite"),
    )
    .await
    .unwrap();
    polite.disconnect().await.unwrap();
    let abrupt = Connection::connect(
        &broker.endpoint(broker.device("abrupt")),
        &with_will("abrupt"),
    )
    .await
    .unwrap();
    drop(abrupt);
    let will = message(&mut watcher).await;
    assert_eq!(
        (will.topic.as_str(), &will.payload[..]),
        ("wills/abrupt", &b"offline"[..])
    );
    let nothing_else = timeout(Duration::from_millis(300), watcher.next_event()).await;
    assert!(nothing_else.is_err(), "{nothing_else:?}");
}
