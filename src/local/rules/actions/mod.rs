//! A rule's actions, compiled once from their `TopicRulePayload` JSON and run for every message
//! that fires the rule. Each action type lives in its own module; this one reads the common
//! shape (one action type per entry) and dispatches.

mod lambda;
mod logs;
mod pairing;
mod registration;
mod republish;
mod s3;
mod sns;

pub(crate) use sns::{Delivery, Topic, json_structure, text_for};

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::{Deployed, Republish, RuleError, RuleEvent};
use crate::iotsql::{Message, Output, SqlVersion};
use crate::local::rules::fs::OpenFiles;
use crate::local::state::StateDir;

/// One compiled action.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    S3(s3::S3),
    Lambda(lambda::Lambda),
    Sns(sns::Sns),
    Republish(republish::Republish),
    Logs(logs::Logs),
}

/// Why an action did not complete, as the error action reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The action type as written in the rule (`S3`, `Lambda`, ...), or `Sql`.
    pub kind: &'static str,
    /// The bucket, function, topic or log group.
    pub resource: String,
    pub message: String,
}

impl Failure {
    /// The `failedAction` the error action sees: `S3Action`, `LambdaAction`, ...
    pub fn failed_action(&self) -> String {
        format!("{}Action", self.kind)
    }
}

/// Where actions report what they did.
pub(crate) struct Outlets {
    pub republish: Republish,
    pub events: super::Events,
    pub counters: Counters,
}

/// Running totals, shared by every thread that runs rules.
#[derive(Default)]
pub(crate) struct Counters {
    pub messages: AtomicU64,
    pub fired: AtomicU64,
    pub archived: AtomicU64,
    pub alerts: AtomicU64,
    pub failures: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Everything an action needs besides the rule's output.
pub(crate) struct Run<'a> {
    pub rule: &'a str,
    pub msg: &'a Message<'a>,
    pub state: &'a StateDir,
    pub outlets: &'a Outlets,
    /// The folders and logs this thread keeps open.
    pub files: &'a OpenFiles,
}

impl Run<'_> {
    pub fn event(&self, event: RuleEvent) {
        (self.outlets.events)(event);
    }
}

impl Action {
    /// Compiles one entry of `Actions` (or the `ErrorAction`): an object with exactly one
    /// action type as its key.
    pub fn compile(
        rule: &str,
        version: SqlVersion,
        entry: &Value,
        deployed: &Deployed,
    ) -> Result<Action, RuleError> {
        let invalid = |what: String| RuleError::Invalid {
            rule: rule.to_owned(),
            what,
        };
        let map = entry
            .as_object()
            .ok_or_else(|| invalid(format!("an action is not an object: {entry}")))?;
        let mut kinds = map.iter();
        let (kind, props) = match (kinds.next(), kinds.next()) {
            (Some(only), None) => only,
            _ => {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                return Err(invalid(format!(
                    "an action must name exactly one action type, not [{}]",
                    keys.join(", ")
                )));
            }
        };
        let fields = Fields {
            rule,
            kind: kind.as_str(),
            map: props.as_object().ok_or_else(|| {
                invalid(format!("the {kind} action's properties are not an object"))
            })?,
            version,
        };
        Ok(match kind.as_str() {
            "S3" => Action::S3(s3::S3::compile(&fields, deployed)?),
            "Lambda" => Action::Lambda(lambda::Lambda::compile(&fields, deployed)?),
            "Sns" => Action::Sns(sns::Sns::compile(&fields, deployed)?),
            "Republish" => Action::Republish(republish::Republish::compile(&fields)?),
            "CloudwatchLogs" => Action::Logs(logs::Logs::compile(&fields, deployed)?),
            other => {
                return Err(RuleError::UnsupportedAction {
                    rule: rule.to_owned(),
                    action: other.to_owned(),
                });
            }
        })
    }

    /// Runs the action with the rule's output.
    pub fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        match self {
            Action::S3(a) => a.run(run, output),
            Action::Lambda(a) => a.run(run, output),
            Action::Sns(a) => a.run(run, output),
            Action::Republish(a) => a.run(run, output),
            Action::Logs(a) => a.run(run, output),
        }
    }
}

/// An action's properties, with the rule and action type for error messages.
pub(crate) struct Fields<'a> {
    pub rule: &'a str,
    pub kind: &'a str,
    pub map: &'a Map<String, Value>,
    pub version: SqlVersion,
}

impl Fields<'_> {
    /// A string field (numbers and booleans are taken as their text, as CloudFormation does).
    pub fn optional(&self, name: &str) -> Result<Option<String>, RuleError> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(self.invalid(format!("{name} is not a string: {other}"))),
        }
    }

    pub fn required(&self, name: &str) -> Result<String, RuleError> {
        self.optional(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.invalid(format!("{name} is missing")))
    }

    /// A substitution template field.
    pub fn template(&self, name: &str) -> Result<crate::iotsql::Template, RuleError> {
        let text = self.required(name)?;
        crate::iotsql::Template::parse(&text, self.version).map_err(|diagnostic| {
            RuleError::Template {
                rule: self.rule.to_owned(),
                action: self.kind.to_owned(),
                field: name.to_owned(),
                diagnostic: Box::new(diagnostic),
            }
        })
    }

    pub fn invalid(&self, what: String) -> RuleError {
        RuleError::Invalid {
            rule: self.rule.to_owned(),
            what: format!("{} action: {what}", self.kind),
        }
    }

    pub fn not_deployed(&self, kind: &'static str, name: &str) -> RuleError {
        RuleError::NotDeployed {
            rule: self.rule.to_owned(),
            action: self.kind.to_owned(),
            kind,
            name: name.to_owned(),
        }
    }
}
