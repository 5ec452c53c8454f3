//! Static thing groups and their members (CreateThingGroup, DescribeThingGroup,
//! UpdateThingGroup, DeleteThingGroup, ListThingGroups, AddThingToThingGroup,
//! RemoveThingFromThingGroup, ListThingsInThingGroup, ListThingGroupsForThing). Groups are
//! flat: no parent, no children, no dynamic groups.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::{RegistryError, Result};
use super::names::{
    arn, check_attributes_of, check_group_description, check_thing_group_name, check_thing_name,
};
use super::records::ThingGroupRecord;
use super::things::apply_attributes;
use super::{Registry, now_ms};

/// The most groups a thing belongs to (AWS IoT's limit).
pub const MAX_GROUPS_PER_THING: usize = 10;

type Row = (String, String, Option<String>, String, i64, i64);

const COLUMNS: &str = "name, id, description, attributes, version, created_ms";

fn record(
    (name, id, description, attributes, version, created_ms): Row,
) -> Result<ThingGroupRecord> {
    Ok(ThingGroupRecord {
        arn: arn("thinggroup", &name),
        attributes: serde_json::from_str(&attributes)?,
        name,
        id,
        description,
        version,
        created_ms,
    })
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn find(tx: &Transaction<'_>, name: &str) -> Result<Option<ThingGroupRecord>> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM thing_groups WHERE name = ?1"),
        [name],
        row,
    )
    .optional()?
    .map(record)
    .transpose()
}

fn require(tx: &Transaction<'_>, name: &str) -> Result<ThingGroupRecord> {
    check_thing_group_name(name)?;
    find(tx, name)?.ok_or_else(|| RegistryError::not_found("thing group", name))
}

fn require_thing(tx: &Transaction<'_>, name: &str) -> Result<()> {
    check_thing_name(name)?;
    let found: Option<i64> = tx
        .query_row("SELECT 1 FROM things WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| RegistryError::not_found("thing", name))
}

fn check_version(group: &ThingGroupRecord, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(expected) if expected != group.version => Err(RegistryError::version_conflict(
            "thing group",
            &group.name,
            group.version,
            expected,
        )),
        _ => Ok(()),
    }
}

fn names(tx: &Transaction<'_>, sql: &str, key: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(sql)?;
    let names = stmt
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

impl Registry {
    /// Creates a static thing group. As AWS IoT, creating a group that exists with the same
    /// description and attributes returns it unchanged; with others it fails with
    /// `AlreadyExists`.
    pub fn create_thing_group(
        &self,
        name: &str,
        description: Option<&str>,
        attributes: &BTreeMap<String, String>,
    ) -> Result<ThingGroupRecord> {
        check_thing_group_name(name)?;
        if let Some(description) = description {
            check_group_description(description)?;
        }
        check_attributes_of("thing group", attributes)?;
        self.write(|tx| {
            if let Some(existing) = find(tx, name)? {
                if existing.description.as_deref() == description
                    && &existing.attributes == attributes
                {
                    return Ok(existing);
                }
                return Err(RegistryError::exists("thing group", name));
            }
            tx.execute(
                "INSERT INTO thing_groups (name, id, description, attributes, version, created_ms)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![
                    name,
                    crate::iotsql::new_uuid(),
                    description,
                    serde_json::to_string(attributes)?,
                    now_ms()
                ],
            )?;
            require(tx, name)
        })
    }

    /// The thing group called `name`, if there is one.
    pub fn thing_group(&self, name: &str) -> Result<Option<ThingGroupRecord>> {
        self.read(|tx| find(tx, name))
    }

    /// Every thing group, by name.
    pub fn thing_groups(&self) -> Result<Vec<ThingGroupRecord>> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare(&format!("SELECT {COLUMNS} FROM thing_groups ORDER BY name"))?;
            let rows = stmt
                .query_map([], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(record).collect()
        })
    }

    /// UpdateThingGroup: a new description (`None` keeps the old one, `Some("")` clears it)
    /// and attributes merged into the group's or replacing them; the version goes up by one.
    /// A stale `expected_version` is a `VersionConflict`.
    pub fn update_thing_group(
        &self,
        name: &str,
        description: Option<&str>,
        attributes: &BTreeMap<String, String>,
        merge: bool,
        expected_version: Option<i64>,
    ) -> Result<ThingGroupRecord> {
        if let Some(description) = description {
            check_group_description(description)?;
        }
        check_attributes_of("thing group", attributes)?;
        self.write(|tx| {
            let group = require(tx, name)?;
            check_version(&group, expected_version)?;
            let next = apply_attributes(&group.attributes, attributes, merge);
            check_attributes_of("thing group", &next)?;
            let description = match description {
                None => group.description.clone(),
                Some("") => None,
                Some(d) => Some(d.to_owned()),
            };
            tx.execute(
                "UPDATE thing_groups SET description = ?2, attributes = ?3, version = version + 1
                 WHERE name = ?1",
                params![name, description, serde_json::to_string(&next)?],
            )?;
            require(tx, name)
        })
    }

    /// Deletes a thing group and its memberships (its things stay). As AWS IoT, deleting a
    /// group that does not exist succeeds; a stale `expected_version` is a `VersionConflict`.
    pub fn delete_thing_group(&self, name: &str, expected_version: Option<i64>) -> Result<()> {
        check_thing_group_name(name)?;
        self.write(|tx| {
            let Some(group) = find(tx, name)? else {
                return Ok(());
            };
            check_version(&group, expected_version)?;
            tx.execute(
                "DELETE FROM thing_group_members WHERE thing_group = ?1",
                [name],
            )?;
            tx.execute("DELETE FROM thing_groups WHERE name = ?1", [name])?;
            Ok(())
        })
    }

    /// Adds a thing to a group; whether it was not in it already. A thing belongs to at most
    /// [`MAX_GROUPS_PER_THING`] groups.
    pub fn add_thing_to_group(&self, group: &str, thing: &str) -> Result<bool> {
        self.write(|tx| {
            require(tx, group)?;
            require_thing(tx, thing)?;
            let groups = names(
                tx,
                "SELECT thing_group FROM thing_group_members WHERE thing = ?1",
                thing,
            )?;
            if groups.iter().any(|g| g == group) {
                return Ok(false);
            }
            if groups.len() >= MAX_GROUPS_PER_THING {
                return Err(RegistryError::InvalidRequest(format!(
                    "thing {thing} already belongs to {MAX_GROUPS_PER_THING} thing groups, the most AWS IoT allows"
                )));
            }
            tx.execute(
                "INSERT INTO thing_group_members (thing_group, thing) VALUES (?1, ?2)",
                params![group, thing],
            )?;
            Ok(true)
        })
    }

    /// Removes a thing from a group; whether it was in it.
    pub fn remove_thing_from_group(&self, group: &str, thing: &str) -> Result<bool> {
        self.write(|tx| {
            require(tx, group)?;
            require_thing(tx, thing)?;
            let removed = tx.execute(
                "DELETE FROM thing_group_members WHERE thing_group = ?1 AND thing = ?2",
                params![group, thing],
            )?;
            Ok(removed > 0)
        })
    }

    /// The names of a group's things, by name.
    pub fn things_in_group(&self, group: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            require(tx, group)?;
            names(
                tx,
                "SELECT thing FROM thing_group_members WHERE thing_group = ?1 ORDER BY thing",
                group,
            )
        })
    }

    /// The names of the groups a thing belongs to, by name.
    pub fn groups_of_thing(&self, thing: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            require_thing(tx, thing)?;
            names(
                tx,
                "SELECT thing_group FROM thing_group_members WHERE thing = ?1 ORDER BY thing_group",
                thing,
            )
        })
    }
}
