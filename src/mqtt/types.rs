//! What a session is opened with and what it hands back: connect options, the last will,
//! quality of service, received messages and events.

use std::time::Duration;

use bytes::Bytes;

/// The largest payload AWS IoT Core accepts (128 KB).
pub(super) const MAX_PAYLOAD: usize = 128 * 1024;
/// Room for the fixed header, topic and packet id around a payload.
pub(super) const PACKET_HEADROOM: usize = 8 * 1024;

/// The quality of service of a message. QoS 2 is not offered: AWS IoT Core does not support it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QoS {
    AtMostOnce,
    AtLeastOnce,
}

impl QoS {
    pub(super) fn level(self) -> u8 {
        match self {
            QoS::AtMostOnce => 0,
            QoS::AtLeastOnce => 1,
        }
    }
}

/// The message the broker publishes for the client when the connection ends without a
/// DISCONNECT.
#[derive(Clone, Debug)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
}

/// How to open a session.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub client_id: String,
    /// MQTT 3.1.1's clean session: true (the default) starts afresh and the broker forgets the
    /// session when the connection ends; false asks the broker to keep it (subscriptions, QoS 1
    /// messages for the client while it is away) and to resume it on the next connection, which
    /// [`Connection::resume`](super::Connection::resume) makes with the client's half.
    pub clean_session: bool,
    /// The keep-alive announced in CONNECT (whole seconds; zero turns keep-alive off). A PINGREQ
    /// goes out when nothing was sent or nothing received for this long, and the connection is
    /// considered dead when its PINGRESP does not arrive within the same time.
    pub keep_alive: Duration,
    pub will: Option<Will>,
    /// TCP connect, TLS handshake, WebSocket upgrade and CONNACK must all fit in this.
    pub connect_timeout: Duration,
    /// The largest packet sent or accepted (fixed header excluded).
    pub max_packet_bytes: usize,
    /// How many QoS 1 publishes may wait for their PUBACK at once.
    pub max_in_flight: usize,
}

impl ConnectOptions {
    /// A clean session, 30 s keep-alive, no will, 10 s to connect, AWS IoT's 128 KB payloads,
    /// 32 messages in flight.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            clean_session: true,
            keep_alive: Duration::from_secs(30),
            will: None,
            connect_timeout: Duration::from_secs(10),
            max_packet_bytes: MAX_PAYLOAD + PACKET_HEADROOM,
            max_in_flight: 32,
        }
    }
}

/// A message received on a subscription.
#[derive(Clone, Debug)]
pub struct Message {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
}

/// What [`Connection::next_event`](super::Connection::next_event) reports.
#[derive(Debug)]
pub enum Event {
    /// A message on one of the subscriptions (already acknowledged if QoS 1).
    Message(Message),
    /// The broker acknowledged the QoS 1 publish with this packet id.
    PubAck(u16),
}
