//! What the running broker keeps across restarts: retained messages and persistent sessions
//! (subscriptions and queued QoS 1 messages), as [`BrokerStore`]. Written by the broker's
//! store thread in batches; these writes do not bump the generation (nothing the gate or the
//! rules depend on changes).

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Registry, Result};
use crate::local::broker::{BrokerStore, Change, Saved, StoredMessage, StoredSession};

impl Registry {
    /// Everything the broker saved.
    pub fn broker_state(&self) -> Result<Saved> {
        self.read(|tx| {
            let mut retained = Vec::new();
            {
                let mut stmt =
                    tx.prepare("SELECT topic, payload, qos FROM retained_messages ORDER BY topic")?;
                let rows = stmt.query_map([], |row| {
                    Ok(StoredMessage {
                        topic: row.get(0)?,
                        payload: row.get::<_, Vec<u8>>(1)?.into(),
                        qos: row.get(2)?,
                    })
                })?;
                for row in rows {
                    retained.push(row?);
                }
            }
            let mut sessions = Vec::new();
            let mut stmt = tx.prepare(
                "SELECT client_id, session_identifier, expiry_secs, disconnected_ms
                 FROM mqtt_sessions ORDER BY client_id",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(StoredSession {
                    client_id: row.get(0)?,
                    session_identifier: row.get(1)?,
                    expiry_secs: row.get(2)?,
                    disconnected_ms: row.get(3)?,
                    subscriptions: Vec::new(),
                    queued: Vec::new(),
                })
            })?;
            let mut subscriptions = tx.prepare_cached(
                "SELECT filter, qos FROM mqtt_subscriptions WHERE client_id = ?1 ORDER BY rowid",
            )?;
            let mut queued = tx.prepare_cached(
                "SELECT seq, topic, payload, qos FROM mqtt_queued_messages
                 WHERE client_id = ?1 ORDER BY seq",
            )?;
            for row in rows {
                let mut session = row?;
                session.subscriptions = subscriptions
                    .query_map([&session.client_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                session.queued = queued
                    .query_map([&session.client_id], |row| {
                        Ok((
                            row.get::<_, i64>(0)? as u64,
                            StoredMessage {
                                topic: row.get(1)?,
                                payload: row.get::<_, Vec<u8>>(2)?.into(),
                                qos: row.get(3)?,
                            },
                        ))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                sessions.push(session);
            }
            Ok(Saved { retained, sessions })
        })
    }

    /// The saved retained messages with when each was last written (ms since the epoch), by
    /// topic.
    pub fn retained_messages(&self) -> Result<Vec<(StoredMessage, i64)>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT topic, payload, qos, updated_ms FROM retained_messages ORDER BY topic",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    StoredMessage {
                        topic: row.get(0)?,
                        payload: row.get::<_, Vec<u8>>(1)?.into(),
                        qos: row.get(2)?,
                    },
                    row.get(3)?,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Applies the broker's changes in order, in one transaction.
    pub fn apply_broker_changes(&self, changes: &[Change]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for change in changes {
            match change {
                Change::Retain(message) if message.payload.is_empty() => {
                    tx.prepare_cached("DELETE FROM retained_messages WHERE topic = ?1")?
                        .execute([&message.topic])?;
                }
                Change::Retain(message) => {
                    tx.prepare_cached(
                        "INSERT INTO retained_messages (topic, payload, qos, updated_ms)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (topic) DO UPDATE SET payload = excluded.payload,
                             qos = excluded.qos, updated_ms = excluded.updated_ms",
                    )?
                    .execute(params![
                        message.topic,
                        &message.payload[..],
                        message.qos,
                        crate::clock::now_ms()
                    ])?;
                }
                Change::Start {
                    client_id,
                    session_identifier,
                    expiry_secs,
                } => {
                    tx.prepare_cached("DELETE FROM mqtt_sessions WHERE client_id = ?1")?
                        .execute([client_id])?;
                    tx.prepare_cached(
                        "INSERT INTO mqtt_sessions (client_id, session_identifier, expiry_secs)
                         VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![
                        client_id,
                        session_identifier,
                        expiry_secs
                    ])?;
                }
                Change::Resume {
                    client_id,
                    expiry_secs,
                } => {
                    tx.prepare_cached(
                        "UPDATE mqtt_sessions SET expiry_secs = ?2, disconnected_ms = NULL
                         WHERE client_id = ?1",
                    )?
                    .execute(params![client_id, expiry_secs])?;
                }
                Change::Suspend {
                    client_id,
                    at_ms,
                    expiry_secs,
                } => {
                    tx.prepare_cached(
                        "UPDATE mqtt_sessions SET expiry_secs = ?2, disconnected_ms = ?3
                         WHERE client_id = ?1",
                    )?
                    .execute(params![client_id, expiry_secs, at_ms])?;
                }
                Change::End { client_id } => {
                    tx.prepare_cached("DELETE FROM mqtt_sessions WHERE client_id = ?1")?
                        .execute([client_id])?;
                }
                Change::Subscribe {
                    client_id,
                    filter,
                    qos,
                } => {
                    tx.prepare_cached(
                        "INSERT INTO mqtt_subscriptions (client_id, filter, qos)
                         SELECT ?1, ?2, ?3 WHERE EXISTS
                             (SELECT 1 FROM mqtt_sessions WHERE client_id = ?1)
                         ON CONFLICT (client_id, filter) DO UPDATE SET qos = excluded.qos",
                    )?
                    .execute(params![client_id, filter, qos])?;
                }
                Change::Unsubscribe { client_id, filter } => {
                    tx.prepare_cached(
                        "DELETE FROM mqtt_subscriptions WHERE client_id = ?1 AND filter = ?2",
                    )?
                    .execute([client_id, filter])?;
                }
                Change::Enqueue {
                    client_id,
                    seq,
                    message,
                } => {
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO mqtt_queued_messages
                             (client_id, seq, topic, payload, qos)
                         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS
                             (SELECT 1 FROM mqtt_sessions WHERE client_id = ?1)",
                    )?
                    .execute(params![
                        client_id,
                        *seq as i64,
                        message.topic,
                        &message.payload[..],
                        message.qos
                    ])?;
                }
                Change::Dequeue { client_id, seq } => {
                    tx.prepare_cached(
                        "DELETE FROM mqtt_queued_messages WHERE client_id = ?1 AND seq = ?2",
                    )?
                    .execute(params![client_id, *seq as i64])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether `client_id` has a persistent session saved (for tests and status).
    pub fn has_saved_session(&self, client_id: &str) -> Result<bool> {
        self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT 1 FROM mqtt_sessions WHERE client_id = ?1",
                    [client_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })
    }
}

impl BrokerStore for Registry {
    fn load(&self) -> std::result::Result<Saved, String> {
        self.broker_state().map_err(|e| e.to_string())
    }

    fn apply(&self, changes: &[Change]) -> std::result::Result<(), String> {
        self.apply_broker_changes(changes)
            .map_err(|e| e.to_string())
    }
}
