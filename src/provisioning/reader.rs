//! Reading template values into expressions: every function call is checked for its name,
//! its dialect and the number and shape of its arguments, and condition and mapping names
//! are looked up, when the template is parsed.

use std::collections::BTreeSet;

use serde_json::Value;

use super::error::TemplateError;
use super::intrinsics::{
    Call, Cond, Dialect, Expr, Func, Mappings, NO_VALUE, Piece, index_of, scalar_string,
};

/// CloudFormation's bounds on the operands of `Fn::And` and `Fn::Or`.
const MIN_OPERANDS: usize = 2;
const MAX_OPERANDS: usize = 10;

/// What a value may refer to while it is read.
pub(crate) struct Reader<'a> {
    pub dialect: Dialect,
    pub mappings: &'a Mappings,
    /// The names of the template's conditions.
    pub conditions: &'a BTreeSet<String>,
    /// Reading the `Conditions` section, where `Fn::If` has no place.
    pub in_conditions: bool,
}

/// The function an object calls, if it is a call: `{"Ref": ...}` or `{"Fn::...": ...}`.
/// `condition_key` also takes `{"Condition": ...}`, which only means a call in conditions.
fn call_of<'v>(
    value: &'v Value,
    at: &str,
    condition_key: bool,
) -> Result<Option<(&'v str, &'v Value)>, TemplateError> {
    let Value::Object(map) = value else {
        return Ok(None);
    };
    let is_function =
        |k: &str| k == "Ref" || k.starts_with("Fn::") || (condition_key && k == "Condition");
    let Some(name) = map.keys().find(|k| is_function(k)) else {
        return Ok(None);
    };
    if map.len() != 1 {
        return Err(super::error::malformed(
            at,
            format!("{name} must be the only key of its object"),
        ));
    }
    Ok(map.get(name).map(|argument| (name.as_str(), argument)))
}

fn bad(at: &str, function: &'static str, message: impl Into<String>) -> TemplateError {
    TemplateError::BadArguments {
        at: at.to_string(),
        function,
        message: message.into(),
    }
}

/// The arguments of a function that takes a list of exactly `n`.
fn exactly<'v>(
    argument: &'v Value,
    n: usize,
    at: &str,
    function: &'static str,
    shape: &str,
) -> Result<&'v [Value], TemplateError> {
    match argument {
        Value::Array(items) if items.len() == n => Ok(items),
        _ => Err(bad(at, function, format!("takes {shape}"))),
    }
}

/// A literal string argument (delimiters, names), which may not call a function.
fn literal_string<'v>(
    value: &'v Value,
    at: &str,
    function: &'static str,
    what: &str,
) -> Result<&'v str, TemplateError> {
    value
        .as_str()
        .ok_or_else(|| bad(at, function, format!("{what} must be a literal string")))
}

impl Reader<'_> {
    /// Reads a value, checking every function call in it.
    pub fn expr(&self, value: &Value, at: &str) -> Result<Expr, TemplateError> {
        if let Some((name, argument)) = call_of(value, at, false)? {
            let func = self.func(name, argument, at)?;
            return Ok(Expr::Call(Box::new(Call {
                at: at.to_string(),
                func,
            })));
        }
        Ok(match value {
            Value::Array(items) => Expr::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.expr(item, &format!("{at}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Expr::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.expr(v, &format!("{at}.{k}"))?)))
                    .collect::<Result<_, TemplateError>>()?,
            ),
            scalar => Expr::Literal(scalar.clone()),
        })
    }

    /// Reads argument `index` of the call at `at`, which must be a list: written as one, or a
    /// call that may yield one.
    fn list(
        &self,
        value: &Value,
        at: &str,
        index: usize,
        function: &'static str,
    ) -> Result<Expr, TemplateError> {
        match self.expr(value, &format!("{at}[{index}]"))? {
            e @ (Expr::List(_) | Expr::Call(_)) => Ok(e),
            _ => Err(bad(at, function, "the list argument must be a list")),
        }
    }

    /// Reads an argument of the call at `at`, found at `at` + `place`, which must be a string:
    /// a scalar, or a call that may yield one.
    fn string(
        &self,
        value: &Value,
        at: &str,
        place: &str,
        function: &'static str,
    ) -> Result<Expr, TemplateError> {
        match self.expr(value, &format!("{at}{place}"))? {
            Expr::List(_) | Expr::Object(_) | Expr::Literal(Value::Null) => {
                Err(bad(at, function, "expects a string here"))
            }
            e => Ok(e),
        }
    }

    fn extension(&self, at: &str, function: &str) -> Result<(), TemplateError> {
        match self.dialect {
            Dialect::Extended => Ok(()),
            Dialect::Documented => Err(TemplateError::NotInDialect {
                at: at.to_string(),
                function: function.to_string(),
            }),
        }
    }

    fn func(&self, name: &str, argument: &Value, at: &str) -> Result<Func, TemplateError> {
        match name {
            "Ref" => {
                let target = literal_string(argument, at, "Ref", "the name")?;
                if target == NO_VALUE {
                    self.extension(at, NO_VALUE)?;
                }
                Ok(Func::Ref(target.to_string()))
            }
            "Fn::Join" => {
                const F: &str = "Fn::Join";
                let items = exactly(argument, 2, at, F, "[delimiter, list]")?;
                let delimiter = literal_string(&items[0], at, F, "the delimiter")?;
                Ok(Func::Join {
                    delimiter: delimiter.to_string(),
                    items: self.list(&items[1], at, 1, F)?,
                })
            }
            "Fn::Select" => self.select(argument, at),
            "Fn::Split" => {
                const F: &str = "Fn::Split";
                let items = exactly(argument, 2, at, F, "[delimiter, string]")?;
                let delimiter = literal_string(&items[0], at, F, "the delimiter")?;
                if delimiter.is_empty() {
                    return Err(bad(at, F, "the delimiter must not be empty"));
                }
                Ok(Func::Split {
                    delimiter: delimiter.to_string(),
                    source: self.string(&items[1], at, "[1]", F)?,
                })
            }
            "Fn::FindInMap" => self.find_in_map(argument, at),
            "Fn::Sub" => self.sub(argument, at),
            "Fn::If" => {
                const F: &str = "Fn::If";
                self.extension(at, F)?;
                if self.in_conditions {
                    return Err(bad(at, F, "cannot be used inside the Conditions section"));
                }
                let items = exactly(argument, 3, at, F, "[condition name, if true, if false]")?;
                let condition = literal_string(&items[0], at, F, "the condition name")?;
                if !self.conditions.contains(condition) {
                    return Err(TemplateError::UnknownCondition {
                        at: at.to_string(),
                        condition: condition.to_string(),
                    });
                }
                Ok(Func::If {
                    condition: condition.to_string(),
                    then: self.expr(&items[1], &format!("{at}[1]"))?,
                    otherwise: self.expr(&items[2], &format!("{at}[2]"))?,
                })
            }
            "Fn::Base64" => {
                self.extension(at, "Fn::Base64")?;
                Ok(Func::Base64(self.string(argument, at, "", "Fn::Base64")?))
            }
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
                self.extension(at, name)?;
                Err(super::error::malformed(
                    at,
                    format!(
                        "{name} is a condition function: define a condition with it in the \
                         Conditions section and choose with Fn::If"
                    ),
                ))
            }
            other => Err(TemplateError::UnknownIntrinsic {
                at: at.to_string(),
                function: other.to_string(),
            }),
        }
    }

    fn select(&self, argument: &Value, at: &str) -> Result<Func, TemplateError> {
        const F: &str = "Fn::Select";
        let items = exactly(argument, 2, at, F, "[index, list]")?;
        let index = self.string(&items[0], at, "[0]", F)?;
        let list = self.list(&items[1], at, 1, F)?;
        // Both written out: the index can be checked now rather than at every registration.
        if let (Expr::Literal(i), Expr::List(l)) = (&index, &list) {
            let i = index_of(i).ok_or_else(|| bad(at, F, "the index must be a whole number"))?;
            if i >= l.len() {
                return Err(bad(
                    at,
                    F,
                    format!("index {i} is out of range for a list of {}", l.len()),
                ));
            }
        }
        Ok(Func::Select { index, list })
    }

    fn find_in_map(&self, argument: &Value, at: &str) -> Result<Func, TemplateError> {
        const F: &str = "Fn::FindInMap";
        let items = exactly(
            argument,
            3,
            at,
            F,
            "[map name, top-level key, second-level key]",
        )?;
        let map = self.string(&items[0], at, "[0]", F)?;
        let top = self.string(&items[1], at, "[1]", F)?;
        let second = self.string(&items[2], at, "[2]", F)?;
        // Keys written out are looked up now, as far as they go.
        let written = |e: &Expr| match e {
            Expr::Literal(v) => scalar_string(v),
            _ => None,
        };
        if let Some(name) = written(&map) {
            let mapping = self
                .mappings
                .get(&name)
                .ok_or_else(|| bad(at, F, format!("there is no mapping named {name:?}")))?;
            if let Some(key) = written(&top) {
                let entries = mapping.get(&key).ok_or_else(|| {
                    bad(
                        at,
                        F,
                        format!("mapping {name} has no top-level key {key:?}"),
                    )
                })?;
                if let Some(second) = written(&second).filter(|s| !entries.contains_key(s)) {
                    return Err(bad(
                        at,
                        F,
                        format!("mapping {name}.{key} has no key {second:?}"),
                    ));
                }
            }
        }
        Ok(Func::FindInMap { map, top, second })
    }

    fn sub(&self, argument: &Value, at: &str) -> Result<Func, TemplateError> {
        const F: &str = "Fn::Sub";
        let (text, vars) = match argument {
            Value::String(text) => (text.as_str(), Vec::new()),
            Value::Array(items) if items.len() == 2 => {
                let text = literal_string(&items[0], at, F, "the string")?;
                let Value::Object(map) = &items[1] else {
                    return Err(bad(at, F, "the variables must be an object"));
                };
                let vars = map
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.string(v, at, &format!("[1].{k}"), F)?)))
                    .collect::<Result<Vec<_>, TemplateError>>()?;
                (text, vars)
            }
            _ => return Err(bad(at, F, "takes a string or [string, {variables}]")),
        };
        Ok(Func::Sub {
            pieces: sub_pieces(text, at)?,
            vars,
        })
    }

    /// Reads a condition of the `Conditions` section.
    pub fn condition(&self, value: &Value, at: &str) -> Result<Cond, TemplateError> {
        let Some((name, argument)) = call_of(value, at, true)? else {
            return Err(super::error::malformed(
                at,
                "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition",
            ));
        };
        let nested = |items: &[Value]| -> Result<Vec<Cond>, TemplateError> {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| self.condition(item, &format!("{at}[{i}]")))
                .collect()
        };
        match name {
            "Condition" => {
                let target = literal_string(argument, at, "Condition", "the condition name")?;
                if !self.conditions.contains(target) {
                    return Err(TemplateError::UnknownCondition {
                        at: at.to_string(),
                        condition: target.to_string(),
                    });
                }
                Ok(Cond::Named(target.to_string()))
            }
            "Fn::Equals" => {
                let items = exactly(argument, 2, at, "Fn::Equals", "[value, value]")?;
                Ok(Cond::Equals(
                    self.expr(&items[0], &format!("{at}[0]"))?,
                    self.expr(&items[1], &format!("{at}[1]"))?,
                ))
            }
            "Fn::Not" => {
                let items = exactly(argument, 1, at, "Fn::Not", "[condition]")?;
                let inner = self.condition(&items[0], &format!("{at}[0]"))?;
                Ok(Cond::Not(Box::new(inner)))
            }
            "Fn::And" | "Fn::Or" => {
                let function = if name == "Fn::And" {
                    "Fn::And"
                } else {
                    "Fn::Or"
                };
                let items = match argument {
                    Value::Array(items) if (MIN_OPERANDS..=MAX_OPERANDS).contains(&items.len()) => {
                        items
                    }
                    _ => {
                        return Err(bad(
                            at,
                            function,
                            format!("takes a list of {MIN_OPERANDS} to {MAX_OPERANDS} conditions"),
                        ));
                    }
                };
                let operands = nested(items)?;
                Ok(if function == "Fn::And" {
                    Cond::And(operands)
                } else {
                    Cond::Or(operands)
                })
            }
            other => Err(super::error::malformed(
                at,
                format!(
                    "{other} cannot make a condition: use Fn::Equals, Fn::Not, Fn::And, Fn::Or \
                     or Condition"
                ),
            )),
        }
    }
}

/// Splits an `Fn::Sub` string into text and variables: `${Name}` is a variable, `${!Text}`
/// is the literal `${Text}`.
fn sub_pieces(text: &str, at: &str) -> Result<Vec<Piece>, TemplateError> {
    const F: &str = "Fn::Sub";
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(escaped) = after.strip_prefix('!') {
            literal.push_str("${");
            rest = escaped;
            continue;
        }
        let end = after
            .find('}')
            .ok_or_else(|| bad(at, F, format!("unclosed ${{ in {text:?}")))?;
        let name = &after[..end];
        if name.trim().is_empty() {
            return Err(bad(at, F, format!("empty ${{}} in {text:?}")));
        }
        if name.contains('.') {
            return Err(bad(
                at,
                F,
                format!(
                    "${{{name}}} names a resource attribute; provisioning templates can only \
                     substitute parameters and the variables given"
                ),
            ));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Var(name.to_string()));
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}
