//! The Lambda action: invokes a deployed function with the rule's output as its event. The
//! function runs the way [`runner`](crate::local::rules::runner) chose when the rules were
//! compiled: its own Python code in a worker process (its boto3 calls reach the local API
//! endpoint), or the native equivalent of the project's functions: the alert function,
//! formatting values as its Python source would, and the just-in-time registration and pairing
//! functions, against the local registry.

use std::sync::Arc;

use serde_json::Value;

use super::pairing::issue;
use super::registration::register;
use super::sns::Topic;
use super::{Failure, Fields, Run};
use crate::iotsql::Output;
use crate::local::rules::function::{Builtin, function_name};
use crate::local::rules::python::str_of;
use crate::local::rules::runner::{self, Way, Worker};
use crate::local::rules::{Deployed, RuleError, RuleEvent};

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
    /// Its own code; the registration function's result is reported as a registration.
    Python {
        worker: Arc<Worker>,
        registration: bool,
    },
    Alert {
        topic: Topic,
    },
    Registration {
        stack_name: String,
        policy_name: String,
    },
    Pairing {
        stack_name: String,
        lifetime_secs: u64,
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
        let way = runner::choose(name, function, deployed.api_endpoint.as_deref())?;
        let behaviour = match way {
            Way::Python(worker, builtin) => Behaviour::Python {
                worker,
                registration: matches!(builtin, Some(Builtin::Registration { .. })),
            },
            Way::Native(Builtin::Alert { topic_arn }) => Behaviour::Alert {
                topic: Topic::deployed(&topic_arn, deployed)
                    .ok_or_else(|| fields.not_deployed("SNS topic", &topic_arn))?,
            },
            Way::Native(Builtin::Registration {
                stack_name,
                policy_name,
            }) => Behaviour::Registration {
                stack_name,
                policy_name,
            },
            Way::Native(Builtin::Pairing {
                stack_name,
                lifetime_secs,
            }) => Behaviour::Pairing {
                stack_name,
                lifetime_secs,
            },
            Way::Native(Builtin::PreProvisioning { .. }) => {
                return Err(fields.invalid(format!(
                    "function {name} is a pre-provisioning hook, which fleet provisioning runs, not a topic rule"
                )));
            }
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
            Output::Json(event) => event,
            Output::Binary(_) => {
                return Err(fail(
                    "Could not parse request body into json: the payload is binary".to_owned(),
                ));
            }
        };
        if let Behaviour::Python {
            worker,
            registration,
        } = &self.behaviour
        {
            let result = worker
                .invoke(event, run.state, run.files)
                .map_err(|e| fail(format!("The function failed: {e}")))?;
            let text = |k: &str| result.get(k).and_then(Value::as_str).map(str::to_owned);
            if *registration
                && let (Some(certificate_id), Some(thing)) =
                    (text("certificateId"), text("thingName"))
            {
                run.event(RuleEvent::Registered {
                    rule: run.rule.to_owned(),
                    certificate_id,
                    thing,
                });
            }
            return Ok(());
        }
        let Value::Object(event) = event else {
            return Err(fail(format!(
                "The function failed: AttributeError: '{}' object has no attribute 'get'",
                python_type(event)
            )));
        };
        match &self.behaviour {
            Behaviour::Alert { topic } => {
                let body = alert_body(event);
                topic
                    .publish(
                        &run.delivery(),
                        Some(ALERT_SUBJECT),
                        |_| body.clone(),
                        (KIND, &self.arn),
                    )
                    .map(drop)
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
            Behaviour::Pairing {
                stack_name,
                lifetime_secs,
            } => {
                let answer = issue(
                    run.state,
                    event,
                    stack_name,
                    *lifetime_secs,
                    u64::try_from(crate::clock::now_secs()).unwrap_or_default(),
                )
                .map_err(|e| fail(format!("The function failed: {e}")))?;
                (run.outlets.republish)(
                    answer.topic,
                    bytes::Bytes::from(answer.payload.to_string()),
                    1,
                );
                Ok(())
            }
            Behaviour::Python { .. } => Ok(()),
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
