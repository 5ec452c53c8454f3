//! What the broker keeps across restarts: retained messages and persistent sessions (their
//! subscriptions and the QoS 1 messages queued for them). The broker describes every change as
//! a [`Change`]; one writer thread applies them in batches, one transaction per batch, through
//! a [`BrokerStore`] (the registry under `local up`, nothing in tests that do not ask). A
//! change can carry the [`Hold`] of the publish that caused it, released once the change is
//! written, so a retained message or a message queued for a sleeping device is on disk before
//! its publisher's PUBACK.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use bytes::Bytes;

use super::EventSink;
use super::event::BrokerEvent;
use crate::local::hold::Hold;

/// Changes written in one transaction at the most.
const BATCH: usize = 1024;

/// A message as it is kept: a retained message or one queued for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub topic: String,
    pub payload: Bytes,
    pub qos: u8,
}

/// A persistent session as it was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub client_id: String,
    /// AWS's `sessionIdentifier`: the same for every connection of the session.
    pub session_identifier: String,
    /// How long the session outlives its connection, in seconds.
    pub expiry_secs: u32,
    /// When its last connection ended; `None` if it was connected when the broker stopped.
    pub disconnected_ms: Option<i64>,
    /// Filters and granted QoS, in subscription order.
    pub subscriptions: Vec<(String, u8)>,
    /// Queued messages with their sequence numbers, oldest first.
    pub queued: Vec<(u64, StoredMessage)>,
}

/// Everything saved, read when the broker starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    pub retained: Vec<StoredMessage>,
    pub sessions: Vec<StoredSession>,
}

/// One change to what is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Keeps `message` as its topic's retained message (an empty payload clears it).
    Retain(StoredMessage),
    /// Starts a session afresh: any earlier session of the client id is gone.
    Start {
        client_id: String,
        session_identifier: String,
        expiry_secs: u32,
    },
    /// The session's connection came back (resumed) with this expiry.
    Resume {
        client_id: String,
        expiry_secs: u32,
    },
    /// The session's connection ended at `at_ms`; it expires `expiry_secs` later.
    Suspend {
        client_id: String,
        at_ms: i64,
        expiry_secs: u32,
    },
    /// The session ended (clean start, expiry, or an expiry of 0 at disconnect).
    End {
        client_id: String,
    },
    Subscribe {
        client_id: String,
        filter: String,
        qos: u8,
    },
    Unsubscribe {
        client_id: String,
        filter: String,
    },
    /// A QoS 1 message waits for the session.
    Enqueue {
        client_id: String,
        seq: u64,
        message: StoredMessage,
    },
    /// The client acknowledged (or the session dropped) the queued message `seq`.
    Dequeue {
        client_id: String,
        seq: u64,
    },
}

/// Where the broker's state is kept. Both calls may block (they run on the writer thread and
/// once at start).
pub trait BrokerStore: Send + Sync {
    fn load(&self) -> Result<Saved, String>;
    /// Applies `changes` in order, all or nothing.
    fn apply(&self, changes: &[Change]) -> Result<(), String>;
}

/// Keeps nothing: the broker's state ends with it (the default outside `local up`).
#[derive(Debug, Default)]
pub struct NoStore;

impl BrokerStore for NoStore {
    fn load(&self) -> Result<Saved, String> {
        Ok(Saved::default())
    }

    fn apply(&self, _: &[Change]) -> Result<(), String> {
        Ok(())
    }
}

/// The writer thread's inbox. Sends never wait.
#[derive(Debug)]
pub(super) struct Writer {
    tx: Sender<(Change, Option<Hold>)>,
}

impl Writer {
    /// Starts the writer thread; it ends once the `Writer` is dropped and what was sent is
    /// written (join the returned handle to know).
    pub(super) fn spawn(
        store: Arc<dyn BrokerStore>,
        events: EventSink,
    ) -> std::io::Result<(Self, std::thread::JoinHandle<()>)> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("broker-store".to_owned())
            .spawn(move || write_all(&*store, &rx, &events))?;
        Ok((Writer { tx }, thread))
    }

    /// Writes `change` soon; `hold` is released once it is written.
    pub(super) fn send(&self, change: Change, hold: Option<Hold>) {
        // The thread only ends once every sender is gone.
        let _ = self.tx.send((change, hold));
    }
}

fn write_all(store: &dyn BrokerStore, rx: &Receiver<(Change, Option<Hold>)>, events: &EventSink) {
    while let Ok(first) = rx.recv() {
        let mut changes = vec![first.0];
        let mut holds = vec![first.1];
        while changes.len() < BATCH
            && let Ok((change, hold)) = rx.try_recv()
        {
            changes.push(change);
            holds.push(hold);
        }
        // A failure (the database busy for too long) is retried once; then the changes are
        // reported lost and the holds released: the messages themselves were already handled.
        if store.apply(&changes).is_err() {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if let Err(reason) = store.apply(&changes) {
                events(BrokerEvent::StoreFailed {
                    changes: changes.len(),
                    reason,
                });
            }
        }
        drop(holds);
    }
}
