//! The resources of a provisioning template: at most one `AWS::IoT::Thing`, at most one
//! `AWS::IoT::Certificate`, and `AWS::IoT::Policy` resources, each with its properties,
//! `OverrideSettings` and (extended dialect) `Condition` checked as it is read.

use serde_json::{Map, Value};

use super::error::{TemplateError, malformed};
use super::intrinsics::{Dialect, Expr, scalar_string};
use super::overrides::{
    CertificateOverrides, ThingOverrides, certificate_overrides, thing_overrides,
};
use super::plan::{CertificateStatus, policy_document_problem};
use super::reader::Reader;
use super::template::Template;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ThingResource {
    pub id: String,
    pub condition: Option<String>,
    pub name: Expr,
    pub attributes: Option<Expr>,
    pub thing_type: Option<Expr>,
    pub groups: Option<Expr>,
    pub billing_group: Option<Expr>,
    pub package_versions: Option<Expr>,
    pub overrides: ThingOverrides,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CertificateResource {
    pub id: String,
    pub condition: Option<String>,
    pub certificate_id: Expr,
    pub status: Option<Expr>,
    pub overrides: CertificateOverrides,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PolicySource {
    Name(Expr),
    Document(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PolicyResource {
    pub id: String,
    pub condition: Option<String>,
    pub source: PolicySource,
}

const THING: &str = "AWS::IoT::Thing";
const CERTIFICATE: &str = "AWS::IoT::Certificate";
const POLICY: &str = "AWS::IoT::Policy";

/// What every resource has, read before its type-specific properties.
struct Header<'v> {
    id: String,
    /// `Resources.<id>`.
    at: String,
    condition: Option<String>,
    overrides: Option<&'v Map<String, Value>>,
    props: &'v Map<String, Value>,
}

impl Header<'_> {
    fn path(&self, property: &str) -> String {
        format!("{}.Properties.{property}", self.at)
    }

    /// A property, read; `None` where the template does not give it.
    fn property(&self, reader: &Reader<'_>, name: &str) -> Result<Option<Expr>, TemplateError> {
        self.props
            .get(name)
            .map(|v| reader.expr(v, &self.path(name)))
            .transpose()
    }

    /// A property that must be a string, as far as it is written out.
    fn string(&self, reader: &Reader<'_>, name: &str) -> Result<Option<Expr>, TemplateError> {
        let expr = self.property(reader, name)?;
        if let Some(e) = &expr {
            stringish(e, &self.path(name))?;
        }
        Ok(expr)
    }

    fn required(&self, reader: &Reader<'_>, name: &str) -> Result<Expr, TemplateError> {
        self.string(reader, name)?.ok_or_else(|| {
            malformed(
                format!("{}.Properties", self.at),
                format!("{name} is required"),
            )
        })
    }
}

impl Template {
    /// Reads one resource of the `Resources` section into the template.
    pub(crate) fn resource(
        &mut self,
        reader: &Reader<'_>,
        id: &str,
        value: &Value,
    ) -> Result<(), TemplateError> {
        let (type_name, header) = header(reader, id, value)?;
        match type_name {
            THING => {
                if let Some(first) = &self.thing {
                    return Err(TemplateError::DuplicateResource {
                        type_name: THING,
                        first: first.id.clone(),
                        second: id.to_string(),
                    });
                }
                self.thing = Some(thing(reader, header)?);
            }
            CERTIFICATE => {
                if let Some(first) = &self.certificate {
                    return Err(TemplateError::DuplicateResource {
                        type_name: CERTIFICATE,
                        first: first.id.clone(),
                        second: id.to_string(),
                    });
                }
                self.certificate = Some(certificate(reader, header)?);
            }
            POLICY => self.policies.push(policy(reader, header)?),
            other => {
                return Err(TemplateError::UnknownResourceType {
                    resource: id.to_string(),
                    type_name: other.to_string(),
                });
            }
        }
        Ok(())
    }
}

fn header<'v>(
    reader: &Reader<'_>,
    id: &str,
    value: &'v Value,
) -> Result<(&'v str, Header<'v>), TemplateError> {
    let at = format!("Resources.{id}");
    let Value::Object(resource) = value else {
        return Err(malformed(at, "a resource must be an object"));
    };
    if let Some(key) = resource.keys().find(|k| {
        !matches!(
            k.as_str(),
            "Type" | "Properties" | "OverrideSettings" | "Condition"
        )
    }) {
        return Err(malformed(
            &at,
            format!(
                "unknown key {key} (a resource has Type, Properties, OverrideSettings and Condition)"
            ),
        ));
    }
    let type_name = match resource.get("Type") {
        Some(Value::String(t)) => t.as_str(),
        Some(_) => return Err(malformed(format!("{at}.Type"), "must be a string")),
        None => return Err(malformed(&at, "the resource has no Type")),
    };
    let condition = match resource.get("Condition") {
        None => None,
        Some(value) => {
            let cat = format!("{at}.Condition");
            if reader.dialect == Dialect::Documented {
                return Err(TemplateError::NotInDialect {
                    at: cat,
                    function: "a resource Condition".to_string(),
                });
            }
            let name = value
                .as_str()
                .ok_or_else(|| malformed(&cat, "must be a condition name"))?;
            if !reader.conditions.contains(name) {
                return Err(TemplateError::UnknownCondition {
                    at: cat,
                    condition: name.to_string(),
                });
            }
            Some(name.to_string())
        }
    };
    let overrides = match resource.get("OverrideSettings") {
        None => None,
        Some(Value::Object(map)) => Some(map),
        Some(_) => {
            return Err(malformed(
                format!("{at}.OverrideSettings"),
                "must be an object",
            ));
        }
    };
    let props = match resource.get("Properties") {
        Some(Value::Object(map)) => map,
        Some(_) => return Err(malformed(format!("{at}.Properties"), "must be an object")),
        None => return Err(malformed(&at, "the resource has no Properties")),
    };
    Ok((
        type_name,
        Header {
            id: id.to_string(),
            at,
            condition,
            overrides,
            props,
        },
    ))
}

fn thing(reader: &Reader<'_>, h: Header<'_>) -> Result<ThingResource, TemplateError> {
    known_properties(
        h.props,
        &h.at,
        THING,
        &[
            "ThingName",
            "AttributePayload",
            "ThingTypeName",
            "ThingGroups",
            "BillingGroup",
            "PackageVersions",
        ],
    )?;
    let name = h.required(reader, "ThingName")?;
    let attributes = h.property(reader, "AttributePayload")?;
    if let Some(e) = &attributes {
        map_of_strings(e, &h.path("AttributePayload"))?;
    }
    let groups = h.property(reader, "ThingGroups")?;
    if let Some(e) = &groups {
        list_of_strings(e, &h.path("ThingGroups"))?;
    }
    let package_versions = h.property(reader, "PackageVersions")?;
    if let Some(e) = &package_versions {
        map_of_strings(e, &h.path("PackageVersions"))?;
    }
    Ok(ThingResource {
        name,
        attributes,
        thing_type: h.string(reader, "ThingTypeName")?,
        groups,
        billing_group: h.string(reader, "BillingGroup")?,
        package_versions,
        overrides: thing_overrides(h.overrides, &h.at)?,
        id: h.id,
        condition: h.condition,
    })
}

fn certificate(reader: &Reader<'_>, h: Header<'_>) -> Result<CertificateResource, TemplateError> {
    for key in h.props.keys() {
        match key.as_str() {
            "CertificateId" | "CertificateID" | "Status" => {}
            "CertificateSigningRequest" | "CertificatePem" | "CACertificatePem" => {
                return Err(malformed(
                    h.path(key),
                    "a fleet provisioning template names its certificate by CertificateId only",
                ));
            }
            other => {
                return Err(unknown_property(
                    &h.at,
                    CERTIFICATE,
                    other,
                    "CertificateId and Status",
                ));
            }
        }
    }
    // The guide's property list spells it CertificateID, its examples CertificateId.
    let key = if h.props.contains_key("CertificateID") {
        "CertificateID"
    } else {
        "CertificateId"
    };
    let certificate_id = h.required(reader, key)?;
    let status = h.string(reader, "Status")?;
    if let Some(Expr::Literal(v)) = &status {
        let text = scalar_string(v).unwrap_or_default();
        if CertificateStatus::parse(&text).is_none() {
            return Err(malformed(
                h.path("Status"),
                format!("{text:?} is not ACTIVE or INACTIVE"),
            ));
        }
    }
    Ok(CertificateResource {
        certificate_id,
        status,
        overrides: certificate_overrides(h.overrides, &h.at)?,
        id: h.id,
        condition: h.condition,
    })
}

fn policy(reader: &Reader<'_>, h: Header<'_>) -> Result<PolicyResource, TemplateError> {
    known_properties(h.props, &h.at, POLICY, &["PolicyName", "PolicyDocument"])?;
    if h.overrides.is_some() {
        return Err(malformed(
            format!("{}.OverrideSettings", h.at),
            "OverrideSettings are not available for policy resources",
        ));
    }
    let source = match (
        h.string(reader, "PolicyName")?,
        h.property(reader, "PolicyDocument")?,
    ) {
        (Some(name), None) => PolicySource::Name(name),
        (None, Some(document)) => {
            match &document {
                Expr::Literal(Value::String(text)) => {
                    if let Some(problem) = policy_document_problem(text) {
                        return Err(malformed(h.path("PolicyDocument"), problem));
                    }
                }
                Expr::Object(_) | Expr::Call(_) => {}
                _ => {
                    return Err(malformed(
                        h.path("PolicyDocument"),
                        "must be a JSON object or a string holding one",
                    ));
                }
            }
            PolicySource::Document(document)
        }
        _ => {
            return Err(malformed(
                format!("{}.Properties", h.at),
                "a policy takes PolicyName or PolicyDocument, one of the two",
            ));
        }
    };
    Ok(PolicyResource {
        id: h.id,
        condition: h.condition,
        source,
    })
}

fn unknown_property(at: &str, type_name: &str, name: &str, expected: &str) -> TemplateError {
    malformed(
        format!("{at}.Properties.{name}"),
        format!("{type_name} has no property {name} (it has {expected})"),
    )
}

fn known_properties(
    props: &Map<String, Value>,
    at: &str,
    type_name: &str,
    known: &[&str],
) -> Result<(), TemplateError> {
    match props.keys().find(|k| !known.contains(&k.as_str())) {
        Some(name) => Err(unknown_property(at, type_name, name, &known.join(", "))),
        None => Ok(()),
    }
}

/// A property that must be a string: a scalar written out, or a call.
fn stringish(expr: &Expr, at: &str) -> Result<(), TemplateError> {
    match expr {
        Expr::Literal(Value::Null) | Expr::List(_) | Expr::Object(_) => {
            Err(malformed(at, "must be a string"))
        }
        Expr::Literal(_) | Expr::Call(_) => Ok(()),
    }
}

/// A property that must be an object of strings, as far as it is written out.
fn map_of_strings(expr: &Expr, at: &str) -> Result<(), TemplateError> {
    match expr {
        Expr::Object(entries) => entries
            .iter()
            .try_for_each(|(k, e)| stringish(e, &format!("{at}.{k}"))),
        Expr::Call(_) => Ok(()),
        _ => Err(malformed(
            at,
            "must be an object of names and string values",
        )),
    }
}

/// A property that must be a list of strings, as far as it is written out.
fn list_of_strings(expr: &Expr, at: &str) -> Result<(), TemplateError> {
    match expr {
        Expr::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, e)| stringish(e, &format!("{at}[{i}]"))),
        Expr::Call(_) => Ok(()),
        _ => Err(malformed(at, "must be a list of strings")),
    }
}
