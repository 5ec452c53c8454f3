//! The one error type of this module: a policy document that cannot be used.

/// A policy document was rejected: bad JSON, a missing or malformed element, an unknown
/// condition operator, condition key or policy variable, or an element AWS IoT does not
/// support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy `{policy}`: {message}")]
pub struct PolicyError {
    policy: String,
    message: String,
}

impl PolicyError {
    pub(crate) fn new(policy: &str, message: impl Into<String>) -> Self {
        Self {
            policy: policy.to_owned(),
            message: message.into(),
        }
    }

    /// The name of the rejected policy.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// What is wrong with it, without the policy name.
    pub fn message(&self) -> &str {
        &self.message
    }
}
