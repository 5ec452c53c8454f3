//! `soilctl group create | list | show | delete | add | remove`: the stack's thing groups,
//! static groups of AWS IoT marked as the stack's (the same attribute as its things), for
//! owners' gardens and sites. A group owns the devices paired with it (`soilctl pair`); it
//! merely holds the ones put in it.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::groups::{self, Group};
use crate::aws::{self, AwsSettings, Clients, iot};
use crate::error::bad_input;
use crate::names::{check_group_name, check_thing_name};
use crate::pairing;
use crate::printer::{Printer, table};
use crate::stack::{self, MANAGED_ATTRIBUTE};

/// The stack's group `name`, or a clear error when there is none.
pub async fn require_group(
    clients: &Clients,
    stack_name: &str,
    name: &str,
) -> anyhow::Result<Group> {
    check_group_name(name)?;
    let local = clients.local_flag();
    let group = groups::describe_group(&clients.iot, name)
        .await
        .with_context(|| format!("reading thing group {name}"))?
        .ok_or_else(|| {
            bad_input(format!(
                "thing group {name} does not exist: create it with `soilctl group create{local} {name}`"
            ))
        })?;
    if group.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
        return Err(bad_input(format!(
            "thing group {name} is not a group of stack {stack_name}: pick one of `soilctl group list{local} --stack-name {stack_name}`"
        )));
    }
    Ok(group)
}

/// The stack's thing `name`, or a clear error when there is none.
pub(crate) async fn require_thing(
    clients: &Clients,
    stack_name: &str,
    name: &str,
) -> anyhow::Result<iot::Thing> {
    check_thing_name(name)?;
    let thing = iot::describe_thing(&clients.iot, name)
        .await
        .with_context(|| format!("reading thing {name}"))?
        .filter(|t| t.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack_name))
        .ok_or_else(|| {
            bad_input(format!(
                "{name} is not a thing of stack {stack_name}: see `soilctl thing list{} --stack-name {stack_name}`",
                clients.local_flag()
            ))
        })?;
    Ok(thing)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupInfo {
    name: String,
    arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// Its things, each with whether the group owns it.
    things: Vec<Member>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    name: String,
    paired: bool,
}

pub async fn create(
    stack_name: &str,
    name: &str,
    description: Option<&str>,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_group_name(name)?;
    if description.is_some_and(|d| d.chars().count() > 2028) {
        return Err(bad_input(
            "a thing group's description is at most 2028 characters",
        ));
    }
    let clients = aws::load(aws_settings).await?;
    let local = clients.local_flag();
    stack::require(&clients, stack_name).await?;
    if let Some(existing) = groups::describe_group(&clients.iot, name).await? {
        let owner = existing.attributes.get(MANAGED_ATTRIBUTE);
        return Err(bad_input(match owner {
            Some(s) if s == stack_name => {
                format!("thing group {name} exists already: see `soilctl group show{local} {name}`")
            }
            _ => format!(
                "a thing group named {name} exists already and is not stack {stack_name}'s: pick another name"
            ),
        }));
    }
    let attributes = BTreeMap::from([(MANAGED_ATTRIBUTE.to_owned(), stack_name.to_owned())]);
    let arn = groups::create_group(&clients.iot, name, description, &attributes)
        .await
        .with_context(|| format!("creating thing group {name}"))?;
    let info = GroupInfo {
        name: name.to_owned(),
        arn,
        description: description.map(str::to_owned),
        things: Vec::new(),
    };
    printer.result(&info, || {
        format!("Created thing group {name} ({})", info.arn)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The stack's groups, by name.
async fn stack_groups(clients: &Clients, stack_name: &str) -> anyhow::Result<Vec<Group>> {
    let mut out = Vec::new();
    for name in groups::list_groups(&clients.iot)
        .await
        .context("listing thing groups")?
    {
        if let Some(group) = groups::describe_group(&clients.iot, &name).await?
            && group.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack_name)
        {
            out.push(group);
        }
    }
    out.sort_by(|a, b| iot::natural_cmp(&a.name, &b.name));
    Ok(out)
}

/// The names of the stack's groups.
pub(crate) async fn stack_group_names(
    clients: &Clients,
    stack_name: &str,
) -> anyhow::Result<Vec<String>> {
    Ok(stack_groups(clients, stack_name)
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect())
}

/// The things of `group`, each with whether the group owns it.
async fn members(clients: &Clients, group: &str) -> anyhow::Result<Vec<Member>> {
    let mut out = Vec::new();
    for name in groups::things_in_group(&clients.iot, group)
        .await
        .with_context(|| format!("listing the things in group {group}"))?
    {
        let owner = iot::describe_thing(&clients.iot, &name)
            .await?
            .and_then(|t| t.attributes.get(pairing::OWNER_ATTRIBUTE).cloned());
        out.push(Member {
            paired: owner.as_deref() == Some(group),
            name,
        });
    }
    Ok(out)
}

pub async fn list(
    stack_name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Listed {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        things: usize,
        paired: usize,
    }
    let clients = aws::load(aws_settings).await?;
    let mut listed = Vec::new();
    for group in stack_groups(&clients, stack_name).await? {
        let members = members(&clients, &group.name).await?;
        listed.push(Listed {
            things: members.len(),
            paired: members.iter().filter(|m| m.paired).count(),
            name: group.name,
            description: group.description,
        });
    }
    printer.result(&listed, || {
        let rows: Vec<Vec<String>> = listed
            .iter()
            .map(|g| {
                vec![
                    g.name.clone(),
                    g.things.to_string(),
                    g.paired.to_string(),
                    g.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&["GROUP", "THINGS", "PAIRED", "DESCRIPTION"], &rows)
    })?;
    if listed.is_empty() {
        printer.info(format!(
            "Stack {stack_name} has no thing groups: make one with `soilctl group create{} NAME`.",
            clients.local_flag()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn show(
    stack_name: &str,
    name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let group = require_group(&clients, stack_name, name).await?;
    let info = GroupInfo {
        things: members(&clients, name).await?,
        name: group.name,
        arn: group.arn,
        description: group.description,
    };
    printer.result(&info, || {
        let mut text = format!("Thing group {} ({})\n", info.name, info.arn);
        if let Some(d) = &info.description {
            text.push_str(&format!("  {d}\n"));
        }
        if info.things.is_empty() {
            text.push_str("  no things\n");
        } else {
            let rows: Vec<Vec<String>> = info
                .things
                .iter()
                .map(|m| {
                    let paired = if m.paired { "paired" } else { "member" };
                    vec![m.name.clone(), paired.to_owned()]
                })
                .collect();
            text.push_str(&table(&["THING", "MEMBERSHIP"], &rows));
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(
    stack_name: &str,
    name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    require_group(&clients, stack_name, name).await?;
    let unpaired = delete_group(&clients, name).await?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Deleted {
        name: String,
        unpaired: Vec<String>,
    }
    let result = Deleted {
        name: name.to_owned(),
        unpaired,
    };
    printer.result(&result, || {
        format!(
            "Deleted thing group {name}; {} device(s) it owned are unpaired",
            result.unpaired.len()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Unpairs the devices the group owns, then deletes it: the names of those devices. Safe to
/// run again after a failure half way.
pub(crate) async fn delete_group(clients: &Clients, name: &str) -> anyhow::Result<Vec<String>> {
    let mut unpaired = Vec::new();
    for member in members(clients, name).await? {
        if member.paired {
            iot::merge_thing_attributes(&clients.iot, &member.name, &pairing::unpaired(), None)
                .await
                .with_context(|| format!("unpairing {}", member.name))?;
            unpaired.push(member.name);
        }
    }
    groups::delete_group(&clients.iot, name)
        .await
        .with_context(|| format!("deleting thing group {name}"))?;
    Ok(unpaired)
}

/// `group add` (`add` true) or `group remove`.
pub async fn change_members(
    stack_name: &str,
    name: &str,
    things: &[String],
    add: bool,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    for thing in things {
        check_thing_name(thing)?;
    }
    let clients = aws::load(aws_settings).await?;
    require_group(&clients, stack_name, name).await?;
    for thing in things {
        let found = require_thing(&clients, stack_name, thing).await?;
        if add {
            groups::add_thing(&clients.iot, name, thing).await
        } else {
            if found.attributes.get(pairing::OWNER_ATTRIBUTE) == Some(&name.to_owned()) {
                return Err(bad_input(format!(
                    "{thing} is paired with {name}: unpair it with `soilctl unpair{} {thing}`",
                    clients.local_flag()
                )));
            }
            groups::remove_thing(&clients.iot, name, thing).await
        }
        .map_err(|e| anyhow!(e))
        .with_context(|| {
            let (verb, prep) = if add {
                ("adding", "to")
            } else {
                ("removing", "from")
            };
            format!("{verb} {thing} {prep} thing group {name}")
        })?;
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Changed<'a> {
        group: &'a str,
        added: &'a [String],
        removed: &'a [String],
    }
    let none: &[String] = &[];
    let result = Changed {
        group: name,
        added: if add { things } else { none },
        removed: if add { none } else { things },
    };
    printer.result(&result, || {
        let verb = if add { "Added" } else { "Removed" };
        let prep = if add { "to" } else { "from" };
        format!("{verb} {} thing(s) {prep} group {name}", things.len())
    })?;
    Ok(ExitCode::SUCCESS)
}
