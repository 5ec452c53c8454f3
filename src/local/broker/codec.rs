//! Bytes to packets and back. Framing is ours so the size limit is applied to the fixed
//! header before any of the body is buffered; bodies are decoded with `mqtt-proto` (its v3
//! module for MQTT 3.1.1, v5 for MQTT 5) into the few shapes the broker acts on. Replies are
//! written straight into the connection's output buffer.

use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use mqtt_proto::{Encodable, PollHeader, TopicFilter, TopicName, v3, v5};

/// Read-buffer space asked for before each read.
const READ_CHUNK: usize = 2048;
/// An empty read buffer larger than this is released, so idle connections stay small.
const IDLE_BUFFER_LIMIT: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Version {
    V3,
    V5,
}

impl Version {
    pub(super) fn label(self) -> &'static str {
        match self {
            Version::V3 => "3.1.1",
            Version::V5 => "5",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum FrameError {
    #[error("packet of {size} bytes is too large")]
    TooLarge { size: usize },
    #[error("malformed packet: {0}")]
    Malformed(String),
}

fn malformed(error: impl std::fmt::Display) -> FrameError {
    FrameError::Malformed(error.to_string())
}

/// One packet: its first byte and its body (everything after the remaining length).
#[derive(Debug)]
pub(super) struct Frame {
    pub(super) header: u8,
    pub(super) body: BytesMut,
}

impl Frame {
    fn packet_type(&self) -> u8 {
        self.header >> 4
    }

    fn remaining_len(&self) -> u32 {
        // Bodies are bounded by the frame limit, far below u32::MAX.
        u32::try_from(self.body.len()).unwrap_or(u32::MAX)
    }
}

/// Splits the byte stream into frames.
#[derive(Debug)]
pub(super) struct FrameReader {
    buf: BytesMut,
    /// The largest remaining length accepted.
    limit: usize,
}

impl FrameReader {
    pub(super) fn new(limit: usize) -> Self {
        Self {
            buf: BytesMut::new(),
            limit,
        }
    }

    /// The buffer to read into, with room for at least one more chunk.
    pub(super) fn buffer(&mut self) -> &mut BytesMut {
        if self.buf.capacity() - self.buf.len() < READ_CHUNK / 2 {
            self.buf.reserve(READ_CHUNK);
        }
        &mut self.buf
    }

    /// The next complete frame, `None` if more bytes are needed. A frame over the limit is an
    /// error as soon as its fixed header is in.
    pub(super) fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let Some((header_len, remaining)) = parse_fixed_header(&self.buf)? else {
            return Ok(None);
        };
        if remaining > self.limit {
            return Err(FrameError::TooLarge { size: remaining });
        }
        let total = header_len + remaining;
        if self.buf.len() < total {
            // Grow with what has arrived (at most doubling it), not with what the header
            // claims: a client that announces a large packet and sends nothing costs nothing.
            let missing = total - self.buf.len();
            self.buf
                .reserve(missing.min(self.buf.len().max(READ_CHUNK)));
            return Ok(None);
        }
        let header = self.buf[0];
        self.buf.advance(header_len);
        let body = self.buf.split_to(remaining);
        Ok(Some(Frame { header, body }))
    }

    /// Bytes held for reading.
    pub(super) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Releases a large buffer once it is empty.
    pub(super) fn compact(&mut self) {
        if self.buf.is_empty() && self.buf.capacity() > IDLE_BUFFER_LIMIT {
            self.buf = BytesMut::new();
        }
    }
}

/// The fixed header's length and the remaining length, if complete.
fn parse_fixed_header(buf: &[u8]) -> Result<Option<(usize, usize)>, FrameError> {
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
    Err(malformed("invalid remaining length"))
}

/// A will from CONNECT.
#[derive(Debug, Clone)]
pub(super) struct Will {
    pub(super) topic: TopicName,
    pub(super) payload: Bytes,
    pub(super) qos: u8,
    pub(super) retain: bool,
}

/// What the broker needs from a CONNECT.
#[derive(Debug)]
pub(super) struct ConnectRequest {
    pub(super) version: Version,
    pub(super) client_id: Arc<str>,
    pub(super) keep_alive: u16,
    pub(super) will: Option<Will>,
    /// MQTT 3.1.1 clean session, MQTT 5 clean start.
    pub(super) clean: bool,
    /// MQTT 5: the Session Expiry Interval asked for (absent: 0, the session ends with the
    /// connection).
    pub(super) session_expiry: Option<u32>,
    /// MQTT 5: how many unacknowledged QoS 1 messages the client accepts (65535 if unsaid).
    pub(super) receive_max: u16,
    /// MQTT 5: the largest packet the client accepts.
    pub(super) max_packet_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ConnectError {
    /// The first packet is not a CONNECT.
    NotConnect,
    /// A protocol level other than 4 (3.1.1) or 5.
    UnsupportedLevel(u8),
    Malformed(Version, String),
}

/// Decodes the first packet, choosing the protocol version from its level byte.
pub(super) fn decode_connect(frame: &Frame) -> Result<ConnectRequest, ConnectError> {
    if frame.header != 0x10 {
        return Err(ConnectError::NotConnect);
    }
    let body = &frame.body[..];
    let name_len = body
        .get(..2)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        .ok_or_else(|| ConnectError::Malformed(Version::V3, "truncated CONNECT".to_owned()))?;
    let level = *body
        .get(2 + name_len)
        .ok_or_else(|| ConnectError::Malformed(Version::V3, "truncated CONNECT".to_owned()))?;
    match level {
        4 => decode_connect_v3(body),
        5 => decode_connect_v5(frame),
        other => Err(ConnectError::UnsupportedLevel(other)),
    }
}

fn decode_connect_v3(body: &[u8]) -> Result<ConnectRequest, ConnectError> {
    let connect = v3::Connect::decode(body, &mut 0)
        .map_err(|e| ConnectError::Malformed(Version::V3, e.to_string()))?;
    Ok(ConnectRequest {
        version: Version::V3,
        client_id: connect.client_id,
        keep_alive: connect.keep_alive,
        will: connect.last_will.map(|w| Will {
            topic: w.topic_name,
            payload: w.message,
            qos: w.qos as u8,
            retain: w.retain,
        }),
        clean: connect.clean_session,
        session_expiry: None,
        receive_max: u16::MAX,
        max_packet_size: None,
    })
}

fn decode_connect_v5(frame: &Frame) -> Result<ConnectRequest, ConnectError> {
    let bad = |e: &dyn std::fmt::Display| ConnectError::Malformed(Version::V5, e.to_string());
    let header =
        v5::Header::new_with(frame.header, frame.remaining_len(), 0).map_err(|e| bad(&e))?;
    let connect = v5::Connect::decode(&frame.body, &mut 0, header).map_err(|e| bad(&e))?;
    Ok(ConnectRequest {
        version: Version::V5,
        client_id: connect.client_id,
        keep_alive: connect.keep_alive,
        will: connect.last_will.map(|w| Will {
            topic: w.topic_name,
            payload: w.payload,
            qos: w.qos as u8,
            retain: w.retain,
        }),
        clean: connect.clean_start,
        session_expiry: connect.properties.session_expiry_interval,
        receive_max: connect.properties.receive_max.unwrap_or(u16::MAX),
        max_packet_size: connect.properties.max_packet_size,
    })
}

/// A PUBLISH from a client.
#[derive(Debug)]
pub(super) struct PublishIn {
    pub(super) topic: TopicName,
    pub(super) payload: Bytes,
    pub(super) qos: u8,
    pub(super) pid: u16,
    pub(super) retain: bool,
    /// MQTT 5: the client used a topic alias (none are granted).
    pub(super) uses_alias: bool,
}

/// Whether retained messages are sent for a new subscription (MQTT 5 retain handling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RetainHandling {
    Send,
    SendIfNew,
    DontSend,
}

#[derive(Debug)]
pub(super) struct SubscribeIn {
    pub(super) pid: u16,
    pub(super) filters: Vec<(TopicFilter, u8, RetainHandling)>,
}

#[derive(Debug)]
pub(super) enum Incoming {
    Publish(PublishIn),
    Puback(u16),
    Subscribe(SubscribeIn),
    Unsubscribe {
        pid: u16,
        filters: Vec<TopicFilter>,
    },
    Pingreq,
    /// `with_will`: MQTT 5 reason 0x04 asks for the will to be published anyway;
    /// `session_expiry`: MQTT 5 may change the session's expiry as it leaves.
    Disconnect {
        with_will: bool,
        session_expiry: Option<u32>,
    },
    /// A packet a client may not send at this point (second CONNECT, QoS 2 flow, AUTH, ...).
    Unexpected(&'static str),
}

/// Packet types a client may send after CONNECT; anything else is refused before decoding.
fn client_packet(packet_type: u8, version: Version) -> Result<(), &'static str> {
    match packet_type {
        1 => Err("a second CONNECT"),
        3 | 4 | 8 | 10 | 12 | 14 => Ok(()),
        5..=7 => Err("a QoS 2 acknowledgement"),
        15 if version == Version::V5 => Err("AUTH (extended authentication is not supported)"),
        _ => Err("a packet only a server may send"),
    }
}

pub(super) fn decode(version: Version, frame: &Frame) -> Result<Incoming, FrameError> {
    if let Err(what) = client_packet(frame.packet_type(), version) {
        return Ok(Incoming::Unexpected(what));
    }
    match version {
        Version::V3 => decode_v3(frame),
        Version::V5 => decode_v5(frame),
    }
}

fn decode_v3(frame: &Frame) -> Result<Incoming, FrameError> {
    let header = v3::Header::new_with(frame.header, frame.remaining_len(), 0).map_err(malformed)?;
    let packet = match header.build_empty_packet() {
        Some(packet) => packet,
        None => header
            .decode_buffer(&frame.body, &mut 0)
            .map_err(malformed)?,
    };
    Ok(match packet {
        v3::Packet::Publish(p) => Incoming::Publish(PublishIn {
            topic: p.topic_name,
            payload: p.payload,
            qos: p.qos_pid.qos() as u8,
            pid: p.qos_pid.pid().map_or(0, |pid| pid.value()),
            retain: p.retain,
            uses_alias: false,
        }),
        v3::Packet::Puback(pid) => Incoming::Puback(pid.value()),
        v3::Packet::Subscribe(s) => Incoming::Subscribe(SubscribeIn {
            pid: s.pid.value(),
            filters: s
                .topics
                .into_iter()
                .map(|(filter, qos)| (filter, qos as u8, RetainHandling::Send))
                .collect(),
        }),
        v3::Packet::Unsubscribe(u) => Incoming::Unsubscribe {
            pid: u.pid.value(),
            filters: u.topics,
        },
        v3::Packet::Pingreq => Incoming::Pingreq,
        v3::Packet::Disconnect => Incoming::Disconnect {
            with_will: false,
            session_expiry: None,
        },
        _ => Incoming::Unexpected("a packet only a server may send"),
    })
}

fn decode_v5(frame: &Frame) -> Result<Incoming, FrameError> {
    let header = v5::Header::new_with(frame.header, frame.remaining_len(), 0).map_err(malformed)?;
    let packet = match header.build_empty_packet() {
        Some(packet) => packet,
        None => header
            .decode_buffer(&frame.body, &mut 0)
            .map_err(malformed)?,
    };
    Ok(match packet {
        v5::Packet::Publish(p) => Incoming::Publish(PublishIn {
            topic: p.topic_name,
            payload: p.payload,
            qos: p.qos_pid.qos() as u8,
            pid: p.qos_pid.pid().map_or(0, |pid| pid.value()),
            retain: p.retain,
            uses_alias: p.properties.topic_alias.is_some(),
        }),
        v5::Packet::Puback(ack) => Incoming::Puback(ack.pid.value()),
        v5::Packet::Subscribe(s) => Incoming::Subscribe(SubscribeIn {
            pid: s.pid.value(),
            filters: s
                .topics
                .into_iter()
                .map(|(filter, options)| {
                    let handling = match options.retain_handling {
                        v5::RetainHandling::SendAtSubscribe => RetainHandling::Send,
                        v5::RetainHandling::SendAtSubscribeIfNotExist => RetainHandling::SendIfNew,
                        v5::RetainHandling::DoNotSend => RetainHandling::DontSend,
                    };
                    (filter, options.max_qos as u8, handling)
                })
                .collect(),
        }),
        v5::Packet::Unsubscribe(u) => Incoming::Unsubscribe {
            pid: u.pid.value(),
            filters: u.topics,
        },
        v5::Packet::Pingreq => Incoming::Pingreq,
        v5::Packet::Disconnect(d) => Incoming::Disconnect {
            with_will: d.reason_code == v5::DisconnectReasonCode::DisconnectWithWillMessage,
            session_expiry: d.properties.session_expiry_interval,
        },
        _ => Incoming::Unexpected("a packet only a server may send"),
    })
}

fn put_varint(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let mut byte = (value % 128) as u8;
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if value == 0 {
            break;
        }
    }
}

fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

fn publish_remaining(version: Version, topic: &str, payload: &[u8], qos: u8) -> usize {
    let pid = if qos > 0 { 2 } else { 0 };
    let properties = usize::from(version == Version::V5);
    2 + topic.len() + pid + properties + payload.len()
}

/// The size of the PUBLISH [`put_publish`] would write.
pub(super) fn publish_len(version: Version, topic: &str, payload: &[u8], qos: u8) -> usize {
    let remaining = publish_remaining(version, topic, payload, qos);
    1 + varint_len(remaining) + remaining
}

/// How a PUBLISH goes out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PublishFlags {
    pub(super) qos: u8,
    pub(super) retain: bool,
    /// Sent before and not acknowledged.
    pub(super) dup: bool,
}

pub(super) fn put_publish(
    out: &mut Vec<u8>,
    version: Version,
    topic: &str,
    payload: &[u8],
    pid: u16,
    flags: PublishFlags,
) {
    let PublishFlags { qos, retain, dup } = flags;
    let remaining = publish_remaining(version, topic, payload, qos);
    out.reserve(1 + varint_len(remaining) + remaining);
    out.push(0x30 | (u8::from(dup) << 3) | (qos << 1) | u8::from(retain));
    put_varint(out, remaining);
    // Topics were checked to be at most 256 bytes.
    out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    out.extend_from_slice(topic.as_bytes());
    if qos > 0 {
        out.extend_from_slice(&pid.to_be_bytes());
    }
    if version == Version::V5 {
        out.push(0); // no properties
    }
    out.extend_from_slice(payload);
}

pub(super) fn put_puback(out: &mut Vec<u8>, pid: u16) {
    let [hi, lo] = pid.to_be_bytes();
    out.extend_from_slice(&[0x40, 2, hi, lo]);
}

pub(super) fn put_pingresp(out: &mut Vec<u8>) {
    out.extend_from_slice(&[0xD0, 0]);
}

/// The outcome of one filter of a SUBSCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SubscribeCode {
    Granted(u8),
    NotAuthorized,
    QuotaExceeded,
    InvalidFilter,
    SharedUnsupported,
}

impl SubscribeCode {
    fn byte(self, version: Version) -> u8 {
        match (self, version) {
            (SubscribeCode::Granted(qos), _) => qos,
            (_, Version::V3) => 0x80,
            (SubscribeCode::NotAuthorized, Version::V5) => 0x87,
            (SubscribeCode::QuotaExceeded, Version::V5) => 0x97,
            (SubscribeCode::InvalidFilter, Version::V5) => 0x8F,
            (SubscribeCode::SharedUnsupported, Version::V5) => 0x9E,
        }
    }
}

pub(super) fn put_suback(out: &mut Vec<u8>, version: Version, pid: u16, codes: &[SubscribeCode]) {
    let properties = usize::from(version == Version::V5);
    out.push(0x90);
    put_varint(out, 2 + properties + codes.len());
    out.extend_from_slice(&pid.to_be_bytes());
    if version == Version::V5 {
        out.push(0);
    }
    out.extend(codes.iter().map(|c| c.byte(version)));
}

/// UNSUBACK; `existed` says, per filter, whether there was such a subscription (MQTT 5 only).
pub(super) fn put_unsuback(out: &mut Vec<u8>, version: Version, pid: u16, existed: &[bool]) {
    out.push(0xB0);
    match version {
        Version::V3 => {
            out.push(2);
            out.extend_from_slice(&pid.to_be_bytes());
        }
        Version::V5 => {
            put_varint(out, 3 + existed.len());
            out.extend_from_slice(&pid.to_be_bytes());
            out.push(0);
            out.extend(existed.iter().map(|&e| if e { 0x00 } else { 0x11 }));
        }
    }
}

/// An MQTT 5 DISCONNECT with a reason code.
pub(super) fn put_disconnect(out: &mut Vec<u8>, code: u8) {
    out.extend_from_slice(&[0xE0, 1, code]);
}

pub(super) fn put_connack_v3(out: &mut Vec<u8>, code: u8, session_present: bool) {
    out.extend_from_slice(&[0x20, 2, u8::from(session_present), code]);
}

/// What the broker tells an MQTT 5 client in CONNACK.
#[derive(Debug, Clone, Copy)]
pub(super) struct ConnackV5 {
    pub(super) reason: u8,
    pub(super) session_present: bool,
    /// Set when the broker grants another Session Expiry Interval than the client asked for.
    pub(super) session_expiry: Option<u32>,
    pub(super) max_packet_size: u32,
    pub(super) receive_max: u16,
    /// Set when the broker changed the client's keep-alive.
    pub(super) server_keep_alive: Option<u16>,
}

pub(super) fn put_connack_v5(out: &mut Vec<u8>, connack: ConnackV5) {
    let reason = v5::ConnectReasonCode::from_u8(connack.reason)
        .unwrap_or(v5::ConnectReasonCode::UnspecifiedError);
    let mut packet = v5::Connack::new(connack.session_present, reason);
    if reason == v5::ConnectReasonCode::Success {
        let p = &mut packet.properties;
        p.session_expiry_interval = connack.session_expiry;
        p.receive_max = Some(connack.receive_max);
        p.max_qos = Some(mqtt_proto::QoS::Level1);
        p.retain_available = Some(true);
        p.max_packet_size = Some(connack.max_packet_size);
        p.wildcard_subscription_available = Some(true);
        p.subscription_id_available = Some(false);
        p.shared_subscription_available = Some(false);
        p.server_keep_alive = connack.server_keep_alive;
    }
    out.push(0x20);
    put_varint(out, packet.encode_len());
    // Writing into a Vec cannot fail.
    let _ = packet.encode(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn oversized_frame_refused_from_its_header() {
        let mut reader = FrameReader::new(100);
        // PUBLISH with a remaining length of 200 and no body yet.
        reader.buffer().extend_from_slice(&[0x30, 0xC8, 0x01]);
        assert_eq!(
            reader.next_frame().unwrap_err(),
            FrameError::TooLarge { size: 200 }
        );
    }

    #[test]
    fn a_claimed_length_is_not_allocated_before_it_arrives() {
        use crate::local::broker::fuzzing::{FRAME_LIMIT, buffered_for};
        // A claim of the largest frame with nothing sent holds one read's worth.
        let (held, whole) = buffered_for(FRAME_LIMIT, 0);
        assert!(held <= 2 * READ_CHUNK && !whole, "{held}");
        // The buffer grows with what arrives, at most doubling it.
        let (held, whole) = buffered_for(FRAME_LIMIT, 10_000);
        assert!((10_000..=4 * 10_000).contains(&held) && !whole, "{held}");
        // A whole frame comes out, and never needed more than twice its size.
        let (held, whole) = buffered_for(FRAME_LIMIT, FRAME_LIMIT);
        assert!(whole && held <= 2 * (FRAME_LIMIT + 5), "{held}");
    }

    #[test]
    fn frames_split_across_reads() {
        let mut reader = FrameReader::new(1000);
        let mut out = Vec::new();
        let flags = PublishFlags {
            qos: 1,
            ..PublishFlags::default()
        };
        put_publish(&mut out, Version::V3, "a/b", b"hello", 7, flags);
        put_pingresp(&mut out);
        let (first, rest) = out.split_at(4);
        reader.buffer().extend_from_slice(first);
        assert!(reader.next_frame().unwrap().is_none());
        reader.buffer().extend_from_slice(rest);
        let frame = reader.next_frame().unwrap().unwrap();
        assert_eq!(frame.header, 0x32);
        match decode(Version::V3, &frame).unwrap() {
            Incoming::Publish(p) => {
                assert_eq!(
                    (&*p.topic, &p.payload[..], p.pid),
                    ("a/b", &b"hello"[..], 7)
                );
            }
            other => panic!("{other:?}"),
        }
        let frame = reader.next_frame().unwrap().unwrap();
        assert_eq!(frame.header, 0xD0);
        assert!(reader.next_frame().unwrap().is_none());
    }

    #[test]
    fn publish_len_matches_encoding() {
        for version in [Version::V3, Version::V5] {
            for (qos, size) in [(0, 10), (1, 200), (1, 20_000)] {
                let mut out = Vec::new();
                let payload = vec![7u8; size];
                let flags = PublishFlags {
                    qos,
                    retain: true,
                    dup: false,
                };
                put_publish(&mut out, version, "t/x", &payload, 3, flags);
                assert_eq!(out.len(), publish_len(version, "t/x", &payload, qos));
            }
        }
    }

    proptest! {
        /// No input makes the decoder panic.
        #[test]
        fn decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), v5 in any::<bool>()) {
            let version = if v5 { Version::V5 } else { Version::V3 };
            let mut reader = FrameReader::new(10_000);
            reader.buffer().extend_from_slice(&bytes);
            while let Ok(Some(frame)) = reader.next_frame() {
                let _ = decode_connect(&frame);
                let _ = decode(version, &frame);
            }
        }
    }
}
