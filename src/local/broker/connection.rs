//! One connection's life after the handshake: CONNECT, then one loop that reads packets,
//! writes replies and deliveries (batched: the socket is written once per wake-up), watches
//! the keep-alive, and ends with the right DISCONNECT, the will and an event.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_rustls::server::TlsStream;

use super::acks::Acks;
use super::codec::PublishFlags;
use super::codec::{
    self, FrameError, FrameReader, Incoming, PublishIn, RetainHandling, SubscribeCode, SubscribeIn,
    Version,
};
use super::connect::{self, MAX_INFLIGHT, Session};
use super::event::{BrokerEvent, SessionKind};
use super::filters::ConnId;
use super::presence::{DisconnectReason, Presence};
use super::router::{Delivery, Kick, KickSlot, Message};
use super::tls::Accepted;
use super::{PACKET_HEADROOM, Shared, topics};
use crate::local::gate::{Action, Inbound};
use crate::local::hold::Hold;
use crate::provisioning::topic::ProvisioningTopic;

/// AWS IoT Core's limits on subscriptions.
const MAX_FILTERS_PER_SUBSCRIBE: usize = 8;
const MAX_SUBSCRIPTIONS: usize = 50;
/// Deliveries written per wake-up before the socket is written.
const DELIVERY_BATCH: usize = 256;
const CLOSED: &str = "connection closed without DISCONNECT";
/// An empty output buffer larger than this is released.
const IDLE_OUTPUT_LIMIT: usize = 64 * 1024;
/// MQTT 5 reason codes the endings are told apart by.
const NOT_AUTHORIZED: u8 = 0x87;
const TAKEN_OVER: u8 = 0x8E;
const TOO_SLOW: u8 = 0x97;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The message as the rules engine sees it.
pub(super) fn inbound(
    message: &Message,
    client_id: &str,
    principal: &str,
    hold: Option<Hold>,
) -> Inbound {
    let timestamp_ms = now_ms();
    Inbound {
        topic: message.topic.to_string(),
        payload: message.payload.clone(),
        client_id: client_id.to_owned(),
        principal: principal.to_owned(),
        timestamp_ms,
        qos: message.qos,
        retain: message.retain,
        hold,
    }
}

/// Hands a message to the rules engine, then to the subscribers. A stopped rules engine does
/// not stop the broker: the message still reaches subscribers. `hold` is released once the
/// rules engine has journaled the message.
pub(super) async fn accept_message(
    shared: &Shared,
    message: Message,
    client_id: &str,
    principal: &str,
    hold: Option<Hold>,
) {
    let message = Arc::new(message);
    // Subscribers and the store first: a hold released by the rules engine before the store
    // has it would acknowledge too early.
    shared.router.publish(message.clone(), hold.as_ref());
    let _ = shared
        .sink
        .send(inbound(&message, client_id, principal, hold))
        .await;
}

/// Publishes an event of the backend's own (`$aws/events/...`): to the rules engine with no
/// client id or principal, and to every subscriber allowed to receive it. No policy applies to
/// the publisher and reserved topics are allowed.
pub(super) async fn publish_event(shared: &Shared, topic: &str, payload: bytes::Bytes) {
    let Ok(topic) = mqtt_proto::TopicName::try_from(topic) else {
        return;
    };
    let message = Message::new(topic, payload, 1, false);
    accept_message(shared, message, "", "", None).await;
}

/// Publishes a lifecycle event like [`publish_event`], without waiting: when the rules
/// engine's queue is full the hand-over continues in a background task, so a busy engine never
/// delays a CONNACK or the end of a connection.
fn publish_lifecycle_event(shared: &Arc<Shared>, topic: &str, payload: bytes::Bytes) {
    let Ok(topic) = mqtt_proto::TopicName::try_from(topic) else {
        return;
    };
    let message = Message::new(topic, payload, 1, false);
    match shared.sink.try_send(inbound(&message, "", "", None)) {
        Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
        Err(mpsc::error::TrySendError::Full(inbound)) => {
            let owned = shared.clone();
            shared.runtime.spawn(async move {
                let _ = owned.sink.send(inbound).await;
            });
        }
    }
    shared.router.publish(Arc::new(message), None);
}

/// Serves a connection from the end of the handshake to its close.
pub(super) async fn run(shared: Arc<Shared>, accepted: Accepted, peer: SocketAddr) {
    let Accepted { mut stream, chain } = accepted;
    let mut reader = FrameReader::new(shared.max_payload + PACKET_HEADROOM);
    let established = tokio::select! {
        () = shared.shutdown.cancelled() => None,
        session = connect::establish(&shared, &mut stream, &mut reader, &chain, peer) => session,
    };
    drop(chain);
    let Some(session) = established else {
        return;
    };
    let registration = shared
        .router
        .attach(&session.client_id, peer, session.session)
        .await;
    let present = registration.session_present;
    let mut out = Vec::new();
    match session.version {
        Version::V3 => codec::put_connack_v3(&mut out, 0, present),
        Version::V5 => codec::put_connack_v5(
            &mut out,
            codec::ConnackV5 {
                reason: 0,
                session_present: present,
                session_expiry: session.granted_expiry,
                max_packet_size: u32::try_from(shared.max_payload + PACKET_HEADROOM + 5)
                    .unwrap_or(u32::MAX),
                receive_max: MAX_INFLIGHT,
                server_keep_alive: session.server_keep_alive,
            },
        ),
    }
    shared.connections.fetch_add(1, Ordering::Relaxed);
    let presence = Presence::new(
        &shared.presence,
        &session.client_id,
        &session.principal.certificate_id,
        peer.ip(),
        registration.session_identifier.clone(),
    );
    let kind = match (present, registration.persistent) {
        (true, _) => SessionKind::Resumed {
            queued: registration.backlog.len(),
        },
        (false, true) => SessionKind::New,
        (false, false) => SessionKind::Clean,
    };
    shared.emit(BrokerEvent::Connected {
        client_id: session.client_id.to_string(),
        certificate_id: session.principal.certificate_id.clone(),
        protocol: session.version.label(),
        peer,
        version: presence.version,
        session: kind,
    });
    if presence.published() {
        let (topic, payload) = presence.connected(now_ms());
        publish_lifecycle_event(&shared, &topic, payload);
    }
    let mut connection = Connection {
        shared: &shared,
        stream,
        reader,
        out,
        peer,
        id: registration.id,
        owner: registration.owner,
        queue: registration.queue,
        kick: registration.kick,
        subscriptions: registration.subscriptions,
        pending: VecDeque::new(),
        replay: Replay::new(registration.backlog, shared.sessions.replay_per_second),
        inflight: HashMap::new(),
        sent: 0,
        next_pid: 0,
        last_seen: Instant::now(),
        session,
        presence,
        acks: Acks::new(),
        allowed_publish: None,
    };
    let ending = connection.serve().await;
    if let Some((topic, payload)) = connection.finish(ending).await {
        publish_lifecycle_event(&shared, &topic, payload);
    }
    shared.connections.fetch_sub(1, Ordering::Relaxed);
}

/// Why a session ended.
#[derive(Debug)]
enum Ending {
    /// The client sent DISCONNECT (MQTT 5: perhaps with a new session expiry).
    Client {
        with_will: bool,
        session_expiry: Option<u32>,
    },
    /// The connection broke or the client closed it without DISCONNECT.
    Lost(String),
    KeepAlive(Duration),
    /// Taken over, or too slow to keep up.
    Kicked(Kick),
    /// The broker refused something the client did: the reason and the MQTT 5 code.
    Refused(String, u8),
    Shutdown,
}

impl Ending {
    fn reason(&self) -> String {
        match self {
            Ending::Client { .. } => "client disconnected".to_owned(),
            Ending::Lost(reason) => reason.clone(),
            Ending::KeepAlive(after) => {
                format!(
                    "keep-alive timeout: nothing received for {} s",
                    after.as_secs()
                )
            }
            Ending::Kicked(kick) => kick.reason.clone(),
            Ending::Refused(reason, _) => reason.clone(),
            Ending::Shutdown => "the broker is shutting down".to_owned(),
        }
    }

    /// The MQTT 5 DISCONNECT the broker sends, if any.
    fn disconnect_code(&self) -> Option<u8> {
        match self {
            Ending::Client { .. } | Ending::Lost(_) => None,
            Ending::KeepAlive(_) => Some(0x8D),
            Ending::Kicked(kick) => Some(kick.code),
            Ending::Refused(_, code) => Some(*code),
            Ending::Shutdown => Some(0x8B),
        }
    }

    /// AWS's `disconnectReason` for this ending.
    fn disconnect_reason(&self) -> DisconnectReason {
        match self {
            Ending::Client { .. } => DisconnectReason::ClientInitiatedDisconnect,
            Ending::Lost(_) => DisconnectReason::ConnectionLost,
            Ending::KeepAlive(_) => DisconnectReason::MqttKeepAliveTimeout,
            Ending::Kicked(kick) => match kick.code {
                TAKEN_OVER => DisconnectReason::DuplicateClientId,
                TOO_SLOW => DisconnectReason::Throttled,
                _ => DisconnectReason::ServerInitiatedDisconnect,
            },
            // Refused by a policy (publish, retained publish, reserved topic).
            Ending::Refused(_, NOT_AUTHORIZED) => DisconnectReason::AuthError,
            Ending::Refused(..) => DisconnectReason::ClientError,
            Ending::Shutdown => DisconnectReason::ServerInitiatedDisconnect,
        }
    }

    /// The will goes out unless the client said goodbye without asking for it, or the whole
    /// backend is stopping.
    fn publishes_will(&self) -> bool {
        match self {
            Ending::Client { with_will, .. } => *with_will,
            Ending::Shutdown => false,
            _ => true,
        }
    }
}

/// What woke the loop up.
enum Wake {
    Shutdown,
    Kicked(Kick),
    Read(std::io::Result<usize>),
    Deliver(Delivery),
    /// A received message is done: a PUBACK may be due.
    Acked(u64),
    /// The next queued message of a resumed session may go.
    Replay,
    Timer,
}

struct Connection<'a> {
    shared: &'a Shared,
    stream: TlsStream<TcpStream>,
    reader: FrameReader,
    /// Bytes waiting to be written.
    out: Vec<u8>,
    session: Session,
    peer: SocketAddr,
    id: ConnId,
    /// This connection's attachment to the session (see `Router::detach`).
    owner: u64,
    queue: mpsc::Receiver<Delivery>,
    kick: Arc<KickSlot>,
    /// Filters and granted QoS, in subscription order.
    subscriptions: Vec<(String, u8)>,
    /// Retained messages owed to new subscriptions, sent before the queue.
    pending: VecDeque<Delivery>,
    /// What waited for a resumed session, delivered at AWS's pace before anything newer.
    replay: Replay,
    /// QoS 1 deliveries not yet acknowledged, by packet id, with their order of sending.
    inflight: HashMap<u16, (u64, Delivery)>,
    /// Deliveries sent so far (orders `inflight`).
    sent: u64,
    next_pid: u16,
    last_seen: Instant,
    /// What the lifecycle events say about this session.
    presence: Presence,
    /// PUBACKs owed, sent in order as their messages are done.
    acks: Acks,
    /// The last topic the policies allowed this client to publish to, with the gate's
    /// decisions version then: a device publishing to its one topic is evaluated once per
    /// registry change rather than once per message.
    allowed_publish: Option<(u64, String)>,
}

impl Connection<'_> {
    async fn serve(&mut self) -> Ending {
        let timeout = self.session.keep_alive * 3 / 2;
        loop {
            self.fill();
            self.acks.release(None, &mut self.out);
            if let Err(reason) = self.flush().await {
                return Ending::Lost(reason);
            }
            let room = self.inflight.len() < self.session.max_inflight;
            let deadline = self.last_seen + timeout;
            let replay_at = self.replay.next_slot();
            let wake = tokio::select! {
                biased;
                () = self.shared.shutdown.cancelled() => Wake::Shutdown,
                kick = self.kick.kicked() => Wake::Kicked(kick),
                read = self.stream.read_buf(self.reader.buffer()) => Wake::Read(read),
                Some(delivery) = self.queue.recv(), if room => Wake::Deliver(delivery),
                seq = self.acks.next_done() => Wake::Acked(seq),
                () = sleep_until_some(replay_at), if room && replay_at.is_some() => Wake::Replay,
                () = tokio::time::sleep_until(deadline) => Wake::Timer,
            };
            match wake {
                Wake::Shutdown => return Ending::Shutdown,
                Wake::Kicked(kick) => return Ending::Kicked(kick),
                Wake::Read(Ok(0)) => return Ending::Lost(CLOSED.to_owned()),
                // The client closed the TCP connection without closing TLS first.
                Wake::Read(Err(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ending::Lost(CLOSED.to_owned());
                }
                Wake::Read(Err(error)) => {
                    return Ending::Lost(format!("connection error: {error}"));
                }
                Wake::Read(Ok(_)) => {
                    self.last_seen = Instant::now();
                    if let Some(ending) = self.process_frames().await {
                        return ending;
                    }
                }
                Wake::Deliver(delivery) if !self.replay.is_empty() => self.replay.push(delivery),
                Wake::Deliver(delivery) => self.deliver(delivery),
                Wake::Replay => {}
                Wake::Acked(seq) => self.acks.release(Some(seq), &mut self.out),
                Wake::Timer => {
                    if Instant::now() >= self.last_seen + timeout {
                        return Ending::KeepAlive(timeout);
                    }
                }
            }
        }
    }

    async fn process_frames(&mut self) -> Option<Ending> {
        loop {
            let frame = match self.reader.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(FrameError::TooLarge { size }) => return Some(self.too_large(size)),
                Err(FrameError::Malformed(reason)) => {
                    return Some(Ending::Refused(format!("malformed packet: {reason}"), 0x81));
                }
            };
            let incoming = match codec::decode(self.session.version, &frame) {
                Ok(incoming) => incoming,
                Err(error) => return Some(Ending::Refused(error.to_string(), 0x81)),
            };
            drop(frame);
            if let Some(ending) = self.handle(incoming).await {
                return Some(ending);
            }
        }
        self.reader.compact();
        None
    }

    fn too_large(&self, size: usize) -> Ending {
        let limit = self.shared.max_payload;
        let limit = if limit.is_multiple_of(1024) {
            format!("{} KB", limit / 1024)
        } else {
            format!("{limit} bytes")
        };
        Ending::Refused(
            format!("message of {size} bytes exceeds the {limit} limit"),
            0x95,
        )
    }

    async fn handle(&mut self, incoming: Incoming) -> Option<Ending> {
        match incoming {
            Incoming::Publish(publish) => return self.on_publish(publish).await,
            Incoming::Puback(pid) => {
                if let Some((_, delivery)) = self.inflight.remove(&pid)
                    && let Some(seq) = delivery.stored
                {
                    self.shared
                        .router
                        .acknowledged(&self.session.client_id, seq);
                }
            }
            Incoming::Subscribe(subscribe) => self.on_subscribe(subscribe),
            Incoming::Unsubscribe { pid, filters } => {
                let existed: Vec<bool> = filters
                    .iter()
                    .map(|filter| {
                        self.subscriptions.retain(|(f, _)| f != &**filter);
                        self.shared.router.unsubscribe(self.id, filter)
                    })
                    .collect();
                codec::put_unsuback(&mut self.out, self.session.version, pid, &existed);
            }
            Incoming::Pingreq => codec::put_pingresp(&mut self.out),
            Incoming::Disconnect {
                with_will,
                session_expiry,
            } => {
                return Some(Ending::Client {
                    with_will,
                    session_expiry,
                });
            }
            Incoming::Unexpected(what) => {
                return Some(Ending::Refused(format!("protocol error: {what}"), 0x82));
            }
        }
        None
    }

    async fn on_publish(&mut self, publish: PublishIn) -> Option<Ending> {
        let topic = &*publish.topic;
        if publish.qos > 1 {
            return Some(Ending::Refused(
                format!("publish to {topic} with QoS 2, which AWS IoT Core does not support"),
                0x9B,
            ));
        }
        if publish.uses_alias {
            return Some(Ending::Refused(
                "topic aliases are not supported".to_owned(),
                0x94,
            ));
        }
        if publish.payload.len() > self.shared.max_payload {
            return Some(self.too_large(publish.payload.len()));
        }
        if let Err(reason) = topics::check_topic(topic) {
            let code = if topic.starts_with('$') { 0x87 } else { 0x90 };
            return Some(Ending::Refused(format!("publish refused: {reason}"), code));
        }
        if let Some(refused) = self.authorize_publish(topic, Action::Publish, "publish") {
            return Some(refused);
        }
        if publish.retain
            && let Some(refused) =
                self.authorize_publish(topic, Action::RetainPublish, "retained publish")
        {
            return Some(refused);
        }
        if let Some(service) = self.shared.provisioning.get()
            && let Some(ProvisioningTopic::Request { .. }) = ProvisioningTopic::parse(topic)
        {
            // Answered to this connection alone, and to no other subscriber or rule.
            let hold = (publish.qos == 1).then(|| self.acks.hold(publish.pid));
            let caller = super::provisioning::Caller {
                certificate_id: self.session.principal.certificate_id.clone(),
                client_id: self.session.client_id.to_string(),
            };
            let answer = super::provisioning::serve(service, caller, topic, &publish.payload).await;
            if let Some((topic, payload)) = answer {
                self.answer_privately(&topic, payload);
            }
            drop(hold);
            return None;
        }
        let shadow_request = super::shadow::Request::of(topic, &publish.payload);
        let (topic_name, payload) = (topic.to_owned(), publish.payload.clone());
        let message = Message::new(publish.topic, publish.payload, publish.qos, publish.retain);
        let principal = &self.session.principal.certificate_id;
        // The PUBACK waits until the message is in the journal and the store (see `acks`).
        let hold = (publish.qos == 1).then(|| self.acks.hold(publish.pid));
        accept_message(
            self.shared,
            message,
            &self.session.client_id,
            principal,
            hold,
        )
        .await;
        if let Some(request) = shadow_request {
            super::shadow::serve(self.shared, request).await;
        } else if super::jobs::is_jobs_topic(topic_name.as_str()) {
            super::jobs::serve(self.shared, &topic_name, &payload).await;
        }
        None
    }

    /// Delivers a service's answer to this connection only, at the QoS of its best matching
    /// subscription; without one the answer is lost, as on AWS IoT Core.
    fn answer_privately(&mut self, topic: &str, payload: bytes::Bytes) {
        let qos = self
            .subscriptions
            .iter()
            .filter(|(filter, _)| crate::iotsql::topic_matches(filter, topic))
            .map(|(_, qos)| *qos)
            .max();
        let (Some(qos), Ok(name)) = (qos, mqtt_proto::TopicName::try_from(topic)) else {
            return;
        };
        let message = Arc::new(Message::new(name, payload, qos, false));
        self.deliver(Delivery::new(message, qos, false));
    }

    fn authorize_publish(&mut self, topic: &str, action: Action, what: &str) -> Option<Ending> {
        let version = self.shared.gate.decisions_version();
        let reusable = action == Action::Publish && version.is_some();
        if reusable
            && let Some((v, allowed)) = &self.allowed_publish
            && Some(*v) == version
            && allowed == topic
        {
            return None;
        }
        let session = &self.session;
        let refusal =
            match self
                .shared
                .gate
                .authorize(&session.principal, &session.client_id, action, topic)
            {
                Ok(()) => {
                    if let (true, Some(v)) = (reusable, version) {
                        self.allowed_publish = Some((v, topic.to_owned()));
                    }
                    return None;
                }
                Err(refusal) => refusal,
            };
        Some(Ending::Refused(
            format!(
                "{what} to {topic} not allowed by the policies attached to certificate {}: {}",
                session.principal.certificate_id, refusal.reason
            ),
            0x87,
        ))
    }

    fn on_subscribe(&mut self, subscribe: SubscribeIn) {
        let codes: Vec<SubscribeCode> = subscribe
            .filters
            .into_iter()
            .enumerate()
            .map(|(index, (filter, qos, handling))| {
                self.subscribe_one(index, &filter, qos, handling)
            })
            .collect();
        codec::put_suback(&mut self.out, self.session.version, subscribe.pid, &codes);
    }

    fn subscribe_one(
        &mut self,
        index: usize,
        filter: &str,
        qos: u8,
        handling: RetainHandling,
    ) -> SubscribeCode {
        let existing = self.subscriptions.iter().position(|(f, _)| f == filter);
        let refused = |code: SubscribeCode, reason: String| {
            self.shared.emit(BrokerEvent::SubscribeRefused {
                client_id: self.session.client_id.to_string(),
                filter: filter.to_owned(),
                reason,
            });
            code
        };
        if index >= MAX_FILTERS_PER_SUBSCRIBE {
            return refused(
                SubscribeCode::QuotaExceeded,
                format!("at most {MAX_FILTERS_PER_SUBSCRIBE} filters per SUBSCRIBE"),
            );
        }
        if let Err(problem) = topics::check_filter(filter) {
            let code = match problem {
                topics::FilterProblem::SharedUnsupported => SubscribeCode::SharedUnsupported,
                topics::FilterProblem::Invalid(_) => SubscribeCode::InvalidFilter,
            };
            return refused(code, problem.to_string());
        }
        let session = &self.session;
        if let Err(refusal) = self.shared.gate.authorize(
            &session.principal,
            &session.client_id,
            Action::Subscribe,
            filter,
        ) {
            return refused(
                SubscribeCode::NotAuthorized,
                format!(
                    "not allowed by the policies attached to certificate {}: {}",
                    session.principal.certificate_id, refusal.reason
                ),
            );
        }
        if existing.is_none() && self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return refused(
                SubscribeCode::QuotaExceeded,
                format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection"),
            );
        }
        let granted = qos.min(1);
        self.shared.router.subscribe(self.id, filter, granted);
        match existing {
            Some(index) => self.subscriptions[index].1 = granted,
            None => self.subscriptions.push((filter.to_owned(), granted)),
        }
        let send_retained = match handling {
            RetainHandling::Send => true,
            RetainHandling::SendIfNew => existing.is_none(),
            RetainHandling::DontSend => false,
        };
        if send_retained {
            for message in self.shared.router.retained_matching(filter) {
                let qos = message.qos.min(granted);
                self.pending.push_back(Delivery::new(message, qos, true));
            }
        }
        SubscribeCode::Granted(granted)
    }

    /// Moves waiting deliveries into the output buffer while in-flight room lasts: retained
    /// messages for new subscriptions, then a resumed session's backlog at AWS's pace (what
    /// arrives meanwhile waits behind it), then the queue.
    fn fill(&mut self) {
        for _ in 0..DELIVERY_BATCH {
            if self.inflight.len() >= self.session.max_inflight {
                break;
            }
            if let Some(delivery) = self.pending.pop_front() {
                self.deliver(delivery);
                continue;
            }
            if !self.replay.is_empty() {
                while let Ok(delivery) = self.queue.try_recv() {
                    self.replay.push(delivery);
                }
                match self.replay.take() {
                    Some(delivery) => {
                        self.deliver(delivery);
                        continue;
                    }
                    None => break,
                }
            }
            match self.queue.try_recv() {
                Ok(delivery) => self.deliver(delivery),
                Err(_) => break,
            }
        }
    }

    /// Writes one delivery if the client may receive it (`iot:Receive` is checked now). A
    /// message sent before and not acknowledged goes again with DUP and its packet id.
    fn deliver(&mut self, delivery: Delivery) {
        let message = &delivery.message;
        let session = &self.session;
        let allowed = self.shared.gate.authorize(
            &session.principal,
            &session.client_id,
            Action::Receive,
            &message.topic,
        );
        let size = codec::publish_len(
            session.version,
            &message.topic,
            &message.payload,
            delivery.qos,
        );
        if allowed.is_err() || size > session.max_packet_size {
            // Never deliverable: a queued copy is dropped too.
            if let Some(seq) = delivery.stored {
                self.shared.router.acknowledged(&session.client_id, seq);
            }
            return;
        }
        let pid = match (delivery.qos, delivery.resend) {
            (0, _) => 0,
            (_, Some(pid)) if pid != 0 && !self.inflight.contains_key(&pid) => pid,
            _ => self.allocate_pid(),
        };
        let flags = PublishFlags {
            qos: delivery.qos,
            retain: delivery.retained,
            dup: delivery.resend.is_some() && delivery.qos > 0,
        };
        codec::put_publish(
            &mut self.out,
            self.session.version,
            &message.topic,
            &message.payload,
            pid,
            flags,
        );
        if delivery.qos > 0 {
            self.sent += 1;
            self.inflight.insert(pid, (self.sent, delivery));
        }
    }

    fn allocate_pid(&mut self) -> u16 {
        // At most MAX_INFLIGHT ids are in use, so a free one is always near.
        loop {
            self.next_pid = self.next_pid.wrapping_add(1);
            if self.next_pid != 0 && !self.inflight.contains_key(&self.next_pid) {
                return self.next_pid;
            }
        }
    }

    async fn flush(&mut self) -> Result<(), String> {
        if self.out.is_empty() {
            return Ok(());
        }
        let stream = &mut self.stream;
        let out = &self.out;
        // A client that does not take our bytes for this long is gone.
        let write_timeout = self.shared.limits.write_timeout;
        let written = tokio::time::timeout(write_timeout, async {
            stream.write_all(out).await?;
            stream.flush().await
        })
        .await;
        self.out.clear();
        if self.out.capacity() > IDLE_OUTPUT_LIMIT {
            self.out = Vec::new();
        }
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("connection error: {error}")),
            Err(_) => Err(format!(
                "too slow: the client did not read for {} (the write timeout)",
                super::limits::words(write_timeout)
            )),
        }
    }

    /// Closes the connection, publishes the will and returns the disconnected lifecycle event
    /// (published by the caller, which holds the broker's shared state).
    async fn finish(mut self, ending: Ending) -> Option<(String, bytes::Bytes)> {
        if self.session.version == Version::V5
            && let Some(code) = ending.disconnect_code()
        {
            codec::put_disconnect(&mut self.out, code);
        }
        let stream = &mut self.stream;
        let out = &self.out;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            stream.write_all(out).await?;
            stream.flush().await?;
            stream.shutdown().await
        })
        .await;
        drop(self.stream);
        let session = self.session;
        // What the connection still holds goes back to a persistent session: deliveries sent
        // and not acknowledged first (in the order sent, to go again with DUP), then what was
        // not sent yet.
        let mut inflight: Vec<(u64, u16, Delivery)> = self
            .inflight
            .into_iter()
            .map(|(pid, (order, delivery))| (order, pid, delivery))
            .collect();
        inflight.sort_by_key(|(order, ..)| *order);
        let held: Vec<Delivery> = inflight
            .into_iter()
            .map(|(_, pid, mut delivery)| {
                delivery.resend = Some(pid);
                delivery
            })
            .chain(self.pending)
            .chain(self.replay.into_inner())
            .collect();
        let filters: Vec<&str> = self.subscriptions.iter().map(|(f, _)| f.as_str()).collect();
        let expiry = match &ending {
            Ending::Client { session_expiry, .. } => {
                session_expiry.map(|secs| secs.min(self.shared.sessions.max_expiry_secs))
            }
            _ => None,
        };
        self.shared
            .router
            .detach(self.id, self.owner, held, self.queue, &filters, expiry);
        let will = session.will.filter(|_| ending.publishes_will());
        let will_published = will.is_some();
        if let Some(will) = will {
            let message = Message::new(will.topic, will.payload, will.qos, will.retain);
            let principal = &session.principal.certificate_id;
            accept_message(self.shared, message, &session.client_id, principal, None).await;
        }
        let disconnect_reason = ending.disconnect_reason();
        let event = self
            .presence
            .published()
            .then(|| self.presence.disconnected(now_ms(), disconnect_reason));
        self.shared.emit(BrokerEvent::Disconnected {
            client_id: session.client_id.to_string(),
            certificate_id: session.principal.certificate_id,
            peer: self.peer,
            reason: ending.reason(),
            will_published,
            disconnect_reason,
            version: self.presence.version,
        });
        event
    }
}

/// Sleeps until `at`; never wakes for `None`.
async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A resumed session's backlog, handed out at most `per_second` a second (AWS IoT Core sends
/// stored messages at up to 10 a second), the first second's worth at once.
struct Replay {
    waiting: VecDeque<Delivery>,
    interval: Duration,
    /// When the next one may go; with a burst of `per_second` allowed from the start.
    credit: u32,
    per_second: u32,
    next: Instant,
}

impl Replay {
    fn new(backlog: VecDeque<Delivery>, per_second: u32) -> Self {
        let per_second = per_second.max(1);
        Replay {
            waiting: backlog,
            interval: Duration::from_secs(1) / per_second,
            credit: per_second,
            per_second,
            next: Instant::now(),
        }
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    fn push(&mut self, delivery: Delivery) {
        self.waiting.push_back(delivery);
    }

    /// The next delivery if its time has come.
    fn take(&mut self) -> Option<Delivery> {
        if self.waiting.is_empty() {
            return None;
        }
        let now = Instant::now();
        if self.credit == 0 {
            if now < self.next {
                return None;
            }
            let earned = (now - self.next).as_nanos() / self.interval.as_nanos().max(1) + 1;
            self.credit = u32::try_from(earned)
                .unwrap_or(u32::MAX)
                .min(self.per_second);
        }
        self.credit -= 1;
        self.next = now + self.interval;
        self.waiting.pop_front()
    }

    /// When to wake up to send more, if anything waits and the pace holds it back.
    fn next_slot(&self) -> Option<Instant> {
        (!self.waiting.is_empty() && self.credit == 0).then_some(self.next)
    }

    fn into_inner(self) -> VecDeque<Delivery> {
        self.waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backlog(n: usize) -> VecDeque<Delivery> {
        (0..n)
            .map(|i| {
                let topic = mqtt_proto::TopicName::try_from("t").unwrap();
                let message = Message::new(topic, bytes::Bytes::from(i.to_string()), 1, false);
                Delivery::new(Arc::new(message), 1, false)
            })
            .collect()
    }

    fn drain(replay: &mut Replay) -> Vec<String> {
        std::iter::from_fn(|| replay.take())
            .map(|d| String::from_utf8(d.message.payload.to_vec()).unwrap())
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_backlog_goes_out_at_the_pace_asked_for_in_order() {
        let mut replay = Replay::new(backlog(25), 10);
        let first: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(drain(&mut replay), first, "a second's worth at once");
        let wake = replay.next_slot().expect("the rest waits");
        assert_eq!(wake - Instant::now(), Duration::from_millis(100));
        tokio::time::advance(Duration::from_millis(100)).await;
        assert_eq!(drain(&mut replay), ["10"]);
        // A long pause earns at most a second's worth.
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(drain(&mut replay).len(), 10);
        replay.push(backlog(1).pop_front().unwrap());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(drain(&mut replay), ["21", "22", "23", "24", "0"]);
        assert!(replay.is_empty() && replay.next_slot().is_none());
    }
}
