//! CloudFormation's history of the stacks: every stack's events in the order they happened
//! (kept after the stack is deleted, as AWS keeps them for a while), and the change sets made
//! against a stack. Neither changes what a running backend serves, so these writes do not
//! bump the generation.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::{Registry, Result};

/// One stack event, as DescribeStackEvents lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackEventRecord {
    pub event_id: String,
    pub stack_id: String,
    pub stack_name: String,
    pub logical_id: String,
    pub physical_id: String,
    pub resource_type: String,
    pub timestamp_ms: i64,
    /// e.g. `CREATE_IN_PROGRESS`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The resource's properties as JSON text, on a resource's `*_IN_PROGRESS` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<String>,
}

/// One resource change of a change set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChangeRecord {
    /// `Add`, `Modify` or `Remove`.
    pub action: String,
    pub logical_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_id: Option<String>,
    pub resource_type: String,
    /// `True` or `False` for a `Modify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

/// A change set, from its creation until it is executed or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSetRecord {
    /// Its ARN.
    pub id: String,
    pub name: String,
    pub stack_id: String,
    pub stack_name: String,
    /// `CREATE` or `UPDATE`.
    pub change_set_type: String,
    /// `CREATE_COMPLETE` or `FAILED`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// `AVAILABLE`, `UNAVAILABLE`, `EXECUTE_COMPLETE`, `EXECUTE_FAILED`, ...
    pub execution_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub template_body: String,
    /// Every parameter's value the execution will use.
    pub parameters: BTreeMap<String, String>,
    pub capabilities: Vec<String>,
    pub changes: Vec<ResourceChangeRecord>,
    pub created_ms: i64,
}

impl Registry {
    /// Runs `f` in an immediate write transaction without bumping the generation.
    fn write_history<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Appends `events` (oldest first) to their stacks' histories.
    pub fn add_stack_events(&self, events: &[StackEventRecord]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.write_history(|tx| {
            for e in events {
                let text = serde_json::to_string(e)?;
                tx.execute(
                    "INSERT INTO stack_events (stack_id, seq, record)
                     VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM stack_events WHERE stack_id = ?1), ?2)",
                    params![e.stack_id, text],
                )?;
            }
            Ok(())
        })
    }

    /// Up to `limit` of the stack's events, newest first, skipping the `skip` newest.
    pub fn stack_events(
        &self,
        stack_id: &str,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<StackEventRecord>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT record FROM stack_events WHERE stack_id = ?1
                 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            )?;
            let texts = stmt
                .query_map(params![stack_id, limit as i64, skip as i64], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            texts.iter().map(|t| Ok(serde_json::from_str(t)?)).collect()
        })
    }

    /// The newest event of each logical id of the stack (the stack's own included).
    pub fn latest_stack_events(
        &self,
        stack_id: &str,
    ) -> Result<BTreeMap<String, StackEventRecord>> {
        let mut latest = BTreeMap::new();
        for e in self.stack_events(stack_id, 0, usize::MAX >> 1)? {
            latest.entry(e.logical_id.clone()).or_insert(e);
        }
        Ok(latest)
    }

    /// Creates or replaces the change set with `record.id`.
    pub fn put_change_set(&self, record: &ChangeSetRecord) -> Result<()> {
        let text = serde_json::to_string(record)?;
        self.write_history(|tx| {
            tx.execute(
                "INSERT INTO change_sets (id, stack_id, name, record) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET record = excluded.record",
                params![record.id, record.stack_id, record.name, text],
            )?;
            Ok(())
        })
    }

    /// The change set with ARN `id`.
    pub fn change_set(&self, id: &str) -> Result<Option<ChangeSetRecord>> {
        self.read(|tx| {
            tx.query_row("SELECT record FROM change_sets WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|t| Ok(serde_json::from_str(&t)?))
            .transpose()
        })
    }

    /// The change set called `name` of the stack with id `stack_id`.
    pub fn change_set_named(&self, stack_id: &str, name: &str) -> Result<Option<ChangeSetRecord>> {
        self.read(|tx| {
            tx.query_row(
                "SELECT record FROM change_sets WHERE stack_id = ?1 AND name = ?2",
                [stack_id, name],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|t| Ok(serde_json::from_str(&t)?))
            .transpose()
        })
    }

    /// Deletes the change set with ARN `id`; whether there was one.
    pub fn delete_change_set(&self, id: &str) -> Result<bool> {
        self.write_history(|tx| Ok(tx.execute("DELETE FROM change_sets WHERE id = ?1", [id])? > 0))
    }

    /// Deletes every change set of the stack with id `stack_id`.
    pub fn delete_change_sets_of(&self, stack_id: &str) -> Result<()> {
        self.write_history(|tx| {
            tx.execute("DELETE FROM change_sets WHERE stack_id = ?1", [stack_id])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(stack_id: &str, logical_id: &str, status: &str) -> StackEventRecord {
        StackEventRecord {
            event_id: format!("{logical_id}-{status}"),
            stack_id: stack_id.into(),
            stack_name: "soil".into(),
            logical_id: logical_id.into(),
            physical_id: String::new(),
            resource_type: "AWS::S3::Bucket".into(),
            timestamp_ms: 1,
            status: status.into(),
            reason: None,
            properties: None,
        }
    }

    #[test]
    fn events_come_back_newest_first_per_stack_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        let registry = Registry::open(&path).unwrap();
        let before = registry.generation().unwrap();
        registry
            .add_stack_events(&[event("a", "B", "CREATE_IN_PROGRESS"), event("b", "X", "x")])
            .unwrap();
        registry
            .add_stack_events(&[event("a", "B", "CREATE_COMPLETE")])
            .unwrap();
        assert_eq!(registry.generation().unwrap(), before, "not configuration");
        drop(registry);
        let registry = Registry::open(&path).unwrap();
        let ids: Vec<String> = registry
            .stack_events("a", 0, 10)
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(ids, ["B-CREATE_COMPLETE", "B-CREATE_IN_PROGRESS"]);
        assert_eq!(registry.stack_events("a", 1, 10).unwrap().len(), 1);
        assert_eq!(
            registry.latest_stack_events("a").unwrap()["B"].status,
            "CREATE_COMPLETE"
        );
    }

    #[test]
    fn change_sets_are_found_by_id_and_by_stack_and_name() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        let cs = ChangeSetRecord {
            id: "arn:cs".into(),
            name: "one".into(),
            stack_id: "arn:stack".into(),
            stack_name: "soil".into(),
            change_set_type: "CREATE".into(),
            status: "CREATE_COMPLETE".into(),
            status_reason: None,
            execution_status: "AVAILABLE".into(),
            description: None,
            template_body: "{}".into(),
            parameters: BTreeMap::new(),
            capabilities: vec![],
            changes: vec![],
            created_ms: 1,
        };
        registry.put_change_set(&cs).unwrap();
        assert_eq!(registry.change_set("arn:cs").unwrap(), Some(cs.clone()));
        assert_eq!(
            registry.change_set_named("arn:stack", "one").unwrap(),
            Some(cs)
        );
        assert!(registry.delete_change_set("arn:cs").unwrap());
        assert!(!registry.delete_change_set("arn:cs").unwrap());
        assert_eq!(registry.change_set("arn:cs").unwrap(), None);
    }
}
