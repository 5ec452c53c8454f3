//! CloudFormation's intrinsic functions, resolved offline: `Ref`, `Fn::Sub`, `Fn::GetAtt`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::If`-free values, in short (`!Ref`) and long
//! (`{"Ref": ...}`) form. What a resource reference resolves to is the caller's choice: a
//! placeholder when trying rules offline, a real name in the local backend.

use std::collections::BTreeMap;

use serde_yaml::Value;

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

    /// Resolves every intrinsic function in `value`.
    pub fn resolve(&self, value: &Value) -> Result<Value, ResolveError> {
        if let Some((function, argument)) = intrinsic(value) {
            return self.call(&function, argument);
        }
        Ok(match value {
            Value::Mapping(map) => {
                let mut out = serde_yaml::Mapping::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.resolve(v)?);
                }
                Value::Mapping(out)
            }
            Value::Sequence(items) => Value::Sequence(
                items
                    .iter()
                    .map(|v| self.resolve(v))
                    .collect::<Result<_, _>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Resolves `value` to a string.
    pub fn string(&self, value: &Value) -> Result<String, ResolveError> {
        scalar(&self.resolve(value)?).ok_or_else(|| err("expected a string"))
    }

    fn call(&self, function: &str, argument: &Value) -> Result<Value, ResolveError> {
        match function {
            "Ref" => {
                let name = scalar(argument).ok_or_else(|| err("Ref takes a name"))?;
                Ok(Value::String(self.reference(&name)?))
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
                Ok(Value::String(self.attribute(&id, &attr)?))
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
                Ok(Value::String(self.sub(&text, &vars)?))
            }
            "Fn::Join" => {
                let items = argument
                    .as_sequence()
                    .filter(|i| i.len() == 2)
                    .ok_or_else(|| err("Fn::Join takes [delimiter, list]"))?;
                let delimiter = scalar(&items[0]).unwrap_or_default();
                let list = self.resolve(&items[1])?;
                let parts: Vec<String> = list
                    .as_sequence()
                    .ok_or_else(|| err("Fn::Join takes a list"))?
                    .iter()
                    .map(|v| scalar(v).ok_or_else(|| err("Fn::Join joins strings")))
                    .collect::<Result<_, _>>()?;
                Ok(Value::String(parts.join(&delimiter)))
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
                Ok(Value::Sequence(
                    text.split(&delimiter)
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                ))
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
                let list = self.resolve(&items[1])?;
                list.as_sequence()
                    .and_then(|l| l.get(index).cloned())
                    .ok_or_else(|| err(format!("Fn::Select: no item {index}")))
            }
            other => Err(err(format!("{other} is not supported offline"))),
        }
    }

    fn sub(&self, text: &str, vars: &BTreeMap<String, String>) -> Result<String, ResolveError> {
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
                .filter(|_| !self.names.contains_key(name))
            {
                out.push_str(&self.attribute(id, attr)?);
            } else {
                out.push_str(&self.reference(name)?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
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

    #[test]
    fn unsupported_and_broken_intrinsics_are_errors() {
        assert!(resolve("!ImportValue x").is_err());
        assert!(resolve("!Sub '${unclosed'").is_err());
        assert!(resolve("!Select [5, [a]]").is_err());
    }
}
