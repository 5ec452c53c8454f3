//! Parser errors: exact spans, messages and hints, and hostile nesting.

use super::{V1, V2};
use crate::iotsql::{Diagnostic, Template, parse};

fn err(sql: &str) -> Diagnostic {
    err_v(sql, V1)
}

fn err_v(sql: &str, version: crate::iotsql::SqlVersion) -> Diagnostic {
    match parse(sql, version) {
        Ok(s) => panic!("{sql:?} parsed as {s}"),
        Err(d) => d,
    }
}

/// The text under the span.
fn marked(d: &Diagnostic) -> &str {
    d.source.get(d.span.clone()).unwrap_or("<bad span>")
}

#[test]
fn typo_in_select() {
    let d = err("SELEC * FROM 'a'");
    assert_eq!(d.span, 0..5);
    assert_eq!(
        d.message,
        "expected `SELECT` at the start of the statement, found identifier `SELEC`"
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `SELECT`?"));
    assert_eq!(
        d.to_string(),
        "error: expected `SELECT` at the start of the statement, found identifier `SELEC`\n  |\n1 | SELEC * FROM 'a'\n  | ^^^^^\n  |\n  = help: did you mean `SELECT`?"
    );
}

#[test]
fn missing_right_operand() {
    let sql = "SELECT * FROM 'a' WHERE humidity <";
    let d = err(sql);
    assert_eq!(d.span, sql.len()..sql.len());
    assert_eq!(d.message, "expected an expression after `<`");
    assert_eq!(d.hint.as_deref(), Some("`<` needs an operand on its right"));
    let caret_line = d.to_string().lines().nth(3).map(str::to_owned);
    assert_eq!(caret_line, Some(format!("  | {}^", " ".repeat(sql.len()))));
}

#[test]
fn unknown_function_suggests_a_name() {
    let d = err("SELECT topc(2) AS device FROM 'a'");
    assert_eq!(d.span, 7..11);
    assert_eq!(d.message, "unknown function `topc()`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `topic()`?"));
}

#[test]
fn unquoted_topic() {
    let d = err("SELECT * FROM device/+/data");
    assert_eq!(marked(&d), "device");
    assert_eq!(
        d.message,
        "expected a topic filter in single quotes, found identifier `device`"
    );
    assert!(d.hint.is_some_and(|h| h.contains("single quotes")));
}

#[test]
fn invalid_topic_filter() {
    let d = err("SELECT * FROM 'a/#/b'");
    assert_eq!(d.span, 14..21);
    assert_eq!(
        d.message,
        "invalid topic filter: `#` must be a whole level and the last one"
    );
    let d = err("SELECT * FROM 'a/b+'");
    assert_eq!(d.message, "invalid topic filter: `+` must be a whole level");
}

#[test]
fn unterminated_string() {
    let d = err("SELECT * FROM 'a WHERE x = 1");
    assert_eq!(d.span, 14..28);
    assert_eq!(d.message, "unterminated string");
    assert_eq!(d.hint.as_deref(), Some("close the string with '"));
}

#[test]
fn trailing_tokens() {
    let d = err("SELECT * FROM 'a' extra");
    assert_eq!(marked(&d), "extra");
    assert_eq!(
        d.message,
        "expected `WHERE` or end of input, found identifier `extra`"
    );
    let d = err("SELECT * FROM 'a' WERE x = 1");
    assert_eq!(d.hint.as_deref(), Some("did you mean `WHERE`?"));
    let d = err("SELECT color c FROM 'a'");
    assert_eq!(marked(&d), "c");
    assert_eq!(
        d.hint.as_deref(),
        Some("write `AS c` to name the selected value")
    );
    let d = err("SELECT * FORM 'a'");
    assert_eq!(d.hint.as_deref(), Some("did you mean `FROM`?"));
}

#[test]
fn empty_select_list() {
    let d = err("SELECT FROM 'a'");
    assert_eq!(d.span, 7..11);
    assert_eq!(d.message, "nothing selected");
    let d = err("SELECT a, FROM 'a'");
    assert_eq!(d.message, "expected an expression after `,`");
}

#[test]
fn unexpected_characters() {
    let d = err("SELECT * FROM 'a' WHERE x == 1");
    assert_eq!(d.span, 26..28);
    assert_eq!(d.hint.as_deref(), Some("use `=` to compare values"));
    let d = err("SELECT * FROM 'a';");
    assert_eq!(d.span, 17..18);
    let d = err("SELECT # FROM 'a'");
    assert_eq!(d.span, 7..8);
    assert_eq!(d.message, "unexpected character `#`");
}

#[test]
fn version_gated_syntax() {
    let d = err("SELECT {'a': 1} AS x FROM 'a'");
    assert_eq!(d.span, 7..8);
    assert_eq!(d.message, "an object literal needs SQL version 2016-03-23");
    let d = err("SELECT [1] AS x FROM 'a'");
    assert_eq!(d.message, "an array literal needs SQL version 2016-03-23");
    let d = err("SELECT (SELECT VALUE n FROM e) AS x FROM 'a'");
    assert_eq!(d.span, 7..8);
    let d = err("SELECT length('x') AS n FROM 'a'");
    assert_eq!(d.span, 7..13);
    assert_eq!(d.message, "`length()` needs SQL version 2016-03-23");
    assert!(parse("SELECT length('x') AS n FROM 'a'", V2).is_ok());
}

#[test]
fn select_value_takes_one_expression() {
    let d = err("SELECT VALUE a, b FROM 'a'");
    assert_eq!(d.span, 14..15);
    let d = err("SELECT VALUE a AS x FROM 'a'");
    assert_eq!(marked(&d), "AS");
}

#[test]
fn case_errors() {
    let d = err("SELECT CASE x END AS y FROM 'a'");
    assert_eq!(marked(&d), "END");
    assert_eq!(d.message, "expected `WHEN`, found keyword `END`");
    let d = err("SELECT CASE x WHEN 1 THEN 2 AS y FROM 'a'");
    assert_eq!(marked(&d), "AS");
}

#[test]
fn cast_errors() {
    let d = err("SELECT cast(x AS Float) AS y FROM 'a'");
    assert_eq!(marked(&d), "Float");
    assert_eq!(d.message, "unknown type `Float` in cast()");
    let d = err("SELECT cast(x) AS y FROM 'a'");
    assert_eq!(marked(&d), ")");
}

#[test]
fn reserved_alias() {
    let d = err("SELECT x AS end FROM 'a'");
    assert_eq!(marked(&d), "end");
    assert_eq!(d.message, "`END` is a reserved word and cannot be an alias");
}

#[test]
fn multi_line_source() {
    let d = err("SELECT *\nFROM 'a'\nWHERE x <> ");
    assert_eq!(d.line_col(), (3, 12));
    assert!(d.to_string().contains("3 | WHERE x <> \n  |            ^"));
}

#[test]
fn template_errors_point_into_the_template() {
    let d = match Template::parse("${topic(2)}/${timestamp(}", V1) {
        Ok(_) => panic!("should fail"),
        Err(d) => d,
    };
    assert_eq!(d.span, 24..25);
    let d = match Template::parse("key/${topic()", V1) {
        Ok(_) => panic!("should fail"),
        Err(d) => d,
    };
    assert_eq!(d.span, 13..13);
    assert_eq!(d.hint.as_deref(), Some("close the substitution with `}`"));
    let d = match Template::parse("${ nope() }", V1) {
        Ok(_) => panic!("should fail"),
        Err(d) => d,
    };
    assert_eq!(d.span, 3..7);
}

fn assert_too_deep(sql: &str) {
    let d = err_v(sql, V2);
    assert!(
        d.message.starts_with("expression nested too deeply"),
        "{}",
        d.message
    );
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let n = 100_000;
    assert_too_deep(&format!("SELECT {} FROM 'a'", "(".repeat(n)));
    assert_too_deep(&format!(
        "SELECT {}1{} FROM 'a'",
        "(".repeat(n),
        ")".repeat(n)
    ));
    assert_too_deep(&format!("SELECT {}1 FROM 'a'", "-".repeat(n)));
    assert_too_deep(&format!("SELECT {}x FROM 'a'", "NOT ".repeat(n)));
    assert_too_deep(&format!("SELECT {} FROM 'a'", "[".repeat(n)));
    assert_too_deep(&format!("SELECT {} FROM 'a'", "abs(".repeat(n)));
    assert_too_deep(&format!("SELECT {} FROM 'a'", "{'a':".repeat(n)));
    assert_too_deep(&format!("SELECT 1{} FROM 'a'", " + 1".repeat(n)));
    assert_too_deep(&format!("SELECT a{} FROM 'a'", ".b".repeat(n)));
    assert_too_deep(&format!("SELECT a{} FROM 'a'", "[0]".repeat(n)));
    assert_too_deep(&format!("SELECT {} FROM 'a'", "(SELECT ".repeat(n)));
    assert_too_deep(&format!("SELECT {}1 FROM 'a'", "CASE WHEN ".repeat(n)));
    let tpl = format!("${{{}}}", "(".repeat(n));
    assert!(Template::parse(&tpl, V2).is_err());
}

#[test]
fn moderate_nesting_is_fine() {
    let sql = format!("SELECT {}1{} AS x FROM 'a'", "(".repeat(60), ")".repeat(60));
    assert!(parse(&sql, V1).is_ok());
    let sql = format!("SELECT 1{} AS x FROM 'a'", " + 1".repeat(100));
    assert!(parse(&sql, V1).is_ok());
}
