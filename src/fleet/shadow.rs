//! What a simulated sensor does with its device shadow: it follows the desired state AWS IoT
//! sends it (`reportInterval` in seconds, `valve` "open" or "closed": an open valve waters the
//! soil) and reports what it now does. Pure: the device task does the MQTT.

use std::time::Duration;

use serde_json::{Value, json};

/// The part of a sensor that can be commanded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Control {
    pub interval: Duration,
    pub valve_open: bool,
}

/// Shortest report interval a desired state may ask for.
const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Longest one: a day.
const MAX_INTERVAL: Duration = Duration::from_secs(86_400);

/// The topics a device subscribes to: its classic shadow's deltas and the answer to `get`.
pub fn subscriptions(thing: &str) -> [String; 2] {
    [
        format!("$aws/things/{thing}/shadow/update/delta"),
        format!("$aws/things/{thing}/shadow/get/accepted"),
    ]
}

/// Where a device asks for its shadow after connecting, and where it reports.
pub fn get_topic(thing: &str) -> String {
    format!("$aws/things/{thing}/shadow/get")
}

pub fn update_topic(thing: &str) -> String {
    format!("$aws/things/{thing}/shadow/update")
}

/// The desired values in a shadow message for `thing`: a delta (`state` holds the differences)
/// or the answer to `get` (`state.desired`). Anything else is `None`.
pub fn desired_of(thing: &str, topic: &str, payload: &[u8]) -> Option<Value> {
    let [delta, got] = subscriptions(thing);
    let doc: Value = serde_json::from_slice(payload).ok()?;
    if topic == delta {
        doc.get("state").cloned()
    } else if topic == got {
        doc.pointer("/state/desired").cloned()
    } else {
        None
    }
}

/// `control` with what `desired` asks for applied; keys the sensor does not know, and values
/// it cannot use, are left alone (as a real device would).
pub fn apply(control: Control, desired: &Value) -> Control {
    let mut next = control;
    if let Some(secs) = desired.get("reportInterval").and_then(Value::as_f64)
        && secs.is_finite()
        && secs > 0.0
    {
        next.interval = Duration::from_secs_f64(secs).clamp(MIN_INTERVAL, MAX_INTERVAL);
    }
    match desired.get("valve").and_then(Value::as_str) {
        Some("open") => next.valve_open = true,
        Some("closed") => next.valve_open = false,
        _ => {}
    }
    next
}

/// The shadow update that reports `control`.
pub fn report(control: Control) -> String {
    json!({
        "state": {
            "reported": {
                "reportInterval": control.interval.as_secs_f64(),
                "valve": if control.valve_open { "open" } else { "closed" },
            }
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Control = Control {
        interval: Duration::from_secs(5),
        valve_open: false,
    };

    #[test]
    fn deltas_and_get_answers_carry_the_desired_state() {
        let delta = br#"{"version":3,"timestamp":1,"state":{"valve":"open"},"metadata":{}}"#;
        let got = br#"{"state":{"desired":{"reportInterval":2},"reported":{}},"version":2}"#;
        let [d, g] = subscriptions("s1");
        assert_eq!(desired_of("s1", &d, delta).unwrap()["valve"], "open");
        assert_eq!(desired_of("s1", &g, got).unwrap()["reportInterval"], 2);
        assert!(desired_of("s1", "device/s1/devicePayload", delta).is_none());
        assert!(desired_of("s1", &d, b"not json").is_none());
        assert!(
            desired_of("s2", &d, delta).is_none(),
            "another thing's topic"
        );
    }

    #[test]
    fn desired_values_change_what_the_sensor_does() {
        let c = apply(BASE, &json!({"valve": "open", "reportInterval": 2}));
        assert!(c.valve_open);
        assert_eq!(c.interval, Duration::from_secs(2));
        let c = apply(c, &json!({"valve": "closed"}));
        assert!(!c.valve_open);
        assert_eq!(c.interval, Duration::from_secs(2));
        // What it cannot use changes nothing.
        for odd in [
            json!({"valve": "half"}),
            json!({"reportInterval": -1}),
            json!({"reportInterval": "soon"}),
            json!({"color": "red"}),
        ] {
            assert_eq!(apply(BASE, &odd), BASE, "{odd}");
        }
        assert_eq!(
            apply(BASE, &json!({"reportInterval": 0.001})).interval,
            MIN_INTERVAL
        );
    }

    #[test]
    fn reports_say_what_the_sensor_does() {
        let r: Value = serde_json::from_str(&report(Control {
            interval: Duration::from_millis(1500),
            valve_open: true,
        }))
        .unwrap();
        assert_eq!(r["state"]["reported"]["reportInterval"], 1.5);
        assert_eq!(r["state"]["reported"]["valve"], "open");
        assert!(r["state"].get("desired").is_none());
    }
}
