//! CloudFormation's intrinsic functions, resolved offline: `Ref`, `Fn::Sub`, `Fn::GetAtt`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::If` (with `AWS::NoValue`), in short (`!Ref`)
//! and long (`{"Ref": ...}`) form; and the condition functions of a template's `Conditions`
//! (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`). What a resource reference
//! resolves to is the caller's choice: a placeholder when trying rules offline, a real name in
//! the local backend.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

/// Answers references to resources (`Ref` and `Fn::GetAtt`).
pub trait Resources {
    fn reference(&self, logical_id: &str) -> Option<String>;
    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String>;
}

/// Resources shown as `<LogicalId>` and `<LogicalId.Attribute>`.
pub struct Placeholders;

impl Resources for Placeholders {
    fn reference(&self, logical_id: &str) -> Option<String> {
        Some(format!("<{logical_id}>"))
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String> {
        Some(format!("<{logical_id}.{attribute}>"))
    }
}

/// No resources at all: what conditions may refer to.
pub struct NoResources;

impl Resources for NoResources {
    fn reference(&self, _: &str) -> Option<String> {
        None
    }

    fn attribute(&self, _: &str, _: &str) -> Option<String> {
        None
    }
}

/// The value of every condition of a template, by name.
pub type Conditions = BTreeMap<String, bool>;

/// The pseudo parameter that removes a property or list item (`!Ref AWS::NoValue`).
pub const NO_VALUE: &str = "AWS::NoValue";

/// CloudFormation's limits on `Fn::And` and `Fn::Or`.
const MIN_OPERANDS: usize = 2;
const MAX_OPERANDS: usize = 10;

/// Everything a value may refer to.
pub struct Scope<'a> {
    /// Parameter values and pseudo parameters (`AWS::Region`, ...).
    pub names: &'a BTreeMap<String, String>,
    pub resources: &'a dyn Resources,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ResolveError(pub String);

fn err(message: impl Into<String>) -> ResolveError {
    ResolveError(message.into())
}

impl Scope<'_> {
    fn reference(&self, name: &str) -> Result<String, ResolveError> {
        if let Some(v) = self.names.get(name) {
            return Ok(v.clone());
        }
        self.resources.reference(name).ok_or_else(|| {
            err(format!(
                "Ref to {name}, which is neither a parameter nor a resource"
            ))
        })
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Result<String, ResolveError> {
        self.resources
            .attribute(logical_id, attribute)
            .ok_or_else(|| {
                err(format!(
                    "Fn::GetAtt {logical_id}.{attribute}: no such resource"
                ))
            })
    }

    /// Resolves every intrinsic function in `value`, for a template without conditions
    /// (`Fn::If` fails).
    pub fn resolve(&self, value: &Value) -> Result<Value, ResolveError> {
        self.resolve_with(value, &Conditions::new())
    }

    /// Resolves every intrinsic function in `value`, `Fn::If` choosing by `conditions`.
    /// Properties and list items that resolve to `AWS::NoValue` are left out; a value that is
    /// `AWS::NoValue` as a whole resolves to null.
    pub fn resolve_with(
        &self,
        value: &Value,
        conditions: &Conditions,
    ) -> Result<Value, ResolveError> {
        let resolver = Resolver {
            scope: self,
            conditions,
        };
        Ok(resolver.value(value)?.unwrap_or(Value::Null))
    }

    /// Resolves `value` to a string.
    pub fn string(&self, value: &Value) -> Result<String, ResolveError> {
        self.string_with(value, &Conditions::new())
    }

    /// Resolves `value` to a string, `Fn::If` choosing by `conditions`.
    pub fn string_with(
        &self,
        value: &Value,
        conditions: &Conditions,
    ) -> Result<String, ResolveError> {
        Resolver {
            scope: self,
            conditions,
        }
        .string(value)
    }

    /// Evaluates a template's `Conditions` section: every condition by name. Conditions may
    /// refer to parameters, pseudo parameters and each other, never to resources.
    pub fn conditions(&self, definitions: &Mapping) -> Result<Conditions, ResolveError> {
        let mut evaluation = Evaluation {
            scope: self,
            definitions,
            done: Conditions::new(),
            open: Vec::new(),
        };
        for name in definitions.keys() {
            let name = scalar(name).ok_or_else(|| err("a condition name is not a string"))?;
            evaluation.named(&name)?;
        }
        Ok(evaluation.done)
    }
}

/// Resolution of one value with the conditions it may choose by.
struct Resolver<'a> {
    scope: &'a Scope<'a>,
    conditions: &'a Conditions,
}

impl Resolver<'_> {
    /// The resolved value; `None` for `AWS::NoValue`.
    fn value(&self, value: &Value) -> Result<Option<Value>, ResolveError> {
        if let Some((function, argument)) = intrinsic(value) {
            return self.call(&function, argument);
        }
        Ok(Some(match value {
            Value::Mapping(map) => {
                let mut out = Mapping::new();
                for (k, v) in map {
                    if let Some(v) = self.value(v)? {
                        out.insert(k.clone(), v);
                    }
                }
                Value::Mapping(out)
            }
            Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.extend(self.value(item)?);
                }
                Value::Sequence(out)
            }
            other => other.clone(),
        }))
    }

    fn present(&self, value: &Value) -> Result<Value, ResolveError> {
        self.value(value)?
            .ok_or_else(|| err(format!("{NO_VALUE} where a value is needed")))
    }

    fn string(&self, value: &Value) -> Result<String, ResolveError> {
        scalar(&self.present(value)?).ok_or_else(|| err("expected a string"))
    }

    fn call(&self, function: &str, argument: &Value) -> Result<Option<Value>, ResolveError> {
        let scope = self.scope;
        let value = match function {
            "Ref" => {
                let name = scalar(argument).ok_or_else(|| err("Ref takes a name"))?;
                if name == NO_VALUE {
                    return Ok(None);
                }
                Value::String(scope.reference(&name)?)
            }
            "Fn::If" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 3)
                    .ok_or_else(|| {
                        err("Fn::If takes [condition, value if true, value if false]")
                    })?;
                let name = scalar(&items[0]).ok_or_else(|| err("Fn::If takes a condition name"))?;
                let chosen = self
                    .conditions
                    .get(&name)
                    .ok_or_else(|| err(format!("Fn::If: no condition {name}")))?;
                return self.value(if *chosen { &items[1] } else { &items[2] });
            }
            "Fn::GetAtt" => {
                let (id, attr) = match argument {
                    Value::String(s) => s
                        .split_once('.')
                        .map(|(a, b)| (a.to_string(), b.to_string())),
                    Value::Sequence(items) if items.len() == 2 => {
                        scalar(&items[0]).zip(scalar(&items[1]))
                    }
                    _ => None,
                }
                .ok_or_else(|| err("Fn::GetAtt takes Resource.Attribute"))?;
                Value::String(scope.attribute(&id, &attr)?)
            }
            "Fn::Sub" => {
                let (text, vars) = match argument {
                    Value::String(s) => (s.clone(), BTreeMap::new()),
                    Value::Sequence(items) if items.len() == 2 => {
                        let text =
                            scalar(&items[0]).ok_or_else(|| err("Fn::Sub takes a string"))?;
                        let mut vars = BTreeMap::new();
                        if let Value::Mapping(map) = &items[1] {
                            for (k, v) in map {
                                vars.insert(scalar(k).unwrap_or_default(), self.string(v)?);
                            }
                        }
                        (text, vars)
                    }
                    _ => return Err(err("Fn::Sub takes a string or [string, variables]")),
                };
                Value::String(self.sub(&text, &vars)?)
            }
            "Fn::Join" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| err("Fn::Join takes [delimiter, list]"))?;
                let delimiter = scalar(&items[0]).unwrap_or_default();
                let list = self.present(&items[1])?;
                let parts: Vec<String> = list
                    .as_sequence()
                    .ok_or_else(|| err("Fn::Join takes a list"))?
                    .iter()
                    .map(|v| scalar(v).ok_or_else(|| err("Fn::Join joins strings")))
                    .collect::<Result<_, _>>()?;
                Value::String(parts.join(&delimiter))
            }
            "Fn::Split" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| err("Fn::Split takes [delimiter, string]"))?;
                let delimiter = scalar(&items[0]).unwrap_or_default();
                let text = self.string(&items[1])?;
                if delimiter.is_empty() {
                    return Err(err("Fn::Split needs a delimiter"));
                }
                Value::Sequence(
                    text.split(&delimiter)
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                )
            }
            "Fn::Select" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| err("Fn::Select takes [index, list]"))?;
                let index: usize = self
                    .string(&items[0])?
                    .parse()
                    .map_err(|_| err("Fn::Select takes a numeric index"))?;
                let list = self.present(&items[1])?;
                list.as_sequence()
                    .and_then(|l| l.get(index).cloned())
                    .ok_or_else(|| err(format!("Fn::Select: no item {index}")))?
            }
            "Condition" | "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                return Err(err(format!(
                    "{function} belongs in the template's Conditions; use Fn::If with a condition name here"
                )));
            }
            other => return Err(err(format!("{other} is not supported offline"))),
        };
        Ok(Some(value))
    }

    fn sub(&self, text: &str, vars: &BTreeMap<String, String>) -> Result<String, ResolveError> {
        let scope = self.scope;
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| err(format!("Fn::Sub: unclosed ${{ in {text:?}")))?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(v) = vars.get(name) {
                out.push_str(v);
            } else if let Some((id, attr)) = name
                .split_once('.')
                .filter(|_| !scope.names.contains_key(name))
            {
                out.push_str(&scope.attribute(id, attr)?);
            } else {
                out.push_str(&scope.reference(name)?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The evaluation of a `Conditions` section: each condition once, cycles refused.
struct Evaluation<'a> {
    scope: &'a Scope<'a>,
    definitions: &'a Mapping,
    done: Conditions,
    /// The conditions being evaluated, outermost first.
    open: Vec<String>,
}

impl Evaluation<'_> {
    fn named(&mut self, name: &str) -> Result<bool, ResolveError> {
        if let Some(value) = self.done.get(name) {
            return Ok(*value);
        }
        if self.open.iter().any(|n| n == name) {
            let mut cycle = self.open.clone();
            cycle.push(name.to_string());
            return Err(err(format!(
                "condition {name} depends on itself ({})",
                cycle.join(" -> ")
            )));
        }
        let body = self
            .definitions
            .iter()
            .find(|(k, _)| scalar(k).as_deref() == Some(name))
            .map(|(_, v)| v)
            .ok_or_else(|| err(format!("no condition {name}")))?;
        self.open.push(name.to_string());
        let value = self
            .body(body)
            .map_err(|e| err(format!("condition {name}: {e}")));
        self.open.pop();
        let value = value?;
        self.done.insert(name.to_string(), value);
        Ok(value)
    }

    fn body(&mut self, body: &Value) -> Result<bool, ResolveError> {
        let (function, argument) = condition_function(body).ok_or_else(|| {
            err("a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition")
        })?;
        let operands = |min: usize, max: usize| {
            argument
                .as_sequence()
                .filter(|items| (min..=max).contains(&items.len()))
                .ok_or_else(|| {
                    let count = if min == max {
                        format!("{min}")
                    } else {
                        format!("{min} to {max}")
                    };
                    err(format!("{function} takes a list of {count} conditions"))
                })
        };
        match function.as_str() {
            "Condition" => {
                let name = scalar(argument).ok_or_else(|| err("Condition takes a name"))?;
                self.named(&name)
            }
            "Fn::Equals" => {
                let items = argument
                    .as_sequence()
                    .filter(|items| items.len() == 2)
                    .ok_or_else(|| err("Fn::Equals takes [value, value]"))?;
                let resolver = Resolver {
                    scope: self.scope,
                    conditions: &self.done,
                };
                let a = resolver.present(&items[0])?;
                let b = resolver.present(&items[1])?;
                // CloudFormation compares strings: `true` and "true" are equal.
                Ok(match (scalar(&a), scalar(&b)) {
                    (Some(a), Some(b)) => a == b,
                    _ => a == b,
                })
            }
            "Fn::Not" => {
                let items = operands(1, 1)?;
                Ok(!self.body(&items[0])?)
            }
            "Fn::And" | "Fn::Or" => {
                let items = operands(MIN_OPERANDS, MAX_OPERANDS)?;
                let all = function == "Fn::And";
                // Every operand is evaluated, so a broken one is found whatever the others say.
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.body(item)?);
                }
                Ok(if all {
                    values.iter().all(|v| *v)
                } else {
                    values.iter().any(|v| *v)
                })
            }
            other => Err(err(format!("{other} is not a condition function"))),
        }
    }
}

/// A condition function in either form; `{"Condition": name}` is one here.
fn condition_function(value: &Value) -> Option<(String, &Value)> {
    if let Value::Mapping(map) = value
        && map.len() == 1
        && let Some((k, v)) = map.iter().next()
        && k.as_str() == Some("Condition")
    {
        return Some(("Condition".to_string(), v));
    }
    intrinsic(value)
}

/// The function name and argument of an intrinsic in either form.
fn intrinsic(value: &Value) -> Option<(String, &Value)> {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let function = if name == "Ref" || name == "Condition" {
                name.to_string()
            } else {
                format!("Fn::{name}")
            };
            Some((function, &tagged.value))
        }
        Value::Mapping(map) if map.len() == 1 => {
            let (k, v) = map.iter().next()?;
            let key = k.as_str()?;
            (key == "Ref" || key.starts_with("Fn::")).then(|| (key.to_string(), v))
        }
        _ => None,
    }
}

pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(yaml: &str) -> Result<Value, ResolveError> {
        let names = BTreeMap::from([
            ("HumidityThreshold".to_string(), "35".to_string()),
            ("AWS::Region".to_string(), "eu-west-1".to_string()),
            ("AWS::AccountId".to_string(), "123456789012".to_string()),
            ("AWS::Partition".to_string(), "aws".to_string()),
        ]);
        let scope = Scope {
            names: &names,
            resources: &Placeholders,
        };
        scope.resolve(&serde_yaml::from_str(yaml).unwrap())
    }

    fn text(yaml: &str) -> String {
        scalar(&resolve(yaml).unwrap()).unwrap()
    }

    #[test]
    fn sub_with_parameters_pseudo_parameters_and_literals() {
        assert_eq!(
            text(
                "!Sub \"SELECT * FROM 'device/+/devicePayload' WHERE humidity < ${HumidityThreshold}\""
            ),
            "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35"
        );
        assert_eq!(
            text(
                "!Sub \"arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:client/${!iot:Connection.Thing.ThingName}\""
            ),
            "arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}"
        );
        assert_eq!(
            text("!Sub \"${ArchiveBucket.Arn}/*\""),
            "<ArchiveBucket.Arn>/*"
        );
        assert_eq!(
            text("Fn::Sub: ['${A}-${B}', {A: x, B: !Ref HumidityThreshold}]"),
            "x-35"
        );
    }

    #[test]
    fn refs_getatts_and_list_functions() {
        assert_eq!(text("!Ref HumidityThreshold"), "35");
        assert_eq!(text("{Ref: ArchiveBucket}"), "<ArchiveBucket>");
        assert_eq!(text("!GetAtt AlertFunction.Arn"), "<AlertFunction.Arn>");
        assert_eq!(
            text("!Select [1, !Split ['policy/', 'arn:aws:iot:r:1:policy/p-1']]"),
            "p-1"
        );
        assert_eq!(text("!Join ['-', [a, !Ref HumidityThreshold]]"), "a-35");
    }

    fn conditions(yaml: &str, parameter: &str) -> Result<Conditions, ResolveError> {
        let names = BTreeMap::from([
            ("Enable".to_string(), parameter.to_string()),
            ("AWS::Region".to_string(), "eu-west-1".to_string()),
        ]);
        let scope = Scope {
            names: &names,
            resources: &NoResources,
        };
        let definitions: Mapping = serde_yaml::from_str(yaml).unwrap();
        scope.conditions(&definitions)
    }

    #[test]
    fn equals_compares_resolved_values_as_strings() {
        let yaml = "On: !Equals [!Ref Enable, 'true']\n\
                    Bare: !Equals [!Ref Enable, true]\n\
                    Long: {'Fn::Equals': [{Ref: Enable}, 'true']}\n\
                    Ireland: !Equals [!Sub '${AWS::Region}', eu-west-1]\n";
        let on = conditions(yaml, "true").unwrap();
        assert_eq!(
            on,
            Conditions::from([
                ("Bare".into(), true),
                ("Ireland".into(), true),
                ("Long".into(), true),
                ("On".into(), true),
            ])
        );
        let off = conditions(yaml, "false").unwrap();
        assert!(!off["On"] && !off["Bare"] && !off["Long"] && off["Ireland"]);
    }

    #[test]
    fn and_or_not_and_condition_references() {
        let yaml = "On: !Equals [!Ref Enable, 'true']\n\
                    Off: !Not [!Condition On]\n\
                    Both: !And [!Condition On, !Equals [a, a]]\n\
                    Either: {'Fn::Or': [{Condition: Off}, !Equals [a, b]]}\n\
                    Later: !Not [!Condition Defined]\n\
                    Defined: !Equals [x, x]\n";
        let on = conditions(yaml, "true").unwrap();
        assert_eq!(
            (on["On"], on["Off"], on["Both"], on["Either"], on["Later"]),
            (true, false, true, false, false)
        );
        let off = conditions(yaml, "false").unwrap();
        assert_eq!(
            (off["On"], off["Off"], off["Both"], off["Either"]),
            (false, true, false, true)
        );
    }

    #[test]
    fn broken_conditions_are_named() {
        for (yaml, needle) in [
            ("A: !Condition B\nB: !Condition A\n", "depends on itself"),
            ("A: !Condition Missing\n", "no condition Missing"),
            ("A: !And [!Equals [a, a]]\n", "2 to 10"),
            (
                "A: !Not [!Equals [a, a], !Equals [a, a]]\n",
                "Fn::Not takes",
            ),
            ("A: !Equals [a]\n", "Fn::Equals takes"),
            ("A: !Ref Enable\n", "not a condition function"),
            ("A: plain\n", "a condition is"),
            ("A: !Equals [!Ref SomeBucket, x]\n", "SomeBucket"),
        ] {
            let e = conditions(yaml, "true").unwrap_err().to_string();
            assert!(e.contains(needle), "{yaml}: {e}");
            assert!(e.starts_with("condition A"), "{yaml}: {e}");
        }
    }

    fn resolve_if(yaml: &str, on: bool) -> Result<Value, ResolveError> {
        let names = BTreeMap::from([("HumidityThreshold".to_string(), "35".to_string())]);
        let scope = Scope {
            names: &names,
            resources: &Placeholders,
        };
        let conditions = Conditions::from([("On".to_string(), on)]);
        scope.resolve_with(&serde_yaml::from_str(yaml).unwrap(), &conditions)
    }

    #[test]
    fn fn_if_chooses_by_condition_and_no_value_removes() {
        let yaml = "Name: !If [On, !Ref HumidityThreshold, other]\n\
                    Extra: !If [On, !Ref AWS::NoValue, {Nested: !GetAtt Fn.Arn}]\n\
                    List: [a, !If [On, b, !Ref AWS::NoValue], {'Fn::If': [On, c, d]}]\n";
        let on: Value = resolve_if(yaml, true).unwrap();
        assert_eq!(
            on,
            serde_yaml::from_str::<Value>("{Name: '35', List: [a, b, c]}").unwrap()
        );
        let off = resolve_if(yaml, false).unwrap();
        assert_eq!(
            off,
            serde_yaml::from_str::<Value>(
                "{Name: other, Extra: {Nested: '<Fn.Arn>'}, List: [a, d]}"
            )
            .unwrap()
        );
        assert_eq!(resolve_if("!Ref AWS::NoValue", true).unwrap(), Value::Null);
        let names = BTreeMap::new();
        let scope = Scope {
            names: &names,
            resources: &Placeholders,
        };
        let conditions = Conditions::from([("On".to_string(), false)]);
        let text =
            |yaml: &str| scope.string_with(&serde_yaml::from_str(yaml).unwrap(), &conditions);
        assert_eq!(text("!If [On, yes, no]").unwrap(), "no");
        assert!(text("!If [On, yes, !Ref AWS::NoValue]").is_err());
    }

    #[test]
    fn fn_if_needs_a_known_condition_and_condition_functions_stay_in_conditions() {
        let e = resolve_if("!If [Nope, a, b]", true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no condition Nope"), "{e}");
        assert!(resolve_if("!If [On, a]", true).is_err());
        // Without conditions (plain `resolve`), every Fn::If fails.
        assert!(resolve("!If [On, a, b]").is_err());
        let e = resolve("!Equals [a, a]").unwrap_err().to_string();
        assert!(e.contains("Conditions"), "{e}");
    }

    #[test]
    fn unsupported_and_broken_intrinsics_are_errors() {
        assert!(resolve("!ImportValue x").is_err());
        assert!(resolve("!Sub '${unclosed'").is_err());
        assert!(resolve("!Select [5, [a]]").is_err());
    }
}
