//! Why a set of rules cannot run on the local backend.

use crate::iotsql::Diagnostic;

/// A rule (or a function it invokes) that the local backend cannot run as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// The rule's query does not parse.
    #[error("rule {rule}: its SQL does not parse:\n{diagnostic}")]
    Sql {
        rule: String,
        diagnostic: Box<Diagnostic>,
    },
    /// A substitution template in an action field does not parse.
    #[error("rule {rule}: {action} action field {field} does not parse:\n{diagnostic}")]
    Template {
        rule: String,
        action: String,
        field: String,
        diagnostic: Box<Diagnostic>,
    },
    /// An action type the local backend does not run.
    #[error(
        "rule {rule}: the local backend cannot run {action} actions (it runs S3, Lambda, Sns, Republish and CloudwatchLogs)"
    )]
    UnsupportedAction { rule: String, action: String },
    /// An action's target is not part of the deployment.
    #[error("rule {rule}: {action} action targets {kind} {name}, which is not deployed")]
    NotDeployed {
        rule: String,
        action: String,
        kind: &'static str,
        name: String,
    },
    /// A field is missing or has a value AWS would reject.
    #[error("rule {rule}: {what}")]
    Invalid { rule: String, what: String },
    /// A Lambda function whose code the local backend does not know how to run.
    #[error("function {function}: {reason}; the local backend cannot run it")]
    UnsupportedFunction { function: String, reason: String },
}
