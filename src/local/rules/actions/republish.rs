//! The republish action: hands the rule's output back to the broker on a topic rendered from
//! its substitution template.

use bytes::Bytes;

use super::{Failure, Fields, Run};
use crate::iotsql::{Output, Template};
use crate::local::rules::{RuleError, RuleEvent};

pub(super) const KIND: &str = "Republish";

#[derive(Debug, Clone)]
pub(crate) struct Republish {
    topic: Template,
    qos: u8,
}

impl Republish {
    pub(super) fn compile(fields: &Fields) -> Result<Republish, RuleError> {
        let qos = match fields.optional("Qos")?.as_deref() {
            None | Some("0") => 0,
            Some("1") => 1,
            Some(other) => return Err(fields.invalid(format!("Qos {other:?} is neither 0 nor 1"))),
        };
        Ok(Republish {
            topic: fields.template("Topic")?,
            qos,
        })
    }

    pub(super) fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        let fail = |resource: String, message: String| Failure {
            kind: KIND,
            resource,
            message,
        };
        let topic = self.topic.render(run.msg).map_err(|e| {
            fail(
                self.topic.to_string(),
                format!("Failed to render the topic: {e}"),
            )
        })?;
        check_topic(&topic).map_err(|why| {
            fail(
                topic.clone(),
                format!("Failed to republish to topic {topic:?}: {why}"),
            )
        })?;
        (run.outlets.republish)(topic.clone(), Bytes::from(output.to_bytes()), self.qos);
        run.event(RuleEvent::Republished {
            rule: run.rule.to_owned(),
            topic,
        });
        Ok(())
    }
}

/// A topic a rule may publish to: not empty, no wildcards, not reserved.
fn check_topic(topic: &str) -> Result<(), &'static str> {
    if topic.is_empty() {
        return Err("the topic is empty");
    }
    if topic.starts_with('$') {
        return Err("topics starting with $ are reserved");
    }
    if topic.contains(['+', '#']) {
        return Err("a topic cannot contain the wildcards + or #");
    }
    if topic.contains('\0') {
        return Err("the topic contains a NUL character");
    }
    if topic.len() > 65_535 {
        return Err("the topic is too long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_topic;

    #[test]
    fn reserved_and_wildcard_topics_are_refused() {
        assert!(check_topic("alerts/sensor-1").is_ok());
        for bad in ["", "$aws/things/x/shadow/update", "a/+", "a/#", "a\0"] {
            assert!(check_topic(bad).is_err(), "{bad:?}");
        }
    }
}
