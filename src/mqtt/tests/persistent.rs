//! Persistent sessions byte by byte, against a scripted server: the CONNECT flag, what goes out
//! again after the CONNACK (DUP, the original packet ids, in order), subscriptions made again
//! only when the broker lost the session, and a clean session sending nothing again. The
//! same against a real broker that keeps sessions is in the CLI tests (mosquitto).

use bytes::Bytes;

use super::support::{FakeServer, Peer};
use crate::mqtt::{ConnectOptions, Connection, Event, QoS, Session};

const CLEAN_SESSION: u8 = 0x02;

/// The next CONNECT's flags byte (after the protocol name and level).
async fn connect_flags(peer: &mut Peer) -> u8 {
    let (first, body) = peer.packet().await;
    assert_eq!(first, 0x10, "expected CONNECT");
    assert_eq!(&body[..7], b"\x00\x04MQTT\x04");
    body[7]
}

/// A PUBLISH's first byte, topic and packet id (QoS 1).
async fn publish(peer: &mut Peer) -> (u8, String, Option<u16>) {
    let (first, body) = peer.packet().await;
    assert_eq!(first & 0xF0, 0x30, "expected PUBLISH, got {first:#x}");
    let len = usize::from(u16::from_be_bytes([body[0], body[1]]));
    let topic = String::from_utf8(body[2..2 + len].to_vec()).unwrap();
    let id = (first & 0x06 != 0).then(|| u16::from_be_bytes([body[2 + len], body[3 + len]]));
    (first, topic, id)
}

/// Answers a SUBSCRIBE with one granted QoS 1 per filter; the filters.
async fn subscribe(peer: &mut Peer) -> Vec<String> {
    let (first, body) = peer.packet().await;
    assert_eq!(first, 0x82, "expected SUBSCRIBE, got {first:#x}");
    let mut filters = Vec::new();
    let mut at = 2;
    while at < body.len() {
        let len = usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
        filters.push(String::from_utf8(body[at + 2..at + 2 + len].to_vec()).unwrap());
        at += 3 + len;
    }
    let mut suback = vec![0x90, 2 + filters.len() as u8, body[0], body[1]];
    suback.extend(std::iter::repeat_n(1u8, filters.len()));
    peer.send(&suback).await;
    filters
}

fn persistent() -> ConnectOptions {
    let mut options = ConnectOptions::new("sleepy");
    options.clean_session = false;
    options
}

#[tokio::test]
async fn a_resumed_session_sends_unacknowledged_publishes_again_and_resubscribes_only_if_lost() {
    let server = FakeServer::start().await;
    let endpoint = server.endpoint();
    let options = persistent();

    let client = async {
        // First connection: a new session; one subscription, two QoS 1 publishes the broker
        // never acknowledges, one QoS 0 publish (nothing to keep).
        let mut conn = Connection::connect(&endpoint, &options).await.unwrap();
        assert!(!conn.session_present());
        conn.subscribe(&[("cmd/#", QoS::AtLeastOnce)])
            .await
            .unwrap();
        let a = conn
            .publish("t/a", Bytes::from_static(b"1"), QoS::AtLeastOnce, false)
            .await
            .unwrap()
            .unwrap();
        let b = conn
            .publish("t/b", Bytes::from_static(b"2"), QoS::AtLeastOnce, true)
            .await
            .unwrap()
            .unwrap();
        conn.publish("t/c", Bytes::from_static(b"3"), QoS::AtMostOnce, false)
            .await
            .unwrap();
        let session = conn.session();
        assert_eq!(session.unacknowledged(), 2);
        drop(conn);

        // Second: the broker kept the session. Both go out again; the subscription does not.
        let mut conn = Connection::resume(&endpoint, &options, session)
            .await
            .unwrap();
        assert!(conn.session_present());
        assert_eq!(conn.in_flight(), 2);
        conn.publish("marker", Bytes::new(), QoS::AtMostOnce, false)
            .await
            .unwrap();
        match conn.next_event().await.unwrap() {
            Event::PubAck(id) => assert_eq!(id, a),
            other => panic!("{other:?}"),
        }
        // A new publish does not reuse a packet id still in flight.
        let c = conn
            .publish("t/d", Bytes::from_static(b"4"), QoS::AtLeastOnce, false)
            .await
            .unwrap()
            .unwrap();
        assert!(c != b && c != 0, "{c}");
        let session = conn.session();
        assert_eq!(session.unacknowledged(), 2);
        drop(conn);

        // Third: the broker lost the session. What is unacknowledged still goes out again
        // (at least once), and the subscription is made again before `resume` returns.
        let mut conn = Connection::resume(&endpoint, &options, session)
            .await
            .unwrap();
        assert!(!conn.session_present());
        let mut acked = Vec::new();
        let message = loop {
            match conn.next_event().await.unwrap() {
                Event::PubAck(id) => acked.push(id),
                Event::Message(m) => break m,
            }
        };
        assert_eq!(acked, [b, c]);
        assert_eq!(
            (message.topic.as_str(), &message.payload[..]),
            ("cmd/x", &b"valve"[..])
        );
        let session = conn.session();
        assert_eq!(session.unacknowledged(), 0);
        let kept: Vec<(&str, QoS)> = session.subscriptions().collect();
        assert_eq!(kept, [("cmd/#", QoS::AtLeastOnce)]);
        conn.disconnect().await.unwrap();

        // Fourth, clean: the session handed over is discarded and nothing goes out again.
        let mut old = Connection::resume(&endpoint, &options, Session::new())
            .await
            .unwrap();
        old.publish("t/e", Bytes::from_static(b"5"), QoS::AtLeastOnce, false)
            .await
            .unwrap();
        let dirty = old.session();
        drop(old);
        assert_eq!(dirty.unacknowledged(), 1);
        let mut clean = ConnectOptions::new("sleepy");
        clean.clean_session = true;
        let mut conn = Connection::resume(&endpoint, &clean, dirty).await.unwrap();
        assert_eq!(conn.in_flight(), 0);
        conn.publish("marker", Bytes::new(), QoS::AtMostOnce, false)
            .await
            .unwrap();
        assert_eq!(conn.session().unacknowledged(), 0);
        conn.disconnect().await.unwrap();
    };

    let script = async {
        let mut peer = server.accept().await;
        assert_eq!(connect_flags(&mut peer).await & CLEAN_SESSION, 0);
        peer.send(&[0x20, 2, 0, 0]).await;
        assert_eq!(subscribe(&mut peer).await, ["cmd/#"]);
        let (first_a, topic_a, a) = publish(&mut peer).await;
        assert_eq!((first_a, topic_a.as_str()), (0x32, "t/a"));
        let (first_b, topic_b, b) = publish(&mut peer).await;
        assert_eq!((first_b, topic_b.as_str()), (0x33, "t/b"));
        assert_eq!(publish(&mut peer).await, (0x30, "t/c".to_owned(), None));
        peer.close().await;

        // Session present: the same packets with DUP (0x08), same ids, same order.
        let mut peer = server.accept().await;
        assert_eq!(connect_flags(&mut peer).await & CLEAN_SESSION, 0);
        peer.send(&[0x20, 2, 1, 0]).await;
        assert_eq!(publish(&mut peer).await, (0x3A, "t/a".to_owned(), a));
        assert_eq!(publish(&mut peer).await, (0x3B, "t/b".to_owned(), b));
        // Next comes what the client sends after resuming: no SUBSCRIBE before it.
        assert_eq!(publish(&mut peer).await, (0x30, "marker".to_owned(), None));
        let a = a.unwrap();
        peer.send(&[0x40, 2, (a >> 8) as u8, a as u8]).await;
        let (first_c, _, c) = publish(&mut peer).await;
        assert_eq!(first_c, 0x32);
        peer.close().await;

        // Session lost: the publishes again, then the subscription.
        let mut peer = server.accept().await;
        assert_eq!(connect_flags(&mut peer).await & CLEAN_SESSION, 0);
        peer.send(&[0x20, 2, 0, 0]).await;
        assert_eq!(publish(&mut peer).await, (0x3B, "t/b".to_owned(), b));
        assert_eq!(publish(&mut peer).await, (0x3A, "t/d".to_owned(), c));
        assert_eq!(subscribe(&mut peer).await, ["cmd/#"]);
        for id in [b.unwrap(), c.unwrap()] {
            peer.send(&[0x40, 2, (id >> 8) as u8, id as u8]).await;
        }
        // A message for the client at QoS 1 (packet id 5): it acknowledges it.
        peer.send(&[0x32, 14, 0, 5, b'c', b'm', b'd', b'/', b'x', 0, 5])
            .await;
        peer.send(b"valve").await;
        assert_eq!(peer.packet().await, (0x40, vec![0, 5]));
        assert_eq!(peer.packet().await.0, 0xE0, "DISCONNECT");

        // A publish left unacknowledged, then a clean session: nothing goes out again.
        let mut peer = server.accept().await;
        connect_flags(&mut peer).await;
        peer.send(&[0x20, 2, 0, 0]).await;
        assert_eq!(publish(&mut peer).await.1, "t/e");
        peer.close().await;
        let mut peer = server.accept().await;
        assert_eq!(
            connect_flags(&mut peer).await & CLEAN_SESSION,
            CLEAN_SESSION
        );
        peer.send(&[0x20, 2, 0, 0]).await;
        assert_eq!(publish(&mut peer).await, (0x30, "marker".to_owned(), None));
        assert_eq!(peer.packet().await.0, 0xE0, "DISCONNECT");
    };
    tokio::join!(client, script);
}
