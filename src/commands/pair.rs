//! `soilctl pair CODE --group G` and `soilctl unpair THING`: the owner's side of pairing (see
//! [`crate::pairing`] for the flow). Pairing claims the thing with UpdateThing at the version
//! the code was found at, so two owners typing the same code at once cannot both have it;
//! then it adds the thing to the group and tells the device through its shadow. Each step
//! succeeds again when repeated, so a pairing cut short is finished by `pair` again.

use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use super::group::{require_group, require_thing};
use crate::aws::{self, AwsSettings, Clients, groups, iot, iotdata};
use crate::error::bad_input;
use crate::names::check_group_name;
use crate::pairing::{self, CODE_ATTRIBUTE, Code, Refusal};
use crate::printer::Printer;
use crate::stack::MANAGED_ATTRIBUTE;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Paired {
    thing: String,
    group: String,
}

pub async fn pair(
    stack_name: &str,
    code: &str,
    group: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let code = Code::parse(code).map_err(|e| bad_input(e.to_string()))?;
    check_group_name(group)?;
    let clients = aws::load(aws_settings).await?;
    require_group(&clients, stack_name, group).await?;
    let waiting = || {
        bad_input(format!(
            "no device of stack {stack_name} is waiting with code {}: check the code the device shows, or let it ask for a new one",
            code.display()
        ))
    };
    let thing = iot::list_things_with_attribute(&clients.iot, CODE_ATTRIBUTE, &code.digest())
        .await
        .context("looking the code up")?
        .into_iter()
        .find(|t| t.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack_name))
        .ok_or_else(waiting)?;
    let now = u64::try_from(crate::clock::now_secs()).unwrap_or_default();
    match pairing::check(&code, &thing.attributes, now) {
        Ok(()) => {}
        Err(Refusal::AlreadyPaired { owner }) if owner == group => {
            // A pairing cut short after the claim: finish it.
            printer.info(format!(
                "{} is paired with {group} already; making sure it is in the group",
                thing.name
            ));
        }
        Err(Refusal::AlreadyPaired { owner }) => {
            return Err(bad_input(format!(
                "{} is already paired with {owner}: its owner must unpair it first (`soilctl unpair{} {}`)",
                thing.name,
                clients.local_flag(),
                thing.name
            )));
        }
        Err(Refusal::Expired { at }) => {
            return Err(bad_input(format!(
                "code {} expired at {}: let the device ask for a new one",
                code.display(),
                humantime::format_rfc3339_seconds(
                    std::time::UNIX_EPOCH + std::time::Duration::from_secs(at)
                )
            )));
        }
        Err(Refusal::Replaced) => return Err(waiting()),
    }
    claim(&clients, &thing, group).await?;
    groups::add_thing(&clients.iot, group, &thing.name)
        .await
        .with_context(|| format!("adding {} to thing group {group}", thing.name))?;
    tell_device(&clients, &thing.name, json!(group)).await?;
    let result = Paired {
        thing: thing.name,
        group: group.to_owned(),
    };
    printer.result(&result, || {
        format!("Paired {} with group {}", result.thing, result.group)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Sets the thing's owner, only if it has not changed since the code found it.
async fn claim(clients: &Clients, thing: &iot::Thing, group: &str) -> anyhow::Result<()> {
    match iot::merge_thing_attributes(
        &clients.iot,
        &thing.name,
        &pairing::paired(group),
        thing.version,
    )
    .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.is_code("VersionConflictException") => Err(anyhow::anyhow!(
            "{} changed while it was being paired (another pairing, or a new code): run `soilctl pair` again with the code the device shows now",
            thing.name
        )),
        Err(e) => Err(e).with_context(|| format!("pairing {}", thing.name)),
    }
}

/// Writes the owner (or `null`) to the device's desired state, where it learns of it.
async fn tell_device(
    clients: &Clients,
    thing: &str,
    owner: serde_json::Value,
) -> anyhow::Result<()> {
    let request = json!({"state": {"desired": {"owner": owner}}}).to_string();
    iotdata::update_shadow(&clients.data, thing, None, request.as_bytes())
        .await
        .with_context(|| format!("telling {thing} through its shadow"))?;
    Ok(())
}

pub async fn unpair(
    stack_name: &str,
    thing: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let found = require_thing(&clients, stack_name, thing).await?;
    let Some(owner) = found
        .attributes
        .get(pairing::OWNER_ATTRIBUTE)
        .filter(|o| !o.is_empty())
        .cloned()
    else {
        return Err(bad_input(format!("{thing} is not paired with any group")));
    };
    match groups::remove_thing(&clients.iot, &owner, thing).await {
        Ok(()) => {}
        // The group went (deleted by hand): the owner attribute is all that is left.
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e).with_context(|| format!("removing {thing} from {owner}")),
    }
    iot::merge_thing_attributes(&clients.iot, thing, &pairing::unpaired(), None)
        .await
        .with_context(|| format!("unpairing {thing}"))?;
    tell_device(&clients, thing, serde_json::Value::Null).await?;
    let result = Paired {
        thing: thing.to_owned(),
        group: owner,
    };
    printer.result(&result, || {
        format!("Unpaired {} from group {}", result.thing, result.group)
    })?;
    Ok(ExitCode::SUCCESS)
}
