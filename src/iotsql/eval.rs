//! Evaluation of expressions and SELECT lists against one message.
//!
//! The payload is parsed once; expressions borrow from it, and `SELECT *` moves it into
//! the output rather than copying it.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::ast::{BinaryOp, Case, Expr, Literal, Query, Select, SelectItem, SubQuery, UnaryOp};
use super::functions;
use super::ops;
use super::value::{Value, decimal, lookup, normalize_json};
use super::{EvalError, Message, Output, SqlVersion};

/// What `*` and bare keys refer to.
#[derive(Clone, Copy)]
pub(crate) enum Root<'a> {
    /// A JSON object payload, or an object element in a nested query.
    Object(&'a Map<String, Json>),
    /// A non-object element in a nested query.
    Json(&'a Json),
    /// A payload that is not a JSON object.
    Bytes(&'a [u8]),
}

/// Everything an expression can see.
pub(crate) struct Ctx<'a> {
    pub msg: &'a Message<'a>,
    pub version: SqlVersion,
    pub root: Root<'a>,
    /// False inside nested queries, where `*` is the current element.
    pub top_level: bool,
}

/// A parsed incoming payload.
pub(crate) enum Payload<'a> {
    Object(Map<String, Json>),
    /// A JSON array: `*` is the array, and it has no keys.
    Array(Json),
    Bytes(&'a [u8]),
}

impl<'a> Payload<'a> {
    /// JSON objects are addressable, and a JSON array is `*`; anything else, including a
    /// bare JSON scalar such as `80`, is raw bytes, as the guide's binary payload and
    /// non-JSON WHERE examples describe. An empty payload acts as an empty object.
    pub(crate) fn parse(bytes: &'a [u8]) -> Payload<'a> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        match first {
            None => Payload::Object(Map::new()),
            Some(b'{' | b'[') => match serde_json::from_slice::<Json>(bytes) {
                Ok(Json::Object(map)) => Payload::Object(map),
                Ok(array @ Json::Array(_)) => Payload::Array(array),
                _ => Payload::Bytes(bytes),
            },
            Some(_) => Payload::Bytes(bytes),
        }
    }

    pub(crate) fn root(&self) -> Root<'_> {
        match self {
            Payload::Object(map) => Root::Object(map),
            Payload::Array(array) => Root::Json(array),
            Payload::Bytes(b) => Root::Bytes(b),
        }
    }
}

/// Whether a WHERE result lets the rule fire: only a true Boolean (or "true") does.
pub(crate) fn is_true(v: &Value<'_>) -> bool {
    v.to_bool() == Some(true)
}

pub(crate) fn eval<'a>(expr: &'a Expr, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let v = ctx.version;
    Ok(match expr {
        Expr::Star => match ctx.root {
            Root::Object(map) => Value::Object(Cow::Borrowed(map)),
            Root::Json(j) => Value::from_json(j, v),
            Root::Bytes(b) => Value::Binary(b),
        },
        Expr::Lit(lit) => literal(lit, v),
        Expr::Field(name) => match ctx.root {
            Root::Object(map) => {
                lookup(map, name).map_or(Value::Undefined, |j| Value::from_json(j, v))
            }
            Root::Json(_) | Root::Bytes(_) => Value::Undefined,
        },
        Expr::Member(base, name) => eval(base, ctx)?.member(name, v),
        Expr::Index(base, index) => eval_index(base, index, ctx)?,
        Expr::Unary(op, operand) => eval_unary(*op, operand, ctx)?,
        Expr::Binary(op, left, right) => eval_binary(*op, left, right, ctx)?,
        Expr::Call(call) => functions::call(call, ctx)?,
        Expr::Cast(inner, ty) => functions::cast(eval(inner, ctx)?, *ty, v),
        Expr::Case(case) => eval_case(case, ctx)?,
        Expr::Array(items) => eval_array(items, ctx)?,
        Expr::Object(entries) => eval_object(entries, ctx)?,
        Expr::Subquery(q) => eval_subquery(q, ctx)?,
    })
}

#[inline(never)]
fn eval_index<'a>(base: &'a Expr, index: &'a Expr, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let base = eval(base, ctx)?;
    let index = eval(index, ctx)?;
    Ok(base.index(&index, ctx.version))
}

#[inline(never)]
fn eval_unary<'a>(op: UnaryOp, operand: &'a Expr, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    Ok(ops::unary(op, eval(operand, ctx)?, ctx.version))
}

#[inline(never)]
fn eval_binary<'a>(
    op: BinaryOp,
    left: &'a Expr,
    right: &'a Expr,
    ctx: &Ctx<'a>,
) -> Result<Value<'a>, EvalError> {
    let l = eval(left, ctx)?;
    let r = eval(right, ctx)?;
    Ok(ops::binary(op, l, r, ctx.version))
}

#[inline(never)]
fn eval_array<'a>(items: &'a [Expr], ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if let Some(j) = eval(item, ctx)?.into_json(ctx.version) {
            out.push(j);
        }
    }
    Ok(Value::Array(Cow::Owned(out)))
}

#[inline(never)]
fn eval_object<'a>(entries: &'a [(String, Expr)], ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let mut out = Map::new();
    for (key, value) in entries {
        if let Some(j) = eval(value, ctx)?.into_json(ctx.version) {
            out.insert(key.clone(), j);
        }
    }
    Ok(Value::Object(Cow::Owned(out)))
}

fn literal(lit: &Literal, version: SqlVersion) -> Value<'_> {
    match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::Int(*i),
        Literal::Decimal(d) => decimal(*d, version),
        Literal::String(s) => Value::Str(Cow::Borrowed(s)),
    }
}

#[inline(never)]
fn eval_case<'a>(case: &'a Case, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    match &case.operand {
        Some(operand) => {
            let subject = eval(operand, ctx)?;
            if subject.is_undefined() {
                return Ok(Value::Undefined);
            }
            for (when, then) in &case.branches {
                let candidate = eval(when, ctx)?;
                if !candidate.is_undefined() && ops::equals(&subject, &candidate) {
                    return eval(then, ctx);
                }
            }
        }
        None => {
            for (when, then) in &case.branches {
                if is_true(&eval(when, ctx)?) {
                    return eval(then, ctx);
                }
            }
        }
    }
    match &case.otherwise {
        Some(e) => eval(e, ctx),
        None => Ok(Value::Undefined),
    }
}

/// A nested query: over an array, one result per element that passes WHERE; over an
/// object, the single result.
#[inline(never)]
fn eval_subquery<'a>(q: &'a SubQuery, ctx: &Ctx<'a>) -> Result<Value<'a>, EvalError> {
    let source = eval(&q.from, ctx)?;
    let sub = |root: Root<'_>| -> Result<Option<Json>, EvalError> {
        let inner = Ctx {
            msg: ctx.msg,
            version: ctx.version,
            root,
            top_level: false,
        };
        run_select(&q.select, q.where_clause.as_ref(), &inner)
    };
    Ok(match &source {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                let root = match item {
                    Json::Object(map) => Root::Object(map),
                    other => Root::Json(other),
                };
                if let Some(j) = sub(root)? {
                    out.push(j);
                }
            }
            Value::Array(Cow::Owned(out))
        }
        Value::Object(map) => match sub(Root::Object(map))? {
            Some(j) => Value::from_json_owned(j, ctx.version),
            None => Value::Undefined,
        },
        _ => Value::Undefined,
    })
}

/// Runs WHERE then SELECT in `ctx`, copying what it selects. None when WHERE is not true.
fn run_select(
    select: &Select,
    where_clause: Option<&Expr>,
    ctx: &Ctx<'_>,
) -> Result<Option<Json>, EvalError> {
    if let Some(cond) = where_clause
        && !is_true(&eval(cond, ctx)?)
    {
        return Ok(None);
    }
    if select.value {
        return match select.items.first() {
            Some(item) => Ok(eval(&item.expr, ctx)?.into_json(ctx.version)),
            None => Ok(None),
        };
    }
    let mut out = Map::new();
    for (i, item) in select.items.iter().enumerate() {
        let value = eval(&item.expr, ctx)?;
        if matches!(item.expr, Expr::Star) && item.alias.is_none() {
            if let Some(Json::Object(map)) = value.into_json(ctx.version) {
                out.extend(map);
            }
            continue;
        }
        if let Some(j) = value.into_json(ctx.version) {
            insert_path(&mut out, item, i, j);
        }
    }
    Ok(Some(Json::Object(out)))
}

/// The output key of a select item: its alias, else the last key of a path, else `_N`.
fn output_key(item: &SelectItem, position: usize) -> Cow<'_, [String]> {
    if let Some(alias) = &item.alias {
        return Cow::Borrowed(alias.as_slice());
    }
    let mut expr = &item.expr;
    loop {
        match expr {
            Expr::Field(name) | Expr::Member(_, name) => {
                return Cow::Owned(vec![name.clone()]);
            }
            Expr::Index(base, _) => expr = base,
            _ => return Cow::Owned(vec![format!("_{}", position + 1)]),
        }
    }
}

fn insert_path(out: &mut Map<String, Json>, item: &SelectItem, position: usize, value: Json) {
    let key = output_key(item, position);
    let Some((last, parents)) = key.split_last() else {
        return;
    };
    let mut target = out;
    for part in parents {
        let slot = target
            .entry(part.clone())
            .or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        let Json::Object(next) = slot else { return };
        target = next;
    }
    target.insert(last.clone(), value);
}

/// Evaluates a top-level query against a message that matched its topic filter.
pub(crate) fn run_query(
    query: &Query,
    version: SqlVersion,
    msg: &Message<'_>,
) -> Result<Option<Output>, EvalError> {
    let payload = Payload::parse(msg.payload);
    let select = &query.select;
    let star_only =
        !select.value && matches!(select.items.as_slice(), [item] if is_plain_star(item));

    // Evaluate WHERE and every non-`*` item while the payload is borrowed; `*` is
    // filled in afterwards by moving the payload.
    let mut computed: Vec<Option<Json>> = Vec::new();
    {
        let ctx = Ctx {
            msg,
            version,
            root: payload.root(),
            top_level: true,
        };
        if let Some(cond) = &query.where_clause
            && !is_true(&eval(cond, &ctx)?)
        {
            return Ok(None);
        }
        if select.value {
            return select_value(select, &ctx);
        }
        if !star_only {
            computed.reserve_exact(select.items.len());
            for item in &select.items {
                computed.push(if is_plain_star(item) {
                    None
                } else {
                    eval(&item.expr, &ctx)?.into_json(version)
                });
            }
        }
    }

    let mut payload = match payload {
        // Raw bytes cannot take extra keys: `*` passes them through unchanged.
        Payload::Bytes(bytes) if select.items.iter().any(is_plain_star) => {
            return Ok(Some(Output::Binary(bytes.to_vec())));
        }
        Payload::Bytes(_) => None,
        // An array cannot take extra keys either: `*` passes it through.
        Payload::Array(mut array) if select.items.iter().any(is_plain_star) => {
            normalize_json(&mut array, version);
            return Ok(Some(Output::Json(array)));
        }
        Payload::Array(_) => None,
        // The hot path: `SELECT *` alone hands the payload over without copying.
        Payload::Object(mut map) if star_only => {
            if version == SqlVersion::V2016_03_23 {
                map.values_mut().for_each(|v| normalize_json(v, version));
            }
            return Ok(Some(Output::Json(Json::Object(map))));
        }
        Payload::Object(map) => Some(map),
    };

    let mut out = Map::new();
    for (i, (item, value)) in select.items.iter().zip(computed).enumerate() {
        if is_plain_star(item) {
            if let Some(mut map) = payload.take() {
                map.values_mut().for_each(|v| normalize_json(v, version));
                if out.is_empty() {
                    out = map;
                } else {
                    out.extend(map);
                }
            }
        } else if let Some(j) = value {
            insert_path(&mut out, item, i, j);
        }
    }
    Ok(Some(Output::Json(Json::Object(out))))
}

fn is_plain_star(item: &SelectItem) -> bool {
    matches!(item.expr, Expr::Star) && item.alias.is_none()
}

fn select_value(select: &Select, ctx: &Ctx<'_>) -> Result<Option<Output>, EvalError> {
    let Some(item) = select.items.first() else {
        return Ok(None);
    };
    let value = eval(&item.expr, ctx)?;
    Ok(Some(match value {
        Value::Binary(bytes) => Output::Binary(bytes.to_vec()),
        // Undefined serializes to an empty string on its own.
        Value::Undefined => Output::Binary(Vec::new()),
        Value::Array(_) if ctx.version == SqlVersion::V2015_10_08 => {
            return Err(EvalError::new(
                "SELECT VALUE can output an array only with SQL version 2016-03-23",
            ));
        }
        other => match other.into_json(ctx.version) {
            Some(j) => Output::Json(j),
            None => Output::Binary(Vec::new()),
        },
    }))
}
