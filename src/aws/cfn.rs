//! Thin functions over the CloudFormation client.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter};

use super::ApiError;

#[derive(Debug, Clone)]
pub struct Stack {
    pub id: String,
    pub name: String,
    pub status: String,
    pub reason: Option<String>,
    pub outputs: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct StackEvent {
    pub id: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
    /// Seconds since the epoch, with fraction.
    pub time: f64,
}

pub use crate::outcome::ResourceChange;

#[derive(Debug, Clone)]
pub struct ChangeSet {
    pub status: String,
    pub reason: Option<String>,
    pub execution_status: Option<String>,
    pub changes: Vec<ResourceChange>,
}

#[derive(Debug, Clone)]
pub struct StackResource {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// The stack, or `None` when there is no such stack.
pub async fn describe_stack(client: &Client, name_or_id: &str) -> Result<Option<Stack>, ApiError> {
    match client.describe_stacks().stack_name(name_or_id).send().await {
        Ok(out) => Ok(out.stacks().first().map(|s| Stack {
            id: s.stack_id().unwrap_or_default().to_string(),
            name: s.stack_name().unwrap_or_default().to_string(),
            status: s
                .stack_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: s.stack_status_reason().map(str::to_string),
            outputs: s
                .outputs()
                .iter()
                .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
                .collect(),
            parameters: s
                .parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_key()?.to_string(),
                        p.parameter_value()?.to_string(),
                    ))
                })
                .collect(),
        })),
        Err(e) => {
            let err = ApiError::from_sdk("DescribeStacks", e);
            if err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// A parameter value to pass, or `None` to keep the stack's previous value.
pub type ParameterValue = Option<String>;

pub async fn create_change_set(
    client: &Client,
    stack_name: &str,
    change_set_name: &str,
    create: bool,
    template_body: &str,
    parameters: &BTreeMap<String, ParameterValue>,
) -> Result<(String, String), ApiError> {
    let params = parameters
        .iter()
        .map(|(key, value)| match value {
            Some(v) => Parameter::builder()
                .parameter_key(key)
                .parameter_value(v)
                .build(),
            None => Parameter::builder()
                .parameter_key(key)
                .use_previous_value(true)
                .build(),
        })
        .collect();
    let out = client
        .create_change_set()
        .stack_name(stack_name)
        .change_set_name(change_set_name)
        .change_set_type(if create {
            ChangeSetType::Create
        } else {
            ChangeSetType::Update
        })
        .template_body(template_body)
        .set_parameters(Some(params))
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityNamedIam)
        .description("soilctl deploy")
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("CreateChangeSet", e))?;
    Ok((
        out.id().unwrap_or_default().to_string(),
        out.stack_id().unwrap_or_default().to_string(),
    ))
}

pub async fn describe_change_set(
    client: &Client,
    change_set_id: &str,
) -> Result<ChangeSet, ApiError> {
    let mut changes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .describe_change_set()
            .change_set_name(change_set_id)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeChangeSet", e))?;
        for change in out.changes() {
            if let Some(rc) = change.resource_change() {
                changes.push(ResourceChange {
                    action: rc
                        .action()
                        .map(|a| a.as_str().to_string())
                        .unwrap_or_default(),
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_string(),
                    resource_type: rc.resource_type().unwrap_or_default().to_string(),
                    replacement: rc.replacement().map(|r| r.as_str().to_string()),
                });
            }
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(ChangeSet {
                status: out
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: out.status_reason().map(str::to_string),
                execution_status: out.execution_status().map(|s| s.as_str().to_string()),
                changes,
            });
        }
    }
}

pub async fn execute_change_set(client: &Client, change_set_id: &str) -> Result<(), ApiError> {
    client
        .execute_change_set()
        .change_set_name(change_set_id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("ExecuteChangeSet", e))
}

pub async fn delete_change_set(client: &Client, change_set_id: &str) -> Result<(), ApiError> {
    client
        .delete_change_set()
        .change_set_name(change_set_id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteChangeSet", e))
}

/// The id of the stack's newest event, if it has any.
pub async fn latest_event_id(client: &Client, stack_id: &str) -> Result<Option<String>, ApiError> {
    let out = client
        .describe_stack_events()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("DescribeStackEvents", e))?;
    Ok(out
        .stack_events()
        .first()
        .and_then(|e| e.event_id())
        .map(str::to_string))
}

/// The stack's events, newest first, stopping at the first one `stop` accepts.
pub async fn stack_events_until(
    client: &Client,
    stack_id: &str,
    stop: impl Fn(&StackEvent) -> bool,
) -> Result<Vec<StackEvent>, ApiError> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .describe_stack_events()
            .stack_name(stack_id)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeStackEvents", e))?;
        for e in out.stack_events() {
            let event = StackEvent {
                id: e.event_id().unwrap_or_default().to_string(),
                logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
                resource_type: e.resource_type().unwrap_or_default().to_string(),
                status: e
                    .resource_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: e.resource_status_reason().map(str::to_string),
                time: e.timestamp().map(|t| t.as_secs_f64()).unwrap_or_default(),
            };
            if stop(&event) {
                return Ok(events);
            }
            events.push(event);
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(events);
        }
    }
}

pub async fn list_stack_resources(
    client: &Client,
    stack: &str,
) -> Result<Vec<StackResource>, ApiError> {
    let mut resources = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_stack_resources()
            .stack_name(stack)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListStackResources", e))?;
        for r in out.stack_resource_summaries() {
            resources.push(StackResource {
                logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                physical_id: r
                    .physical_resource_id()
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
                resource_type: r.resource_type().unwrap_or_default().to_string(),
                status: r
                    .resource_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: r.resource_status_reason().map(str::to_string),
            });
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(resources);
        }
    }
}

pub async fn delete_stack(client: &Client, stack: &str, retain: &[String]) -> Result<(), ApiError> {
    client
        .delete_stack()
        .stack_name(stack)
        .set_retain_resources((!retain.is_empty()).then(|| retain.to_vec()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteStack", e))
}
