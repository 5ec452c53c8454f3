//! Entry points for the fuzz targets under `fuzz/`, not an API: the broker's framing and
//! decoders run on arbitrary bytes, with the checks that make a fuzzer find more than panics
//! (what decodes re-encodes and decodes back the same; the subscription tree agrees with the
//! reference topic matcher).

use std::collections::BTreeSet;

use bytes::Bytes;
use mqtt_proto::{v3, v5};

use super::PACKET_HEADROOM;
use super::codec::{self, FrameReader, Incoming, SubscribeCode, Version};
use super::filters::{FilterTree, Subscriber};
use super::{shadow, topics};

/// The largest remaining length the broker accepts, before and after CONNECT (a CONNECT may
/// carry a will of 128 KB).
pub const FRAME_LIMIT: usize = 128 * 1024 + PACKET_HEADROOM;

/// The longest fixed header: one byte of type and flags, four of remaining length.
pub const MAX_FIXED_HEADER: usize = 5;

/// What one input did, for the target to check or count.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub frames: usize,
    pub connects: usize,
    pub packets: usize,
    /// The frame reader refused the stream (too large, malformed remaining length).
    pub refused: bool,
}

/// Runs `stream` through the broker's decoding as a connection would: framing in reads of
/// `chunk` bytes (at least 1), the first frame as CONNECT (its version then applies to the rest;
/// MQTT 3.1.1 if it does not decode), every frame also as CONNECT and as a packet of both
/// versions. Panics if anything decoded does not re-encode consistently.
pub fn decode_stream(stream: &[u8], chunk: usize) -> Outcome {
    let mut outcome = Outcome::default();
    let mut reader = FrameReader::new(FRAME_LIMIT);
    let mut version = None;
    let mut tree = Filters::default();
    'read: for piece in stream.chunks(chunk.max(1)) {
        reader.buffer().extend_from_slice(piece);
        loop {
            let frame = match reader.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(_) => {
                    outcome.refused = true;
                    break 'read;
                }
            };
            assert!(frame.body.len() <= FRAME_LIMIT, "frame over the limit");
            outcome.frames += 1;
            if let Ok(connect) = codec::decode_connect(&frame) {
                outcome.connects += 1;
                check_connect(&connect);
                version.get_or_insert(connect.version);
            }
            let first = *version.get_or_insert(Version::V3);
            for v in [first, other(first)] {
                if let Ok(incoming) = codec::decode(v, &frame) {
                    outcome.packets += 1;
                    check_packet(v, incoming, &mut tree);
                }
            }
        }
        reader.compact();
    }
    outcome
}

/// The most bytes the frame reader held for a stream that claims a PUBLISH of `claimed` bytes
/// and sends `sent` of them, and whether the frame came out whole.
pub fn buffered_for(claimed: usize, sent: usize) -> (usize, bool) {
    let mut reader = FrameReader::new(FRAME_LIMIT);
    let mut header = vec![0x30];
    let mut value = claimed;
    loop {
        let byte = (value % 128) as u8;
        value /= 128;
        header.push(if value > 0 { byte | 0x80 } else { byte });
        if value == 0 {
            break;
        }
    }
    reader.buffer().extend_from_slice(&header);
    let mut whole = matches!(reader.next_frame(), Ok(Some(_)));
    let mut most = reader.capacity();
    for piece in vec![0u8; sent].chunks(1024) {
        reader.buffer().extend_from_slice(piece);
        most = most.max(reader.capacity());
        whole |= matches!(reader.next_frame(), Ok(Some(_)));
        most = most.max(reader.capacity());
    }
    (most, whole)
}

fn other(version: Version) -> Version {
    match version {
        Version::V3 => Version::V5,
        Version::V5 => Version::V3,
    }
}

fn check_connect(connect: &codec::ConnectRequest) {
    let _ = topics::check_topic(&connect.client_id);
    if let Some(will) = &connect.will {
        let _ = topics::check_topic(&will.topic);
    }
    let mut out = Vec::new();
    match connect.version {
        Version::V3 => {
            for code in [0, 1, 2, 3, 5] {
                out.clear();
                let present = code == 0 && !connect.clean;
                codec::put_connack_v3(&mut out, code, present);
                match v3::Packet::decode(&out) {
                    Ok(Some(v3::Packet::Connack(c))) => {
                        assert_eq!((c.code as u8, c.session_present), (code, present));
                    }
                    other => panic!("CONNACK {code} does not decode: {other:?}"),
                }
            }
        }
        Version::V5 => {
            for reason in [0, 0x81, 0x85, 0x87, 0x9F] {
                out.clear();
                codec::put_connack_v5(
                    &mut out,
                    codec::ConnackV5 {
                        reason,
                        session_present: reason == 0 && !connect.clean,
                        session_expiry: connect.session_expiry,
                        max_packet_size: u32::try_from(FRAME_LIMIT + MAX_FIXED_HEADER)
                            .unwrap_or(u32::MAX),
                        receive_max: connect.receive_max.max(1),
                        server_keep_alive: Some(connect.keep_alive),
                    },
                );
                match v5::Packet::decode(&out) {
                    Ok(Some(v5::Packet::Connack(c))) => assert_eq!(c.reason_code as u8, reason),
                    other => panic!("CONNACK {reason:#x} does not decode: {other:?}"),
                }
            }
        }
    }
}

fn check_packet(version: Version, incoming: Incoming, tree: &mut Filters) {
    match incoming {
        Incoming::Publish(publish) => {
            let topic: &str = &publish.topic;
            let _ = topics::check_topic(topic);
            let _ = shadow::Request::of(topic, &publish.payload);
            if publish.qos <= 1 {
                check_publish_round_trip(version, &publish);
            }
            tree.check_matches(topic);
        }
        Incoming::Subscribe(subscribe) => {
            let codes: Vec<SubscribeCode> = subscribe
                .filters
                .iter()
                .map(|(filter, qos, _)| match topics::check_filter(filter) {
                    Ok(()) => {
                        tree.insert(filter);
                        SubscribeCode::Granted((*qos).min(1))
                    }
                    Err(topics::FilterProblem::SharedUnsupported) => {
                        SubscribeCode::SharedUnsupported
                    }
                    Err(topics::FilterProblem::Invalid(_)) => SubscribeCode::InvalidFilter,
                })
                .collect();
            let mut out = Vec::new();
            codec::put_suback(&mut out, version, subscribe.pid, &codes);
            let decoded = match version {
                Version::V3 => match v3::Packet::decode(&out) {
                    Ok(Some(v3::Packet::Suback(s))) => (s.pid.value(), s.topics.len()),
                    other => panic!("SUBACK does not decode: {other:?}"),
                },
                Version::V5 => match v5::Packet::decode(&out) {
                    Ok(Some(v5::Packet::Suback(s))) => (s.pid.value(), s.topics.len()),
                    other => panic!("SUBACK does not decode: {other:?}"),
                },
            };
            assert_eq!(decoded, (subscribe.pid, codes.len()));
        }
        Incoming::Unsubscribe { pid, filters } => {
            let existed: Vec<bool> = filters.iter().map(|f| tree.remove(f)).collect();
            let mut out = Vec::new();
            codec::put_unsuback(&mut out, version, pid, &existed);
            let decoded = match version {
                Version::V3 => {
                    matches!(v3::Packet::decode(&out), Ok(Some(v3::Packet::Unsuback(p))) if p.value() == pid)
                }
                Version::V5 => {
                    matches!(v5::Packet::decode(&out), Ok(Some(v5::Packet::Unsuback(u))) if u.pid.value() == pid && u.topics.len() == existed.len())
                }
            };
            assert!(decoded, "UNSUBACK does not decode");
        }
        Incoming::Puback(pid) => {
            let mut out = Vec::new();
            codec::put_puback(&mut out, pid);
            assert_eq!(out.len(), 4);
        }
        Incoming::Pingreq | Incoming::Disconnect { .. } | Incoming::Unexpected(_) => {}
    }
}

/// The PUBLISH the broker would deliver decodes back to the same message.
fn check_publish_round_trip(version: Version, publish: &codec::PublishIn) {
    let topic: &str = &publish.topic;
    let mut out = Vec::new();
    codec::put_publish(
        &mut out,
        version,
        topic,
        &publish.payload,
        publish.pid,
        codec::PublishFlags {
            qos: publish.qos,
            retain: publish.retain,
            dup: false,
        },
    );
    assert_eq!(
        out.len(),
        codec::publish_len(version, topic, &publish.payload, publish.qos)
    );
    let mut reader = FrameReader::new(usize::MAX);
    reader.buffer().extend_from_slice(&out);
    let frame = reader
        .next_frame()
        .expect("re-encoded PUBLISH frames")
        .expect("re-encoded PUBLISH is complete");
    match codec::decode(version, &frame) {
        Ok(Incoming::Publish(again)) => {
            let same = (
                &*again.topic,
                &again.payload,
                again.qos,
                again.pid,
                again.retain,
            );
            let expected: (&str, &Bytes, u8, u16, bool) = (
                topic,
                &publish.payload,
                publish.qos,
                publish.pid,
                publish.retain,
            );
            assert_eq!(same, expected, "re-encoded PUBLISH differs");
        }
        other => panic!("re-encoded PUBLISH does not decode: {other:?}"),
    }
}

/// The subscription tree next to a plain list of its filters.
#[derive(Default)]
struct Filters {
    tree: FilterTree,
    /// Indexed by the subscriber number in the tree; `None` once unsubscribed.
    filters: Vec<Option<String>>,
}

impl Filters {
    fn insert(&mut self, filter: &str) {
        if self.filters.iter().any(|f| f.as_deref() == Some(filter)) {
            return;
        }
        let conn = self.filters.len() as u64;
        self.tree.insert(filter, Subscriber { conn, qos: 1 });
        self.filters.push(Some(filter.to_owned()));
    }

    fn remove(&mut self, filter: &str) -> bool {
        match self
            .filters
            .iter()
            .position(|f| f.as_deref() == Some(filter))
        {
            Some(index) => {
                let removed = self.tree.remove(filter, index as u64);
                assert!(removed, "{filter} was in the tree");
                self.filters[index] = None;
                true
            }
            None => false,
        }
    }

    /// The tree finds exactly the filters the reference matcher says match.
    fn check_matches(&self, topic: &str) {
        let mut found = BTreeSet::new();
        self.tree.for_each_match(topic, |sub| {
            assert!(found.insert(sub.conn), "{topic}: filter found twice");
        });
        let expected: BTreeSet<u64> = self
            .filters
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.as_deref()
                    .is_some_and(|f| crate::iotsql::topic_matches(f, topic))
            })
            .map(|(i, _)| i as u64)
            .collect();
        let names = |set: &BTreeSet<u64>| -> Vec<String> {
            set.iter()
                .map(|&i| self.filters[i as usize].clone().unwrap_or_default())
                .collect()
        };
        assert_eq!(
            names(&found),
            names(&expected),
            "the subscription tree and topic_matches disagree on {topic:?}"
        );
    }
}
