//! The seed project's rules: the humidity alert and the S3 archive key template.

use super::{V1, V2, run_on, stmt};
use crate::iotsql::{Message, Output, Template};

const ALERT: &str = "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35";
const TOPIC: &str = "device/soilSensor3/devicePayload";
const PAYLOAD: &str = r#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#;

fn fires(payload: &str) -> bool {
    [V1, V2]
        .iter()
        .map(|v| run_on(ALERT, *v, TOPIC, payload).is_some())
        .fold(None, |acc: Option<bool>, f| {
            assert!(acc.is_none_or(|a| a == f), "versions disagree on {payload}");
            Some(f)
        })
        .unwrap_or(false)
}

#[test]
fn alert_fires_for_numeric_humidity_and_passes_payload_through() {
    let out = run_on(ALERT, V1, TOPIC, PAYLOAD);
    let expected: serde_json::Value = super::j(PAYLOAD);
    assert_eq!(out, Some(Output::Json(expected)));
    assert!(fires(PAYLOAD));
}

#[test]
fn alert_compares_string_humidity_as_a_number() {
    assert!(fires(r#"{"name": "soilSensor3", "humidity": "20"}"#));
    assert!(!fires(r#"{"name": "soilSensor3", "humidity": "40"}"#));
    assert!(fires(r#"{"humidity": "34.9"}"#));
}

#[test]
fn alert_does_not_fire_for_dry_enough_or_missing_humidity() {
    assert!(!fires(r#"{"name": "soilSensor3", "humidity": 40}"#));
    assert!(!fires(r#"{"name": "soilSensor3", "humidity": 35}"#));
    assert!(!fires(r#"{"name": "soilSensor3"}"#));
    assert!(!fires(r#"{"name": "soilSensor3", "humidity": null}"#));
    assert!(!fires(r#"{"humidity": "wet"}"#));
    assert!(!fires("not json"));
}

#[test]
fn alert_listens_only_to_device_payload_topics() {
    let rule = stmt(ALERT, V1);
    assert_eq!(rule.topic_filter(), "device/+/devicePayload");
    assert!(rule.matches_topic(TOPIC));
    assert!(!rule.matches_topic("device/soilSensor3/other"));
    assert!(!rule.matches_topic("device/a/b/devicePayload"));
    assert_eq!(
        run_on(ALERT, V1, "device/soilSensor3/status", PAYLOAD),
        None
    );
}

fn seed_message(payload: &str) -> Message<'_> {
    Message {
        topic: TOPIC,
        payload: payload.as_bytes(),
        client_id: Some("soilSensor3"),
        principal: None,
        timestamp_ms: 1_598_536_072_677,
        account_id: "123456789012",
        trace_id: None,
    }
}

#[test]
fn archive_key_template_renders_sensor_time_and_uuid() {
    let tpl = match Template::parse("${topic(2)}/${timestamp()}-${newuuid()}.json", V1) {
        Ok(t) => t,
        Err(d) => panic!("{d}"),
    };
    let key = tpl.render(&seed_message(PAYLOAD)).unwrap_or_default();
    let pattern = regex::Regex::new(
        r"^soilSensor3/1598536072677-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json$",
    );
    assert!(pattern.is_ok_and(|p| p.is_match(&key)), "{key}");
    let parts = tpl.render_parts(&seed_message(PAYLOAD)).unwrap_or_default();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[0],
        ("${topic(2)}".to_owned(), "soilSensor3".to_owned())
    );
    assert_eq!(
        parts[1],
        ("${timestamp()}".to_owned(), "1598536072677".to_owned())
    );
    assert_eq!(parts[2].0, "${newuuid()}");
    assert_eq!(parts[2].1.len(), 36);
}

#[test]
fn templates_read_payload_fields() {
    let tpl = Template::parse("alerts/${name}/${humidity}", V1);
    let out = tpl.map(|t| t.render(&seed_message(PAYLOAD)));
    assert_eq!(out, Ok(Ok("alerts/soilSensor3/29".to_owned())));
    // A missing key renders as empty text.
    let tpl = Template::parse("x-${missing}-y", V1);
    let out = tpl.map(|t| t.render(&seed_message(PAYLOAD)));
    assert_eq!(out, Ok(Ok("x--y".to_owned())));
}

#[test]
fn star_with_topic_segment() {
    let out = run_on(
        "SELECT *, topic(2) AS deviceId FROM 'device/+/devicePayload'",
        V1,
        TOPIC,
        PAYLOAD,
    );
    let want = super::j(
        r#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721", "deviceId": "soilSensor3"}"#,
    );
    assert_eq!(out, Some(Output::Json(want)));
}

#[test]
fn output_keys_without_aliases() {
    // A path keeps its last key; other expressions are numbered by position.
    let out = run_on(
        "SELECT name, a.b, list[1], topic(2), humidity + 1 FROM '#'",
        V1,
        TOPIC,
        r#"{"name": "n", "a": {"b": true}, "list": [1, 2], "humidity": 29}"#,
    );
    let want = super::j(r#"{"name": "n", "b": true, "list": 2, "_4": "soilSensor3", "_5": 30}"#);
    assert_eq!(out, Some(Output::Json(want)));
}

#[test]
fn canonical_printing() {
    let rule = stmt(
        "select VALUE -a.b[0] + 2 * (c - d) from 'x/+' where not x != 'it''s' and y = true",
        V2,
    );
    assert_eq!(
        rule.to_string(),
        "SELECT VALUE -a.b[0] + 2 * (c - d) FROM 'x/+' WHERE NOT x <> 'it\\'s' AND y = TRUE"
    );
    let rule = stmt("SELECT value, value.x AS v FROM 'a'", V1);
    assert_eq!(rule.to_string(), "SELECT (value), value.x AS v FROM 'a'");
}

#[test]
fn templates_round_trip_through_display() {
    for text in [
        "${topic(2)}/${timestamp()}-${newuuid()}.json",
        "${topic()}/republish",
        "alerts/${name}/${humidity + 1}",
        "${parse_time('yyyy', timestamp(), 'UTC')}",
        "no substitutions at all",
        "$ and {braces} and ${concat('}', \"${\")}",
    ] {
        let tpl = Template::parse(text, V2);
        let again = tpl.as_ref().map(|t| Template::parse(&t.to_string(), V2));
        assert!(
            matches!((&tpl, &again), (Ok(a), Ok(Ok(b))) if a.to_string() == b.to_string()),
            "{text}"
        );
    }
    let tpl = Template::parse("$ and {braces} and ${concat('}', \"${\")}", V2);
    let out = tpl.map(|t| t.render(&Message::new("a", b"{}")));
    assert_eq!(out, Ok(Ok("$ and {braces} and }${".to_owned())));
}
