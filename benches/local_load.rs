//! Load benchmark of the local backend, with Debian's mosquitto as the peer in the same run.
//!
//! 1. Deploys the built-in template into a fresh state directory and makes the devices: one
//!    state directory on disk (the system's temporary folder, or BENCH_DIR) and one in memory
//!    (tmpfs, /dev/shm, when the machine has it; BENCH_MEMORY_DIR=none leaves it out).
//! 2. In each of BENCH_ROUNDS rounds (5), in alternating order:
//!    - for each state directory, starts `soilctl local up` and drives it with many mutual-TLS
//!      publishers at QoS 1 while both rules run (every message archived to a file; readings
//!      under 35 alert). Throughput is end to end: from the first publish until `local up` has
//!      stopped after draining, i.e. every acknowledged message is on disk. Then counts the
//!      archive and the alerts: nothing may be lost, and the alerts must be exactly the readings
//!      under the threshold. The round's archive is then moved aside (on disk) or removed (in
//!      memory), so every round starts from an empty bucket;
//!    - the same load against mosquitto (TLS, client certificates from the same CA), which only
//!      acknowledges (broker-only): the peer figure the goal is stated against.
//!
//!    The table gives each figure's median over the rounds, and the ratios of the medians of
//!    each round's ratio.
//! 3. The ceiling of each file system: plain files created by two threads doing nothing else.
//! 4. `local up` with no rules (broker only), once.
//! 5. Resident memory of `local up` idle and with many connected devices (and of mosquitto).
//!
//! Run with `bash scripts/bench.sh local` (release build; raises the open-file limit).
//! Settings: BENCH_PUBLISHERS (64), BENCH_MESSAGES (200000 per run), BENCH_WINDOW (32 in flight
//! per publisher), BENCH_ROUNDS (5), BENCH_DEVICES (10000 connections for the memory figure),
//! BENCH_DIR (where the disk state directory goes), BENCH_MEMORY_DIR (/dev/shm, or `none`),
//! BENCH_BASELINE (another soilctl binary, an earlier build, also run on the disk site in every
//! round: the before/after figure of a change, in the same run) with BENCH_BASELINE_SCHEMA (the
//! registry schema version it knows, 3 by default).
//!
//! On ext4 without a journal, files deleted in the last 12 hours make creating files slower
//! (the kernel steps over their inodes), so a second run soon after a first one, which deleted
//! its archive, can show a lower disk ceiling: the "file system alone" row shows it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use mqtt_proto::v3::{Connect, Packet, Publish};
use mqtt_proto::{Pid, QosPid, TopicName};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use soilctl::cli::KeyAlgorithm;
use soilctl::local::control::Local;
use soilctl::local::state::StateDir;
use soilctl::template::Template;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Identity {
    client_id: String,
    chain: Vec<CertificateDer<'static>>,
    key_pem: Vec<u8>,
}

fn tls_connector(ca: &Path, id: &Identity) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let key = PrivateKeyDer::from_pem_slice(&id.key_pem).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_client_auth_cert(id.chain.clone(), key)
    .unwrap();
    TlsConnector::from(Arc::new(config))
}

fn identity(dir: &Path, client_id: &str) -> Identity {
    let chain = CertificateDer::pem_file_iter(dir.join("certificate.pem.crt"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    Identity {
        client_id: client_id.to_string(),
        chain,
        key_pem: std::fs::read(dir.join("private.pem.key")).unwrap(),
    }
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// Connects and completes the MQTT CONNECT; returns the stream.
async fn connect(port: u16, ca: &Path, id: &Identity) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    tcp.set_nodelay(true)?;
    let mut tls = tls_connector(ca, id)
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await?;
    let mut connect = Connect::new(id.client_id.as_str().into(), 1200);
    connect.clean_session = true;
    let bytes = Packet::Connect(connect).encode().unwrap();
    tls.write_all(bytes.as_ref()).await?;
    let mut buf = BytesMut::with_capacity(64);
    loop {
        if let Some(packet) = Packet::decode(&buf).map_err(std::io::Error::other)? {
            return match packet {
                Packet::Connack(ack) if ack.code == mqtt_proto::v3::ConnectReturnCode::Accepted => {
                    Ok(tls)
                }
                other => Err(std::io::Error::other(format!("refused: {other:?}"))),
            };
        }
        if tls.read_buf(&mut buf).await? == 0 {
            return Err(std::io::Error::other("closed before CONNACK"));
        }
    }
}

fn payload(client_id: &str, n: u64) -> Bytes {
    // Humidity spread over 0..100: about a third of the readings are under 35 and alert.
    let humidity = (n * 37 + 11) % 100;
    Bytes::from(format!(
        r#"{{"name":"{client_id}","humidity":{humidity},"timeStampEpoch":{},"timeStampIso":"2020-08-27T13:47:52.677721"}}"#,
        1_598_536_072_677u64 + n
    ))
}

/// One publisher: `count` QoS 1 messages, at most `window` unacknowledged.
async fn publish(mut tls: Tls, id: &Identity, count: u64, window: u64, acked: Arc<AtomicU64>) {
    let topic =
        TopicName::try_from(format!("device/{}/devicePayload", id.client_id).as_str()).unwrap();
    let mut sent = 0u64;
    let mut done = 0u64;
    let mut out = BytesMut::with_capacity(64 * 1024);
    let mut inbuf = BytesMut::with_capacity(64 * 1024);
    while done < count {
        out.clear();
        while sent < count && sent - done < window {
            let pid = Pid::try_from((sent % 65535 + 1) as u16).unwrap();
            let p = Publish::new(
                QosPid::Level1(pid),
                topic.clone(),
                payload(&id.client_id, sent),
            );
            out.extend_from_slice(Packet::Publish(p).encode().unwrap().as_ref());
            sent += 1;
        }
        if !out.is_empty() {
            tls.write_all(&out).await.expect("publishing");
            tls.flush().await.expect("publishing");
        }
        let n = tls.read_buf(&mut inbuf).await.expect("reading acks");
        assert!(n > 0, "{}: the broker closed the connection", id.client_id);
        // PUBACK in 3.1.1 is 4 bytes: 0x40 0x02 pid pid.
        let mut used = 0;
        while inbuf.len() - used >= 4 {
            assert_eq!(inbuf[used], 0x40, "unexpected packet from the broker");
            used += 4;
            done += 1;
        }
        let _ = inbuf.split_to(used);
    }
    acked.fetch_add(done, Ordering::Relaxed);
    let _ = tls.write_all(&[0xe0, 0x00]).await;
    let _ = tls.shutdown().await;
}

/// Runs the publishers to completion; returns (acknowledged messages, seconds).
fn load(
    rt: &tokio::runtime::Runtime,
    port: u16,
    ca: &Path,
    ids: &[Identity],
    total: u64,
    window: u64,
) -> (u64, f64) {
    rt.block_on(async {
        let per = total / ids.len() as u64;
        let mut streams = Vec::new();
        for id in ids {
            streams.push(connect(port, ca, id).await.expect("connecting a publisher"));
        }
        let acked = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (tls, id) in streams.into_iter().zip(ids.iter()) {
            let id = Identity {
                client_id: id.client_id.clone(),
                chain: vec![],
                key_pem: vec![],
            };
            let acked = acked.clone();
            tasks.spawn(async move { publish(tls, &id, per, window, acked).await });
        }
        while let Some(r) = tasks.join_next().await {
            r.expect("a publisher failed");
        }
        (
            acked.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64(),
        )
    })
}

/// Opens `n` idle connections and keeps them until dropped.
fn hold_connections(
    rt: &tokio::runtime::Runtime,
    port: u16,
    ca: &Path,
    ids: &[Identity],
) -> Vec<Tls> {
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        let sem = Arc::new(tokio::sync::Semaphore::new(64));
        for (i, id) in ids.iter().enumerate() {
            let ca = ca.to_path_buf();
            let id = Identity {
                client_id: id.client_id.clone(),
                chain: id.chain.clone(),
                key_pem: id.key_pem.clone(),
            };
            let sem = sem.clone();
            set.spawn(async move {
                let _p = sem.acquire().await.unwrap();
                (
                    i,
                    connect(port, &ca, &id).await.expect("connecting a device"),
                )
            });
        }
        let mut held = Vec::new();
        while let Some(r) = set.join_next().await {
            held.push(r.unwrap().1);
        }
        held
    })
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time (user and system, every thread) that process `pid` has used so far, in seconds.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name: utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    ticks as f64 / rustix::param::clock_ticks_per_second() as f64
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

struct LocalUp {
    child: Child,
    port: u16,
}

fn local_up(state: &Path) -> LocalUp {
    local_up_of(Path::new(env!("CARGO_BIN_EXE_soilctl")), state)
}

/// `local up` of another soilctl binary (BENCH_BASELINE).
fn local_up_of(bin: &Path, state: &Path) -> LocalUp {
    let port = free_port();
    let child = Command::new(bin)
        .args(["--local", "-q", "local", "up", "--port", &port.to_string()])
        .env("SOILCTL_STATE_DIR", state)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting soilctl local up");
    wait_port(port);
    LocalUp { child, port }
}

/// SIGINT, and the stderr of a clean shutdown.
fn stop(up: LocalUp) -> String {
    Command::new("kill")
        .args(["-INT", &up.child.id().to_string()])
        .status()
        .unwrap();
    let out = up.child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "local up failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn count_files(dir: &Path) -> u64 {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            n += count_files(&p);
        } else if !e.file_name().to_string_lossy().starts_with(".tmp") {
            n += 1;
        }
    }
    n
}

fn mosquitto(dir: &Path, state: &StateDir) -> (Child, u16) {
    let port = free_port();
    let conf = dir.join("mosquitto.conf");
    let ca_dir = state.ca_dir();
    std::fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\nrequire_certificate true\nuse_identity_as_username true\ncafile {}\ncertfile {}\nkeyfile {}\npersistence false\nuser root\nmax_connections -1\nmax_inflight_messages 0\nmax_queued_messages 0\nlog_type error\n",
            ca_dir.join("ca.pem").display(),
            ca_dir.join("server.pem").display(),
            ca_dir.join("server.key").display(),
        ),
    )
    .unwrap();
    let bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .expect("mosquitto is not installed: run `bash scripts/setup-test-tools.sh`");
    let child = Command::new(bin)
        .args(["-c", conf.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_port(port);
    (child, port)
}

/// Files per second that two threads create (create, write 120 bytes, close) in `folders`
/// folders under `dir`, and the CPU time (user and system) each file took; the folder is
/// removed afterwards.
fn file_ceiling(dir: &Path, folders: u64, total: u64) -> (f64, f64) {
    use std::io::Write;
    for f in 0..folders {
        std::fs::create_dir_all(dir.join(format!("f{f}"))).unwrap();
    }
    let body = [b'x'; 120];
    let cpu_before = cpu_secs(std::process::id());
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..2u64 {
            let dir = dir.to_path_buf();
            s.spawn(move || {
                for i in (t..total).step_by(2) {
                    let path = dir.join(format!("f{}/{i:012}.json", i % folders));
                    let mut f = std::fs::File::create_new(path).unwrap();
                    f.write_all(&body).unwrap();
                }
            });
        }
    });
    let rate = total as f64 / started.elapsed().as_secs_f64();
    let cpu = (cpu_secs(std::process::id()) - cpu_before) * 1e6 / total as f64;
    let _ = std::fs::remove_dir_all(dir);
    (rate, cpu)
}

/// One state directory with the stack deployed and the publishers made.
struct Site {
    label: String,
    state: StateDir,
    local: Local,
    policy: String,
    bucket: std::path::PathBuf,
    ca: std::path::PathBuf,
    devices_dir: std::path::PathBuf,
    ids: Vec<Identity>,
    /// Where each round's archive is moved to (on disk), or `None` (removed: in memory).
    keep: Option<std::path::PathBuf>,
}

fn site(label: &str, root: &Path, publishers: u64, keep_rounds: bool) -> Site {
    let state = StateDir::new(root.join("state"));
    let devices_dir = root.join("devices");
    let local = Local::open(&state).unwrap();
    let template = Template::builtin().unwrap();
    let params = [
        ("AlertEmail".to_string(), "ops@example.com".to_string()),
        ("HumidityThreshold".to_string(), "35".to_string()),
    ]
    .into_iter()
    .collect();
    let plan = local.plan(&template, "bench", &params).unwrap();
    let stack = local.apply(&template, "bench", &params, &plan).unwrap();
    let policy = local.device_policy(&stack).unwrap();
    let bucket = state.bucket(&stack.outputs["ArchiveBucketName"]);
    let ca = state.ca_dir().join("ca.pem");
    eprintln!("{label}: making {publishers} publisher identities");
    let mut ids = Vec::new();
    for i in 0..publishers {
        let name = format!("pub{i}");
        local
            .create_thing(
                "bench",
                &name,
                &policy,
                &devices_dir,
                KeyAlgorithm::EcdsaP256,
            )
            .unwrap();
        ids.push(identity(&devices_dir.join(&name), &name));
    }
    Site {
        label: label.to_string(),
        state,
        local,
        policy,
        bucket,
        ca,
        devices_dir,
        ids,
        keep: keep_rounds.then(|| root.join("rounds")),
    }
}

/// Alerts the bench's payloads give: readings under 35.
fn expected_alerts(publishers: u64, per: u64) -> u64 {
    publishers * (0..per).filter(|n| (n * 37 + 11) % 100 < 35).count() as u64
}

/// One end-to-end run against `site`; returns messages per second and `local up`'s CPU time
/// per message in microseconds. Checks that every
/// acknowledged message was archived and that the alerts are exactly the readings under the
/// threshold, then clears the archive and the alerts for the next round.
/// The baseline binary reads the registry this one made, marked with the schema version it
/// knows: the later versions only add tables it never touches (sessions, retained messages).
fn mark_schema(site: &Site, version: i64) {
    let db = rusqlite::Connection::open(site.state.registry()).unwrap();
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
        [version],
    )
    .unwrap();
}

fn end_to_end(
    rt: &tokio::runtime::Runtime,
    site: &Site,
    total: u64,
    window: u64,
    round: u64,
    baseline: Option<&(std::path::PathBuf, i64)>,
) -> (f64, f64) {
    // What an earlier run wrote is on the disk before this one starts.
    let _ = Command::new("sync").status();
    let up = match baseline {
        Some((bin, schema)) => {
            mark_schema(site, *schema);
            local_up_of(bin, site.state.root())
        }
        None => local_up(site.state.root()),
    };
    eprintln!(
        "round {round}: driving local up ({}): {total} messages",
        site.label
    );
    let started = Instant::now();
    let (acked, _) = load(rt, up.port, &site.ca, &site.ids, total, window);
    // Read before the shutdown: what is left to drain then is a few hundred messages at most.
    let cpu = cpu_secs(up.child.id());
    let _ = stop(up);
    let secs = started.elapsed().as_secs_f64();
    if baseline.is_some() {
        mark_schema(site, soilctl::local::registry::SCHEMA_VERSION);
    }
    let archived = count_files(&site.bucket);
    let alerts = std::fs::read_to_string(site.state.alerts_log())
        .map(|t| t.lines().count() as u64)
        .unwrap_or(0);
    assert_eq!(
        acked, total,
        "{}: not every message was acknowledged",
        site.label
    );
    assert_eq!(
        archived, acked,
        "{}: acknowledged messages were lost",
        site.label
    );
    let publishers = site.ids.len() as u64;
    assert_eq!(
        alerts,
        expected_alerts(publishers, total / publishers),
        "{}: the alerts are not the readings under the threshold",
        site.label
    );
    // Every round starts from an empty bucket and an empty alerts log.
    match &site.keep {
        Some(keep) => {
            std::fs::create_dir_all(keep).unwrap();
            let name = match baseline {
                Some(_) => format!("round{round}-baseline"),
                None => format!("round{round}"),
            };
            std::fs::rename(&site.bucket, keep.join(name)).unwrap();
        }
        None => std::fs::remove_dir_all(&site.bucket).unwrap(),
    }
    std::fs::create_dir_all(&site.bucket).unwrap();
    std::fs::remove_file(site.state.alerts_log()).unwrap();
    (acked as f64 / secs, cpu * 1e6 / acked as f64)
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

fn main() {
    // `cargo bench` passes --bench; this program takes no arguments of its own.
    let publishers = env_or("BENCH_PUBLISHERS", 64);
    let total = env_or("BENCH_MESSAGES", 200_000) / publishers * publishers;
    let window = env_or("BENCH_WINDOW", 32);
    let devices = env_or("BENCH_DEVICES", 10_000);
    let rounds = env_or("BENCH_ROUNDS", 5).max(1);
    // Another soilctl binary (an earlier build) run on the disk site in the same rounds, and the
    // registry schema version it knows.
    let baseline = std::env::var_os("BENCH_BASELINE").map(|bin| {
        let schema = env_or("BENCH_BASELINE_SCHEMA", 3) as i64;
        (std::path::PathBuf::from(bin), schema)
    });

    let disk_tmp = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let memory_dir = match std::env::var("BENCH_MEMORY_DIR") {
        Ok(v) if v == "none" => None,
        Ok(v) => Some(std::path::PathBuf::from(v)),
        Err(_) => Some(std::path::PathBuf::from("/dev/shm")).filter(|d| d.is_dir()),
    };
    let memory_tmp = memory_dir.map(|d| tempfile::tempdir_in(d).unwrap());
    let disk_label = format!("state on disk, {}", disk_tmp.path().display());
    let mut sites = vec![site(&disk_label, disk_tmp.path(), publishers, true)];
    if let Some(tmp) = &memory_tmp {
        let label = format!("state in memory, {}", tmp.path().display());
        sites.push(site(&label, tmp.path(), publishers, false));
    }
    let disk = &sites[0];

    // The connected-devices figure: many things sharing one certificate (AWS IoT allows a
    // certificate to be attached to several things), so that setup stays quick.
    eprintln!("making {devices} idle devices");
    let cert_arn = disk
        .local
        .create_thing(
            "bench",
            "idle0",
            &disk.policy,
            &disk.devices_dir,
            KeyAlgorithm::EcdsaP256,
        )
        .unwrap()
        .certificate_arn;
    let shared = identity(&disk.devices_dir.join("idle0"), "idle0");
    let attributes = [(
        soilctl::stack::MANAGED_ATTRIBUTE.to_string(),
        "bench".to_string(),
    )]
    .into_iter()
    .collect();
    for i in 1..devices {
        let name = format!("idle{i}");
        disk.local
            .registry
            .create_thing(&name, &attributes)
            .unwrap();
        disk.local
            .registry
            .attach_thing_principal(&name, &cert_arn)
            .unwrap();
    }
    let idle_ids: Vec<Identity> = (0..devices)
        .map(|i| Identity {
            client_id: format!("idle{i}"),
            chain: shared.chain.clone(),
            key_pem: shared.key_pem.clone(),
        })
        .collect();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let up = local_up(disk.state.root());
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_kib(up.child.id());
    let _ = stop(up);

    // mosquitto, broker only, same load and the disk site's identities; it runs for every round.
    let (mut mosq, mosq_port) = mosquitto(disk_tmp.path(), &disk.state);
    std::thread::sleep(Duration::from_millis(200));
    let mosq_idle_rss = rss_kib(mosq.id());

    // The rounds, in alternating order so that a drift in the machine's speed is shared.
    let mut ours: Vec<Vec<f64>> = vec![Vec::new(); sites.len()];
    let mut ours_cpu: Vec<Vec<f64>> = vec![Vec::new(); sites.len()];
    let mut theirs = Vec::new();
    let mut theirs_cpu = Vec::new();
    let mut base = Vec::new();
    for round in 1..=rounds {
        let run_ours = |ours: &mut Vec<Vec<f64>>, ours_cpu: &mut Vec<Vec<f64>>| {
            for (i, site) in sites.iter().enumerate() {
                let (rate, cpu) = end_to_end(&rt, site, total, window, round, None);
                ours[i].push(rate);
                ours_cpu[i].push(cpu);
            }
        };
        let run_base = |base: &mut Vec<f64>| {
            if let Some(baseline) = &baseline {
                eprintln!("round {round}: the baseline {}", baseline.0.display());
                let (rate, _) = end_to_end(&rt, &sites[0], total, window, round, Some(baseline));
                base.push(rate);
            }
        };
        let run_theirs = |theirs: &mut Vec<f64>, theirs_cpu: &mut Vec<f64>| {
            eprintln!("round {round}: driving mosquitto with the same load");
            let before = cpu_secs(mosq.id());
            let (acked, secs) = load(&rt, mosq_port, &disk.ca, &disk.ids, total, window);
            assert_eq!(acked, total, "mosquitto did not acknowledge every message");
            theirs.push(acked as f64 / secs);
            theirs_cpu.push((cpu_secs(mosq.id()) - before) * 1e6 / acked as f64);
        };
        // The baseline and this build swap places every round, so that neither always runs
        // while the other's archive is still being written back.
        if round % 2 == 1 {
            run_base(&mut base);
            run_ours(&mut ours, &mut ours_cpu);
            run_theirs(&mut theirs, &mut theirs_cpu);
        } else {
            run_theirs(&mut theirs, &mut theirs_cpu);
            run_ours(&mut ours, &mut ours_cpu);
            run_base(&mut base);
        }
    }

    // Memory with many connected devices, on both brokers.
    let held = hold_connections(&rt, mosq_port, &disk.ca, &idle_ids);
    std::thread::sleep(Duration::from_millis(500));
    let mosq_busy_rss = rss_kib(mosq.id());
    drop(held);
    let _ = mosq.kill();
    let _ = mosq.wait();
    let up = local_up(disk.state.root());
    eprintln!("connecting {devices} devices to local up");
    let held = hold_connections(&rt, up.port, &disk.ca, &idle_ids);
    std::thread::sleep(Duration::from_millis(500));
    let busy_rss = rss_kib(up.child.id());
    drop(held);
    let _ = stop(up);

    // The file systems alone: as many files of the same size created in as many folders, by
    // two threads that do nothing else (plain create and write, not even atomic): the ceiling
    // any archive with one object per message has on that file system.
    let ceilings: Vec<(f64, f64)> = sites
        .iter()
        .map(|site| {
            eprintln!("{}: creating {total} plain files", site.label);
            let dir = site.state.root().parent().unwrap().join("ceiling");
            file_ceiling(&dir, publishers, total)
        })
        .collect();

    // soilctl with no rules deployed: the broker alone, for a like-for-like figure.
    for rule in disk.local.registry.topic_rules().unwrap() {
        disk.local.registry.delete_topic_rule(&rule.name).unwrap();
    }
    let up = local_up(disk.state.root());
    eprintln!("driving local up with no rules (broker only)");
    let (bare_acked, bare_secs) = load(&rt, up.port, &disk.ca, &disk.ids, total, window);
    let _ = stop(up);
    let bare = bare_acked as f64 / bare_secs;

    let theirs_median = median(&theirs);
    println!();
    println!(
        "local backend load ({publishers} mutual-TLS publishers, QoS 1, {window} in flight each, {total} messages per run, {rounds} round(s); median, min, max)"
    );
    let row3 = |name: &str, values: &[f64], digits: usize| {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "{name:<62} {:>10.digits$} {min:>10.digits$} {max:>10.digits$}",
            median(values)
        );
    };
    println!(
        "{:<62} {:>10} {:>10} {:>10}",
        "measure", "median", "min", "max"
    );
    let kinds = ["disk", "memory"];
    let places = ["on disk", "in memory"];
    for (i, place) in places.iter().take(sites.len()).enumerate() {
        row3(
            &format!("soilctl end to end msg/s, state {place}"),
            &ours[i],
            0,
        );
    }
    row3(
        "mosquitto broker-only msg/s (publish to PUBACK)",
        &theirs,
        0,
    );
    for (i, place) in places.iter().take(sites.len()).enumerate() {
        row3(
            &format!("soilctl local up CPU µs per message, state {place}"),
            &ours_cpu[i],
            1,
        );
    }
    row3("mosquitto CPU µs per message (broker only)", &theirs_cpu, 1);
    for (i, kind) in kinds.iter().take(sites.len()).enumerate() {
        let ratios: Vec<f64> = ours[i].iter().zip(&theirs).map(|(a, b)| a / b).collect();
        row3(
            &format!("ratio soilctl end to end ({kind}) / mosquitto broker only"),
            &ratios,
            2,
        );
    }
    if !base.is_empty() {
        row3(
            "baseline (BENCH_BASELINE) end to end msg/s, state on disk",
            &base,
            0,
        );
        let ratios: Vec<f64> = ours[0].iter().zip(&base).map(|(a, b)| a / b).collect();
        row3(
            "ratio soilctl end to end (disk) / baseline (disk)",
            &ratios,
            2,
        );
    }
    let row = |name: &str, value: String| println!("{name:<62} {value:>10}");
    for (i, kind) in kinds.iter().take(sites.len()).enumerate() {
        let (rate, cpu) = ceilings[i];
        row(
            &format!("file system alone ({kind}): plain files created/s, 2 threads"),
            format!("{rate:.0}"),
        );
        row(
            &format!("file system alone ({kind}): CPU µs per file"),
            format!("{cpu:.1}"),
        );
        // What the machine's cores could archive if creating the files were all they did.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        row(
            &format!("most files/s all {cores} cores allow ({kind}), nothing else running"),
            format!("{:.0}", cores * 1e6 / cpu),
        );
        row(
            &format!("ratio soilctl end to end ({kind}) / its file system alone"),
            format!("{:.2}", median(&ours[i]) / rate),
        );
    }
    row(
        "messages lost (acknowledged, not archived), every run",
        "0".to_string(),
    );
    row(
        "alerts per run (exactly the readings under 35)",
        expected_alerts(publishers, total / publishers).to_string(),
    );
    row(
        "soilctl broker-only msg/s (no rules deployed)",
        format!("{bare:.0}"),
    );
    row(
        "ratio soilctl broker only / mosquitto broker only (median)",
        format!("{:.2}", bare / theirs_median),
    );
    row("soilctl local up RSS idle (KiB)", idle_rss.to_string());
    row(
        &format!("soilctl local up RSS with {devices} devices (KiB)"),
        busy_rss.to_string(),
    );
    row("mosquitto RSS idle (KiB)", mosq_idle_rss.to_string());
    row(
        &format!("mosquitto RSS with {devices} devices (KiB)"),
        mosq_busy_rss.to_string(),
    );
    drop(sites);
}
