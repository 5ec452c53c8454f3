//! The Lambda action: invokes a deployed function with the rule's output as its event. The
//! local backend runs the project's functions' behaviour natively: the alert function,
//! formatting values as its Python source would, and the just-in-time registration function,
//! against the local registry.

use serde_json::Value;

use super::registration::register;
use super::sns::Topic;
use super::{Failure, Fields, Run};
use crate::iotsql::Output;
use crate::local::rules::function::function_name;
use crate::local::rules::python::str_of;
use crate::local::rules::{Deployed, Function, RuleError, RuleEvent};

pub(super) const KIND: &str = "Lambda";

/// The alert function's SNS subject.
pub(crate) const ALERT_SUBJECT: &str = "Attention:Humidity Under Threshold";

#[derive(Debug, Clone)]
pub(crate) struct Lambda {
    arn: String,
    behaviour: Behaviour,
}

/// A function, resolved against what is deployed.
#[derive(Debug, Clone)]
enum Behaviour {
    Alert {
        topic: Topic,
    },
    Registration {
        stack_name: String,
        policy_name: String,
    },
}

impl Lambda {
    pub(super) fn compile(fields: &Fields, deployed: &Deployed) -> Result<Lambda, RuleError> {
        let arn = fields.required("FunctionArn")?;
        let name = function_name(&arn)
            .ok_or_else(|| fields.invalid(format!("FunctionArn {arn:?} is not a function ARN")))?;
        let function = deployed
            .functions
            .get(name)
            .ok_or_else(|| fields.not_deployed("function", name))?;
        let behaviour = match function {
            Function::Alert { topic_arn } => Behaviour::Alert {
                topic: Topic::deployed(topic_arn, deployed)
                    .ok_or_else(|| fields.not_deployed("SNS topic", topic_arn))?,
            },
            Function::Registration {
                stack_name,
                policy_name,
            } => Behaviour::Registration {
                stack_name: stack_name.clone(),
                policy_name: policy_name.clone(),
            },
        };
        Ok(Lambda { arn, behaviour })
    }

    pub(super) fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        let fail = |message: String| Failure {
            kind: KIND,
            resource: self.arn.clone(),
            message,
        };
        let event = match output {
            Output::Json(Value::Object(event)) => event,
            Output::Json(other) => {
                return Err(fail(format!(
                    "The function failed: AttributeError: '{}' object has no attribute 'get'",
                    python_type(other)
                )));
            }
            Output::Binary(_) => {
                return Err(fail(
                    "Could not parse request body into json: the payload is binary".to_owned(),
                ));
            }
        };
        match &self.behaviour {
            Behaviour::Alert { topic } => {
                let body = alert_body(event);
                topic.publish(
                    run,
                    Some(ALERT_SUBJECT),
                    |_| body.clone(),
                    (KIND, &self.arn),
                )
            }
            Behaviour::Registration {
                stack_name,
                policy_name,
            } => {
                let registered = register(run.state, event, stack_name, policy_name)
                    .map_err(|e| fail(format!("The function failed: {e}")))?;
                run.event(RuleEvent::Registered {
                    rule: run.rule.to_owned(),
                    certificate_id: registered.certificate_id,
                    thing: registered.thing,
                });
                Ok(())
            }
        }
    }
}

/// `f"Humidity {humidity} under threshold for device name {name}"`.
pub(crate) fn alert_body(event: &serde_json::Map<String, Value>) -> String {
    format!(
        "Humidity {} under threshold for device name {}",
        str_of(event.get("humidity")),
        str_of(event.get("name"))
    )
}

pub(super) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}
