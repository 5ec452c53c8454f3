//! The local rules engine: runs the deployed `AWS::IoT::TopicRule` resources against every
//! message the broker accepts, the way AWS IoT Core's rules engine does, and performs their
//! actions on the state directory instead of in AWS.
//!
//! - [`compile`] turns the rules' `TopicRulePayload`s into a [`RuleSet`], checking every SQL
//!   statement, substitution template, action type and target against what is [`Deployed`].
//!   `deploy --local` uses it to validate a template.
//! - [`Engine::handle`] evaluates every rule for one message, in order, and runs the actions
//!   of the rules that fire: S3 (`buckets/<bucket>/<key>`), Lambda (the function's own Python
//!   code in a warm worker process when python3 with boto3 is there, see [`runner`]; else the
//!   project's alert and just-in-time registration functions, run natively), SNS
//!   (`alerts.jsonl`), republish (back to the broker) and CloudWatch Logs
//!   (`logs/<group>.jsonl`). When actions fail, the rule's error action runs
//!   once with every failure, as AWS does.
//! - [`spawn`] drives an engine from the broker's channel. Rules run on a small pool of
//!   blocking threads fed through a bounded queue, so file writes never block the async
//!   runtime and back-pressure reaches the broker.
//!
//! Objects and lines are never seen half-written: objects are written to an unnamed (or
//! hidden temporary) file in their folder and linked (renamed) into place; lines are appended
//! with one write each to a file opened for appending. Each batch of messages is appended to
//! the write-ahead [`journal`](crate::local::journal) before its
//! [`Inbound::hold`](crate::local::gate::Inbound)s are released, so the publisher's PUBACK means
//! the message is in the kernel's hands and its rules will run: a crash of the process
//! (`kill -9`) loses nothing that was acknowledged; the next start runs again what the journal
//! holds unfinished (at least once). Nothing is synced to disk, so a power cut may still lose
//! the most recent messages, never leave a torn object.

mod actions;
mod compile;
mod engine;
mod error;
pub(crate) mod fs;
pub(crate) mod function;
mod python;
pub mod runner;
mod time;
mod writer;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub(crate) use actions::{json_structure, text_for};
pub use compile::{RuleSet, compile};
pub use engine::{Engine, EngineStats, Events, Republish, publish};
pub use error::RuleError;
pub use function::{Builtin, Function};
pub use writer::spawn;

/// The account id the local backend reports (`accountid()` in rules).
pub const LOCAL_ACCOUNT_ID: &str = crate::local::registry::ACCOUNT_ID;

/// What is deployed that actions can reach (built by the integrator from the stack's
/// resources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployed {
    /// S3 bucket names (folders under `state.buckets()`).
    pub buckets: BTreeSet<String>,
    /// Lambda functions by function name.
    pub functions: BTreeMap<String, Function>,
    /// SNS topic ARN to its subscribers.
    pub topics: BTreeMap<String, Vec<Subscriber>>,
    /// CloudWatch Logs group names.
    pub log_groups: BTreeSet<String>,
    /// The local AWS API endpoint functions' own code calls (`AWS_ENDPOINT_URL`); without
    /// one, functions run only as the native equivalents of the project's functions.
    pub api_endpoint: Option<String>,
}

/// One subscription of an SNS topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// `email`, `sms`, `https`, ...: kept in the delivery line.
    pub protocol: String,
    /// Where the delivery goes: the address, number or URL.
    pub endpoint: String,
}

/// One deployed topic rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    /// The rule's name (as `$aws/rules/<name>/...` Basic Ingest topics address it).
    pub name: String,
    /// The `TopicRulePayload` as JSON, intrinsic functions already resolved.
    pub payload: serde_json::Value,
}

/// Something `local up` reports; one per notable thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleEvent {
    /// A rule's query produced output for a message.
    Fired { rule: String, topic: String },
    /// An S3 action wrote an object.
    Archived {
        rule: String,
        bucket: String,
        key: String,
        bytes: usize,
    },
    /// One SNS delivery (an SNS action, or the alert function publishing).
    Alert {
        rule: String,
        subject: Option<String>,
        body: String,
        recipient: String,
    },
    /// The just-in-time registration function activated a newly registered certificate for
    /// `thing` (created where it was missing), with the device policy and the thing attached.
    Registered {
        rule: String,
        certificate_id: String,
        thing: String,
    },
    /// A republish action handed a message back to the broker.
    Republished { rule: String, topic: String },
    /// A CloudWatch Logs action (or error action) appended an event.
    Logged { rule: String, log_group: String },
    /// An action failed (`action` is its type, `Sql` for a query that failed to evaluate);
    /// the rule's error action runs next.
    ActionFailed {
        rule: String,
        action: String,
        error: String,
    },
    /// At start: messages accepted before the last stop whose rules may not have run (the
    /// process was killed) are run again from the journal.
    Replayed { messages: usize },
    /// The journal could not be written (or its checkpoint moved): acknowledgements now wait
    /// for the rules, and a crash may run some messages twice.
    JournalFailed { error: String },
    /// The error action failed too: the failures are lost.
    ErrorActionFailed {
        rule: String,
        action: String,
        error: String,
    },
}
