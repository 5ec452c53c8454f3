//! Who is connected, who subscribed to what, and the retained messages; fans published
//! messages out to the subscribers' queues without ever waiting on them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use bytes::Bytes;
use mqtt_proto::TopicName;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_util::sync::CancellationToken;

use super::filters::{ConnId, FilterTree, Subscriber};

/// Deliveries waiting for one connection; beyond this a QoS 0 delivery is dropped and a QoS 1
/// delivery disconnects the subscriber as too slow.
pub(super) const QUEUE_CAPACITY: usize = 1024;

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
}

/// One message for one subscriber.
#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) message: Arc<Message>,
    /// min(message QoS, subscription QoS).
    pub(super) qos: u8,
    /// Set for retained messages sent because of a new subscription.
    pub(super) retained: bool,
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

struct Mailbox {
    tx: mpsc::Sender<Delivery>,
    kick: Arc<KickSlot>,
}

#[derive(Default)]
struct Tables {
    clients: HashMap<Arc<str>, ConnId>,
    mailboxes: HashMap<ConnId, Mailbox>,
    filters: FilterTree,
}

#[derive(Default)]
pub(super) struct Router {
    tables: RwLock<Tables>,
    retained: RwLock<HashMap<TopicName, Arc<Message>>>,
    next_id: AtomicU64,
}

/// What a connection gets when it joins.
pub(super) struct Registration {
    pub(super) id: ConnId,
    pub(super) queue: mpsc::Receiver<Delivery>,
    pub(super) kick: Arc<KickSlot>,
}

impl Router {
    /// Registers a connection under `client_id`, taking over from any connection that had it.
    pub(super) fn register(&self, client_id: &Arc<str>, peer: SocketAddr) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, queue) = mpsc::channel(QUEUE_CAPACITY);
        let kick = Arc::new(KickSlot::default());
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(old) = tables.clients.insert(client_id.clone(), id)
            && let Some(mailbox) = tables.mailboxes.get(&old)
        {
            mailbox.kick.kick(Kick {
                reason: format!("taken over by a new connection from {peer}"),
                code: 0x8E,
            });
        }
        let mailbox = Mailbox {
            tx,
            kick: kick.clone(),
        };
        tables.mailboxes.insert(id, mailbox);
        Registration { id, queue, kick }
    }

    /// Forgets a connection and its subscriptions.
    pub(super) fn unregister<'a>(
        &self,
        client_id: &str,
        id: ConnId,
        filters: impl Iterator<Item = &'a str>,
    ) {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        for filter in filters {
            tables.filters.remove(filter, id);
        }
        tables.mailboxes.remove(&id);
        if tables.clients.get(client_id) == Some(&id) {
            tables.clients.remove(client_id);
        }
    }

    pub(super) fn subscribe(&self, id: ConnId, filter: &str, qos: u8) {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        tables.filters.insert(filter, Subscriber { conn: id, qos });
    }

    pub(super) fn unsubscribe(&self, id: ConnId, filter: &str) -> bool {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        tables.filters.remove(filter, id)
    }

    /// Keeps or clears the retained message and queues the message for every subscriber.
    pub(super) fn publish(&self, message: Arc<Message>) {
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
        }
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        tables.filters.for_each_match(&message.topic, |sub| {
            let Some(mailbox) = tables.mailboxes.get(&sub.conn) else {
                return;
            };
            let delivery = Delivery {
                message: message.clone(),
                qos: sub.qos.min(message.qos),
                retained: false,
            };
            let qos = delivery.qos;
            match mailbox.tx.try_send(delivery) {
                Ok(()) | Err(TrySendError::Closed(_)) => {}
                // A QoS 0 message may be lost; a QoS 1 message may not, so the subscriber
                // that cannot keep up goes.
                Err(TrySendError::Full(_)) if qos == 0 => {}
                Err(TrySendError::Full(_)) => mailbox.kick.kick(Kick {
                    reason: format!("too slow: {QUEUE_CAPACITY} messages waiting for delivery"),
                    code: 0x97,
                }),
            }
        });
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
