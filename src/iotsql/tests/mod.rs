//! Tests of the whole engine: the developer guide's examples, the seed rules, parser
//! diagnostics and property tests.

mod diagnostics;
mod guide_functions;
mod guide_queries;
mod proptests;
mod seed;

use serde_json::Value as Json;

use super::{Message, Output, SqlVersion, Statement, parse};

pub(super) const V1: SqlVersion = SqlVersion::V2015_10_08;
pub(super) const V2: SqlVersion = SqlVersion::V2016_03_23;

/// Parses `sql`, failing the test with the rendered diagnostic.
pub(super) fn stmt(sql: &str, version: SqlVersion) -> Statement {
    match parse(sql, version) {
        Ok(s) => {
            // Every statement a test uses must also survive print-then-parse.
            let printed = s.to_string();
            match parse(&printed, version) {
                Ok(again) => assert_eq!(again, s, "round trip of {sql:?} via {printed:?}"),
                Err(d) => panic!("reparse of {printed:?} failed:\n{d}"),
            }
            s
        }
        Err(d) => panic!("{sql:?} failed to parse:\n{d}"),
    }
}

/// Runs `sql` on `payload` published to `topic`; None when the rule does not fire.
pub(super) fn run_on(sql: &str, version: SqlVersion, topic: &str, payload: &str) -> Option<Output> {
    let msg = Message {
        topic,
        payload: payload.as_bytes(),
        client_id: Some("sensor-client"),
        principal: Some("ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373"),
        timestamp_ms: 1_481_825_251_155,
        account_id: "123456789012",
        trace_id: Some("12345678-1234-1234-1234-123456789012"),
    };
    match stmt(sql, version).evaluate(&msg) {
        Ok(out) => out,
        Err(e) => panic!("{sql:?} failed: {e}"),
    }
}

/// Runs `sql` and returns its JSON output, failing the test if it does not fire.
pub(super) fn json(sql: &str, version: SqlVersion, payload: &str) -> Json {
    let topic = stmt(sql, version).topic_filter().replace(['+', '#'], "x");
    match run_on(sql, version, &topic, payload) {
        Some(Output::Json(j)) => j,
        other => panic!("{sql:?} gave {other:?}"),
    }
}

/// The value of one expression: `SELECT VALUE <expr>` over `payload` (V2, so arrays can
/// be selected); `None` for Undefined.
pub(super) fn value_v(expr: &str, version: SqlVersion, payload: &str) -> Option<Json> {
    let sql = format!("SELECT {expr} AS v FROM 't'");
    let out = json(&sql, version, payload);
    out.get("v").cloned()
}

pub(super) fn value(expr: &str) -> Option<Json> {
    value_v(expr, V2, "{}")
}

pub(super) fn value1(expr: &str) -> Option<Json> {
    value_v(expr, V1, "{}")
}

pub(super) fn j(text: &str) -> Json {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("bad JSON in test {text:?}: {e}"),
    }
}
