//! Device shadows (GetThingShadow, UpdateThingShadow, DeleteThingShadow,
//! ListNamedShadowsForThing): one row per thing and shadow name (`''` for the classic shadow),
//! served by the broker on the reserved shadow topics and read by the CLI.
//!
//! As on AWS IoT, a shadow does not need the thing to exist in the registry, and deleting a
//! thing leaves its shadows alone. A deleted shadow keeps its row, without a document, so that
//! its version carries on at the next update. Shadow writes do not bump the registry's
//! generation: they change nothing a running backend has to reload.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::error::{RegistryError, Result};
use super::{Registry, now_ms};
use crate::shadow::{self, Change, Handled, Operation, Shadow};

/// The stored shadow, or none, and the version it reached (that of a deleted one too).
fn load(tx: &Transaction<'_>, thing: &str, name: &str) -> Result<(Option<Shadow>, u64)> {
    let row: Option<(Option<String>, i64)> = tx
        .query_row(
            "SELECT document, version FROM shadows WHERE thing = ?1 AND name = ?2",
            params![thing, name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((document, version)) = row else {
        return Ok((None, 0));
    };
    let shadow = match document {
        Some(text) => {
            let value: serde_json::Value = serde_json::from_str(&text)?;
            Some(Shadow::from_document(&value).map_err(|e| {
                RegistryError::InvalidRequest(format!(
                    "the stored shadow {} is unreadable: {e}",
                    shadow::display_name(thing, (!name.is_empty()).then_some(name))
                ))
            })?)
        }
        None => None,
    };
    Ok((shadow, version.max(0) as u64))
}

fn store(tx: &Transaction<'_>, thing: &str, name: &str, change: &Change) -> Result<()> {
    let (document, version) = match change {
        Change::Keep => return Ok(()),
        Change::Put(shadow) => (
            Some(serde_json::to_string(&shadow.to_document())?),
            shadow.version,
        ),
        Change::Delete { version } => (None, *version),
    };
    tx.execute(
        "INSERT INTO shadows (thing, name, document, version, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (thing, name) DO UPDATE SET document = excluded.document,
             version = excluded.version, updated_ms = excluded.updated_ms",
        params![thing, name, document, version as i64, now_ms()],
    )?;
    Ok(())
}

impl Registry {
    /// The shadow of `thing` (`shadow_name` `None`: the classic one), if it exists.
    pub fn shadow(&self, thing: &str, shadow_name: Option<&str>) -> Result<Option<Shadow>> {
        let name = shadow_name.unwrap_or("");
        self.read(|tx| Ok(load(tx, thing, name)?.0))
    }

    /// The names of the thing's named shadows that exist, sorted.
    pub fn shadow_names(&self, thing: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT name FROM shadows WHERE thing = ?1 AND name <> '' AND document IS NOT NULL
                 ORDER BY name",
            )?;
            let names = stmt
                .query_map([thing], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(names)
        })
    }

    /// Serves a get, update or delete request on a shadow in one transaction, as the broker
    /// does for the reserved topics: the documents to publish and the change, already stored.
    /// A rejected request (bad JSON, version conflict, no such shadow) is an `Ok` whose only
    /// response is `rejected`; `Err` means the database failed.
    pub fn shadow_request(
        &self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
        now_secs: u64,
    ) -> Result<Handled> {
        let name = shadow_name.unwrap_or("");
        let mut conn = self.lock();
        let behavior = match operation {
            Operation::Get => TransactionBehavior::Deferred,
            Operation::Update | Operation::Delete => TransactionBehavior::Immediate,
        };
        let tx = conn.transaction_with_behavior(behavior)?;
        let (current, version) = load(&tx, thing, name)?;
        let handled = shadow::handle(
            current.as_ref(),
            version,
            operation,
            thing,
            shadow_name,
            request,
            now_secs,
        );
        store(&tx, thing, name, &handled.change)?;
        tx.commit()?;
        Ok(handled)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn open(dir: &tempfile::TempDir) -> Registry {
        Registry::open(&dir.path().join("registry.db")).unwrap()
    }

    #[test]
    fn requests_are_stored_and_deleted_shadows_keep_their_version() {
        let dir = tempfile::tempdir().unwrap();
        let r = open(&dir);
        let generation = r.generation().unwrap();
        let update = br#"{"state":{"desired":{"on":true}},"clientToken":"a"}"#;
        let h = r
            .shadow_request("sensor-1", None, Operation::Update, update, 10)
            .unwrap();
        let suffixes: Vec<_> = h.responses.iter().map(|(s, _)| *s).collect();
        assert_eq!(suffixes, ["accepted", "delta", "documents"]);
        let stored = r.shadow("sensor-1", None).unwrap().unwrap();
        assert_eq!(stored.version, 1);
        assert_eq!(stored.desired["on"], json!(true));
        // Another handle (another process) sees it; the generation did not move.
        assert_eq!(open(&dir).shadow("sensor-1", None).unwrap(), Some(stored));
        assert_eq!(r.generation().unwrap(), generation);

        r.shadow_request(
            "sensor-1",
            Some("cfg"),
            Operation::Update,
            br#"{"state":{"reported":{"a":1}}}"#,
            11,
        )
        .unwrap();
        assert_eq!(r.shadow_names("sensor-1").unwrap(), ["cfg"]);
        assert_eq!(r.shadow("sensor-1", Some("other")).unwrap(), None);

        let h = r
            .shadow_request("sensor-1", None, Operation::Delete, b"", 12)
            .unwrap();
        assert_eq!(
            h.responses,
            [("accepted", json!({"version": 1, "timestamp": 12}))]
        );
        assert_eq!(r.shadow("sensor-1", None).unwrap(), None);
        let h = r
            .shadow_request("sensor-1", None, Operation::Get, b"", 13)
            .unwrap();
        assert_eq!(h.responses[0].0, "rejected");
        assert_eq!(h.responses[0].1["code"], 404);
        let h = r
            .shadow_request(
                "sensor-1",
                None,
                Operation::Update,
                br#"{"state":{"reported":{"b":2}}}"#,
                14,
            )
            .unwrap();
        assert_eq!(h.responses[0].1["version"], 2);
        r.shadow_request("sensor-1", Some("cfg"), Operation::Delete, b"", 15)
            .unwrap();
        assert!(r.shadow_names("sensor-1").unwrap().is_empty());
    }

    #[test]
    fn an_existing_registry_gains_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        super::super::schema::first_schema_registry_for_tests(&path, 3);
        let r = Registry::open(&path).unwrap();
        assert_eq!(r.generation().unwrap(), 3);
        r.shadow_request(
            "t",
            None,
            Operation::Update,
            br#"{"state":{"reported":{"x":1}}}"#,
            1,
        )
        .unwrap();
        assert_eq!(r.shadow("t", None).unwrap().unwrap().version, 1);
    }
}
