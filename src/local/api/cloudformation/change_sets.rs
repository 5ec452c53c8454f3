//! Change sets: CreateChangeSet plans the template with `Local::plan` (a template the local
//! backend cannot run fails the change set, with the same message `deploy --local` gives) and
//! keeps the plan's changes (`execute` applies them); DescribeChangeSet and DeleteChangeSet
//! answer as AWS does. A CREATE change set makes the stack exist in REVIEW_IN_PROGRESS until
//! it is executed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::events::Recorder;
use super::find as find_stack;
use super::inputs::{needed_capability, parameter_values};
use super::query::{
    Answer, Fault, Params, check_change_set_name, check_stack_name, element, ok, timestamp,
};
use super::stacks::members;
use crate::error::one_line;
use crate::local::control::Local;
use crate::local::registry::{
    ACCOUNT_ID, ChangeSetRecord, REGION, Registry, ResourceChangeRecord, StackRecord,
};
use crate::template::Template;

/// AWS's reason for a change set that would change nothing.
pub const NO_CHANGES: &str = "The submitted information didn't contain changes. Submit different information to create a change set.";
/// TemplateBody's largest size, in bytes.
const MAX_TEMPLATE_BODY: usize = 51_200;

/// The change set named by `name` (an ARN, or a name with `stack` naming its stack).
pub fn find(
    registry: &Registry,
    name: &str,
    stack: Option<&str>,
) -> Result<ChangeSetRecord, Fault> {
    let missing = || {
        Fault::new(
            404,
            "ChangeSetNotFound",
            format!("ChangeSet [{name}] does not exist"),
        )
    };
    if name.starts_with("arn:") {
        return registry.change_set(name)?.ok_or_else(missing);
    }
    let Some(stack) = stack else {
        return Err(Fault::validation(
            "StackName must be specified if ChangeSetName is not specified as an ARN.",
        ));
    };
    let stack = find_stack(registry, stack).map_err(|_| missing())?;
    registry
        .change_set_named(&stack.stack_id, name)?
        .ok_or_else(missing)
}

pub fn create(local: &Local, params: &Params) -> Answer {
    let registry = &local.registry;
    let stack_name = params.required("StackName")?;
    let cs_name = params.required("ChangeSetName")?;
    if !stack_name.starts_with("arn:") {
        check_stack_name(stack_name, "stackName")?;
    }
    check_change_set_name(cs_name)?;
    let creating = match params.get("ChangeSetType").unwrap_or("UPDATE") {
        "CREATE" => true,
        "UPDATE" => false,
        "IMPORT" => {
            return Err(Fault::validation(
                "the local backend does not import resources: use ChangeSetType CREATE or UPDATE",
            ));
        }
        other => {
            return Err(Fault::validation(format!(
                "1 validation error detected: Value '{other}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [IMPORT, UPDATE, CREATE]"
            )));
        }
    };
    let existing = find_stack(registry, stack_name)
        .ok()
        .filter(|s| s.status != "DELETE_COMPLETE");
    let review = existing
        .as_ref()
        .is_some_and(|s| s.status == "REVIEW_IN_PROGRESS");
    match (&existing, creating) {
        (Some(st), true) if !review => {
            return Err(Fault::new(
                400,
                "AlreadyExistsException",
                format!(
                    "Stack [{}] already exists and cannot be created again with the changeSet [{cs_name}].",
                    st.name
                ),
            ));
        }
        (None, false) => {
            return Err(Fault::validation(format!(
                "Stack [{stack_name}] does not exist"
            )));
        }
        (Some(st), false)
            if review
                || st.status.ends_with("_IN_PROGRESS")
                || matches!(
                    st.status.as_str(),
                    "CREATE_FAILED" | "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "DELETE_FAILED"
                ) =>
        {
            return Err(Fault::validation(format!(
                "Stack:{} is in {} state and can not be updated.",
                st.stack_id, st.status
            )));
        }
        _ => {}
    }
    if let Some(st) = &existing
        && registry.change_set_named(&st.stack_id, cs_name)?.is_some()
    {
        return Err(Fault::new(
            400,
            "AlreadyExistsException",
            format!("ChangeSet {cs_name} already exists"),
        ));
    }
    let body = match (
        params.get("TemplateBody"),
        params.flag("UsePreviousTemplate"),
    ) {
        (Some(body), false) => body.to_owned(),
        (None, true) if !creating => existing
            .as_ref()
            .map(|s| s.template_body.clone())
            .unwrap_or_default(),
        (Some(_), true) => {
            return Err(Fault::validation(
                "Specify exactly one of TemplateBody, TemplateUrl and UsePreviousTemplate",
            ));
        }
        _ if params.get("TemplateURL").is_some() => {
            return Err(Fault::validation(
                "the local backend reads templates from TemplateBody only, not TemplateURL",
            ));
        }
        _ => {
            return Err(Fault::validation(
                "Either Template URL or Template Body must be specified.",
            ));
        }
    };
    if body.len() > MAX_TEMPLATE_BODY {
        return Err(Fault::validation(format!(
            "1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to {MAX_TEMPLATE_BODY}"
        )));
    }
    let template = Template::parse(&body, "TemplateBody")
        .map_err(|e| Fault::validation(format!("Template format error: {}", one_line(&e))))?;
    let capabilities: Vec<String> = params
        .list("Capabilities")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if let Some(needed) = needed_capability(&template) {
        let has = |c: &str| capabilities.iter().any(|x| x == c);
        if !has("CAPABILITY_NAMED_IAM") && (needed == "CAPABILITY_NAMED_IAM" || !has(needed)) {
            return Err(Fault::new(
                400,
                "InsufficientCapabilitiesException",
                format!("Requires capabilities : [{needed}]"),
            ));
        }
    }
    let previous = existing.as_ref().filter(|_| !review);
    let values = parameter_values(
        &template,
        &params.structs("Parameters"),
        previous.map(|s| &s.parameters),
    )?;

    let stack = match existing.clone() {
        Some(st) => st,
        None => review_stack(registry, stack_name)?,
    };
    let mut record = ChangeSetRecord {
        id: format!(
            "arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:changeSet/{cs_name}/{}",
            crate::iotsql::new_uuid()
        ),
        name: cs_name.to_owned(),
        stack_id: stack.stack_id.clone(),
        stack_name: stack.name.clone(),
        change_set_type: if creating { "CREATE" } else { "UPDATE" }.into(),
        status: "CREATE_COMPLETE".into(),
        status_reason: None,
        execution_status: "AVAILABLE".into(),
        description: params.get("Description").map(str::to_owned),
        template_body: body,
        parameters: values.clone(),
        capabilities,
        changes: vec![],
        created_ms: crate::clock::now_ms(),
    };
    match local.plan(&template, &stack.name, &values) {
        Err(e) => fail(&mut record, one_line(&e)),
        Ok(plan) => {
            let unchanged = previous.is_some_and(|p| {
                plan.changes.is_empty() && p.parameters == values && p.outputs == plan.outputs
            });
            if unchanged {
                fail(&mut record, NO_CHANGES.to_owned());
            }
            let physical = |id: &str| {
                stack
                    .resources
                    .iter()
                    .find(|r| r.logical_id == id)
                    .map(|r| r.physical_id.clone())
            };
            record.changes = plan
                .changes
                .iter()
                .map(|c| ResourceChangeRecord {
                    action: c.action.clone(),
                    logical_id: c.logical_id.clone(),
                    physical_id: physical(&c.logical_id),
                    resource_type: c.resource_type.clone(),
                    replacement: c.replacement.clone(),
                })
                .collect();
        }
    }
    registry.put_change_set(&record)?;
    let mut out = String::new();
    element(&mut out, "Id", Some(&record.id));
    element(&mut out, "StackId", Some(&record.stack_id));
    Ok(ok("CreateChangeSet", &out))
}

fn fail(record: &mut ChangeSetRecord, reason: String) {
    record.status = "FAILED".into();
    record.execution_status = "UNAVAILABLE".into();
    record.status_reason = Some(reason);
}

/// A new stack with nothing in it yet, in REVIEW_IN_PROGRESS, as a CREATE change set leaves it.
fn review_stack(registry: &Registry, name: &str) -> Result<StackRecord, Fault> {
    let now = crate::clock::now_ms();
    let stack = StackRecord {
        name: name.to_owned(),
        stack_id: format!(
            "arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{name}/{}",
            crate::iotsql::new_uuid()
        ),
        status: "REVIEW_IN_PROGRESS".into(),
        template_body: String::new(),
        parameters: BTreeMap::new(),
        outputs: BTreeMap::new(),
        resources: vec![],
        created_ms: now,
        updated_ms: now,
    };
    registry.put_stack(&stack)?;
    let mut rec = Recorder::new(&stack.stack_id, &stack.name);
    rec.stack("REVIEW_IN_PROGRESS", Some("User Initiated"));
    rec.flush(registry)?;
    Ok(stack)
}

pub fn describe(registry: &Registry, params: &Params) -> Answer {
    let cs = find(
        registry,
        params.required("ChangeSetName")?,
        params.get("StackName"),
    )?;
    let mut out = String::new();
    element(&mut out, "ChangeSetName", Some(&cs.name));
    element(&mut out, "ChangeSetId", Some(&cs.id));
    element(&mut out, "StackId", Some(&cs.stack_id));
    element(&mut out, "StackName", Some(&cs.stack_name));
    element(&mut out, "Description", cs.description.as_deref());
    out.push_str("<Parameters>");
    members(&mut out, "Parameter", &cs.parameters);
    out.push_str("</Parameters>");
    let _ = write!(
        out,
        "<CreationTime>{}</CreationTime>",
        timestamp(cs.created_ms)
    );
    element(&mut out, "ExecutionStatus", Some(&cs.execution_status));
    element(&mut out, "Status", Some(&cs.status));
    element(&mut out, "StatusReason", cs.status_reason.as_deref());
    out.push_str("<NotificationARNs/><Capabilities>");
    for c in &cs.capabilities {
        element(&mut out, "member", Some(c));
    }
    out.push_str("</Capabilities><Tags/><Changes>");
    for c in &cs.changes {
        out.push_str("<member><Type>Resource</Type><ResourceChange>");
        element(&mut out, "Action", Some(&c.action));
        element(&mut out, "LogicalResourceId", Some(&c.logical_id));
        element(&mut out, "PhysicalResourceId", c.physical_id.as_deref());
        element(&mut out, "ResourceType", Some(&c.resource_type));
        element(&mut out, "Replacement", c.replacement.as_deref());
        if c.action == "Modify" {
            out.push_str("<Scope><member>Properties</member></Scope>");
        } else {
            out.push_str("<Scope/>");
        }
        out.push_str("<Details/></ResourceChange></member>");
    }
    out.push_str("</Changes><IncludeNestedStacks>false</IncludeNestedStacks>");
    Ok(ok("DescribeChangeSet", &out))
}

pub fn delete(registry: &Registry, params: &Params) -> Answer {
    let cs = find(
        registry,
        params.required("ChangeSetName")?,
        params.get("StackName"),
    )?;
    if cs.execution_status == "EXECUTE_IN_PROGRESS" {
        return Err(Fault::new(
            400,
            "InvalidChangeSetStatus",
            format!("Cannot delete ChangeSet in status {}", cs.execution_status),
        ));
    }
    registry.delete_change_set(&cs.id)?;
    Ok(ok("DeleteChangeSet", ""))
}
