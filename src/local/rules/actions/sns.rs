//! The SNS action, and SNS delivery itself (also used by the alert function and by the API
//! endpoint's Publish): every publish appends one line per subscriber to `alerts.jsonl`.

use serde_json::{Value, json};

use super::{Counters, Failure, Fields, Outlets, Run};
use crate::iotsql::Output;
use crate::local::rules::fs::OpenFiles;
use crate::local::rules::time::{now_ms, rfc3339_ms, uuid_v4};
use crate::local::rules::{Deployed, RuleError, RuleEvent, Subscriber};
use crate::local::state::StateDir;

pub(super) const KIND: &str = "Sns";

/// How the rule's output becomes the SNS message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// The output as text, the same for every subscriber.
    Raw,
    /// The output is SNS's JSON message structure: a text per protocol, `default` otherwise.
    Json,
}

#[derive(Debug, Clone)]
pub(crate) struct Sns {
    topic: Topic,
    format: Format,
}

/// An SNS topic and its subscribers, as deployed when the rules were compiled.
#[derive(Debug, Clone)]
pub(crate) struct Topic {
    pub arn: String,
    pub subscribers: Vec<Subscriber>,
}

/// Where a publish is written and reported: the state directory, the files this thread keeps
/// open, the counters and observers, and who published (the rule, or the API's caller).
pub(crate) struct Delivery<'a> {
    pub from: &'a str,
    pub state: &'a StateDir,
    pub files: &'a OpenFiles,
    pub outlets: &'a Outlets,
}

impl<'a> Run<'a> {
    /// A publish made while this rule runs.
    pub fn delivery(&self) -> Delivery<'a> {
        Delivery {
            from: self.rule,
            state: self.state,
            files: self.files,
            outlets: self.outlets,
        }
    }
}

impl Topic {
    /// The deployed topic `arn`, if there is one.
    pub fn deployed(arn: &str, deployed: &Deployed) -> Option<Topic> {
        deployed.topics.get(arn).map(|subscribers| Topic {
            arn: arn.to_owned(),
            subscribers: subscribers.clone(),
        })
    }

    /// Publishes one message: one line in the alerts log per subscriber, all with the same
    /// message id, which is returned. `body` gives each subscriber's text. A topic without
    /// subscribers delivers nothing. Failures are reported as `kind` on `resource`.
    pub fn publish(
        &self,
        run: &Delivery,
        subject: Option<&str>,
        body: impl Fn(&Subscriber) -> String,
        (kind, resource): (&'static str, &str),
    ) -> Result<String, Failure> {
        let message_id = uuid_v4();
        if self.subscribers.is_empty() {
            return Ok(message_id);
        }
        let time = rfc3339_ms(now_ms());
        let log = run.state.alerts_log();
        for subscriber in &self.subscribers {
            let body = body(subscriber);
            let line = json!({
                "time": time,
                "topicArn": self.arn,
                "messageId": message_id,
                "protocol": subscriber.protocol,
                "recipient": subscriber.endpoint,
                "subject": subject,
                "body": body,
            });
            run.files
                .append_line(&log, &line.to_string())
                .map_err(|e| Failure {
                    kind,
                    resource: resource.to_owned(),
                    message: format!("Failed to publish to SNS topic {}: {e}", self.arn),
                })?;
            Counters::add(&run.outlets.counters.alerts);
            (run.outlets.events)(RuleEvent::Alert {
                rule: run.from.to_owned(),
                subject: subject.map(str::to_owned),
                body,
                recipient: subscriber.endpoint.clone(),
            });
        }
        Ok(message_id)
    }
}

impl Sns {
    pub(super) fn compile(fields: &Fields, deployed: &Deployed) -> Result<Sns, RuleError> {
        let arn = fields.required("TargetArn")?;
        let topic = Topic::deployed(&arn, deployed)
            .ok_or_else(|| fields.not_deployed("SNS topic", &arn))?;
        let format = match fields.optional("MessageFormat")?.as_deref() {
            None | Some("RAW") => Format::Raw,
            Some("JSON") => Format::Json,
            Some(other) => {
                return Err(
                    fields.invalid(format!("MessageFormat {other:?} is neither RAW nor JSON"))
                );
            }
        };
        Ok(Sns { topic, format })
    }

    pub(super) fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        let resource = (KIND, self.topic.arn.as_str());
        let run = &run.delivery();
        match self.format {
            Format::Raw => {
                let text = String::from_utf8_lossy(&output.to_bytes()).into_owned();
                self.topic.publish(run, None, |_| text.clone(), resource)
            }
            Format::Json => {
                let structure = json_structure(output).map_err(|why| Failure {
                    kind: KIND,
                    resource: self.topic.arn.clone(),
                    message: format!("Invalid parameter: Message Structure - {why}"),
                })?;
                self.topic.publish(
                    run,
                    None,
                    |s| text_for(&structure, &s.protocol).to_owned(),
                    resource,
                )
            }
        }
        .map(drop)
    }
}

/// The JSON message structure: an object of texts with at least a `default`.
pub(crate) fn json_structure(
    output: &Output,
) -> Result<serde_json::Map<String, Value>, &'static str> {
    let value = match output {
        Output::Json(v) => v.clone(),
        Output::Binary(bytes) => {
            serde_json::from_slice(bytes).map_err(|_| "the message is not JSON")?
        }
    };
    let Value::Object(map) = value else {
        return Err("the message is not a JSON object");
    };
    if !matches!(map.get("default"), Some(Value::String(_))) {
        return Err("no default entry in JSON message body");
    }
    Ok(map)
}

pub(crate) fn text_for<'a>(
    structure: &'a serde_json::Map<String, Value>,
    protocol: &str,
) -> &'a str {
    structure
        .get(protocol)
        .and_then(Value::as_str)
        .or_else(|| structure.get("default").and_then(Value::as_str))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_structure_picks_the_protocols_text() {
        let out = Output::Json(json!({"default": "d", "email": "e"}));
        let structure = json_structure(&out);
        assert_eq!(structure.as_ref().map(|s| text_for(s, "email")), Ok("e"));
        assert_eq!(structure.as_ref().map(|s| text_for(s, "sms")), Ok("d"));
        assert!(json_structure(&Output::Json(json!({"email": "e"}))).is_err());
        assert!(json_structure(&Output::Json(json!([1]))).is_err());
        assert!(json_structure(&Output::Binary(b"nope".to_vec())).is_err());
    }
}
