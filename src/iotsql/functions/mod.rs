//! Built-in functions: argument evaluation, arity checks and dispatch to the modules that
//! implement each family (math, strings, values, encoding, message context, time).
//!
//! As the guide says, a call with the wrong number or types of arguments is Undefined;
//! calls to functions that reach other AWS services fail with an [`EvalError`].

mod catalog;
mod context;
mod encoding;
mod math;
mod strings;
mod time;

pub(crate) use context::new_uuid;
pub(crate) use time::civil_from_days;
mod tz;
mod values;

pub use catalog::Func;
pub(crate) use catalog::edit_distance;
pub(crate) use strings::compile_regex;
pub(crate) use values::cast;

use super::EvalError;
use super::ast::{Call, Expr};
use super::eval::{Ctx, eval};
use super::value::Value;

/// The number of arguments each function accepts (inclusive range).
fn arity(f: Func) -> (usize, usize) {
    use Func::*;
    match f {
        AccountId | ClientId | NewUuid | Principal | Rand | SourceIp | SqlVersion | Timestamp
        | TraceId => (0, 0),
        Topic | GetUserProperties => (0, 1),
        Abs | Acos | Asin | Atan | BitNot | Ceil | Chr | Cos | Cosh | Crc32 | Exp | Floor
        | GetMqttProperty | IsArray | IsBoolean | IsEmpty | IsNull | IsNumber | IsObject
        | IsString | IsUndefined | Length | Ln | Log | Lower | Ltrim | Md2 | Md5 | NumBytes
        | Round | Rtrim | Sha1 | Sha224 | Sha256 | Sha384 | Sha512 | Sign | Sin | Sinh | Sqrt
        | Tan | Tanh | Trim | Upper => (1, 1),
        Atan2 | BitAnd | BitOr | BitXor | Encode | EndsWith | Get | GetOrDefault | IndexOf
        | Lpad | Mod | Nanvl | Power | RegexpMatches | RegexpSubstr | Remainder | Rpad
        | StartsWith | TimeToEpoch | Trunc => (2, 2),
        RegexpReplace | Replace | Transform => (3, 3),
        Substring | ParseTime => (2, 3),
        Decode => (2, 6),
        Concat
        | AwsLambda
        | GetDynamoDb
        | GetRegistryData
        | GetSecret
        | GetThingShadow
        | MachineLearningPredict => (0, usize::MAX),
    }
}

/// Argument `i` (Undefined when absent; the arity check makes that rare).
fn arg<'v, 'a>(args: &'v [Value<'a>], i: usize) -> &'v Value<'a> {
    const UNDEFINED: &Value<'static> = &Value::Undefined;
    args.get(i).unwrap_or(UNDEFINED)
}

/// Moves argument `i` out (Undefined when absent).
fn take<'a>(args: &mut [Value<'a>], i: usize) -> Value<'a> {
    args.get_mut(i)
        .map_or(Value::Undefined, |v| std::mem::replace(v, Value::Undefined))
}

/// Evaluates a call: its arguments first, then the function.
pub(crate) fn call<'a>(call: &'a Call, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let f = call.func;
    if f.is_external() {
        return Err(EvalError::new(format!(
            "`{}()` calls another AWS service and is not available offline",
            f.name()
        )));
    }
    let (min, max) = arity(f);
    if call.args.len() < min || call.args.len() > max {
        return Ok(Value::Undefined);
    }
    let args = eval_args(&call.args, ctx)?;
    dispatch(call, args, ctx)
}

/// Evaluates arguments in a small frame of its own, so deep nesting of calls stays
/// cheap on the stack.
#[inline(never)]
fn eval_args<'a>(exprs: &'a [Expr], ctx: &Ctx<'a>) -> Result<Vec<Value<'a>>, EvalError> {
    let mut args = Vec::with_capacity(exprs.len());
    for arg in exprs {
        args.push(eval(arg, ctx)?);
    }
    Ok(args)
}

#[inline(never)]
fn dispatch<'a>(
    call: &'a Call,
    mut args: Vec<Value<'a>>,
    ctx: &Ctx<'a>,
) -> Result<Value<'a>, EvalError> {
    let f = call.func;
    let v = ctx.version;
    use Func::*;
    Ok(match f {
        Abs => math::abs(arg(&args, 0), v),
        Acos => math::unary(arg(&args, 0), f64::acos, v),
        Asin => math::unary(arg(&args, 0), f64::asin, v),
        Atan => math::unary(arg(&args, 0), f64::atan, v),
        Cos => math::unary(arg(&args, 0), f64::cos, v),
        Cosh => math::unary(arg(&args, 0), f64::cosh, v),
        Exp => math::unary(arg(&args, 0), f64::exp, v),
        Ln => math::unary(arg(&args, 0), f64::ln, v),
        Log => math::unary(arg(&args, 0), f64::log10, v),
        Sin => math::unary(arg(&args, 0), f64::sin, v),
        Sinh => math::unary(arg(&args, 0), f64::sinh, v),
        Sqrt => math::unary(arg(&args, 0), f64::sqrt, v),
        Tan => math::unary(arg(&args, 0), f64::tan, v),
        Tanh => math::unary(arg(&args, 0), f64::tanh, v),
        Atan2 => math::binary(arg(&args, 0), arg(&args, 1), f64::atan2, v),
        Power => math::binary(arg(&args, 0), arg(&args, 1), f64::powf, v),
        Ceil => math::to_int(arg(&args, 0), f64::ceil, v),
        Floor => math::to_int(arg(&args, 0), f64::floor, v),
        Round => math::to_int(arg(&args, 0), f64::round, v),
        Sign => math::sign(arg(&args, 0)),
        Mod | Remainder => math::remainder(take(&mut args, 0), take(&mut args, 1), v),
        Trunc => math::trunc(arg(&args, 0), arg(&args, 1), v),
        Nanvl => math::nanvl(take(&mut args, 0), take(&mut args, 1)),
        Rand => math::rand(v),
        BitAnd => math::bits(arg(&args, 0), arg(&args, 1), |a, b| a & b),
        BitOr => math::bits(arg(&args, 0), arg(&args, 1), |a, b| a | b),
        BitXor => math::bits(arg(&args, 0), arg(&args, 1), |a, b| a ^ b),
        BitNot => math::bitnot(arg(&args, 0)),
        Chr => strings::chr(arg(&args, 0)),
        Concat => strings::concat(args, v),
        EndsWith => strings::ends_with(arg(&args, 0), arg(&args, 1)),
        StartsWith => strings::starts_with(arg(&args, 0), arg(&args, 1)),
        IndexOf => strings::index_of(arg(&args, 0), arg(&args, 1)),
        Length => strings::length(arg(&args, 0)),
        NumBytes => strings::num_bytes(arg(&args, 0)),
        Lower => strings::map_text(arg(&args, 0), str::to_lowercase),
        Upper => strings::map_text(arg(&args, 0), str::to_uppercase),
        Ltrim => strings::map_text(arg(&args, 0), |s| {
            s.trim_start_matches(strings::is_space).to_owned()
        }),
        Rtrim => strings::map_text(arg(&args, 0), |s| {
            s.trim_end_matches(strings::is_space).to_owned()
        }),
        Trim => strings::map_text(arg(&args, 0), |s| {
            s.trim_matches(strings::is_space).to_owned()
        }),
        Lpad => strings::pad(arg(&args, 0), arg(&args, 1), true),
        Rpad => strings::pad(arg(&args, 0), arg(&args, 1), false),
        Replace => strings::replace(arg(&args, 0), arg(&args, 1), arg(&args, 2)),
        Substring => strings::substring(arg(&args, 0), arg(&args, 1), args.get(2)),
        RegexpMatches => strings::regexp_matches(arg(&args, 0), arg(&args, 1), &call.regex),
        RegexpReplace => {
            strings::regexp_replace(arg(&args, 0), arg(&args, 1), arg(&args, 2), &call.regex)
        }
        RegexpSubstr => strings::regexp_substr(arg(&args, 0), arg(&args, 1), &call.regex),
        IsNull => Value::Bool(matches!(arg(&args, 0), Value::Null)),
        IsUndefined => Value::Bool(arg(&args, 0).is_undefined()),
        IsString => Value::Bool(matches!(arg(&args, 0), Value::Str(_))),
        IsNumber => Value::Bool(matches!(arg(&args, 0), Value::Int(_) | Value::Dec(_))),
        IsBoolean => Value::Bool(matches!(arg(&args, 0), Value::Bool(_))),
        IsArray => Value::Bool(matches!(arg(&args, 0), Value::Array(_))),
        IsObject => Value::Bool(matches!(arg(&args, 0), Value::Object(_))),
        IsEmpty => values::is_empty(arg(&args, 0)),
        Get => values::get(take(&mut args, 0), arg(&args, 1), v),
        GetOrDefault => values::get_or_default(take(&mut args, 0), take(&mut args, 1)),
        Transform => values::transform(arg(&args, 0), arg(&args, 1), arg(&args, 2)),
        Encode => encoding::encode(call, &args, ctx),
        Decode => encoding::decode(&args, v)?,
        Md2 | Md5 | Sha1 | Sha224 | Sha256 | Sha384 | Sha512 | Crc32 => {
            encoding::hash(f, arg(&args, 0))
        }
        AccountId | ClientId | NewUuid | Principal | SourceIp | SqlVersion | Timestamp
        | TraceId | Topic | GetMqttProperty | GetUserProperties => {
            context::call(f, args.first(), ctx)
        }
        ParseTime => time::parse_time(arg(&args, 0), arg(&args, 1), args.get(2)),
        TimeToEpoch => time::time_to_epoch(arg(&args, 0), arg(&args, 1)),
        AwsLambda
        | GetDynamoDb
        | GetRegistryData
        | GetSecret
        | GetThingShadow
        | MachineLearningPredict => Value::Undefined,
    })
}
