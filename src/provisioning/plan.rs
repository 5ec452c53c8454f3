//! Evaluating a template for one registration: the [`Plan`] of the thing, certificate,
//! policies and device configuration it describes, which the caller applies to a registry.

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::error::{TemplateError, invalid};
use super::eval::{self, Scope};
use super::intrinsics::{Expr, scalar_string};
use super::overrides::{
    CertificateOverrides, ThingOverrides, ThingState, merge_attributes, merge_groups,
    merge_thing_type, replaces_status,
};
use super::resources::PolicySource;
use super::template::{CERTIFICATE_ID_PARAMETER, Template};

/// What one registration provisions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The thing, unless the template has none (or its condition is false).
    pub thing: Option<ThingPlan>,
    /// The certificate to register and set the status of.
    pub certificate: Option<CertificatePlan>,
    /// The policies to attach to the certificate, in template order.
    pub policies: Vec<PolicyPlan>,
    /// The `DeviceConfiguration` section, evaluated: what `RegisterThing` answers the device
    /// with, in its `deviceConfiguration`.
    pub device_configuration: BTreeMap<String, String>,
}

/// The thing a registration creates or updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThingPlan {
    /// The resource's logical id in the template.
    pub logical_id: String,
    /// `ThingName`.
    pub name: String,
    /// `AttributePayload`.
    pub attributes: BTreeMap<String, String>,
    /// `ThingTypeName`.
    pub thing_type: Option<String>,
    /// `ThingGroups`, without repeats, in template order.
    pub groups: Vec<String>,
    /// `BillingGroup`.
    pub billing_group: Option<String>,
    /// `PackageVersions`: package name to version name.
    pub package_versions: BTreeMap<String, String>,
    /// What to do where the thing exists already.
    pub overrides: ThingOverrides,
}

/// The status a certificate is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertificateStatus {
    /// `ACTIVE`, the default.
    #[default]
    Active,
    /// `INACTIVE`.
    Inactive,
}

impl CertificateStatus {
    /// `ACTIVE` or `INACTIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Inactive => "INACTIVE",
        }
    }

    /// Reads a template's `Status`, in any case (the guide's own example writes `Active`).
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("ACTIVE") {
            Some(Self::Active)
        } else if text.eq_ignore_ascii_case("INACTIVE") {
            Some(Self::Inactive)
        } else {
            None
        }
    }
}

/// The certificate a registration registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePlan {
    /// The resource's logical id in the template.
    pub logical_id: String,
    /// `CertificateId`: in fleet provisioning, the certificate the device registers with.
    pub certificate_id: String,
    /// `Status`.
    pub status: CertificateStatus,
    /// What to do where the certificate is registered already.
    pub overrides: CertificateOverrides,
}

/// A policy to attach to the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyPlan {
    /// The resource's logical id in the template.
    pub logical_id: String,
    /// The policy.
    pub policy: Policy,
}

/// Where a policy comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Policy {
    /// `PolicyName`: a policy that exists already.
    Named(String),
    /// `PolicyDocument`: a policy document (JSON text) to create a policy from.
    Document(String),
}

/// Parameters for one registration: the device's (`RegisterThing`'s `parameters`), then a
/// pre-provisioning hook's `parameterOverrides` over them (the guide: they are added to the
/// parameters), then what the service supplies, `AWS::IoT::Certificate::Id`, over both.
pub fn merge_parameters(
    device: &BTreeMap<String, String>,
    hook_overrides: &BTreeMap<String, String>,
    certificate_id: Option<&str>,
) -> BTreeMap<String, String> {
    let mut out = device.clone();
    out.extend(hook_overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(id) = certificate_id {
        out.insert(CERTIFICATE_ID_PARAMETER.to_string(), id.to_string());
    }
    out
}

/// What is wrong with a policy document, if anything: it must be a JSON object.
pub(crate) fn policy_document_problem(text: &str) -> Option<String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_)) => None,
        Ok(_) => Some("the policy document must be a JSON object".to_string()),
        Err(e) => Some(format!("the policy document is not JSON: {e}")),
    }
}

/// A policy name for a policy given only as a document. The developer guide says the name
/// defaults to a hash of the document without saying which; this is the SHA-256 in hex.
pub fn document_policy_name(document: &str) -> String {
    Sha256::digest(document.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PolicyPlan {
    /// The policy's name: the one given, or [`document_policy_name`] of the document.
    pub fn name(&self) -> String {
        match &self.policy {
            Policy::Named(name) => name.clone(),
            Policy::Document(document) => document_policy_name(document),
        }
    }
}

impl ThingPlan {
    /// The registry state of the thing when it does not exist yet.
    pub fn state(&self) -> ThingState {
        ThingState {
            attributes: self.attributes.clone(),
            thing_type: self.thing_type.clone(),
            groups: self.groups.clone(),
        }
    }

    /// The registry state an existing thing ends with under the template's
    /// `OverrideSettings`; [`TemplateError::Conflict`] where one of them is `FAIL`.
    pub fn reconcile(&self, existing: &ThingState) -> Result<ThingState, TemplateError> {
        let id = &self.logical_id;
        Ok(ThingState {
            attributes: merge_attributes(
                id,
                &existing.attributes,
                &self.attributes,
                self.overrides.attribute_payload,
            )?,
            thing_type: merge_thing_type(
                id,
                existing.thing_type.as_deref(),
                self.thing_type.as_deref(),
                self.overrides.thing_type_name,
            )?,
            groups: merge_groups(
                id,
                &existing.groups,
                &self.groups,
                self.overrides.thing_groups,
            )?,
        })
    }
}

impl CertificatePlan {
    /// The status the certificate ends with, given the one it has. A certificate the device
    /// just obtained over MQTT (`PENDING_ACTIVATION`) always takes the template's status (the
    /// guide's MQTT API page says so); one registered already follows `OverrideSettings.Status`.
    pub fn resulting_status(&self, current: &str) -> Result<String, TemplateError> {
        if current == "PENDING_ACTIVATION"
            || replaces_status(&self.logical_id, self.overrides.status)?
        {
            Ok(self.status.as_str().to_string())
        } else {
            Ok(current.to_string())
        }
    }
}

/// Evaluates `template` with the parameters of one registration (see [`merge_parameters`]).
///
/// Every parameter the template declares without a `Default` must be supplied; parameters
/// supplied but not declared are available to `Ref` and `Fn::Sub` as well.
pub fn evaluate(
    template: &Template,
    parameters: &BTreeMap<String, String>,
) -> Result<Plan, TemplateError> {
    let mut values = parameters.clone();
    let mut missing = Vec::new();
    for (name, default) in &template.parameters {
        if values.contains_key(name) {
            continue;
        }
        match default {
            Some(d) => {
                values.insert(name.clone(), d.clone());
            }
            None => missing.push(name.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(TemplateError::MissingParameters { names: missing });
    }
    let conditions = eval::conditions(&values, &template.mappings, &template.conditions)?;
    let scope = Scope {
        parameters: &values,
        mappings: &template.mappings,
        conditions: &conditions,
    };
    let included = |condition: &Option<String>| {
        condition
            .as_ref()
            .is_none_or(|name| conditions.get(name).copied().unwrap_or(false))
    };
    let mut plan = Plan::default();

    if let Some(thing) = template.thing.as_ref().filter(|t| included(&t.condition)) {
        let at = |name: &str| format!("Resources.{}.Properties.{name}", thing.id);
        let name = required(&scope, &thing.name, &at("ThingName"))?;
        let mut groups: Vec<String> = Vec::new();
        for group in strings(&scope, thing.groups.as_ref(), &at("ThingGroups"))? {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        plan.thing = Some(ThingPlan {
            logical_id: thing.id.clone(),
            name,
            attributes: string_map(&scope, thing.attributes.as_ref(), &at("AttributePayload"))?,
            thing_type: optional(&scope, thing.thing_type.as_ref(), &at("ThingTypeName"))?,
            groups,
            billing_group: optional(&scope, thing.billing_group.as_ref(), &at("BillingGroup"))?,
            package_versions: string_map(
                &scope,
                thing.package_versions.as_ref(),
                &at("PackageVersions"),
            )?,
            overrides: thing.overrides,
        });
    }

    if let Some(cert) = template
        .certificate
        .as_ref()
        .filter(|c| included(&c.condition))
    {
        let at = |name: &str| format!("Resources.{}.Properties.{name}", cert.id);
        let status = match optional(&scope, cert.status.as_ref(), &at("Status"))? {
            None => CertificateStatus::default(),
            Some(text) => CertificateStatus::parse(&text).ok_or_else(|| {
                invalid(at("Status"), format!("{text:?} is not ACTIVE or INACTIVE"))
            })?,
        };
        plan.certificate = Some(CertificatePlan {
            logical_id: cert.id.clone(),
            certificate_id: required(&scope, &cert.certificate_id, &at("CertificateId"))?,
            status,
            overrides: cert.overrides,
        });
    }

    for policy in template.policies.iter().filter(|p| included(&p.condition)) {
        let at = |name: &str| format!("Resources.{}.Properties.{name}", policy.id);
        let evaluated = match &policy.source {
            PolicySource::Name(e) => Policy::Named(required(&scope, e, &at("PolicyName"))?),
            PolicySource::Document(e) => {
                Policy::Document(document(&scope, e, &at("PolicyDocument"))?)
            }
        };
        plan.policies.push(PolicyPlan {
            logical_id: policy.id.clone(),
            policy: evaluated,
        });
    }

    for (key, expr) in &template.device_configuration {
        if let Some(value) = optional(&scope, Some(expr), &format!("DeviceConfiguration.{key}"))? {
            plan.device_configuration.insert(key.clone(), value);
        }
    }
    Ok(plan)
}

/// What a value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
        _ => "a scalar",
    }
}

/// A string property; `None` where it is absent or `AWS::NoValue`.
fn optional(
    scope: &Scope<'_>,
    expr: Option<&Expr>,
    at: &str,
) -> Result<Option<String>, TemplateError> {
    let Some(value) = expr.map(|e| scope.value(e)).transpose()?.flatten() else {
        return Ok(None);
    };
    scalar_string(&value)
        .map(Some)
        .ok_or_else(|| invalid(at, format!("must be a string, not {}", kind(&value))))
}

/// A string property that must be there and not be empty.
fn required(scope: &Scope<'_>, expr: &Expr, at: &str) -> Result<String, TemplateError> {
    match optional(scope, Some(expr), at)? {
        Some(text) if !text.is_empty() => Ok(text),
        Some(_) => Err(invalid(at, "must not be empty")),
        None => Err(invalid(at, "is required but evaluated to no value")),
    }
}

/// A property that is an object of strings; empty where absent.
fn string_map(
    scope: &Scope<'_>,
    expr: Option<&Expr>,
    at: &str,
) -> Result<BTreeMap<String, String>, TemplateError> {
    match expr.map(|e| scope.value(e)).transpose()?.flatten() {
        None => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                scalar_string(v).map(|s| (k.clone(), s)).ok_or_else(|| {
                    invalid(
                        format!("{at}.{k}"),
                        format!("must be a string, not {}", kind(v)),
                    )
                })
            })
            .collect(),
        Some(other) => Err(invalid(
            at,
            format!("must be an object, not {}", kind(&other)),
        )),
    }
}

/// A property that is a list of strings; empty where absent.
fn strings(scope: &Scope<'_>, expr: Option<&Expr>, at: &str) -> Result<Vec<String>, TemplateError> {
    match expr.map(|e| scope.value(e)).transpose()?.flatten() {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                scalar_string(v).ok_or_else(|| {
                    invalid(
                        format!("{at}[{i}]"),
                        format!("must be a string, not {}", kind(v)),
                    )
                })
            })
            .collect(),
        Some(other) => Err(invalid(at, format!("must be a list, not {}", kind(&other)))),
    }
}

/// A policy document: a JSON object, given as one or as a string holding one; its text.
fn document(scope: &Scope<'_>, expr: &Expr, at: &str) -> Result<String, TemplateError> {
    match scope.value(expr)? {
        Some(Value::String(text)) => match policy_document_problem(&text) {
            None => Ok(text),
            Some(problem) => Err(invalid(at, problem)),
        },
        Some(object @ Value::Object(_)) => serde_json::to_string(&object)
            .map_err(|e| invalid(at, format!("cannot write the policy document: {e}"))),
        Some(other) => Err(invalid(
            at,
            format!("must be a JSON object, not {}", kind(&other)),
        )),
        None => Err(invalid(at, "is required but evaluated to no value")),
    }
}
