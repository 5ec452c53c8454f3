//! ExecuteChangeSet: applies a change set's plan with `Local::apply`, waits until a running
//! `local up` serves it, and records an event per resource as CloudFormation does; a failure
//! leaves the stack `CREATE_FAILED` or `UPDATE_FAILED` with the reason.

use super::change_sets::find;
use super::events::Recorder;
use super::query::{Answer, Fault, Params, ok};
use super::{find as find_stack, settle};
use crate::error::one_line;
use crate::local::control::Local;
use crate::template::Template;

pub fn execute(local: &Local, params: &Params) -> Answer {
    let registry = &local.registry;
    let mut cs = find(
        registry,
        params.required("ChangeSetName")?,
        params.get("StackName"),
    )?;
    if cs.status != "CREATE_COMPLETE" {
        return Err(Fault::new(
            400,
            "InvalidChangeSetStatus",
            format!(
                "ChangeSet [{}] cannot be executed in its current status of [{}]",
                cs.id, cs.status
            ),
        ));
    }
    if cs.execution_status != "AVAILABLE" {
        return Err(Fault::new(
            400,
            "InvalidChangeSetStatus",
            format!(
                "ChangeSet [{}] cannot be executed in its current execution status of [{}]",
                cs.id, cs.execution_status
            ),
        ));
    }
    let stack = find_stack(registry, &cs.stack_id)?;
    let creating = stack.status == "REVIEW_IN_PROGRESS";
    let verb = if creating { "CREATE" } else { "UPDATE" };
    let mut rec = Recorder::new(&stack.stack_id, &stack.name);
    rec.stack(&format!("{verb}_IN_PROGRESS"), Some("User Initiated"));
    rec.flush(registry)?;
    let template = Template::parse(&cs.template_body, "TemplateBody")
        .map_err(|e| Fault::validation(format!("Template format error: {}", one_line(&e))))?;
    let applied = local
        .plan(&template, &stack.name, &cs.parameters)
        .and_then(|plan| {
            let record = local.apply(&template, &stack.name, &cs.parameters, &plan)?;
            Ok((plan, record))
        });
    match applied {
        Ok((plan, mut record)) => {
            if creating {
                record.status = "CREATE_COMPLETE".into();
                record.created_ms = stack.created_ms;
                registry.put_stack(&record)?;
            }
            settle(local);
            let mut removed = Vec::new();
            for c in &plan.changes {
                let resource = record
                    .resources
                    .iter()
                    .find(|r| r.logical_id == c.logical_id);
                let Some(r) = resource else {
                    removed.push(c);
                    continue;
                };
                let (id, kind, phys) = (&r.logical_id, &r.resource_type, &r.physical_id);
                let step = if c.action == "Add" {
                    "CREATE"
                } else {
                    "UPDATE"
                };
                let props = Some(&r.properties);
                rec.resource(id, kind, phys, &format!("{step}_IN_PROGRESS"), None, props);
                rec.resource(id, kind, phys, &format!("{step}_COMPLETE"), None, None);
            }
            if !removed.is_empty() {
                rec.stack("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None);
                for c in removed {
                    let phys = stack
                        .resources
                        .iter()
                        .find(|r| r.logical_id == c.logical_id)
                        .map(|r| r.physical_id.as_str())
                        .unwrap_or_default();
                    let (id, kind) = (&c.logical_id, &c.resource_type);
                    rec.resource(id, kind, phys, "DELETE_IN_PROGRESS", None, None);
                    rec.resource(id, kind, phys, "DELETE_COMPLETE", None, None);
                }
            }
            rec.stack(&record.status, None);
            cs.execution_status = "EXECUTE_COMPLETE".into();
        }
        Err(e) => {
            let status = format!("{verb}_FAILED");
            let mut failed = stack.clone();
            failed.status = status.clone();
            failed.template_body = cs.template_body.clone();
            failed.updated_ms = crate::clock::now_ms();
            registry.put_stack(&failed)?;
            rec.stack(&status, Some(&one_line(&e)));
            cs.execution_status = "EXECUTE_FAILED".into();
        }
    }
    rec.flush(registry)?;
    // Executing a change set removes the stack's other change sets, as on AWS.
    registry.delete_change_sets_of(&cs.stack_id)?;
    registry.put_change_set(&cs)?;
    Ok(ok("ExecuteChangeSet", ""))
}
