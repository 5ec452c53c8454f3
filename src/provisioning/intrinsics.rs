//! The intrinsic functions of provisioning templates, read into a small expression tree so
//! that a template is checked once, when it is parsed, and evaluated as often as devices
//! register.
//!
//! The AWS IoT developer guide lists `Fn::Join`, `Fn::Select`, `Fn::FindInMap`, `Fn::Split`
//! and `Fn::Sub` (with `Ref` for parameters), with CloudFormation's meaning. Under
//! [`Dialect::Extended`] the CloudFormation condition functions (`Fn::If`, `Fn::Equals`,
//! `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), `Fn::Base64` and `AWS::NoValue` are read as
//! well. Reading lives in [`super::reader`], evaluation in [`super::eval`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The pseudo parameter that leaves a property or list item out (extended dialect only).
pub const NO_VALUE: &str = "AWS::NoValue";

/// Which functions a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Only what the AWS IoT developer guide documents for provisioning templates: `Ref`,
    /// `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` and `Fn::Sub`; no `Conditions`.
    #[default]
    Documented,
    /// The documented functions plus CloudFormation's `Conditions` section, resource
    /// `Condition`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::Base64` and
    /// `AWS::NoValue`, none of which the guide lists.
    Extended,
}

/// The `Mappings` section: map name, top-level key, second-level key, value (a string or a
/// list of strings).
pub(crate) type Mappings = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// A value of the template, with its function calls read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A string, number, boolean or null written as is.
    Literal(Value),
    /// A list written as is; its items may call functions.
    List(Vec<Expr>),
    /// An object written as is; its values may call functions.
    Object(Vec<(String, Expr)>),
    /// A function call.
    Call(Box<Call>),
}

/// One function call and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    /// The path of the call, for messages.
    pub at: String,
    pub func: Func,
}

/// The functions, with their arguments read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Func {
    Ref(String),
    Join {
        delimiter: String,
        items: Expr,
    },
    Select {
        index: Expr,
        list: Expr,
    },
    Split {
        delimiter: String,
        source: Expr,
    },
    FindInMap {
        map: Expr,
        top: Expr,
        second: Expr,
    },
    Sub {
        pieces: Vec<Piece>,
        vars: Vec<(String, Expr)>,
    },
    If {
        condition: String,
        then: Expr,
        otherwise: Expr,
    },
    Base64(Expr),
}

/// A piece of an `Fn::Sub` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Var(String),
}

/// A condition of the `Conditions` section.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Equals(Expr, Expr),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// `{"Condition": "Name"}`: another condition's value.
    Named(String),
}

/// A scalar as the string AWS IoT would use: strings as they are, numbers and booleans
/// written out. `None` for null, lists and objects.
pub(crate) fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An `Fn::Select` index: a whole number, written as a number or a string.
pub(crate) fn index_of(value: &Value) -> Option<usize> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Expr {
    /// Adds every name this value refers to (`Ref` and `${...}` outside the variables given).
    pub fn references(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Literal(_) => {}
            Expr::List(items) => items.iter().for_each(|e| e.references(out)),
            Expr::Object(entries) => entries.iter().for_each(|(_, e)| e.references(out)),
            Expr::Call(call) => match &call.func {
                Func::Ref(name) => {
                    if name != NO_VALUE {
                        out.insert(name.clone());
                    }
                }
                Func::Join { items, .. } => items.references(out),
                Func::Select { index, list } => {
                    index.references(out);
                    list.references(out);
                }
                Func::Split { source, .. } => source.references(out),
                Func::FindInMap { map, top, second } => {
                    for e in [map, top, second] {
                        e.references(out);
                    }
                }
                Func::Sub { pieces, vars } => {
                    for piece in pieces {
                        if let Piece::Var(name) = piece
                            && !vars.iter().any(|(k, _)| k == name)
                        {
                            out.insert(name.clone());
                        }
                    }
                    vars.iter().for_each(|(_, e)| e.references(out));
                }
                Func::If {
                    then, otherwise, ..
                } => {
                    then.references(out);
                    otherwise.references(out);
                }
                Func::Base64(e) => e.references(out),
            },
        }
    }
}

impl Cond {
    /// Adds every name this condition refers to, parameters and conditions alike.
    pub fn references(&self, parameters: &mut BTreeSet<String>, conditions: &mut Vec<String>) {
        match self {
            Cond::Equals(a, b) => {
                a.references(parameters);
                b.references(parameters);
            }
            Cond::Not(c) => c.references(parameters, conditions),
            Cond::And(cs) | Cond::Or(cs) => {
                cs.iter().for_each(|c| c.references(parameters, conditions));
            }
            Cond::Named(name) => conditions.push(name.clone()),
        }
    }
}
