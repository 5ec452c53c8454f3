//! The `Condition` element: operators, keys (policy variables) and values. Every clause
//! must hold; within a clause a positive operator needs any value to match and a negated
//! one needs no value to match. A key or value that cannot be resolved makes the condition
//! fail, so the statement does not apply.

use serde_json::Value;

use super::context::Context;
use super::variables::{Template, Variable};

/// The supported condition operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Bool,
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnNotEquals,
    ArnLike,
    ArnNotLike,
}

impl Operator {
    fn parse(name: &str) -> Result<Self, String> {
        Ok(match name {
            "Bool" => Operator::Bool,
            "StringEquals" => Operator::StringEquals,
            "StringNotEquals" => Operator::StringNotEquals,
            "StringEqualsIgnoreCase" => Operator::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Operator::StringNotEqualsIgnoreCase,
            "StringLike" => Operator::StringLike,
            "StringNotLike" => Operator::StringNotLike,
            "ArnEquals" => Operator::ArnEquals,
            "ArnNotEquals" => Operator::ArnNotEquals,
            "ArnLike" => Operator::ArnLike,
            "ArnNotLike" => Operator::ArnNotLike,
            _ => return Err(format!("unsupported condition operator `{name}`")),
        })
    }

    fn is_negated(self) -> bool {
        matches!(
            self,
            Operator::StringNotEquals
                | Operator::StringNotEqualsIgnoreCase
                | Operator::StringNotLike
                | Operator::ArnNotEquals
                | Operator::ArnNotLike
        )
    }

    /// Whether the resolved key value `actual` matches one condition value.
    fn matches(self, value: &Template, actual: &str, ctx: &Context) -> Option<bool> {
        Some(match self {
            Operator::Bool => value.resolve_text(ctx)?.eq_ignore_ascii_case(actual),
            Operator::StringEquals | Operator::StringNotEquals => {
                value.resolve_text(ctx)? == actual
            }
            Operator::StringEqualsIgnoreCase | Operator::StringNotEqualsIgnoreCase => {
                value.resolve_text(ctx)?.to_lowercase() == actual.to_lowercase()
            }
            Operator::StringLike | Operator::StringNotLike => {
                value.resolve_pattern(ctx)?.matches(actual)
            }
            // IAM documents wildcards for both ArnEquals and ArnLike.
            Operator::ArnEquals
            | Operator::ArnNotEquals
            | Operator::ArnLike
            | Operator::ArnNotLike => value.resolve_pattern(ctx)?.matches_arn(actual),
        })
    }
}

/// One operator applied to one key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    operator: Operator,
    key: Variable,
    values: Vec<Template>,
}

impl Clause {
    fn holds(&self, ctx: &Context) -> bool {
        let Some(actual) = self.key.resolve(ctx) else {
            return false;
        };
        let mut any = false;
        for value in &self.values {
            match self.operator.matches(value, &actual, ctx) {
                Some(true) => any = true,
                Some(false) => {}
                None => return false,
            }
        }
        any != self.operator.is_negated()
    }
}

/// A parsed `Condition` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Condition {
    clauses: Vec<Clause>,
}

impl Condition {
    /// Parse `{"Operator": {"key": value-or-array, ...}, ...}`.
    pub(crate) fn parse(element: &Value) -> Result<Self, String> {
        let operators = element
            .as_object()
            .ok_or("`Condition` must be an object of operators")?;
        let mut clauses = Vec::new();
        for (op_name, keys) in operators {
            let operator = Operator::parse(op_name)?;
            let keys = keys
                .as_object()
                .ok_or_else(|| format!("condition `{op_name}` must be an object of keys"))?;
            if keys.is_empty() {
                return Err(format!("condition `{op_name}` has no keys"));
            }
            for (key_name, raw) in keys {
                let key = Variable::parse(key_name)
                    .map_err(|_| format!("unsupported condition key `{key_name}`"))?;
                let values = parse_values(op_name, key_name, raw)?;
                if operator == Operator::Bool
                    && let Some(bad) = values.iter().find(|v| !is_bool_literal(v))
                {
                    return Err(format!(
                        "condition `Bool` key `{key_name}` needs \"true\" or \"false\", got {bad:?}"
                    ));
                }
                let values = values
                    .iter()
                    .map(|v| Template::parse(v))
                    .collect::<Result<Vec<_>, _>>()?;
                clauses.push(Clause {
                    operator,
                    key,
                    values,
                });
            }
        }
        Ok(Self { clauses })
    }

    /// Whether every clause holds for this connection.
    pub(crate) fn holds(&self, ctx: &Context) -> bool {
        self.clauses.iter().all(|clause| clause.holds(ctx))
    }
}

fn is_bool_literal(value: &str) -> bool {
    value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
}

/// A condition value: a string, boolean or number, or a non-empty array of them.
fn parse_values(op: &str, key: &str, raw: &Value) -> Result<Vec<String>, String> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!(
            "condition `{op}` key `{key}` values must be strings, booleans or numbers"
        )),
    };
    match raw {
        Value::Array(items) if items.is_empty() => {
            Err(format!("condition `{op}` key `{key}` has no values"))
        }
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::Condition;
    use crate::policy::{Context, Thing};
    use serde_json::json;

    fn ctx_with_type(thing_type: Option<&str>) -> Context {
        Context {
            client_id: "s1".into(),
            attached_things: vec![Thing {
                name: "s1".into(),
                thing_type: thing_type.map(Into::into),
                attributes: [("floor".to_owned(), "Two".to_owned())].into(),
            }],
            ..Context::default()
        }
    }

    fn holds(condition: serde_json::Value, ctx: &Context) -> bool {
        Condition::parse(&condition).unwrap().holds(ctx)
    }

    #[test]
    fn operators() {
        let c = ctx_with_type(Some("sensor"));
        let key = "iot:Connection.Thing.ThingTypeName";
        assert!(holds(json!({"StringEquals": {key: "sensor"}}), &c));
        assert!(holds(json!({"StringEquals": {key: ["x", "sensor"]}}), &c));
        assert!(!holds(json!({"StringEquals": {key: "Sensor"}}), &c));
        assert!(holds(
            json!({"StringEqualsIgnoreCase": {key: "SENSOR"}}),
            &c
        ));
        assert!(holds(json!({"StringNotEquals": {key: ["x", "y"]}}), &c));
        assert!(!holds(
            json!({"StringNotEquals": {key: ["x", "sensor"]}}),
            &c
        ));
        assert!(holds(json!({"StringLike": {key: "sen*"}}), &c));
        assert!(!holds(json!({"StringNotLike": {key: "s?nsor"}}), &c));
        assert!(holds(
            json!({"Bool": {"iot:Connection.Thing.IsAttached": true}}),
            &c
        ));
        assert!(holds(
            json!({"StringEquals": {"iot:Connection.Thing.Attributes[floor]": "Two",
                                    "iot:ClientId": "${iot:Connection.Thing.ThingName}"}}),
            &c
        ));
    }

    #[test]
    fn unresolved_key_fails_even_for_negated_operators() {
        let c = ctx_with_type(None);
        let key = "iot:Connection.Thing.ThingTypeName";
        assert!(!holds(json!({"StringEquals": {key: "sensor"}}), &c));
        assert!(!holds(json!({"StringNotEquals": {key: "sensor"}}), &c));
    }

    #[test]
    fn rejects_unknown_operators_keys_and_bad_values() {
        for bad in [
            json!({"NumericEquals": {"iot:ClientId": "1"}}),
            json!({"StringEqualsIfExists": {"iot:ClientId": "1"}}),
            json!({"StringEquals": {"aws:SourceIp": "1"}}),
            json!({"StringEquals": {"iot:ClientId": []}}),
            json!({"StringEquals": {"iot:ClientId": {"a": 1}}}),
            json!({"Bool": {"iot:Connection.Thing.IsAttached": "yes"}}),
            json!({"StringEquals": {}}),
            json!(["StringEquals"]),
        ] {
            assert!(Condition::parse(&bad).is_err(), "{bad}");
        }
    }
}
