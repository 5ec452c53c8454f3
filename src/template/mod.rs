//! The CloudFormation template as a model: its parameters with their constraints, its
//! conditions and its resources, read from YAML (short-form tags such as `!Ref` accepted) or
//! JSON. No I/O but the one read of the file.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_yaml::Value;

use crate::error::bad_input;
use intrinsics::{Conditions, NoResources, ResolveError, Scope};

pub mod intrinsics;
pub mod rules;

/// The built-in template: the backend this tool deploys.
pub const BUILTIN: &str = include_str!("../../templates/iot-backend.yaml");

/// CloudFormation takes at most this many bytes of template inline.
pub const MAX_INLINE_BYTES: usize = 51_200;

#[derive(Debug, Clone, Default)]
pub struct ParamSpec {
    pub kind: String,
    pub default: Option<String>,
    pub allowed_pattern: Option<String>,
    pub allowed_values: Vec<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub constraint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub body: String,
    pub source: String,
    pub parameters: BTreeMap<String, ParamSpec>,
    /// Logical id to resource type, every resource whatever its condition.
    pub resources: BTreeMap<String, String>,
    /// Logical id to the name of the condition that decides whether the resource is made,
    /// for the resources that have one.
    pub resource_conditions: BTreeMap<String, String>,
    /// The whole document, tags kept.
    pub doc: Value,
}

impl Template {
    pub fn builtin() -> anyhow::Result<Template> {
        Template::parse(BUILTIN, "the built-in template")
    }

    pub fn from_file(path: &Path) -> anyhow::Result<Template> {
        let body = std::fs::read_to_string(path).map_err(|e| {
            bad_input(format!(
                "cannot read template {}: {e} (check --template)",
                path.display()
            ))
        })?;
        Template::parse(&body, &path.display().to_string())
    }

    pub fn parse(body: &str, source: &str) -> anyhow::Result<Template> {
        if body.len() > MAX_INLINE_BYTES {
            return Err(bad_input(format!(
                "template {source} is {} bytes; CloudFormation takes at most {MAX_INLINE_BYTES} bytes inline",
                body.len()
            )));
        }
        let doc: Value = serde_yaml::from_str(body)
            .map_err(|e| bad_input(format!("template {source} is not valid YAML: {e}")))?;
        let root = doc.as_mapping().ok_or_else(|| {
            bad_input(format!(
                "template {source} is not a CloudFormation template: its top level is not a mapping"
            ))
        })?;
        let resources_value = root.get("Resources").ok_or_else(|| {
            bad_input(format!(
                "template {source} is not a CloudFormation template: it has no Resources"
            ))
        })?;
        let mut resources = BTreeMap::new();
        let mut resource_conditions = BTreeMap::new();
        let mapping = resources_value
            .as_mapping()
            .ok_or_else(|| bad_input(format!("template {source}: Resources must be a mapping")))?;
        for (id, resource) in mapping {
            let id = scalar(id).ok_or_else(|| {
                bad_input(format!("template {source}: a resource id is not a string"))
            })?;
            let kind = resource.get("Type").and_then(scalar).ok_or_else(|| {
                bad_input(format!("template {source}: resource {id} has no Type"))
            })?;
            if let Some(condition) = resource.get("Condition") {
                let name = scalar(condition).ok_or_else(|| {
                    bad_input(format!(
                        "template {source}: the Condition of resource {id} is not a name"
                    ))
                })?;
                resource_conditions.insert(id.clone(), name);
            }
            resources.insert(id, kind);
        }
        let declared: Vec<String> = match root.get("Conditions") {
            None => Vec::new(),
            Some(Value::Mapping(map)) => map.keys().filter_map(scalar).collect(),
            Some(_) => {
                return Err(bad_input(format!(
                    "template {source}: Conditions must be a mapping"
                )));
            }
        };
        let outputs = root.get("Outputs").and_then(Value::as_mapping);
        let output_conditions = outputs.into_iter().flatten().filter_map(|(name, output)| {
            let condition = output.get("Condition")?;
            Some((
                format!("output {}", scalar(name).unwrap_or_default()),
                scalar(condition).unwrap_or_default(),
            ))
        });
        let used = resource_conditions
            .iter()
            .map(|(id, c)| (format!("resource {id}"), c.clone()))
            .chain(output_conditions);
        for (user, condition) in used {
            if !declared.contains(&condition) {
                return Err(bad_input(format!(
                    "template {source}: {user} has Condition {condition:?}, which Conditions does not declare"
                )));
            }
        }
        let mut parameters = BTreeMap::new();
        if let Some(params) = root.get("Parameters").and_then(Value::as_mapping) {
            for (name, spec) in params {
                let name = scalar(name).unwrap_or_default();
                parameters.insert(
                    name.clone(),
                    param_spec(spec)
                        .with_context(|| format!("template {source}: parameter {name}"))?,
                );
            }
        }
        Ok(Template {
            body: body.to_string(),
            source: source.to_string(),
            parameters,
            resources,
            resource_conditions,
            doc: doc.clone(),
        })
    }

    /// Checks a value against the parameter's declared constraints, as CloudFormation would.
    pub fn check_value(&self, name: &str, value: &str, flag: &str) -> anyhow::Result<()> {
        let spec = self.parameters.get(name).ok_or_else(|| {
            bad_input(format!(
                "{flag} sets parameter {name}, which template {} does not declare",
                self.source
            ))
        })?;
        let why = |detail: String| {
            let hint = spec.constraint.clone().unwrap_or(detail);
            bad_input(format!("{flag} {value:?} is not accepted: {hint}"))
        };
        if spec.kind == "Number" {
            let number: f64 = value
                .trim()
                .parse()
                .map_err(|_| why("must be a number".into()))?;
            if !number.is_finite() {
                return Err(why("must be a number".into()));
            }
            if let Some(min) = spec.min_value
                && number < min
            {
                return Err(why(format!("must be at least {min}")));
            }
            if let Some(max) = spec.max_value
                && number > max
            {
                return Err(why(format!("must be at most {max}")));
            }
        }
        if let Some(min) = spec.min_length
            && value.chars().count() < min
        {
            return Err(why(format!("must be at least {min} characters")));
        }
        if let Some(max) = spec.max_length
            && value.chars().count() > max
        {
            return Err(why(format!("must be at most {max} characters")));
        }
        if !spec.allowed_values.is_empty() && !spec.allowed_values.iter().any(|v| v == value) {
            return Err(why(format!(
                "must be one of {}",
                spec.allowed_values.join(", ")
            )));
        }
        if let Some(pattern) = &spec.allowed_pattern {
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                bad_input(format!(
                    "template {}: AllowedPattern of {name} is not a valid pattern: {e}",
                    self.source
                ))
            })?;
            if !re.is_match(value) {
                return Err(why(format!("must match {pattern}")));
            }
        }
        Ok(())
    }

    /// Parameter values: the defaults, overridden by `given`; every value checked.
    pub fn parameter_values(
        &self,
        given: &BTreeMap<String, String>,
    ) -> anyhow::Result<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        for (name, spec) in &self.parameters {
            if let Some(default) = &spec.default {
                values.insert(name.clone(), default.clone());
            }
        }
        for (name, value) in given {
            self.check_value(name, value, &format!("--param {name}="))?;
            values.insert(name.clone(), value.clone());
        }
        Ok(values)
    }

    /// Every condition's value for these parameter and pseudo parameter values; a parameter
    /// missing from `names` has its default.
    pub fn conditions(&self, names: &BTreeMap<String, String>) -> Result<Conditions, ResolveError> {
        let Some(definitions) = self.doc.get("Conditions").and_then(Value::as_mapping) else {
            return Ok(Conditions::new());
        };
        let mut values = names.clone();
        for (name, spec) in &self.parameters {
            if let Some(default) = &spec.default {
                values
                    .entry(name.clone())
                    .or_insert_with(|| default.clone());
            }
        }
        Scope {
            names: &values,
            resources: &NoResources,
        }
        .conditions(definitions)
    }

    /// Whether output `name` is shown under `conditions`: it has no condition, or its
    /// condition is true.
    pub fn output_is_active(&self, name: &str, conditions: &Conditions) -> bool {
        let condition = self
            .doc
            .get("Outputs")
            .and_then(|outputs| outputs.get(name))
            .and_then(|output| output.get("Condition"))
            .and_then(scalar);
        condition.is_none_or(|c| holds(&c, conditions))
    }

    /// The resources made under `conditions`: logical id to type.
    pub fn active_resources(&self, conditions: &Conditions) -> BTreeMap<String, String> {
        self.resources
            .iter()
            .filter(|(id, _)| {
                self.resource_conditions
                    .get(*id)
                    .is_none_or(|name| holds(name, conditions))
            })
            .map(|(id, kind)| (id.clone(), kind.clone()))
            .collect()
    }

    /// Parameters that have no default and so must be given for a new stack.
    pub fn required_parameters(&self) -> impl Iterator<Item = &str> {
        self.parameters
            .iter()
            .filter(|(_, spec)| spec.default.is_none())
            .map(|(name, _)| name.as_str())
    }
}

/// Whether condition `name` is true; a condition not evaluated counts as false.
fn holds(name: &str, conditions: &Conditions) -> bool {
    conditions.get(name).copied().unwrap_or(false)
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(value: Option<&Value>) -> anyhow::Result<Option<f64>> {
    match value {
        None => Ok(None),
        Some(v) => scalar(v)
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| bad_input("a numeric constraint is not a number")),
    }
}

fn param_spec(spec: &Value) -> anyhow::Result<ParamSpec> {
    let kind = spec
        .get("Type")
        .and_then(scalar)
        .ok_or_else(|| bad_input("has no Type"))?;
    Ok(ParamSpec {
        kind,
        default: spec.get("Default").and_then(scalar),
        allowed_pattern: spec.get("AllowedPattern").and_then(scalar),
        allowed_values: spec
            .get("AllowedValues")
            .and_then(Value::as_sequence)
            .map(|vs| vs.iter().filter_map(scalar).collect())
            .unwrap_or_default(),
        min_value: number(spec.get("MinValue"))?,
        max_value: number(spec.get("MaxValue"))?,
        min_length: number(spec.get("MinLength"))?.map(|n| n as usize),
        max_length: number(spec.get("MaxLength"))?.map(|n| n as usize),
        constraint: spec.get("ConstraintDescription").and_then(scalar),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BadInput;

    #[test]
    fn builtin_template_has_the_expected_shape() {
        let t = Template::builtin().unwrap();
        assert_eq!(
            t.parameters["HumidityThreshold"].default.as_deref(),
            Some("35")
        );
        assert_eq!(t.required_parameters().collect::<Vec<_>>(), ["AlertEmail"]);
        assert_eq!(t.resources["DevicePolicy"], "AWS::IoT::Policy");
        assert_eq!(
            t.resources
                .values()
                .filter(|k| *k == "AWS::IoT::TopicRule")
                .count(),
            4
        );
        let jitr = &t.parameters["EnableJustInTimeRegistration"];
        assert_eq!(jitr.default.as_deref(), Some("false"));
        assert_eq!(jitr.allowed_values, ["true", "false"]);
        assert!(
            t.check_value("EnableJustInTimeRegistration", "yes", "--jitr")
                .is_err()
        );
    }

    #[test]
    fn the_registration_and_provisioning_parts_are_made_only_when_switched_on() {
        let t = Template::builtin().unwrap();
        let jitr = [
            "JitrFunction",
            "JitrFunctionLogGroup",
            "JitrFunctionPermission",
            "JitrFunctionRole",
            "JitrRule",
        ];
        let claim = [
            "ClaimPolicy",
            "PreProvisioningHook",
            "PreProvisioningHookLogGroup",
            "PreProvisioningHookPermission",
            "PreProvisioningHookRole",
            "ProvisioningRole",
            "ProvisioningTemplate",
        ];
        for (ids, condition) in [
            (&jitr[..], "JustInTimeRegistration"),
            (&claim[..], "FleetProvisioning"),
        ] {
            for id in ids {
                assert_eq!(
                    t.resource_conditions.get(*id).map(String::as_str),
                    Some(condition),
                    "{id}"
                );
            }
        }
        let with = |jitr: &str, claims: &str| {
            let names = BTreeMap::from([
                ("EnableJustInTimeRegistration".to_string(), jitr.to_string()),
                ("EnableFleetProvisioning".to_string(), claims.to_string()),
            ]);
            t.conditions(&names).unwrap()
        };
        let off = with("false", "false");
        assert_eq!(
            off,
            Conditions::from([
                ("JustInTimeRegistration".into(), false),
                ("FleetProvisioning".into(), false)
            ])
        );
        let active = t.active_resources(&off);
        assert_eq!(active.len(), t.resources.len() - jitr.len() - claim.len());
        assert!(
            jitr.iter()
                .chain(&claim)
                .all(|id| !active.contains_key(*id))
        );
        assert!(!t.output_is_active("JitrRuleName", &off));
        assert!(!t.output_is_active("ClaimPolicyName", &off));
        assert!(t.output_is_active("AlertRuleName", &off));
        // The default is off.
        assert_eq!(t.conditions(&BTreeMap::new()).unwrap(), off);

        let on = with("true", "false");
        assert_eq!(
            t.active_resources(&on).len(),
            t.resources.len() - claim.len()
        );
        assert!(t.output_is_active("JitrRuleName", &on));
        assert!(t.output_is_active("JitrFunctionName", &on));
        let both = with("true", "true");
        assert_eq!(t.active_resources(&both), t.resources);
        assert!(t.output_is_active("ProvisioningTemplateName", &both));
    }

    #[test]
    fn conditions_that_are_not_declared_are_refused() {
        let resource =
            "Conditions: {A: !Equals [a, a]}\nResources:\n  R: {Type: T, Condition: B}\n";
        let err = Template::parse(resource, "t.yaml").unwrap_err().to_string();
        assert!(err.contains("resource R") && err.contains("\"B\""), "{err}");
        let output = "Resources:\n  R: {Type: T}\nOutputs:\n  O: {Value: x, Condition: A}\n";
        let err = Template::parse(output, "t.yaml").unwrap_err().to_string();
        assert!(err.contains("output O") && err.contains("\"A\""), "{err}");
        let listed = "Conditions: [a]\nResources: {}\n";
        assert!(Template::parse(listed, "t.yaml").is_err());
        let fine = "Conditions: {A: !Equals [a, b]}\nResources:\n  R: {Type: T, Condition: A}\n";
        let t = Template::parse(fine, "t.yaml").unwrap();
        let conditions = t.conditions(&BTreeMap::new()).unwrap();
        assert!(t.active_resources(&conditions).is_empty());
    }

    #[test]
    fn checks_values_against_constraints() {
        let t = Template::builtin().unwrap();
        assert!(
            t.check_value("AlertEmail", "ops@example.com", "--email")
                .is_ok()
        );
        assert!(
            t.check_value("AlertEmail", "not-an-email", "--email")
                .is_err()
        );
        assert!(
            t.check_value("HumidityThreshold", "35", "--threshold")
                .is_ok()
        );
        assert!(
            t.check_value("HumidityThreshold", "0", "--threshold")
                .is_ok()
        );
        assert!(
            t.check_value("HumidityThreshold", "100", "--threshold")
                .is_ok()
        );
        assert!(
            t.check_value("HumidityThreshold", "101", "--threshold")
                .is_err()
        );
        assert!(
            t.check_value("HumidityThreshold", "-1", "--threshold")
                .is_err()
        );
        assert!(
            t.check_value("HumidityThreshold", "dry", "--threshold")
                .is_err()
        );
        let err = t.check_value("Nope", "x", "--nope").unwrap_err();
        assert!(err.is::<BadInput>());
    }

    #[test]
    fn rejects_what_is_not_a_template() {
        for body in [
            "a: [unclosed",
            "- a list",
            "Parameters: {}",
            "Resources: {A: {}}",
        ] {
            let err = Template::parse(body, "t.yaml").unwrap_err();
            assert!(err.chain().any(|c| c.is::<BadInput>()), "{body}: {err:#}");
        }
        let big = format!("Resources: {{}}\n#{}", "x".repeat(MAX_INLINE_BYTES));
        assert!(Template::parse(&big, "big.yaml").is_err());
    }
}
