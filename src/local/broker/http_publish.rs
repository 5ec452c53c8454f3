//! What the device HTTPS endpoint ([`crate::local::device_https`]) takes from the broker: the
//! broker's own mutual TLS handshake ([`DeviceTls`]), and a publish made as a certificate's
//! principal ([`Publisher::publish_as`]) that goes through the steps of an MQTT PUBLISH in
//! `connection`: AWS IoT's topic rules (reserved topics, 256 bytes, no wildcards), the 128 KB
//! payload limit, `iot:Publish` (and `iot:RetainPublish` for a retained message) for the
//! certificate's policies, then the same hand-over to subscribers, retained messages, the rules
//! engine and the shadow and jobs services.
//!
//! AWS IoT Core over HTTPS: there is no client id ("clientId is available when using MQTT, but
//! it's not available when using HTTPS", developer guide, "HTTPS publish"), so policies are
//! evaluated with none: `${iot:ClientId}` and the `iot:Connection.Thing.*` variables do not
//! resolve (a statement that needs them allows nothing), and `iot:Connect`, which AWS checks
//! on an MQTT CONNECT, is not asked. The rules engine sees the message with no client id
//! (`clientid()` is "n/a") and the certificate id as its principal.
//!
//! Acknowledgement: a QoS 1 publish returns only once the message is where an MQTT PUBACK
//! waits for it to be (the rules engine's journal and, for a retained message, the store; see
//! [`crate::local::hold`]).

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Weak};

use bytes::Bytes;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

use super::router::Message;
use super::tls::{Accepted, Tls};
use super::{BrokerHandle, Publisher, Shared, connection, listener, topics};
use crate::local::gate::{Action, Principal, Refusal};
use crate::local::hold::Hold;

/// The broker's mutual TLS for another listener: the same client-certificate checks as the
/// MQTT port (issued by the local CA or a registered, active CA, currently valid; just-in-time
/// registration included), TLS 1.2 and 1.3, no session resumption, the handshake timeout.
pub struct DeviceTls {
    tls: Tls,
    shared: Weak<Shared>,
}

/// A device connection past the handshake.
pub struct DeviceConnection {
    pub stream: TlsStream<TcpStream>,
    /// The client certificate's id (the SHA-256 of its DER, in hex).
    pub certificate_id: String,
    /// Who the certificate is, or why it may do nothing (not registered, not ACTIVE).
    pub principal: Result<Principal, Refusal>,
}

impl BrokerHandle {
    /// The broker's handshake for the device HTTPS endpoint, with `chain` and `key` as the
    /// server's identity.
    pub fn device_tls(
        &self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> io::Result<DeviceTls> {
        let tls = Tls::new(
            chain,
            key,
            self.shared.gate.clone(),
            self.shared.limits.handshake_timeout,
        )?;
        Ok(DeviceTls {
            tls,
            shared: Arc::downgrade(&self.shared),
        })
    }
}

impl DeviceTls {
    /// Runs the handshake. A refusal is reported as the MQTT port reports it (with "(HTTPS)"
    /// after the reason) and gives `None`; so does a broker that has stopped.
    pub async fn accept(&self, tcp: TcpStream, peer: SocketAddr) -> Option<DeviceConnection> {
        let accepted = self.tls.accept(tcp).await;
        let shared = self.shared.upgrade()?;
        match accepted {
            Ok(Accepted { stream, chain }) => Some(DeviceConnection {
                stream,
                certificate_id: chain
                    .first()
                    .map(|leaf| crate::local::registry::certificate_id(leaf))
                    .unwrap_or_default(),
                principal: shared.gate.authenticate(&chain),
            }),
            Err(mut failed) => {
                failed.reason.push_str(" (HTTPS)");
                listener::handshake_refused(&shared, peer, failed).await;
                None
            }
        }
    }
}

/// Why a publish made over HTTPS was refused; each maps to one of AWS's HTTP answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishRefused {
    /// The broker has stopped.
    #[error("the broker is not running")]
    Stopped,
    /// QoS 2 (AWS IoT Core takes 0 and 1).
    #[error("QoS {0} is not supported: AWS IoT Core takes 0 and 1")]
    QoS(u8),
    /// Over the payload limit (128 KB).
    #[error("message of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    /// Not a topic name (empty, too long, a wildcard).
    #[error("publish refused: {0}")]
    InvalidTopic(String),
    /// A reserved topic clients may not publish on.
    #[error("publish refused: {0}")]
    Reserved(String),
    /// The certificate's policies do not allow it (or the certificate is not ACTIVE).
    #[error("{0}")]
    NotAuthorized(String),
}

impl Publisher {
    /// Publishes as `principal` (a device's certificate, over HTTPS): checked and handed over
    /// exactly as an MQTT PUBLISH of that certificate is, with no client id. At QoS 1 it returns
    /// once the message is as safe as when an MQTT PUBACK goes out.
    pub async fn publish_as(
        &self,
        principal: &Principal,
        topic: &str,
        payload: Bytes,
        qos: u8,
        retain: bool,
    ) -> Result<(), PublishRefused> {
        let Some(shared) = self.shared.upgrade() else {
            return Err(PublishRefused::Stopped);
        };
        if qos > 1 {
            return Err(PublishRefused::QoS(qos));
        }
        if payload.len() > shared.max_payload {
            return Err(PublishRefused::TooLarge {
                size: payload.len(),
                limit: shared.max_payload,
            });
        }
        if let Err(reason) = topics::check_topic(topic) {
            return Err(if topic.starts_with('$') {
                PublishRefused::Reserved(reason)
            } else {
                PublishRefused::InvalidTopic(reason)
            });
        }
        // Fleet provisioning answers on the connection that asked: MQTT only, as on AWS.
        if crate::provisioning::topic::is_provisioning_prefix(topic) {
            return Err(PublishRefused::Reserved(format!(
                "{topic} is the device provisioning API, which is served over MQTT only"
            )));
        }
        let authorize = |action: Action, what: &str| {
            shared
                .gate
                .authorize(principal, "", action, topic)
                .map_err(|refusal| {
                    PublishRefused::NotAuthorized(format!(
                        "{what} to {topic} not allowed by the policies attached to certificate {}: {}",
                        principal.certificate_id, refusal.reason
                    ))
                })
        };
        authorize(Action::Publish, "publish")?;
        if retain {
            authorize(Action::RetainPublish, "retained publish")?;
        }
        let name = mqtt_proto::TopicName::try_from(topic)
            .map_err(|e| PublishRefused::InvalidTopic(format!("{topic}: {e}")))?;
        let shadow_request = super::shadow::Request::of(topic, &payload);
        let jobs_payload = super::jobs::is_jobs_topic(topic).then(|| payload.clone());
        let (done, mut released) = tokio::sync::mpsc::unbounded_channel();
        let hold = (qos == 1).then(|| Hold::new(done, 0));
        let message = Message::new(name, payload, qos, retain);
        connection::accept_message(&shared, message, "", &principal.certificate_id, hold).await;
        if let Some(request) = shadow_request {
            super::shadow::serve(&shared, request).await;
        } else if let Some(payload) = jobs_payload {
            super::jobs::serve(&shared, topic, &payload).await;
        }
        drop(shared);
        if qos == 1 {
            // Sent when the last clone of the hold goes: the journal has the message.
            let _ = released.recv().await;
        }
        Ok(())
    }

    /// May `principal`, over HTTPS (no client id), do `action` on `target`?
    pub fn authorize_as(
        &self,
        principal: &Principal,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal> {
        let shared = self
            .shared
            .upgrade()
            .ok_or_else(|| Refusal::new("the broker is not running"))?;
        shared.gate.authorize(principal, "", action, target)
    }

    /// The largest payload the broker takes (128 KB), or `None` once it is gone.
    pub fn max_payload(&self) -> Option<usize> {
        self.shared.upgrade().map(|shared| shared.max_payload)
    }
}
