//! The template's `AWS::IoT::TopicRule` resources as plain data: SQL, SQL version, actions and
//! error action, with intrinsic functions resolved. Rules whose condition is false are left
//! out, as CloudFormation would not make them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::Value;

use super::Template;
use super::intrinsics::{ResolveError, Scope, scalar};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopicRule {
    pub logical_id: String,
    pub sql: String,
    /// As written in the template; AWS's default (2015-10-08) when absent.
    pub sql_version: Option<String>,
    pub disabled: bool,
    pub actions: Vec<Action>,
    pub error_action: Option<Action>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// The action's key in the template: `S3`, `Lambda`, `Republish`, `CloudwatchLogs`, ...
    pub kind: String,
    /// Its properties, resolved, as strings (nested values as JSON text).
    pub fields: BTreeMap<String, String>,
}

impl Template {
    /// Every topic rule the template makes with the parameter values in `scope`, resolved in
    /// `scope`.
    pub fn topic_rules(&self, scope: &Scope) -> Result<Vec<TopicRule>, ResolveError> {
        let mut rules = Vec::new();
        let Some(resources) = self.doc.get("Resources").and_then(Value::as_mapping) else {
            return Ok(rules);
        };
        let conditions = self.conditions(scope.names)?;
        let active = self.active_resources(&conditions);
        for (id, resource) in resources {
            if resource.get("Type").and_then(Value::as_str) != Some("AWS::IoT::TopicRule") {
                continue;
            }
            let id = scalar(id).unwrap_or_default();
            if !active.contains_key(&id) {
                continue;
            }
            let context = |e: ResolveError| ResolveError(format!("topic rule {id}: {e}"));
            let payload = resource
                .get("Properties")
                .and_then(|p| p.get("TopicRulePayload"))
                .ok_or_else(|| ResolveError(format!("topic rule {id} has no TopicRulePayload")))?;
            let payload = scope.resolve_with(payload, &conditions).map_err(context)?;
            let sql = payload
                .get("Sql")
                .and_then(scalar)
                .ok_or_else(|| ResolveError(format!("topic rule {id} has no Sql")))?;
            let actions = payload
                .get("Actions")
                .and_then(Value::as_sequence)
                .map(|list| list.iter().filter_map(action).collect())
                .unwrap_or_default();
            rules.push(TopicRule {
                logical_id: id.clone(),
                sql,
                sql_version: payload.get("AwsIotSqlVersion").and_then(scalar),
                disabled: payload
                    .get("RuleDisabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                actions,
                error_action: payload.get("ErrorAction").and_then(action),
            });
        }
        Ok(rules)
    }
}

fn action(value: &Value) -> Option<Action> {
    let (kind, props) = value.as_mapping()?.iter().next()?;
    let mut fields = BTreeMap::new();
    if let Some(map) = props.as_mapping() {
        for (k, v) in map {
            let text = scalar(v).unwrap_or_else(|| serde_json::to_string(v).unwrap_or_default());
            fields.insert(scalar(k).unwrap_or_default(), text);
        }
    }
    Some(Action {
        kind: scalar(kind)?,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::intrinsics::Placeholders;

    #[test]
    fn the_builtin_templates_rules() {
        let t = Template::builtin().unwrap();
        let names = BTreeMap::from([("HumidityThreshold".to_string(), "30".to_string())]);
        let scope = Scope {
            names: &names,
            resources: &Placeholders,
        };
        let rules = t.topic_rules(&scope).unwrap();
        assert_eq!(rules.len(), 3, "archive, alert and pairing");
        let alert = rules.iter().find(|r| r.logical_id == "AlertRule").unwrap();
        assert_eq!(
            alert.sql,
            "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 30"
        );
        assert_eq!(alert.sql_version.as_deref(), Some("2016-03-23"));
        assert_eq!(alert.actions[0].kind, "Lambda");
        assert_eq!(
            alert.actions[0].fields["FunctionArn"],
            "<AlertFunction.Arn>"
        );
        let archive = rules
            .iter()
            .find(|r| r.logical_id == "ArchiveRule")
            .unwrap();
        assert_eq!(archive.actions[0].kind, "S3");
        assert_eq!(
            archive.actions[0].fields["Key"],
            "${topic(2)}/${timestamp()}-${newuuid()}.json"
        );
        assert_eq!(archive.actions[0].fields["BucketName"], "<ArchiveBucket>");
        assert_eq!(
            archive.error_action.as_ref().unwrap().kind,
            "CloudwatchLogs"
        );
    }

    #[test]
    fn the_registration_rule_comes_with_its_parameter() {
        let t = Template::builtin().unwrap();
        let rules_with = |enabled: &str| {
            let names = BTreeMap::from([
                ("HumidityThreshold".to_string(), "35".to_string()),
                (
                    "EnableJustInTimeRegistration".to_string(),
                    enabled.to_string(),
                ),
            ]);
            let scope = Scope {
                names: &names,
                resources: &Placeholders,
            };
            t.topic_rules(&scope).unwrap()
        };
        let ids = |rules: &[TopicRule]| -> Vec<String> {
            rules.iter().map(|r| r.logical_id.clone()).collect()
        };
        assert_eq!(
            ids(&rules_with("false")),
            ["ArchiveRule", "AlertRule", "PairingRule"]
        );
        let on = rules_with("true");
        assert_eq!(
            ids(&on),
            ["ArchiveRule", "AlertRule", "JitrRule", "PairingRule"]
        );
        let jitr = &on[2];
        assert_eq!(
            jitr.sql,
            r#"SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION""#
        );
        assert_eq!(jitr.sql_version.as_deref(), Some("2016-03-23"));
        assert_eq!(jitr.actions[0].kind, "Lambda");
        assert_eq!(jitr.actions[0].fields["FunctionArn"], "<JitrFunction.Arn>");
        assert_eq!(jitr.error_action.as_ref().unwrap().kind, "CloudwatchLogs");
    }

    #[test]
    fn rules_choose_by_fn_if_and_skip_false_conditions() {
        let body = r#"
Parameters:
  Mode: {Type: String, Default: loud}
Conditions:
  Loud: !Equals [!Ref Mode, loud]
  Quiet: !Not [!Condition Loud]
Resources:
  Always:
    Type: AWS::IoT::TopicRule
    Properties:
      TopicRulePayload:
        Sql: !If [Loud, "SELECT * FROM 'a'", "SELECT x FROM 'a'"]
        Actions:
          - Republish: {Topic: out, Qos: !If [Loud, 1, !Ref AWS::NoValue]}
  OnlyQuiet:
    Type: AWS::IoT::TopicRule
    Condition: Quiet
    Properties:
      TopicRulePayload: {Sql: "SELECT * FROM 'b'", Actions: []}
"#;
        let t = Template::parse(body, "t.yaml").unwrap();
        let run = |mode: &str| {
            let names = BTreeMap::from([("Mode".to_string(), mode.to_string())]);
            let scope = Scope {
                names: &names,
                resources: &Placeholders,
            };
            t.topic_rules(&scope).unwrap()
        };
        let loud = run("loud");
        assert_eq!(loud.len(), 1);
        assert_eq!(loud[0].sql, "SELECT * FROM 'a'");
        assert_eq!(
            loud[0].actions[0].fields.get("Qos").map(String::as_str),
            Some("1")
        );
        let quiet = run("quiet");
        assert_eq!(quiet.len(), 2);
        assert_eq!(quiet[0].sql, "SELECT x FROM 'a'");
        assert_eq!(quiet[0].actions[0].fields.get("Qos"), None);
        assert_eq!(quiet[1].logical_id, "OnlyQuiet");
    }
}
