//! The seed's alert rule on the seed's payload, evaluated from raw bytes, against the cost of
//! merely parsing the same payload with serde_json, in the same run.
//!
//! `cargo bench --bench iotsql` prints a table: evaluations per second on one core, parses per
//! second, and the ratio of their costs (goal: at least 1,000,000 evaluations a second and at
//! most 1.5 times the cost of the parse).

use std::hint::black_box;
use std::time::{Duration, Instant};

use soilctl::iotsql::{self, Message, SqlVersion};

const SQL: &str = "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35";
const PAYLOAD: &[u8] =
    br#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#;
const TOPIC: &str = "device/soilSensor3/devicePayload";

/// Best of `rounds` timings of `iterations` calls, in nanoseconds per call.
fn measure(rounds: usize, iterations: u32, mut f: impl FnMut()) -> f64 {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        best = best.min(start.elapsed());
    }
    best.as_nanos() as f64 / iterations as f64
}

fn main() {
    let statement = iotsql::parse(SQL, SqlVersion::V2016_03_23).expect("the seed's rule parses");
    let message = |payload: &'static [u8]| Message {
        topic: TOPIC,
        payload,
        client_id: Some("soilSensor3"),
        principal: None,
        timestamp_ms: 1_598_536_072_677,
        account_id: "123456789012",
        trace_id: None,
    };
    // It must fire, or the benchmark measures the wrong path.
    assert!(
        statement
            .evaluate(&message(PAYLOAD))
            .expect("evaluates")
            .is_some()
    );

    let iterations = 200_000;
    let rounds = 7;
    let parse_ns = measure(rounds, iterations, || {
        let value: serde_json::Value = serde_json::from_slice(black_box(PAYLOAD)).expect("json");
        black_box(value);
    });
    let eval_ns = measure(rounds, iterations, || {
        let out = statement
            .evaluate(black_box(&message(PAYLOAD)))
            .expect("evaluates");
        black_box(out);
    });
    let per_second = 1e9 / eval_ns;
    println!("| measure | ns per call | calls per second |");
    println!("| --- | --- | --- |");
    println!(
        "| serde_json::from_slice of the payload | {parse_ns:.0} | {:.0} |",
        1e9 / parse_ns
    );
    println!("| evaluate the alert rule from raw bytes | {eval_ns:.0} | {per_second:.0} |");
    println!();
    println!(
        "evaluate / parse cost ratio: {:.2} (goal: at most 1.50)",
        eval_ns / parse_ns
    );
    println!("evaluations per second: {per_second:.0} (goal: at least 1000000)");
}
