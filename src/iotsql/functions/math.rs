//! Math functions: abs, the trig and log family, rounding, sign, power, mod/remainder,
//! trunc, nanvl, rand and the bitwise functions, with the guide's argument conversions.

use crate::iotsql::SqlVersion;
use crate::iotsql::ast::BinaryOp;
use crate::iotsql::ops;
use crate::iotsql::value::{Num, Value, decimal, whole_to_i64};

/// `abs`: Int stays Int, Decimal (or a numeric string) gives a Decimal.
pub(super) fn abs<'a>(a: &Value<'_>, v: SqlVersion) -> Value<'a> {
    match a {
        Value::Int(i) => i
            .checked_abs()
            .map_or_else(|| decimal((*i as f64).abs(), v), Value::Int),
        other => other
            .to_f64()
            .map_or(Value::Undefined, |d| decimal(d.abs(), v)),
    }
}

/// A one-argument function computed in double precision; NaN (an imaginary result) and
/// infinities are Undefined.
pub(super) fn unary<'a>(a: &Value<'_>, f: fn(f64) -> f64, v: SqlVersion) -> Value<'a> {
    a.to_f64().map_or(Value::Undefined, |x| decimal(f(x), v))
}

pub(super) fn binary<'a>(
    a: &Value<'_>,
    b: &Value<'_>,
    f: fn(f64, f64) -> f64,
    v: SqlVersion,
) -> Value<'a> {
    match (a.to_f64(), b.to_f64()) {
        (Some(x), Some(y)) => decimal(f(x, y), v),
        _ => Value::Undefined,
    }
}

/// ceil, floor and round: an Int stays as it is; a Decimal or numeric string is rounded
/// by `f` to an Int.
pub(super) fn to_int<'a>(a: &Value<'_>, f: fn(f64) -> f64, v: SqlVersion) -> Value<'a> {
    match a.to_num() {
        Some(Num::Int(i)) => Value::Int(i),
        Some(Num::Dec(d)) => {
            let r = f(d);
            whole_to_i64(r).map_or_else(|| decimal(r, v), Value::Int)
        }
        None => Value::Undefined,
    }
}

pub(super) fn sign<'a>(a: &Value<'_>) -> Value<'a> {
    match a.to_num() {
        Some(Num::Int(i)) => Value::Int(i.signum()),
        Some(Num::Dec(d)) if d > 0.0 => Value::Int(1),
        Some(Num::Dec(d)) if d < 0.0 => Value::Int(-1),
        Some(Num::Dec(_)) => Value::Int(0),
        None => Value::Undefined,
    }
}

/// `mod` and `remainder` behave like the `%` operator.
pub(super) fn remainder<'a>(a: Value<'a>, b: Value<'a>, v: SqlVersion) -> Value<'a> {
    ops::binary(BinaryOp::Mod, a, b, v)
}

/// `trunc(x, places)`: cut `x` to `places` decimals (0..=34), dropping trailing zeros.
pub(super) fn trunc<'a>(a: &Value<'_>, b: &Value<'_>, v: SqlVersion) -> Value<'a> {
    let (Some(x), Some(places)) = (a.to_num(), b.to_i64_down()) else {
        return Value::Undefined;
    };
    let x = match x {
        Num::Int(i) => return Value::Int(i),
        Num::Dec(d) => d,
    };
    let places = places.clamp(0, 34) as usize;
    // Work on the shortest decimal text so 2.3123 cuts to exactly 2.31.
    let text = format!("{x}");
    let cut = match text.find('.') {
        Some(dot) => {
            let keep = (dot + 1 + places).min(text.len());
            let kept = text.get(..keep).unwrap_or(&text);
            kept.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        None => text,
    };
    match cut.parse::<f64>() {
        Ok(d) => whole_to_i64(d).map_or_else(|| decimal(d, v), Value::Int),
        Err(_) => Value::Undefined,
    }
}

/// `nanvl(a, b)`: `b` when `a` is Undefined, Null or NaN, else `a`.
pub(super) fn nanvl<'a>(a: Value<'a>, b: Value<'a>) -> Value<'a> {
    match a {
        Value::Undefined | Value::Null => b,
        Value::Dec(d) if d.is_nan() => b,
        other => other,
    }
}

pub(super) fn rand<'a>(v: SqlVersion) -> Value<'a> {
    decimal(fastrand::f64(), v)
}

/// bitand/bitor/bitxor on Int-converted arguments (Decimals and numeric strings are
/// rounded down).
pub(super) fn bits<'a>(a: &Value<'_>, b: &Value<'_>, f: fn(i64, i64) -> i64) -> Value<'a> {
    match (int_arg(a), int_arg(b)) {
        (Some(x), Some(y)) => Value::Int(f(x, y)),
        _ => Value::Undefined,
    }
}

/// `bitnot`: the guide's example `bitnot(13) = 2` inverts the bits of the value's own
/// binary width (1101 -> 0010), so that is what non-negative values get; negative values
/// get the two's complement NOT.
pub(super) fn bitnot<'a>(a: &Value<'_>) -> Value<'a> {
    let Some(x) = int_arg(a) else {
        return Value::Undefined;
    };
    if x < 0 {
        return Value::Int(!x);
    }
    let width = (64 - x.leading_zeros()).max(1);
    let mask = if width >= 63 {
        i64::MAX
    } else {
        (1i64 << width) - 1
    };
    Value::Int(x ^ mask)
}

fn int_arg(a: &Value<'_>) -> Option<i64> {
    match a {
        Value::Int(i) => Some(*i),
        Value::Dec(_) | Value::Str(_) => a.to_f64().map(|d| d.floor() as i64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: SqlVersion = SqlVersion::V2015_10_08;

    #[test]
    fn trunc_cuts_decimal_text() {
        assert_eq!(trunc(&Value::Dec(2.3), &Value::Int(0), V1), Value::Int(2));
        assert_eq!(
            trunc(&Value::Dec(2.3123), &Value::Int(2), V1),
            Value::Dec(2.31)
        );
        assert_eq!(
            trunc(&Value::Dec(2.888), &Value::Int(2), V1),
            Value::Dec(2.88)
        );
        assert_eq!(trunc(&Value::Dec(2.0), &Value::Int(5), V1), Value::Int(2));
        assert_eq!(
            trunc(&Value::Dec(-2.888), &Value::Int(1), V1),
            Value::Dec(-2.8)
        );
        assert_eq!(trunc(&Value::Int(7), &Value::Int(1), V1), Value::Int(7));
        assert_eq!(
            trunc(&Value::str("1.99"), &Value::Dec(1.7), V1),
            Value::Dec(1.9)
        );
        assert_eq!(trunc(&Value::Null, &Value::Int(1), V1), Value::Undefined);
    }

    #[test]
    fn bitnot_widths() {
        assert_eq!(bitnot(&Value::Int(13)), Value::Int(2));
        assert_eq!(bitnot(&Value::Int(0)), Value::Int(1));
        assert_eq!(bitnot(&Value::Int(-1)), Value::Int(0));
        assert_eq!(bitnot(&Value::Int(i64::MAX)), Value::Int(0));
        assert_eq!(bitnot(&Value::Bool(true)), Value::Undefined);
    }

    #[test]
    fn rounding_functions_return_ints() {
        assert_eq!(to_int(&Value::Dec(1.5), f64::round, V1), Value::Int(2));
        assert_eq!(to_int(&Value::Dec(-1.5), f64::round, V1), Value::Int(-2));
        assert_eq!(to_int(&Value::str("1.2"), f64::ceil, V1), Value::Int(2));
        assert_eq!(to_int(&Value::Int(4), f64::floor, V1), Value::Int(4));
        assert_eq!(to_int(&Value::Bool(true), f64::floor, V1), Value::Undefined);
    }
}
