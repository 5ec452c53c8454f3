//! Topic rules (CreateTopicRule, ReplaceTopicRule, GetTopicRule, ListTopicRules,
//! DeleteTopicRule). The payload is the `TopicRulePayload` as JSON, intrinsics already
//! resolved; the rules engine checks its SQL and actions.

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::{RegistryError, Result};
use super::names::{arn, check_rule_name};
use super::records::TopicRuleRecord;
use super::{Registry, now_ms};

type Row = (String, String, i64);

fn record((name, payload, created_ms): Row) -> Result<TopicRuleRecord> {
    Ok(TopicRuleRecord {
        arn: arn("rule", &name),
        payload: serde_json::from_str(&payload)?,
        name,
        created_ms,
    })
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn find(tx: &Transaction<'_>, name: &str) -> Result<Option<TopicRuleRecord>> {
    tx.query_row(
        "SELECT name, payload, created_ms FROM topic_rules WHERE name = ?1",
        [name],
        row,
    )
    .optional()?
    .map(record)
    .transpose()
}

fn require(tx: &Transaction<'_>, name: &str) -> Result<TopicRuleRecord> {
    check_rule_name(name)?;
    find(tx, name)?.ok_or_else(|| RegistryError::not_found("topic rule", name))
}

fn payload_text(name: &str, payload: &serde_json::Value) -> Result<String> {
    if !payload.is_object() {
        return Err(RegistryError::InvalidRequest(format!(
            "topic rule {name}: the payload must be a JSON object (a TopicRulePayload)"
        )));
    }
    Ok(serde_json::to_string(payload)?)
}

impl Registry {
    /// Creates a topic rule. Fails with `AlreadyExists` when a rule has that name.
    pub fn create_topic_rule(
        &self,
        name: &str,
        payload: &serde_json::Value,
    ) -> Result<TopicRuleRecord> {
        check_rule_name(name)?;
        let text = payload_text(name, payload)?;
        self.write(|tx| {
            if find(tx, name)?.is_some() {
                return Err(RegistryError::exists("topic rule", name));
            }
            tx.execute(
                "INSERT INTO topic_rules (name, payload, created_ms) VALUES (?1, ?2, ?3)",
                params![name, text, now_ms()],
            )?;
            require(tx, name)
        })
    }

    /// Replaces an existing topic rule's payload.
    pub fn replace_topic_rule(
        &self,
        name: &str,
        payload: &serde_json::Value,
    ) -> Result<TopicRuleRecord> {
        check_rule_name(name)?;
        let text = payload_text(name, payload)?;
        self.write(|tx| {
            require(tx, name)?;
            tx.execute(
                "UPDATE topic_rules SET payload = ?2 WHERE name = ?1",
                params![name, text],
            )?;
            require(tx, name)
        })
    }

    /// The topic rule called `name`, if there is one.
    pub fn topic_rule(&self, name: &str) -> Result<Option<TopicRuleRecord>> {
        self.read(|tx| find(tx, name))
    }

    /// Every topic rule, by name.
    pub fn topic_rules(&self) -> Result<Vec<TopicRuleRecord>> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare("SELECT name, payload, created_ms FROM topic_rules ORDER BY name")?;
            let rows = stmt
                .query_map([], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(record).collect()
        })
    }

    /// Deletes a topic rule.
    pub fn delete_topic_rule(&self, name: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, name)?;
            tx.execute("DELETE FROM topic_rules WHERE name = ?1", [name])?;
            Ok(())
        })
    }
}
