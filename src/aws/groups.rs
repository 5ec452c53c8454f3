//! Thin functions over AWS IoT's thing groups (static groups: owners, sites).

use std::collections::BTreeMap;

use aws_sdk_iot::Client;
use aws_sdk_iot::types::{AttributePayload, ThingGroupProperties};

use super::ApiError;

/// A thing group as DescribeThingGroup gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub version: i64,
}

/// CreateThingGroup: the new group's ARN.
pub async fn create_group(
    client: &Client,
    name: &str,
    description: Option<&str>,
    attributes: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let properties = ThingGroupProperties::builder()
        .set_thing_group_description(description.map(str::to_owned))
        .attribute_payload(
            AttributePayload::builder()
                .set_attributes(Some(attributes.clone().into_iter().collect()))
                .build(),
        )
        .build();
    client
        .create_thing_group()
        .thing_group_name(name)
        .thing_group_properties(properties)
        .send()
        .await
        .map(|out| out.thing_group_arn().unwrap_or_default().to_owned())
        .map_err(|e| ApiError::from_sdk("CreateThingGroup", e))
}

/// DescribeThingGroup; `None` when there is no such group.
pub async fn describe_group(client: &Client, name: &str) -> Result<Option<Group>, ApiError> {
    match client
        .describe_thing_group()
        .thing_group_name(name)
        .send()
        .await
    {
        Ok(out) => {
            let properties = out.thing_group_properties();
            Ok(Some(Group {
                name: out.thing_group_name().unwrap_or(name).to_owned(),
                arn: out.thing_group_arn().unwrap_or_default().to_owned(),
                description: properties
                    .and_then(|p| p.thing_group_description())
                    .map(str::to_owned),
                attributes: properties
                    .and_then(|p| p.attribute_payload())
                    .and_then(|a| a.attributes())
                    .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                version: out.version(),
            }))
        }
        Err(e) => {
            let e = ApiError::from_sdk("DescribeThingGroup", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// Every thing group's name, following pagination.
pub async fn list_groups(client: &Client) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_thing_groups()
            .max_results(250)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThingGroups", e))?;
        names.extend(
            out.thing_groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_owned)),
        );
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return Ok(names);
        }
    }
}

/// DeleteThingGroup (its things stay; they leave the group).
pub async fn delete_group(client: &Client, name: &str) -> Result<(), ApiError> {
    client
        .delete_thing_group()
        .thing_group_name(name)
        .send()
        .await
        .map(drop)
        .map_err(|e| ApiError::from_sdk("DeleteThingGroup", e))
}

/// AddThingToThingGroup.
pub async fn add_thing(client: &Client, group: &str, thing: &str) -> Result<(), ApiError> {
    client
        .add_thing_to_thing_group()
        .thing_group_name(group)
        .thing_name(thing)
        .send()
        .await
        .map(drop)
        .map_err(|e| ApiError::from_sdk("AddThingToThingGroup", e))
}

/// RemoveThingFromThingGroup.
pub async fn remove_thing(client: &Client, group: &str, thing: &str) -> Result<(), ApiError> {
    client
        .remove_thing_from_thing_group()
        .thing_group_name(group)
        .thing_name(thing)
        .send()
        .await
        .map(drop)
        .map_err(|e| ApiError::from_sdk("RemoveThingFromThingGroup", e))
}

/// The names of the things in `group`, following pagination.
pub async fn things_in_group(client: &Client, group: &str) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_things_in_thing_group()
            .thing_group_name(group)
            .max_results(250)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThingsInThingGroup", e))?;
        names.extend(out.things().iter().cloned());
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            names.sort_by(|a, b| super::iot::natural_cmp(a, b));
            return Ok(names);
        }
    }
}

/// The names of the groups `thing` is in.
pub async fn groups_of_thing(client: &Client, thing: &str) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_thing_groups_for_thing()
            .thing_name(thing)
            .max_results(250)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThingGroupsForThing", e))?;
        names.extend(
            out.thing_groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_owned)),
        );
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return Ok(names);
        }
    }
}
