//! The CloudFormation template as a model: its parameters with their constraints and its
//! resources, read from YAML (short-form tags such as `!Ref` accepted) or JSON. No I/O but the
//! one read of the file.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_yaml::Value;

use crate::error::bad_input;

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
    /// Logical id to resource type.
    pub resources: BTreeMap<String, String>,
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
            resources.insert(id, kind);
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

    /// Parameters that have no default and so must be given for a new stack.
    pub fn required_parameters(&self) -> impl Iterator<Item = &str> {
        self.parameters
            .iter()
            .filter(|(_, spec)| spec.default.is_none())
            .map(|(name, _)| name.as_str())
    }
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
            2
        );
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
