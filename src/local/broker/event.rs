//! What the broker reports to the operator: one event per connection, refusal or disconnect,
//! each with what a log line needs. `Display` gives that line.

use std::fmt;
use std::net::SocketAddr;

use super::presence::DisconnectReason;

/// Where a connection attempt was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedAt {
    /// The TLS handshake failed: no client certificate, a chain the gate refused, a timeout or
    /// a client that does not speak TLS.
    Tls,
    /// The TLS session was set up but the CONNECT was refused (certificate not active, client
    /// id not allowed, invalid client id, will not allowed, malformed CONNECT).
    Connect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerEvent {
    /// An MQTT session was accepted (CONNACK sent).
    Connected {
        client_id: String,
        certificate_id: String,
        /// "3.1.1" or "5".
        protocol: &'static str,
        peer: SocketAddr,
        /// The `versionNumber` of this connection's lifecycle events.
        version: u64,
        /// Clean, a new persistent session, or a persistent session resumed.
        session: SessionKind,
    },
    /// An accepted session ended.
    Disconnected {
        client_id: String,
        certificate_id: String,
        peer: SocketAddr,
        /// Why, e.g. "client disconnected", "keep-alive timeout after 45 s", "taken over by a
        /// new connection from 127.0.0.1:5000", "publish to a/b not allowed by ...",
        /// "message of 140000 bytes exceeds the 128 KB limit".
        reason: String,
        /// Whether the client's last will was published.
        will_published: bool,
        /// AWS's `disconnectReason`, as in the disconnected lifecycle event.
        disconnect_reason: DisconnectReason,
        /// The `versionNumber` of the connection that ended.
        version: u64,
    },
    /// A connection attempt refused before a session existed.
    Refused {
        peer: SocketAddr,
        at: RefusedAt,
        /// Known once the CONNECT was read.
        client_id: Option<String>,
        reason: String,
    },
    /// The handshake was refused after the client's certificate, issued by a registered CA that
    /// allows auto-registration, was registered as `PENDING_ACTIVATION` (just-in-time
    /// registration); the registration event was published.
    Registered {
        peer: SocketAddr,
        certificate_id: String,
        ca_certificate_id: String,
    },
    /// A filter in a SUBSCRIBE was refused (the others may have been granted).
    SubscribeRefused {
        client_id: String,
        filter: String,
        reason: String,
    },
    /// A QoS 1 message could not be queued for a persistent session and was dropped for it
    /// (reported once until the session's queue has room again).
    QueueFull {
        client_id: String,
        topic: String,
        reason: String,
    },
    /// A persistent session was not resumed within its expiry: it ended with what was queued.
    SessionExpired { client_id: String, queued: usize },
    /// Changes to the broker's saved state (retained messages, sessions) could not be written.
    StoreFailed { changes: usize, reason: String },
    /// A request to the device HTTPS endpoint was refused (`request`: "POST /topics/...").
    HttpsRefused {
        peer: SocketAddr,
        certificate_id: String,
        request: String,
        status: u16,
        reason: String,
    },
}

/// What kind of session a connection has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Ends with the connection.
    Clean,
    /// A new persistent session (none was there to resume).
    New,
    /// A persistent session resumed, with this many messages waiting.
    Resumed { queued: usize },
}

impl fmt::Display for BrokerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerEvent::Connected {
                client_id,
                certificate_id,
                protocol,
                peer,
                session,
                ..
            } => {
                write!(
                    f,
                    "{client_id} connected from {peer} (MQTT {protocol}, certificate {certificate_id}"
                )?;
                match session {
                    SessionKind::Clean => write!(f, ")"),
                    SessionKind::New => write!(f, ", new persistent session)"),
                    SessionKind::Resumed { queued } => {
                        write!(f, ", persistent session resumed, {queued} queued)")
                    }
                }
            }
            BrokerEvent::Disconnected {
                client_id,
                reason,
                will_published,
                disconnect_reason,
                ..
            } => {
                write!(
                    f,
                    "{client_id} disconnected: {reason} ({disconnect_reason})"
                )?;
                if *will_published {
                    write!(f, " (last will published)")?;
                }
                Ok(())
            }
            BrokerEvent::Refused {
                peer,
                at,
                client_id,
                reason,
            } => {
                let stage = match at {
                    RefusedAt::Tls => "TLS handshake",
                    RefusedAt::Connect => "CONNECT",
                };
                match client_id {
                    Some(id) => write!(f, "{stage} from {peer} ({id}) refused: {reason}"),
                    None => write!(f, "{stage} from {peer} refused: {reason}"),
                }
            }
            BrokerEvent::Registered {
                peer,
                certificate_id,
                ca_certificate_id,
            } => write!(
                f,
                "certificate {certificate_id} of CA {ca_certificate_id} registered as PENDING_ACTIVATION (just-in-time registration); connection from {peer} refused"
            ),
            BrokerEvent::SubscribeRefused {
                client_id,
                filter,
                reason,
            } => write!(f, "{client_id} may not subscribe to {filter}: {reason}"),
            BrokerEvent::QueueFull {
                client_id,
                topic,
                reason,
            } => write!(
                f,
                "{client_id} is away and a message on {topic} was not queued for it: {reason}"
            ),
            BrokerEvent::SessionExpired { client_id, queued } => write!(
                f,
                "{client_id}'s persistent session expired ({queued} queued messages discarded)"
            ),
            BrokerEvent::StoreFailed { changes, reason } => write!(
                f,
                "{changes} changes to retained messages and sessions could not be saved: {reason}"
            ),
            BrokerEvent::HttpsRefused {
                peer,
                certificate_id,
                request,
                status,
                reason,
            } => write!(
                f,
                "HTTPS {request} from {peer} (certificate {}) refused with {status}: {reason}",
                certificate_id.get(..12).unwrap_or(certificate_id)
            ),
        }
    }
}
