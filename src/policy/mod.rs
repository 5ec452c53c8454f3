//! AWS IoT Core policy evaluation, offline: parse policy documents and decide whether the
//! policies attached to a client's certificate allow an MQTT action (connect, publish,
//! subscribe, receive, retained publish), following the AWS IoT Core developer guide's
//! rules for actions, resource ARNs, wildcards, policy variables, conditions and
//! explicit-deny-wins evaluation. Nothing here performs I/O.
//!
//! ```
//! use soilctl::policy::{evaluate, Action, Context, Policy, Request};
//!
//! let policy = Policy::parse("p", r#"{"Version":"2012-10-17","Statement":{
//!     "Effect":"Allow","Action":"iot:Connect",
//!     "Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}"}}"#).unwrap();
//! let ctx = Context {
//!     region: "us-east-1".into(),
//!     account_id: "123456789012".into(),
//!     client_id: "sensor".into(),
//!     ..Context::default()
//! };
//! let request = Request { action: Action::Connect, target: "sensor" };
//! assert!(evaluate(&[policy], &ctx, &request).is_allowed());
//! ```

mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod variables;
mod wildcard;

#[cfg(test)]
mod tests;

pub use context::{Action, Context, Request, Thing};
pub use document::Policy;
pub use error::PolicyError;
pub use evaluate::{Decision, evaluate};
