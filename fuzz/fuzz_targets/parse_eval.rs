//! Fuzzes the IoT SQL engine: parse (both SQL versions), print and parse again, evaluate
//! against a message, and parse and render the text as a substitution template.
//!
//! Input: the SQL, then optionally a NUL byte and the payload.

#![no_main]

use libfuzzer_sys::fuzz_target;
use soilctl::iotsql::{self, Message, SqlVersion, Template};

const DEFAULT_PAYLOAD: &[u8] =
    br#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "a": {"b": [1, 2.5, "x", null, true]}}"#;

fuzz_target!(|data: &[u8]| {
    let (sql, payload) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, DEFAULT_PAYLOAD),
    };
    let Ok(sql) = std::str::from_utf8(sql) else {
        return;
    };
    for version in [SqlVersion::V2015_10_08, SqlVersion::V2016_03_23] {
        if let Ok(statement) = iotsql::parse(sql, version) {
            // Printing and parsing again gives the same statement.
            let printed = statement.to_string();
            let again = iotsql::parse(&printed, version)
                .unwrap_or_else(|d| panic!("printed SQL does not parse: {printed:?}: {d}"));
            assert_eq!(
                again.to_string(),
                printed,
                "print/parse is not stable for {sql:?}"
            );
            let topic = statement
                .topic_filter()
                .replace('+', "x")
                .replace('#', "y/z");
            for t in [topic.as_str(), "device/soilSensor3/devicePayload"] {
                let message = Message {
                    topic: t,
                    payload,
                    client_id: Some("soilSensor3"),
                    principal: Some("abc"),
                    timestamp_ms: 1_598_536_072_677,
                    account_id: "123456789012",
                    trace_id: None,
                };
                let _ = statement.evaluate(&message);
            }
        }
        if let Ok(template) = Template::parse(sql, version) {
            let _ = template.render(&Message::new("device/soilSensor3/devicePayload", payload));
        }
    }
});
