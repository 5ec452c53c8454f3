//! How Python prints a value decoded from JSON, so that the natively run alert function
//! formats `f"Humidity {humidity} ..."` exactly as its Python source does: `str()` of the
//! value, which is `repr()` for everything inside a dict or a list.

use serde_json::{Number, Value};

/// `str(value)` for a value `json.loads` produced; a missing value is Python's `None`.
pub(crate) fn str_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            let mut out = String::new();
            repr(v, &mut out);
            out
        }
        None => "None".to_owned(),
    }
}

/// Appends `repr(value)`.
fn repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => string_repr(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string_repr(key, out);
                out.push_str(": ");
                repr(item, out);
            }
            out.push('}');
        }
    }
}

/// JSON numbers without a fraction or exponent are Python ints; the rest are floats.
fn number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    float_repr(n.as_f64().unwrap_or(f64::NAN))
}

/// `repr(float)`: the shortest digits that read back to the same float, positional when the
/// decimal exponent is in -4..16 (with `.0` for whole numbers), scientific otherwise.
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits: `-2.05e1`, `1e20`, `0e0`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::from(sign);
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let exp_sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("e{exp_sign}{:02}", exp.unsigned_abs()));
    }
    out
}

/// `repr(str)`: single quotes unless the text has a single quote and no double quote;
/// backslash escapes for the quote, backslashes, `\t`, `\n`, `\r` and unprintable characters.
fn string_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable` for one character: not a control, format, separator (other
/// than the space), surrogate or private-use character. Unassigned code points are taken as
/// printable, since no table of them is at hand.
fn printable(c: char) -> bool {
    let code = u32::from(c);
    if code < 0x7f {
        return code >= 0x20;
    }
    !matches!(
        code,
        0x7f..=0xa0
            | 0xad
            | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x890..=0x891
            | 0x8e2
            | 0x1680
            | 0x180e
            | 0x2000..=0x200f
            | 0x2028..=0x202f
            | 0x205f..=0x2064
            | 0x2066..=0x206f
            | 0x3000
            | 0xd800..=0xdfff
            | 0xe000..=0xf8ff
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
            | 0xf0000..
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn py(v: Value) -> String {
        str_of(Some(&v))
    }

    #[test]
    fn scalars_print_as_python_prints_them() {
        assert_eq!(py(json!(20)), "20");
        assert_eq!(py(json!(-3)), "-3");
        assert_eq!(py(json!(18446744073709551615u64)), "18446744073709551615");
        assert_eq!(py(json!(20.5)), "20.5");
        assert_eq!(py(json!("20")), "20");
        assert_eq!(py(json!(true)), "True");
        assert_eq!(py(json!(false)), "False");
        assert_eq!(py(Value::Null), "None");
        assert_eq!(str_of(None), "None");
        assert_eq!(py(json!("it's")), "it's");
    }

    #[test]
    fn floats_use_pythons_repr() {
        let parsed = |text: &str| py(serde_json::from_str(text).unwrap_or(Value::Null));
        assert_eq!(parsed("20.0"), "20.0");
        assert_eq!(parsed("1E2"), "100.0");
        assert_eq!(parsed("0.1"), "0.1");
        assert_eq!(parsed("-0.0"), "-0.0");
        assert_eq!(parsed("0.0001"), "0.0001");
        assert_eq!(parsed("0.00001"), "1e-05");
        assert_eq!(parsed("0.000012345"), "1.2345e-05");
        assert_eq!(parsed("1e15"), "1000000000000000.0");
        assert_eq!(parsed("1e16"), "1e+16");
        assert_eq!(parsed("1.5e300"), "1.5e+300");
        assert_eq!(parsed("123456.789"), "123456.789");
        assert_eq!(parsed("0.30000000000000004"), "0.30000000000000004");
        assert_eq!(float_repr(f64::INFINITY), "inf");
    }

    #[test]
    fn containers_print_their_items_with_repr() {
        assert_eq!(
            py(json!({"a": 1, "b": [1.5, "x", null, true], "c": {}})),
            "{'a': 1, 'b': [1.5, 'x', None, True], 'c': {}}"
        );
        assert_eq!(py(json!([])), "[]");
        assert_eq!(py(json!(["it's"])), r#"["it's"]"#);
        assert_eq!(py(json!(["say \"hi\" it's"])), r#"['say "hi" it\'s']"#);
        assert_eq!(py(json!(["a\\b\n\t\r"])), r"['a\\b\n\t\r']");
        assert_eq!(
            py(json!(["\u{1}\u{7f}\u{a0}é\u{2028}😀"])),
            r"['\x01\x7f\xa0é\u2028😀']"
        );
        // Keys keep their order, as Python dicts keep insertion order.
        assert_eq!(py(json!({"z": 1, "a": 2})), "{'z': 1, 'a': 2}");
    }
}
