//! One reading and the JSON document a sensor publishes for it, byte for byte in the
//! reference simulator's shape.

use crate::iotsql::civil_from_days;

/// One humidity reading of one device, as published to `device/<name>/devicePayload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The device (thing) name, e.g. `soilSensor3`.
    pub name: String,
    /// Soil humidity in percent, 0..=100.
    pub humidity: i64,
    /// When the reading was taken, in milliseconds since the Unix epoch.
    pub time_ms: u64,
}

impl Reading {
    /// A reading of a model's humidity, rounded to a whole percent and kept within 0..=100.
    pub fn new(name: impl Into<String>, humidity: f64, time_ms: u64) -> Reading {
        let humidity = if humidity.is_finite() {
            humidity.round().clamp(0.0, 100.0) as i64
        } else {
            0
        };
        Reading {
            name: name.into(),
            humidity,
            time_ms,
        }
    }

    /// The payload, keys in the reference's order:
    /// `{"name":"soilSensor3","humidity":29,"timeStampEpoch":1598536072677,"timeStampIso":"2020-08-27T13:47:52.677000"}`.
    pub fn payload(&self) -> String {
        // A JSON string value's Display is the escaped, quoted string.
        let name = serde_json::Value::from(self.name.as_str());
        format!(
            r#"{{"name":{name},"humidity":{},"timeStampEpoch":{},"timeStampIso":"{}"}}"#,
            self.humidity,
            self.time_ms,
            iso_utc(self.time_ms)
        )
    }
}

/// UTC time as Python's `datetime.isoformat()` prints a naive datetime with microseconds:
/// `2020-08-27T13:47:52.677000` (no zone suffix; always six fraction digits).
pub fn iso_utc(time_ms: u64) -> String {
    const MS_PER_DAY: u64 = 86_400_000;
    // u64::MAX / MS_PER_DAY is far below i64::MAX.
    let days = i64::try_from(time_ms / MS_PER_DAY).unwrap_or(i64::MAX);
    let ms_of_day = time_ms % MS_PER_DAY;
    let (year, month, day) = civil_from_days(days);
    let secs = ms_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        ms_of_day % 1000 * 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_of_the_seed_epoch() {
        assert_eq!(iso_utc(1_598_536_072_677), "2020-08-27T13:47:52.677000");
    }

    #[test]
    fn iso_edges() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000000");
        assert_eq!(iso_utc(951_782_400_000), "2000-02-29T00:00:00.000000");
        assert_eq!(iso_utc(1_709_251_199_999), "2024-02-29T23:59:59.999000");
        assert_eq!(iso_utc(4_102_444_800_001), "2100-01-01T00:00:00.001000");
        // Far future does not panic.
        assert!(!iso_utc(u64::MAX).is_empty());
    }

    #[test]
    fn payload_matches_the_seed_shape() {
        let reading = Reading {
            name: "soilSensor3".to_string(),
            humidity: 29,
            time_ms: 1_598_536_072_677,
        };
        let text = reading.payload();
        assert_eq!(
            text,
            r#"{"name":"soilSensor3","humidity":29,"timeStampEpoch":1598536072677,"timeStampIso":"2020-08-27T13:47:52.677000"}"#
        );

        let parsed: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => panic!("payload is not JSON: {e}"),
        };
        let object = parsed.as_object().expect("payload is an object");
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["name", "humidity", "timeStampEpoch", "timeStampIso"],
            "key order"
        );
        assert_eq!(parsed["name"], "soilSensor3");
        assert_eq!(parsed["humidity"], 29);
        assert!(parsed["humidity"].is_i64());
        assert_eq!(parsed["timeStampEpoch"], 1_598_536_072_677_u64);
        assert_eq!(parsed["timeStampIso"], "2020-08-27T13:47:52.677000");

        // The reference's own sample differs only in the ISO string's sub-millisecond digits.
        let seed: serde_json::Value = serde_json::from_str(
            r#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#,
        )
        .expect("seed sample is JSON");
        for key in ["name", "humidity", "timeStampEpoch"] {
            assert_eq!(parsed[key], seed[key], "{key}");
        }
        let iso = parsed["timeStampIso"].as_str().unwrap_or_default();
        let seed_iso = seed["timeStampIso"].as_str().unwrap_or_default();
        assert_eq!(iso.len(), seed_iso.len());
        assert_eq!(iso[..23], seed_iso[..23]);
    }

    #[test]
    fn payload_escapes_the_name() {
        let reading = Reading::new("a\"b\\c", 40.0, 0);
        let parsed: serde_json::Value =
            serde_json::from_str(&reading.payload()).expect("escaped payload is JSON");
        assert_eq!(parsed["name"], "a\"b\\c");
    }

    #[test]
    fn new_rounds_and_clamps() {
        assert_eq!(Reading::new("s", 34.5, 0).humidity, 35);
        assert_eq!(Reading::new("s", 34.49, 0).humidity, 34);
        assert_eq!(Reading::new("s", -3.0, 0).humidity, 0);
        assert_eq!(Reading::new("s", 140.0, 0).humidity, 100);
        assert_eq!(Reading::new("s", f64::NAN, 0).humidity, 0);
    }
}
