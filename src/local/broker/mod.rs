//! The local backend's MQTT broker: MQTT 3.1.1 and 5 over mutual TLS, with AWS IoT Core's
//! rules, asking the [`Gate`] at every step (handshake, CONNECT, PUBLISH, SUBSCRIBE and each
//! delivery) and handing every accepted message to the rules engine through a channel.
//!
//! Layout, one job per file:
//! - `tls`: the rustls server configuration and the client-certificate verifier that asks the gate.
//! - `listener`: accepts TCP connections, runs the handshake, starts one task per connection.
//! - `codec`: framing (the size limit is checked on the fixed header, before the body is read),
//!   decoding of both protocol versions into one set of types, and encoding of replies.
//! - `connect`: the CONNECT exchange: client id, certificate, policy and will checks, CONNACK.
//! - `connection`: the per-connection loop: reads, writes, keep-alive, publishes, subscriptions.
//! - `router`: who is connected and who subscribed to what; fans messages out.
//! - `filters`: the subscription tree used by the router.
//! - `topics`: AWS IoT's rules for topic names and filters.
//! - `jobs`: the Jobs device API on `$aws/things/<thing>/jobs/...`, served by the service
//!   `local up` gives (get, start-next, describe, update, notify and notify-next, events).
//! - `provisioning`: the device provisioning API of fleet provisioning by claim
//!   (CreateKeysAndCertificate, CreateCertificateFromCsr, RegisterThing), answered to the
//!   connection that asked only.
//! - `shadow`: the Device Shadow service on `$aws/things/<thing>/shadow/...` (get, update,
//!   delete, classic and named), answering on the accepted, rejected, delta and documents topics.
//! - `event`: what the broker reports to the operator's log.
//! - `presence`: the connected and disconnected lifecycle events and their version numbers.
//! - `acks`: the PUBACKs a connection owes, released in order as their messages are done.
//! - `http_publish`: what the device HTTPS endpoint takes from the broker: this TLS handshake,
//!   and publishing as a certificate's principal with the same checks as an MQTT PUBLISH.
//! - `store`: what is kept across restarts (retained messages, persistent sessions) and the
//!   thread that writes it.
//!
//! Design: one task per connection does all reading and writing for its socket, so an idle
//! connection costs a task, its TLS state, a small read buffer and an empty queue. The router is
//! shared state behind a `std::sync::RwLock`: publishing takes the read lock, walks the
//! subscription tree and `try_send`s an `Arc` of the message to each subscriber's bounded queue,
//! so publishers run in parallel, never wait on a subscriber and never hold a lock across an
//! await. Subscribing, unsubscribing and connecting take the write lock briefly. A subscriber
//! whose queue is full loses QoS 0 messages; for QoS 1 it is disconnected as too slow. Policy
//! checks for `iot:Receive` run in the subscriber's own task, when the message is written.
//!
//! AWS IoT Core behaviour reproduced here: QoS 2 is refused (disconnect), keep-alive is clamped
//! to 30..=1200 seconds (0 means 1200) and enforced at 1.5 times, a new connection with a
//! client id already connected takes over (the old connection's will is published, as for any
//! connection the client did not close itself), at most 8 filters per SUBSCRIBE and 50
//! subscriptions per connection, topics of at most 256 bytes, and `$` topics reserved except
//! `$aws/things/...` (and `$aws/events/...`, which clients may subscribe to but not publish
//! on; the shadow service's answer topics, `.../accepted`, `.../rejected`, `.../delta` and
//! `.../documents`, are the broker's alone). Just-in-time registration: when the gate refuses
//! a handshake because it has just registered the client's certificate, the broker publishes
//! the registration event itself (to the rules engine and to allowed subscribers) and reports
//! [`BrokerEvent::Registered`].
//! Lifecycle events: every accepted session publishes
//! `$aws/events/presence/connected/<clientId>` and, when it ends,
//! `$aws/events/presence/disconnected/<clientId>` with AWS's `disconnectReason`, at QoS 1 to
//! allowed subscribers and to the rules engine, without waiting on either.
//! Payloads are limited to 128 KB (131072 bytes, `max_packet_bytes`); the
//! packet around the payload may add up to `PACKET_HEADROOM` bytes of topic and properties.
//!
//! Acknowledgements: a QoS 1 PUBACK is held (see `acks` and [`crate::local::hold`]) until the
//! rules engine has the message in its journal and the store has what the message changed; PUBACKs
//! go out in arrival order.
//!
//! Persistent sessions (`router`, `store`): MQTT 3.1.1 clean session 0 lasts
//! [`SessionSettings::max_expiry_secs`]; MQTT 5 asks with its Session Expiry Interval, capped at
//! it. A session keeps its subscriptions; QoS 1 messages for an absent client are queued (in
//! memory and in the store, within the queue limits) and delivered when it comes back, after
//! what it had not acknowledged (again with DUP), at AWS's pace of 10 a second. Retained
//! messages and sessions are written by one store thread in batches and reloaded at start.
//!
//! Limits, so that one bad client cannot stop the broker for the others (configurable in
//! [`Limits`], carried by [`BrokerConfig::limits`]; every refusal is a [`BrokerEvent`] with
//! its reason, which `local up` prints):
//! - TLS handshake timeout, 10 s (`limits`): AWS does not document its value; a client on a
//!   slow link needs well under a second.
//! - Handshakes in progress, 16384 and at most half the file descriptor limit (`listener`):
//!   at the limit the oldest unfinished handshake is dropped, so a flood of sockets that
//!   never speak costs about 5 KB each and never keeps out a client that talks.
//! - CONNECT within 10 s of the handshake (`connect`), and before it a packet limit equal to the
//!   largest packet (a CONNECT may carry a 128 KB will): checked on the fixed header, and the
//!   read buffer grows with the bytes that arrive, never with the length a header claims.
//! - One accepted CONNECT per second per client id (`throttle`; AWS: "Connect requests per
//!   second per client ID: 1"): a CONNECT sooner gets CONNACK "server unavailable" (3.1.1)
//!   or "connection rate exceeded" (5), does not take the session over and does not count.
//!   Checked after the policies, so only a client allowed to use the client id can keep it
//!   throttled.
//! - 8 filters per SUBSCRIBE and 50 subscriptions per connection (AWS's), refused with
//!   "quota exceeded" (`connection`).
//! - Slow consumers (`router`, `connection`): 100 unacknowledged QoS 1 deliveries per client
//!   (AWS's in-flight limit), then 1024 queued; past that a QoS 0 delivery is dropped and a
//!   QoS 1 delivery disconnects the subscriber as too slow. A write the client does not read
//!   for 30 s (`limits`) disconnects it too. Publishers never wait on subscribers.

mod acks;
mod codec;
mod connect;
mod connection;
mod event;
mod filters;
#[doc(hidden)]
pub mod fuzzing;
pub mod http_publish;
mod jobs;
mod limits;
mod listener;
mod presence;
mod provisioning;
mod router;
mod shadow;
mod store;
mod throttle;
mod tls;
mod topics;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::gate::{Gate, Inbound};

pub use event::{BrokerEvent, RefusedAt, SessionKind};
pub use jobs::JobsService;
pub use limits::Limits;
pub use presence::{CONNECTED_TOPIC_PREFIX, DISCONNECTED_TOPIC_PREFIX, DisconnectReason};
pub use provisioning::{Caller, ProvisioningService};
pub use shadow::{MemoryShadows, ShadowStore};
pub use store::{BrokerStore, Change, NoStore, Saved, StoredMessage, StoredSession};

/// Bytes a packet may carry besides its payload (fixed header, topic, packet id, properties):
/// a packet whose remaining length exceeds `max_packet_bytes + PACKET_HEADROOM` is refused from
/// its fixed header alone.
pub const PACKET_HEADROOM: usize = 8 * 1024;

/// Where the broker listens and with what identity.
pub struct BrokerConfig {
    /// 127.0.0.1:8883 by default; port 0 picks a free port (see [`BrokerHandle::local_addr`]).
    pub bind: SocketAddr,
    /// The server certificate followed by its issuers.
    pub server_chain: Vec<CertificateDer<'static>>,
    pub server_key: PrivateKeyDer<'static>,
    /// The largest payload accepted, 128 KB (131072 bytes) as on AWS IoT Core.
    pub max_packet_bytes: usize,
    /// Persistent sessions' expiry and queue limits.
    pub sessions: SessionSettings,
    /// Where retained messages and persistent sessions are kept across restarts.
    pub store: Arc<dyn BrokerStore>,
    /// What one client may cost the others (AWS IoT Core's values by default).
    pub limits: Limits,
}

/// Persistent sessions as AWS IoT Core keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSettings {
    /// How long a persistent session outlives its connection, in seconds: AWS's account-wide
    /// persistent session expiry (1 hour by default, adjustable to 7 days). An MQTT 5 client's
    /// Session Expiry Interval is capped at it.
    pub max_expiry_secs: u32,
    /// QoS 1 messages queued for one session at the most; more are dropped (and reported).
    pub queue_limit: usize,
    /// Messages queued for sessions per second, account-wide (AWS: 500); more are dropped.
    pub queued_per_second: u32,
    /// Queued messages delivered per second to a session that resumes (AWS: 10).
    pub replay_per_second: u32,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            max_expiry_secs: 3600,
            queue_limit: 1000,
            queued_per_second: 500,
            replay_per_second: 10,
        }
    }
}

/// The longest persistent session expiry AWS IoT Core allows: 7 days.
pub const MAX_SESSION_EXPIRY_SECS: u32 = 7 * 24 * 3600;

/// The keep-alive range the broker accepts (AWS's 30..=1200 seconds unless [`start_with`] is
/// given another); a client asking for less gets `min`, for more (or
/// for 0, "no keep-alive") gets `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepAliveBounds {
    pub min_secs: u16,
    pub max_secs: u16,
}

impl Default for KeepAliveBounds {
    fn default() -> Self {
        Self {
            min_secs: 30,
            max_secs: 1200,
        }
    }
}

impl BrokerConfig {
    /// AWS IoT Core's limits on 127.0.0.1:8883.
    pub fn new(
        server_chain: Vec<CertificateDer<'static>>,
        server_key: PrivateKeyDer<'static>,
    ) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8883)),
            server_chain,
            server_key,
            max_packet_bytes: 128 * 1024,
            sessions: SessionSettings::default(),
            store: Arc::new(NoStore),
            limits: Limits::default(),
        }
    }
}

/// Called for every event, from the connection's task: keep it quick (log or forward).
pub type EventSink = Arc<dyn Fn(BrokerEvent) + Send + Sync>;

/// What every task of a running broker shares.
struct Shared {
    gate: Arc<dyn Gate>,
    sink: mpsc::Sender<Inbound>,
    events: EventSink,
    router: router::Router,
    shutdown: CancellationToken,
    max_payload: usize,
    keep_alive: KeepAliveBounds,
    sessions: SessionSettings,
    limits: Limits,
    /// AWS's one CONNECT per second per client id.
    throttle: throttle::ConnectThrottle,
    connections: AtomicUsize,
    /// Lifecycle event version numbers, per client id.
    presence: presence::Versions,
    /// The Device Shadow service's store.
    shadows: shadow::Service,
    /// The Jobs device API, when the broker was given one.
    jobs: jobs::Slot,
    /// The device provisioning API, when the broker was given one.
    provisioning: provisioning::Slot,
    runtime: tokio::runtime::Handle,
    /// Never sent on: the broker is closed once every clone (one per task) is dropped.
    _alive: mpsc::Sender<()>,
}

impl Shared {
    fn emit(&self, event: BrokerEvent) {
        (self.events)(event);
    }
}

/// A running broker.
pub struct BrokerHandle {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    done: mpsc::Receiver<()>,
    /// Writes the saved state; ends after the broker, once everything is written.
    writer_thread: std::thread::JoinHandle<()>,
}

/// Binds the listener and starts accepting connections. Returns once the socket is bound.
/// Stops when `shutdown` is cancelled (see [`BrokerHandle::closed`]).
pub async fn start(
    config: BrokerConfig,
    gate: Arc<dyn Gate>,
    sink: mpsc::Sender<Inbound>,
    events: EventSink,
    shutdown: CancellationToken,
) -> std::io::Result<BrokerHandle> {
    let keep_alive = KeepAliveBounds::default();
    start_with(config, keep_alive, gate, sink, events, shutdown).await
}

/// [`start`] with another keep-alive range (tests use a short one).
pub async fn start_with(
    config: BrokerConfig,
    keep_alive: KeepAliveBounds,
    gate: Arc<dyn Gate>,
    sink: mpsc::Sender<Inbound>,
    events: EventSink,
    shutdown: CancellationToken,
) -> std::io::Result<BrokerHandle> {
    let limits = config.limits;
    let tls = tls::Tls::new(
        config.server_chain,
        config.server_key,
        gate.clone(),
        limits.handshake_timeout,
    )?;
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let local_addr = listener.local_addr()?;
    let saved = {
        let store = config.store.clone();
        tokio::task::spawn_blocking(move || store.load())
            .await
            .map_err(std::io::Error::other)?
            .map_err(|e| std::io::Error::other(format!("reading the broker's saved state: {e}")))?
    };
    let (writer, writer_thread) = store::Writer::spawn(config.store, events.clone())?;
    let router = router::Router::new(config.sessions, Some(writer), events.clone());
    router.restore(saved);
    let (alive, done) = mpsc::channel(1);
    let shared = Arc::new(Shared {
        gate,
        sink,
        events,
        router,
        shutdown,
        max_payload: config.max_packet_bytes,
        keep_alive,
        sessions: config.sessions,
        limits,
        throttle: throttle::ConnectThrottle::new(limits.connect_interval),
        connections: AtomicUsize::new(0),
        presence: presence::Versions::default(),
        shadows: shadow::Service::default(),
        jobs: jobs::Slot::default(),
        provisioning: provisioning::Slot::default(),
        runtime: tokio::runtime::Handle::current(),
        _alive: alive,
    });
    tokio::spawn(listener::run(listener, tls, shared.clone()));
    tokio::spawn(expire_sessions(Arc::downgrade(&shared)));
    Ok(BrokerHandle {
        shared,
        local_addr,
        done,
        writer_thread,
    })
}

impl BrokerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Publishes from inside the backend (the rules' republish action). The message goes to
    /// the rules engine like any other (with an empty principal and client id) and to every
    /// subscriber allowed to receive it. Never waits: when the rules engine's queue is full the
    /// hand-over continues in a background task. Invalid topics are dropped.
    pub fn publish(&self, topic: &str, payload: Bytes, qos: u8, retain: bool) {
        publish_on(&self.shared, topic, payload, qos, retain);
    }

    /// A handle for in-process publishing that does not keep the broker alive: once the broker
    /// has closed, its publishes are dropped (so the rules engine's republish action cannot
    /// hold the broker's hand-over channel open at shutdown).
    pub fn publisher(&self) -> Publisher {
        Publisher {
            shared: Arc::downgrade(&self.shared),
        }
    }

    /// Resolves once the broker has stopped after `shutdown` was cancelled: the listener is
    /// closed, every connection is closed, every hand-over to the rules engine finished and
    /// the saved state (retained messages, persistent sessions) written.
    pub async fn closed(self) {
        let BrokerHandle {
            shared,
            mut done,
            writer_thread,
            ..
        } = self;
        drop(shared);
        // `None` once every task has dropped its share.
        let _ = done.recv().await;
        let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
    }

    /// MQTT connections currently established (past CONNACK).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }
}

/// In-process publishing that holds the broker weakly (see [`BrokerHandle::publisher`]).
#[derive(Clone)]
pub struct Publisher {
    shared: std::sync::Weak<Shared>,
}

impl Publisher {
    /// As [`BrokerHandle::publish`]; does nothing once the broker is gone.
    pub fn publish(&self, topic: &str, payload: Bytes, qos: u8, retain: bool) {
        if let Some(shared) = self.shared.upgrade() {
            publish_on(&shared, topic, payload, qos, retain);
        }
    }
}

/// Checks a topic as the broker checks a client's PUBLISH (AWS IoT's rules for topic names,
/// reserved topics included), so that an in-process publisher can refuse what the broker
/// would drop.
pub fn check_publish_topic(topic: &str) -> Result<(), String> {
    topics::check_topic(topic)
}

impl Publisher {
    /// The retained messages the running broker holds now, or `None` once it is gone.
    pub fn retained(&self) -> Option<Vec<StoredMessage>> {
        let shared = self.shared.upgrade()?;
        Some(
            shared
                .router
                .retained_all()
                .iter()
                .map(|m| StoredMessage {
                    topic: m.topic.to_string(),
                    payload: m.payload.clone(),
                    qos: m.qos,
                })
                .collect(),
        )
    }
}

/// Publishes from inside the process: to the rules engine and to subscribers.
fn publish_on(shared: &Arc<Shared>, topic: &str, payload: Bytes, qos: u8, retain: bool) {
    if topics::check_topic(topic).is_err() {
        return;
    }
    let shadow_request = shadow::Request::of(topic, &payload);
    let Ok(topic) = mqtt_proto::TopicName::try_from(topic) else {
        return;
    };
    let message = router::Message::new(topic, payload, qos.min(1), retain);
    let inbound = connection::inbound(&message, "", "", None);
    match shared.sink.try_send(inbound) {
        Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
        Err(mpsc::error::TrySendError::Full(inbound)) => {
            let owned = shared.clone();
            shared.runtime.spawn(async move {
                let _ = owned.sink.send(inbound).await;
            });
        }
    }
    shared.router.publish(Arc::new(message), None);
    if let Some(request) = shadow_request {
        shadow::serve_in_background(shared, request);
    }
}

/// Ends expired persistent sessions, once a second, until the broker is gone.
async fn expire_sessions(shared: std::sync::Weak<Shared>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.shutdown.is_cancelled() {
            return;
        }
        for expired in shared.router.expire(crate::clock::now_ms()) {
            shared.emit(BrokerEvent::SessionExpired {
                client_id: expired.client_id,
                queued: expired.queued,
            });
        }
    }
}
