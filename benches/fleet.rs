//! Benchmark of `soilctl simulate` and `soilctl tail` against the local backend, with peers
//! measured in the same run: Debian's mosquitto as the broker the simulator drives, and
//! `mosquitto_sub` as the subscriber `tail` is compared with.
//!
//! 1. Setup: deploys the built-in template into a fresh state directory, then times
//!    `soilctl thing create --count N` (N things with distinct certificates and keys): what a
//!    user waits for the first time.
//! 2. Tail latency: `soilctl tail --output json bench/latency` against `local up`, while this
//!    program publishes messages at a steady rate with the operator identity (QoS 1), each
//!    carrying the time it was sent; the time each line is read from tail's stdout gives the
//!    end-to-end latency (publish to printed line). The same with `mosquitto_sub` against the
//!    same `local up`.
//! 3. Concurrency and ramp: `simulate` with N devices, one mutual-TLS connection each, against
//!    `local up`, then against mosquitto. The simulator's peak RSS and CPU time are sampled
//!    from /proc every 100 ms, and so is the broker's RSS.
//!    Then the same with no ramp (every device connects at once): the fastest ramp the
//!    simulator and the broker reach together.
//! 4. Sustained publish rate: `simulate` with a few devices publishing as fast as their QoS 1
//!    window allows, against `local up` (its rules archiving every message) and against
//!    mosquitto (broker only).
//!
//! Run with `bash scripts/bench.sh fleet` (release build; raises the open-file limit).
//! Settings: BENCH_SIM_DEVICES (10000), BENCH_SIM_RAMP (1000 connections/s), BENCH_SIM_HOLD
//! (45s, how long the concurrency run lasts), BENCH_SIM_BURST_HOLD (20s, the same with no
//! ramp), BENCH_RATE_DEVICES (200), BENCH_RATE_SECONDS (15), BENCH_TAIL_MESSAGES (10000),
//! BENCH_TAIL_RATE (1000 messages/s), BENCH_DIR (where the state directory goes; the system's
//! temporary folder by default).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::Value;
use soilctl::local::control::Local;
use soilctl::local::state::StateDir;
use soilctl::mqtt::{ConnectOptions, Connection, Endpoint, Event, Identity, QoS, ServerTrust};
use soilctl::template::Template;

/// The stack the benchmark deploys and its things belong to.
const STACK: &str = "bench";
/// Simulated devices are <PREFIX>1 ... <PREFIX>N.
const PREFIX: &str = "sim";
/// A `--ramp` no machine reaches: every device connects at once.
const UNTHROTTLED: u64 = 1_000_000;
/// The topic of the latency measurement.
const LATENCY_TOPIC: &str = "bench/latency";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn env_str(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

/// `soilctl --local --state-dir STATE`, quiet on stderr.
fn soilctl(state: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_soilctl"));
    c.arg("--local")
        .arg("--state-dir")
        .arg(state)
        .arg("-q")
        .env_remove("SOILCTL_DEVICES_DIR")
        .env("NO_COLOR", "1");
    c
}

/// The last lines of a log file, for failure messages.
fn tail_of(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn log_file(path: &Path) -> File {
    File::create(path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()))
}

/// The soft limit on open files of this process (children inherit it).
fn open_file_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3).and_then(|v| v.parse().ok()))
        .unwrap_or(u64::MAX)
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The state letter and utime + stime (clock ticks) from /proc/<pid>/stat.
fn cpu_ticks(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    let state = fields.first()?.chars().next()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((state, utime + stime))
}

/// A process's resources over a run.
#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    peak_rss_kib: u64,
    cpu_seconds: f64,
    /// From the start of sampling to the last sample.
    wall_seconds: f64,
}

impl Usage {
    fn cpu_percent(&self) -> f64 {
        if self.wall_seconds > 0.0 {
            self.cpu_seconds / self.wall_seconds * 100.0
        } else {
            0.0
        }
    }
}

/// Samples a process every 100 ms until it exits or `stop` is called.
struct Sampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Usage>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let ticks_per_second = clock_ticks_per_second();
        let handle = std::thread::spawn(move || {
            let started = Instant::now();
            let first = cpu_ticks(pid).map(|s| s.1).unwrap_or(0);
            let mut usage = Usage::default();
            let mut last_ticks = first;
            loop {
                match cpu_ticks(pid) {
                    // Gone, or exited and not yet reaped: the last sample stands.
                    None => break,
                    Some((state, ticks)) => {
                        last_ticks = last_ticks.max(ticks);
                        if state == 'Z' {
                            break;
                        }
                    }
                }
                if let Some(rss) = rss_kib(pid) {
                    usage.peak_rss_kib = usage.peak_rss_kib.max(rss);
                }
                usage.wall_seconds = started.elapsed().as_secs_f64();
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            usage.cpu_seconds = (last_ticks - first) as f64 / ticks_per_second;
            usage
        });
        Sampler { stop, handle }
    }

    fn finish(self) -> Usage {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap()
    }
}

/// A running `soilctl local up`.
struct LocalUp {
    child: Child,
    port: u16,
    log: PathBuf,
}

/// Starts `local up --port 0` and reads the port it took from `broker.json`.
fn local_up(state: &StateDir, log: &Path) -> LocalUp {
    let mut child = soilctl(state.root())
        .args(["local", "up", "--port", "0"])
        .stdout(Stdio::null())
        .stderr(log_file(log))
        .spawn()
        .expect("starting soilctl local up");
    let started = Instant::now();
    let port = loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("local up exited ({status}):\n{}", tail_of(log));
        }
        let port = std::fs::read_to_string(state.broker_file())
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["port"].as_u64())
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0);
        if let Some(port) = port
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        {
            break port;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "local up wrote no usable {} within 30 s:\n{}",
            state.broker_file().display(),
            tail_of(log)
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    LocalUp {
        child,
        port,
        log: log.to_path_buf(),
    }
}

/// SIGINT, then a clean exit.
fn stop_local_up(mut up: LocalUp) {
    Command::new("kill")
        .args(["-INT", &up.child.id().to_string()])
        .status()
        .unwrap();
    let status = up.child.wait().unwrap();
    assert!(
        status.success(),
        "local up failed ({status}):\n{}",
        tail_of(&up.log)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "port {port} never opened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn find_program(candidates: &[&str], what: &str) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{what} is not installed (looked for {candidates:?}): run `bash scripts/setup-test-tools.sh`")
        })
}

/// Debian's mosquitto with mutual TLS: the local CA for clients, the local broker's server
/// certificate (signed by the same CA) for itself.
fn mosquitto(dir: &Path, local: &Local) -> (Child, u16) {
    let ca_dir = local.state.ca_dir();
    local
        .ca
        .server_identity(&ca_dir)
        .expect("issuing the broker's server certificate");
    let port = free_port();
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\nrequire_certificate true\nuse_identity_as_username true\ncafile {}\ncertfile {}\nkeyfile {}\npersistence false\nuser root\nmax_connections -1\nmax_inflight_messages 0\nmax_queued_messages 0\nlog_type error\n",
            ca_dir.join("ca.pem").display(),
            ca_dir.join(soilctl::local::ca::SERVER_CERT_FILE).display(),
            ca_dir.join(soilctl::local::ca::SERVER_KEY_FILE).display(),
        ),
    )
    .unwrap();
    let bin = find_program(&["/usr/sbin/mosquitto", "/usr/bin/mosquitto"], "mosquitto");
    let child = Command::new(bin)
        .args(["-c", conf.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(log_file(&dir.join("mosquitto.log")))
        .spawn()
        .expect("starting mosquitto");
    wait_port(port);
    (child, port)
}

/// One `simulate` run: its JSON summary and the resources of the simulator and the broker.
struct SimRun {
    summary: Value,
    simulator: Usage,
    broker: Usage,
}

impl SimRun {
    fn u64(&self, key: &str) -> u64 {
        self.summary[key].as_u64().unwrap_or(0)
    }
    fn f64(&self, key: &str) -> f64 {
        self.summary[key].as_f64().unwrap_or(0.0)
    }
    fn all_connected_after(&self) -> Option<f64> {
        self.summary["all_connected_after_seconds"].as_f64()
    }
    /// Devices / seconds until all were connected.
    fn ramp_rate(&self) -> Option<f64> {
        self.all_connected_after()
            .filter(|s| *s > 0.0)
            .map(|s| self.u64("devices") as f64 / s)
    }
    fn acknowledged_per_second(&self) -> f64 {
        let s = self.f64("seconds");
        if s > 0.0 {
            self.u64("acknowledged") as f64 / s
        } else {
            0.0
        }
    }
    fn failed(&self) -> usize {
        self.summary["failed"].as_array().map_or(0, |a| a.len())
    }
    fn first_failure(&self) -> String {
        self.summary["failed"]
            .as_array()
            .and_then(|a| a.first())
            .map(|f| format!("{}: {}", f["device"], f["error"]))
            .unwrap_or_default()
    }
}

/// Runs `simulate` with `args` to the end, sampling it and the broker (`broker_pid`).
fn simulate(state: &Path, args: &[String], broker_pid: u32, log: &Path) -> SimRun {
    let broker = Sampler::start(broker_pid);
    let child = soilctl(state)
        .args(["--output", "json", "simulate"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(log_file(log))
        .spawn()
        .expect("starting soilctl simulate");
    let simulator = Sampler::start(child.id());
    let out = child.wait_with_output().unwrap();
    let simulator = simulator.finish();
    let broker = broker.finish();
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "simulate {args:?} exited ({}) without a JSON summary ({e}); stdout: {}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            tail_of(log)
        )
    });
    let run = SimRun {
        summary,
        simulator,
        broker,
    };
    if run.failed() > 0 || !out.status.success() {
        eprintln!(
            "  simulate exited with {}: {} device(s) failed{}",
            out.status,
            run.failed(),
            if run.failed() > 0 {
                format!(" (first: {})", run.first_failure())
            } else {
                String::new()
            }
        );
    }
    eprintln!(
        "  {}",
        serde_json::json!({
            "devices": run.summary["devices"],
            "peak_connected": run.summary["peak_connected"],
            "all_connected_after_seconds": run.summary["all_connected_after_seconds"],
            "sent": run.summary["sent"],
            "acknowledged": run.summary["acknowledged"],
            "errors": run.summary["errors"],
            "disconnects": run.summary["disconnects"],
            "reconnects": run.summary["reconnects"],
            "seconds": run.summary["seconds"],
            "messages_per_second": run.summary["messages_per_second"],
            "failed": run.failed(),
        })
    );
    run
}

/// Latencies of one subscriber, in microseconds, and what it missed.
struct Latency {
    /// Sorted.
    micros: Vec<u64>,
    published: u64,
}

impl Latency {
    fn percentile_ms(&self, q: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        let i = ((self.micros.len() - 1) as f64 * q).round() as usize;
        self.micros[i] as f64 / 1000.0
    }
    fn missing(&self) -> u64 {
        self.published.saturating_sub(self.micros.len() as u64)
    }
}

/// The message fields from one output line: tail's `{"topic","payload",...}` or
/// mosquitto_sub's bare payload.
fn sent_micros(line: &str) -> Option<(u64, u64)> {
    let v: Value = serde_json::from_str(line).ok()?;
    let payload = if v.get("payload").is_some() {
        &v["payload"]
    } else {
        &v
    };
    Some((payload["seq"].as_u64()?, payload["sent_us"].as_u64()?))
}

/// Starts `subscriber` (which prints one line per message on stdout), publishes warm-up
/// messages until it prints, then `count` messages at `rate` per second, and measures the
/// time from each publish to its line.
fn latency(
    rt: &tokio::runtime::Runtime,
    mut subscriber: Command,
    endpoint: &Endpoint,
    count: u64,
    rate: u64,
    log: &Path,
) -> Latency {
    let mut child = subscriber
        .stdout(Stdio::piped())
        .stderr(log_file(log))
        .spawn()
        .expect("starting the subscriber");
    let stdout = child.stdout.take().unwrap();
    let lines_seen = Arc::new(AtomicU64::new(0));
    let arrivals: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
    let reader = {
        let lines_seen = lines_seen.clone();
        let arrivals = arrivals.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let arrived = unix_micros();
                lines_seen.fetch_add(1, Ordering::Relaxed);
                if let Some((seq, sent)) = sent_micros(&line) {
                    arrivals
                        .lock()
                        .unwrap()
                        .push((seq, arrived.saturating_sub(sent)));
                }
            }
        })
    };

    let published = rt.block_on(async {
        let options = ConnectOptions::new(format!("bench-latency-{}", std::process::id()));
        let mut conn = Connection::connect(endpoint, &options)
            .await
            .expect("connecting the latency publisher");
        // Warm-up: until the subscriber prints a line, it is not (yet) subscribed.
        let started = Instant::now();
        let mut warmups = 0u64;
        while lines_seen.load(Ordering::Relaxed) == 0 {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the subscriber exited ({status}):\n{}", tail_of(log));
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the subscriber printed nothing within 30 s of warm-up messages:\n{}",
                tail_of(log)
            );
            let body = format!(r#"{{"warmup":{warmups}}}"#);
            conn.publish(LATENCY_TOPIC, Bytes::from(body), QoS::AtLeastOnce, false)
                .await
                .expect("publishing a warm-up message");
            warmups += 1;
            drain(
                &mut conn,
                tokio::time::Instant::now() + Duration::from_millis(100),
            )
            .await;
        }
        drain(
            &mut conn,
            tokio::time::Instant::now() + Duration::from_millis(500),
        )
        .await;

        let period = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
        let t0 = tokio::time::Instant::now();
        for seq in 0..count {
            drain(&mut conn, t0 + period.mul_f64(seq as f64)).await;
            let body = format!(r#"{{"seq":{seq},"sent_us":{}}}"#, unix_micros());
            conn.publish(LATENCY_TOPIC, Bytes::from(body), QoS::AtLeastOnce, false)
                .await
                .expect("publishing a latency message");
        }
        drain(
            &mut conn,
            tokio::time::Instant::now() + Duration::from_millis(500),
        )
        .await;
        count
    });

    // Until every message has arrived, or 10 s without progress.
    let mut last = (Instant::now(), 0usize);
    loop {
        let n = arrivals.lock().unwrap().len();
        if n as u64 >= count {
            break;
        }
        if n != last.1 {
            last = (Instant::now(), n);
        } else if last.0.elapsed() > Duration::from_secs(10) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let _ = child.wait();
    reader.join().unwrap();
    let arrivals = std::mem::take(&mut *arrivals.lock().unwrap());
    let mut seen = std::collections::HashSet::new();
    let mut micros: Vec<u64> = arrivals
        .into_iter()
        .filter(|(seq, _)| seen.insert(*seq))
        .map(|(_, us)| us)
        .collect();
    micros.sort_unstable();
    Latency { micros, published }
}

/// Reads acknowledgements (and anything else) until `until`.
async fn drain(conn: &mut Connection, until: tokio::time::Instant) {
    loop {
        match tokio::time::timeout_at(until, conn.next_event()).await {
            Err(_) => return,
            Ok(Ok(Event::PubAck(_) | Event::Message(_))) => {}
            Ok(Err(e)) => panic!("the latency publisher's connection failed: {e}"),
        }
    }
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b != 0.0 {
        format!("{:.2}", a / b)
    } else {
        "-".into()
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "never".into(), |v| format!("{v:.digits$}"))
}

fn main() {
    // `cargo bench` passes --bench; this program takes no arguments of its own.
    let devices = env_or("BENCH_SIM_DEVICES", 10_000);
    let ramp = env_or("BENCH_SIM_RAMP", 1000);
    let hold = env_str("BENCH_SIM_HOLD", "45s");
    let burst_hold = env_str("BENCH_SIM_BURST_HOLD", "20s");
    let rate_devices = env_or("BENCH_RATE_DEVICES", 200).min(devices);
    let rate_seconds = env_or("BENCH_RATE_SECONDS", 15);
    let tail_messages = env_or("BENCH_TAIL_MESSAGES", 10_000);
    let tail_rate = env_or("BENCH_TAIL_RATE", 1000);

    // Fail now rather than half-way: the peers must be there and every device is a file
    // descriptor in the simulator and in the broker.
    find_program(&["/usr/sbin/mosquitto", "/usr/bin/mosquitto"], "mosquitto");
    let mosquitto_sub = find_program(
        &["/usr/bin/mosquitto_sub", "/usr/local/bin/mosquitto_sub"],
        "mosquitto_sub",
    );
    let limit = open_file_limit();
    assert!(
        limit >= devices + 1024,
        "the open-file limit ({limit}) is too low for {devices} devices: raise it (`ulimit -n $(ulimit -Hn)`) or run `bash scripts/bench.sh fleet`"
    );

    let tmp = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let state = StateDir::new(tmp.path().join("state"));
    let devices_dir = tmp.path().join("devices");
    let local = Local::open(&state).unwrap();
    let template = Template::builtin().unwrap();
    let params = [
        ("AlertEmail".to_string(), "ops@example.com".to_string()),
        ("HumidityThreshold".to_string(), "35".to_string()),
    ]
    .into_iter()
    .collect();
    let plan = local.plan(&template, STACK, &params).unwrap();
    local.apply(&template, STACK, &params, &plan).unwrap();
    let ca = state.ca_dir().join("ca.pem");
    let operator = state.operator_dir();

    // 1. The things, with distinct certificates.
    eprintln!("creating {devices} things with `thing create`");
    let started = Instant::now();
    let out = soilctl(state.root())
        .args(["thing", "create", "--stack-name", STACK, "--prefix", PREFIX])
        .args(["--count", &devices.to_string()])
        .arg("--devices-dir")
        .arg(&devices_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let create_secs = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "thing create failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let up = local_up(&state, &logs.join("local-up.log"));
    let up_idle_rss = rss_kib(up.child.id()).unwrap_or(0);

    // 2. Latency from publish to printed line: tail, then mosquitto_sub, same backend.
    let endpoint = Endpoint::Mtls {
        host: "localhost".into(),
        port: up.port,
        trust: ServerTrust::from_pem_file(&ca).expect("reading the local CA"),
        identity: Arc::new(
            Identity::from_pem_files(
                &operator.join(soilctl::pki::CERTIFICATE_FILE),
                &operator.join(soilctl::pki::PRIVATE_KEY_FILE),
            )
            .expect("reading the operator identity"),
        ),
        alpn: None,
    };
    eprintln!("tail: {tail_messages} messages at {tail_rate}/s");
    let mut tail = soilctl(state.root());
    tail.args(["--output", "json", "tail", LATENCY_TOPIC]);
    let tail_latency = latency(
        &rt,
        tail,
        &endpoint,
        tail_messages,
        tail_rate,
        &logs.join("tail.log"),
    );
    eprintln!("mosquitto_sub: {tail_messages} messages at {tail_rate}/s");
    let mut sub = Command::new(&mosquitto_sub);
    sub.args(["-h", "localhost", "-p", &up.port.to_string(), "-q", "1"])
        .args(["-t", LATENCY_TOPIC, "-i"])
        .arg(format!("bench-sub-{}", std::process::id()))
        .arg("--cafile")
        .arg(&ca)
        .arg("--cert")
        .arg(operator.join(soilctl::pki::CERTIFICATE_FILE))
        .arg("--key")
        .arg(operator.join(soilctl::pki::PRIVATE_KEY_FILE));
    let sub_latency = latency(
        &rt,
        sub,
        &endpoint,
        tail_messages,
        tail_rate,
        &logs.join("mosquitto_sub.log"),
    );

    // 3. Concurrency and ramp.
    let args = |devices: u64, interval: &str, duration: &str, ramp: u64, extra: &[String]| {
        let mut args: Vec<String> = [
            "--stack-name",
            STACK,
            "--prefix",
            PREFIX,
            "--devices",
            &devices.to_string(),
            "--interval",
            interval,
            "--duration",
            duration,
            "--qos",
            "1",
            "--ramp",
            &ramp.to_string(),
            "--seed",
            "7",
            "--devices-dir",
            devices_dir.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend_from_slice(extra);
        args
    };
    let hold_args = |extra: &[String]| args(devices, "60s", &hold, ramp, extra);
    let burst_args = |extra: &[String]| args(devices, "60s", &burst_hold, UNTHROTTLED, extra);
    let rate_args = |extra: &[String]| {
        let duration = format!("{rate_seconds}s");
        args(rate_devices, "1ms", &duration, ramp, extra)
    };

    eprintln!("simulate: {devices} devices against local up, ramp {ramp}/s, for {hold}");
    let hold_local = simulate(
        state.root(),
        &hold_args(&[]),
        up.child.id(),
        &logs.join("simulate-hold-local.log"),
    );
    eprintln!("simulate: {devices} devices against local up, ramp unthrottled, for {burst_hold}");
    let burst_local = simulate(
        state.root(),
        &burst_args(&[]),
        up.child.id(),
        &logs.join("simulate-burst-local.log"),
    );
    // 4. Sustained publish rate.
    eprintln!(
        "simulate: {rate_devices} devices publishing as fast as they can against local up for {rate_seconds}s"
    );
    let rate_local = simulate(
        state.root(),
        &rate_args(&[]),
        up.child.id(),
        &logs.join("simulate-rate-local.log"),
    );
    stop_local_up(up);

    // The peer broker: mosquitto, with local up stopped so that it does not compete.
    let (mut mosq, mosq_port) = mosquitto(tmp.path(), &local);
    let mosq_idle_rss = rss_kib(mosq.id()).unwrap_or(0);
    let target = [
        "--mqtt-endpoint".to_string(),
        format!("localhost:{mosq_port}"),
        "--mqtt-ca".to_string(),
        ca.to_str().unwrap().to_string(),
    ];
    eprintln!("simulate: {devices} devices against mosquitto, ramp {ramp}/s, for {hold}");
    let hold_mosq = simulate(
        state.root(),
        &hold_args(&target),
        mosq.id(),
        &logs.join("simulate-hold-mosquitto.log"),
    );
    eprintln!("simulate: {devices} devices against mosquitto, ramp unthrottled, for {burst_hold}");
    let burst_mosq = simulate(
        state.root(),
        &burst_args(&target),
        mosq.id(),
        &logs.join("simulate-burst-mosquitto.log"),
    );
    eprintln!(
        "simulate: {rate_devices} devices publishing as fast as they can against mosquitto for {rate_seconds}s"
    );
    let rate_mosq = simulate(
        state.root(),
        &rate_args(&target),
        mosq.id(),
        &logs.join("simulate-rate-mosquitto.log"),
    );
    let _ = mosq.kill();
    let _ = mosq.wait();

    println!();
    println!(
        "simulate and tail ({devices} devices with distinct certificates; peers: mosquitto, mosquitto_sub)"
    );
    let row = |name: &str, value: String| println!("{name:<66} {value:>14}");
    row("measure", "value".into());
    row(
        &format!("thing create --count {devices}: seconds"),
        format!("{create_secs:.1}"),
    );
    row(
        "thing create: things per second",
        format!("{:.0}", devices as f64 / create_secs),
    );

    let n = devices as f64;
    for (label, run) in [("local up", &hold_local), ("mosquitto", &hold_mosq)] {
        row(
            &format!("[{label}] peak connected devices (of {devices})"),
            run.u64("peak_connected").to_string(),
        );
        row(
            &format!("[{label}] all connected after (s)"),
            opt(run.all_connected_after(), 2),
        );
        row(
            &format!("[{label}] ramp rate, devices/s (requested {ramp})"),
            opt(run.ramp_rate(), 0),
        );
        row(
            &format!("[{label}] devices failed / connection errors / disconnects"),
            format!(
                "{} / {} / {}",
                run.failed(),
                run.u64("errors"),
                run.u64("disconnects")
            ),
        );
        row(
            &format!("[{label}] simulator peak RSS (KiB)"),
            run.simulator.peak_rss_kib.to_string(),
        );
        row(
            &format!("[{label}] simulator RSS per device (KiB)"),
            format!("{:.1}", run.simulator.peak_rss_kib as f64 / n),
        );
        row(
            &format!(
                "[{label}] simulator CPU seconds over {:.0} s",
                run.simulator.wall_seconds
            ),
            format!("{:.1}", run.simulator.cpu_seconds),
        );
        row(
            &format!("[{label}] simulator average CPU %"),
            format!("{:.0}", run.simulator.cpu_percent()),
        );
        row(
            &format!("[{label}] broker peak RSS (KiB)"),
            run.broker.peak_rss_kib.to_string(),
        );
    }
    row("local up RSS idle (KiB)", up_idle_rss.to_string());
    row("mosquitto RSS idle (KiB)", mosq_idle_rss.to_string());
    let ramp_local = hold_local.ramp_rate().unwrap_or(f64::NAN);
    let ramp_mosq = hold_mosq.ramp_rate().unwrap_or(f64::NAN);
    row(
        &format!("ratio ramp rate at --ramp {ramp}, local up / mosquitto"),
        ratio(ramp_local, ramp_mosq),
    );
    row(
        "ratio simulator peak RSS, local up / mosquitto",
        ratio(
            hold_local.simulator.peak_rss_kib as f64,
            hold_mosq.simulator.peak_rss_kib as f64,
        ),
    );
    row(
        "ratio simulator CPU seconds, local up / mosquitto",
        ratio(
            hold_local.simulator.cpu_seconds,
            hold_mosq.simulator.cpu_seconds,
        ),
    );
    row(
        "ratio broker peak RSS, local up / mosquitto",
        ratio(
            hold_local.broker.peak_rss_kib as f64,
            hold_mosq.broker.peak_rss_kib as f64,
        ),
    );

    for (label, run) in [("local up", &burst_local), ("mosquitto", &burst_mosq)] {
        row(
            &format!("[{label}] unthrottled ramp: peak connected (of {devices})"),
            run.u64("peak_connected").to_string(),
        );
        row(
            &format!("[{label}] unthrottled ramp: all connected after (s)"),
            opt(run.all_connected_after(), 2),
        );
        row(
            &format!("[{label}] unthrottled ramp: devices/s"),
            opt(run.ramp_rate(), 0),
        );
        row(
            &format!("[{label}] unthrottled ramp: failed / errors / reconnects"),
            format!(
                "{} / {} / {}",
                run.failed(),
                run.u64("errors"),
                run.u64("reconnects")
            ),
        );
        row(
            &format!("[{label}] unthrottled ramp: simulator peak RSS (KiB)"),
            run.simulator.peak_rss_kib.to_string(),
        );
        row(
            &format!("[{label}] unthrottled ramp: simulator CPU seconds"),
            format!("{:.1}", run.simulator.cpu_seconds),
        );
    }
    row(
        "ratio unthrottled ramp rate, local up / mosquitto",
        ratio(
            burst_local.ramp_rate().unwrap_or(f64::NAN),
            burst_mosq.ramp_rate().unwrap_or(f64::NAN),
        ),
    );

    for (label, run) in [("local up", &rate_local), ("mosquitto", &rate_mosq)] {
        row(
            &format!("[{label}] {rate_devices} devices, acknowledged msg/s"),
            format!("{:.0}", run.acknowledged_per_second()),
        );
        row(
            &format!("[{label}] sent / acknowledged"),
            format!("{} / {}", run.u64("sent"), run.u64("acknowledged")),
        );
        row(
            &format!("[{label}] devices failed / errors / disconnects"),
            format!(
                "{} / {} / {}",
                run.failed(),
                run.u64("errors"),
                run.u64("disconnects")
            ),
        );
        row(
            &format!("[{label}] simulator average CPU %"),
            format!("{:.0}", run.simulator.cpu_percent()),
        );
        row(
            &format!("[{label}] simulator peak RSS (KiB)"),
            run.simulator.peak_rss_kib.to_string(),
        );
        row(
            &format!("[{label}] broker peak RSS (KiB)"),
            run.broker.peak_rss_kib.to_string(),
        );
    }
    row(
        "ratio acknowledged msg/s, local up / mosquitto",
        ratio(
            rate_local.acknowledged_per_second(),
            rate_mosq.acknowledged_per_second(),
        ),
    );

    for (label, l) in [("tail", &tail_latency), ("mosquitto_sub", &sub_latency)] {
        row(
            &format!("[{label}] latency p50 (ms), {tail_rate} msg/s"),
            format!("{:.2}", l.percentile_ms(0.5)),
        );
        row(
            &format!("[{label}] latency p99 (ms)"),
            format!("{:.2}", l.percentile_ms(0.99)),
        );
        row(
            &format!("[{label}] latency max (ms)"),
            format!("{:.2}", l.percentile_ms(1.0)),
        );
        row(
            &format!("[{label}] messages missing (of {})", l.published),
            l.missing().to_string(),
        );
    }
    row(
        "ratio latency p50, tail / mosquitto_sub",
        ratio(
            tail_latency.percentile_ms(0.5),
            sub_latency.percentile_ms(0.5),
        ),
    );
    row(
        "ratio latency p99, tail / mosquitto_sub",
        ratio(
            tail_latency.percentile_ms(0.99),
            sub_latency.percentile_ms(0.99),
        ),
    );
}
