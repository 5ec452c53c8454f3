//! Substitution templates: action fields such as an S3 key or a republish topic with
//! `${expression}` parts, each evaluated against the incoming message (not the SELECT
//! output, so aliases are not visible).

use std::fmt;

use super::ast::Expr;
use super::diagnostic::Diagnostic;
use super::eval::{Ctx, Payload, eval};
use super::parser::Parser;
use super::value::Value;
use super::{EvalError, Message, SqlVersion};

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Expr {
        /// The substitution as written, `${...}` included.
        source: String,
        expr: Expr,
    },
}

/// A parsed template such as `${topic(2)}/${timestamp()}-${newuuid()}.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
    version: SqlVersion,
}

impl Template {
    /// Parses `text`; text outside `${...}` is kept as it is.
    pub fn parse(text: &str, version: SqlVersion) -> Result<Template, Diagnostic> {
        let mut parts = Vec::new();
        let mut literal_start = 0;
        let mut pos = 0;
        while let Some(found) = text.get(pos..).and_then(|rest| rest.find("${")) {
            let open = pos + found;
            if open > literal_start {
                parts.push(Part::Text(text[literal_start..open].to_owned()));
            }
            let mut parser = Parser::new(text, open + 2..text.len(), version);
            let (expr, end) = parser.parse_substitution().map_err(|d| {
                if d.span.start >= text.len() && d.hint.is_none() {
                    d.with_hint("close the substitution with `}`")
                } else {
                    d
                }
            })?;
            parts.push(Part::Expr {
                source: text[open..end].to_owned(),
                expr,
            });
            literal_start = end;
            pos = end;
        }
        if literal_start < text.len() {
            parts.push(Part::Text(text[literal_start..].to_owned()));
        }
        Ok(Template { parts, version })
    }

    /// Renders the template for `msg`. Undefined values render as empty text.
    pub fn render(&self, msg: &Message) -> Result<String, EvalError> {
        let mut out = String::new();
        self.each_part(msg, |_, text| out.push_str(&text))?;
        Ok(out)
    }

    /// Each `${...}` as written, with the text it evaluated to.
    pub fn render_parts(&self, msg: &Message) -> Result<Vec<(String, String)>, EvalError> {
        let mut out = Vec::new();
        self.each_part(msg, |part, text| {
            if let Part::Expr { source, .. } = part {
                out.push((source.clone(), text));
            }
        })?;
        Ok(out)
    }

    /// Calls `f` with every part and its text: literal text as is, `${...}` evaluated.
    fn each_part(&self, msg: &Message, mut f: impl FnMut(&Part, String)) -> Result<(), EvalError> {
        let payload = Payload::parse(msg.payload);
        let ctx = Ctx {
            msg,
            version: self.version,
            root: payload.root(),
            top_level: true,
        };
        for part in &self.parts {
            let text = match part {
                Part::Text(t) => t.clone(),
                Part::Expr { expr, .. } => render_value(eval(expr, &ctx)?),
            };
            f(part, text);
        }
        Ok(())
    }

    /// Whether the template has any `${...}` part.
    pub fn has_substitutions(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Expr { .. }))
    }
}

fn render_value(v: Value<'_>) -> String {
    match v {
        Value::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        other => other.to_text().map(|s| s.into_owned()).unwrap_or_default(),
    }
}

impl fmt::Display for Template {
    /// The template with each expression in canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(t) => f.write_str(t)?,
                Part::Expr { expr, .. } => write!(f, "${{{expr}}}")?,
            }
        }
        Ok(())
    }
}
