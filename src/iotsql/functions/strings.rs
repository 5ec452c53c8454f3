//! String functions: chr, concat, startswith/endswith, indexof, length, numbytes, case
//! mapping, trimming, padding, replace, substring and the regexp family.

use std::borrow::Cow;

use regex::{Regex, RegexBuilder};
use serde_json::Value as Json;

use crate::iotsql::SqlVersion;
use crate::iotsql::ast::RegexSlot;
use crate::iotsql::value::Value;

/// The white space that trim functions remove: spaces, tabs and other control
/// characters, like Java's `String.trim`.
pub(super) fn is_space(c: char) -> bool {
    c <= ' '
}

/// `chr(n)`: the ASCII character `n` (Decimals and numeric strings rounded down).
pub(super) fn chr<'a>(a: &Value<'_>) -> Value<'a> {
    let code = match a {
        Value::Int(i) => Some(*i),
        Value::Dec(_) | Value::Str(_) => a.to_f64().map(|d| d.floor() as i64),
        _ => None,
    };
    match code.and_then(|c| u8::try_from(c).ok()).filter(u8::is_ascii) {
        Some(b) => Value::str(char::from(b).to_string()),
        None => Value::Undefined,
    }
}

/// `concat(...)`: arrays if any argument is an array, else the string forms joined.
pub(super) fn concat<'a>(args: Vec<Value<'a>>, v: SqlVersion) -> Value<'a> {
    if args.iter().any(Value::is_undefined) {
        return Value::Undefined;
    }
    match args.len() {
        0 => return Value::Undefined,
        1 => {
            return match args.into_iter().next() {
                Some(a @ Value::Array(_)) => a,
                Some(other) => other
                    .to_text()
                    .map_or(Value::Undefined, |s| Value::str(s.into_owned())),
                None => Value::Undefined,
            };
        }
        _ => {}
    }
    if args.iter().any(|a| matches!(a, Value::Array(_))) {
        let mut out: Vec<Json> = Vec::new();
        for arg in args {
            match arg {
                Value::Array(items) => out.extend(items.into_owned()),
                other => {
                    if let Some(j) = other.into_json(v) {
                        out.push(j);
                    }
                }
            }
        }
        return Value::Array(Cow::Owned(out));
    }
    let mut s = String::new();
    for arg in &args {
        match arg.to_text() {
            Some(t) => s.push_str(&t),
            None => return Value::Undefined,
        }
    }
    Value::str(s)
}

/// Both arguments as text, or None when either is Null or Undefined.
fn two_texts<'b>(a: &'b Value<'_>, b: &'b Value<'_>) -> Option<(Cow<'b, str>, Cow<'b, str>)> {
    Some((a.to_text()?, b.to_text()?))
}

pub(super) fn ends_with<'a>(a: &Value<'_>, b: &Value<'_>) -> Value<'a> {
    two_texts(a, b).map_or(Value::Undefined, |(x, y)| Value::Bool(x.ends_with(&*y)))
}

pub(super) fn starts_with<'a>(a: &Value<'_>, b: &Value<'_>) -> Value<'a> {
    two_texts(a, b).map_or(Value::Undefined, |(x, y)| Value::Bool(x.starts_with(&*y)))
}

/// `indexof(s, sub)`: the 0-based character index of the first match, or -1.
pub(super) fn index_of<'a>(a: &Value<'_>, b: &Value<'_>) -> Value<'a> {
    let Some((hay, needle)) = two_texts(a, b) else {
        return Value::Undefined;
    };
    match hay.find(&*needle) {
        Some(byte) => Value::Int(hay[..byte].chars().count() as i64),
        None => Value::Int(-1),
    }
}

pub(super) fn length<'a>(a: &Value<'_>) -> Value<'a> {
    a.to_text()
        .map_or(Value::Undefined, |s| Value::Int(s.chars().count() as i64))
}

pub(super) fn num_bytes<'a>(a: &Value<'_>) -> Value<'a> {
    a.to_text()
        .map_or(Value::Undefined, |s| Value::Int(s.len() as i64))
}

/// Applies `f` to the string form of `a`.
pub(super) fn map_text<'a>(a: &Value<'_>, f: impl Fn(&str) -> String) -> Value<'a> {
    a.to_text().map_or(Value::Undefined, |s| Value::str(f(&s)))
}

/// lpad/rpad: pad with spaces; the count is rounded down and clamped to 0..=1000.
pub(super) fn pad<'a>(a: &Value<'_>, n: &Value<'_>, left: bool) -> Value<'a> {
    let count = match n {
        Value::Int(i) => Some(*i),
        Value::Dec(_) | Value::Str(_) => n.to_f64().map(|d| d.floor() as i64),
        _ => None,
    };
    let (Some(text), Some(count)) = (a.to_text(), count) else {
        return Value::Undefined;
    };
    let spaces = " ".repeat(count.clamp(0, 1000) as usize);
    Value::str(if left {
        spaces + &text
    } else {
        text.into_owned() + &spaces
    })
}

pub(super) fn replace<'a>(a: &Value<'_>, from: &Value<'_>, to: &Value<'_>) -> Value<'a> {
    match (a.to_text(), from.to_text(), to.to_text()) {
        (Some(s), Some(f), Some(t)) => Value::str(s.replace(&*f, &t)),
        _ => Value::Undefined,
    }
}

/// `substring(s, start[, end])` over characters, with indices clamped into the string.
pub(super) fn substring<'a>(
    s: &Value<'_>,
    start: &Value<'_>,
    end: Option<&Value<'_>>,
) -> Value<'a> {
    let Some(text) = s.to_text() else {
        return Value::Undefined;
    };
    let Some(start) = start.to_i64_down() else {
        return Value::Undefined;
    };
    let len = text.chars().count() as i64;
    let end = match end {
        Some(e) => match e.to_i64_down() {
            Some(e) => e,
            None => return Value::Undefined,
        },
        None => len,
    };
    let start = start.clamp(0, len);
    let end = end.clamp(0, len);
    if start >= end {
        return Value::str("");
    }
    Value::str(
        text.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect::<String>(),
    )
}

/// Compiles a user pattern with limits that keep hostile patterns cheap.
pub(crate) fn compile_regex(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .nest_limit(64)
        .build()
        .ok()
}

/// The compiled pattern: pre-compiled at parse time for a literal, else compiled now.
fn pattern<'r>(p: &Value<'_>, slot: &'r RegexSlot) -> Option<Cow<'r, Regex>> {
    if let Some(re) = &slot.0 {
        return Some(Cow::Borrowed(re.as_ref()));
    }
    compile_regex(&p.to_text()?).map(Cow::Owned)
}

pub(super) fn regexp_matches<'a>(s: &Value<'_>, p: &Value<'_>, slot: &RegexSlot) -> Value<'a> {
    match (s.to_text(), pattern(p, slot)) {
        (Some(text), Some(re)) => Value::Bool(re.is_match(&text)),
        _ => Value::Undefined,
    }
}

pub(super) fn regexp_substr<'a>(s: &Value<'_>, p: &Value<'_>, slot: &RegexSlot) -> Value<'a> {
    match (s.to_text(), pattern(p, slot)) {
        (Some(text), Some(re)) => re
            .find(&text)
            .map_or(Value::Undefined, |m| Value::str(m.as_str())),
        _ => Value::Undefined,
    }
}

pub(super) fn regexp_replace<'a>(
    s: &Value<'_>,
    p: &Value<'_>,
    r: &Value<'_>,
    slot: &RegexSlot,
) -> Value<'a> {
    let (Some(text), Some(re), Some(rep)) = (s.to_text(), pattern(p, slot), r.to_text()) else {
        return Value::Undefined;
    };
    match java_replacement(&rep) {
        Some(rep) => Value::str(re.replace_all(&text, rep.as_str()).into_owned()),
        None => Value::Undefined,
    }
}

/// Rewrites a Java-style replacement (`$1`, `${name}`, `\$`) into the `regex` crate's
/// syntax; None when it is malformed.
fn java_replacement(rep: &str) -> Option<String> {
    let mut out = String::with_capacity(rep.len());
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                if escaped == '$' {
                    out.push_str("$$");
                } else {
                    out.push(escaped);
                }
            }
            '$' => match chars.peek() {
                Some('{') => {
                    chars.next();
                    let mut name = String::new();
                    loop {
                        match chars.next()? {
                            '}' => break,
                            ch => name.push(ch),
                        }
                    }
                    out.push_str(&format!("${{{name}}}"));
                }
                Some(d) if d.is_ascii_digit() => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(d);
                        chars.next();
                    }
                    out.push_str(&format!("${{{digits}}}"));
                }
                _ => return None,
            },
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_replacements_translate() {
        assert_eq!(java_replacement("$1").as_deref(), Some("${1}"));
        assert_eq!(java_replacement("$1a").as_deref(), Some("${1}a"));
        assert_eq!(java_replacement("${x}-\\$").as_deref(), Some("${x}-$$"));
        assert_eq!(java_replacement("$").as_deref(), None);
        assert_eq!(java_replacement("a\\").as_deref(), None);
    }

    #[test]
    fn substring_clamps() {
        let s = Value::str("012345");
        assert_eq!(substring(&s, &Value::Int(10), None), Value::str(""));
        assert_eq!(
            substring(&s, &Value::Int(4), Some(&Value::Int(99))),
            Value::str("45")
        );
        assert_eq!(
            substring(&Value::Null, &Value::Int(1), None),
            Value::Undefined
        );
        assert_eq!(substring(&s, &Value::Bool(true), None), Value::Undefined);
    }

    #[test]
    fn hostile_patterns_fail_cleanly() {
        assert!(compile_regex("(").is_none());
        assert!(compile_regex("a{1000}{1000}{1000}").is_none());
        assert!(compile_regex(r"\d+").is_some());
    }
}
