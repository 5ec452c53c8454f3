//! Persistent sessions on `local up` with paho-mqtt as the device (a client we did not write),
//! over MQTT 3.1.1 and 5: a shadow delta sent while the device is away waits for it, the
//! session present flag says whether the session was kept, a restart of `local up` keeps it, a
//! clean start ends it, and it expires after `--session-expiry` (or the MQTT 5 interval).

use std::process::Command;

use serde_json::Value;

use crate::local::{LocalUp, deployed, device_dir, state_dir, wait_until};
use crate::support::{Env, root, venv_bin};

const DELTA: &str = "$aws/things/sensor-1/shadow/update/delta";

/// What one connection of the paho device saw.
#[derive(Debug)]
struct Visit {
    session_present: bool,
    granted: Vec<u64>,
    /// (topic, payload) of each message.
    messages: Vec<(String, Value)>,
}

struct Device<'a> {
    env: &'a Env,
    version: u8,
    /// The MQTT 5 Session Expiry Interval asked for.
    expiry: u32,
}

impl Device<'_> {
    /// Connects (clean or not), subscribes to `filter` if given, collects for `wait` seconds.
    fn visit(&self, up: &LocalUp, clean: bool, wait: f64, filter: Option<&str>) -> Visit {
        let dir = device_dir(self.env, "sensor-1");
        let mut cmd = Command::new(venv_bin("python"));
        cmd.arg(root().join("tests/peers/session_client.py"))
            .arg("localhost")
            .arg(up.port.to_string())
            .arg(state_dir(self.env).join("ca/ca.pem"))
            .arg(dir.join("certificate.pem.crt"))
            .arg(dir.join("private.pem.key"))
            .arg("sensor-1")
            .arg(self.version.to_string())
            .arg(if clean { "1" } else { "0" })
            .arg(self.expiry.to_string())
            .arg(wait.to_string());
        if let Some(filter) = filter {
            cmd.arg(filter);
        }
        let out = cmd.output().expect("running the paho device");
        assert!(
            out.status.success(),
            "the paho device failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            up.log()
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("the paho device's JSON");
        Visit {
            session_present: v["session_present"].as_bool().unwrap(),
            granted: v["granted"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_u64().unwrap())
                .collect(),
            messages: v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let payload = m["payload"].as_str().unwrap();
                    (
                        m["topic"].as_str().unwrap().to_owned(),
                        serde_json::from_str(payload).unwrap_or(Value::Null),
                    )
                })
                .collect(),
        }
    }
}

fn desire(env: &Env, valve: &str) {
    env.run(&[
        "--local",
        "shadow",
        "update",
        "sensor-1",
        "--desired",
        &format!(r#"{{"valve":"{valve}"}}"#),
    ])
    .expect(0);
}

/// The valve each delta in `visit` asks for.
fn valves(visit: &Visit) -> Vec<String> {
    visit
        .messages
        .iter()
        .filter(|(topic, _)| topic == DELTA)
        .map(|(_, delta)| delta["state"]["valve"].as_str().unwrap_or("?").to_owned())
        .collect()
}

#[test]
fn a_paho_device_gets_what_was_sent_while_it_slept_across_a_restart() {
    for version in [3, 5] {
        let env = Env::new(None);
        deployed(&env, &["sensor-1"]);
        let up = LocalUp::start(&env);
        let device = Device {
            env: &env,
            version,
            expiry: 3600,
        };
        let first = device.visit(&up, false, 0.2, Some(DELTA));
        assert!(!first.session_present, "MQTT {version}: {first:?}");
        assert_eq!(first.granted, [1], "MQTT {version}");

        // Sent while the device sleeps: it waits on the session.
        desire(&env, "open");
        let woke = device.visit(&up, false, 1.0, None);
        assert!(woke.session_present, "MQTT {version}: {woke:?}");
        assert_eq!(valves(&woke), ["open"], "MQTT {version}: {woke:?}");
        // Acknowledged: not sent again.
        let again = device.visit(&up, false, 0.5, None);
        assert!(again.session_present);
        assert_eq!(valves(&again), Vec::<String>::new(), "MQTT {version}");

        // A restart of local up in between keeps the session and what waits for it.
        desire(&env, "closed");
        let (code, log) = up.stop();
        assert_eq!(code, 0, "{log}");
        let up = LocalUp::start(&env);
        let after = device.visit(&up, false, 1.0, None);
        assert!(after.session_present, "MQTT {version}: {after:?}");
        assert_eq!(valves(&after), ["closed"], "MQTT {version}: {after:?}");

        // A clean start ends the session. MQTT 3.1.1's clean session keeps nothing after it;
        // MQTT 5's clean start with an expiry begins a new, empty, persistent session.
        let clean = device.visit(&up, true, 0.2, None);
        assert!(!clean.session_present);
        let fresh = device.visit(&up, false, 0.2, None);
        assert_eq!(
            fresh.session_present,
            version == 5,
            "MQTT {version}: {fresh:?}"
        );
        desire(&env, "open");
        let deaf = device.visit(&up, false, 0.5, None);
        assert_eq!(
            valves(&deaf),
            Vec::<String>::new(),
            "no subscription is left"
        );
        let log = up.log();
        assert!(
            log.contains("persistent session resumed, 1 queued"),
            "local up reports the resumed session:\n{log}"
        );
    }
}

#[test]
fn sessions_expire_after_the_expiry_of_local_up_or_of_the_client() {
    // MQTT 3.1.1: the backend's --session-expiry.
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start_with(&env, 0, &["--session-expiry", "2s"], Some("0"));
    let device = Device {
        env: &env,
        version: 3,
        expiry: 0,
    };
    device.visit(&up, false, 0.2, Some(DELTA));
    desire(&env, "open");
    let line = wait_until("the session to expire", || {
        up.log()
            .lines()
            .find(|l| l.contains("sensor-1's persistent session expired"))
            .map(str::to_owned)
    })
    .unwrap_or_else(|| panic!("no expiry line:\n{}", up.log()));
    assert!(line.contains("(1 queued messages discarded)"), "{line}");
    let late = device.visit(&up, false, 0.5, None);
    assert!(!late.session_present, "{late:?}");
    assert_eq!(valves(&late), Vec::<String>::new());
    drop(up);

    // MQTT 5: the client asks for 1 s, under the default hour.
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let device = Device {
        env: &env,
        version: 5,
        expiry: 1,
    };
    device.visit(&up, false, 0.2, Some(DELTA));
    wait_until("the session to expire", || {
        up.log()
            .contains("sensor-1's persistent session expired")
            .then_some(())
    })
    .unwrap_or_else(|| panic!("no expiry line:\n{}", up.log()));
    let late = device.visit(&up, false, 0.2, None);
    assert!(!late.session_present, "{late:?}");
}

#[test]
fn a_session_expiry_outside_one_second_to_seven_days_is_bad_input() {
    let env = Env::new(None);
    for bad in ["0s", "8days", "soon"] {
        let out = env.run(&["--local", "local", "up", "--session-expiry", bad]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(
            out.stderr.contains("--session-expiry"),
            "{bad}: {}",
            out.stderr
        );
    }
}
