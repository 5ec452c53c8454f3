//! Which MQTT client ids are connected to the running broker, since when, and why the last
//! session ended. Written by the broker in batches; these writes do not bump the generation
//! (nothing the gate or the rules depend on changes), so they never cause a reload.

use std::collections::HashMap;

use rusqlite::TransactionBehavior;

use super::{Registry, Result};

/// One client id's last known state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connectivity {
    pub client_id: String,
    pub connected: bool,
    /// When the state began, in milliseconds since the Unix epoch.
    pub since_ms: i64,
    /// AWS's `disconnectReason` of the last session, when disconnected.
    pub disconnect_reason: Option<String>,
    /// The lifecycle events' version number of the last connection.
    pub version: u64,
}

/// A change reported by the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectivityChange {
    Connected {
        client_id: String,
        at_ms: i64,
        version: u64,
    },
    Disconnected {
        client_id: String,
        at_ms: i64,
        reason: String,
        version: u64,
    },
}

impl Registry {
    /// Applies `changes` in order, in one transaction. A change older than the recorded state
    /// (the end of a session that was taken over, arriving after the new session began) is
    /// ignored.
    pub fn record_connectivity(&self, changes: &[ConnectivityChange]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO connectivity (client_id, connected, since_ms, disconnect_reason, version)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (client_id) DO UPDATE SET
                     connected = excluded.connected,
                     since_ms = excluded.since_ms,
                     disconnect_reason = excluded.disconnect_reason,
                     version = excluded.version
                 WHERE excluded.version > connectivity.version
                    OR (excluded.version = connectivity.version AND excluded.connected = 0)",
            )?;
            for change in changes {
                match change {
                    ConnectivityChange::Connected {
                        client_id,
                        at_ms,
                        version,
                    } => upsert.execute(rusqlite::params![
                        client_id,
                        1,
                        at_ms,
                        None::<String>,
                        *version as i64
                    ])?,
                    ConnectivityChange::Disconnected {
                        client_id,
                        at_ms,
                        reason,
                        version,
                    } => upsert.execute(rusqlite::params![
                        client_id,
                        0,
                        at_ms,
                        reason,
                        *version as i64
                    ])?,
                };
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets every client id (a starting broker has no sessions).
    pub fn clear_connectivity(&self) -> Result<()> {
        let conn = self.lock();
        conn.execute("DELETE FROM connectivity", [])?;
        Ok(())
    }

    /// Every client id's last known state, by client id.
    pub fn connectivity(&self) -> Result<HashMap<String, Connectivity>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT client_id, connected, since_ms, disconnect_reason, version FROM connectivity",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(Connectivity {
                client_id: row.get(0)?,
                connected: row.get::<_, i64>(1)? != 0,
                since_ms: row.get(2)?,
                disconnect_reason: row.get(3)?,
                version: row.get::<_, i64>(4)? as u64,
            })
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let row = row?;
            out.insert(row.client_id.clone(), row);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> (tempfile::TempDir, Registry) {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        (dir, registry)
    }

    fn connected(id: &str, at_ms: i64, version: u64) -> ConnectivityChange {
        ConnectivityChange::Connected {
            client_id: id.to_owned(),
            at_ms,
            version,
        }
    }

    fn disconnected(id: &str, at_ms: i64, version: u64, reason: &str) -> ConnectivityChange {
        ConnectivityChange::Disconnected {
            client_id: id.to_owned(),
            at_ms,
            reason: reason.to_owned(),
            version,
        }
    }

    #[test]
    fn records_changes_without_bumping_the_generation() {
        let (_dir, r) = registry();
        let generation = r.generation().unwrap();
        r.record_connectivity(&[connected("a", 10, 0), connected("b", 11, 0)])
            .unwrap();
        r.record_connectivity(&[disconnected("a", 20, 0, "CONNECTION_LOST")])
            .unwrap();
        assert_eq!(r.generation().unwrap(), generation);
        let all = r.connectivity().unwrap();
        assert!(!all["a"].connected);
        assert_eq!(all["a"].since_ms, 20);
        assert_eq!(
            all["a"].disconnect_reason.as_deref(),
            Some("CONNECTION_LOST")
        );
        assert!(all["b"].connected);
        assert_eq!(all["b"].disconnect_reason, None);
        r.clear_connectivity().unwrap();
        assert!(r.connectivity().unwrap().is_empty());
    }

    #[test]
    fn the_end_of_a_taken_over_session_does_not_hide_the_new_one() {
        let (_dir, r) = registry();
        r.record_connectivity(&[
            connected("a", 10, 0),
            connected("a", 20, 1),
            disconnected("a", 21, 0, "DUPLICATE_CLIENTID"),
        ])
        .unwrap();
        let a = &r.connectivity().unwrap()["a"];
        assert!(a.connected);
        assert_eq!((a.since_ms, a.version), (20, 1));
    }

    #[test]
    fn an_existing_registry_gains_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        super::super::schema::first_schema_registry_for_tests(&path, 7);
        let r = Registry::open(&path).unwrap();
        assert_eq!(r.generation().unwrap(), 7);
        r.record_connectivity(&[connected("a", 1, 0)]).unwrap();
        assert!(r.connectivity().unwrap()["a"].connected);
    }
}
