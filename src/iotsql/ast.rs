//! The syntax tree of a rule query and its canonical printing.
//!
//! `Display` prints SQL that parses back to an equal tree: keywords in upper case,
//! functions under their canonical names, strings single-quoted, and parentheses only
//! where precedence needs them.

use std::fmt::{self, Display, Formatter, Write as _};
use std::sync::Arc;

use super::functions::Func;

/// A top-level statement: `SELECT ... [FROM 'topic/filter'] [WHERE ...]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub select: Select,
    /// The topic filter; `None` for Basic Ingest rules, which have no FROM clause.
    pub from: Option<String>,
    pub where_clause: Option<Expr>,
}

/// A nested query, `(SELECT ... FROM expr [WHERE ...])`, run over an array or object.
#[derive(Clone, Debug, PartialEq)]
pub struct SubQuery {
    pub select: Select,
    pub from: Expr,
    pub where_clause: Option<Expr>,
}

/// The SELECT list. With `value`, there is exactly one item and it has no alias.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    pub value: bool,
    pub items: Vec<SelectItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelectItem {
    pub expr: Expr,
    /// `AS name` or `AS a.b`, which nests the value under `a`.
    pub alias: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `*`: the whole payload, or the current element in a nested query.
    Star,
    Lit(Literal),
    /// A top-level key of the payload.
    Field(String),
    /// `base.name`
    Member(Box<Expr>, String),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(Call),
    /// `cast(expr AS Type)`
    Cast(Box<Expr>, CastType),
    Case(Box<Case>),
    /// `[a, b]` (SQL 2016-03-23)
    Array(Vec<Expr>),
    /// `{'k': v}` (SQL 2016-03-23)
    Object(Vec<(String, Expr)>),
    /// `(SELECT ... FROM expr)` (SQL 2016-03-23)
    Subquery(Box<SubQuery>),
}

/// A literal. Numbers are never negative: `-5` is `Unary(Neg, 5)`.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Decimal(f64),
    String(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// A function call, resolved to its [`Func`] at parse time.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub func: Func,
    pub args: Vec<Expr>,
    /// A regex compiled at parse time when the pattern argument is a literal.
    pub(crate) regex: RegexSlot,
}

impl Call {
    pub fn new(func: Func, args: Vec<Expr>) -> Call {
        Call {
            func,
            args,
            regex: RegexSlot::default(),
        }
    }
}

/// A pre-compiled regex; it takes no part in equality, so trees compare by their text.
#[derive(Clone, Default)]
pub(crate) struct RegexSlot(pub(crate) Option<Arc<regex::Regex>>);

impl PartialEq for RegexSlot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for RegexSlot {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "RegexSlot(compiled)"
        } else {
            "RegexSlot(none)"
        })
    }
}

/// The type keyword after `AS` in `cast()`, kept as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastType {
    String,
    Nvarchar,
    Text,
    Ntext,
    Varchar,
    Int,
    Integer,
    Double,
    Decimal,
    Bool,
    Boolean,
}

impl CastType {
    pub const ALL: [CastType; 11] = [
        CastType::String,
        CastType::Nvarchar,
        CastType::Text,
        CastType::Ntext,
        CastType::Varchar,
        CastType::Int,
        CastType::Integer,
        CastType::Double,
        CastType::Decimal,
        CastType::Bool,
        CastType::Boolean,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CastType::String => "String",
            CastType::Nvarchar => "Nvarchar",
            CastType::Text => "Text",
            CastType::Ntext => "Ntext",
            CastType::Varchar => "Varchar",
            CastType::Int => "Int",
            CastType::Integer => "Integer",
            CastType::Double => "Double",
            CastType::Decimal => "Decimal",
            CastType::Bool => "Bool",
            CastType::Boolean => "Boolean",
        }
    }

    pub fn lookup(name: &str) -> Option<CastType> {
        CastType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }

    /// `Decimal`, `Bool` and `Boolean` arrived with SQL 2016-03-23.
    pub fn needs_2016(self) -> bool {
        matches!(self, CastType::Decimal | CastType::Bool | CastType::Boolean)
    }
}

/// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`; without an operand, each WHEN is a
/// condition (a searched CASE).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub operand: Option<Expr>,
    pub branches: Vec<(Expr, Expr)>,
    pub otherwise: Option<Expr>,
}

pub(crate) const PREC_OR: u8 = 1;
pub(crate) const PREC_AND: u8 = 2;
pub(crate) const PREC_NOT: u8 = 3;
pub(crate) const PREC_CMP: u8 = 4;
pub(crate) const PREC_ADD: u8 = 5;
pub(crate) const PREC_MUL: u8 = 6;
pub(crate) const PREC_NEG: u8 = 7;
pub(crate) const PREC_POSTFIX: u8 = 8;
const PREC_ATOM: u8 = 9;

impl BinaryOp {
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => PREC_OR,
            BinaryOp::And => PREC_AND,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq => PREC_CMP,
            BinaryOp::Add | BinaryOp::Sub => PREC_ADD,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => PREC_MUL,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }
}

impl Expr {
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, ..) => op.precedence(),
            Expr::Unary(UnaryOp::Not, _) => PREC_NOT,
            Expr::Unary(UnaryOp::Neg, _) => PREC_NEG,
            Expr::Member(..) | Expr::Index(..) => PREC_POSTFIX,
            _ => PREC_ATOM,
        }
    }

    /// Whether the printed expression starts with the bare word `value`, which right after
    /// `SELECT` would read as the `VALUE` keyword.
    fn starts_with_value_word(&self) -> bool {
        match self {
            Expr::Field(name) => name.eq_ignore_ascii_case("value"),
            Expr::Member(base, _) | Expr::Index(base, _) | Expr::Binary(_, base, _) => {
                base.starts_with_value_word()
            }
            _ => false,
        }
    }

    fn fmt_prec(&self, f: &mut Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            f.write_char('(')?;
            self.fmt_prec(f, 0)?;
            return f.write_char(')');
        }
        match self {
            Expr::Star => f.write_char('*'),
            Expr::Lit(lit) => lit.fmt(f),
            Expr::Field(name) => f.write_str(name),
            Expr::Member(base, name) => {
                base.fmt_prec(f, PREC_POSTFIX)?;
                write!(f, ".{name}")
            }
            Expr::Index(base, index) => {
                base.fmt_prec(f, PREC_POSTFIX)?;
                f.write_char('[')?;
                index.fmt_prec(f, 0)?;
                f.write_char(']')
            }
            Expr::Unary(UnaryOp::Not, operand) => {
                f.write_str("NOT ")?;
                operand.fmt_prec(f, PREC_NOT)
            }
            Expr::Unary(UnaryOp::Neg, operand) => {
                f.write_char('-')?;
                if matches!(**operand, Expr::Unary(UnaryOp::Neg, _)) {
                    f.write_char(' ')?;
                }
                operand.fmt_prec(f, PREC_NEG)
            }
            Expr::Binary(op, left, right) => {
                let p = op.precedence();
                left.fmt_prec(f, p)?;
                write!(f, " {} ", op.symbol())?;
                right.fmt_prec(f, p + 1)
            }
            Expr::Call(call) => call.fmt(f),
            Expr::Cast(inner, ty) => {
                f.write_str("cast(")?;
                inner.fmt_prec(f, 0)?;
                write!(f, " AS {})", ty.name())
            }
            Expr::Case(case) => case.fmt(f),
            Expr::Array(items) => {
                f.write_char('[')?;
                comma_list(f, items)?;
                f.write_char(']')
            }
            Expr::Object(entries) => {
                f.write_char('{')?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_string(f, key)?;
                    f.write_str(": ")?;
                    value.fmt_prec(f, 0)?;
                }
                f.write_char('}')
            }
            Expr::Subquery(q) => write!(f, "({q})"),
        }
    }
}

fn comma_list(f: &mut Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt_prec(f, 0)?;
    }
    Ok(())
}

/// Writes `s` as a single-quoted SQL string literal.
pub(crate) fn write_string(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Display for UnaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnaryOp::Not => "NOT",
            UnaryOp::Neg => "-",
        })
    }
}

impl Display for CastType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Display for Func {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Display for Call {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.func.name())?;
        f.write_char('(')?;
        comma_list(f, &self.args)?;
        f.write_char(')')
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.fmt_prec(f, 0)
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("NULL"),
            Literal::Bool(true) => f.write_str("TRUE"),
            Literal::Bool(false) => f.write_str("FALSE"),
            Literal::Int(i) => write!(f, "{i}"),
            // `{:?}` is the shortest text that reads back as the same f64, and it always
            // has a `.` or an exponent, so it lexes as a Decimal again.
            Literal::Decimal(d) => write!(f, "{d:?}"),
            Literal::String(s) => write_string(f, s),
        }
    }
}

impl Display for Case {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CASE")?;
        if let Some(operand) = &self.operand {
            write!(f, " {operand}")?;
        }
        for (when, then) in &self.branches {
            write!(f, " WHEN {when} THEN {then}")?;
        }
        if let Some(otherwise) = &self.otherwise {
            write!(f, " ELSE {otherwise}")?;
        }
        f.write_str(" END")
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {}", alias.join("."))?;
        }
        Ok(())
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.value {
            f.write_str("VALUE ")?;
        }
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if i == 0 && !self.value && item.expr.starts_with_value_word() {
                write!(f, "({})", item.expr)?;
                if let Some(alias) = &item.alias {
                    write!(f, " AS {}", alias.join("."))?;
                }
            } else {
                write!(f, "{item}")?;
            }
        }
        Ok(())
    }
}

impl Display for SubQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} FROM {}", self.select, self.from)?;
        if let Some(cond) = &self.where_clause {
            write!(f, " WHERE {cond}")?;
        }
        Ok(())
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.select)?;
        if let Some(topic) = &self.from {
            f.write_str(" FROM ")?;
            write_string(f, topic)?;
        }
        if let Some(cond) = &self.where_clause {
            write!(f, " WHERE {cond}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }
    fn field(n: &str) -> Expr {
        Expr::Field(n.into())
    }

    #[test]
    fn parenthesizes_by_precedence() {
        let e = bin(
            BinaryOp::Mul,
            bin(BinaryOp::Sub, field("t"), Expr::Lit(Literal::Int(32))),
            Expr::Lit(Literal::Int(5)),
        );
        assert_eq!(e.to_string(), "(t - 32) * 5");
        let e = bin(
            BinaryOp::Sub,
            field("a"),
            bin(BinaryOp::Sub, field("b"), field("c")),
        );
        assert_eq!(e.to_string(), "a - (b - c)");
        let e = Expr::Unary(
            UnaryOp::Not,
            Box::new(bin(BinaryOp::And, field("a"), field("b"))),
        );
        assert_eq!(e.to_string(), "NOT (a AND b)");
        let e = Expr::Member(
            Box::new(Expr::Unary(UnaryOp::Neg, Box::new(field("a")))),
            "b".into(),
        );
        assert_eq!(e.to_string(), "(-a).b");
    }

    #[test]
    fn literals_print_canonically() {
        assert_eq!(Expr::Lit(Literal::Decimal(1.0)).to_string(), "1.0");
        assert_eq!(Expr::Lit(Literal::Decimal(5e-12)).to_string(), "5e-12");
        assert_eq!(
            Expr::Lit(Literal::String("it's\\\n".into())).to_string(),
            r"'it\'s\\\n'"
        );
        assert_eq!(Expr::Lit(Literal::Null).to_string(), "NULL");
    }

    #[test]
    fn value_field_first_is_wrapped() {
        let s = Select {
            value: false,
            items: vec![SelectItem {
                expr: bin(BinaryOp::Add, field("value"), Expr::Lit(Literal::Int(1))),
                alias: Some(vec!["v".into()]),
            }],
        };
        assert_eq!(s.to_string(), "SELECT (value + 1) AS v");
    }
}
