//! Evaluation: an explicit `Deny` in any statement of any attached policy wins; otherwise
//! the first matching `Allow` allows; otherwise the request is implicitly denied.

use super::context::{Context, Request};
use super::document::{Effect, Policy};

/// The outcome of [`evaluate`], naming the statement that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A statement allowed the request and none denied it.
    Allowed { policy: String, statement: String },
    /// A `Deny` statement matched.
    ExplicitDeny { policy: String, statement: String },
    /// No statement matched.
    ImplicitDeny,
}

impl Decision {
    /// Whether the request may proceed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// Decide `request` for the connection `ctx` under all `policies` attached to its
/// certificate. Statements are labelled by `Sid`, or `Statement[<index>]` without one.
pub fn evaluate(policies: &[Policy], ctx: &Context, request: &Request) -> Decision {
    let arn = request.resource_arn(ctx);
    let mut allowed = None;
    for policy in policies {
        for statement in &policy.statements {
            if !statement.applies(ctx, request.action, &arn) {
                continue;
            }
            match statement.effect {
                Effect::Deny => {
                    return Decision::ExplicitDeny {
                        policy: policy.name().to_owned(),
                        statement: statement.label.clone(),
                    };
                }
                Effect::Allow => {
                    allowed.get_or_insert_with(|| Decision::Allowed {
                        policy: policy.name().to_owned(),
                        statement: statement.label.clone(),
                    });
                }
            }
        }
    }
    allowed.unwrap_or(Decision::ImplicitDeny)
}
