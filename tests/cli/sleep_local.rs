//! `simulate --sleep` against a running `local up`: a shadow update made while the device
//! sleeps is queued by the broker on the device's persistent session, delivered on the next
//! wake (session present) and obeyed; the device reports it and the archive holds exactly its
//! readings (clean disconnects: no last will).

use std::process::Stdio;

use crate::fleet::output_of;
use crate::local::{LocalUp, deployed, objects};
use crate::support::Env;

#[test]
fn a_sleeping_device_obeys_a_shadow_update_sent_while_it_slept() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let sim = env
        .command(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "1",
            "--sleep",
            "3s",
            "--count",
            "3",
            "--seed",
            "4",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first wake is over: the device sleeps, disconnected, on its persistent session.
    up.wait_for_log("soilSensor1 disconnected");
    env.run(&[
        "--local",
        "shadow",
        "update",
        "soilSensor1",
        "--desired",
        r#"{"valve":"open"}"#,
    ])
    .expect(0);

    let out = output_of(sim);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let summary = out.json();
    assert_eq!(summary["wakes"], 3, "{summary}");
    // The second and third wakes found the session the broker kept, with the delta queued.
    assert_eq!(summary["resumed"], 2, "{summary}\n{}", up.log());
    assert_eq!(summary["sent"], 3, "{summary}");
    assert_eq!(summary["acknowledged"], 3, "{summary}");

    let shadow = env
        .run(&[
            "--local",
            "--output",
            "json",
            "shadow",
            "get",
            "soilSensor1",
        ])
        .expect(0)
        .json();
    assert_eq!(shadow["state"]["reported"]["valve"], "open", "{shadow}");
    assert!(shadow["state"].get("delta").is_none(), "{shadow}");

    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    let archived = objects(&bucket);
    assert_eq!(archived.len(), 3, "only the readings: {archived:?}");
}
