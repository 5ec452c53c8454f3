//! The CloudWatch Logs action (usually the error action): appends one JSON line per event to
//! `logs/<group>.jsonl`, with the event's time as `timestamp`.

use serde_json::{Map, Value};

use super::{Failure, Fields, Run};
use crate::iotsql::Output;
use crate::local::rules::time::{now_ms, rfc3339_ms};
use crate::local::rules::{Deployed, RuleError, RuleEvent};

pub(super) const KIND: &str = "CloudwatchLogs";

#[derive(Debug, Clone)]
pub(crate) struct Logs {
    group: String,
}

impl Logs {
    pub(super) fn compile(fields: &Fields, deployed: &Deployed) -> Result<Logs, RuleError> {
        let group = fields.required("LogGroupName")?;
        if !deployed.log_groups.contains(&group) {
            return Err(fields.not_deployed("log group", &group));
        }
        Ok(Logs { group })
    }

    pub(super) fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        let line = log_line(rfc3339_ms(now_ms()), output);
        run.files
            .append_line(&run.state.log_group(&self.group), &line.to_string())
            .map_err(|e| Failure {
                kind: KIND,
                resource: self.group.clone(),
                message: format!("Failed to put log events to {}: {e}", self.group),
            })?;
        run.event(RuleEvent::Logged {
            rule: run.rule.to_owned(),
            log_group: self.group.clone(),
        });
        Ok(())
    }
}

/// A JSON object's fields follow `timestamp` (its own `timestamp` wins); anything else is
/// kept under `message`, binary as text.
fn log_line(timestamp: String, output: &Output) -> Value {
    let mut line = Map::new();
    line.insert("timestamp".to_owned(), Value::String(timestamp));
    match output {
        Output::Json(Value::Object(fields)) => {
            for (k, v) in fields {
                line.insert(k.clone(), v.clone());
            }
        }
        Output::Json(other) => {
            line.insert("message".to_owned(), other.clone());
        }
        Output::Binary(bytes) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            line.insert("message".to_owned(), Value::String(text));
        }
    }
    Value::Object(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_lead_with_the_timestamp() {
        let t = || "2020-08-27T13:47:52.677Z".to_owned();
        assert_eq!(
            log_line(t(), &Output::Json(json!({"ruleName": "r"}))).to_string(),
            r#"{"timestamp":"2020-08-27T13:47:52.677Z","ruleName":"r"}"#
        );
        assert_eq!(
            log_line(t(), &Output::Json(json!([1]))),
            json!({"timestamp": t(), "message": [1]})
        );
        assert_eq!(
            log_line(t(), &Output::Binary(b"raw".to_vec())),
            json!({"timestamp": t(), "message": "raw"})
        );
    }
}
