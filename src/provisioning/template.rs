//! Reading and checking a provisioning template body: its sections, its parameters, its
//! mappings, its conditions (extended dialect) and its three kinds of resources.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::error::{TemplateError, malformed};
use super::intrinsics::{Cond, Dialect, Expr, Mappings, scalar_string};
use super::reader::Reader;
use super::resources::{CertificateResource, PolicyResource, PolicySource, ThingResource};

/// The longest template body AWS IoT takes, in characters.
pub const MAX_BODY_CHARS: usize = 10_240;

/// The parameter the service supplies in fleet provisioning: the id of the certificate the
/// device registers with.
pub const CERTIFICATE_ID_PARAMETER: &str = "AWS::IoT::Certificate::Id";

/// A provisioning template body, read and checked: every function call, condition name,
/// mapping name and resource property has been looked at, so that what is left to fail is
/// what depends on the parameters of a registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) dialect: Dialect,
    /// Declared parameters and their defaults.
    pub(crate) parameters: BTreeMap<String, Option<String>>,
    pub(crate) mappings: Mappings,
    pub(crate) conditions: Vec<(String, Cond)>,
    pub(crate) thing: Option<ThingResource>,
    pub(crate) certificate: Option<CertificateResource>,
    pub(crate) policies: Vec<PolicyResource>,
    pub(crate) device_configuration: Vec<(String, Expr)>,
}

const SECTIONS: &str = "Parameters, Mappings, Resources or DeviceConfiguration";

impl Template {
    /// Reads a template body with the functions the AWS IoT developer guide documents
    /// ([`Dialect::Documented`]).
    pub fn parse(body: &str) -> Result<Template, TemplateError> {
        Self::parse_with(body, Dialect::Documented)
    }

    /// Reads a template body, accepting the functions of `dialect`.
    pub fn parse_with(body: &str, dialect: Dialect) -> Result<Template, TemplateError> {
        let len = body.chars().count();
        if len > MAX_BODY_CHARS {
            return Err(TemplateError::TooLarge {
                len,
                max: MAX_BODY_CHARS,
            });
        }
        let root: Value =
            serde_json::from_str(body).map_err(|e| TemplateError::NotJson(e.to_string()))?;
        let Value::Object(root) = root else {
            return Err(malformed("template", "the body must be a JSON object"));
        };
        for key in root.keys() {
            match key.as_str() {
                "Parameters" | "Mappings" | "Resources" | "DeviceConfiguration" => {}
                "Conditions" if dialect == Dialect::Extended => {}
                "Conditions" => {
                    return Err(TemplateError::NotInDialect {
                        at: "Conditions".to_string(),
                        function: "the Conditions section".to_string(),
                    });
                }
                other => {
                    return Err(malformed(
                        other,
                        format!("unknown section (a template has {SECTIONS})"),
                    ));
                }
            }
        }
        let parameters = parameters(root.get("Parameters"))?;
        let mappings = mappings(root.get("Mappings"))?;

        let condition_defs = object_section(root.get("Conditions"), "Conditions")?;
        let names: BTreeSet<String> = condition_defs.keys().cloned().collect();
        let mut reader = Reader {
            dialect,
            mappings: &mappings,
            conditions: &names,
            in_conditions: true,
        };
        let conditions = condition_defs
            .iter()
            .map(|(name, v)| {
                Ok((
                    name.clone(),
                    reader.condition(v, &format!("Conditions.{name}"))?,
                ))
            })
            .collect::<Result<Vec<_>, TemplateError>>()?;
        check_cycles(&conditions)?;
        reader.in_conditions = false;

        let mut template = Template {
            dialect,
            parameters,
            mappings: Mappings::new(),
            conditions,
            thing: None,
            certificate: None,
            policies: Vec::new(),
            device_configuration: Vec::new(),
        };
        let Some(resources) = root.get("Resources") else {
            return Err(malformed("Resources", "the section is missing"));
        };
        let Value::Object(resources) = resources else {
            return Err(malformed("Resources", "the section must be an object"));
        };
        for (id, resource) in resources {
            template.resource(&reader, id, resource)?;
        }
        for (key, value) in object_section(root.get("DeviceConfiguration"), "DeviceConfiguration")?
        {
            let at = format!("DeviceConfiguration.{key}");
            let expr = reader.expr(value, &at)?;
            if matches!(expr, Expr::List(_) | Expr::Object(_)) {
                return Err(malformed(
                    at,
                    "DeviceConfiguration takes no nested objects or lists, only strings",
                ));
            }
            template.device_configuration.push((key.clone(), expr));
        }
        template.mappings = mappings;
        Ok(template)
    }

    /// The dialect the template was read with.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The declared parameters, each with its default if it has one.
    pub fn parameters(&self) -> &BTreeMap<String, Option<String>> {
        &self.parameters
    }

    /// Every name the template refers to with `Ref` or `${...}`.
    pub fn references(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut conditions = Vec::new();
        for (_, cond) in &self.conditions {
            cond.references(&mut out, &mut conditions);
        }
        let mut exprs: Vec<&Expr> = Vec::new();
        if let Some(t) = &self.thing {
            exprs.push(&t.name);
            let optional = [
                &t.attributes,
                &t.thing_type,
                &t.groups,
                &t.billing_group,
                &t.package_versions,
            ];
            exprs.extend(optional.into_iter().flatten());
        }
        if let Some(c) = &self.certificate {
            exprs.push(&c.certificate_id);
            exprs.extend(&c.status);
        }
        for p in &self.policies {
            match &p.source {
                PolicySource::Name(e) | PolicySource::Document(e) => exprs.push(e),
            }
        }
        exprs.extend(self.device_configuration.iter().map(|(_, e)| e));
        for e in exprs {
            e.references(&mut out);
        }
        out
    }

    /// The names referred to that are neither declared parameters nor supplied by the service
    /// (`AWS::IoT::Certificate::Id`): each resolves only if the device or a pre-provisioning
    /// hook happens to pass it, and fails the registration with `InvalidParameters` otherwise.
    pub fn undeclared_references(&self) -> BTreeSet<String> {
        self.references()
            .into_iter()
            .filter(|n| !self.parameters.contains_key(n) && n != CERTIFICATE_ID_PARAMETER)
            .collect()
    }
}

/// An optional section that must be an object.
fn object_section<'v>(
    value: Option<&'v Value>,
    name: &str,
) -> Result<&'v Map<String, Value>, TemplateError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match value {
        None => Ok(EMPTY.get_or_init(Map::new)),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(malformed(name, "the section must be an object")),
    }
}

fn parameters(section: Option<&Value>) -> Result<BTreeMap<String, Option<String>>, TemplateError> {
    let mut out = BTreeMap::new();
    for (name, spec) in object_section(section, "Parameters")? {
        let at = format!("Parameters.{name}");
        let Value::Object(spec) = spec else {
            return Err(malformed(
                at,
                "a parameter must be an object such as {\"Type\": \"String\"}",
            ));
        };
        for key in spec.keys() {
            if !matches!(key.as_str(), "Type" | "Default" | "Description") {
                return Err(malformed(
                    &at,
                    format!("unknown key {key} (a parameter has Type, Default and Description)"),
                ));
            }
        }
        match spec.get("Type") {
            Some(Value::String(t)) if t == "String" => {}
            Some(other) => {
                return Err(malformed(
                    &at,
                    format!(
                        "the Type is {other}; provisioning template parameters are of Type String"
                    ),
                ));
            }
            None => return Err(malformed(&at, "the parameter has no Type (String)")),
        }
        let default = match spec.get("Default") {
            None => None,
            Some(v) => Some(
                scalar_string(v)
                    .ok_or_else(|| malformed(format!("{at}.Default"), "must be a string"))?,
            ),
        };
        out.insert(name.clone(), default);
    }
    Ok(out)
}

fn mappings(section: Option<&Value>) -> Result<Mappings, TemplateError> {
    let mut out = Mappings::new();
    for (name, map) in object_section(section, "Mappings")? {
        let at = format!("Mappings.{name}");
        let Value::Object(map) = map else {
            return Err(malformed(at, "a mapping must be an object of objects"));
        };
        let mut tops = BTreeMap::new();
        for (top, entries) in map {
            let tat = format!("{at}.{top}");
            let Value::Object(entries) = entries else {
                return Err(malformed(tat, "a top-level key must map to an object"));
            };
            let mut seconds = BTreeMap::new();
            for (second, value) in entries {
                let vat = format!("{tat}.{second}");
                let value = match value {
                    Value::Array(items) => Value::Array(
                        items
                            .iter()
                            .map(|i| scalar_string(i).map(Value::String))
                            .collect::<Option<_>>()
                            .ok_or_else(|| {
                                malformed(&vat, "a list in a mapping holds strings only")
                            })?,
                    ),
                    Value::Object(o) if o.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) => {
                        return Err(malformed(
                            vat,
                            "Mappings cannot call intrinsic functions or refer to parameters",
                        ));
                    }
                    other => {
                        Value::String(scalar_string(other).ok_or_else(|| {
                            malformed(&vat, "must be a string or a list of strings")
                        })?)
                    }
                };
                seconds.insert(second.clone(), value);
            }
            tops.insert(top.clone(), seconds);
        }
        out.insert(name.clone(), tops);
    }
    Ok(out)
}

/// Refuses conditions that depend on themselves, through any number of others.
fn check_cycles(conditions: &[(String, Cond)]) -> Result<(), TemplateError> {
    let deps: BTreeMap<&str, Vec<String>> = conditions
        .iter()
        .map(|(name, cond)| {
            let mut named = Vec::new();
            cond.references(&mut BTreeSet::new(), &mut named);
            (name.as_str(), named)
        })
        .collect();
    fn visit(
        name: &str,
        deps: &BTreeMap<&str, Vec<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), TemplateError> {
        if done.contains(name) {
            return Ok(());
        }
        if let Some(start) = stack.iter().position(|n| n == name) {
            let mut cycle = stack[start..].to_vec();
            cycle.push(name.to_string());
            return Err(TemplateError::ConditionCycle {
                condition: name.to_string(),
                cycle: cycle.join(" -> "),
            });
        }
        stack.push(name.to_string());
        for dep in deps.get(name).into_iter().flatten() {
            visit(dep, deps, stack, done)?;
        }
        stack.pop();
        done.insert(name.to_string());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for (name, _) in conditions {
        visit(name, &deps, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}
