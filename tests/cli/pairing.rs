//! Pairing devices with their owners on the local backend: the AWS IoT Device SDK v2 for Python
//! as the sensor (it asks for its pairing code over MQTT, hears of its owner through its shadow
//! and of its jobs through its jobs client), `soilctl pair` as the owner, thing groups for the
//! owners, the device policy's owner-facing topics, and a continuous job on a group that
//! reaches a device paired into it later. Once with the pairing function's own Python code,
//! once with its native equivalent.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

use crate::local::{LocalUp, device_dir, state_dir, wait_until};
use crate::support::{Env, Output, venv_bin};

/// The SDK device of `pairing_device.py`, driven line by line.
struct Device {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Device {
    fn start(env: &Env, up: &LocalUp, thing: &str) -> Device {
        let dir = device_dir(env, thing);
        let mut child = Command::new(venv_bin("python"))
            .arg(crate::support::root().join("tests/peers/pairing_device.py"))
            .args(["localhost", &up.port.to_string()])
            .arg(state_dir(env).join("ca/ca.pem"))
            .arg(dir.join("certificate.pem.crt"))
            .arg(dir.join("private.pem.key"))
            .arg(thing)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting the AWS IoT Device SDK device");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Device {
            child,
            stdin,
            stdout,
        }
    }

    /// Sends one command; the JSON line it printed.
    fn say(&mut self, command: &str) -> Value {
        writeln!(self.stdin, "{command}").expect("the SDK device takes a command");
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the SDK device printed {line:?} for {command}"))
    }

    fn quit(mut self) {
        let _ = writeln!(self.stdin, "quit");
        assert!(
            self.child.wait().unwrap().success(),
            "the SDK device failed"
        );
    }
}

fn soilctl(env: &Env, python: &str, args: &[&str]) -> Output {
    let mut cmd = env.command(args);
    cmd.env("SOILCTL_PYTHON", python);
    crate::local::run(cmd)
}

/// The stack (codes lasting `lifetime`), three devices, two owners' groups, a firmware image.
fn garden(env: &Env, python: &str, lifetime: &str) {
    soilctl(
        env,
        python,
        &[
            "--local",
            "deploy",
            "--email",
            "ops@example.com",
            "--pairing-code-lifetime",
            lifetime,
        ],
    )
    .expect(0);
    env.run(&["--local", "thing", "create", "s1", "s2", "s3"])
        .expect(0);
    for (group, description) in [("garden-a", "Ana's allotment"), ("garden-b", "Ben's")] {
        env.run(&[
            "--local",
            "group",
            "create",
            group,
            "--description",
            description,
        ])
        .expect(0);
    }
}

fn publish_firmware(env: &Env) {
    env.run(&["--local", "signing-key", "create"]).expect(0);
    let file = env.path("image.bin");
    std::fs::write(&file, vec![7u8; 4096]).unwrap();
    env.run(&[
        "--local",
        "firmware",
        "publish",
        file.to_str().unwrap(),
        "--version",
        "2.0.0",
    ])
    .expect(0);
}

fn code_of(answer: &Value) -> String {
    let code = answer["answer"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {answer}"))
        .to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-", "{code}");
    code
}

fn things_in(env: &Env, group: &str) -> Vec<String> {
    let out = env
        .run(&[
            "--local", "--output", "json", "thing", "list", "--group", group,
        ])
        .expect(0)
        .json();
    out["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

fn the_whole_pairing_story(python: &str) {
    let env = Env::new(None);
    garden(&env, python, "10m");
    publish_firmware(&env);
    // A continuous job on garden-a before anyone is in it.
    let job = env
        .run(&[
            "--local",
            "--output",
            "json",
            "job",
            "create",
            "--firmware",
            "2.0.0",
            "--group",
            "garden-a",
            "--continuous",
            "--job-id",
            "garden-a-firmware",
        ])
        .expect(0)
        .json();
    assert_eq!(job["jobId"], "garden-a-firmware", "{job}");

    let up = LocalUp::start_with_vars(&env, &[("SOILCTL_PYTHON", python)]);
    let mut device = Device::start(&env, &up, "s1");

    // The device asks for a code and gets one, for it alone, that lasts the stack's lifetime.
    let answer = device.say("ask");
    let code = code_of(&answer);
    let expires = answer["answer"]["expiresAt"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (now + 590..=now + 601).contains(&expires),
        "{expires} vs {now}: {}",
        up.log()
    );
    // The registry keeps a digest, not the code.
    let shown = env
        .run(&["--local", "--output", "json", "thing", "show", "s1"])
        .expect(0)
        .json();
    assert!(!shown.to_string().contains(&code), "{shown}");
    assert_eq!(
        shown["attributes"]["pairingCode"].as_str().unwrap().len(),
        64,
        "{shown}"
    );

    // Wrong codes, unknown groups and codes that are not codes are refused with one line.
    let wrong = if code.starts_with('0') {
        "1111-1111"
    } else {
        "0000-0000"
    };
    let refused = env
        .run(&["--local", "pair", wrong, "--group", "garden-a"])
        .expect(2);
    assert!(
        refused
            .error_line()
            .contains("no device of stack iot-backend is waiting with code"),
        "{refused:?}"
    );
    let refused = env
        .run(&["--local", "pair", "7KQF-2M9U", "--group", "garden-a"])
        .expect(2);
    assert!(
        refused.error_line().contains("is not in a pairing code"),
        "{refused:?}"
    );
    let refused = env
        .run(&["--local", "pair", &code, "--group", "nobody"])
        .expect(2);
    assert!(
        refused
            .error_line()
            .contains("thing group nobody does not exist"),
        "{refused:?}"
    );

    // The owner types the code as a person would (lower case, no dash).
    let typed = code.replace('-', "").to_lowercase();
    let paired = env
        .run(&[
            "--local", "--output", "json", "pair", &typed, "--group", "garden-a",
        ])
        .expect(0)
        .json();
    assert_eq!(paired["thing"], "s1", "{paired}");
    assert_eq!(paired["group"], "garden-a", "{paired}");
    // The device hears of its owner through its shadow, and gets the group's continuous job.
    assert_eq!(device.say("owner")["owner"], "garden-a");
    assert_eq!(
        device.say("job")["job"],
        "garden-a-firmware",
        "{}",
        up.log()
    );
    // Asking again, it is told its owner instead of a new code.
    let again = device.say("ask");
    assert_eq!(again["answer"], serde_json::json!({"owner": "garden-a"}));
    device.quit();

    // The same code again, for another owner: the device is paired already.
    let refused = env
        .run(&["--local", "pair", &code, "--group", "garden-b"])
        .expect(2);
    assert!(
        refused
            .error_line()
            .contains("s1 is already paired with garden-a"),
        "{refused:?}"
    );

    // Each owner sees only their own devices.
    assert_eq!(things_in(&env, "garden-a"), ["s1"]);
    assert!(things_in(&env, "garden-b").is_empty());
    let shown = env
        .run(&["--local", "--output", "json", "group", "show", "garden-a"])
        .expect(0)
        .json();
    assert_eq!(
        shown["things"],
        serde_json::json!([{"name": "s1", "paired": true}]),
        "{shown}"
    );
    assert_eq!(shown["description"], "Ana's allotment");
    let listed = env
        .run(&["--local", "--output", "json", "group", "list"])
        .expect(0)
        .json();
    assert_eq!(listed[0]["name"], "garden-a", "{listed}");
    assert_eq!(listed[0]["paired"], 1, "{listed}");
    assert_eq!(listed[1]["name"], "garden-b", "{listed}");
    assert_eq!(listed[1]["things"], 0, "{listed}");

    // Owner-facing topics: a paired device may publish in its own owner's garden only, an
    // unpaired one in none.
    let mqtt = up.mqtt(&env);
    let reading = ["-q", "1", "-m", r#"{"humidity":40}"#];
    mqtt.publish(
        &device_dir(&env, "s1"),
        "s1",
        "garden/garden-a/s1/status",
        &reading,
    )
    .expect(0);
    let out = mqtt.publish(
        &device_dir(&env, "s1"),
        "s1",
        "garden/garden-b/s1/status",
        &reading,
    );
    assert_ne!(out.code, 0, "{out:?}");
    let out = mqtt.publish(
        &device_dir(&env, "s2"),
        "s2",
        "garden/garden-a/s2/status",
        &reading,
    );
    assert_ne!(out.code, 0, "{out:?}");

    // Unpairing frees the device for a new owner.
    env.run(&["--local", "unpair", "s1"]).expect(0);
    assert!(things_in(&env, "garden-a").is_empty());
    let refused = env.run(&["--local", "unpair", "s1"]).expect(2);
    assert!(
        refused.error_line().contains("s1 is not paired"),
        "{refused:?}"
    );

    // Teardown takes the groups with everything else.
    let torn = env
        .run(&["--local", "--output", "json", "teardown", "--yes"])
        .expect(0)
        .json();
    assert_eq!(torn["nothingLeft"], true, "{torn}");
    assert!(
        torn["plan"]["groups"].to_string().contains("garden-b"),
        "{torn}"
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn a_device_shows_a_code_its_owner_pairs_and_the_groups_continuous_job_reaches_it() {
    the_whole_pairing_story("none");
}

#[test]
fn the_pairing_functions_own_python_code_pairs_a_device_on_the_local_backend() {
    the_whole_pairing_story(venv_bin("python").to_str().unwrap());
}

#[test]
fn an_expired_code_is_refused_and_a_new_one_pairs() {
    let env = Env::new(None);
    garden(&env, "none", "1s");
    let up = LocalUp::start_with_vars(&env, &[("SOILCTL_PYTHON", "none")]);
    let mut device = Device::start(&env, &up, "s2");
    let old = code_of(&device.say("ask"));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let refused = env
        .run(&["--local", "pair", &old, "--group", "garden-b"])
        .expect(2);
    assert!(refused.error_line().contains("expired at"), "{refused:?}");
    assert!(
        refused.error_line().contains("ask for a new one"),
        "{refused:?}"
    );
    assert!(things_in(&env, "garden-b").is_empty());

    // With codes that last longer (the running backend takes the redeploy), a new code
    // replaces the old one, which no longer finds the device, and pairs it.
    soilctl(
        &env,
        "none",
        &[
            "--local",
            "deploy",
            "--yes",
            "--pairing-code-lifetime",
            "10m",
        ],
    )
    .expect(0);
    let new = wait_until("codes that last 10 minutes", || {
        let answer = device.say("ask");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        (answer["answer"]["expiresAt"].as_u64()? > now + 60).then(|| code_of(&answer))
    })
    .expect("the redeployed lifetime reaches the running backend");
    let refused = env
        .run(&["--local", "pair", &old, "--group", "garden-b"])
        .expect(2);
    assert!(
        refused.error_line().contains("is waiting with code"),
        "{refused:?}"
    );
    env.run(&["--local", "pair", &new, "--group", "garden-b"])
        .expect(0);
    assert_eq!(things_in(&env, "garden-b"), ["s2"]);
    device.quit();
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn simulated_devices_show_their_codes_and_are_paired_by_them() {
    let env = Env::new(None);
    garden(&env, "none", "10m");
    let up = LocalUp::start_with_vars(&env, &[("SOILCTL_PYTHON", "none")]);
    let simulate = || {
        env.run(&[
            "--local",
            "--output",
            "json",
            "simulate",
            "--devices",
            "2",
            "--prefix",
            "s",
            "--count",
            "1",
            "--interval",
            "100ms",
            "--pair",
        ])
        .expect(0)
        .json()
    };
    let first = simulate();
    let shown = first["pairing"].as_array().expect("the codes shown");
    assert_eq!(shown.len(), 2, "{first}");
    assert_eq!(shown[0]["device"], "s1");
    assert_eq!(shown[1]["device"], "s2");
    let code = shown[0]["code"].as_str().unwrap();
    env.run(&["--local", "pair", code, "--group", "garden-a"])
        .expect(0);
    assert_eq!(things_in(&env, "garden-a"), ["s1"]);

    // Next time, the paired device is told its owner; the other shows a new code.
    let second = simulate();
    assert_eq!(second["pairing"][0]["owner"], "garden-a", "{second}");
    let newer = second["pairing"][1]["code"].as_str().unwrap();
    assert_ne!(newer, shown[1]["code"].as_str().unwrap());
    let text = env
        .run(&[
            "--local",
            "simulate",
            "--devices",
            "1",
            "--prefix",
            "s",
            "--count",
            "1",
            "--pair",
        ])
        .expect(0);
    assert!(
        text.stdout.contains("s1 is paired with garden-a"),
        "{text:?}"
    );
    let refused = env
        .run(&[
            "--local",
            "simulate",
            "--devices",
            "1",
            "--pair",
            "--protocol",
            "https",
        ])
        .expect(2);
    assert!(
        refused.error_line().contains("--pair needs MQTT"),
        "{refused:?}"
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
