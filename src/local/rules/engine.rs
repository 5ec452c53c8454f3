//! The engine: for each accepted message, every enabled rule in order; for each rule that
//! fires, its actions; when any of them fail, the error action once with all the failures.

use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde_json::{Value, json};

use super::actions::{Counters, Delivery, Failure, Outlets, Run, Topic};
use super::compile::{Rule, RuleSet};
use super::fs::OpenFiles;
use super::time::uuid_v4;
use super::{LOCAL_ACCOUNT_ID, RuleEvent, Subscriber};
use crate::iotsql::{Message, Output};
use crate::local::gate::Inbound;
use crate::local::state::StateDir;

/// Hands a republished message to the broker: topic, payload, QoS. Called from the engine's
/// threads, so it must not block (queue the message and return).
pub type Republish = Arc<dyn Fn(String, Bytes, u8) + Send + Sync>;

/// Receives every [`RuleEvent`]. Called from the engine's threads.
pub type Events = Arc<dyn Fn(RuleEvent) + Send + Sync>;

/// What the engine has done since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Messages handled.
    pub messages: u64,
    /// Rule firings (a message can fire several rules).
    pub fired: u64,
    /// S3 objects written.
    pub archived: u64,
    /// SNS deliveries (lines in the alerts log).
    pub alerts: u64,
    /// Failed actions and failed error actions.
    pub failures: u64,
}

/// Runs the compiled rules against messages. Shared between threads; the rules can be
/// replaced while it runs.
pub struct Engine {
    rules: RwLock<Arc<RuleSet>>,
    state: StateDir,
    outlets: Outlets,
}

/// The prefix of Basic Ingest topics: `$aws/rules/<rule name>/...` reaches that rule only.
const BASIC_INGEST: &str = "$aws/rules/";

impl Engine {
    pub fn new(rules: RuleSet, state: StateDir, republish: Republish, events: Events) -> Self {
        Engine {
            rules: RwLock::new(Arc::new(rules)),
            state,
            outlets: Outlets {
                republish,
                events,
                counters: Counters::default(),
            },
        }
    }

    /// Replaces the rules (a redeploy while running); messages handled from now on see them.
    pub fn replace_rules(&self, rules: RuleSet) {
        let mut current = self.rules.write().unwrap_or_else(|p| p.into_inner());
        *current = Arc::new(rules);
    }

    /// Reports `event` to whoever watches the engine.
    pub fn report(&self, event: RuleEvent) {
        (self.outlets.events)(event);
    }

    /// The counters so far.
    pub fn stats(&self) -> EngineStats {
        let c = &self.outlets.counters;
        let get = |n: &std::sync::atomic::AtomicU64| n.load(Ordering::Relaxed);
        EngineStats {
            messages: get(&c.messages),
            fired: get(&c.fired),
            archived: get(&c.archived),
            alerts: get(&c.alerts),
            failures: get(&c.failures),
        }
    }

    /// Evaluates every rule for `inbound` and runs the actions of those that fire, on this
    /// thread; every file is written when it returns.
    pub fn handle(&self, inbound: &Inbound) {
        let files = OpenFiles::default();
        self.handle_with(inbound, &files);
    }

    /// [`Engine::handle`] with the folders and logs this thread keeps open.
    pub(crate) fn handle_with(&self, inbound: &Inbound, files: &OpenFiles) {
        Counters::add(&self.outlets.counters.messages);
        let rules = Arc::clone(&self.rules.read().unwrap_or_else(|p| p.into_inner()));
        let msg = Message {
            topic: &inbound.topic,
            payload: &inbound.payload,
            client_id: Some(inbound.client_id.as_str()).filter(|c| !c.is_empty()),
            principal: Some(inbound.principal.as_str()).filter(|p| !p.is_empty()),
            timestamp_ms: inbound.timestamp_ms,
            account_id: LOCAL_ACCOUNT_ID,
            trace_id: None,
        };
        let ingest_target = inbound
            .topic
            .strip_prefix(BASIC_INGEST)
            .map(|rest| rest.split('/').next().unwrap_or_default());
        for rule in &rules.rules {
            if rule.disabled
                || ingest_target.is_some_and(|target| target != rule.name)
                || !rule.statement.matches_topic(&inbound.topic)
            {
                continue;
            }
            self.run_rule(rule, inbound, &msg, files);
        }
    }

    fn run_rule(&self, rule: &Rule, inbound: &Inbound, msg: &Message, files: &OpenFiles) {
        let run = Run {
            rule: &rule.name,
            msg,
            state: &self.state,
            outlets: &self.outlets,
            files,
        };
        let mut failures = Vec::new();
        match rule.statement.evaluate(msg) {
            Ok(None) => return,
            Ok(Some(output)) => {
                Counters::add(&self.outlets.counters.fired);
                run.event(RuleEvent::Fired {
                    rule: rule.name.clone(),
                    topic: inbound.topic.clone(),
                });
                for action in &rule.actions {
                    if let Err(failure) = action.run(&run, &output) {
                        failures.push(failure);
                    }
                }
            }
            Err(e) => failures.push(Failure {
                kind: "Sql",
                resource: rule.name.clone(),
                message: format!("Failed to evaluate the rule's SQL: {}", e.message()),
            }),
        }
        if failures.is_empty() {
            return;
        }
        for failure in &failures {
            Counters::add(&self.outlets.counters.failures);
            run.event(RuleEvent::ActionFailed {
                rule: rule.name.clone(),
                action: failure.kind.to_owned(),
                error: failure.message.clone(),
            });
        }
        let Some(error_action) = &rule.error_action else {
            return;
        };
        let payload = Output::Json(error_payload(&rule.name, inbound, &failures));
        if let Err(failure) = error_action.run(&run, &payload) {
            Counters::add(&self.outlets.counters.failures);
            run.event(RuleEvent::ErrorActionFailed {
                rule: rule.name.clone(),
                action: failure.kind.to_owned(),
                error: failure.message,
            });
        }
    }
}

/// SNS Publish from outside the rules (the API endpoint's): one line per subscriber of
/// `topic_arn` in the alerts log, written as the SNS action writes them, counted and reported
/// by `engine` when one runs (`from` says who published); returns the message id, or why the
/// log could not be written.
pub fn publish(
    state: &StateDir,
    engine: Option<&Engine>,
    (topic_arn, subscribers): (&str, &[Subscriber]),
    subject: Option<&str>,
    body: impl Fn(&Subscriber) -> String,
    from: &str,
) -> Result<String, String> {
    let quiet;
    let outlets = match engine {
        Some(engine) => &engine.outlets,
        None => {
            quiet = Outlets {
                republish: Arc::new(|_, _, _| {}),
                events: Arc::new(|_| {}),
                counters: Counters::default(),
            };
            &quiet
        }
    };
    let files = OpenFiles::default();
    let delivery = Delivery {
        from,
        state: engine.map(|e| &e.state).unwrap_or(state),
        files: &files,
        outlets,
    };
    let topic = Topic {
        arn: topic_arn.to_owned(),
        subscribers: subscribers.to_vec(),
    };
    topic
        .publish(&delivery, subject, body, ("Sns", topic_arn))
        .map_err(|f| f.message)
}

/// What AWS IoT hands an error action: the rule, the original message and every failure.
fn error_payload(rule: &str, inbound: &Inbound, failures: &[Failure]) -> Value {
    let failures: Vec<Value> = failures
        .iter()
        .map(|f| {
            json!({
                "failedAction": f.failed_action(),
                "failedResource": f.resource,
                "errorMessage": f.message,
            })
        })
        .collect();
    json!({
        "ruleName": rule,
        "topic": inbound.topic,
        "cloudwatchTraceId": uuid_v4(),
        "clientId": inbound.client_id,
        "base64OriginalPayload": STANDARD.encode(&inbound.payload),
        "failures": failures,
    })
}
