//! `encode`, `decode` (base64) and the hashing functions (md2, md5, sha1, sha224,
//! sha256, sha384, sha512, crc32), which return lowercase hex.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use sha2::Digest as _;

use super::Func;
use crate::iotsql::ast::{Call, Expr};
use crate::iotsql::eval::Ctx;
use crate::iotsql::value::Value;
use crate::iotsql::{EvalError, SqlVersion};

fn is_base64(scheme: &Value<'_>) -> bool {
    matches!(scheme, Value::Str(s) if s.eq_ignore_ascii_case("base64"))
}

/// `encode(value, 'base64')`. `*` at the top level encodes the raw payload bytes, JSON
/// or not; other values are converted to strings first.
pub(super) fn encode<'a>(call: &Call, args: &[Value<'_>], ctx: &Ctx<'_>) -> Value<'a> {
    let (Some(value), Some(scheme)) = (args.first(), args.get(1)) else {
        return Value::Undefined;
    };
    if !is_base64(scheme) {
        return Value::Undefined;
    }
    if ctx.top_level && matches!(call.args.first(), Some(Expr::Star)) {
        return Value::str(STANDARD.encode(ctx.msg.payload));
    }
    match value {
        Value::Binary(bytes) => Value::str(STANDARD.encode(bytes)),
        other => other.to_text().map_or(Value::Undefined, |s| {
            Value::str(STANDARD.encode(s.as_bytes()))
        }),
    }
}

/// `decode(value, 'base64')`: a JSON document decodes to an addressable value, other
/// text to a String; undecodable input gives Null.
pub(super) fn decode<'a>(args: &[Value<'_>], v: SqlVersion) -> Result<Value<'a>, EvalError> {
    let (Some(value), Some(scheme)) = (args.first(), args.get(1)) else {
        return Ok(Value::Undefined);
    };
    if matches!(scheme, Value::Str(s) if s.eq_ignore_ascii_case("proto")) {
        return Err(EvalError::new(
            "`decode(..., 'proto')` reads a descriptor file from Amazon S3 and is not available offline",
        ));
    }
    if !is_base64(scheme) {
        return Ok(Value::Undefined);
    }
    let Some(text) = value.to_text() else {
        return Ok(Value::Undefined);
    };
    let Ok(bytes) = STANDARD_PAD_INDIFFERENT.decode(text.trim().as_bytes()) else {
        return Ok(Value::Null);
    };
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        return Ok(Value::from_json_owned(json, v));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => Value::str(s),
        Err(_) => Value::Null,
    })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// A hash of the argument's string form.
pub(super) fn hash<'a>(f: Func, a: &Value<'_>) -> Value<'a> {
    let Some(text) = a.to_text() else {
        return Value::Undefined;
    };
    let data = text.as_bytes();
    Value::str(match f {
        Func::Md2 => hex(&md2::Md2::digest(data)),
        Func::Md5 => hex(&md5::Md5::digest(data)),
        Func::Sha1 => hex(&sha1::Sha1::digest(data)),
        Func::Sha224 => hex(&sha2::Sha224::digest(data)),
        Func::Sha256 => hex(&sha2::Sha256::digest(data)),
        Func::Sha384 => hex(&sha2::Sha384::digest(data)),
        Func::Sha512 => hex(&sha2::Sha512::digest(data)),
        Func::Crc32 => format!("{:08x}", crc32fast::hash(data)),
        _ => return Value::Undefined,
    })
}
