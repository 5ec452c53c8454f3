//! Policy documents: `Version` and `Statement` (one object or an array), each statement
//! with `Sid`, `Effect`, `Action`, `Resource` and `Condition`. Elements the AWS IoT guide
//! does not describe for IoT policies (`NotAction`, `NotResource`, `Principal`,
//! `NotPrincipal`) are rejected rather than ignored.

use serde_json::{Map, Value};

use super::condition::Condition;
use super::context::{Action, Context};
use super::error::PolicyError;
use super::variables::Template;
use super::wildcard::Pattern;

/// A statement's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

/// One parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    /// The `Sid`, or `Statement[<index>]` when there is none.
    pub(crate) label: String,
    pub(crate) effect: Effect,
    actions: Vec<Pattern>,
    resources: Vec<Template>,
    condition: Condition,
}

impl Statement {
    /// Whether this statement covers `action` on `arn` for this connection. Resources or
    /// conditions with unresolvable variables do not match.
    pub(crate) fn applies(&self, ctx: &Context, action: Action, arn: &str) -> bool {
        self.actions.iter().any(|p| p.matches(action.as_str()))
            && self
                .resources
                .iter()
                .any(|r| r.resolve_pattern(ctx).is_some_and(|p| p.matches(arn)))
            && self.condition.holds(ctx)
    }
}

/// A parsed AWS IoT Core policy document with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    name: String,
    pub(crate) statements: Vec<Statement>,
}

impl Policy {
    /// Parse a policy document. Errors name the policy and, where it applies, the statement.
    pub fn parse(name: &str, json: &str) -> Result<Policy, PolicyError> {
        let doc: Value = serde_json::from_str(json)
            .map_err(|e| PolicyError::new(name, format!("not valid JSON: {e}")))?;
        let statements = parse_document(&doc).map_err(|message| PolicyError::new(name, message))?;
        Ok(Policy {
            name: name.to_owned(),
            statements,
        })
    }

    /// The policy's name as given to [`Policy::parse`].
    pub fn name(&self) -> &str {
        &self.name
    }
}

const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

fn parse_document(doc: &Value) -> Result<Vec<Statement>, String> {
    let doc = doc
        .as_object()
        .ok_or("the document must be a JSON object")?;
    for key in doc.keys() {
        if !matches!(key.as_str(), "Version" | "Statement" | "Id") {
            return Err(format!("unknown top-level element `{key}`"));
        }
    }
    if let Some(version) = doc.get("Version")
        && !version.as_str().is_some_and(|v| VERSIONS.contains(&v))
    {
        return Err(format!(
            "unsupported `Version` {version}, expected \"2012-10-17\""
        ));
    }
    let statements: Vec<&Value> = match doc.get("Statement") {
        None => return Err("missing `Statement`".into()),
        Some(Value::Array(items)) if items.is_empty() => {
            return Err("`Statement` is an empty array".into());
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    statements
        .into_iter()
        .enumerate()
        .map(|(index, statement)| {
            let label = format!("Statement[{index}]");
            parse_statement(statement, label.clone()).map_err(|e| format!("{label}: {e}"))
        })
        .collect()
}

fn parse_statement(value: &Value, default_label: String) -> Result<Statement, String> {
    let obj = value
        .as_object()
        .ok_or("a statement must be a JSON object")?;
    for key in obj.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Action" | "Resource" | "Condition" => {}
            "NotAction" | "NotResource" | "Principal" | "NotPrincipal" => {
                return Err(format!("`{key}` is not supported in AWS IoT Core policies"));
            }
            other => return Err(format!("unknown element `{other}`")),
        }
    }
    let label = match obj.get("Sid") {
        None => default_label,
        Some(Value::String(sid)) if !sid.is_empty() => sid.clone(),
        Some(_) => return Err("`Sid` must be a non-empty string".into()),
    };
    let effect = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => {
            return Err(format!(
                "`Effect` must be \"Allow\" or \"Deny\", got {other:?}"
            ));
        }
        None => return Err("missing `Effect`".into()),
    };
    let actions = strings(obj, "Action")?
        .iter()
        .map(|a| Pattern::glob(a))
        .collect();
    let resources = strings(obj, "Resource")?
        .iter()
        .map(|r| Template::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let condition = match obj.get("Condition") {
        Some(c) => Condition::parse(c)?,
        None => Condition::default(),
    };
    Ok(Statement {
        label,
        effect,
        actions,
        resources,
        condition,
    })
}

/// A required element that is a non-empty string or a non-empty array of them.
fn strings(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    let bad = || format!("`{key}` must be a non-empty string or an array of them");
    let nonempty = |v: &Value| match v {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(bad()),
    };
    match obj.get(key) {
        None => Err(format!("missing `{key}`")),
        Some(Value::Array(items)) if items.is_empty() => Err(bad()),
        Some(Value::Array(items)) => items.iter().map(nonempty).collect(),
        Some(one) => Ok(vec![nonempty(one)?]),
    }
}
