//! Evaluation of the expressions [`super::intrinsics`] reads, for one registration.
//!
//! A value evaluates to JSON, or to nothing when it is `AWS::NoValue` (extended dialect):
//! an object property or list item that evaluates to nothing is left out.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::error::TemplateError;
use super::intrinsics::{
    Call, Cond, Expr, Func, Mappings, NO_VALUE, Piece, index_of, scalar_string,
};

/// Everything a value may refer to during one registration.
pub(crate) struct Scope<'a> {
    /// Parameter values: those supplied, then the defaults of those declared.
    pub parameters: &'a BTreeMap<String, String>,
    pub mappings: &'a Mappings,
    /// The value of every condition.
    pub conditions: &'a BTreeMap<String, bool>,
}

/// What a value is, for messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn failed(call: &Call, function: &'static str, message: impl Into<String>) -> TemplateError {
    TemplateError::Evaluation {
        at: call.at.clone(),
        function,
        message: message.into(),
    }
}

impl Scope<'_> {
    /// The value of `expr`; `None` for `AWS::NoValue`.
    pub fn value(&self, expr: &Expr) -> Result<Option<Value>, TemplateError> {
        Ok(Some(match expr {
            Expr::Literal(v) => v.clone(),
            Expr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.extend(self.value(item)?);
                }
                Value::Array(out)
            }
            Expr::Object(entries) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    if let Some(v) = self.value(v)? {
                        out.insert(k.clone(), v);
                    }
                }
                Value::Object(out)
            }
            Expr::Call(call) => return self.call(call),
        }))
    }

    /// The value of a function argument, which may not be `AWS::NoValue`.
    fn present(
        &self,
        expr: &Expr,
        call: &Call,
        function: &'static str,
    ) -> Result<Value, TemplateError> {
        self.value(expr)?
            .ok_or_else(|| failed(call, function, format!("an argument is {NO_VALUE}")))
    }

    /// A function argument that must be a string (numbers and booleans are written out).
    fn text(
        &self,
        expr: &Expr,
        call: &Call,
        function: &'static str,
    ) -> Result<String, TemplateError> {
        let value = self.present(expr, call, function)?;
        scalar_string(&value).ok_or_else(|| {
            failed(
                call,
                function,
                format!("expected a string, got {}", describe(&value)),
            )
        })
    }

    /// A function argument that must be a list.
    fn items(
        &self,
        expr: &Expr,
        call: &Call,
        function: &'static str,
    ) -> Result<Vec<Value>, TemplateError> {
        match self.present(expr, call, function)? {
            Value::Array(items) => Ok(items),
            other => Err(failed(
                call,
                function,
                format!("expected a list, got {}", describe(&other)),
            )),
        }
    }

    fn parameter(&self, name: &str, at: &str) -> Result<String, TemplateError> {
        self.parameters
            .get(name)
            .cloned()
            .ok_or_else(|| TemplateError::UnresolvedReference {
                at: at.to_string(),
                name: name.to_string(),
            })
    }

    fn call(&self, call: &Call) -> Result<Option<Value>, TemplateError> {
        let value = match &call.func {
            Func::Ref(name) if name == NO_VALUE => return Ok(None),
            Func::Ref(name) => Value::String(self.parameter(name, &call.at)?),
            Func::Join { delimiter, items } => {
                const F: &str = "Fn::Join";
                let parts = self
                    .items(items, call, F)?
                    .iter()
                    .map(|item| {
                        scalar_string(item).ok_or_else(|| {
                            failed(call, F, format!("cannot join {}", describe(item)))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Value::String(parts.join(delimiter))
            }
            Func::Select { index, list } => {
                const F: &str = "Fn::Select";
                let raw = self.present(index, call, F)?;
                let i = index_of(&raw).ok_or_else(|| {
                    failed(call, F, format!("the index {raw} is not a whole number"))
                })?;
                let items = self.items(list, call, F)?;
                let len = items.len();
                match items.into_iter().nth(i) {
                    Some(Value::Null) => return Err(failed(call, F, format!("item {i} is null"))),
                    Some(item) => item,
                    None => {
                        return Err(failed(
                            call,
                            F,
                            format!("index {i} is out of range for a list of {len}"),
                        ));
                    }
                }
            }
            Func::Split { delimiter, source } => {
                let text = self.text(source, call, "Fn::Split")?;
                Value::Array(
                    text.split(delimiter.as_str())
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                )
            }
            Func::FindInMap { map, top, second } => {
                const F: &str = "Fn::FindInMap";
                let map = self.text(map, call, F)?;
                let top = self.text(top, call, F)?;
                let second = self.text(second, call, F)?;
                let mapping = self
                    .mappings
                    .get(&map)
                    .ok_or_else(|| failed(call, F, format!("there is no mapping named {map:?}")))?;
                let entries = mapping.get(&top).ok_or_else(|| {
                    failed(
                        call,
                        F,
                        format!("mapping {map} has no top-level key {top:?}"),
                    )
                })?;
                entries.get(&second).cloned().ok_or_else(|| {
                    failed(
                        call,
                        F,
                        format!("mapping {map}.{top} has no key {second:?}"),
                    )
                })?
            }
            Func::Sub { pieces, vars } => {
                let mut out = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(text) => out.push_str(text),
                        Piece::Var(name) => match vars.iter().find(|(k, _)| k == name) {
                            Some((_, expr)) => out.push_str(&self.text(expr, call, "Fn::Sub")?),
                            None => out.push_str(&self.parameter(name, &call.at)?),
                        },
                    }
                }
                Value::String(out)
            }
            Func::If {
                condition,
                then,
                otherwise,
            } => {
                let chosen = self.conditions.get(condition).copied().ok_or_else(|| {
                    TemplateError::UnknownCondition {
                        at: call.at.clone(),
                        condition: condition.clone(),
                    }
                })?;
                return self.value(if chosen { then } else { otherwise });
            }
            Func::Base64(expr) => {
                Value::String(STANDARD.encode(self.text(expr, call, "Fn::Base64")?))
            }
        };
        Ok(Some(value))
    }
}

/// Values as `Fn::Equals` compares them: scalars as strings, so `1` equals `"1"`.
fn comparable(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(comparable).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), comparable(v)))
                .collect(),
        ),
        other => scalar_string(other).map_or(Value::Null, Value::String),
    }
}

/// Evaluates every condition of the `Conditions` section. The section has been checked for
/// unknown names and circles when the template was parsed.
pub(crate) fn conditions(
    parameters: &BTreeMap<String, String>,
    mappings: &Mappings,
    definitions: &[(String, Cond)],
) -> Result<BTreeMap<String, bool>, TemplateError> {
    let no_conditions = BTreeMap::new();
    let scope = Scope {
        parameters,
        mappings,
        conditions: &no_conditions,
    };
    let mut done = BTreeMap::new();
    for (name, _) in definitions {
        named(&scope, definitions, name, &mut done)?;
    }
    Ok(done)
}

fn named(
    scope: &Scope<'_>,
    definitions: &[(String, Cond)],
    name: &str,
    done: &mut BTreeMap<String, bool>,
) -> Result<bool, TemplateError> {
    if let Some(value) = done.get(name) {
        return Ok(*value);
    }
    let Some((_, cond)) = definitions.iter().find(|(n, _)| n == name) else {
        return Err(TemplateError::UnknownCondition {
            at: "Conditions".to_string(),
            condition: name.to_string(),
        });
    };
    let value = truth(scope, definitions, cond, name, done)?;
    done.insert(name.to_string(), value);
    Ok(value)
}

fn truth(
    scope: &Scope<'_>,
    definitions: &[(String, Cond)],
    cond: &Cond,
    name: &str,
    done: &mut BTreeMap<String, bool>,
) -> Result<bool, TemplateError> {
    Ok(match cond {
        Cond::Equals(a, b) => {
            let side = |e: &Expr| -> Result<Value, TemplateError> {
                scope.value(e)?.ok_or_else(|| TemplateError::Evaluation {
                    at: format!("Conditions.{name}"),
                    function: "Fn::Equals",
                    message: format!("an argument is {NO_VALUE}"),
                })
            };
            comparable(&side(a)?) == comparable(&side(b)?)
        }
        Cond::Not(c) => !truth(scope, definitions, c, name, done)?,
        // Every operand is evaluated, so that a broken one shows whatever the others say.
        Cond::And(cs) => {
            let mut all = true;
            for c in cs {
                all &= truth(scope, definitions, c, name, done)?;
            }
            all
        }
        Cond::Or(cs) => {
            let mut any = false;
            for c in cs {
                any |= truth(scope, definitions, c, name, done)?;
            }
            any
        }
        Cond::Named(other) => named(scope, definitions, other, done)?,
    })
}
