//! Lifecycle events as AWS IoT Core publishes them: `$aws/events/presence/connected/<clientId>`
//! when a session is accepted and `$aws/events/presence/disconnected/<clientId>` when it ends,
//! with the session's identifier, the certificate id as principal, the client's address, why
//! the session ended and a version number that grows with each connection of a client id (the
//! disconnected event carries the version of the connection it ends, so a subscriber can order
//! events that arrive out of order). Client ids containing `#` or `+` get no events, as on AWS.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use serde_json::json;

pub const CONNECTED_TOPIC_PREFIX: &str = "$aws/events/presence/connected/";
pub const DISCONNECTED_TOPIC_PREFIX: &str = "$aws/events/presence/disconnected/";

/// AWS IoT Core's `disconnectReason` values the local broker can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisconnectReason {
    /// A publish, retained publish or last will the policies do not allow.
    AuthError,
    /// The client sent DISCONNECT.
    ClientInitiatedDisconnect,
    /// A protocol error: malformed packet, QoS 2, a payload over the limit, topic aliases.
    ClientError,
    /// The connection closed or broke without DISCONNECT.
    ConnectionLost,
    /// Another connection took the client id over.
    DuplicateClientId,
    /// Nothing received for 1.5 times the keep-alive.
    MqttKeepAliveTimeout,
    /// The broker ended the session: shutdown.
    ServerInitiatedDisconnect,
    /// The client could not keep up with its deliveries.
    Throttled,
}

impl DisconnectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::AuthError => "AUTH_ERROR",
            DisconnectReason::ClientInitiatedDisconnect => "CLIENT_INITIATED_DISCONNECT",
            DisconnectReason::ClientError => "CLIENT_ERROR",
            DisconnectReason::ConnectionLost => "CONNECTION_LOST",
            DisconnectReason::DuplicateClientId => "DUPLICATE_CLIENTID",
            DisconnectReason::MqttKeepAliveTimeout => "MQTT_KEEP_ALIVE_TIMEOUT",
            DisconnectReason::ServerInitiatedDisconnect => "SERVER_INITIATED_DISCONNECT",
            DisconnectReason::Throttled => "THROTTLED",
        }
    }

    /// True only when the client itself said goodbye.
    pub fn client_initiated(self) -> bool {
        self == DisconnectReason::ClientInitiatedDisconnect
    }
}

impl std::fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The next version number of each client id seen since the broker started.
#[derive(Debug, Default)]
pub(super) struct Versions {
    next: Mutex<HashMap<Arc<str>, u64>>,
}

impl Versions {
    /// The version of a new connection of `client_id`: 0 for the first, then 1, 2...
    pub(super) fn next(&self, client_id: &Arc<str>) -> u64 {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = next.entry(client_id.clone()).or_insert(0);
        let version = *slot;
        *slot += 1;
        version
    }
}

/// What both events of one session say about it.
#[derive(Debug, Clone)]
pub(super) struct Presence {
    pub(super) client_id: Arc<str>,
    pub(super) session_identifier: String,
    pub(super) principal_identifier: String,
    pub(super) ip_address: IpAddr,
    pub(super) version: u64,
}

impl Presence {
    pub(super) fn new(
        versions: &Versions,
        client_id: &Arc<str>,
        principal_identifier: &str,
        ip_address: IpAddr,
        persistent_session: Option<String>,
    ) -> Self {
        Presence {
            client_id: client_id.clone(),
            // A persistent session keeps its identifier across connections.
            session_identifier: persistent_session.unwrap_or_else(session_identifier),
            principal_identifier: principal_identifier.to_owned(),
            ip_address,
            version: versions.next(client_id),
        }
    }

    /// Whether the client id may appear in a topic name (AWS skips ids with wildcards).
    pub(super) fn published(&self) -> bool {
        !self.client_id.contains(['#', '+'])
    }

    /// The connected event's topic and payload.
    pub(super) fn connected(&self, timestamp_ms: i64) -> (String, Bytes) {
        let payload = json!({
            "clientId": &*self.client_id,
            "timestamp": timestamp_ms,
            "eventType": "connected",
            "sessionIdentifier": self.session_identifier,
            "principalIdentifier": self.principal_identifier,
            "ipAddress": self.ip_address.to_string(),
            "versionNumber": self.version,
        });
        (
            format!("{CONNECTED_TOPIC_PREFIX}{}", self.client_id),
            Bytes::from(payload.to_string()),
        )
    }

    /// The disconnected event's topic and payload.
    pub(super) fn disconnected(
        &self,
        timestamp_ms: i64,
        reason: DisconnectReason,
    ) -> (String, Bytes) {
        let payload = json!({
            "clientId": &*self.client_id,
            "timestamp": timestamp_ms,
            "eventType": "disconnected",
            "clientInitiatedDisconnect": reason.client_initiated(),
            "sessionIdentifier": self.session_identifier,
            "principalIdentifier": self.principal_identifier,
            "disconnectReason": reason.as_str(),
            "versionNumber": self.version,
        });
        (
            format!("{DISCONNECTED_TOPIC_PREFIX}{}", self.client_id),
            Bytes::from(payload.to_string()),
        )
    }
}

/// A random (version 4) UUID.
pub(super) fn session_identifier() -> String {
    let mut bytes = [0u8; 16];
    fastrand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(versions: &Versions, client_id: &str) -> Presence {
        Presence::new(
            versions,
            &Arc::from(client_id),
            "abc123",
            "127.0.0.1".parse().unwrap(),
            None,
        )
    }

    #[test]
    fn versions_grow_per_client_id() {
        let versions = Versions::default();
        assert_eq!(presence(&versions, "a").version, 0);
        assert_eq!(presence(&versions, "a").version, 1);
        assert_eq!(presence(&versions, "b").version, 0);
        assert_eq!(presence(&versions, "a").version, 2);
    }

    #[test]
    fn events_carry_aws_fields() {
        let versions = Versions::default();
        let p = presence(&versions, "sensor-1");
        let (topic, payload) = p.connected(1_700_000_000_000);
        assert_eq!(topic, "$aws/events/presence/connected/sensor-1");
        let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["clientId"], "sensor-1");
        assert_eq!(v["timestamp"], 1_700_000_000_000_i64);
        assert_eq!(v["eventType"], "connected");
        assert_eq!(v["principalIdentifier"], "abc123");
        assert_eq!(v["ipAddress"], "127.0.0.1");
        assert_eq!(v["versionNumber"], 0);
        let session = v["sessionIdentifier"].as_str().unwrap().to_owned();
        assert_eq!(session.len(), 36);
        assert_eq!(session.as_bytes()[14], b'4');

        let (topic, payload) = p.disconnected(1_700_000_000_500, DisconnectReason::ConnectionLost);
        assert_eq!(topic, "$aws/events/presence/disconnected/sensor-1");
        let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["eventType"], "disconnected");
        assert_eq!(v["clientInitiatedDisconnect"], false);
        assert_eq!(v["disconnectReason"], "CONNECTION_LOST");
        assert_eq!(v["sessionIdentifier"], session.as_str());
        assert_eq!(v["versionNumber"], 0);

        let (_, payload) = p.disconnected(0, DisconnectReason::ClientInitiatedDisconnect);
        let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["clientInitiatedDisconnect"], true);
    }

    #[test]
    fn wildcard_client_ids_get_no_events() {
        let versions = Versions::default();
        assert!(presence(&versions, "ok/id").published());
        assert!(!presence(&versions, "a+b").published());
        assert!(!presence(&versions, "a#").published());
    }
}
