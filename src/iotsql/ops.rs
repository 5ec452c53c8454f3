//! The operators (`AND`, `OR`, `NOT`, comparisons, arithmetic, unary minus) with the
//! operand conversions in the developer guide's operator tables.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value as Json;

use super::SqlVersion;
use super::ast::{BinaryOp, UnaryOp};
use super::value::{Num, Value, decimal};

pub(crate) fn unary<'a>(op: UnaryOp, v: Value<'a>, version: SqlVersion) -> Value<'a> {
    match op {
        UnaryOp::Not => v.to_bool().map_or(Value::Undefined, |b| Value::Bool(!b)),
        UnaryOp::Neg => match v.to_num() {
            Some(Num::Int(i)) => match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => decimal(-(i as f64), version),
            },
            Some(Num::Dec(d)) => decimal(-d, version),
            None => Value::Undefined,
        },
    }
}

pub(crate) fn binary<'a>(
    op: BinaryOp,
    l: Value<'a>,
    r: Value<'a>,
    version: SqlVersion,
) -> Value<'a> {
    match op {
        BinaryOp::And | BinaryOp::Or => match (l.to_bool(), r.to_bool()) {
            (Some(a), Some(b)) => Value::Bool(if op == BinaryOp::And { a && b } else { a || b }),
            _ => Value::Undefined,
        },
        BinaryOp::Eq | BinaryOp::NotEq => {
            if l.is_undefined() || r.is_undefined() {
                return Value::Undefined;
            }
            let eq = equals(&l, &r);
            Value::Bool(if op == BinaryOp::Eq { eq } else { !eq })
        }
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
            let Some(ord) = compare(&l, &r) else {
                return Value::Undefined;
            };
            Value::Bool(match op {
                BinaryOp::Lt => ord == Ordering::Less,
                BinaryOp::LtEq => ord != Ordering::Greater,
                BinaryOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        BinaryOp::Add => add(l, r, version),
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            arithmetic(op, &l, &r, version)
        }
    }
}

/// Both operands as Decimals (Ints compare exactly); None when either cannot convert.
pub(crate) fn compare(l: &Value<'_>, r: &Value<'_>) -> Option<Ordering> {
    match (l.to_num()?, r.to_num()?) {
        (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
        (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
    }
}

/// The `=` table: same-type comparison, Int and Decimal compare as numbers, mismatched
/// types are unequal.
pub(crate) fn equals(l: &Value<'_>, r: &Value<'_>) -> bool {
    match (l, r) {
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => l.to_f64() == r.to_f64(),
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Null, Value::Null) => true,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| json_equals(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| json_equals(v, w)))
        }
        (Value::Binary(a), Value::Binary(b)) => a == b,
        _ => false,
    }
}

fn json_equals(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equals(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equals(v, w)))
        }
        _ => a == b,
    }
}

/// `+`: string concatenation when either side is a String, else addition.
fn add<'a>(l: Value<'a>, r: Value<'a>, version: SqlVersion) -> Value<'a> {
    if matches!(l, Value::Str(_)) || matches!(r, Value::Str(_)) {
        let (Some(a), Some(b)) = (l.to_text(), r.to_text()) else {
            return Value::Undefined;
        };
        let mut s = String::with_capacity(a.len() + b.len());
        s.push_str(&a);
        s.push_str(&b);
        return Value::Str(Cow::Owned(s));
    }
    match (&l, &r) {
        (Value::Int(a), Value::Int(b)) => match a.checked_add(*b) {
            Some(n) => Value::Int(n),
            None => decimal(*a as f64 + *b as f64, version),
        },
        (Value::Int(_) | Value::Dec(_), Value::Int(_) | Value::Dec(_)) => {
            match (l.to_f64(), r.to_f64()) {
                (Some(a), Some(b)) => decimal(a + b, version),
                _ => Value::Undefined,
            }
        }
        _ => Value::Undefined,
    }
}

/// `-`, `*`, `/`, `%`: Int with Int gives Int; otherwise numbers and numeric strings give a
/// Decimal. Division or remainder by zero is Undefined.
fn arithmetic<'a>(op: BinaryOp, l: &Value<'_>, r: &Value<'_>, version: SqlVersion) -> Value<'a> {
    let (Some(a), Some(b)) = (l.to_num(), r.to_num()) else {
        return Value::Undefined;
    };
    if let (Num::Int(x), Num::Int(y)) = (a, b)
        && matches!((l, r), (Value::Int(_), Value::Int(_)))
    {
        let exact = match op {
            BinaryOp::Sub => x.checked_sub(y),
            BinaryOp::Mul => x.checked_mul(y),
            BinaryOp::Div if y == 0 => return Value::Undefined,
            BinaryOp::Div => x.checked_div(y),
            BinaryOp::Mod if y == 0 => return Value::Undefined,
            _ => x.checked_rem(y),
        };
        if let Some(n) = exact {
            return Value::Int(n);
        }
    }
    let (x, y) = (a.as_f64(), b.as_f64());
    let result = match op {
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div if y == 0.0 => return Value::Undefined,
        BinaryOp::Div => x / y,
        BinaryOp::Mod if y == 0.0 => return Value::Undefined,
        _ => x % y,
    };
    decimal(result, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: SqlVersion = SqlVersion::V2015_10_08;

    fn s(t: &str) -> Value<'static> {
        Value::str(t)
    }
    fn arr(t: &str) -> Value<'static> {
        Value::Array(Cow::Owned(serde_json::from_str(t).unwrap_or_default()))
    }
    fn obj(t: &str) -> Value<'static> {
        Value::Object(Cow::Owned(serde_json::from_str(t).unwrap_or_default()))
    }
    fn bin(op: BinaryOp, l: Value<'static>, r: Value<'static>) -> Value<'static> {
        binary(op, l, r, V1)
    }

    // Each test below walks one operator table of the guide, row by row.

    #[test]
    fn and_table() {
        use BinaryOp::And;
        assert_eq!(
            bin(And, Value::Bool(true), Value::Bool(true)),
            Value::Bool(true)
        );
        assert_eq!(
            bin(And, Value::Bool(true), Value::Bool(false)),
            Value::Bool(false)
        );
        assert_eq!(bin(And, s("TRUE"), Value::Bool(true)), Value::Bool(true));
        assert_eq!(bin(And, s("true"), s("false")), Value::Bool(false));
        assert_eq!(bin(And, Value::Int(1), Value::Bool(true)), Value::Undefined);
        assert_eq!(bin(And, s("yes"), Value::Bool(true)), Value::Undefined);
        assert_eq!(
            bin(And, Value::Bool(false), Value::Undefined),
            Value::Undefined
        );
    }

    #[test]
    fn or_table() {
        use BinaryOp::Or;
        assert_eq!(
            bin(Or, Value::Bool(false), Value::Bool(true)),
            Value::Bool(true)
        );
        assert_eq!(
            bin(Or, Value::Bool(false), Value::Bool(false)),
            Value::Bool(false)
        );
        assert_eq!(bin(Or, s("False"), s("TRUE")), Value::Bool(true));
        assert_eq!(bin(Or, Value::Null, Value::Bool(true)), Value::Undefined);
    }

    #[test]
    fn not_table() {
        assert_eq!(
            unary(UnaryOp::Not, Value::Bool(true), V1),
            Value::Bool(false)
        );
        assert_eq!(unary(UnaryOp::Not, s("false"), V1), Value::Bool(true));
        assert_eq!(unary(UnaryOp::Not, s("nope"), V1), Value::Undefined);
        assert_eq!(unary(UnaryOp::Not, Value::Int(0), V1), Value::Undefined);
    }

    #[test]
    fn comparison_tables() {
        use BinaryOp::*;
        assert_eq!(bin(Gt, Value::Int(5), Value::Dec(4.5)), Value::Bool(true));
        assert_eq!(bin(Gt, s("5"), Value::Int(5)), Value::Bool(false));
        assert_eq!(bin(GtEq, s("5"), Value::Int(5)), Value::Bool(true));
        assert_eq!(bin(Lt, s("20"), Value::Int(35)), Value::Bool(true));
        assert_eq!(bin(Lt, s("-1.2"), s("5E-12")), Value::Bool(true));
        assert_eq!(bin(LtEq, Value::Dec(2.0), Value::Int(2)), Value::Bool(true));
        assert_eq!(bin(Lt, s("abc"), Value::Int(1)), Value::Undefined);
        assert_eq!(bin(Lt, Value::Bool(true), Value::Int(1)), Value::Undefined);
        assert_eq!(bin(Gt, Value::Null, Value::Int(1)), Value::Undefined);
        assert_eq!(bin(GtEq, Value::Undefined, Value::Int(1)), Value::Undefined);
        assert_eq!(
            bin(Lt, Value::Int(i64::MAX - 1), Value::Int(i64::MAX)),
            Value::Bool(true)
        );
    }

    #[test]
    fn eq_table() {
        use BinaryOp::Eq;
        assert_eq!(bin(Eq, Value::Int(2), Value::Int(2)), Value::Bool(true));
        assert_eq!(bin(Eq, Value::Dec(2.0), Value::Int(2)), Value::Bool(true));
        assert_eq!(bin(Eq, s("a"), s("a")), Value::Bool(true));
        assert_eq!(bin(Eq, arr("[1,2]"), arr("[1,2]")), Value::Bool(true));
        assert_eq!(bin(Eq, arr("[1,2]"), arr("[2,1]")), Value::Bool(false));
        assert_eq!(
            bin(Eq, obj(r#"{"a":1,"b":2}"#), obj(r#"{"b":2,"a":1}"#)),
            Value::Bool(true)
        );
        assert_eq!(bin(Eq, Value::Int(1), Value::Undefined), Value::Undefined);
        assert_eq!(bin(Eq, Value::Undefined, Value::Int(1)), Value::Undefined);
        assert_eq!(bin(Eq, s("20"), Value::Int(20)), Value::Bool(false));
        assert_eq!(bin(Eq, Value::Null, Value::Null), Value::Bool(true));
    }

    #[test]
    fn not_eq_table() {
        use BinaryOp::NotEq;
        assert_eq!(bin(NotEq, Value::Int(1), Value::Int(2)), Value::Bool(true));
        assert_eq!(
            bin(NotEq, Value::Dec(1.0), Value::Int(1)),
            Value::Bool(false)
        );
        assert_eq!(bin(NotEq, s("a"), s("b")), Value::Bool(true));
        assert_eq!(bin(NotEq, arr("[1,2]"), arr("[2,1]")), Value::Bool(true));
        assert_eq!(
            bin(NotEq, obj(r#"{"a":1}"#), obj(r#"{"a":1}"#)),
            Value::Bool(false)
        );
        assert_eq!(bin(NotEq, Value::Null, Value::Null), Value::Bool(false));
        assert_eq!(
            bin(NotEq, Value::Int(1), Value::Undefined),
            Value::Undefined
        );
        assert_eq!(bin(NotEq, s("1"), Value::Int(1)), Value::Bool(true));
    }

    #[test]
    fn plus_table() {
        use BinaryOp::Add;
        assert_eq!(bin(Add, s("a"), Value::Int(1)), s("a1"));
        assert_eq!(bin(Add, Value::Bool(true), s("!")), s("true!"));
        assert_eq!(bin(Add, s("20"), Value::Int(5)), s("205"));
        assert_eq!(bin(Add, Value::Int(2), Value::Int(3)), Value::Int(5));
        assert_eq!(bin(Add, Value::Int(2), Value::Dec(0.5)), Value::Dec(2.5));
        assert_eq!(bin(Add, Value::Bool(true), Value::Int(1)), Value::Undefined);
        assert_eq!(bin(Add, s("a"), Value::Null), Value::Undefined);
        assert_eq!(
            bin(Add, Value::Int(i64::MAX), Value::Int(1)),
            Value::Dec(i64::MAX as f64 + 1.0)
        );
    }

    #[test]
    fn minus_times_divide_mod_tables() {
        use BinaryOp::*;
        assert_eq!(bin(Sub, Value::Int(5), Value::Int(7)), Value::Int(-2));
        assert_eq!(bin(Sub, Value::Int(5), Value::Dec(0.5)), Value::Dec(4.5));
        assert_eq!(bin(Sub, s("5"), Value::Int(1)), Value::Dec(4.0));
        assert_eq!(bin(Sub, s("x"), Value::Int(1)), Value::Undefined);
        assert_eq!(bin(Mul, Value::Int(6), Value::Int(7)), Value::Int(42));
        assert_eq!(bin(Mul, Value::Dec(1.5), Value::Int(2)), Value::Dec(3.0));
        assert_eq!(bin(Mul, s("2"), s("3")), Value::Dec(6.0));
        assert_eq!(bin(Div, Value::Int(90), Value::Int(9)), Value::Int(10));
        assert_eq!(bin(Div, Value::Int(7), Value::Int(2)), Value::Int(3));
        assert_eq!(bin(Div, Value::Int(7), Value::Dec(2.0)), Value::Dec(3.5));
        assert_eq!(bin(Div, Value::Int(7), Value::Int(0)), Value::Undefined);
        assert_eq!(bin(Div, s("1"), s("4")), Value::Dec(0.25));
        assert_eq!(bin(Mod, Value::Int(8), Value::Int(3)), Value::Int(2));
        assert_eq!(bin(Mod, Value::Dec(8.5), Value::Int(3)), Value::Dec(2.5));
        assert_eq!(bin(Mod, s("8"), Value::Int(3)), Value::Dec(2.0));
        assert_eq!(bin(Mod, Value::Int(8), Value::Int(0)), Value::Undefined);
        assert_eq!(bin(Mul, Value::Bool(true), Value::Int(2)), Value::Undefined);
    }

    #[test]
    fn unary_minus() {
        assert_eq!(unary(UnaryOp::Neg, Value::Int(5), V1), Value::Int(-5));
        assert_eq!(unary(UnaryOp::Neg, Value::Dec(1.5), V1), Value::Dec(-1.5));
        assert_eq!(unary(UnaryOp::Neg, s("2"), V1), Value::Dec(-2.0));
        assert_eq!(unary(UnaryOp::Neg, Value::Bool(true), V1), Value::Undefined);
    }
}
