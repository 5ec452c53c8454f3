//! AWS IoT's topic rules (GetTopicRule, ListTopicRules, DisableTopicRule, EnableTopicRule)
//! over the registry's rules, which are the deployed stacks' `AWS::IoT::TopicRule` resources.
//! The registry keeps each rule's `TopicRulePayload` as CloudFormation spells it
//! (`Sql`, `RuleDisabled`, `Actions: [{S3: {BucketName: ...}}]`); the API answers in its own
//! spelling (`sql`, `ruleDisabled`, `actions: [{s3: {bucketName: ...}}]`). Disabling a rule
//! rewrites its `RuleDisabled`: the running backend reloads its rules on the registry change
//! and stops running it within its reload interval.

use serde_json::{Map, Value, json};

use super::Request;
use super::iot::{Answer, Failure};
use super::iot_security::{empty, epoch_seconds};
use super::paging;
use super::reply::Reply;
use crate::iotsql::SqlVersion;
use crate::local::registry::{Registry, TopicRuleRecord};

const DEFAULT_PAGE: usize = 1000;
const MAX_PAGE: usize = 10000;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(registry: &Registry, req: &Request, segments: &[&str]) -> Option<Answer> {
    Some(match (req.method.as_str(), segments) {
        ("GET", ["rules"]) => list(registry, req),
        ("GET", ["rules", name]) => get(registry, name),
        ("POST", ["rules", name, "disable"]) => set_disabled(registry, name, true),
        ("POST", ["rules", name, "enable"]) => set_disabled(registry, name, false),
        _ => return None,
    })
}

/// AWS IoT answers UnauthorizedException for a rule that does not exist.
fn missing(name: &str) -> Failure {
    Failure::Aws {
        status: 401,
        code: "UnauthorizedException",
        message: format!("Access to topic rule '{name}' was denied"),
    }
}

fn require(registry: &Registry, name: &str) -> Result<TopicRuleRecord, Failure> {
    crate::local::registry::check_rule_name(name)?;
    registry.topic_rule(name)?.ok_or_else(|| missing(name))
}

/// `RuleDisabled` as CloudFormation takes it (a boolean, or "true"/"false").
pub(super) fn is_disabled(payload: &Value) -> bool {
    match payload.get("RuleDisabled") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A CloudFormation-spelled value in the API's spelling: every key's first letter lowercase.
pub(super) fn camel(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = match chars.next() {
                        Some(first) => first.to_lowercase().chain(chars).collect(),
                        None => String::new(),
                    };
                    (key, camel(v))
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(camel).collect()),
        other => other.clone(),
    }
}

fn sql_version(payload: &Value) -> String {
    payload
        .get("AwsIotSqlVersion")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| SqlVersion::default().to_string())
}

/// The FROM clause's topic filter, as ListTopicRules' `topicPattern`.
fn topic_pattern(payload: &Value) -> String {
    let sql = payload
        .get("Sql")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let version = sql_version(payload).parse().unwrap_or_default();
    crate::iotsql::parse(sql, version)
        .map(|s| s.topic_filter().to_owned())
        .unwrap_or_default()
}

fn get(registry: &Registry, name: &str) -> Answer {
    let rule = require(registry, name)?;
    let p = &rule.payload;
    let mut body = json!({
        "ruleName": rule.name,
        "sql": p.get("Sql").cloned().unwrap_or(Value::Null),
        "createdAt": epoch_seconds(rule.created_ms),
        "actions": camel(p.get("Actions").unwrap_or(&json!([]))),
        "ruleDisabled": is_disabled(p),
        "awsIotSqlVersion": sql_version(p),
    });
    if let Some(description) = p.get("Description").and_then(Value::as_str) {
        body["description"] = Value::String(description.to_owned());
    }
    if let Some(error_action) = p.get("ErrorAction").filter(|a| !a.is_null()) {
        body["errorAction"] = camel(error_action);
    }
    Ok(Reply::json(&json!({ "ruleArn": rule.arn, "rule": body })))
}

fn list(registry: &Registry, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let disabled = match req.query("ruleDisabled") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(Failure::Invalid(format!(
                "ruleDisabled must be true or false, not {other:?}"
            )));
        }
    };
    let topic = req.query("topic");
    let rules: Vec<TopicRuleRecord> = registry
        .topic_rules()?
        .into_iter()
        .filter(|r| disabled.is_none_or(|d| is_disabled(&r.payload) == d))
        .filter(|r| topic.is_none_or(|t| topic_pattern(&r.payload) == t))
        .collect();
    let (listed, next) = paging::page(rules, |r| r.name.clone(), after.as_deref(), size);
    let rules: Vec<Value> = listed
        .iter()
        .map(|r| {
            json!({
                "ruleArn": r.arn,
                "ruleName": r.name,
                "topicPattern": topic_pattern(&r.payload),
                "createdAt": epoch_seconds(r.created_ms),
                "ruleDisabled": is_disabled(&r.payload),
            })
        })
        .collect();
    let mut body = json!({ "rules": rules });
    if let Some(next) = next {
        body["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

fn set_disabled(registry: &Registry, name: &str, disabled: bool) -> Answer {
    let rule = require(registry, name)?;
    if is_disabled(&rule.payload) == disabled {
        return Ok(empty());
    }
    let mut payload = rule.payload.clone();
    if let Some(map) = payload.as_object_mut() {
        map.insert("RuleDisabled".to_owned(), Value::Bool(disabled));
    }
    registry.replace_topic_rule(name, &payload)?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use super::*;

    #[test]
    fn rules_are_listed_described_in_the_apis_spelling_and_disabled() {
        let (_dir, local) = local();
        local
            .registry
            .create_topic_rule(
                "archive",
                &json!({
                    "Sql": "SELECT * FROM 'device/+/devicePayload'",
                    "AwsIotSqlVersion": "2016-03-23",
                    "Actions": [{"S3": {"BucketName": "b", "Key": "k", "RoleArn": "r"}}],
                    "ErrorAction": {"CloudwatchLogs": {"LogGroupName": "g", "RoleArn": "r"}},
                }),
            )
            .unwrap();
        let listed = body(&handle(&local, &request("GET", "/rules", &[], "")));
        assert_eq!(listed["rules"][0]["topicPattern"], "device/+/devicePayload");
        assert_eq!(listed["rules"][0]["ruleDisabled"], false);
        let got = body(&handle(&local, &request("GET", "/rules/archive", &[], "")));
        assert_eq!(got["rule"]["actions"][0]["s3"]["bucketName"], "b");
        assert_eq!(
            got["rule"]["errorAction"]["cloudwatchLogs"]["logGroupName"],
            "g"
        );
        let generation = local.registry.generation().unwrap();
        let off = handle(&local, &request("POST", "/rules/archive/disable", &[], ""));
        assert_eq!(off.status, 200, "{off:?}");
        // The running backend notices the change and reloads its rules.
        assert!(local.registry.generation().unwrap() > generation);
        let stored = local.registry.topic_rule("archive").unwrap().unwrap();
        assert!(is_disabled(&stored.payload));
        let enabled = body(&handle(
            &local,
            &request("GET", "/rules", &[("ruleDisabled", "false")], ""),
        ));
        assert_eq!(enabled["rules"], json!([]));
        handle(&local, &request("POST", "/rules/archive/enable", &[], ""));
        let got = body(&handle(&local, &request("GET", "/rules/archive", &[], "")));
        assert_eq!(got["rule"]["ruleDisabled"], false);
        let missing = handle(&local, &request("GET", "/rules/nope", &[], ""));
        assert_eq!(
            (missing.status, error_type(&missing)),
            (401, Some("UnauthorizedException"))
        );
    }
}
