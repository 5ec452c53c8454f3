#[test]
#[ignore]
fn perf_tmp() {
    use std::hint::black_box;
    use std::time::Instant;
    use crate::iotsql::eval::{Payload, Ctx, eval, is_true};
    let payload = br#"{"name": "soilSensor3", "humidity": 29, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#;
    let topic = "device/soilSensor3/devicePayload";
    let stmt = crate::iotsql::parse("SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35", super::V1).unwrap();
    let msg = crate::iotsql::Message::new(topic, payload);
    let n = 2_000_000;
    let time = |name: &str, f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..n { f(); }
        eprintln!("{name}: {:.0} ns", t.elapsed().as_nanos() as f64 / n as f64);
    };
    for _ in 0..3 {
        time("serde parse", &|| { black_box(serde_json::from_slice::<serde_json::Value>(black_box(payload)).unwrap()); });
        time("Payload::parse", &|| { black_box(Payload::parse(black_box(payload))); });
        time("topic match", &|| { black_box(stmt.matches_topic(black_box(topic))); });
        time("parse+where", &|| {
            let p = Payload::parse(black_box(payload));
            let ctx = Ctx { msg: &msg, version: super::V1, root: p.root(), top_level: true };
            black_box(is_true(&eval(stmt.query().where_clause.as_ref().unwrap(), &ctx).unwrap()));
        });
        time("evaluate", &|| { black_box(stmt.evaluate(black_box(&msg)).unwrap()); });
    }
}
