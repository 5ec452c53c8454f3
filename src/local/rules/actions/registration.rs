//! The just-in-time registration function's behaviour, run natively against the local
//! registry in the order its Python source runs it: read the certificate named by the event,
//! take its subject's common name, create that thing (marked as the stack's), attach the
//! device policy and the thing to the certificate, activate it. Every step succeeds again
//! when repeated, so a second run for the same certificate changes nothing.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::local::registry::{CertificateStatus, Registry, RegistryError};
use crate::local::state::StateDir;
use crate::outcome::MANAGED_ATTRIBUTE;

/// A certificate the function activated for its thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registered {
    pub certificate_id: String,
    pub thing: String,
}

/// Runs the function for `event` (the rule's output); the error is what the function's
/// failure reports, as Python and boto3 would word it.
pub(crate) fn register(
    state: &StateDir,
    event: &Map<String, Value>,
    stack_name: &str,
    policy_name: &str,
) -> Result<Registered, String> {
    let certificate_id = match event.get("certificateId") {
        Some(Value::String(id)) => id.clone(),
        None => return Err("KeyError: 'certificateId'".to_owned()),
        Some(other) => {
            return Err(format!(
                "ParamValidationError: Parameter validation failed: Invalid type for parameter certificateId, value: {other}, type: <class '{}'>, valid types: <class 'str'>",
                super::lambda::python_type(other)
            ));
        }
    };
    // The engine runs on its own threads and the registry is shared between processes:
    // a handle of its own, opened where the state directory keeps it.
    let registry = Registry::open(&state.registry())
        .map_err(|e| format!("the local registry cannot be opened: {e}"))?;
    let certificate = registry
        .certificate(&certificate_id)
        .map_err(call("DescribeCertificate"))?
        .ok_or_else(|| {
            call("DescribeCertificate")(RegistryError::NotFound {
                kind: "certificate",
                id: certificate_id.clone(),
            })
        })?;
    let thing = certificate
        .common_name()
        .map_err(|e| format!("ValueError: {e}"))?;
    if thing.is_empty() {
        return Err("ValueError: the certificate's subject has no common name".to_owned());
    }
    let attributes = BTreeMap::from([(MANAGED_ATTRIBUTE.to_owned(), stack_name.to_owned())]);
    registry
        .create_thing(&thing, &attributes)
        .map_err(call("CreateThing"))?;
    registry
        .attach_policy(policy_name, &certificate.arn)
        .map_err(call("AttachPolicy"))?;
    registry
        .attach_thing_principal(&thing, &certificate.arn)
        .map_err(call("AttachThingPrincipal"))?;
    registry
        .set_certificate_status(&certificate.id, CertificateStatus::Active)
        .map_err(call("UpdateCertificate"))?;
    Ok(Registered {
        certificate_id: certificate.id,
        thing,
    })
}

/// A registry error as boto3 words a failed call.
pub(super) fn call(operation: &'static str) -> impl Fn(RegistryError) -> String {
    move |e| {
        format!(
            "An error occurred ({}) when calling the {operation} operation: {e}",
            e.code()
        )
    }
}
