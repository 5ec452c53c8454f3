//! The embedded local backend end to end: `deploy --local` with the real template, devices from
//! `thing create --local`, a running `local up`, and Debian's mosquitto clients as the peers.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Env, Output};

/// The seed's message shape (the reference architecture's example), from device sensor-1.
const SEED_PAYLOAD: &str = r#"{"name":"sensor-1","humidity":29,"timeStampEpoch":1598536072677,"timeStampIso":"2020-08-27T13:47:52.677721"}"#;

/// A mosquitto client program; its absence fails the test (it never skips).
pub(crate) fn mosquitto_tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "{name} is not installed: run `bash scripts/setup-test-tools.sh` (Debian's mosquitto-clients)"
    );
}

/// `soilctl local up` running in the background, its stderr in a file.
pub struct LocalUp {
    child: Option<Child>,
    pub port: u16,
    log: PathBuf,
}

impl LocalUp {
    pub fn start(env: &Env) -> LocalUp {
        LocalUp::start_on(env, 0)
    }

    /// On a given port (0: any free one). The tests reconnect one device quickly, so AWS's
    /// connect throttle (one per second per client id) is off but in its own test.
    pub fn start_on(env: &Env, port: u16) -> LocalUp {
        LocalUp::start_with(env, port, &[], Some("0"))
    }

    /// With more `local up` arguments, and SOILCTL_CONNECT_INTERVAL_MS set to
    /// `connect_interval_ms` (`None`: AWS's default). The log goes on from an earlier run's.
    pub fn start_with(
        env: &Env,
        port: u16,
        extra: &[&str],
        connect_interval_ms: Option<&str>,
    ) -> LocalUp {
        let port = port.to_string();
        let mut args = vec!["--local", "local", "up", "--port", &port, "--api-port", "0"];
        args.extend_from_slice(extra);
        let mut command = env.command(&args);
        if let Some(ms) = connect_interval_ms {
            command.env("SOILCTL_CONNECT_INTERVAL_MS", ms);
        }
        LocalUp::start_command(env, command)
    }

    /// With the connect throttle off and `vars` set in its environment.
    pub fn start_with_vars(env: &Env, vars: &[(&str, &str)]) -> LocalUp {
        let mut cmd = env.command(&["--local", "local", "up", "--port", "0", "--api-port", "0"]);
        cmd.env("SOILCTL_CONNECT_INTERVAL_MS", "0")
            .envs(vars.iter().copied());
        LocalUp::start_command(env, cmd)
    }

    /// `command` (a `local up` made by `env.command`, changed as a test needs), started and
    /// waited for.
    pub fn start_command(env: &Env, mut command: Command) -> LocalUp {
        let log = env.path("local-up.log");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = command
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("starting soilctl local up");
        let broker_file = state_dir(env).join("broker.json");
        let started = Instant::now();
        let mut up = LocalUp {
            child: Some(child),
            port: 0,
            log,
        };
        let pid = u64::from(up.child.as_ref().unwrap().id());
        loop {
            // This process's broker file (one left by a killed run names another pid).
            if let Ok(text) = std::fs::read_to_string(&broker_file)
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
                && v["pid"].as_u64() == Some(pid)
                && let Some(port) = v["port"].as_u64()
            {
                up.port = port as u16;
                return up;
            }
            if let Some(status) = up.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("local up exited with {status}:\n{}", up.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "local up did not start:\n{}",
                up.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// MQTT clients pointed at this backend.
    pub(crate) fn mqtt<'a>(&self, env: &'a Env) -> Mqtt<'a> {
        Mqtt {
            env,
            port: self.port,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log has a line containing `needle`.
    pub fn wait_for_log(&self, needle: &str) -> String {
        wait_until(&format!("a log line with {needle:?}"), || {
            let log = self.log();
            log.lines().find(|l| l.contains(needle)).map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no log line with {needle:?}:\n{}", self.log()))
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill9(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// Ctrl-C, and the exit code with the whole log.
    pub fn stop(mut self) -> (i32, String) {
        let mut child = self.child.take().unwrap();
        let pid = child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let status = child.wait().unwrap();
        (status.code().unwrap_or(-1), self.log())
    }
}

impl Drop for LocalUp {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Polls `f` for up to 20 s (a bound on waiting, not a speed assertion).
pub(crate) fn wait_until<T>(_what: &str, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if started.elapsed() > Duration::from_secs(20) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

pub fn state_dir(env: &Env) -> PathBuf {
    env.dir.path().join(".local/state/soilctl/local")
}

pub(crate) fn device_dir(env: &Env, name: &str) -> PathBuf {
    env.devices().join(name)
}

/// Runs a mosquitto client with a device's (or any) identity.
pub(crate) struct Mqtt<'a> {
    env: &'a Env,
    port: u16,
}

impl Mqtt<'_> {
    pub(crate) fn tls_args(&self, identity: &Path) -> Vec<String> {
        vec![
            "-h".into(),
            "localhost".into(),
            "-p".into(),
            self.port.to_string(),
            "--cafile".into(),
            state_dir(self.env).join("ca/ca.pem").display().to_string(),
            "--cert".into(),
            identity.join("certificate.pem.crt").display().to_string(),
            "--key".into(),
            identity.join("private.pem.key").display().to_string(),
        ]
    }

    pub(crate) fn publish(
        &self,
        identity: &Path,
        client_id: &str,
        topic: &str,
        extra: &[&str],
    ) -> Output {
        let mut cmd = Command::new(mosquitto_tool("mosquitto_pub"));
        cmd.args(self.tls_args(identity))
            .args(["-i", client_id, "-t", topic])
            .args(extra)
            .stdin(Stdio::null());
        run(cmd)
    }

    /// Publishes as device `name` on its own topic, with its own files.
    pub(crate) fn device_publish(&self, name: &str, extra: &[&str]) -> Output {
        self.publish(
            &device_dir(self.env, name),
            name,
            &format!("device/{name}/devicePayload"),
            extra,
        )
    }

    pub(crate) fn subscribe(
        &self,
        identity: &Path,
        client_id: &str,
        topic: &str,
        count: u32,
    ) -> Child {
        let mut cmd = Command::new(mosquitto_tool("mosquitto_sub"));
        cmd.args(self.tls_args(identity))
            .args(["-i", client_id, "-t", topic, "-v", "-q", "1"])
            .args(["-C", &count.to_string(), "-W", "20"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().expect("starting mosquitto_sub")
    }
}

pub(crate) fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("running a mosquitto client");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every object in a bucket folder: (key, body), sorted by key.
pub(crate) fn objects(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if !e.file_name().to_string_lossy().starts_with(".tmp") {
                let key = p.strip_prefix(base).unwrap().display().to_string();
                out.push((key, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

pub(crate) fn alerts(env: &Env) -> Vec<serde_json::Value> {
    std::fs::read_to_string(state_dir(env).join("alerts.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("alerts.jsonl holds JSON lines"))
        .collect()
}

/// Deploys the real template locally and creates devices; returns the bucket folder.
pub(crate) fn deployed(env: &Env, things: &[&str]) -> PathBuf {
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
        ])
        .expect(0);
    let bucket = out.json()["outputs"]["ArchiveBucketName"]
        .as_str()
        .expect("the stack's bucket output")
        .to_string();
    if !things.is_empty() {
        let mut args = vec!["--local", "thing", "create"];
        args.extend_from_slice(things);
        env.run(&args).expect(0);
    }
    state_dir(env).join("buckets").join(bucket)
}

pub(crate) fn wait_objects(bucket: &Path, n: usize) -> Vec<(String, Vec<u8>)> {
    wait_until("objects", || {
        let o = objects(bucket);
        (o.len() >= n).then_some(o)
    })
    .unwrap_or_else(|| panic!("expected {n} objects, have {:?}", objects(bucket)))
}

#[test]
fn devices_publish_and_the_rules_archive_and_alert() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1", "sensor-2"]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let s1 = device_dir(&env, "sensor-1");

    // The operator identity watches everything devices publish.
    let watcher = mqtt.subscribe(
        &state_dir(&env).join("operator"),
        "watcher",
        "device/+/devicePayload",
        4,
    );
    up.wait_for_log("watcher");

    let payloads = [
        SEED_PAYLOAD.to_string(),
        r#"{"name":"sensor-1","humidity":35}"#.to_string(),
        r#"{"name":"sensor-1","humidity":"20"}"#.to_string(),
        r#"{"name":"sensor-1","humidity":50}"#.to_string(),
    ];
    for (i, p) in payloads.iter().enumerate() {
        let version = if i % 2 == 0 { "mqttv311" } else { "mqttv5" };
        mqtt.publish(
            &s1,
            "sensor-1",
            "device/sensor-1/devicePayload",
            &["-q", "1", "-V", version, "-m", p],
        )
        .expect(0);
    }

    // Each message archived under sensor-1/<ms>-<uuid>.json with its exact body.
    let found = wait_objects(&bucket, payloads.len());
    assert_eq!(found.len(), payloads.len(), "{found:?}");
    let key_shape = regex_lite(r"^sensor-1/\d{13}-[0-9a-f-]{36}\.json$");
    for (key, _) in &found {
        assert!(key_shape(key), "unexpected key {key}");
    }
    let mut bodies: Vec<serde_json::Value> = found
        .iter()
        .map(|(_, b)| serde_json::from_slice(b).unwrap())
        .collect();
    let mut sent: Vec<serde_json::Value> = payloads
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    let sort = |v: &mut Vec<serde_json::Value>| v.sort_by_key(|x| x.to_string());
    sort(&mut bodies);
    sort(&mut sent);
    assert_eq!(bodies, sent);
    let seed_body = found
        .iter()
        .find(|(_, b)| b.windows(13).any(|w| w == b"1598536072677"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .unwrap();
    assert_eq!(
        seed_body, SEED_PAYLOAD,
        "the archived body is the message, byte for byte"
    );

    // 29 and "20" are under 35: two alerts; 35 and 50 are not.
    let got = wait_until("alerts", || {
        let a = alerts(&env);
        (a.len() >= 2).then_some(a)
    })
    .unwrap_or_else(|| panic!("expected 2 alerts:\n{}", up.log()));
    std::thread::sleep(Duration::from_millis(300));
    let got_now = alerts(&env);
    assert_eq!(got_now.len(), 2, "{got_now:?}");
    let bodies: Vec<&str> = got.iter().map(|a| a["body"].as_str().unwrap()).collect();
    assert!(
        bodies.contains(&"Humidity 29 under threshold for device name sensor-1"),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&"Humidity 20 under threshold for device name sensor-1"),
        "{bodies:?}"
    );
    for a in &got {
        assert_eq!(a["subject"], "Attention:Humidity Under Threshold");
        assert_eq!(a["recipient"], "ops@example.com");
        assert!(a["time"].as_str().unwrap().ends_with('Z'));
    }

    // local up showed the alerts and the firings.
    up.wait_for_log("alert ");
    let line = up.wait_for_log("Humidity 29 under threshold for device name sensor-1");
    assert!(line.contains("to ops@example.com"), "{line}");
    up.wait_for_log("fired on device/sensor-1/devicePayload");

    // The watcher saw all four.
    let out = watcher.wait_with_output().unwrap();
    let seen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(seen.lines().count(), 4, "{seen}");
    assert!(seen.contains(SEED_PAYLOAD), "{seen}");

    // status --local shows the archive and the alerts.
    let status = env
        .run(&["--local", "--output", "json", "status"])
        .expect(0)
        .json();
    assert_eq!(status["archive"]["objects"], 4);
    assert_eq!(status["alerts"].as_array().unwrap().len(), 2);
    assert_eq!(status["things"].as_array().unwrap().len(), 2);
    assert!(status["broker"]["port"].as_u64().is_some());

    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    // The message count includes the lifecycle events, which reach the rules engine too.
    assert!(log.contains("Stopped cleanly: "), "{log}");
    assert!(
        log.contains("4 object(s) archived, 2 alert(s), 0 action failure(s)"),
        "{log}"
    );
}

/// A tiny matcher for the key shape (digits, uuid) without a regex dependency in tests.
fn regex_lite(_: &str) -> impl Fn(&str) -> bool {
    |key: &str| {
        let Some(rest) = key.strip_prefix("sensor-1/") else {
            return false;
        };
        let Some(rest) = rest.strip_suffix(".json") else {
            return false;
        };
        let Some((ms, uuid)) = rest.split_once('-') else {
            return false;
        };
        ms.len() == 13
            && ms.bytes().all(|b| b.is_ascii_digit())
            && uuid.len() == 36
            && uuid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
    }
}

#[test]
fn a_reconnect_storm_of_one_client_id_is_throttled_as_on_aws() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1", "sensor-2"]);
    let up = LocalUp::start_with(&env, 0, &[], None);
    let mqtt = up.mqtt(&env);
    let msg = ["-q", "1", "-m", r#"{"humidity":50}"#];
    // Eight mosquitto_pub at once with one client id: AWS allows one CONNECT per second.
    let outs: Vec<Output> = std::thread::scope(|scope| {
        let storm: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| mqtt.device_publish("sensor-1", &msg)))
            .collect();
        storm.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let accepted = outs.iter().filter(|o| o.code == 0).count();
    assert!((1..8).contains(&accepted), "{outs:#?}");
    let refused = outs.iter().find(|o| o.code != 0).unwrap();
    assert!(refused.stderr.contains("unavailable"), "{refused:?}");
    up.wait_for_log(
        "(sensor-1) refused: too many connect requests for this client id: the last was accepted ",
    );
    // Another device is not held up, and the throttled one gets in on its next wake.
    mqtt.device_publish("sensor-2", &msg).expect(0);
    std::thread::sleep(Duration::from_millis(1100));
    mqtt.device_publish("sensor-1", &msg).expect(0);
    let archived = wait_until("the archived messages", || {
        let n = objects(&bucket).len();
        (n == accepted + 2).then_some(n)
    });
    assert_eq!(archived, Some(accepted + 2), "{}", up.log());
}

#[test]
fn refusals_are_explained() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1", "sensor-2"]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let s1 = device_dir(&env, "sensor-1");
    let topic = "device/sensor-1/devicePayload";
    let msg = ["-q", "1", "-m", r#"{"humidity":10}"#];

    // No client certificate.
    let mut cmd = Command::new(mosquitto_tool("mosquitto_pub"));
    cmd.args([
        "-h",
        "localhost",
        "-p",
        &up.port.to_string(),
        "--cafile",
        &state_dir(&env).join("ca/ca.pem").display().to_string(),
        "-i",
        "sensor-1",
        "-t",
        topic,
        "-q",
        "1",
        "-m",
        "x",
    ]);
    let out = run(cmd);
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("no client certificate");

    // A certificate from a CA the backend does not know.
    let stranger = env.path("stranger");
    make_foreign_identity(&stranger, "sensor-1");
    let out = mqtt.publish(&stranger, "sensor-1", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("unknown CA");

    // A client id that is not the thing's name.
    let out = mqtt.publish(&s1, "sensor-2", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("not authori"), "{out:?}");
    up.wait_for_log("iot:Connect");

    // A publish to another device's topic: disconnected.
    let out = mqtt.publish(&s1, "sensor-1", "device/sensor-2/devicePayload", &msg);
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("device/sensor-2/devicePayload");

    // A message over 128 KB.
    let big = env.path("big.json");
    let mut f = std::fs::File::create(&big).unwrap();
    write!(f, "{{\"pad\":\"{}\"}}", "x".repeat(140 * 1024)).unwrap();
    drop(f);
    let out = mqtt.publish(
        &s1,
        "sensor-1",
        topic,
        &["-q", "1", "-f", big.to_str().unwrap()],
    );
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("128 KB");

    // An inactive certificate (deactivated by another process while the backend runs).
    let files: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s1.join("device.json")).unwrap()).unwrap();
    let cert_id = files["certificateId"].as_str().unwrap().to_string();
    let registry =
        soilctl::local::registry::Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    registry
        .set_certificate_status(
            &cert_id,
            soilctl::local::registry::CertificateStatus::Inactive,
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let out = mqtt.publish(&s1, "sensor-1", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("INACTIVE");

    // Nothing refused reached the archive; the device's own topic still works for others.
    let s2 = device_dir(&env, "sensor-2");
    mqtt.publish(
        &s2,
        "sensor-2",
        "device/sensor-2/devicePayload",
        &["-q", "1", "-m", "{\"humidity\":80}"],
    )
    .expect(0);
    let found = wait_objects(&bucket, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.starts_with("sensor-2/"), "{found:?}");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

/// A key and certificate from a CA of our own making, which the backend never saw.
fn make_foreign_identity(dir: &Path, cn: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "some other CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("certificate.pem.crt"), cert.pem() + &ca_cert.pem()).unwrap();
    std::fs::write(dir.join("private.pem.key"), key.serialize_pem()).unwrap();
}

#[test]
fn a_redeploy_takes_effect_in_the_running_backend_and_teardown_leaves_nothing() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let s1 = device_dir(&env, "sensor-1");
    let topic = "device/sensor-1/devicePayload";
    let reading = ["-q", "1", "-m", r#"{"name":"sensor-1","humidity":40}"#];

    // 40 is not under the default threshold of 35.
    mqtt.publish(&s1, "sensor-1", topic, &reading).expect(0);
    wait_objects(&bucket, 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(alerts(&env).len(), 0);

    // Raise the threshold to 50 while the backend runs: the same reading now alerts.
    let out = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--threshold",
            "50",
            "--yes",
        ])
        .expect(0)
        .json();
    assert_eq!(out["action"], "update");
    let changed: Vec<&str> = out["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["logicalId"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["AlertRule"]);
    up.wait_for_log("topic rule(s) loaded");
    mqtt.publish(&s1, "sensor-1", topic, &reading).expect(0);
    let got = wait_until("an alert", || {
        let a = alerts(&env);
        (!a.is_empty()).then_some(a)
    })
    .unwrap_or_else(|| panic!("no alert after the redeploy:\n{}", up.log()));
    assert_eq!(
        got[0]["body"],
        "Humidity 40 under threshold for device name sensor-1"
    );
    wait_objects(&bucket, 2);

    // A thing made while the backend runs can connect at once.
    env.run(&["--local", "thing", "create", "sensor-9"])
        .expect(0);
    std::thread::sleep(Duration::from_millis(500));
    mqtt.device_publish("sensor-9", &["-q", "1", "-m", "{\"humidity\":90}"])
        .expect(0);
    wait_objects(&bucket, 3);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");

    // Teardown removes everything and says so.
    let out = env
        .run(&["--local", "--output", "json", "teardown", "--yes"])
        .expect(0)
        .json();
    assert_eq!(out["nothingLeft"], true, "{out}");
    assert_eq!(out["objectsDeleted"], 3);
    assert!(!bucket.exists());
    let registry =
        soilctl::local::registry::Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    assert!(registry.stacks().unwrap().is_empty());
    assert!(registry.things().unwrap().is_empty());
    assert!(registry.topic_rules().unwrap().is_empty());
    // Only the backend's own operator identity remains.
    let certs = registry.certificates().unwrap();
    assert_eq!(certs.len(), 1, "{certs:?}");
    let policies: Vec<String> = registry
        .policies()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(policies, ["soilctl-operator"]);
    assert!(!device_dir(&env, "sensor-1").exists());
    let status = env
        .run(&["--local", "--output", "json", "status"])
        .expect(0)
        .json();
    assert_eq!(status["exists"], false);
}

#[test]
fn deploy_local_names_what_it_cannot_run() {
    let env = Env::new(None);
    let template = env.path("t.yaml");
    crate::support::write(
        &template,
        "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t\n",
    );
    let out = env
        .run(&[
            "--local",
            "deploy",
            "--template",
            template.to_str().unwrap(),
        ])
        .expect(2);
    assert!(out.error_line().contains("Table"), "{}", out.stderr);
    assert!(
        out.error_line().contains("AWS::DynamoDB::Table"),
        "{}",
        out.stderr
    );
    let out = env
        .run(&["--local", "thing", "create", "sensor-1"])
        .expect(1);
    assert!(
        out.error_line().contains("deploy --local"),
        "{}",
        out.stderr
    );
}

#[test]
fn retained_messages_and_last_will_reach_mosquitto_clients() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let operator = state_dir(&env).join("operator");

    // A retained message is kept and handed to a later subscriber, flagged as retained.
    mqtt.publish(
        &operator,
        "op-pub",
        "status/gateway",
        &["-q", "1", "-r", "-m", "online"],
    )
    .expect(0);
    let mut cmd = Command::new(mosquitto_tool("mosquitto_sub"));
    cmd.args(mqtt.tls_args(&operator))
        .args(["-i", "op-sub", "-t", "status/#", "-C", "1", "-W", "10"])
        .args(["-F", "%r %t %p"]);
    let out = run(cmd).expect(0);
    assert_eq!(out.stdout.trim(), "1 status/gateway online");

    // A client that vanishes without DISCONNECT has its will published.
    let watcher = mqtt.subscribe(&operator, "op-watch", "status/will", 1);
    up.wait_for_log("op-watch");
    let mut cmd = Command::new(mosquitto_tool("mosquitto_sub"));
    cmd.args(mqtt.tls_args(&operator))
        .args(["-i", "op-doomed", "-t", "nothing/here", "-V", "mqttv5"])
        .args([
            "--will-topic",
            "status/will",
            "--will-payload",
            "gone",
            "--will-qos",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut doomed = cmd.spawn().unwrap();
    up.wait_for_log("op-doomed connected");
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let out = watcher.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "status/will gone"
    );
    up.stop();
}

#[test]
fn a_failed_action_runs_the_error_action() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1"]);
    // The bucket folder is replaced by a file: the S3 action cannot write.
    std::fs::remove_dir_all(&bucket).unwrap();
    std::fs::write(&bucket, "not a folder").unwrap();
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    mqtt.device_publish(
        "sensor-1",
        &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":80}"#],
    )
    .expect(0);
    up.wait_for_log("action failed");
    let logs = state_dir(&env).join("logs");
    let line = wait_until("an error log line", || {
        std::fs::read_dir(&logs)
            .ok()?
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .find(|t| t.contains("S3Action"))
    })
    .unwrap_or_else(|| panic!("no error action line:\n{}", up.log()));
    let record: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(record["topic"], "device/sensor-1/devicePayload");
    assert_eq!(record["clientId"], "sensor-1");
    assert_eq!(record["failures"][0]["failedAction"], "S3Action");
    let original = record["base64OriginalPayload"].as_str().unwrap();
    assert!(!original.is_empty());
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("1 action failure(s)"), "{log}");
}

#[test]
fn thing_list_show_and_delete_work_locally() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1", "sensor-2"]);
    let list = env
        .run(&["--local", "--output", "json", "thing", "list"])
        .expect(0)
        .json();
    let names: Vec<&str> = list["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sensor-1", "sensor-2"]);
    let show = env
        .run(&["--local", "--output", "json", "thing", "show", "sensor-1"])
        .expect(0)
        .json();
    assert_eq!(show["attributes"]["soilctl-stack"], "iot-backend");
    assert_eq!(show["certificates"][0]["status"], "ACTIVE");
    assert!(
        show["certificates"][0]["policies"][0]
            .as_str()
            .unwrap()
            .starts_with("iot-backend-DevicePolicy-")
    );
    // Creating it again reuses it.
    let again = env
        .run(&["--local", "--output", "json", "thing", "create", "sensor-1"])
        .expect(0)
        .json();
    assert_eq!(again["things"][0]["status"], "reused");
    let deleted = env
        .run(&["--local", "--output", "json", "thing", "delete", "sensor-1"])
        .expect(0)
        .json();
    assert_eq!(deleted["things"][0]["status"], "deleted");
    assert!(!device_dir(&env, "sensor-1").exists());
    let list = env
        .run(&["--local", "--output", "json", "thing", "list"])
        .expect(0)
        .json();
    assert_eq!(list["things"].as_array().unwrap().len(), 1);
    let out = env.run(&["--local", "thing", "show", "sensor-1"]).expect(1);
    assert!(
        out.error_line().contains("does not exist"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_state_dir_that_is_a_file_is_bad_input() {
    let env = Env::new(None);
    let file = env.path("afile");
    crate::support::write(&file, "x");
    let out = env
        .run(&["--local", "--state-dir", file.to_str().unwrap(), "status"])
        .expect(2);
    assert!(
        out.error_line().contains("is not a directory"),
        "{}",
        out.stderr
    );
    assert!(out.error_line().contains("--state-dir"), "{}", out.stderr);
}

#[test]
fn a_rule_deleted_from_the_registry_stops_at_once() {
    let env = Env::new(None);
    let bucket = deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    // What teardown does first: delete the archive rule while the backend runs.
    let registry =
        soilctl::local::registry::Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    let archive_rule = registry
        .topic_rules()
        .unwrap()
        .into_iter()
        .find(|r| r.name.starts_with("ArchiveRule"))
        .unwrap();
    registry.delete_topic_rule(&archive_rule.name).unwrap();
    up.wait_for_log("2 topic rule(s) loaded");
    mqtt.device_publish(
        "sensor-1",
        &["-q", "1", "-m", r#"{"name":"sensor-1","humidity":20}"#],
    )
    .expect(0);
    wait_until("an alert", || (!alerts(&env).is_empty()).then_some(()))
        .unwrap_or_else(|| panic!("the alert rule stopped too:\n{}", up.log()));
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(objects(&bucket).len(), 0, "the deleted rule still archived");
}

#[test]
fn a_flood_of_bad_connections_is_counted_not_printed_line_by_line() {
    use std::io::Write as _;
    let env = Env::new(None);
    deployed(&env, &[]);
    let up = LocalUp::start(&env);
    // Not TLS at all: each one is refused during the handshake.
    let flood = |n: usize| {
        for _ in 0..n {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", up.port)) {
                let _ = s.write_all(b"GET / HTTP/1.0\r\n\r\n");
            }
        }
    };
    flood(400);
    // Lines printed, and lines counted by the summaries (each says how many the second before
    // it left out; the next event, in a new second, brings it).
    let tally = |log: &str| {
        let printed = log.lines().filter(|l| l.contains(" refused: ")).count();
        let counted: usize = log
            .lines()
            .filter(|l| l.contains("more broker event(s) in the last second"))
            .filter_map(|l| l.split_whitespace().find_map(|w| w.parse::<usize>().ok()))
            .sum();
        (printed, counted)
    };
    for _ in 0..30 {
        let (printed, counted) = tally(&up.log());
        if printed + counted >= 400 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1100));
        flood(1);
    }
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    let (printed, counted) = tally(&log);
    assert!(
        counted > 0 && printed < 400,
        "every refusal got its own line:\n{log}"
    );
    // Every refusal was either printed or counted; none went unsaid.
    assert!(
        printed + counted >= 400,
        "{printed} printed, {counted} counted:\n{log}"
    );
}

#[test]
fn a_second_backend_on_one_state_directory_is_refused_and_changes_nothing() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let out = env
        .run(&["--local", "local", "up", "--port", "0", "--api-port", "0"])
        .expect(2);
    assert!(
        out.stderr
            .contains("another `soilctl local up` (or `demo`) is running on the state directory"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    // The first one still serves.
    up.mqtt(&env)
        .device_publish("sensor-1", &["-q", "1", "-m", r#"{"humidity":50}"#])
        .expect(0);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}
