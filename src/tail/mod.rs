//! How `tail` shows a message: one line of text (time, topic, payload, readings under the
//! threshold marked) or one JSON object. Pure: no I/O, so every shape is tested here.

use serde_json::{Value, json};

/// A message as `tail` received it.
#[derive(Debug, Clone)]
pub struct Received<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub received_ms: i64,
}

/// How text lines look.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub pretty: bool,
    pub color: bool,
    pub threshold: f64,
}

/// `2026-11-22T07:40:01.123Z`.
pub fn iso_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::iotsql::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// The payload as JSON when it is JSON, else as text (invalid UTF-8 replaced).
pub fn payload_value(payload: &[u8]) -> Value {
    serde_json::from_slice(payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(payload).into_owned()))
}

/// The reading's humidity: a number, or a string holding one ("20" counts as 20, as the
/// rules engine compares it).
pub fn humidity(payload: &Value) -> Option<f64> {
    match payload.get("humidity")? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The device a reading is from: the payload's `name`, else the topic's second level
/// (`device/<name>/devicePayload`).
pub fn device(topic: &str, payload: &Value) -> Option<String> {
    if let Some(name) = payload.get("name").and_then(Value::as_str) {
        return Some(name.to_string());
    }
    let mut levels = topic.split('/');
    match (levels.next(), levels.next()) {
        (Some("device"), Some(name)) if !name.is_empty() => Some(name.to_string()),
        _ => None,
    }
}

/// One JSON object per message: `topic`, `payload` (JSON when it is JSON, else text) and
/// `received_at` (ISO 8601, UTC).
pub fn json_line(m: &Received) -> String {
    json!({
        "topic": m.topic,
        "payload": payload_value(m.payload),
        "received_at": iso_utc(m.received_ms),
    })
    .to_string()
}

/// The text form: time, topic and payload on one line (or the payload indented below with
/// `pretty`); a reading under the threshold is marked (in red with colour).
pub fn text_line(m: &Received, style: Style) -> String {
    let value = payload_value(m.payload);
    // Pretty JSON goes on its own lines below the header, indented.
    let body = match (&value, style.pretty) {
        (Value::String(s), _) => format!("  {s}"),
        (v, true) => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            format!("\n{}", indent(&pretty, "    "))
        }
        (v, false) => format!("  {v}"),
    };
    let under = humidity(&value).filter(|h| *h < style.threshold);
    let time = iso_utc(m.received_ms);
    let (time, topic) = if style.color {
        (
            console::style(time).dim().force_styling(true).to_string(),
            console::style(m.topic)
                .cyan()
                .force_styling(true)
                .to_string(),
        )
    } else {
        (time, m.topic.to_string())
    };
    let mark = match under {
        Some(h) => {
            let mark = format!("humidity {h} under {}", style.threshold);
            if style.color {
                let marked = console::style(format!("▼ {mark}"))
                    .red()
                    .bold()
                    .force_styling(true);
                format!("  {marked}")
            } else {
                format!("  [{mark}]")
            }
        }
        None => String::new(),
    };
    format!("{time}  {topic}{mark}{body}")
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a topic filter as AWS IoT does: levels split by `/`, `+` a whole level, `#` only as
/// the whole last level, at most 256 bytes. The error says what is wrong.
pub fn check_filter(filter: &str) -> Result<(), String> {
    if filter.is_empty() {
        return Err("a topic filter cannot be empty".into());
    }
    if filter.len() > 256 {
        return Err(format!(
            "topic filter {filter:?} is longer than AWS IoT's 256 bytes"
        ));
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
            return Err(format!(
                "topic filter {filter:?}: # must be a whole level and the last one (like device/#)"
            ));
        }
        if level.contains('+') && *level != "+" {
            return Err(format!(
                "topic filter {filter:?}: + must be a whole level (like device/+/devicePayload)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"{"name":"soilSensor3","humidity":29,"timeStampEpoch":1598536072677,"timeStampIso":"2020-08-27T13:47:52.677721"}"#;

    fn msg<'a>(topic: &'a str, payload: &'a str) -> Received<'a> {
        Received {
            topic,
            payload: payload.as_bytes(),
            received_ms: 1_598_536_072_677,
        }
    }

    fn plain(threshold: f64) -> Style {
        Style {
            pretty: false,
            color: false,
            threshold,
        }
    }

    #[test]
    fn times_are_iso_utc_with_milliseconds() {
        assert_eq!(iso_utc(1_598_536_072_677), "2020-08-27T13:47:52.677Z");
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn json_lines_carry_topic_payload_and_time() {
        let line = json_line(&msg("device/soilSensor3/devicePayload", SEED));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["topic"], "device/soilSensor3/devicePayload");
        assert_eq!(v["payload"]["humidity"], 29);
        assert_eq!(v["received_at"], "2020-08-27T13:47:52.677Z");
        assert!(!line.contains('\n'));
        let text = json_line(&msg("t", "not json"));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["payload"], "not json");
    }

    #[test]
    fn readings_under_the_threshold_are_marked() {
        let line = text_line(&msg("device/soilSensor3/devicePayload", SEED), plain(35.0));
        assert!(line.contains("[humidity 29 under 35]"), "{line}");
        assert!(line.ends_with(SEED), "{line}");
        let line = text_line(&msg("device/soilSensor3/devicePayload", SEED), plain(29.0));
        assert!(
            !line.contains("under"),
            "at the threshold is not under: {line}"
        );
        let string = r#"{"name":"a","humidity":"20"}"#;
        assert!(text_line(&msg("t", string), plain(35.0)).contains("under 35"));
    }

    #[test]
    fn pretty_puts_the_payload_below_and_colour_is_optional() {
        let style = Style {
            pretty: true,
            color: false,
            threshold: 10.0,
        };
        let line = text_line(&msg("device/a/devicePayload", SEED), style);
        assert!(
            line.contains("devicePayload\n    {\n      \"name\": \"soilSensor3\""),
            "{line}"
        );
        assert!(!line.contains('\u{1b}'));
        let colored = text_line(
            &msg("device/a/devicePayload", SEED),
            Style {
                color: true,
                ..plain(35.0)
            },
        );
        assert!(colored.contains('\u{1b}'), "{colored:?}");
        assert!(colored.contains("▼ humidity 29 under 35"));
    }

    #[test]
    fn devices_come_from_the_payload_or_the_topic() {
        let v = payload_value(SEED.as_bytes());
        assert_eq!(device("x", &v).as_deref(), Some("soilSensor3"));
        let v = payload_value(br#"{"humidity":3}"#);
        assert_eq!(
            device("device/soilSensor9/devicePayload", &v).as_deref(),
            Some("soilSensor9")
        );
        assert_eq!(device("other/topic", &v), None);
    }

    #[test]
    fn filters_follow_aws_rules() {
        for ok in ["#", "device/+/devicePayload", "device/#", "a/b", "+"] {
            assert!(check_filter(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "device/#/x",
            "device/a#",
            "device/a+/b",
            &"x".repeat(257),
        ] {
            assert!(check_filter(bad).is_err(), "{bad}");
        }
    }
}
