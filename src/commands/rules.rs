//! `soilctl rules test`: evaluate IoT SQL offline, one statement or every topic rule of a
//! template, against one message. No AWS account, no backend.

use std::collections::BTreeMap;
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::bad_input;
use crate::iotsql::{self, Message, Output, SqlVersion, Statement};
use crate::printer::Printer;
use crate::template::Template;
use crate::template::intrinsics::{Placeholders, Scope};

#[derive(Debug, Clone)]
pub struct RulesTestSettings {
    pub sql: Option<String>,
    pub template: Option<std::path::PathBuf>,
    pub topic: String,
    pub payload: Vec<u8>,
    pub sql_version: Option<String>,
    pub client_id: Option<String>,
    pub principal: Option<String>,
    pub timestamp_ms: i64,
    pub substitute: Vec<String>,
    pub params: BTreeMap<String, String>,
}

/// Reads `--payload`: the text itself, or the bytes of FILE for `@FILE`.
pub fn read_payload(arg: &str) -> anyhow::Result<Vec<u8>> {
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read(path)
            .map_err(|e| bad_input(format!("cannot read payload file {path}: {e}"))),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

/// Parses `K=V` pairs.
pub fn parse_params(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| bad_input(format!("--param {p:?} must be NAME=VALUE")))
        })
        .collect()
}

fn version(text: Option<&str>, flag: &str, default: SqlVersion) -> anyhow::Result<SqlVersion> {
    match text {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            bad_input(format!(
                "{flag} {v:?} is not an IoT SQL version: use 2016-03-23 or 2015-10-08"
            ))
        }),
    }
}

/// Parses SQL, printing the diagnostic (source line and caret) on stderr when it is wrong.
fn parse_sql(
    sql: &str,
    version: SqlVersion,
    printer: &Printer,
    what: &str,
) -> anyhow::Result<Statement> {
    iotsql::parse(sql, version).map_err(|diagnostic| {
        printer.info(diagnostic.to_string());
        bad_input(format!(
            "{what} is not valid IoT SQL: {}",
            diagnostic.message
        ))
    })
}

fn output_json(output: &Option<Output>) -> Value {
    match output {
        None => Value::Null,
        Some(Output::Json(v)) => v.clone(),
        Some(Output::Binary(bytes)) => json!({ "binaryBase64": STANDARD.encode(bytes) }),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SqlResult {
    fired: bool,
    output: Value,
    substitutions: BTreeMap<String, String>,
    sql: String,
    sql_version: String,
    topic: String,
}

pub fn run(s: &RulesTestSettings, printer: &Printer) -> anyhow::Result<ExitCode> {
    let message = Message {
        topic: &s.topic,
        payload: &s.payload,
        client_id: s.client_id.as_deref(),
        principal: s.principal.as_deref(),
        timestamp_ms: s.timestamp_ms,
        account_id: "123456789012",
        trace_id: None,
    };
    if serde_json::from_slice::<Value>(&s.payload).is_err() {
        printer.info("note: the payload is not JSON; it is treated as binary, as AWS IoT does");
    }
    match (&s.sql, &s.template) {
        (Some(sql), _) => test_sql(s, sql, &message, printer),
        (None, Some(path)) => test_template(s, path, &message, printer),
        (None, None) => Err(bad_input("pass --sql SQL or --template FILE")),
    }
}

fn test_sql(
    s: &RulesTestSettings,
    sql: &str,
    message: &Message,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    // The version the AWS console proposes for new rules.
    let version = version(
        s.sql_version.as_deref(),
        "--sql-version",
        SqlVersion::V2016_03_23,
    )?;
    let statement = parse_sql(sql, version, printer, "--sql")?;
    let output = statement
        .evaluate(message)
        .map_err(|e| anyhow::anyhow!("evaluating the rule failed: {e}"))?;
    let mut substitutions = BTreeMap::new();
    for text in &s.substitute {
        let template = iotsql::Template::parse(text, version).map_err(|d| {
            printer.info(d.to_string());
            bad_input(format!(
                "--substitute {text:?} is not a valid substitution template: {}",
                d.message
            ))
        })?;
        let rendered = template
            .render(message)
            .map_err(|e| anyhow::anyhow!("substituting {text:?} failed: {e}"))?;
        substitutions.insert(text.clone(), rendered);
    }
    let result = SqlResult {
        fired: output.is_some(),
        output: output_json(&output),
        substitutions,
        sql: statement.to_string(),
        sql_version: version.to_string(),
        topic: s.topic.clone(),
    };
    printer.result(&result, || {
        let mut text = if result.fired {
            format!("fired: yes\noutput: {}\n", pretty(&result.output))
        } else if statement.matches_topic(&s.topic) {
            "fired: no (WHERE rejected the message)\n".to_string()
        } else {
            format!(
                "fired: no (topic {} does not match {})\n",
                s.topic,
                statement.topic_filter()
            )
        };
        for (k, v) in &result.substitutions {
            text.push_str(&format!("{k} = {v}\n"));
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleResult {
    rule: String,
    sql: String,
    sql_version: String,
    disabled: bool,
    fired: bool,
    output: Value,
    actions: Vec<Value>,
    error_action: Option<Value>,
}

fn test_template(
    s: &RulesTestSettings,
    path: &std::path::Path,
    message: &Message,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let template = Template::from_file(path)?;
    let mut names = template.parameter_values(&s.params)?;
    for (k, v) in [
        ("AWS::Region", "us-east-1"),
        ("AWS::AccountId", message.account_id),
        ("AWS::Partition", "aws"),
        ("AWS::StackName", "iot-backend"),
        ("AWS::URLSuffix", "amazonaws.com"),
    ] {
        names.insert(k.to_string(), v.to_string());
    }
    let scope = Scope {
        names: &names,
        resources: &Placeholders,
    };
    let rules = template
        .topic_rules(&scope)
        .map_err(|e| bad_input(format!("template {}: {e}", template.source)))?;
    if rules.is_empty() {
        return Err(bad_input(format!(
            "template {} has no AWS::IoT::TopicRule",
            template.source
        )));
    }
    let mut results = Vec::new();
    for rule in &rules {
        // A rule without AwsIotSqlVersion runs as 2015-10-08 on AWS.
        let version = version(
            rule.sql_version.as_deref(),
            &format!("rule {} AwsIotSqlVersion", rule.logical_id),
            SqlVersion::V2015_10_08,
        )?;
        let statement = parse_sql(
            &rule.sql,
            version,
            printer,
            &format!("the Sql of rule {}", rule.logical_id),
        )?;
        let output = if rule.disabled {
            None
        } else {
            statement
                .evaluate(message)
                .map_err(|e| anyhow::anyhow!("rule {}: {e}", rule.logical_id))?
        };
        let fired = output.is_some();
        let mut actions = Vec::new();
        if fired {
            for action in &rule.actions {
                actions.push(describe_action(action, &output, message, version)?);
            }
        }
        let error_action = rule
            .error_action
            .as_ref()
            .map(|a| json!({ "kind": a.kind, "fields": a.fields }));
        results.push(RuleResult {
            rule: rule.logical_id.clone(),
            sql: rule.sql.clone(),
            sql_version: version.to_string(),
            disabled: rule.disabled,
            fired,
            output: output_json(&output),
            actions,
            error_action,
        });
    }
    #[derive(Serialize)]
    struct TemplateResult {
        topic: String,
        rules: Vec<RuleResult>,
    }
    let result = TemplateResult {
        topic: s.topic.clone(),
        rules: results,
    };
    printer.result(&result, || {
        let mut text = String::new();
        for r in &result.rules {
            text.push_str(&format!(
                "{}: {}\n  {}\n",
                r.rule,
                if r.disabled {
                    "disabled"
                } else if r.fired {
                    "fires"
                } else {
                    "does not fire"
                },
                r.sql
            ));
            for a in &r.actions {
                text.push_str(&format!("  -> {}\n", describe_action_text(a)));
            }
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What one action would do with the rule's output.
fn describe_action(
    action: &crate::template::rules::Action,
    output: &Option<Output>,
    message: &Message,
    version: SqlVersion,
) -> anyhow::Result<Value> {
    let render = |field: &str| -> anyhow::Result<Option<String>> {
        let Some(text) = action.fields.get(field) else {
            return Ok(None);
        };
        let template = iotsql::Template::parse(text, version).map_err(|d| {
            bad_input(format!(
                "{} action field {field} {text:?}: {}",
                action.kind, d.message
            ))
        })?;
        Ok(Some(template.render(message).map_err(|e| {
            anyhow::anyhow!("{} action field {field}: {e}", action.kind)
        })?))
    };
    let body = output_json(output);
    Ok(match action.kind.as_str() {
        "S3" => json!({
            "kind": "S3",
            "bucket": render("BucketName")?,
            "key": render("Key")?,
            "body": body,
        }),
        "Lambda" => {
            json!({ "kind": "Lambda", "function": action.fields.get("FunctionArn"), "input": body })
        }
        "Republish" => {
            json!({ "kind": "Republish", "topic": render("Topic")?, "qos": action.fields.get("Qos"), "payload": body })
        }
        "Sns" => json!({ "kind": "Sns", "topic": action.fields.get("TargetArn"), "message": body }),
        other => json!({ "kind": other, "fields": action.fields, "input": body }),
    })
}

fn describe_action_text(action: &Value) -> String {
    let str_of = |k: &str| {
        action
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_string()
    };
    match action["kind"].as_str().unwrap_or_default() {
        "S3" => format!(
            "S3 put s3://{}/{}: {}",
            str_of("bucket"),
            str_of("key"),
            compact(&action["body"])
        ),
        "Lambda" => format!(
            "Lambda invoke {} with {}",
            str_of("function"),
            compact(&action["input"])
        ),
        "Republish" => format!(
            "republish to {}: {}",
            str_of("topic"),
            compact(&action["payload"])
        ),
        other => format!("{other}: {}", compact(action)),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
