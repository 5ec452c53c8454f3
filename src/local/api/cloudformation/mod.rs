//! CloudFormation (the AWS Query protocol: a form-encoded `Action`, XML answers) over the
//! local backend's stacks, enough for `soilctl deploy` and `teardown` to run unchanged: change
//! sets (create, describe, execute, delete), DescribeStacks, DescribeStackEvents,
//! ListStackResources, GetTemplate and DeleteStack. Planning and applying a template is
//! `Local::plan` and `Local::apply`, as for `deploy --local`; events and change sets are kept
//! in the registry.
//!
//! Parts: `query` (parameters in, XML and errors out), `inputs` (capabilities and parameter
//! values), `change_sets`, `execute`, `stacks` (reads and DeleteStack), `events` (making and
//! listing stack events).

mod change_sets;
mod events;
mod execute;
mod inputs;
mod query;
mod stacks;

use super::Request;
use super::reply::Reply;
use crate::local::control::Local;
use crate::local::registry::{Registry, StackRecord};
use query::{Answer, Fault, Params};

/// Answers one CloudFormation request.
pub fn handle(local: &Local, req: &Request) -> Reply {
    let params = Params(if req.method == "POST" {
        form_urlencoded::parse(&req.body).into_owned().collect()
    } else {
        req.query.clone()
    });
    answer(local, &params).unwrap_or_else(|fault| fault.reply())
}

fn answer(local: &Local, params: &Params) -> Answer {
    let registry = &local.registry;
    match params.get("Action") {
        Some("CreateChangeSet") => change_sets::create(local, params),
        Some("DescribeChangeSet") => change_sets::describe(registry, params),
        Some("ExecuteChangeSet") => execute::execute(local, params),
        Some("DeleteChangeSet") => change_sets::delete(registry, params),
        Some("DescribeStacks") => stacks::describe(registry, params.get("StackName")),
        Some("ListStackResources") => stacks::list_resources(registry, params),
        Some("GetTemplate") => stacks::get_template(registry, params),
        Some("DeleteStack") => stacks::delete(local, params),
        Some("DescribeStackEvents") => {
            let name = params.required("StackName")?;
            let stack = find(registry, name)
                .map_err(|_| Fault::validation(format!("Stack [{name}] does not exist")))?;
            events::describe(registry, &stack.stack_id, params)
        }
        Some(other) => Err(Fault::new(
            400,
            "InvalidAction",
            format!("the local backend does not serve CloudFormation's {other} yet"),
        )),
        None => Err(Fault::new(
            400,
            "MissingAction",
            "the request names no Action",
        )),
    }
}

/// The stack called (or with the id) `name`, or CloudFormation's "does not exist". A stack
/// deleted earlier is still found by its id, as `DELETE_COMPLETE`, as on AWS.
fn find(registry: &Registry, name: &str) -> Result<StackRecord, Fault> {
    let missing = || Fault::validation(format!("Stack with id {name} does not exist"));
    let live = if name.starts_with("arn:") {
        registry.stacks()?.into_iter().find(|s| s.stack_id == name)
    } else {
        registry.stack(name)?
    };
    if let Some(stack) = live {
        return Ok(stack);
    }
    if !name.starts_with("arn:") {
        return Err(missing());
    }
    let latest = registry.latest_stack_events(name)?;
    let deleted = latest
        .values()
        .find(|e| e.resource_type == events::STACK_TYPE && e.status == "DELETE_COMPLETE")
        .ok_or_else(missing)?;
    let created_ms = registry
        .stack_events(name, 0, usize::MAX >> 1)?
        .last()
        .map(|e| e.timestamp_ms)
        .unwrap_or(deleted.timestamp_ms);
    Ok(StackRecord {
        name: deleted.stack_name.clone(),
        stack_id: name.to_owned(),
        status: "DELETE_COMPLETE".into(),
        template_body: String::new(),
        parameters: Default::default(),
        outputs: Default::default(),
        resources: vec![],
        created_ms,
        updated_ms: deleted.timestamp_ms,
    })
}

/// After a change to the registry, waits (up to 5 s) until a running `local up` serves it, so
/// that a stack reported complete is in effect; returns at once when none runs.
fn settle(local: &Local) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        let _ = handle.block_on(crate::local::server::settle(
            &local.state,
            std::time::Duration::from_secs(5),
        ));
    }
}

#[cfg(test)]
mod tests;
