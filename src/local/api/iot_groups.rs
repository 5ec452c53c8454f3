//! AWS IoT's static thing groups (CreateThingGroup, DescribeThingGroup, UpdateThingGroup,
//! DeleteThingGroup, ListThingGroups, AddThingToThingGroup, RemoveThingFromThingGroup,
//! ListThingsInThingGroup, ListThingGroupsForThing) over the registry. Groups are flat: a
//! parent group is refused, `recursive` changes nothing, and no group is dynamic. Tags are
//! taken and not kept. A thing joining or leaving a group is passed on to the CONTINUOUS jobs
//! that target it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::iot::{Answer, Failure, attributes_of, merge_of};
use super::iot_security::{empty, epoch_seconds};
use super::reply::Reply;
use super::{Request, iot_jobs, paging};
use crate::local::control::Local;
use crate::local::registry::{
    RegistryError, ThingGroupRecord, arn, thing_group_of_arn, thing_of_arn,
};

/// The listings' page size when the request gives none, and the largest (AWS's).
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 250;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(local: &Local, req: &Request, segments: &[&str]) -> Option<Answer> {
    Some(match (req.method.as_str(), segments) {
        ("GET", ["thing-groups"]) => list_groups(local, req),
        ("PUT", ["thing-groups", "addThingToThingGroup"]) => add_thing(local, req),
        ("PUT", ["thing-groups", "removeThingFromThingGroup"]) => remove_thing(local, req),
        ("POST", ["thing-groups", name]) => create_group(local, name, req),
        ("GET", ["thing-groups", name]) => describe_group(local, name),
        ("PATCH", ["thing-groups", name]) => update_group(local, name, req),
        ("DELETE", ["thing-groups", name]) => delete_group(local, name, req),
        ("GET", ["thing-groups", name, "things"]) => things_in_group(local, name, req),
        ("GET", ["things", thing, "thing-groups"]) => groups_of_thing(local, thing, req),
        _ => return None,
    })
}

/// `expectedVersion` from the query (DeleteThingGroup) or the body (the updates).
pub(super) fn expected_version(
    req: &Request,
    body: &Map<String, Value>,
) -> Result<Option<i64>, Failure> {
    if let Some(text) = req.query("expectedVersion") {
        return text.parse().map(Some).map_err(|_| {
            Failure::Invalid(format!(
                "expectedVersion must be a whole number, not {text:?}"
            ))
        });
    }
    match body.get("expectedVersion") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            Failure::Invalid(format!("expectedVersion must be a whole number, not {v}"))
        }),
    }
}

/// `thingGroupProperties` as the registry takes them.
#[derive(Default)]
struct Properties {
    /// Absent: `None`.
    description: Option<String>,
    attributes: BTreeMap<String, String>,
    /// Whether the attributes are merged into the group's or replace them.
    merge: bool,
}

fn properties_of(body: &Map<String, Value>) -> Result<Properties, Failure> {
    let properties = match body.get("thingGroupProperties") {
        None | Some(Value::Null) => return Ok(Properties::default()),
        Some(Value::Object(p)) => p,
        Some(_) => {
            return Err(Failure::Invalid(
                "thingGroupProperties must be an object".to_owned(),
            ));
        }
    };
    let description = match properties.get("thingGroupDescription") {
        None | Some(Value::Null) => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(_) => {
            return Err(Failure::Invalid(
                "thingGroupDescription must be a string".to_owned(),
            ));
        }
    };
    Ok(Properties {
        description,
        attributes: attributes_of(properties)?,
        merge: merge_of(properties),
    })
}

fn group_summary(name: &str) -> Value {
    json!({ "groupName": name, "groupArn": arn("thinggroup", name) })
}

fn create_group(local: &Local, name: &str, req: &Request) -> Answer {
    let body = req.json_object()?;
    if body.get("parentGroupName").is_some_and(|p| !p.is_null()) {
        return Err(Failure::Invalid(
            "nested thing groups are not supported locally: create the group without parentGroupName"
                .to_owned(),
        ));
    }
    let properties = properties_of(&body)?;
    let group = local.registry.create_thing_group(
        name,
        properties.description.as_deref(),
        &properties.attributes,
    )?;
    Ok(Reply::json(&json!({
        "thingGroupName": group.name,
        "thingGroupArn": group.arn,
        "thingGroupId": group.id,
    })))
}

fn require(local: &Local, name: &str) -> Result<ThingGroupRecord, Failure> {
    Ok(local
        .registry
        .thing_group(name)?
        .ok_or_else(|| RegistryError::not_found("thing group", name))?)
}

fn describe_group(local: &Local, name: &str) -> Answer {
    let group = require(local, name)?;
    let mut properties = json!({ "attributePayload": { "attributes": group.attributes } });
    if let Some(d) = &group.description {
        properties["thingGroupDescription"] = json!(d);
    }
    Ok(Reply::json(&json!({
        "thingGroupName": group.name,
        "thingGroupId": group.id,
        "thingGroupArn": group.arn,
        "version": group.version,
        "thingGroupProperties": properties,
        "thingGroupMetadata": {
            "creationDate": epoch_seconds(group.created_ms),
            "rootToParentThingGroups": [],
        },
    })))
}

fn update_group(local: &Local, name: &str, req: &Request) -> Answer {
    let body = req.json_object()?;
    if !body
        .get("thingGroupProperties")
        .is_some_and(Value::is_object)
    {
        return Err(Failure::Invalid(
            "UpdateThingGroup needs thingGroupProperties".to_owned(),
        ));
    }
    let properties = properties_of(&body)?;
    let group = local.registry.update_thing_group(
        name,
        properties.description.as_deref(),
        &properties.attributes,
        properties.merge,
        expected_version(req, &body)?,
    )?;
    Ok(Reply::json(&json!({ "version": group.version })))
}

fn delete_group(local: &Local, name: &str, req: &Request) -> Answer {
    let expected = expected_version(req, &Map::new())?;
    local.registry.delete_thing_group(name, expected)?;
    Ok(empty())
}

fn list_groups(local: &Local, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let prefix = req.query("namePrefixFilter").unwrap_or_default();
    // No group has a parent locally: asking for a parent's children lists none.
    let children = req.query("parentGroup").is_some_and(|p| !p.is_empty());
    let names: Vec<String> = local
        .registry
        .thing_groups()?
        .into_iter()
        .filter(|g| !children && g.name.starts_with(prefix))
        .map(|g| g.name)
        .collect();
    let (listed, next) = paging::page(names, Clone::clone, after.as_deref(), size);
    page_reply(
        "thingGroups",
        listed.iter().map(|g| group_summary(g)).collect(),
        next,
    )
}

fn page_reply(field: &str, listed: Vec<Value>, next: Option<String>) -> Answer {
    let mut body = json!({ field: listed });
    if let Some(next) = next {
        body["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

/// The group and the thing a membership request names, by name or by ARN.
fn membership_of(req: &Request) -> Result<(String, String), Failure> {
    let body = req.json_object()?;
    let field = |name: &str| body.get(name).and_then(Value::as_str);
    let group = match (field("thingGroupName"), field("thingGroupArn")) {
        (Some(name), _) => name.to_owned(),
        (None, Some(arn)) => thing_group_of_arn(arn)
            .ok_or_else(|| {
                Failure::Invalid(format!("{arn} is not a thing group ARN of this backend"))
            })?
            .to_owned(),
        (None, None) => {
            return Err(Failure::Invalid(
                "give thingGroupName or thingGroupArn".to_owned(),
            ));
        }
    };
    let thing = match (field("thingName"), field("thingArn")) {
        (Some(name), _) => name.to_owned(),
        (None, Some(arn)) => thing_of_arn(arn)
            .ok_or_else(|| Failure::Invalid(format!("{arn} is not a thing ARN of this backend")))?
            .to_owned(),
        (None, None) => {
            return Err(Failure::Invalid("give thingName or thingArn".to_owned()));
        }
    };
    Ok((group, thing))
}

fn add_thing(local: &Local, req: &Request) -> Answer {
    let (group, thing) = membership_of(req)?;
    if local.registry.add_thing_to_group(&group, &thing)? {
        iot_jobs::thing_joined(local, &group, &thing)?;
    }
    Ok(empty())
}

fn remove_thing(local: &Local, req: &Request) -> Answer {
    let (group, thing) = membership_of(req)?;
    if local.registry.remove_thing_from_group(&group, &thing)? {
        let groups = local.registry.groups_of_thing(&thing)?;
        iot_jobs::thing_left(local, &group, &thing, &groups)?;
    }
    Ok(empty())
}

fn things_in_group(local: &Local, name: &str, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let things = local.registry.things_in_group(name)?;
    let (listed, next) = paging::page(things, Clone::clone, after.as_deref(), size);
    page_reply(
        "things",
        listed.into_iter().map(Value::String).collect(),
        next,
    )
}

fn groups_of_thing(local: &Local, thing: &str, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let groups = local.registry.groups_of_thing(thing)?;
    let (listed, next) = paging::page(groups, Clone::clone, after.as_deref(), size);
    page_reply(
        "thingGroups",
        listed.iter().map(|g| group_summary(g)).collect(),
        next,
    )
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use serde_json::json;

    #[test]
    fn groups_are_made_described_updated_listed_in_pages_and_deleted() {
        let (_dir, local) = local();
        let props = json!({"thingGroupProperties": {
            "thingGroupDescription": "North field",
            "attributePayload": {"attributes": {"crop": "wheat"}},
        }})
        .to_string();
        let made = handle(&local, &request("POST", "/thing-groups/north", &[], &props));
        assert_eq!(made.status, 200, "{made:?}");
        let made = body(&made);
        assert_eq!(
            made["thingGroupArn"],
            "arn:aws:iot:local:000000000000:thinggroup/north"
        );
        // The same request again answers the same group.
        let again = body(&handle(
            &local,
            &request("POST", "/thing-groups/north", &[], &props),
        ));
        assert_eq!(again["thingGroupId"], made["thingGroupId"]);
        let other = handle(&local, &request("POST", "/thing-groups/north", &[], ""));
        assert_eq!(
            (other.status, error_type(&other)),
            (409, Some("ResourceAlreadyExistsException"))
        );

        let described = body(&handle(
            &local,
            &request("GET", "/thing-groups/north", &[], ""),
        ));
        assert_eq!(described["thingGroupId"], made["thingGroupId"]);
        assert_eq!(described["version"], 1);
        assert_eq!(
            described["thingGroupProperties"],
            json!({
                "thingGroupDescription": "North field",
                "attributePayload": {"attributes": {"crop": "wheat"}},
            })
        );
        assert!(described["thingGroupMetadata"]["creationDate"].is_f64());
        assert_eq!(
            described["thingGroupMetadata"]["rootToParentThingGroups"],
            json!([])
        );
        assert!(described.get("status").is_none(), "a static group");

        let update = json!({
            "thingGroupProperties": {"attributePayload": {"attributes": {"soil": "clay"}, "merge": true}},
            "expectedVersion": 1,
        })
        .to_string();
        let updated = body(&handle(
            &local,
            &request("PATCH", "/thing-groups/north", &[], &update),
        ));
        assert_eq!(updated, json!({"version": 2}));
        let stale = handle(
            &local,
            &request("PATCH", "/thing-groups/north", &[], &update),
        );
        assert_eq!(
            (stale.status, error_type(&stale)),
            (409, Some("VersionConflictException"))
        );
        let described = body(&handle(
            &local,
            &request("GET", "/thing-groups/north", &[], ""),
        ));
        assert_eq!(
            described["thingGroupProperties"]["attributePayload"]["attributes"],
            json!({"crop": "wheat", "soil": "clay"})
        );

        for name in ["east", "north-2", "west"] {
            handle(
                &local,
                &request("POST", &format!("/thing-groups/{name}"), &[], ""),
            );
        }
        let first = body(&handle(
            &local,
            &request("GET", "/thing-groups", &[("maxResults", "3")], ""),
        ));
        assert_eq!(
            first["thingGroups"][0],
            json!({"groupName": "east", "groupArn": "arn:aws:iot:local:000000000000:thinggroup/east"})
        );
        let token = first["nextToken"].as_str().unwrap();
        let rest = body(&handle(
            &local,
            &request(
                "GET",
                "/thing-groups",
                &[("maxResults", "3"), ("nextToken", token)],
                "",
            ),
        ));
        assert_eq!(rest["thingGroups"][0]["groupName"], "west");
        assert!(rest.get("nextToken").is_none());
        let north = body(&handle(
            &local,
            &request("GET", "/thing-groups", &[("namePrefixFilter", "north")], ""),
        ));
        assert_eq!(north["thingGroups"].as_array().unwrap().len(), 2);

        let stale = handle(
            &local,
            &request(
                "DELETE",
                "/thing-groups/north",
                &[("expectedVersion", "1")],
                "",
            ),
        );
        assert_eq!(error_type(&stale), Some("VersionConflictException"));
        let deleted = handle(&local, &request("DELETE", "/thing-groups/north", &[], ""));
        assert_eq!(deleted.status, 200);
        let missing = handle(&local, &request("GET", "/thing-groups/north", &[], ""));
        assert_eq!(
            (missing.status, error_type(&missing)),
            (404, Some("ResourceNotFoundException"))
        );
        // As on AWS, deleting a group that is not there succeeds.
        let deleted = handle(&local, &request("DELETE", "/thing-groups/north", &[], ""));
        assert_eq!(deleted.status, 200);
    }

    #[test]
    fn things_join_and_leave_groups_by_name_or_arn() {
        let (_dir, local) = local();
        for thing in ["s1", "s2"] {
            handle(
                &local,
                &request("POST", &format!("/things/{thing}"), &[], ""),
            );
        }
        handle(&local, &request("POST", "/thing-groups/north", &[], ""));
        let by_name = json!({"thingGroupName": "north", "thingName": "s2"}).to_string();
        let add = |b: &str| {
            handle(
                &local,
                &request("PUT", "/thing-groups/addThingToThingGroup", &[], b),
            )
        };
        assert_eq!(add(&by_name).status, 200);
        let by_arn = json!({
            "thingGroupArn": "arn:aws:iot:local:000000000000:thinggroup/north",
            "thingArn": "arn:aws:iot:local:000000000000:thing/s1",
            "overrideDynamicGroups": false,
        })
        .to_string();
        assert_eq!(add(&by_arn).status, 200);
        let things = body(&handle(
            &local,
            &request(
                "GET",
                "/thing-groups/north/things",
                &[("recursive", "true")],
                "",
            ),
        ));
        assert_eq!(things["things"], json!(["s1", "s2"]));
        let page = body(&handle(
            &local,
            &request(
                "GET",
                "/thing-groups/north/things",
                &[("maxResults", "1")],
                "",
            ),
        ));
        assert_eq!(page["things"], json!(["s1"]));
        assert!(page["nextToken"].is_string());
        let groups = body(&handle(
            &local,
            &request("GET", "/things/s1/thing-groups", &[], ""),
        ));
        assert_eq!(
            groups["thingGroups"],
            json!([{"groupName": "north", "groupArn": "arn:aws:iot:local:000000000000:thinggroup/north"}])
        );

        let removed = handle(
            &local,
            &request(
                "PUT",
                "/thing-groups/removeThingFromThingGroup",
                &[],
                &by_name,
            ),
        );
        assert_eq!(removed.status, 200);
        let things = body(&handle(
            &local,
            &request("GET", "/thing-groups/north/things", &[], ""),
        ));
        assert_eq!(things["things"], json!(["s1"]));

        let cases = [
            (
                json!({"thingGroupName": "south", "thingName": "s1"}),
                404,
                "ResourceNotFoundException",
            ),
            (
                json!({"thingGroupName": "north", "thingName": "s9"}),
                404,
                "ResourceNotFoundException",
            ),
            (json!({"thingName": "s1"}), 400, "InvalidRequestException"),
            (
                json!({"thingGroupArn": "arn:aws:iot:us-east-1:1:thinggroup/north", "thingName": "s1"}),
                400,
                "InvalidRequestException",
            ),
        ];
        for (request_body, status, code) in cases {
            let reply = add(&request_body.to_string());
            assert_eq!(
                (reply.status, error_type(&reply)),
                (status, Some(code)),
                "{request_body}"
            );
        }
        let nested = handle(
            &local,
            &request(
                "POST",
                "/thing-groups/child",
                &[],
                r#"{"parentGroupName":"north"}"#,
            ),
        );
        assert_eq!(error_type(&nested), Some("InvalidRequestException"));
        assert!(String::from_utf8_lossy(&nested.body).contains("nested thing groups"));
        let none = handle(&local, &request("GET", "/things/s9/thing-groups", &[], ""));
        assert_eq!(error_type(&none), Some("ResourceNotFoundException"));
        let bad = handle(
            &local,
            &request("POST", "/thing-groups/bad%20name", &[], ""),
        );
        assert_eq!(error_type(&bad), Some("InvalidRequestException"));
    }
}
