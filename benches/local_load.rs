//! Load benchmark of the local backend, with Debian's mosquitto as the peer in the same run.
//!
//! 1. Deploys the built-in template into a fresh state directory and makes the devices.
//! 2. Starts `soilctl local up` and drives it with many mutual-TLS publishers at QoS 1 while
//!    both rules run (every message archived to a file; readings under 35 alert). Throughput is
//!    end to end: from the first publish until `local up` has stopped after draining, i.e.
//!    every acknowledged message is on disk. Then counts the archive: nothing may be lost.
//! 3. The same load against mosquitto (TLS, client certificates from the same CA), which only
//!    acknowledges (broker-only): the peer figure the goal is stated against.
//! 4. Resident memory of `local up` idle and with many connected devices (and of mosquitto).
//!
//! Run with `bash scripts/bench.sh local` (release build; raises the open-file limit).
//! Settings: BENCH_PUBLISHERS (64), BENCH_MESSAGES (200000), BENCH_WINDOW (32 in flight per
//! publisher), BENCH_DEVICES (10000 connections for the memory figure), BENCH_DIR (where the
//! state directory goes; the system's temporary folder by default).

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
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_soilctl"))
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
/// folders under `dir`; the folder is removed afterwards.
fn file_ceiling(dir: &Path, folders: u64, total: u64) -> f64 {
    use std::io::Write;
    for f in 0..folders {
        std::fs::create_dir_all(dir.join(format!("f{f}"))).unwrap();
    }
    let body = [b'x'; 120];
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
    let _ = std::fs::remove_dir_all(dir);
    rate
}

fn main() {
    // `cargo bench` passes --bench; this program takes no arguments of its own.
    let publishers = env_or("BENCH_PUBLISHERS", 64);
    let total = env_or("BENCH_MESSAGES", 200_000) / publishers * publishers;
    let window = env_or("BENCH_WINDOW", 32);
    let devices = env_or("BENCH_DEVICES", 10_000);

    // BENCH_DIR puts the state directory (and so the bucket) on another file system, such as
    // /dev/shm, to tell the file system's share of the cost from the backend's.
    let tmp = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
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
    let plan = local.plan(&template, "bench", &params).unwrap();
    let stack = local.apply(&template, "bench", &params, &plan).unwrap();
    let policy = local.device_policy(&stack).unwrap();
    let bucket = state.bucket(&stack.outputs["ArchiveBucketName"]);
    let ca = state.ca_dir().join("ca.pem");

    eprintln!("making {publishers} publisher identities");
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
    // The connected-devices figure: many things sharing one certificate (AWS IoT allows a
    // certificate to be attached to several things), so that setup stays quick.
    eprintln!("making {devices} idle devices");
    let cert_arn = local
        .create_thing(
            "bench",
            "idle0",
            &policy,
            &devices_dir,
            KeyAlgorithm::EcdsaP256,
        )
        .unwrap()
        .certificate_arn;
    let shared = identity(&devices_dir.join("idle0"), "idle0");
    let attributes = [(
        soilctl::stack::MANAGED_ATTRIBUTE.to_string(),
        "bench".to_string(),
    )]
    .into_iter()
    .collect();
    for i in 1..devices {
        let name = format!("idle{i}");
        local.registry.create_thing(&name, &attributes).unwrap();
        local
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

    // soilctl local up: end to end.
    let up = local_up(state.root());
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_kib(up.child.id());
    eprintln!(
        "driving local up: {total} messages from {publishers} publishers, {window} in flight each"
    );
    let started = Instant::now();
    let (acked, ack_secs) = load(&rt, up.port, &ca, &ids, total, window);
    let log = stop(up);
    let e2e_secs = started.elapsed().as_secs_f64();
    let archived = count_files(&bucket);
    let alerts = std::fs::read_to_string(state.alerts_log())
        .map(|t| t.lines().count())
        .unwrap_or(0);

    // The disk alone: as many files of the same size created in as many folders, by two
    // threads that do nothing else (plain create and write, not even atomic): the ceiling any
    // archive with one object per message has on this file system.
    eprintln!("creating {total} plain files on the same file system");
    let fs_per_sec = file_ceiling(&tmp.path().join("ceiling"), publishers, total);

    // Memory with many connected devices.
    let up = local_up(state.root());
    eprintln!("connecting {devices} devices to local up");
    let held = hold_connections(&rt, up.port, &ca, &idle_ids);
    std::thread::sleep(Duration::from_millis(500));
    let busy_rss = rss_kib(up.child.id());
    drop(held);
    let _ = stop(up);

    // soilctl with no rules deployed: the broker alone, for a like-for-like figure.
    for rule in local.registry.topic_rules().unwrap() {
        local.registry.delete_topic_rule(&rule.name).unwrap();
    }
    let up = local_up(state.root());
    eprintln!("driving local up with no rules (broker only)");
    let (bare_acked, bare_secs) = load(&rt, up.port, &ca, &ids, total, window);
    let _ = stop(up);

    // mosquitto, broker only, same load and identities.
    let (mut mosq, port) = mosquitto(tmp.path(), &state);
    std::thread::sleep(Duration::from_millis(200));
    let mosq_idle_rss = rss_kib(mosq.id());
    eprintln!("driving mosquitto with the same load");
    let (mosq_acked, mosq_secs) = load(&rt, port, &ca, &ids, total, window);
    let held = hold_connections(&rt, port, &ca, &idle_ids);
    std::thread::sleep(Duration::from_millis(500));
    let mosq_busy_rss = rss_kib(mosq.id());
    drop(held);
    let _ = mosq.kill();
    let _ = mosq.wait();

    let ours = acked as f64 / e2e_secs;
    let theirs = mosq_acked as f64 / mosq_secs;
    println!();
    println!(
        "local backend load ({publishers} mutual-TLS publishers, QoS 1, {window} in flight each, {total} messages)"
    );
    println!("{:<58} {:>14}", "measure", "value");
    println!(
        "{:<58} {:>14.0}",
        "soilctl acknowledged msg/s (publish to PUBACK)",
        acked as f64 / ack_secs
    );
    println!(
        "{:<58} {:>14.0}",
        "soilctl end to end msg/s (until every object is on disk)", ours
    );
    println!("{:<58} {:>14}", "messages acknowledged", acked);
    println!("{:<58} {:>14}", "objects archived", archived);
    println!(
        "{:<58} {:>14}",
        "messages lost (acknowledged, not archived)",
        acked.saturating_sub(archived)
    );
    println!("{:<58} {:>14}", "alerts delivered", alerts);
    let bare = bare_acked as f64 / bare_secs;
    let row = |name: &str, value: String| println!("{name:<58} {value:>14}");
    row(
        "soilctl broker-only msg/s (no rules deployed)",
        format!("{bare:.0}"),
    );
    row(
        "file system alone: plain files created/s (2 threads)",
        format!("{fs_per_sec:.0}"),
    );
    row(
        "ratio soilctl end to end / file system alone",
        format!("{:.2}", ours / fs_per_sec),
    );
    row(
        "mosquitto broker-only msg/s (publish to PUBACK)",
        format!("{theirs:.0}"),
    );
    row(
        "ratio soilctl end to end / mosquitto broker only",
        format!("{:.2}", ours / theirs),
    );
    row(
        "ratio soilctl broker only / mosquitto broker only",
        format!("{:.2}", bare / theirs),
    );
    println!("{:<58} {:>14}", "soilctl local up RSS idle (KiB)", idle_rss);
    println!(
        "{:<58} {:>14}",
        format!("soilctl local up RSS with {devices} devices (KiB)"),
        busy_rss
    );
    println!("{:<58} {:>14}", "mosquitto RSS idle (KiB)", mosq_idle_rss);
    println!(
        "{:<58} {:>14}",
        format!("mosquitto RSS with {devices} devices (KiB)"),
        mosq_busy_rss
    );
    if let Some(line) = log.lines().find(|l| l.contains("Stopped cleanly")) {
        println!("local up: {}", line.trim());
    }
    assert_eq!(archived, acked, "acknowledged messages were lost");
}
