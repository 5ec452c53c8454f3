//! AWS IoT fleet provisioning templates, evaluated the way `RegisterThing` evaluates them.
//!
//! A fleet provisioning template is a JSON body with `Parameters` (each of `Type` `String`,
//! with an optional `Default`), optional `Mappings`, `Resources` (at most one
//! `AWS::IoT::Thing`, at most one `AWS::IoT::Certificate`, any number of `AWS::IoT::Policy`)
//! and an optional `DeviceConfiguration` of strings that `RegisterThing` answers the device
//! with. Values may call `Ref`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` and
//! `Fn::Sub`, with CloudFormation's meaning, anywhere but in `Mappings`. This follows the AWS
//! IoT developer guide's pages "Provisioning templates", "Device provisioning MQTT API" and
//! "Pre-provisioning hooks".
//!
//! [`Dialect::Extended`] reads CloudFormation's `Conditions`, resource `Condition`, `Fn::If`,
//! `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::Base64` and `AWS::NoValue` too; the
//! guide does not list them, so [`Template::parse`] refuses them.
//!
//! Use: [`Template::parse`] once, when a template is deployed, to refuse a broken one before
//! any device uses it; then for each registration [`merge_parameters`] (the device's
//! parameters, a pre-provisioning hook's `parameterOverrides`, the certificate id) and
//! [`evaluate`], which gives the [`Plan`] to apply to a registry. Where the thing exists
//! already, [`ThingPlan::reconcile`] (or the `merge_*` helpers) applies its
//! `OverrideSettings`. Every [`TemplateError`] carries the `errorCode` and `statusCode` to
//! answer with.
//!
//! [`topic`] and [`device`] are the device provisioning MQTT API around it: the reserved
//! topics, the request and answer documents and AWS's error documents.
//!
//! Nothing here does I/O.

pub mod device;
mod error;
mod eval;
mod intrinsics;
mod overrides;
mod plan;
mod reader;
mod resources;
mod template;
pub mod topic;

pub use error::{ErrorKind, TemplateError};
pub use intrinsics::{Dialect, NO_VALUE};
pub use overrides::{
    CertificateOverrides, DEFAULT_OVERRIDE, OverrideAction, ThingOverrides, ThingState,
    merge_attributes, merge_groups, merge_thing_type, replaces_status,
};
pub use plan::{
    CertificatePlan, CertificateStatus, Plan, Policy, PolicyPlan, ThingPlan, document_policy_name,
    evaluate, merge_parameters,
};
pub use template::{CERTIFICATE_ID_PARAMETER, MAX_BODY_CHARS, Template};

#[cfg(test)]
mod tests;
