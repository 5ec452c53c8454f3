//! Runtime values and the developer guide's standard conversions (to Decimal, Int,
//! Boolean and String).
//!
//! A [`Value`] borrows from the parsed payload where it can, so reading `a.b.c` or
//! comparing a field never copies the payload.

use std::borrow::Cow;

use serde_json::{Map, Number, Value as Json};

use super::SqlVersion;

/// An AWS IoT SQL value: the JSON types plus `Undefined`, and raw bytes for `*` over a
/// non-JSON payload.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    Undefined,
    Null,
    Bool(bool),
    Int(i64),
    Dec(f64),
    Str(Cow<'a, str>),
    Array(Cow<'a, [Json]>),
    Object(Cow<'a, Map<String, Json>>),
    Binary(&'a [u8]),
}

/// A number after conversion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Dec(f64),
}

impl Num {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Dec(d) => d,
        }
    }
}

/// A Decimal result. With SQL 2016-03-23 a whole number is processed as an Int, as the
/// guide's data types page describes; non-finite results are Undefined.
pub(crate) fn decimal<'a>(x: f64, version: SqlVersion) -> Value<'a> {
    if !x.is_finite() {
        return Value::Undefined;
    }
    if version == SqlVersion::V2016_03_23
        && let Some(i) = whole_to_i64(x)
    {
        return Value::Int(i);
    }
    Value::Dec(x)
}

/// `x` as an i64 when it is a whole number in range.
pub(crate) fn whole_to_i64(x: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything at or above it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (x.fract() == 0.0 && (-LIMIT..LIMIT).contains(&x)).then_some(x as i64)
}

fn number_value<'a>(n: &Number, version: SqlVersion) -> Value<'a> {
    if let Some(i) = n.as_i64() {
        Value::Int(i)
    } else {
        decimal(n.as_f64().unwrap_or(f64::NAN), version)
    }
}

impl<'a> Value<'a> {
    /// Reads a JSON value without copying it.
    pub(crate) fn from_json(j: &'a Json, version: SqlVersion) -> Value<'a> {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => number_value(n, version),
            Json::String(s) => Value::Str(Cow::Borrowed(s)),
            Json::Array(a) => Value::Array(Cow::Borrowed(a.as_slice())),
            Json::Object(o) => Value::Object(Cow::Borrowed(o)),
        }
    }

    /// Takes ownership of a JSON value.
    pub(crate) fn from_json_owned(j: Json, version: SqlVersion) -> Value<'a> {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => number_value(&n, version),
            Json::String(s) => Value::Str(Cow::Owned(s)),
            Json::Array(a) => Value::Array(Cow::Owned(a)),
            Json::Object(o) => Value::Object(Cow::Owned(o)),
        }
    }

    pub(crate) fn str(s: impl Into<String>) -> Value<'a> {
        Value::Str(Cow::Owned(s.into()))
    }

    /// Converts to JSON for output; `None` for Undefined (the key is dropped) and for
    /// values JSON cannot hold.
    pub(crate) fn into_json(self, version: SqlVersion) -> Option<Json> {
        Some(match self {
            Value::Undefined | Value::Binary(_) => return None,
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Int(i) => Json::Number(i.into()),
            Value::Dec(d) => match decimal(d, version) {
                Value::Int(i) => Json::Number(i.into()),
                _ => Json::Number(Number::from_f64(d)?),
            },
            Value::Str(s) => Json::String(s.into_owned()),
            Value::Array(a) => {
                let mut j = Json::Array(a.into_owned());
                normalize_json(&mut j, version);
                j
            }
            Value::Object(o) => {
                let mut j = Json::Object(o.into_owned());
                normalize_json(&mut j, version);
                j
            }
        })
    }

    pub(crate) fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    /// Number conversion used by arithmetic, comparisons and math functions: Int and
    /// Decimal as they are, strings that look like decimals, nothing else.
    pub(crate) fn to_num(&self) -> Option<Num> {
        match self {
            Value::Int(i) => Some(Num::Int(*i)),
            Value::Dec(d) => Some(Num::Dec(*d)),
            Value::Str(s) => parse_decimal_str(s).map(Num::Dec),
            _ => None,
        }
    }

    /// The "to Decimal" conversion.
    pub(crate) fn to_f64(&self) -> Option<f64> {
        self.to_num().map(Num::as_f64)
    }

    /// The "to Int" conversion: Decimals round to the nearest Int, strings are parsed as
    /// Decimals and truncated.
    pub(crate) fn to_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Dec(d) => Some(d.round() as i64),
            Value::Str(s) => parse_decimal_str(s).map(|d| d.trunc() as i64),
            _ => None,
        }
    }

    /// Int conversion that rounds Decimals down (toward zero), as the bit, padding and
    /// substring functions describe.
    pub(crate) fn to_i64_down(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            other => other.to_f64().map(|d| d.trunc() as i64),
        }
    }

    /// The "to Boolean" conversion: Booleans, and the strings "true"/"false" in any case.
    pub(crate) fn to_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The "to String" conversion; Null, Undefined and raw bytes have none.
    pub(crate) fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(match self {
            Value::Str(s) => Cow::Borrowed(s.as_ref()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Dec(d) => Cow::Owned(format_decimal(*d)),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Array(a) => Cow::Owned(serde_json::to_string(a.as_ref()).ok()?),
            Value::Object(o) => Cow::Owned(serde_json::to_string(o.as_ref()).ok()?),
            Value::Null | Value::Undefined | Value::Binary(_) => return None,
        })
    }

    /// `self.name`: a key of an object, Undefined otherwise.
    pub(crate) fn member(self, name: &str, version: SqlVersion) -> Value<'a> {
        match self {
            Value::Object(Cow::Borrowed(map)) => {
                lookup(map, name).map_or(Value::Undefined, |j| Value::from_json(j, version))
            }
            Value::Object(Cow::Owned(mut map)) => map
                .swap_remove(name)
                .map_or(Value::Undefined, |j| Value::from_json_owned(j, version)),
            _ => Value::Undefined,
        }
    }

    /// `self[index]`: an array element by Int index, or an object key by string.
    pub(crate) fn index(self, index: &Value<'_>, version: SqlVersion) -> Value<'a> {
        match (self, index) {
            (Value::Object(o), Value::Str(key)) => Value::Object(o).member(key, version),
            (Value::Array(arr), idx) => {
                let Some(i) = idx.to_i64().and_then(|i| usize::try_from(i).ok()) else {
                    return Value::Undefined;
                };
                match arr {
                    Cow::Borrowed(a) => a
                        .get(i)
                        .map_or(Value::Undefined, |j| Value::from_json(j, version)),
                    Cow::Owned(mut a) => {
                        if i < a.len() {
                            Value::from_json_owned(a.swap_remove(i), version)
                        } else {
                            Value::Undefined
                        }
                    }
                }
            }
            _ => Value::Undefined,
        }
    }
}

/// Looks a key up; small objects (the usual device payload) are scanned, which beats
/// hashing the key.
pub(crate) fn lookup<'m>(map: &'m Map<String, Json>, key: &str) -> Option<&'m Json> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// With SQL 2016-03-23, rewrites whole-number Decimals inside `j` as Ints.
pub(crate) fn normalize_json(j: &mut Json, version: SqlVersion) {
    if version != SqlVersion::V2016_03_23 {
        return;
    }
    match j {
        Json::Number(n) if n.is_f64() => {
            if let Some(i) = n.as_f64().and_then(whole_to_i64) {
                *n = Number::from(i);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| normalize_json(i, version)),
        Json::Object(map) => map.values_mut().for_each(|v| normalize_json(v, version)),
        _ => {}
    }
}

/// Parses strings matching `^-?\d+(\.\d+)?((?i)E-?\d+)?$`, the only strings the rules
/// engine converts to Decimal.
pub(crate) fn parse_decimal_str(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|d| d.is_finite())
}

/// A Decimal as text: the shortest form that reads back the same, in scientific
/// notation for very large or small magnitudes (as JSON output writes it).
pub(crate) fn format_decimal(d: f64) -> String {
    match Number::from_f64(d) {
        Some(n) => n.to_string(),
        None => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: SqlVersion = SqlVersion::V2015_10_08;
    const V2: SqlVersion = SqlVersion::V2016_03_23;

    #[test]
    fn decimal_strings_follow_the_guide_regex() {
        // "0", "-1.2", "5E-12" are the guide's examples of convertible strings.
        assert_eq!(parse_decimal_str("0"), Some(0.0));
        assert_eq!(parse_decimal_str("-1.2"), Some(-1.2));
        assert_eq!(parse_decimal_str("5E-12"), Some(5e-12));
        assert_eq!(parse_decimal_str("5e3"), Some(5000.0));
        for bad in [
            "", "-", "1.", ".5", "+1", " 1", "1 ", "1e", "1e+5", "abc", "0x10",
        ] {
            assert_eq!(parse_decimal_str(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn to_decimal_table() {
        assert_eq!(Value::Int(3).to_f64(), Some(3.0));
        assert_eq!(Value::Dec(2.5).to_f64(), Some(2.5));
        assert_eq!(Value::Bool(true).to_f64(), None);
        assert_eq!(Value::str("-5.123").to_f64(), Some(-5.123));
        assert_eq!(Value::Array(Cow::Owned(vec![])).to_f64(), None);
        assert_eq!(Value::Object(Cow::Owned(Map::new())).to_f64(), None);
        assert_eq!(Value::Null.to_f64(), None);
        assert_eq!(Value::Undefined.to_f64(), None);
    }

    #[test]
    fn to_int_table() {
        assert_eq!(Value::Int(3).to_i64(), Some(3));
        // Decimal: rounded to the nearest Int.
        assert_eq!(Value::Dec(2.6).to_i64(), Some(3));
        // String: parsed as Decimal, then truncated.
        assert_eq!(Value::str("2.6").to_i64(), Some(2));
        assert_eq!(Value::str("-1.2").to_i64(), Some(-1));
        assert_eq!(Value::Bool(true).to_i64(), None);
        assert_eq!(Value::Null.to_i64(), None);
    }

    #[test]
    fn to_boolean_table() {
        assert_eq!(Value::Int(1).to_bool(), None);
        assert_eq!(Value::Dec(0.0).to_bool(), None);
        assert_eq!(Value::Bool(false).to_bool(), Some(false));
        assert_eq!(Value::str("TRUE").to_bool(), Some(true));
        assert_eq!(Value::str("False").to_bool(), Some(false));
        assert_eq!(Value::str("yes").to_bool(), None);
        assert_eq!(Value::Null.to_bool(), None);
    }

    #[test]
    fn to_string_table() {
        assert_eq!(Value::Int(-7).to_text().as_deref(), Some("-7"));
        assert_eq!(Value::Dec(22.5).to_text().as_deref(), Some("22.5"));
        assert_eq!(Value::Dec(5e-12).to_text().as_deref(), Some("5e-12"));
        assert_eq!(Value::Bool(true).to_text().as_deref(), Some("true"));
        let arr: Vec<Json> = serde_json::from_str(r#"["a",1,2.5,true,null]"#).unwrap_or_default();
        assert_eq!(
            Value::Array(Cow::Owned(arr)).to_text().as_deref(),
            Some(r#"["a",1,2.5,true,null]"#)
        );
        let obj: Map<String, Json> = serde_json::from_str(r#"{"k":"v","n":1}"#).unwrap_or_default();
        assert_eq!(
            Value::Object(Cow::Owned(obj)).to_text().as_deref(),
            Some(r#"{"k":"v","n":1}"#)
        );
        assert_eq!(Value::Null.to_text(), None);
        assert_eq!(Value::Undefined.to_text(), None);
    }

    #[test]
    fn whole_decimals_are_ints_in_2016() {
        assert_eq!(decimal(10.0, V2), Value::Int(10));
        assert_eq!(decimal(10.0, V1), Value::Dec(10.0));
        assert_eq!(decimal(10.5, V2), Value::Dec(10.5));
        assert_eq!(decimal(f64::NAN, V1), Value::Undefined);
        let j: Json = serde_json::from_str("10.0").unwrap_or_default();
        assert_eq!(Value::from_json(&j, V2), Value::Int(10));
        assert_eq!(Value::from_json(&j, V1), Value::Dec(10.0));
        let mut doc: Json =
            serde_json::from_str(r#"{"a":[1.0,2.5],"b":{"c":3.0}}"#).unwrap_or_default();
        normalize_json(&mut doc, V2);
        assert_eq!(doc.to_string(), r#"{"a":[1,2.5],"b":{"c":3}}"#);
    }

    #[test]
    fn paths_borrow() {
        let doc: Json = serde_json::from_str(r#"{"a":{"b":[10,{"c":"x"}]}}"#).unwrap_or_default();
        let v = Value::from_json(&doc, V1)
            .member("a", V1)
            .member("b", V1)
            .index(&Value::Int(1), V1)
            .member("c", V1);
        assert!(matches!(v, Value::Str(Cow::Borrowed("x"))));
        let v = Value::from_json(&doc, V1).member("zzz", V1);
        assert_eq!(v, Value::Undefined);
        let v = Value::from_json(&doc, V1)
            .member("a", V1)
            .member("b", V1)
            .index(&Value::Int(5), V1);
        assert_eq!(v, Value::Undefined);
    }
}
