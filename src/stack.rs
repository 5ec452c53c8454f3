//! What a deployed backend consists of: the stack and the names soilctl works with, read from
//! the stack's outputs, or from its resources where an output is missing.

use anyhow::Context;
use serde::Serialize;

use crate::aws::{Clients, cfn, iot};

pub use crate::outcome::MANAGED_ATTRIBUTE;

pub const STATES_IN_PROGRESS_SUFFIX: &str = "_IN_PROGRESS";

/// The outputs that name the template's topic rules.
const ARCHIVE_RULE_OUTPUT: &str = "ArchiveRuleName";
const ALERT_RULE_OUTPUT: &str = "AlertRuleName";
const JITR_RULE_OUTPUT: &str = "JitrRuleName";
const PAIRING_RULE_OUTPUT: &str = "PairingRuleName";
/// The outputs that name the firmware bucket and the role that presigns its URLs.
pub const FIRMWARE_BUCKET_OUTPUT: &str = "FirmwareBucketName";
pub const DOWNLOAD_ROLE_OUTPUT: &str = "JobsDownloadRoleArn";
pub const CLAIM_POLICY_OUTPUT: &str = "ClaimPolicyName";
pub const PROVISIONING_TEMPLATE_OUTPUT: &str = "ProvisioningTemplateName";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    pub stack_name: String,
    pub stack_id: String,
    pub status: String,
    pub bucket: Option<String>,
    pub topic_arn: Option<String>,
    pub device_policy: Option<String>,
    pub rules: Vec<String>,
    pub alert_function: Option<String>,
    pub outputs: std::collections::BTreeMap<String, String>,
}

impl Backend {
    /// The stack's outputs, with the values soilctl had to read from the stack's resources
    /// filled in under the template's output names.
    pub fn resolved_outputs(&self) -> std::collections::BTreeMap<String, String> {
        let mut outputs = self.outputs.clone();
        let mut fill = |key: &str, value: Option<&String>| {
            if let Some(v) = value {
                outputs.entry(key.to_string()).or_insert_with(|| v.clone());
            }
        };
        fill("ArchiveBucketName", self.bucket.as_ref());
        fill("AlertTopicArn", self.topic_arn.as_ref());
        fill("DevicePolicyName", self.device_policy.as_ref());
        fill("AlertFunctionName", self.alert_function.as_ref());
        outputs
    }
}

/// What `deploy` may do with a stack in this state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackState {
    Missing,
    /// A change set was made but never run: create it.
    ReviewOnly,
    Ready,
    /// Busy or broken: the message says what to do.
    Blocked(String),
}

pub fn classify(stack_name: &str, status: Option<&str>) -> StackState {
    let Some(status) = status else {
        return StackState::Missing;
    };
    match status {
        "REVIEW_IN_PROGRESS" => StackState::ReviewOnly,
        "DELETE_COMPLETE" => StackState::Missing,
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" => StackState::Blocked(format!(
            "stack {stack_name} is {status} after a failed create and cannot be updated: run `soilctl teardown --stack-name {stack_name}`, then deploy again"
        )),
        "DELETE_FAILED" => StackState::Blocked(format!(
            "stack {stack_name} is DELETE_FAILED: run `soilctl teardown --stack-name {stack_name}` to finish removing it"
        )),
        "UPDATE_ROLLBACK_FAILED" => StackState::Blocked(format!(
            "stack {stack_name} is UPDATE_ROLLBACK_FAILED: continue the rollback (aws cloudformation continue-update-rollback --stack-name {stack_name}), then deploy again"
        )),
        s if s.ends_with(STATES_IN_PROGRESS_SUFFIX) => StackState::Blocked(format!(
            "stack {stack_name} is busy ({s}): wait until it finishes, then run this again"
        )),
        _ => StackState::Ready,
    }
}

fn policy_name_from(value: &str) -> String {
    value
        .rsplit_once("policy/")
        .map(|(_, n)| n)
        .unwrap_or(value)
        .to_string()
}

/// The backend, or `None` when the stack does not exist.
/// The stack, or an error saying how to deploy it when it is not there.
pub async fn require(clients: &Clients, stack_name: &str) -> anyhow::Result<Backend> {
    let local = clients.local_flag();
    resolve(clients, stack_name).await?.ok_or_else(|| {
        anyhow::anyhow!("stack {stack_name} does not exist: run `soilctl deploy{local} --stack-name {stack_name} --email ADDR` first")
    })
}

pub async fn resolve(clients: &Clients, stack_name: &str) -> anyhow::Result<Option<Backend>> {
    let Some(stack) = cfn::describe_stack(&clients.cfn, stack_name).await? else {
        return Ok(None);
    };
    if stack.status == "DELETE_COMPLETE" {
        return Ok(None);
    }
    let out = |key: &str| {
        stack
            .outputs
            .get(key)
            .filter(|v| !v.is_empty() && *v != "None")
            .cloned()
    };
    let mut backend = Backend {
        stack_name: stack.name.clone(),
        stack_id: stack.id.clone(),
        status: stack.status.clone(),
        bucket: out("ArchiveBucketName"),
        topic_arn: out("AlertTopicArn"),
        device_policy: out("DevicePolicyName").map(|v| policy_name_from(&v)),
        // The just-in-time registration rule is there only when the stack switched it on.
        rules: [
            ARCHIVE_RULE_OUTPUT,
            ALERT_RULE_OUTPUT,
            JITR_RULE_OUTPUT,
            PAIRING_RULE_OUTPUT,
        ]
        .iter()
        .filter_map(|k| out(k))
        .collect(),
        alert_function: out("AlertFunctionName"),
        outputs: stack.outputs.clone(),
    };
    let complete = backend.bucket.is_some()
        && backend.topic_arn.is_some()
        && backend.device_policy.is_some()
        && [
            ARCHIVE_RULE_OUTPUT,
            ALERT_RULE_OUTPUT,
            FIRMWARE_BUCKET_OUTPUT,
            DOWNLOAD_ROLE_OUTPUT,
        ]
        .iter()
        .all(|k| out(k).is_some())
        && (stack
            .parameters
            .get("EnableFleetProvisioning")
            .map(String::as_str)
            != Some("true")
            || [CLAIM_POLICY_OUTPUT, PROVISIONING_TEMPLATE_OUTPUT]
                .iter()
                .all(|k| out(k).is_some()));
    if !complete && !stack.status.starts_with("REVIEW") {
        // Outputs can be missing (a template without them, a stack mid-deploy): read the
        // stack's resources instead.
        let resources = cfn::list_stack_resources(&clients.cfn, &stack.id)
            .await
            .context("reading the stack's resources")?;
        let physical = |kind: &str| -> Vec<String> {
            resources
                .iter()
                .filter(|r| r.resource_type == kind && !r.status.starts_with("DELETE_COMPLETE"))
                .filter_map(|r| r.physical_id.clone())
                .collect()
        };
        let by_logical_id = |id: &str| {
            resources
                .iter()
                .find(|r| r.logical_id == id && !r.status.starts_with("DELETE_COMPLETE"))
                .and_then(|r| r.physical_id.clone())
        };
        if backend.bucket.is_none() {
            backend.bucket = by_logical_id("ArchiveBucket")
                .or_else(|| physical("AWS::S3::Bucket").into_iter().next());
        }
        // The firmware bucket and the download role under their output names, the role as
        // the ARN that CreateJob takes (its account is the stack's).
        if out(FIRMWARE_BUCKET_OUTPUT).is_none()
            && let Some(bucket) = by_logical_id("FirmwareBucket")
        {
            backend
                .outputs
                .insert(FIRMWARE_BUCKET_OUTPUT.to_string(), bucket);
        }
        if out(DOWNLOAD_ROLE_OUTPUT).is_none()
            && let Some(role) = by_logical_id("JobsDownloadRole")
        {
            let arn = if role.starts_with("arn:") {
                role
            } else {
                let mut parts = stack.id.split(':');
                let partition = parts.nth(1).unwrap_or("aws");
                let account = parts.nth(2).unwrap_or_default();
                format!("arn:{partition}:iam::{account}:role/{role}")
            };
            backend
                .outputs
                .insert(DOWNLOAD_ROLE_OUTPUT.to_string(), arn);
        }
        if backend.topic_arn.is_none() {
            backend.topic_arn = physical("AWS::SNS::Topic").into_iter().next();
        }
        if backend.alert_function.is_none() {
            // The template's alert function by name; any function only when it is the only one.
            let functions = physical("AWS::Lambda::Function");
            backend.alert_function = resources
                .iter()
                .find(|r| r.logical_id == "AlertFunction")
                .and_then(|r| r.physical_id.clone())
                .or_else(|| (functions.len() == 1).then(|| functions[0].clone()));
        }
        if backend.rules.is_empty() {
            backend.rules = physical("AWS::IoT::TopicRule");
        }
        if backend.device_policy.is_none() {
            backend.device_policy = by_logical_id("DevicePolicy")
                .or_else(|| {
                    let policies = physical("AWS::IoT::Policy");
                    (policies.len() == 1).then(|| policies[0].clone())
                })
                .map(|v| policy_name_from(&v));
        }
        // Fleet provisioning's claim policy and template, when the stack has them (the
        // template names its provisioning template `<stack>-claim`).
        let has = |id: &str| {
            resources
                .iter()
                .any(|r| r.logical_id == id && !r.status.starts_with("DELETE_COMPLETE"))
        };
        let fleet_provisioning = stack
            .parameters
            .get("EnableFleetProvisioning")
            .is_some_and(|v| v == "true");
        if out(CLAIM_POLICY_OUTPUT).is_none() && has("ClaimPolicy") {
            let policy = match by_logical_id("ClaimPolicy").filter(|p| !p.is_empty()) {
                Some(p) => Some(policy_name_from(&p)),
                None => {
                    // As for the device policy: `<stack>-<logicalId>-<suffix>`.
                    let prefix = format!("{}-ClaimPolicy-", stack.name);
                    let found = iot::policies_with_prefix(&clients.iot, &prefix).await?;
                    (found.len() == 1).then(|| found[0].clone())
                }
            };
            if let Some(policy) = policy {
                backend
                    .outputs
                    .insert(CLAIM_POLICY_OUTPUT.to_string(), policy);
            }
        }
        if out(PROVISIONING_TEMPLATE_OUTPUT).is_none()
            && (has("ProvisioningTemplate") || (fleet_provisioning && has("ClaimPolicy")))
        {
            // The template names its provisioning template `<stack>-claim`.
            let name = by_logical_id("ProvisioningTemplate")
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("{}-claim", stack.name));
            backend
                .outputs
                .insert(PROVISIONING_TEMPLATE_OUTPUT.to_string(), name);
        }
        if backend.device_policy.is_none()
            && resources.iter().any(|r| r.logical_id == "DevicePolicy")
        {
            // Last resort: CloudFormation names a policy it names itself
            // `<stack>-<logicalId>-<suffix>`.
            let found =
                iot::policies_with_prefix(&clients.iot, &format!("{}-DevicePolicy-", stack.name))
                    .await?;
            if found.len() == 1 {
                backend.device_policy = found.into_iter().next();
            }
        }
    }
    Ok(Some(backend))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_states() {
        assert_eq!(classify("s", None), StackState::Missing);
        assert_eq!(
            classify("s", Some("REVIEW_IN_PROGRESS")),
            StackState::ReviewOnly
        );
        assert_eq!(classify("s", Some("CREATE_COMPLETE")), StackState::Ready);
        assert_eq!(
            classify("s", Some("UPDATE_ROLLBACK_COMPLETE")),
            StackState::Ready
        );
        for status in [
            "ROLLBACK_COMPLETE",
            "UPDATE_IN_PROGRESS",
            "DELETE_FAILED",
            "UPDATE_ROLLBACK_FAILED",
            "CREATE_IN_PROGRESS",
        ] {
            match classify("s", Some(status)) {
                StackState::Blocked(msg) => {
                    assert!(msg.contains(status) || msg.contains("teardown"), "{msg}")
                }
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn policy_names_from_arns_or_names() {
        assert_eq!(
            policy_name_from("arn:aws:iot:eu-west-1:1:policy/p-1"),
            "p-1"
        );
        assert_eq!(policy_name_from("p-1"), "p-1");
    }
}
