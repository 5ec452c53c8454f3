//! From `TopicRulePayload` JSON to rules ready to run: SQL parsed for its version, templates
//! parsed, every action's target looked up in what is deployed. Any problem is an error, so
//! `deploy --local` refuses a template the local backend could not run.

use serde_json::Value;

use super::actions::Action;
use super::{Deployed, RuleDef, RuleError};
use crate::iotsql::{self, SqlVersion, Statement};

/// Compiled rules, in the order they were given.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
}

impl RuleSet {
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub name: String,
    pub statement: Statement,
    pub disabled: bool,
    pub actions: Vec<Action>,
    pub error_action: Option<Action>,
}

/// Compiles every rule against what is deployed.
pub fn compile(rules: &[RuleDef], deployed: &Deployed) -> Result<RuleSet, RuleError> {
    let rules = rules
        .iter()
        .map(|def| compile_rule(def, deployed))
        .collect::<Result<_, _>>()?;
    Ok(RuleSet { rules })
}

fn compile_rule(def: &RuleDef, deployed: &Deployed) -> Result<Rule, RuleError> {
    let name = def.name.as_str();
    let invalid = |what: String| RuleError::Invalid {
        rule: name.to_owned(),
        what,
    };
    let payload = def
        .payload
        .as_object()
        .ok_or_else(|| invalid("its TopicRulePayload is not an object".to_owned()))?;
    let version = match payload.get("AwsIotSqlVersion") {
        None | Some(Value::Null) => SqlVersion::default(),
        Some(Value::String(v)) => v.parse().map_err(|e| invalid(format!("{e}")))?,
        Some(other) => return Err(invalid(format!("AwsIotSqlVersion {other} is not a string"))),
    };
    let sql = payload
        .get("Sql")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("it has no Sql".to_owned()))?;
    let statement = iotsql::parse(sql, version).map_err(|diagnostic| RuleError::Sql {
        rule: name.to_owned(),
        diagnostic: Box::new(diagnostic),
    })?;
    let disabled = match payload.get("RuleDisabled") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        Some(other) => return Err(invalid(format!("RuleDisabled {other} is not a boolean"))),
    };
    let actions = match payload.get("Actions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|entry| Action::compile(name, version, entry, deployed))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid("its Actions are not a list".to_owned())),
    };
    let error_action = match payload.get("ErrorAction") {
        None | Some(Value::Null) => None,
        Some(entry) => Some(Action::compile(name, version, entry, deployed)?),
    };
    Ok(Rule {
        name: name.to_owned(),
        statement,
        disabled,
        actions,
        error_action,
    })
}
