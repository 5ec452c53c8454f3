//! MQTT 3.1.1 packets to bytes and back. Framing is ours (the size limit is checked on the
//! fixed header, before the body is buffered); CONNECT and SUBSCRIBE are encoded and the
//! broker's packets decoded with `mqtt-proto`. PUBLISH and the fixed-size packets are written
//! straight into the output buffer, without an intermediate allocation.

use std::sync::Arc;

use bytes::{Buf, BufMut, BytesMut};
use mqtt_proto::{Pid, PollHeader, TopicFilter, TopicName, v3};

use super::error::MqttError;
use super::types::{Message, QoS, Will};

/// A packet from the broker.
#[derive(Debug)]
pub(super) enum Incoming {
    Connack { code: u8, session_present: bool },
    Publish { message: Message, pid: Option<u16> },
    Puback(u16),
    Suback { pid: u16, granted: Vec<Option<QoS>> },
    Unsuback,
    Pingresp,
}

impl Incoming {
    /// The packet's name, for messages.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Incoming::Connack { .. } => "CONNACK",
            Incoming::Publish { .. } => "PUBLISH",
            Incoming::Puback(_) => "PUBACK",
            Incoming::Suback { .. } => "SUBACK",
            Incoming::Unsuback => "UNSUBACK",
            Incoming::Pingresp => "PINGRESP",
        }
    }
}

fn protocol(error: impl std::fmt::Display) -> MqttError {
    MqttError::Protocol(error.to_string())
}

/// The fixed header's length and the remaining length, if complete.
fn fixed_header(buf: &[u8]) -> Result<Option<(usize, usize)>, MqttError> {
    let mut remaining = 0usize;
    for i in 1..=4 {
        let Some(&byte) = buf.get(i) else {
            return Ok(None);
        };
        remaining |= usize::from(byte & 0x7F) << (7 * (i - 1));
        if byte & 0x80 == 0 {
            return Ok(Some((i + 1, remaining)));
        }
    }
    Err(protocol("invalid remaining length"))
}

/// Takes the next complete packet (first byte, body) off the front of `buf`; `None` when more
/// bytes are needed. A packet whose body exceeds `limit` is an error as soon as its fixed
/// header is in.
pub(super) fn next_frame(
    buf: &mut BytesMut,
    limit: usize,
) -> Result<Option<(u8, BytesMut)>, MqttError> {
    let Some((header_len, remaining)) = fixed_header(buf)? else {
        return Ok(None);
    };
    if remaining > limit {
        return Err(MqttError::Protocol(format!(
            "the broker sent a packet of {remaining} bytes, over the {limit}-byte limit"
        )));
    }
    if buf.len() < header_len + remaining {
        buf.reserve(header_len + remaining - buf.len());
        return Ok(None);
    }
    let first = buf[0];
    buf.advance(header_len);
    Ok(Some((first, buf.split_to(remaining))))
}

fn qos_of(qos: mqtt_proto::QoS) -> Result<QoS, MqttError> {
    match qos {
        mqtt_proto::QoS::Level0 => Ok(QoS::AtMostOnce),
        mqtt_proto::QoS::Level1 => Ok(QoS::AtLeastOnce),
        mqtt_proto::QoS::Level2 => Err(protocol("the broker used QoS 2, which was not asked for")),
    }
}

/// Decodes one packet from the broker.
pub(super) fn decode(first: u8, body: &[u8]) -> Result<Incoming, MqttError> {
    let len = u32::try_from(body.len()).map_err(protocol)?;
    let header = v3::Header::new_with(first, len, 0).map_err(protocol)?;
    let packet = match header.build_empty_packet() {
        Some(packet) => packet,
        None => header.decode_buffer(body, &mut 0).map_err(protocol)?,
    };
    Ok(match packet {
        v3::Packet::Connack(connack) => Incoming::Connack {
            code: connack.code as u8,
            session_present: connack.session_present,
        },
        v3::Packet::Publish(publish) => Incoming::Publish {
            message: Message {
                topic: publish.topic_name.to_string(),
                payload: publish.payload,
                qos: qos_of(publish.qos_pid.qos())?,
                retain: publish.retain,
            },
            pid: publish.qos_pid.pid().map(Pid::value),
        },
        v3::Packet::Puback(pid) => Incoming::Puback(pid.value()),
        v3::Packet::Suback(suback) => Incoming::Suback {
            pid: suback.pid.value(),
            granted: suback
                .topics
                .iter()
                .map(|code| match code {
                    v3::SubscribeReturnCode::MaxLevel0 => Ok(Some(QoS::AtMostOnce)),
                    v3::SubscribeReturnCode::MaxLevel1 => Ok(Some(QoS::AtLeastOnce)),
                    v3::SubscribeReturnCode::Failure => Ok(None),
                    v3::SubscribeReturnCode::MaxLevel2 => Err(protocol(
                        "the broker granted QoS 2, which was not asked for",
                    )),
                })
                .collect::<Result<_, _>>()?,
        },
        v3::Packet::Unsuback(_) => Incoming::Unsuback,
        v3::Packet::Pingresp => Incoming::Pingresp,
        other => {
            return Err(protocol(format!(
                "the broker sent {:?}, which only a client may send or which is not supported",
                other.get_type()
            )));
        }
    })
}

fn pid(value: u16) -> Result<Pid, MqttError> {
    Pid::try_from(value).map_err(protocol)
}

/// Checks a topic to publish to.
pub(super) fn check_topic(topic: &str) -> Result<(), MqttError> {
    let problem = if topic.is_empty() {
        "it is empty"
    } else if topic.len() > usize::from(u16::MAX) {
        "it is longer than 65535 bytes"
    } else if topic.contains(['+', '#']) {
        "wildcards (+ and #) are only allowed in subscriptions"
    } else if topic.contains('\0') {
        "it contains a NUL character"
    } else {
        return Ok(());
    };
    Err(MqttError::InvalidTopic {
        topic: topic.to_owned(),
        reason: problem.to_owned(),
    })
}

fn extend(out: &mut BytesMut, packet: &v3::Packet) -> Result<(), MqttError> {
    let bytes = packet.encode().map_err(protocol)?;
    out.extend_from_slice(bytes.as_ref());
    Ok(())
}

/// CONNECT: MQTT 3.1.1, no user name or password.
pub(super) fn put_connect(
    out: &mut BytesMut,
    client_id: &str,
    keep_alive_secs: u16,
    clean_session: bool,
    will: Option<&Will>,
) -> Result<(), MqttError> {
    let mut connect = v3::Connect::new(Arc::from(client_id), keep_alive_secs);
    connect.clean_session = clean_session;
    if let Some(will) = will {
        check_topic(&will.topic)?;
        let topic =
            TopicName::try_from(will.topic.as_str()).map_err(|e| MqttError::InvalidTopic {
                topic: will.topic.clone(),
                reason: e.to_string(),
            })?;
        let qos = match will.qos {
            QoS::AtMostOnce => mqtt_proto::QoS::Level0,
            QoS::AtLeastOnce => mqtt_proto::QoS::Level1,
        };
        let mut last_will = v3::LastWill::new(qos, topic, will.payload.clone());
        last_will.retain = will.retain;
        connect.last_will = Some(last_will);
    }
    extend(out, &v3::Packet::Connect(connect))
}

pub(super) fn put_subscribe(
    out: &mut BytesMut,
    id: u16,
    filters: &[(&str, QoS)],
) -> Result<(), MqttError> {
    let topics = filters
        .iter()
        .map(|&(filter, qos)| {
            let filter = TopicFilter::try_from(filter).map_err(|e| MqttError::InvalidTopic {
                topic: filter.to_owned(),
                reason: e.to_string(),
            })?;
            let qos = match qos {
                QoS::AtMostOnce => mqtt_proto::QoS::Level0,
                QoS::AtLeastOnce => mqtt_proto::QoS::Level1,
            };
            Ok((filter, qos))
        })
        .collect::<Result<Vec<_>, MqttError>>()?;
    extend(
        out,
        &v3::Packet::Subscribe(v3::Subscribe::new(pid(id)?, topics)),
    )
}

fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

fn put_varint(out: &mut BytesMut, mut value: usize) {
    loop {
        let mut byte = (value % 128) as u8;
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if value == 0 {
            break;
        }
    }
}

/// The body length of a PUBLISH (what the limit applies to).
pub(super) fn publish_body_len(topic: &str, payload: &[u8], qos: QoS) -> usize {
    let id = if qos == QoS::AtLeastOnce { 2 } else { 0 };
    2 + topic.len() + id + payload.len()
}

/// The flags of a PUBLISH besides its QoS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct PublishFlags {
    pub(super) retain: bool,
    /// Sent again: the broker may have seen this packet id's message before (QoS 1 only).
    pub(super) dup: bool,
}

/// PUBLISH; `topic` must have passed [`check_topic`] and `id` is used for QoS 1 only.
pub(super) fn put_publish(
    out: &mut BytesMut,
    topic: &str,
    payload: &[u8],
    qos: QoS,
    id: u16,
    flags: PublishFlags,
) {
    let remaining = publish_body_len(topic, payload, qos);
    out.reserve(1 + varint_len(remaining) + remaining);
    let dup = flags.dup && qos == QoS::AtLeastOnce;
    out.put_u8(0x30 | (u8::from(dup) << 3) | (qos.level() << 1) | u8::from(flags.retain));
    put_varint(out, remaining);
    // Checked to be at most 65535 bytes.
    out.put_u16(topic.len() as u16);
    out.put_slice(topic.as_bytes());
    if qos == QoS::AtLeastOnce {
        out.put_u16(id);
    }
    out.put_slice(payload);
}

pub(super) fn put_puback(out: &mut BytesMut, id: u16) {
    out.put_slice(&[0x40, 2]);
    out.put_u16(id);
}

pub(super) fn put_pingreq(out: &mut BytesMut) {
    out.put_slice(&[0xC0, 0]);
}

pub(super) fn put_disconnect(out: &mut BytesMut) {
    out.put_slice(&[0xE0, 0]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use mqtt_proto::QosPid;
    use proptest::prelude::*;

    /// Our bytes, decoded by `mqtt-proto` on its own.
    fn proto(bytes: &[u8]) -> v3::Packet {
        v3::Packet::decode(bytes).unwrap().expect("a whole packet")
    }

    fn frame(bytes: &[u8]) -> Incoming {
        let mut buf = BytesMut::from(bytes);
        let (first, body) = next_frame(&mut buf, 1 << 20).unwrap().unwrap();
        assert!(buf.is_empty());
        decode(first, &body).unwrap()
    }

    #[test]
    fn publish_round_trips_across_length_boundaries() {
        for size in [0, 1, 120, 121, 122, 16_370, 16_380, 16_500, 131_072] {
            for (qos, retain) in [(QoS::AtMostOnce, false), (QoS::AtLeastOnce, true)] {
                let payload = Bytes::from(vec![0xA5u8; size]);
                let mut out = BytesMut::new();
                let flags = PublishFlags { retain, dup: false };
                put_publish(&mut out, "dt/x", &payload, qos, 513, flags);
                let expected_pid = if qos == QoS::AtLeastOnce {
                    QosPid::Level1(pid(513).unwrap())
                } else {
                    QosPid::Level0
                };
                let mut expected = v3::Publish::new(
                    expected_pid,
                    TopicName::try_from("dt/x").unwrap(),
                    payload.clone(),
                );
                expected.retain = retain;
                assert_eq!(proto(&out), v3::Packet::Publish(expected), "size {size}");
                match frame(&out) {
                    Incoming::Publish { message, pid } => {
                        assert_eq!(
                            (message.topic.as_str(), message.qos, message.retain),
                            ("dt/x", qos, retain)
                        );
                        assert_eq!(message.payload, payload);
                        assert_eq!(pid, (qos == QoS::AtLeastOnce).then_some(513));
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
    }

    #[test]
    fn connect_and_subscribe_as_mqtt_proto_reads_them() {
        let will = Will {
            topic: "status/dev".to_owned(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
        };
        let mut out = BytesMut::new();
        put_connect(&mut out, "dev-1", 30, true, Some(&will)).unwrap();
        let v3::Packet::Connect(connect) = proto(&out) else {
            panic!("not CONNECT");
        };
        assert_eq!(
            (
                &*connect.client_id,
                connect.keep_alive,
                connect.clean_session
            ),
            ("dev-1", 30, true)
        );
        assert_eq!(connect.protocol, mqtt_proto::Protocol::V311);
        let last_will = connect.last_will.unwrap();
        assert_eq!(
            (&*last_will.topic_name, &last_will.message[..]),
            ("status/dev", &b"gone"[..])
        );
        assert_eq!(
            (last_will.qos, last_will.retain),
            (mqtt_proto::QoS::Level1, true)
        );

        let mut out = BytesMut::new();
        put_subscribe(
            &mut out,
            7,
            &[("a/+", QoS::AtLeastOnce), ("b/#", QoS::AtMostOnce)],
        )
        .unwrap();
        let v3::Packet::Subscribe(subscribe) = proto(&out) else {
            panic!("not SUBSCRIBE");
        };
        assert_eq!(subscribe.pid.value(), 7);
        let filters: Vec<(&str, mqtt_proto::QoS)> =
            subscribe.topics.iter().map(|(f, q)| (&**f, *q)).collect();
        assert_eq!(
            filters,
            [
                ("a/+", mqtt_proto::QoS::Level1),
                ("b/#", mqtt_proto::QoS::Level0)
            ]
        );
        assert!(put_subscribe(&mut out, 8, &[("a/#/b", QoS::AtMostOnce)]).is_err());
    }

    #[test]
    fn a_persistent_connect_and_a_publish_sent_again_as_mqtt_proto_reads_them() {
        let mut out = BytesMut::new();
        put_connect(&mut out, "sleepy", 60, false, None).unwrap();
        let v3::Packet::Connect(connect) = proto(&out) else {
            panic!("not CONNECT");
        };
        assert!(!connect.clean_session);

        let again = PublishFlags {
            retain: false,
            dup: true,
        };
        let mut out = BytesMut::new();
        put_publish(&mut out, "t/1", b"x", QoS::AtLeastOnce, 77, again);
        assert_eq!(out[0], 0x3A, "DUP and QoS 1");
        let v3::Packet::Publish(publish) = proto(&out) else {
            panic!("not PUBLISH");
        };
        assert!(publish.dup);
        assert_eq!(publish.qos_pid, QosPid::Level1(pid(77).unwrap()));
        // DUP means nothing at QoS 0, where the protocol requires it to be 0.
        let mut out = BytesMut::new();
        put_publish(&mut out, "t/1", b"x", QoS::AtMostOnce, 0, again);
        assert_eq!(out[0], 0x30);
    }

    #[test]
    fn small_packets_match_mqtt_proto() {
        let mut out = BytesMut::new();
        put_puback(&mut out, 258);
        assert_eq!(proto(&out), v3::Packet::Puback(pid(258).unwrap()));
        let mut out = BytesMut::new();
        put_pingreq(&mut out);
        assert_eq!(proto(&out), v3::Packet::Pingreq);
        let mut out = BytesMut::new();
        put_disconnect(&mut out);
        assert_eq!(proto(&out), v3::Packet::Disconnect);
    }

    #[test]
    fn broker_packets_decode() {
        let encode = |p: v3::Packet| p.encode().unwrap().as_ref().to_vec();
        let refused = v3::Connack::new(false, v3::ConnectReturnCode::NotAuthorized);
        assert!(matches!(
            frame(&encode(refused.into())),
            Incoming::Connack {
                code: 5,
                session_present: false
            }
        ));
        let resumed = v3::Connack::new(true, v3::ConnectReturnCode::Accepted);
        assert!(matches!(
            frame(&encode(resumed.into())),
            Incoming::Connack {
                code: 0,
                session_present: true
            }
        ));
        assert!(matches!(
            frame(&encode(v3::Packet::Puback(pid(9).unwrap()))),
            Incoming::Puback(9)
        ));
        assert!(matches!(
            frame(&encode(v3::Packet::Pingresp)),
            Incoming::Pingresp
        ));
        // By hand: mqtt-proto 0.4 encodes a refusal as 3 instead of 0x80 (its decoder is right).
        let suback = [0x90, 5, 0, 3, 1, 0x80, 0];
        match frame(&suback) {
            Incoming::Suback { pid, granted } => {
                assert_eq!(pid, 3);
                assert_eq!(
                    granted,
                    [Some(QoS::AtLeastOnce), None, Some(QoS::AtMostOnce)]
                );
            }
            other => panic!("{other:?}"),
        }
        // A client's packet from the broker is a protocol error.
        assert!(decode(0xC0, &[]).is_err());
    }

    #[test]
    fn frames_wait_for_their_bytes_and_respect_the_limit() {
        let mut out = BytesMut::new();
        let flags = PublishFlags::default();
        put_publish(&mut out, "t", &[1u8; 300], QoS::AtLeastOnce, 1, flags);
        put_puback(&mut out, 2);
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for byte in out.iter() {
            buf.put_u8(*byte);
            while let Some((first, body)) = next_frame(&mut buf, 1000).unwrap() {
                frames.push(decode(first, &body).unwrap());
            }
        }
        assert!(matches!(
            frames.as_slice(),
            [Incoming::Publish { .. }, Incoming::Puback(2)]
        ));
        let mut big = BytesMut::from(&out[..3]);
        assert!(
            next_frame(&mut big, 100)
                .unwrap_err()
                .to_string()
                .contains("over the 100-byte limit")
        );
    }

    #[test]
    fn topics_to_publish_to_are_checked() {
        assert!(check_topic("dt/a/b").is_ok());
        for bad in ["", "a/+", "a/#", "a\0b"] {
            assert!(check_topic(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        /// No input makes the decoder panic.
        #[test]
        fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let mut buf = BytesMut::from(&bytes[..]);
            while let Ok(Some((first, body))) = next_frame(&mut buf, 10_000) {
                let _ = decode(first, &body);
            }
        }
    }
}
