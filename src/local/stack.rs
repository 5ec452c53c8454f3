//! The local backend's CloudFormation: turns the template and its parameter values into the
//! resources to create, with physical names as CloudFormation makes them, every intrinsic
//! function resolved, the outputs, and the changes against what is deployed. No I/O: applying
//! the plan is `control`'s job.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::iotsql::new_uuid;
use crate::local::registry::{ACCOUNT_ID, REGION, StackResource};
use crate::outcome::ResourceChange;
use crate::template::Template;
use crate::template::intrinsics::{Resources, Scope, scalar};

/// Resource types the local backend runs, and what each becomes.
pub const SUPPORTED: &[(&str, &str)] = &[
    (
        "AWS::S3::Bucket",
        "a folder under the state directory's buckets/",
    ),
    (
        "AWS::S3::BucketPolicy",
        "recorded; the bucket is only reachable on this machine's disk",
    ),
    (
        "AWS::IAM::Role",
        "recorded; actions run with the backend's own rights",
    ),
    ("AWS::Logs::LogGroup", "a JSON-lines file under logs/"),
    (
        "AWS::SNS::Topic",
        "deliveries to its subscribers appended to alerts.jsonl",
    ),
    (
        "AWS::SNS::Subscription",
        "a subscriber of its topic in alerts.jsonl",
    ),
    (
        "AWS::Lambda::Function",
        "the alert or just-in-time registration function's behaviour, run natively",
    ),
    ("AWS::Lambda::Permission", "recorded"),
    ("AWS::IoT::TopicRule", "run by the rules engine"),
    ("AWS::IoT::Policy", "evaluated by the broker"),
    ("AWS::IoT::Thing", "a thing in the registry"),
    (
        "AWS::IoT::ProvisioningTemplate",
        "served on the fleet provisioning topics by the broker",
    ),
];

#[derive(Debug, Clone)]
pub struct Plan {
    pub stack_id: String,
    pub resources: Vec<StackResource>,
    /// Resources deployed before that the template no longer has: (logical id, type, physical id).
    pub removed: Vec<(String, String, String)>,
    pub outputs: BTreeMap<String, String>,
    pub changes: Vec<ResourceChange>,
}

/// What is deployed already, by logical id.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub stack_id: Option<String>,
    /// Logical id to (type, physical id, properties).
    pub resources: BTreeMap<String, (String, String, Json)>,
}

impl Previous {
    /// The deployed stack `stack_id` made of `resources`.
    pub fn of(stack_id: &str, resources: &[StackResource]) -> Previous {
        Previous {
            stack_id: Some(stack_id.to_string()),
            resources: resources
                .iter()
                .map(|r| {
                    (
                        r.logical_id.clone(),
                        (
                            r.resource_type.clone(),
                            r.physical_id.clone(),
                            r.properties.clone(),
                        ),
                    )
                })
                .collect(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "resource {logical_id} has type {resource_type}, which the local backend cannot run (it runs {supported}); deploy this template to AWS instead"
    )]
    Unsupported {
        logical_id: String,
        resource_type: String,
        supported: String,
    },
    #[error("template {source_name}: {message}")]
    Template {
        source_name: String,
        message: String,
    },
}

/// The ARN an AWS resource of this type gets, from its physical id.
pub fn arn(resource_type: &str, physical_id: &str) -> Option<String> {
    let (a, r) = (ACCOUNT_ID, REGION);
    Some(match resource_type {
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{physical_id}"),
        "AWS::IAM::Role" => format!("arn:aws:iam::{a}:role/{physical_id}"),
        "AWS::Logs::LogGroup" => format!("arn:aws:logs:{r}:{a}:log-group:{physical_id}:*"),
        "AWS::SNS::Topic" | "AWS::SNS::Subscription" => physical_id.to_string(),
        "AWS::Lambda::Function" => format!("arn:aws:lambda:{r}:{a}:function:{physical_id}"),
        "AWS::IoT::TopicRule" => format!("arn:aws:iot:{r}:{a}:rule/{physical_id}"),
        "AWS::IoT::Policy" => format!("arn:aws:iot:{r}:{a}:policy/{physical_id}"),
        "AWS::IoT::Thing" => format!("arn:aws:iot:{r}:{a}:thing/{physical_id}"),
        "AWS::IoT::ProvisioningTemplate" => {
            format!("arn:aws:iot:{r}:{a}:provisioningtemplate/{physical_id}")
        }
        _ => return None,
    })
}

/// The property that names a resource explicitly, per type.
fn name_property(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::S3::Bucket" => "BucketName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::Lambda::Function" => "FunctionName",
        "AWS::IoT::TopicRule" => "RuleName",
        "AWS::IoT::Policy" => "PolicyName",
        "AWS::IoT::Thing" => "ThingName",
        "AWS::IoT::ProvisioningTemplate" => "TemplateName",
        _ => return None,
    })
}

fn suffix(len: usize, upper: bool) -> String {
    let alphabet: &[u8] = if upper {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    } else {
        b"abcdefghijklmnopqrstuvwxyz0123456789"
    };
    (0..len)
        .map(|_| alphabet[fastrand::usize(..alphabet.len())] as char)
        .collect()
}

/// A name as CloudFormation generates one when the template gives none.
fn generated_name(stack: &str, logical_id: &str, resource_type: &str) -> String {
    match resource_type {
        // Bucket names: lowercase, at most 63 characters.
        "AWS::S3::Bucket" => {
            let base: String = format!("{stack}-{logical_id}").to_lowercase();
            let base: String = base.chars().take(63 - 13).collect();
            format!("{base}-{}", suffix(12, false))
        }
        // Rule names allow only letters, digits and underscores.
        "AWS::IoT::TopicRule" => format!("{logical_id}_{}", suffix(12, true)),
        "AWS::SNS::Topic" => format!(
            "arn:aws:sns:{REGION}:{ACCOUNT_ID}:{stack}-{logical_id}-{}",
            suffix(12, true)
        ),
        "AWS::SNS::Subscription" => format!(
            "arn:aws:sns:{REGION}:{ACCOUNT_ID}:{stack}-subscription:{}",
            new_uuid()
        ),
        _ => {
            let base: String = format!("{stack}-{logical_id}").chars().take(50).collect();
            format!("{base}-{}", suffix(12, true))
        }
    }
}

struct Named<'a> {
    types: &'a BTreeMap<String, String>,
    physical: &'a BTreeMap<String, String>,
}

impl Resources for Named<'_> {
    fn reference(&self, logical_id: &str) -> Option<String> {
        self.physical.get(logical_id).cloned()
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String> {
        let id = self.physical.get(logical_id)?;
        let kind = self.types.get(logical_id)?;
        match (kind.as_str(), attribute) {
            (_, "Arn") => arn(kind, id),
            ("AWS::SNS::Topic", "TopicArn") => Some(id.clone()),
            ("AWS::SNS::Topic", "TopicName") => id.rsplit(':').next().map(str::to_string),
            ("AWS::IoT::Policy", "Id") => Some(id.clone()),
            ("AWS::IAM::Role", "RoleId") => Some(format!("AROA{}", id.len())),
            ("AWS::S3::Bucket", "DomainName") => Some(format!("{id}.s3.amazonaws.com")),
            _ => None,
        }
    }
}

/// The pseudo parameters, as the local backend answers them.
pub fn pseudo_parameters(stack_name: &str, stack_id: &str) -> BTreeMap<String, String> {
    [
        ("AWS::Region", REGION),
        ("AWS::AccountId", ACCOUNT_ID),
        ("AWS::Partition", "aws"),
        ("AWS::StackName", stack_name),
        ("AWS::StackId", stack_id),
        ("AWS::URLSuffix", "amazonaws.com"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn yaml_to_json(v: &serde_yaml::Value) -> Json {
    match v {
        serde_yaml::Value::Null => Json::Null,
        serde_yaml::Value::Bool(b) => Json::Bool(*b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Json::Number)
                    .unwrap_or(Json::Null)
            }
        }
        serde_yaml::Value::String(s) => Json::String(s.clone()),
        serde_yaml::Value::Sequence(items) => Json::Array(items.iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (scalar(k).unwrap_or_default(), yaml_to_json(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(t) => yaml_to_json(&t.value),
    }
}

/// Plans the deployment of `template` as stack `stack_name` with `params` (every parameter
/// value, defaults included), against what is deployed.
pub fn plan(
    template: &Template,
    stack_name: &str,
    params: &BTreeMap<String, String>,
    previous: &Previous,
) -> Result<Plan, PlanError> {
    let template_err = |message: String| PlanError::Template {
        source_name: template.source.clone(),
        message,
    };
    let stack_id = previous.stack_id.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{stack_name}/{}",
            new_uuid()
        )
    });
    let mut names = pseudo_parameters(stack_name, &stack_id);
    names.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
    // A parameter not given takes its default, as CloudFormation does.
    for (name, spec) in &template.parameters {
        if let Some(default) = &spec.default {
            names.entry(name.clone()).or_insert_with(|| default.clone());
        }
    }
    let conditions = template
        .conditions(&names)
        .map_err(|e| template_err(format!("Conditions: {e}")))?;
    // Resources whose condition is false are not made, as on AWS.
    let active = template.active_resources(&conditions);
    for (id, kind) in &active {
        if !SUPPORTED.iter().any(|(t, _)| t == kind) {
            return Err(PlanError::Unsupported {
                logical_id: id.clone(),
                resource_type: kind.clone(),
                supported: SUPPORTED
                    .iter()
                    .map(|(t, _)| *t)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let empty = BTreeMap::new();
    let nothing = Named {
        types: &active,
        physical: &empty,
    };
    let docs = template
        .doc
        .get("Resources")
        .and_then(serde_yaml::Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let resource_doc = |id: &str| docs.get(id).cloned().unwrap_or(serde_yaml::Value::Null);

    // Physical ids first: explicit names (which may only use parameters), else the previous
    // id of the same logical resource and type, else a generated one.
    let mut physical = BTreeMap::new();
    let mut replaced = BTreeMap::new();
    for (id, kind) in &active {
        let explicit = name_property(kind).and_then(|prop| {
            resource_doc(id)
                .get("Properties")
                .and_then(|p| p.get(prop))
                .cloned()
        });
        let explicit = match explicit {
            Some(value) => {
                let scope = Scope {
                    names: &names,
                    resources: &nothing,
                };
                let name = scope
                    .resolve_with(&value, &conditions)
                    .map_err(|e| template_err(format!("resource {id}: {e}")))?;
                // `AWS::NoValue` (null once resolved) leaves the name to CloudFormation.
                match name {
                    serde_yaml::Value::Null => None,
                    other => Some(scalar(&other).ok_or_else(|| {
                        template_err(format!("resource {id}: its name is not a string"))
                    })?),
                }
            }
            None => None,
        };
        let old = previous
            .resources
            .get(id)
            .filter(|(t, _, _)| t == kind)
            .map(|(_, p, _)| p.clone());
        let id_value = match (explicit, old) {
            (Some(name), Some(old)) if name != old => {
                replaced.insert(id.clone(), old);
                name
            }
            (Some(name), _) => name,
            (None, Some(old)) => old,
            (None, None) => generated_name(stack_name, id, kind),
        };
        physical.insert(id.clone(), id_value);
    }

    let scope_resources = Named {
        types: &active,
        physical: &physical,
    };
    let scope = Scope {
        names: &names,
        resources: &scope_resources,
    };
    let mut resources = Vec::new();
    let mut changes = Vec::new();
    for (id, kind) in &active {
        let props = resource_doc(id)
            .get("Properties")
            .cloned()
            .unwrap_or(serde_yaml::Value::Mapping(Default::default()));
        let resolved = scope
            .resolve_with(&props, &conditions)
            .map_err(|e| template_err(format!("resource {id}: {e}")))?;
        let properties = yaml_to_json(&resolved);
        let change = match previous.resources.get(id) {
            None => Some(("Add", None)),
            Some((t, _, _)) if t != kind => Some(("Modify", Some("True"))),
            Some(_) if replaced.contains_key(id) => Some(("Modify", Some("True"))),
            Some((_, _, old)) if *old != properties => Some(("Modify", Some("False"))),
            Some(_) => None,
        };
        if let Some((action, replacement)) = change {
            changes.push(ResourceChange {
                action: action.into(),
                logical_id: id.clone(),
                resource_type: kind.clone(),
                replacement: replacement.map(str::to_string),
            });
        }
        resources.push(StackResource {
            logical_id: id.clone(),
            resource_type: kind.clone(),
            physical_id: physical[id].clone(),
            properties,
        });
    }
    let mut removed = Vec::new();
    for (id, (kind, phys, _)) in &previous.resources {
        let gone = match active.get(id) {
            None => true,
            Some(t) => t != kind || replaced.contains_key(id),
        };
        if gone {
            removed.push((id.clone(), kind.clone(), phys.clone()));
            if !active.contains_key(id) {
                changes.push(ResourceChange {
                    action: "Remove".into(),
                    logical_id: id.clone(),
                    resource_type: kind.clone(),
                    replacement: None,
                });
            }
        }
    }

    let mut outputs = BTreeMap::new();
    if let Some(map) = template
        .doc
        .get("Outputs")
        .and_then(serde_yaml::Value::as_mapping)
    {
        for (name, output) in map {
            let name = scalar(name).unwrap_or_default();
            if !template.output_is_active(&name, &conditions) {
                continue;
            }
            let value = output
                .get("Value")
                .ok_or_else(|| template_err(format!("output {name} has no Value")))?;
            let value = scope
                .string_with(value, &conditions)
                .map_err(|e| template_err(format!("output {name}: {e}")))?;
            outputs.insert(name, value);
        }
    }
    Ok(Plan {
        stack_id,
        resources,
        removed,
        outputs,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("AlertEmail".to_string(), "ops@example.com".to_string()),
            ("HumidityThreshold".to_string(), "35".to_string()),
        ])
    }

    /// What the built-in template makes without just-in-time registration.
    const WITHOUT_JITR: [&str; 21] = [
        "AlertFunction",
        "AlertFunctionLogGroup",
        "AlertFunctionPermission",
        "AlertFunctionRole",
        "AlertRule",
        "AlertTopic",
        "ArchiveBucket",
        "ArchiveBucketPolicy",
        "ArchiveRule",
        "ArchiveRuleRole",
        "DevicePolicy",
        "FirmwareBucket",
        "FirmwareBucketPolicy",
        "JobsDownloadRole",
        "PairingFunction",
        "PairingFunctionLogGroup",
        "PairingFunctionPermission",
        "PairingFunctionRole",
        "PairingRule",
        "RuleErrorLogGroup",
        "RuleErrorRole",
    ];
    const JITR: [&str; 5] = [
        "JitrFunction",
        "JitrFunctionLogGroup",
        "JitrFunctionPermission",
        "JitrFunctionRole",
        "JitrRule",
    ];

    fn ids(p: &Plan) -> Vec<&str> {
        p.resources.iter().map(|r| r.logical_id.as_str()).collect()
    }

    fn resource<'a>(p: &'a Plan, id: &str) -> &'a StackResource {
        p.resources
            .iter()
            .find(|r| r.logical_id == id)
            .unwrap_or_else(|| panic!("{id} is planned"))
    }

    fn with_jitr(value: &str) -> BTreeMap<String, String> {
        let mut p = params();
        p.insert("EnableJustInTimeRegistration".into(), value.into());
        p
    }

    #[test]
    fn the_builtin_template_plans_every_resource() {
        let t = Template::builtin().unwrap();
        let p = plan(&t, "soil", &params(), &Previous::default()).unwrap();
        assert_eq!(ids(&p), WITHOUT_JITR);
        let switched_off = plan(&t, "soil", &with_jitr("false"), &Previous::default()).unwrap();
        assert_eq!(ids(&switched_off), WITHOUT_JITR);
        assert_eq!(
            p.outputs.keys().collect::<Vec<_>>(),
            [
                "AlertFunctionName",
                "AlertRuleName",
                "AlertTopicArn",
                "ArchiveBucketName",
                "ArchiveRuleName",
                "DevicePolicyName",
                "FirmwareBucketName",
                "JobsDownloadRoleArn",
                "PairingFunctionName",
                "PairingRuleName",
                "RuleErrorLogGroupName"
            ]
        );
        assert!(p.changes.iter().all(|c| c.action == "Add"));
        let bucket = &p.outputs["ArchiveBucketName"];
        assert!(bucket.starts_with("soil-archivebucket-"), "{bucket}");
        assert_eq!(bucket.len(), "soil-archivebucket-".len() + 12);
        let policy = &p.outputs["DevicePolicyName"];
        assert!(policy.starts_with("soil-DevicePolicy-"), "{policy}");
        let rule = p
            .resources
            .iter()
            .find(|r| r.logical_id == "AlertRule")
            .unwrap();
        assert_eq!(
            rule.properties["TopicRulePayload"]["Sql"],
            "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35"
        );
        let device_policy = p
            .resources
            .iter()
            .find(|r| r.logical_id == "DevicePolicy")
            .unwrap();
        let doc = device_policy.properties["PolicyDocument"].to_string();
        assert!(
            doc.contains("arn:aws:iot:local:000000000000:client/${iot:Connection.Thing.ThingName}"),
            "{doc}"
        );
        assert_eq!(
            p.outputs["AlertTopicArn"],
            p.resources
                .iter()
                .find(|r| r.logical_id == "AlertTopic")
                .unwrap()
                .physical_id
        );
    }

    #[test]
    fn just_in_time_registration_adds_its_rule_function_role_and_outputs() {
        let t = Template::builtin().unwrap();
        let p = plan(&t, "soil", &with_jitr("true"), &Previous::default()).unwrap();
        let mut expected: Vec<&str> = WITHOUT_JITR.iter().chain(JITR.iter()).copied().collect();
        expected.sort();
        assert_eq!(ids(&p), expected);
        let rule = resource(&p, "JitrRule");
        assert_eq!(
            rule.properties["TopicRulePayload"]["Sql"],
            r#"SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION""#
        );
        let function = resource(&p, "JitrFunction");
        assert_eq!(
            rule.properties["TopicRulePayload"]["Actions"][0]["Lambda"]["FunctionArn"],
            format!(
                "arn:aws:lambda:local:000000000000:function:{}",
                function.physical_id
            )
        );
        let env = &function.properties["Environment"]["Variables"];
        assert_eq!(env["STACK_NAME"], "soil");
        assert_eq!(env["POLICY_NAME"], p.outputs["DevicePolicyName"].as_str());
        assert_eq!(p.outputs["JitrRuleName"], rule.physical_id);
        assert_eq!(p.outputs["JitrFunctionName"], function.physical_id);
        let permission = resource(&p, "JitrFunctionPermission");
        assert_eq!(
            permission.properties["SourceArn"],
            format!("arn:aws:iot:local:000000000000:rule/{}", rule.physical_id)
        );
    }

    #[test]
    fn switching_registration_on_and_off_adds_and_removes_only_its_part() {
        let t = Template::builtin().unwrap();
        let first = plan(&t, "soil", &params(), &Previous::default()).unwrap();
        let previous = Previous::of(&first.stack_id, &first.resources);
        let on = plan(&t, "soil", &with_jitr("true"), &previous).unwrap();
        let added: Vec<(&str, &str)> = on
            .changes
            .iter()
            .map(|c| (c.action.as_str(), c.logical_id.as_str()))
            .collect();
        assert_eq!(added, JITR.map(|id| ("Add", id)));
        assert!(on.removed.is_empty());
        for id in WITHOUT_JITR {
            assert_eq!(
                resource(&on, id).physical_id,
                resource(&first, id).physical_id
            );
        }

        let previous = Previous::of(&on.stack_id, &on.resources);
        let off = plan(&t, "soil", &with_jitr("false"), &previous).unwrap();
        assert_eq!(ids(&off), WITHOUT_JITR);
        let removed: Vec<(&str, &str)> = off
            .changes
            .iter()
            .map(|c| (c.action.as_str(), c.logical_id.as_str()))
            .collect();
        assert_eq!(removed, JITR.map(|id| ("Remove", id)));
        let gone: Vec<&str> = off.removed.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(gone, JITR);
        assert!(!off.outputs.contains_key("JitrRuleName"));
    }

    #[test]
    fn conditions_decide_resources_properties_and_outputs() {
        let body = r#"
Parameters:
  Big:
    Type: String
    AllowedValues: ["yes", "no"]
    Default: "no"
Conditions:
  IsBig: !Equals [!Ref Big, "yes"]
  IsSmall: !Not [!Condition IsBig]
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !If [IsBig, 365, 7]
      LogGroupName: !If [IsBig, big-logs, !Ref AWS::NoValue]
  Table:
    Type: AWS::DynamoDB::Table
    Condition: IsBig
    Properties: {}
Outputs:
  Retention:
    Value: !If [IsBig, long, short]
  TableName:
    Condition: IsBig
    Value: !Ref Table
  Small:
    Condition: IsSmall
    Value: !Ref Logs
"#;
        let t = Template::parse(body, "t.yaml").unwrap();
        let small = BTreeMap::from([("Big".to_string(), "no".to_string())]);
        // The unsupported table is not made, so it does not stop the plan.
        let p = plan(&t, "soil", &small, &Previous::default()).unwrap();
        assert_eq!(ids(&p), ["Logs"]);
        let logs = resource(&p, "Logs");
        assert_eq!(logs.properties, serde_json::json!({"RetentionInDays": 7}));
        assert!(
            logs.physical_id.starts_with("soil-Logs-"),
            "{}",
            logs.physical_id
        );
        assert_eq!(
            p.outputs,
            BTreeMap::from([
                ("Retention".to_string(), "short".to_string()),
                ("Small".to_string(), logs.physical_id.clone()),
            ])
        );
        let big = BTreeMap::from([("Big".to_string(), "yes".to_string())]);
        let err = plan(&t, "soil", &big, &Previous::default()).unwrap_err();
        assert!(err.to_string().contains("AWS::DynamoDB::Table"), "{err}");

        let broken = body.replace("!Equals [!Ref Big, \"yes\"]", "!Equals [!Ref Logs, x]");
        let t = Template::parse(&broken, "t.yaml").unwrap();
        let err = plan(&t, "soil", &small, &Previous::default()).unwrap_err();
        assert!(err.to_string().contains("Conditions"), "{err}");
    }

    #[test]
    fn a_redeploy_keeps_names_and_lists_only_what_changed() {
        let t = Template::builtin().unwrap();
        let first = plan(&t, "soil", &params(), &Previous::default()).unwrap();
        let previous = Previous::of(&first.stack_id, &first.resources);
        let mut p = params();
        p.insert("HumidityThreshold".into(), "40".into());
        let second = plan(&t, "soil", &p, &previous).unwrap();
        assert_eq!(second.stack_id, first.stack_id);
        assert_eq!(second.outputs, first.outputs);
        let changed: Vec<&str> = second
            .changes
            .iter()
            .map(|c| c.logical_id.as_str())
            .collect();
        assert_eq!(changed, ["AlertRule"]);
        assert_eq!(second.changes[0].action, "Modify");
        assert!(second.removed.is_empty());
        let same = plan(&t, "soil", &params(), &previous).unwrap();
        assert!(same.changes.is_empty());
    }

    #[test]
    fn an_unsupported_type_is_named() {
        let body = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n";
        let t = Template::parse(body, "t.yaml").unwrap();
        let err = plan(&t, "soil", &BTreeMap::new(), &Previous::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Table"), "{text}");
        assert!(text.contains("AWS::DynamoDB::Table"), "{text}");
        assert!(text.contains("cannot run"), "{text}");
    }
}
