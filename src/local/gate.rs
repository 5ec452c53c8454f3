//! What the broker asks and who answers: the broker knows MQTT, the gate knows AWS IoT Core's
//! identities and policies. The broker calls the gate at each step of a connection's life and
//! acts on the answer; it never decides on its own.

use bytes::Bytes;
use rustls_pki_types::CertificateDer;

pub use crate::policy::Action;

/// Why something was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Refusal {
    pub reason: String,
    /// Set when the refused handshake registered the client's certificate (just-in-time
    /// registration): the broker publishes the registration event once the connection is
    /// refused.
    pub registered: Option<Box<Registration>>,
}

impl Refusal {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            registered: None,
        }
    }
}

/// A certificate registered as `PENDING_ACTIVATION` during a handshake because its CA allows
/// auto-registration, and the event AWS IoT Core publishes about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub certificate_id: String,
    pub ca_certificate_id: String,
    /// `$aws/events/certificates/registered/<caCertificateId>`.
    pub topic: String,
    /// The event's JSON.
    pub payload: Bytes,
}

/// The identity behind an authenticated connection: its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// AWS IoT's certificate id: the lowercase hex SHA-256 of the certificate's DER.
    pub certificate_id: String,
    /// The certificate subject's common name, for messages.
    pub common_name: String,
}

/// The decisions the broker needs. Implementations must be cheap: `authorize` runs on every
/// publish and every delivery.
pub trait Gate: Send + Sync + 'static {
    /// During the TLS handshake: is this chain issued by the backend's CA or by a registered,
    /// active CA, and currently valid? `chain[0]` is the client's certificate; the rest is what
    /// the client sent after it. A refusal fails the handshake; one carrying a
    /// [`Registration`] also has the broker publish the registration event.
    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal>;

    /// After CONNECT: is this certificate registered and ACTIVE? Returns who it is.
    fn authenticate(&self, chain: &[CertificateDer<'_>]) -> Result<Principal, Refusal>;

    /// May `principal`, connected as `client_id`, do `action` on `target`? The target is the
    /// client id for `Connect`, the topic for `Publish`, `Receive` and `RetainPublish`, and the
    /// topic filter for `Subscribe`.
    fn authorize(
        &self,
        principal: &Principal,
        client_id: &str,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal>;

    /// A number that changes whenever `authorize` may answer differently (the registry
    /// changed). While it stays the same, the broker may reuse a decision that allowed a
    /// client something. `None`, the default, means never reuse.
    fn decisions_version(&self) -> Option<u64> {
        None
    }
}

/// A message accepted by the broker, as the rules engine sees it.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub topic: String,
    pub payload: Bytes,
    /// The publisher's client id (empty for messages published by the backend itself, such as
    /// rules' republishes and `$aws/events/...` events).
    pub client_id: String,
    /// The publisher's certificate id (empty for messages published by the backend itself).
    pub principal: String,
    pub timestamp_ms: i64,
    pub qos: u8,
    pub retain: bool,
    /// The publisher's acknowledgement, held until this message has been handled (dropped
    /// when the rules engine is done with it); `None` when no one waits.
    pub hold: Option<crate::local::hold::Hold>,
}
