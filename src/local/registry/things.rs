//! Things and the principals attached to them (CreateThing, DescribeThing, ListThings,
//! UpdateThing, DeleteThing, AttachThingPrincipal, DetachThingPrincipal, ListThingPrincipals,
//! ListPrincipalThings).

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};

use super::certificates::require_certificate;
use super::error::{RegistryError, Result};
use super::names::{arn, certificate_arn, check_attributes, check_thing_name};
use super::records::ThingRecord;
use super::{Registry, now_ms};

type Row = (String, String, i64, i64);

fn record((name, attributes, version, created_ms): Row) -> Result<ThingRecord> {
    Ok(ThingRecord {
        arn: arn("thing", &name),
        attributes: serde_json::from_str(&attributes)?,
        name,
        version,
        created_ms,
    })
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn find(tx: &Transaction<'_>, name: &str) -> Result<Option<ThingRecord>> {
    tx.query_row(
        "SELECT name, attributes, version, created_ms FROM things WHERE name = ?1",
        [name],
        row,
    )
    .optional()?
    .map(record)
    .transpose()
}

fn require(tx: &Transaction<'_>, name: &str) -> Result<ThingRecord> {
    check_thing_name(name)?;
    find(tx, name)?.ok_or_else(|| RegistryError::not_found("thing", name))
}

pub(super) fn all(tx: &Transaction<'_>) -> Result<Vec<ThingRecord>> {
    let mut stmt =
        tx.prepare("SELECT name, attributes, version, created_ms FROM things ORDER BY name")?;
    let rows = stmt
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(record).collect()
}

fn principals(tx: &Transaction<'_>, thing: &str) -> Result<Vec<String>> {
    let mut stmt =
        tx.prepare("SELECT certificate_id FROM thing_principals WHERE thing = ?1 ORDER BY rowid")?;
    let ids = stmt
        .query_map([thing], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids.iter().map(|id| certificate_arn(id)).collect())
}

/// `current` with `update` applied: merged (an empty value removes its attribute) or replacing
/// it (empty values are left out).
pub(super) fn apply_attributes(
    current: &BTreeMap<String, String>,
    update: &BTreeMap<String, String>,
    merge: bool,
) -> BTreeMap<String, String> {
    let mut next = if merge {
        current.clone()
    } else {
        BTreeMap::new()
    };
    for (name, value) in update {
        if value.is_empty() {
            next.remove(name);
        } else {
            next.insert(name.clone(), value.clone());
        }
    }
    next
}

impl Registry {
    /// Creates a thing. As AWS IoT, creating a thing that exists with the same attributes
    /// returns it unchanged; with other attributes it fails with `AlreadyExists`.
    pub fn create_thing(
        &self,
        name: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<ThingRecord> {
        check_thing_name(name)?;
        check_attributes(attributes)?;
        self.write(|tx| {
            if let Some(existing) = find(tx, name)? {
                if &existing.attributes == attributes {
                    return Ok(existing);
                }
                return Err(RegistryError::exists("thing", name));
            }
            tx.execute(
                "INSERT INTO things (name, attributes, version, created_ms) VALUES (?1, ?2, 1, ?3)",
                params![name, serde_json::to_string(attributes)?, now_ms()],
            )?;
            require(tx, name)
        })
    }

    /// UpdateThing: `attributes` merged into the thing's (an empty value removes its
    /// attribute) or, without `merge`, replacing them; the version goes up by one. A stale
    /// `expected_version` is a `VersionConflict`.
    pub fn update_thing(
        &self,
        name: &str,
        attributes: &BTreeMap<String, String>,
        merge: bool,
        expected_version: Option<i64>,
    ) -> Result<ThingRecord> {
        check_attributes(attributes)?;
        self.write(|tx| {
            let thing = require(tx, name)?;
            if let Some(expected) = expected_version
                && expected != thing.version
            {
                return Err(RegistryError::version_conflict(
                    "thing",
                    name,
                    thing.version,
                    expected,
                ));
            }
            let next = apply_attributes(&thing.attributes, attributes, merge);
            check_attributes(&next)?;
            tx.execute(
                "UPDATE things SET attributes = ?2, version = version + 1 WHERE name = ?1",
                params![name, serde_json::to_string(&next)?],
            )?;
            require(tx, name)
        })
    }

    /// Replaces a thing's attributes and bumps its version.
    pub fn update_thing_attributes(
        &self,
        name: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<ThingRecord> {
        check_attributes(attributes)?;
        self.write(|tx| {
            require(tx, name)?;
            tx.execute(
                "UPDATE things SET attributes = ?2, version = version + 1 WHERE name = ?1",
                params![name, serde_json::to_string(attributes)?],
            )?;
            require(tx, name)
        })
    }

    /// The thing called `name`, if there is one.
    pub fn thing(&self, name: &str) -> Result<Option<ThingRecord>> {
        self.read(|tx| find(tx, name))
    }

    /// Every thing, by name.
    pub fn things(&self) -> Result<Vec<ThingRecord>> {
        self.read(all)
    }

    /// Deletes a thing and its group memberships. As AWS IoT, deleting a thing that does not
    /// exist succeeds, and a thing with principals attached is refused until they are detached.
    pub fn delete_thing(&self, name: &str) -> Result<()> {
        check_thing_name(name)?;
        self.write(|tx| {
            if find(tx, name)?.is_none() {
                return Ok(());
            }
            let attached = principals(tx, name)?;
            if !attached.is_empty() {
                return Err(RegistryError::DeleteConflict(format!(
                    "thing {name} still has principals attached ({}): detach them first",
                    attached.join(", ")
                )));
            }
            tx.execute("DELETE FROM thing_group_members WHERE thing = ?1", [name])?;
            tx.execute("DELETE FROM things WHERE name = ?1", [name])?;
            Ok(())
        })
    }

    /// Attaches a certificate (by ARN) to a thing; attaching twice is not an error.
    pub fn attach_thing_principal(&self, thing: &str, principal_arn: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, thing)?;
            let id = require_certificate(tx, principal_arn)?;
            tx.execute(
                "INSERT OR IGNORE INTO thing_principals (thing, certificate_id) VALUES (?1, ?2)",
                params![thing, id],
            )?;
            Ok(())
        })
    }

    /// Detaches a certificate (by ARN) from a thing; detaching what is not attached is not
    /// an error.
    pub fn detach_thing_principal(&self, thing: &str, principal_arn: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, thing)?;
            let id = super::certificates::certificate_id_in(principal_arn)?;
            tx.execute(
                "DELETE FROM thing_principals WHERE thing = ?1 AND certificate_id = ?2",
                params![thing, id],
            )?;
            Ok(())
        })
    }

    /// The ARNs of the principals attached to a thing, in attachment order.
    pub fn thing_principals(&self, thing: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            require(tx, thing)?;
            principals(tx, thing)
        })
    }

    /// The names of the things a certificate (by ARN) is attached to, in attachment order.
    pub fn principal_things(&self, principal_arn: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            let id = require_certificate(tx, principal_arn)?;
            let mut stmt = tx.prepare(
                "SELECT thing FROM thing_principals WHERE certificate_id = ?1 ORDER BY rowid",
            )?;
            let names = stmt
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(names)
        })
    }
}
