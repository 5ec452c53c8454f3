//! The stacks themselves: DescribeStacks (with parameters and outputs), ListStackResources
//! (each resource's status from its newest event), GetTemplate, and DeleteStack, which removes
//! the resources as `teardown --local` does, except that, as on AWS, a bucket with objects, a
//! policy still attached or a thing with principals fails to delete (DELETE_FAILED) until the
//! caller frees it or retains it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::events::Recorder;
use super::query::{Answer, Fault, Params, element, offset_of, ok, timestamp, token};
use super::{find, settle};
use crate::local::control::Local;
use crate::local::registry::{Registry, StackEventRecord, StackRecord, StackResource};

/// How many resources one ListStackResources page holds.
const PAGE: usize = 100;

pub fn describe(registry: &Registry, name: Option<&str>) -> Answer {
    let stacks = match name {
        Some(name) => vec![find(registry, name)?],
        None => registry.stacks()?,
    };
    let mut out = String::from("<Stacks>");
    for s in &stacks {
        let latest = registry.latest_stack_events(&s.stack_id)?;
        write_stack(&mut out, s, latest.get(&s.name));
    }
    out.push_str("</Stacks>");
    Ok(ok("DescribeStacks", &out))
}

fn write_stack(out: &mut String, s: &StackRecord, last: Option<&StackEventRecord>) {
    out.push_str("<member>");
    element(out, "StackName", Some(&s.name));
    element(out, "StackId", Some(&s.stack_id));
    if let Some(description) = description(&s.template_body) {
        element(out, "Description", Some(&description));
    }
    let _ = write!(
        out,
        "<CreationTime>{}</CreationTime>",
        timestamp(s.created_ms)
    );
    if s.status == "DELETE_COMPLETE" {
        let _ = write!(
            out,
            "<DeletionTime>{}</DeletionTime>",
            timestamp(s.updated_ms)
        );
    } else if s.updated_ms > s.created_ms && !s.status.starts_with("CREATE") {
        let _ = write!(
            out,
            "<LastUpdatedTime>{}</LastUpdatedTime>",
            timestamp(s.updated_ms)
        );
    }
    element(out, "StackStatus", Some(&s.status));
    let reason = last
        .filter(|e| e.status == s.status)
        .and_then(|e| e.reason.as_deref());
    element(out, "StackStatusReason", reason);
    out.push_str("<DisableRollback>false</DisableRollback><NotificationARNs/>");
    out.push_str("<Parameters>");
    members(out, "Parameter", &s.parameters);
    out.push_str("</Parameters><Outputs>");
    members(out, "Output", &s.outputs);
    out.push_str(
        "</Outputs><Tags/><EnableTerminationProtection>false</EnableTerminationProtection>",
    );
    out.push_str(
        "<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>",
    );
    out.push_str("</member>");
}

/// The template's `Description`, if it has one.
fn description(body: &str) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let t = crate::template::Template::parse(body, "the stack's template").ok()?;
    crate::template::intrinsics::scalar(t.doc.get("Description")?)
}

/// `<member><{kind}Key>k</{kind}Key><{kind}Value>v</{kind}Value></member>` for each pair, as
/// DescribeStacks lists parameters and outputs.
pub fn members(out: &mut String, kind: &str, pairs: &BTreeMap<String, String>) {
    for (k, v) in pairs {
        out.push_str("<member>");
        element(out, &format!("{kind}Key"), Some(k));
        element(out, &format!("{kind}Value"), Some(v));
        out.push_str("</member>");
    }
}

pub fn list_resources(registry: &Registry, params: &Params) -> Answer {
    let stack = find(registry, params.required("StackName")?)?;
    let skip = offset_of(params.get("NextToken"))?;
    let latest = registry.latest_stack_events(&stack.stack_id)?;
    let mut out = String::from("<StackResourceSummaries>");
    for r in stack.resources.iter().skip(skip).take(PAGE) {
        let event = latest.get(&r.logical_id);
        out.push_str("<member>");
        element(&mut out, "LogicalResourceId", Some(&r.logical_id));
        element(&mut out, "PhysicalResourceId", Some(&r.physical_id));
        element(&mut out, "ResourceType", Some(&r.resource_type));
        let at = event.map(|e| e.timestamp_ms).unwrap_or(stack.updated_ms);
        let _ = write!(
            out,
            "<LastUpdatedTimestamp>{}</LastUpdatedTimestamp>",
            timestamp(at)
        );
        let status = event
            .map(|e| e.status.as_str())
            .unwrap_or("CREATE_COMPLETE");
        element(&mut out, "ResourceStatus", Some(status));
        element(
            &mut out,
            "ResourceStatusReason",
            event.and_then(|e| e.reason.as_deref()),
        );
        out.push_str("<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>");
        out.push_str("</member>");
    }
    out.push_str("</StackResourceSummaries>");
    if stack.resources.len() > skip + PAGE {
        element(&mut out, "NextToken", Some(&token(skip + PAGE)));
    }
    Ok(ok("ListStackResources", &out))
}

pub fn get_template(registry: &Registry, params: &Params) -> Answer {
    if let Some(stage) = params.get("TemplateStage")
        && stage != "Original"
        && stage != "Processed"
    {
        return Err(Fault::validation(format!(
            "1 validation error detected: Value '{stage}' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value set: [Original, Processed]"
        )));
    }
    let body = match params.get("ChangeSetName") {
        Some(change_set) => {
            super::change_sets::find(registry, change_set, params.get("StackName"))?.template_body
        }
        None => find(registry, params.required("StackName")?)?.template_body,
    };
    let mut out = String::new();
    element(&mut out, "TemplateBody", Some(&body));
    out.push_str(
        "<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>",
    );
    Ok(ok("GetTemplate", &out))
}

/// Why CloudFormation could not delete this resource now, if it could not.
fn blocked(local: &Local, r: &StackResource) -> Result<Option<String>, Fault> {
    Ok(match r.resource_type.as_str() {
        "AWS::S3::Bucket" if local.bucket_usage(&r.physical_id).0 > 0 => Some(format!(
            "The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: {})",
            super::query::request_id()
        )),
        "AWS::IoT::Policy" if !local.registry.policy_targets(&r.physical_id)?.is_empty() => {
            Some(format!(
                "The policy cannot be deleted as the policy is attached to one or more principals (name={}) (Service: Iot, Status Code: 409)",
                r.physical_id
            ))
        }
        "AWS::IoT::Thing" if !local.registry.thing_principals(&r.physical_id)?.is_empty() => {
            Some(format!(
                "Cannot delete thing {} while it has principals attached (Service: Iot, Status Code: 409)",
                r.physical_id
            ))
        }
        _ => None,
    })
}

pub fn delete(local: &Local, params: &Params) -> Answer {
    let name = params.required("StackName")?;
    let retain = params.list("RetainResources");
    let stack = match find(&local.registry, name) {
        Ok(stack) if stack.status != "DELETE_COMPLETE" => stack,
        // Deleting a stack that is not there succeeds, as on AWS.
        _ => return Ok(ok("DeleteStack", "")),
    };
    if !retain.is_empty() && stack.status != "DELETE_FAILED" {
        return Err(Fault::validation(format!(
            "Invalid operation on stack [{}]: RetainResources can only be specified when the stack is in the DELETE_FAILED state",
            stack.stack_id
        )));
    }
    let mut rec = Recorder::new(&stack.stack_id, &stack.name);
    rec.stack("DELETE_IN_PROGRESS", Some("User Initiated"));
    let latest = local.registry.latest_stack_events(&stack.stack_id)?;
    // Rules first, so nothing new is written while the rest goes; the others in reverse.
    let mut order: Vec<&StackResource> = stack.resources.iter().rev().collect();
    order.sort_by_key(|r| match r.resource_type.as_str() {
        "AWS::IoT::TopicRule" => 0,
        "AWS::IoT::Policy" => 1,
        _ => 2,
    });
    let mut left = Vec::new();
    let mut failed = Vec::new();
    for r in order {
        let (id, kind, physical) = (&r.logical_id, &r.resource_type, &r.physical_id);
        if latest
            .get(id)
            .is_some_and(|e| e.status == "DELETE_COMPLETE")
        {
            continue;
        }
        if retain.contains(&id.as_str()) {
            rec.resource(id, kind, physical, "DELETE_SKIPPED", None, None);
            continue;
        }
        rec.resource(id, kind, physical, "DELETE_IN_PROGRESS", None, None);
        let outcome = match blocked(local, r)? {
            Some(reason) => Err(reason),
            None => local
                .remove_resource(kind, physical)
                .map_err(|e| crate::error::one_line(&e)),
        };
        match outcome {
            Ok(()) => rec.resource(id, kind, physical, "DELETE_COMPLETE", None, None),
            Err(reason) => {
                rec.resource(id, kind, physical, "DELETE_FAILED", Some(&reason), None);
                failed.push(id.clone());
                left.push(r.clone());
            }
        }
    }
    if failed.is_empty() {
        local.registry.delete_stack(&stack.name)?;
        local.registry.delete_change_sets_of(&stack.stack_id)?;
        rec.stack("DELETE_COMPLETE", None);
    } else {
        let reason = format!(
            "The following resource(s) failed to delete: [{}]. ",
            failed.join(", ")
        );
        let mut kept = stack.clone();
        kept.status = "DELETE_FAILED".into();
        kept.resources.retain(|r| left.contains(r));
        kept.updated_ms = crate::clock::now_ms();
        local.registry.put_stack(&kept)?;
        rec.stack("DELETE_FAILED", Some(&reason));
    }
    settle(local);
    rec.flush(&local.registry)?;
    Ok(ok("DeleteStack", ""))
}
