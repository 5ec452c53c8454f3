//! Thing groups, their members and UpdateThing.

use std::collections::BTreeMap;

use super::tests::{attrs, code};
use super::*;

fn open() -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
    (dir, registry)
}

#[test]
fn update_thing_merges_replaces_and_checks_the_version() {
    let (_dir, reg) = open();
    reg.create_thing("s1", &attrs(&[("zone", "north"), ("depth", "10")]))
        .unwrap();
    let merged = reg
        .update_thing(
            "s1",
            &attrs(&[("depth", "20"), ("crop", "wheat")]),
            true,
            Some(1),
        )
        .unwrap();
    assert_eq!(merged.version, 2);
    assert_eq!(
        merged.attributes,
        attrs(&[("zone", "north"), ("depth", "20"), ("crop", "wheat")])
    );
    // An empty value removes its attribute.
    let removed = reg
        .update_thing("s1", &attrs(&[("zone", "")]), true, None)
        .unwrap();
    assert_eq!(removed.version, 3);
    assert_eq!(
        removed.attributes,
        attrs(&[("depth", "20"), ("crop", "wheat")])
    );
    // Without merge the attributes are replaced.
    let replaced = reg
        .update_thing("s1", &attrs(&[("site", "b"), ("gone", "")]), false, Some(3))
        .unwrap();
    assert_eq!(replaced.attributes, attrs(&[("site", "b")]));
    assert_eq!(replaced.version, 4);
    // A stale version changes nothing.
    let err = reg
        .update_thing("s1", &attrs(&[("site", "c")]), true, Some(2))
        .unwrap_err();
    assert_eq!(err.code(), "VersionConflictException");
    assert_eq!(err.to_string(), "thing s1 is at version 4, not 2");
    assert_eq!(reg.thing("s1").unwrap().unwrap(), replaced);
    assert_eq!(
        code(reg.update_thing("nope", &BTreeMap::new(), true, None)),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.update_thing("s1", &attrs(&[("bad name", "x")]), true, None)),
        "InvalidRequestException"
    );
}

#[test]
fn thing_groups_are_made_once_updated_and_deleted() {
    let (_dir, reg) = open();
    let made = reg
        .create_thing_group("north", Some("North field"), &attrs(&[("crop", "wheat")]))
        .unwrap();
    assert_eq!(made.arn, "arn:aws:iot:local:000000000000:thinggroup/north");
    assert_eq!(made.version, 1);
    assert_eq!(made.id.len(), 36);
    // The same properties: the group as it is; others: it exists already.
    assert_eq!(
        reg.create_thing_group("north", Some("North field"), &attrs(&[("crop", "wheat")]))
            .unwrap(),
        made
    );
    assert_eq!(
        code(reg.create_thing_group("north", None, &attrs(&[("crop", "wheat")]))),
        "ResourceAlreadyExistsException"
    );
    assert_eq!(
        code(reg.create_thing_group("bad/name", None, &BTreeMap::new())),
        "InvalidRequestException"
    );
    assert_eq!(
        code(reg.create_thing_group("g", Some("a\tb"), &BTreeMap::new())),
        "InvalidRequestException"
    );
    reg.create_thing_group("east", None, &BTreeMap::new())
        .unwrap();
    let names: Vec<String> = reg
        .thing_groups()
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["east", "north"]);

    let updated = reg
        .update_thing_group(
            "north",
            None,
            &attrs(&[("crop", ""), ("soil", "clay")]),
            true,
            Some(1),
        )
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.description.as_deref(), Some("North field"));
    assert_eq!(updated.attributes, attrs(&[("soil", "clay")]));
    let cleared = reg
        .update_thing_group("north", Some(""), &BTreeMap::new(), false, None)
        .unwrap();
    assert_eq!(cleared.description, None);
    assert!(cleared.attributes.is_empty());
    assert_eq!(
        code(reg.update_thing_group("north", None, &BTreeMap::new(), true, Some(1))),
        "VersionConflictException"
    );
    assert_eq!(
        code(reg.update_thing_group("west", None, &BTreeMap::new(), true, None)),
        "ResourceNotFoundException"
    );

    assert_eq!(
        code(reg.delete_thing_group("north", Some(1))),
        "VersionConflictException"
    );
    reg.delete_thing_group("north", Some(3)).unwrap();
    assert!(reg.thing_group("north").unwrap().is_none());
    // AWS: deleting a group that does not exist succeeds.
    reg.delete_thing_group("north", None).unwrap();
}

#[test]
fn memberships_go_with_their_thing_or_their_group() {
    let (_dir, reg) = open();
    for thing in ["s1", "s2", "s3"] {
        reg.create_thing(thing, &BTreeMap::new()).unwrap();
    }
    for group in ["north", "wheat"] {
        reg.create_thing_group(group, None, &BTreeMap::new())
            .unwrap();
    }
    assert!(reg.add_thing_to_group("north", "s2").unwrap());
    assert!(reg.add_thing_to_group("north", "s1").unwrap());
    assert!(!reg.add_thing_to_group("north", "s1").unwrap());
    assert!(reg.add_thing_to_group("wheat", "s1").unwrap());
    assert!(reg.add_thing_to_group("wheat", "s3").unwrap());
    assert_eq!(reg.things_in_group("north").unwrap(), ["s1", "s2"]);
    assert_eq!(reg.groups_of_thing("s1").unwrap(), ["north", "wheat"]);
    assert_eq!(
        code(reg.add_thing_to_group("north", "nope")),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.add_thing_to_group("nope", "s1")),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.things_in_group("nope")),
        "ResourceNotFoundException"
    );
    assert_eq!(
        code(reg.groups_of_thing("nope")),
        "ResourceNotFoundException"
    );

    assert!(reg.remove_thing_from_group("north", "s2").unwrap());
    assert!(!reg.remove_thing_from_group("north", "s2").unwrap());
    assert_eq!(reg.things_in_group("north").unwrap(), ["s1"]);

    // Deleting a thing takes it out of its groups.
    reg.delete_thing("s1").unwrap();
    assert_eq!(reg.things_in_group("north").unwrap(), Vec::<String>::new());
    assert_eq!(reg.things_in_group("wheat").unwrap(), ["s3"]);
    // A group with things in it can be deleted; its things stay.
    reg.delete_thing_group("wheat", None).unwrap();
    assert_eq!(reg.groups_of_thing("s3").unwrap(), Vec::<String>::new());
    assert!(reg.thing("s3").unwrap().is_some());
    // Made again, the group is empty.
    reg.create_thing_group("wheat", None, &BTreeMap::new())
        .unwrap();
    assert_eq!(reg.things_in_group("wheat").unwrap(), Vec::<String>::new());
}

#[test]
fn a_thing_belongs_to_at_most_ten_groups() {
    let (_dir, reg) = open();
    reg.create_thing("s1", &BTreeMap::new()).unwrap();
    for i in 0..=MAX_GROUPS_PER_THING {
        let group = format!("g{i:02}");
        reg.create_thing_group(&group, None, &BTreeMap::new())
            .unwrap();
        let added = reg.add_thing_to_group(&group, "s1");
        if i < MAX_GROUPS_PER_THING {
            assert!(added.unwrap());
        } else {
            assert_eq!(added.unwrap_err().code(), "InvalidRequestException");
        }
    }
    assert_eq!(
        reg.groups_of_thing("s1").unwrap().len(),
        MAX_GROUPS_PER_THING
    );
}

#[test]
fn an_older_registry_gains_thing_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    schema::first_schema_registry_for_tests(&path, 3);
    let reg = Registry::open(&path).unwrap();
    reg.create_thing("s1", &BTreeMap::new()).unwrap();
    reg.create_thing_group("north", None, &BTreeMap::new())
        .unwrap();
    assert!(reg.add_thing_to_group("north", "s1").unwrap());
    assert_eq!(reg.things_in_group("north").unwrap(), ["s1"]);
}
