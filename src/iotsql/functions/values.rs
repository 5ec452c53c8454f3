//! Functions about values themselves: `cast`, `get`, `get_or_default`, `isEmpty` and
//! `transform`.

use std::borrow::Cow;

use serde_json::Value as Json;

use crate::iotsql::SqlVersion;
use crate::iotsql::ast::CastType;
use crate::iotsql::value::{Value, decimal};

/// `cast(value AS type)`: the standard conversions plus numbers to and from Booleans.
pub(crate) fn cast<'a>(v: Value<'a>, ty: CastType, version: SqlVersion) -> Value<'a> {
    match ty {
        CastType::String
        | CastType::Nvarchar
        | CastType::Text
        | CastType::Ntext
        | CastType::Varchar => match v {
            Value::Str(s) => Value::Str(s),
            other => other
                .to_text()
                .map_or(Value::Undefined, |s| Value::str(s.into_owned())),
        },
        CastType::Int | CastType::Integer => match v {
            Value::Int(i) => Value::Int(i),
            Value::Bool(b) => Value::Int(i64::from(b)),
            // Decimals and numeric strings are rounded down (toward zero).
            other => other
                .to_f64()
                .map_or(Value::Undefined, |d| Value::Int(d.trunc() as i64)),
        },
        CastType::Double | CastType::Decimal => match v {
            Value::Bool(b) => decimal(if b { 1.0 } else { 0.0 }, version),
            other => other
                .to_f64()
                .map_or(Value::Undefined, |d| decimal(d, version)),
        },
        CastType::Bool | CastType::Boolean => match v {
            Value::Int(i) => Value::Bool(i != 0),
            Value::Dec(d) => Value::Bool(d != 0.0),
            other => other.to_bool().map_or(Value::Undefined, Value::Bool),
        },
    }
}

/// `isEmpty`: true for "", [] and {}; false for any other value.
pub(super) fn is_empty<'a>(a: &Value<'_>) -> Value<'a> {
    Value::Bool(match a {
        Value::Str(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    })
}

/// `get(collection, key)`: array and string elements by Int-converted index, object
/// values by string key.
pub(super) fn get<'a>(coll: Value<'a>, key: &Value<'_>, v: SqlVersion) -> Value<'a> {
    match coll {
        Value::Array(_) => coll.index(key, v),
        Value::Object(_) => match key {
            Value::Str(_) => coll.index(key, v),
            _ => Value::Undefined,
        },
        Value::Str(s) => {
            let Some(i) = key.to_i64().and_then(|i| usize::try_from(i).ok()) else {
                return Value::Undefined;
            };
            s.chars()
                .nth(i)
                .map_or(Value::Undefined, |c| Value::str(c.to_string()))
        }
        _ => Value::Undefined,
    }
}

/// `get_or_default(expr, default)`: the default when `expr` is Undefined or Null.
pub(super) fn get_or_default<'a>(a: Value<'a>, default: Value<'a>) -> Value<'a> {
    match a {
        Value::Undefined | Value::Null => default,
        other => other,
    }
}

/// `transform('enrichArray', object, array)`: each object of the array with the
/// object's attributes added.
pub(super) fn transform<'a>(mode: &Value<'_>, obj: &Value<'_>, arr: &Value<'_>) -> Value<'a> {
    let (Value::Str(mode), Value::Object(extra), Value::Array(items)) = (mode, obj, arr) else {
        return Value::Undefined;
    };
    if mode != "enrichArray" {
        return Value::Undefined;
    }
    let out = items
        .iter()
        .filter_map(|item| match item {
            Json::Object(map) => {
                let mut merged = map.clone();
                merged.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                Some(Json::Object(merged))
            }
            _ => None,
        })
        .collect();
    Value::Array(Cow::Owned(out))
}
