//! What CreateChangeSet checks before it plans: the capabilities a template's IAM resources
//! need, and every parameter's value (given, previous or default), with CloudFormation's
//! errors for what does not fit.

use std::collections::BTreeMap;

use super::query::Fault;
use crate::template::Template;

/// IAM resource types, and the property that names each explicitly.
const IAM_TYPES: &[(&str, Option<&str>)] = &[
    ("AWS::IAM::Role", Some("RoleName")),
    ("AWS::IAM::User", Some("UserName")),
    ("AWS::IAM::Group", Some("GroupName")),
    ("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName")),
    ("AWS::IAM::InstanceProfile", Some("InstanceProfileName")),
    ("AWS::IAM::Policy", None),
    ("AWS::IAM::AccessKey", None),
    ("AWS::IAM::UserToGroupAddition", None),
];

/// The capability the template's IAM resources need, if any: CAPABILITY_NAMED_IAM when one
/// of them is named explicitly.
pub fn needed_capability(template: &Template) -> Option<&'static str> {
    let mut needed = None;
    for (id, kind) in &template.resources {
        let Some((_, name_prop)) = IAM_TYPES.iter().find(|(t, _)| t == kind) else {
            continue;
        };
        let named = name_prop.is_some_and(|prop| {
            template
                .doc
                .get("Resources")
                .and_then(|r| r.get(id.as_str()))
                .and_then(|r| r.get("Properties"))
                .and_then(|p| p.get(prop))
                .is_some()
        });
        if named {
            return Some("CAPABILITY_NAMED_IAM");
        }
        needed = Some("CAPABILITY_IAM");
    }
    needed
}

/// Every parameter's value: the given one, the previous one where asked, else the default;
/// with CloudFormation's errors for what does not fit.
pub fn parameter_values(
    template: &Template,
    given: &[Vec<(&str, &str)>],
    previous: Option<&BTreeMap<String, String>>,
) -> Result<BTreeMap<String, String>, Fault> {
    let mut values = BTreeMap::new();
    let mut unknown = Vec::new();
    for fields in given {
        let field = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let Some(key) = field("ParameterKey") else {
            continue;
        };
        if !template.parameters.contains_key(key) {
            unknown.push(key.to_owned());
            continue;
        }
        let use_previous =
            field("UsePreviousValue").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let value = match (field("ParameterValue"), use_previous) {
            (Some(v), true) if !v.is_empty() => {
                return Err(Fault::validation(format!(
                    "Invalid input for parameter key {key}. Cannot specify usePreviousValue as true and non empty value for a parameter"
                )));
            }
            (_, true) => previous
                .and_then(|p| p.get(key))
                .cloned()
                .ok_or_else(|| {
                    Fault::validation(format!(
                        "Invalid input for parameter key {key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template"
                    ))
                })?,
            (Some(v), false) => v.to_owned(),
            (None, false) => String::new(),
        };
        values.insert(key.to_owned(), value);
    }
    if !unknown.is_empty() {
        return Err(Fault::validation(format!(
            "Parameters: [{}] do not exist in the template",
            unknown.join(", ")
        )));
    }
    let mut missing = Vec::new();
    for (name, spec) in &template.parameters {
        if values.contains_key(name) {
            continue;
        }
        match &spec.default {
            Some(default) => {
                values.insert(name.clone(), default.clone());
            }
            None => missing.push(name.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(Fault::validation(format!(
            "Parameters: [{}] must have values",
            missing.join(", ")
        )));
    }
    for (name, value) in &values {
        template
            .check_value(name, value, &format!("Parameter '{name}'"))
            .map_err(|e| Fault::validation(e.to_string()))?;
    }
    Ok(values)
}
