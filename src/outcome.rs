//! What commands report, whichever backend did the work: the outcome of creating or deleting a
//! thing, a stack's planned resource change, and the attribute that marks a stack's things.

use std::path::PathBuf;

use serde::Serialize;

/// Thing attribute that marks a thing as managed by a stack (its value is the stack name).
pub const MANAGED_ATTRIBUTE: &str = "soilctl-stack";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub name: String,
    /// `created`, `resumed` (an earlier run stopped half-way) or `reused`.
    pub status: &'static str,
    pub certificate_id: String,
    pub certificate_arn: String,
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub name: String,
    /// `deleted` or `already gone`.
    pub status: &'static str,
    pub certificates: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    pub replacement: Option<String>,
}
