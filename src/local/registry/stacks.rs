//! Stacks: the local record of a deployed template, kept whole as JSON under its name.

use rusqlite::{OptionalExtension, Transaction, params};

use super::Registry;
use super::error::{RegistryError, Result};
use super::names::check_stack_name;
use super::records::StackRecord;

fn find(tx: &Transaction<'_>, name: &str) -> Result<Option<StackRecord>> {
    tx.query_row("SELECT record FROM stacks WHERE name = ?1", [name], |r| {
        r.get::<_, String>(0)
    })
    .optional()?
    .map(|text| Ok(serde_json::from_str(&text)?))
    .transpose()
}

impl Registry {
    /// Creates or replaces the stack called `stack.name`.
    pub fn put_stack(&self, stack: &StackRecord) -> Result<()> {
        check_stack_name(&stack.name)?;
        let text = serde_json::to_string(stack)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO stacks (name, record) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET record = excluded.record",
                params![stack.name, text],
            )?;
            Ok(())
        })
    }

    /// The stack called `name`, if there is one.
    pub fn stack(&self, name: &str) -> Result<Option<StackRecord>> {
        self.read(|tx| find(tx, name))
    }

    /// Every stack, by name.
    /// A value that changes whenever any stack's record does (a hash of the stored records),
    /// cheaper than reading them: what caches of what the stacks deploy are keyed by.
    pub fn stacks_fingerprint(&self) -> Result<u64> {
        use std::hash::{Hash, Hasher};
        self.read(|tx| {
            let mut stmt = tx.prepare_cached("SELECT name, record FROM stacks ORDER BY name")?;
            let mut rows = stmt.query([])?;
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            while let Some(row) = rows.next()? {
                row.get_ref(0)?
                    .as_str()
                    .unwrap_or_default()
                    .hash(&mut hasher);
                row.get_ref(1)?
                    .as_str()
                    .unwrap_or_default()
                    .hash(&mut hasher);
            }
            Ok(hasher.finish())
        })
    }

    pub fn stacks(&self) -> Result<Vec<StackRecord>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT record FROM stacks ORDER BY name")?;
            let texts = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            texts
                .iter()
                .map(|text| Ok(serde_json::from_str(text)?))
                .collect()
        })
    }

    /// Deletes the stack record called `name` (not the resources it lists).
    pub fn delete_stack(&self, name: &str) -> Result<()> {
        self.write(|tx| {
            if tx.execute("DELETE FROM stacks WHERE name = ?1", [name])? == 0 {
                return Err(RegistryError::not_found("stack", name));
            }
            Ok(())
        })
    }
}
