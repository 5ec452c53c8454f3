//! Who is connected, who subscribed to what, the retained messages and the persistent sessions;
//! fans published messages out to the subscribers' queues without ever waiting on them.
//!
//! Every session has a mailbox under its own id, which is also its key in the subscription
//! tree. A clean session's mailbox goes with its connection. A persistent session's mailbox
//! stays when the connection ends: its subscriptions stay in the tree, and the QoS 1 messages
//! that match them are queued (in memory and in the store) until the client comes back and the
//! next connection resumes the session, or until it expires.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use bytes::Bytes;
use mqtt_proto::TopicName;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_util::sync::CancellationToken;

use super::event::BrokerEvent;
use super::filters::{ConnId, FilterTree, Subscriber};
use super::store::{Change, Saved, StoredMessage, Writer};
use super::{EventSink, SessionSettings};
use crate::local::hold::Hold;

/// Deliveries waiting for one connection; beyond this a QoS 0 delivery is dropped and a QoS 1
/// delivery disconnects the subscriber as too slow (a persistent session keeps the message).
pub(super) const QUEUE_CAPACITY: usize = 1024;
/// How long a new connection waits for the connection it takes over to hand its session back.
const TAKEOVER_WAIT: Duration = Duration::from_secs(5);

/// A message on its way to subscribers; shared by all of them.
#[derive(Debug)]
pub(super) struct Message {
    pub(super) topic: TopicName,
    pub(super) payload: Bytes,
    pub(super) qos: u8,
    pub(super) retain: bool,
}

impl Message {
    pub(super) fn new(topic: TopicName, payload: Bytes, qos: u8, retain: bool) -> Self {
        Self {
            topic,
            payload,
            qos,
            retain,
        }
    }

    fn stored(&self) -> StoredMessage {
        StoredMessage {
            topic: self.topic.to_string(),
            payload: self.payload.clone(),
            qos: self.qos,
        }
    }
}

/// One message for one subscriber.
#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) message: Arc<Message>,
    /// min(message QoS, subscription QoS).
    pub(super) qos: u8,
    /// Set for retained messages sent because of a new subscription.
    pub(super) retained: bool,
    /// The message's sequence number in its persistent session's store, once queued there.
    pub(super) stored: Option<u64>,
    /// Set once the message went out without being acknowledged: it goes again with DUP and
    /// this packet id.
    pub(super) resend: Option<u16>,
}

impl Delivery {
    pub(super) fn new(message: Arc<Message>, qos: u8, retained: bool) -> Self {
        Delivery {
            message,
            qos,
            retained,
            stored: None,
            resend: None,
        }
    }
}

/// Why the broker ends a connection from outside its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Kick {
    pub(super) reason: String,
    /// The MQTT 5 DISCONNECT reason code.
    pub(super) code: u8,
}

/// A connection's "please leave" flag: the first kick wins.
#[derive(Debug, Default)]
pub(super) struct KickSlot {
    token: CancellationToken,
    kick: Mutex<Option<Kick>>,
}

impl KickSlot {
    pub(super) fn kick(&self, kick: Kick) {
        let mut slot = self.kick.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(kick);
        }
        self.token.cancel();
    }

    pub(super) async fn kicked(&self) -> Kick {
        self.token.cancelled().await;
        let slot = self.kick.lock().unwrap_or_else(PoisonError::into_inner);
        slot.clone().unwrap_or_else(|| Kick {
            reason: "disconnected by the broker".to_owned(),
            code: 0x80,
        })
    }
}

/// What a connection asks of its session (from CONNECT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SessionRequest {
    /// MQTT 3.1.1 clean session, MQTT 5 clean start: any earlier session is discarded.
    pub(super) clean: bool,
    /// How long the session outlives the connection (0: it ends with it).
    pub(super) expiry_secs: u32,
}

/// A persistent session's state beside its mailbox.
#[derive(Debug)]
struct Persistent {
    expiry_secs: u32,
    session_identifier: String,
    /// Filters and granted QoS, in subscription order.
    subscriptions: Vec<(String, u8)>,
    /// Messages waiting for the client, oldest first (while it is away, and any that did not
    /// fit its connection's queue).
    queued: VecDeque<Delivery>,
    next_seq: u64,
    /// When the last connection ended (ms since the epoch); `None` while connected.
    disconnected_ms: Option<i64>,
    /// Messages not queued since the queue last had room (reported once per episode).
    dropped: u64,
}

struct Mailbox {
    client_id: Arc<str>,
    /// The connection attached now (0: none); a detach by any other is stale.
    owner: u64,
    /// `None` while no connection is attached.
    tx: Option<mpsc::Sender<Delivery>>,
    kick: Arc<KickSlot>,
    /// `Some` for a persistent session.
    session: Option<Mutex<Persistent>>,
}

#[derive(Default)]
struct Tables {
    clients: HashMap<Arc<str>, ConnId>,
    mailboxes: HashMap<ConnId, Mailbox>,
    filters: FilterTree,
}

/// Messages queued for sessions, account-wide: AWS IoT Core's "queued messages per second per
/// account" quota, as a token bucket refilled once a second.
struct QueueRate {
    per_second: u32,
    window: Mutex<(i64, u32)>,
}

impl QueueRate {
    fn take(&self, now_ms: i64) -> bool {
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        let second = now_ms.div_euclid(1000);
        if window.0 != second {
            *window = (second, 0);
        }
        if window.1 >= self.per_second {
            return false;
        }
        window.1 += 1;
        true
    }
}

pub(super) struct Router {
    tables: RwLock<Tables>,
    retained: RwLock<HashMap<TopicName, Arc<Message>>>,
    next_id: AtomicU64,
    next_owner: AtomicU64,
    settings: SessionSettings,
    rate: QueueRate,
    writer: Option<Writer>,
    events: EventSink,
}

/// What a connection gets when it joins.
pub(super) struct Registration {
    pub(super) id: ConnId,
    /// Which attachment this is (for [`Router::detach`]).
    pub(super) owner: u64,
    pub(super) queue: mpsc::Receiver<Delivery>,
    pub(super) kick: Arc<KickSlot>,
    /// A persistent session was resumed (CONNACK's session present).
    pub(super) session_present: bool,
    /// The session outlives the connection.
    pub(super) persistent: bool,
    /// The persistent session's `sessionIdentifier`, the same for all its connections.
    pub(super) session_identifier: Option<String>,
    /// The resumed session's subscriptions.
    pub(super) subscriptions: Vec<(String, u8)>,
    /// What waited for the resumed session, oldest first.
    pub(super) backlog: VecDeque<Delivery>,
}

/// A session that expired, for the operator's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expired {
    pub(super) client_id: String,
    pub(super) queued: usize,
}

fn now_ms() -> i64 {
    crate::clock::now_ms()
}

impl Router {
    pub(super) fn new(
        settings: SessionSettings,
        writer: Option<Writer>,
        events: EventSink,
    ) -> Self {
        Router {
            tables: RwLock::default(),
            retained: RwLock::default(),
            next_id: AtomicU64::new(1),
            next_owner: AtomicU64::new(1),
            rate: QueueRate {
                per_second: settings.queued_per_second,
                window: Mutex::new((0, 0)),
            },
            settings,
            writer,
            events,
        }
    }

    fn write(&self, change: Change, hold: Option<Hold>) {
        if let Some(writer) = &self.writer {
            writer.send(change, hold);
        }
    }

    /// Brings back what the store kept: retained messages and persistent sessions, all of them
    /// disconnected (a session connected when the broker stopped counts as disconnected now).
    pub(super) fn restore(&self, saved: Saved) {
        {
            let mut retained = self
                .retained
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            for message in saved.retained {
                let Ok(topic) = TopicName::try_from(message.topic.as_str()) else {
                    continue;
                };
                let message = Message::new(topic.clone(), message.payload, message.qos, true);
                retained.insert(topic, Arc::new(message));
            }
        }
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let now = now_ms();
        for session in saved.sessions {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            let client_id: Arc<str> = session.client_id.into();
            for (filter, qos) in &session.subscriptions {
                tables.filters.insert(
                    filter,
                    Subscriber {
                        conn: id,
                        qos: *qos,
                    },
                );
            }
            let next_seq = session.queued.last().map_or(0, |(seq, _)| seq + 1);
            let queued = session
                .queued
                .into_iter()
                .filter_map(|(seq, m)| {
                    let topic = TopicName::try_from(m.topic.as_str()).ok()?;
                    let message = Arc::new(Message::new(topic, m.payload, m.qos, false));
                    let mut delivery = Delivery::new(message, m.qos, false);
                    delivery.stored = Some(seq);
                    Some(delivery)
                })
                .collect();
            let persistent = Persistent {
                expiry_secs: session.expiry_secs,
                session_identifier: session.session_identifier,
                subscriptions: session.subscriptions,
                queued,
                next_seq,
                disconnected_ms: Some(session.disconnected_ms.unwrap_or(now)),
                dropped: 0,
            };
            tables.clients.insert(client_id.clone(), id);
            tables.mailboxes.insert(
                id,
                Mailbox {
                    client_id,
                    owner: 0,
                    tx: None,
                    kick: Arc::default(),
                    session: Some(Mutex::new(persistent)),
                },
            );
        }
    }

    /// Registers a connection under `client_id`. A connection that has the client id now is
    /// taken over: it is told to leave and, for a persistent session, hands the session back
    /// (its unacknowledged deliveries included) before this one resumes it.
    pub(super) async fn attach(
        &self,
        client_id: &Arc<str>,
        peer: SocketAddr,
        request: SessionRequest,
    ) -> Registration {
        let until = tokio::time::Instant::now() + TAKEOVER_WAIT;
        loop {
            {
                let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
                let attached = tables
                    .clients
                    .get(client_id)
                    .and_then(|id| tables.mailboxes.get(id))
                    .filter(|mailbox| mailbox.tx.is_some());
                match attached {
                    None => return self.attach_now(&mut tables, client_id, request),
                    Some(mailbox) => {
                        mailbox.kick.kick(Kick {
                            reason: format!("taken over by a new connection from {peer}"),
                            code: 0x8E,
                        });
                        if tokio::time::Instant::now() >= until {
                            // The old connection is stuck: its session is taken without what
                            // it still held.
                            let id = tables.clients[client_id];
                            if let Some(mailbox) = tables.mailboxes.get_mut(&id) {
                                mailbox.tx = None;
                                mailbox.owner = 0;
                            }
                            if tables.mailboxes[&id].session.is_none() {
                                self.remove(&mut tables, id, &[]);
                            }
                            return self.attach_now(&mut tables, client_id, request);
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn attach_now(
        &self,
        tables: &mut Tables,
        client_id: &Arc<str>,
        request: SessionRequest,
    ) -> Registration {
        let owner = self.next_owner.fetch_add(1, Ordering::Relaxed);
        let (tx, queue) = mpsc::channel(QUEUE_CAPACITY);
        let kick = Arc::new(KickSlot::default());
        if let Some(&id) = tables.clients.get(client_id) {
            let resumable = !request.clean && tables.mailboxes[&id].session.is_some();
            if resumable {
                let mailbox = tables.mailboxes.get_mut(&id).expect("a client's mailbox");
                mailbox.tx = Some(tx);
                mailbox.owner = owner;
                mailbox.kick = kick.clone();
                let session = mailbox.session.as_ref().expect("a persistent session");
                let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
                session.expiry_secs = request.expiry_secs;
                session.disconnected_ms = None;
                session.dropped = 0;
                self.write(
                    Change::Resume {
                        client_id: client_id.to_string(),
                        expiry_secs: request.expiry_secs,
                    },
                    None,
                );
                return Registration {
                    id,
                    owner,
                    queue,
                    kick,
                    session_present: true,
                    persistent: request.expiry_secs > 0,
                    session_identifier: Some(session.session_identifier.clone()),
                    subscriptions: session.subscriptions.clone(),
                    backlog: std::mem::take(&mut session.queued),
                };
            }
            // A clean start ends the session that was there.
            self.remove(tables, id, &[]);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let persistent = request.expiry_secs > 0;
        let session_identifier = persistent.then(super::presence::session_identifier);
        let session = session_identifier.as_ref().map(|identifier| {
            self.write(
                Change::Start {
                    client_id: client_id.to_string(),
                    session_identifier: identifier.clone(),
                    expiry_secs: request.expiry_secs,
                },
                None,
            );
            Mutex::new(Persistent {
                expiry_secs: request.expiry_secs,
                session_identifier: identifier.clone(),
                subscriptions: Vec::new(),
                queued: VecDeque::new(),
                next_seq: 0,
                disconnected_ms: None,
                dropped: 0,
            })
        });
        tables.clients.insert(client_id.clone(), id);
        tables.mailboxes.insert(
            id,
            Mailbox {
                client_id: client_id.clone(),
                owner,
                tx: Some(tx),
                kick: kick.clone(),
                session,
            },
        );
        Registration {
            id,
            owner,
            queue,
            kick,
            session_present: false,
            persistent,
            session_identifier,
            subscriptions: Vec::new(),
            backlog: VecDeque::new(),
        }
    }

    /// Forgets a session entirely: its subscriptions (`filters` for a clean session, its own
    /// list for a persistent one), its mailbox and, if it still has it, its client id.
    fn remove(&self, tables: &mut Tables, id: ConnId, filters: &[&str]) {
        let Some(mailbox) = tables.mailboxes.remove(&id) else {
            return;
        };
        if let Some(session) = &mailbox.session {
            let session = session.lock().unwrap_or_else(PoisonError::into_inner);
            for (filter, _) in &session.subscriptions {
                tables.filters.remove(filter, id);
            }
            self.write(
                Change::End {
                    client_id: mailbox.client_id.to_string(),
                },
                None,
            );
        }
        for filter in filters {
            tables.filters.remove(filter, id);
        }
        if tables.clients.get(&mailbox.client_id) == Some(&id) {
            tables.clients.remove(&mailbox.client_id);
        }
    }

    /// The connection `owner` of session `id` ended. A persistent session (with an expiry
    /// left: an MQTT 5 DISCONNECT may have changed it to `expiry_secs`) keeps its
    /// subscriptions and takes back what the connection held (its unacknowledged deliveries,
    /// oldest first, then what it had not sent), and queues what arrives until the client
    /// returns. Any other session is forgotten with its subscriptions (`filters`).
    pub(super) fn detach(
        &self,
        id: ConnId,
        owner: u64,
        mut held: Vec<Delivery>,
        mut queue: mpsc::Receiver<Delivery>,
        filters: &[&str],
        expiry_secs: Option<u32>,
    ) {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let Some(mailbox) = tables.mailboxes.get_mut(&id) else {
            // A clean session taken from this connection when it did not hand it back in
            // time: its mailbox is gone, its subscriptions go now.
            for filter in filters {
                tables.filters.remove(filter, id);
            }
            return;
        };
        if mailbox.owner != owner {
            // A persistent session taken by a newer connection, which keeps its subscriptions.
            return;
        }
        mailbox.tx = None;
        mailbox.owner = 0;
        let keep = mailbox.session.as_ref().is_some_and(|session| {
            let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(expiry) = expiry_secs {
                session.expiry_secs = expiry;
            }
            session.expiry_secs > 0
        });
        if !keep {
            self.remove(&mut tables, id, filters);
            return;
        }
        let client_id = mailbox.client_id.to_string();
        let session = mailbox.session.as_ref().expect("a persistent session");
        let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
        queue.close();
        while let Ok(delivery) = queue.try_recv() {
            held.push(delivery);
        }
        let overflow = std::mem::take(&mut session.queued);
        held.extend(overflow);
        for mut delivery in held {
            if delivery.qos == 0 {
                continue;
            }
            if delivery.stored.is_none() {
                let seq = session.next_seq;
                session.next_seq += 1;
                delivery.stored = Some(seq);
                self.write(
                    Change::Enqueue {
                        client_id: client_id.clone(),
                        seq,
                        message: delivery.message.stored(),
                    },
                    None,
                );
            }
            session.queued.push_back(delivery);
        }
        let at_ms = now_ms();
        session.disconnected_ms = Some(at_ms);
        self.write(
            Change::Suspend {
                client_id,
                at_ms,
                expiry_secs: session.expiry_secs,
            },
            None,
        );
    }

    /// Ends the persistent sessions whose expiry has passed, with what was queued for them.
    pub(super) fn expire(&self, now_ms: i64) -> Vec<Expired> {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let due: Vec<(ConnId, Expired)> = tables
            .mailboxes
            .iter()
            .filter_map(|(&id, mailbox)| {
                let session = mailbox.session.as_ref()?;
                let session = session.lock().unwrap_or_else(PoisonError::into_inner);
                let since = session.disconnected_ms?;
                let expiry_ms = i64::from(session.expiry_secs) * 1000;
                (now_ms - since >= expiry_ms).then(|| {
                    (
                        id,
                        Expired {
                            client_id: mailbox.client_id.to_string(),
                            queued: session.queued.len(),
                        },
                    )
                })
            })
            .collect();
        due.into_iter()
            .map(|(id, expired)| {
                self.remove(&mut tables, id, &[]);
                expired
            })
            .collect()
    }

    pub(super) fn subscribe(&self, id: ConnId, filter: &str, qos: u8) {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        tables.filters.insert(filter, Subscriber { conn: id, qos });
        if let Some(mailbox) = tables.mailboxes.get(&id)
            && let Some(session) = &mailbox.session
        {
            let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
            match session.subscriptions.iter_mut().find(|(f, _)| f == filter) {
                Some(existing) => existing.1 = qos,
                None => session.subscriptions.push((filter.to_owned(), qos)),
            }
            self.write(
                Change::Subscribe {
                    client_id: mailbox.client_id.to_string(),
                    filter: filter.to_owned(),
                    qos,
                },
                None,
            );
        }
    }

    pub(super) fn unsubscribe(&self, id: ConnId, filter: &str) -> bool {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let existed = tables.filters.remove(filter, id);
        if let Some(mailbox) = tables.mailboxes.get(&id)
            && let Some(session) = &mailbox.session
        {
            let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
            session.subscriptions.retain(|(f, _)| f != filter);
            self.write(
                Change::Unsubscribe {
                    client_id: mailbox.client_id.to_string(),
                    filter: filter.to_owned(),
                },
                None,
            );
        }
        existed
    }

    /// The client acknowledged a delivery that was queued in the store.
    pub(super) fn acknowledged(&self, client_id: &str, seq: u64) {
        self.write(
            Change::Dequeue {
                client_id: client_id.to_owned(),
                seq,
            },
            None,
        );
    }

    /// Keeps or clears the retained message and queues the message for every subscriber.
    /// `hold` (the publisher's acknowledgement) is kept until what this publish changes in
    /// the store (the retained message, messages queued for persistent sessions) is written.
    pub(super) fn publish(&self, message: Arc<Message>, hold: Option<&Hold>) {
        if message.retain {
            let mut retained = self
                .retained
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if message.payload.is_empty() {
                retained.remove(&message.topic);
            } else {
                retained.insert(message.topic.clone(), message.clone());
            }
            drop(retained);
            self.write(Change::Retain(message.stored()), hold.cloned());
        }
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        tables.filters.for_each_match(&message.topic, |sub| {
            let Some(mailbox) = tables.mailboxes.get(&sub.conn) else {
                return;
            };
            let delivery = Delivery::new(message.clone(), sub.qos.min(message.qos), false);
            let qos = delivery.qos;
            let Some(tx) = &mailbox.tx else {
                if let Some(session) = &mailbox.session
                    && qos == 1
                {
                    self.queue(mailbox, session, delivery, hold);
                }
                return;
            };
            match tx.try_send(delivery) {
                Ok(()) | Err(TrySendError::Closed(_)) => {}
                // A QoS 0 message may be lost; a QoS 1 message may not, so the subscriber
                // that cannot keep up goes (a persistent session keeps the message for later).
                Err(TrySendError::Full(_)) if qos == 0 => {}
                Err(TrySendError::Full(delivery)) => {
                    if let Some(session) = &mailbox.session {
                        self.queue(mailbox, session, delivery, hold);
                    }
                    mailbox.kick.kick(Kick {
                        reason: format!("too slow: {QUEUE_CAPACITY} messages waiting for delivery"),
                        code: 0x97,
                    });
                }
            }
        });
    }

    /// Queues a QoS 1 message for a persistent session, within AWS's limits.
    fn queue(
        &self,
        mailbox: &Mailbox,
        session: &Mutex<Persistent>,
        mut delivery: Delivery,
        hold: Option<&Hold>,
    ) {
        let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
        let limit = self.settings.queue_limit;
        let refusal = if session.queued.len() >= limit {
            Some(format!(
                "{limit} messages are already queued for the session"
            ))
        } else if !self.rate.take(now_ms()) {
            Some(format!(
                "more than {} messages a second are being queued for sessions",
                self.settings.queued_per_second
            ))
        } else {
            None
        };
        if let Some(reason) = refusal {
            session.dropped += 1;
            if session.dropped == 1 {
                (self.events)(BrokerEvent::QueueFull {
                    client_id: mailbox.client_id.to_string(),
                    topic: delivery.message.topic.to_string(),
                    reason,
                });
            }
            return;
        }
        let seq = session.next_seq;
        session.next_seq += 1;
        delivery.stored = Some(seq);
        self.write(
            Change::Enqueue {
                client_id: mailbox.client_id.to_string(),
                seq,
                message: delivery.message.stored(),
            },
            hold.cloned(),
        );
        session.queued.push_back(delivery);
    }

    /// Every retained message, `$` topics included.
    pub(super) fn retained_all(&self) -> Vec<Arc<Message>> {
        let retained = self.retained.read().unwrap_or_else(PoisonError::into_inner);
        retained.values().cloned().collect()
    }

    /// The retained messages whose topic matches `filter`.
    pub(super) fn retained_matching(&self, filter: &str) -> Vec<Arc<Message>> {
        let retained = self.retained.read().unwrap_or_else(PoisonError::into_inner);
        retained
            .values()
            .filter(|m| crate::iotsql::topic_matches(filter, &m.topic))
            .cloned()
            .collect()
    }
}
