//! Fuzzes the broker's connection state machine: a real broker on loopback (mutual TLS, a gate
//! that refuses topics containing "secret"), a valid CONNECT (MQTT 3.1.1 or 5, with or without
//! a will), then the input's bytes as the client's packets, then the client closes. After
//! every input the fuzzed connection must have ended, a fresh client must still CONNECT,
//! PUBLISH at QoS 1 and get its PUBACK, and every connection must be gone; a panic in any
//! task aborts the process.
//!
//! Input: byte 0's bit 0 picks MQTT 5, bit 1 a will, bit 2 a persistent session
//! (clean session / clean start off), bits 3..=5 the write size; the rest is what the client
//! sends after CONNECT.

#![no_main]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::ServerName;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use soilctl::local::broker::{self, BrokerConfig, BrokerHandle, KeepAliveBounds};
use soilctl::local::gate::{Action, Gate, Inbound, Principal, Refusal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;
use tokio_rustls::client::TlsStream;
use tokio_util::sync::CancellationToken;

const WRITE_SIZES: [usize; 8] = [1, 3, 16, 100, 512, 2048, 16384, usize::MAX];
/// How long the broker may take to answer or to close; beyond it the input hangs the broker.
const PATIENCE: Duration = Duration::from_secs(10);

struct FuzzGate {
    device: Vec<u8>,
}

impl Gate for FuzzGate {
    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal> {
        match chain.first() {
            Some(cert) if cert.as_ref() == self.device.as_slice() => Ok(()),
            _ => Err(Refusal::new("unknown certificate")),
        }
    }

    fn authenticate(&self, _chain: &[CertificateDer<'_>]) -> Result<Principal, Refusal> {
        Ok(Principal {
            certificate_id: "fuzz".to_owned(),
            common_name: "device".to_owned(),
        })
    }

    fn authorize(
        &self,
        _principal: &Principal,
        _client_id: &str,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal> {
        if action != Action::Connect && target.contains("secret") {
            Err(Refusal::new(format!(
                "{} on {target} denied",
                action.as_str()
            )))
        } else {
            Ok(())
        }
    }
}

struct Fixture {
    runtime: Runtime,
    addr: SocketAddr,
    broker: Mutex<BrokerHandle>,
    client: Arc<rustls::ClientConfig>,
    next: AtomicU64,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // libFuzzer's C `main` skips Rust's start-up, which ignores SIGPIPE as `local up` does:
        // a write to a socket the peer closed must be an error, not the end of the process.
        // SAFETY: setting a signal's disposition to "ignore" before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
        // A panic in any broker task is a crash, not a dropped connection.
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic: {info}");
            std::process::abort();
        }));
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "fuzz CA");
        let ca =
            CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA");
        let issue = |name: &str, dns: Vec<String>| {
            let key = KeyPair::generate().expect("key");
            let mut params = CertificateParams::new(dns).expect("params");
            params.distinguished_name.push(DnType::CommonName, name);
            let cert = params.signed_by(&key, &ca).expect("certificate");
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
            (cert.der().clone(), key)
        };
        let (server_cert, server_key) = issue("broker", vec!["localhost".to_owned()]);
        let (device_cert, device_key) = issue("device", Vec::new());
        let gate = Arc::new(FuzzGate {
            device: device_cert.as_ref().to_vec(),
        });
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).expect("root");
        let client = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_client_auth_cert(vec![device_cert], device_key)
            .expect("client config");
        let broker = runtime.block_on(async {
            let (sink, mut rules) = tokio::sync::mpsc::channel::<Inbound>(1024);
            tokio::spawn(async move { while rules.recv().await.is_some() {} });
            let mut config = BrokerConfig::new(vec![server_cert], server_key);
            config.bind = "127.0.0.1:0".parse().expect("address");
            // Short enough that a client that stops reading costs the run little.
            config.limits.write_timeout = Duration::from_secs(2);
            broker::start_with(
                config,
                KeepAliveBounds::default(),
                gate,
                sink,
                Arc::new(|_| {}),
                CancellationToken::new(),
            )
            .await
            .expect("broker")
        });
        Fixture {
            runtime,
            addr: broker.local_addr(),
            broker: Mutex::new(broker),
            client: Arc::new(client),
            next: AtomicU64::new(0),
        }
    })
}

/// A UTF-8 string as MQTT writes it.
fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s);
}

fn packet(header: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![header];
    let mut len = body.len();
    loop {
        let byte = (len % 128) as u8;
        len /= 128;
        out.push(if len > 0 { byte | 0x80 } else { byte });
        if len == 0 {
            break;
        }
    }
    out.extend_from_slice(body);
    out
}

fn connect(v5: bool, client_id: &str, will: bool, persistent: bool) -> Vec<u8> {
    let mut body = Vec::new();
    put_str(&mut body, b"MQTT");
    body.push(if v5 { 5 } else { 4 });
    let mut flags = if persistent { 0 } else { 0x02 };
    if will {
        flags |= 0x04 | 0x08; // will at QoS 1
    }
    body.push(flags);
    body.extend_from_slice(&60u16.to_be_bytes());
    if v5 {
        body.push(0); // no properties
    }
    put_str(&mut body, client_id.as_bytes());
    if will {
        if v5 {
            body.push(0);
        }
        put_str(&mut body, b"fuzz/will");
        put_str(&mut body, b"gone");
    }
    packet(0x10, &body)
}

async fn open(fixture: &Fixture) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(fixture.addr).await.expect("TCP connect");
    // Small packets go out at once (no Nagle delay waiting for the broker's ACK).
    tcp.set_nodelay(true).expect("TCP_NODELAY");
    let name = ServerName::try_from("localhost").expect("name");
    tokio_rustls::TlsConnector::from(fixture.client.clone())
        .connect(name, tcp)
        .await
        .expect("TLS handshake")
}

/// Reads one packet: its first byte and body.
async fn read_packet(stream: &mut TlsStream<TcpStream>) -> std::io::Result<(u8, Vec<u8>)> {
    let header = stream.read_u8().await?;
    let mut len = 0usize;
    for shift in 0..4 {
        let byte = stream.read_u8().await?;
        len |= usize::from(byte & 0x7F) << (7 * shift);
        if byte & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0; len];
    stream.read_exact(&mut body).await?;
    Ok((header, body))
}

/// CONNECTs and checks the CONNACK accepts.
async fn session(
    fixture: &Fixture,
    v5: bool,
    client_id: &str,
    will: bool,
    persistent: bool,
) -> TlsStream<TcpStream> {
    let mut stream = open(fixture).await;
    stream
        .write_all(&connect(v5, client_id, will, persistent))
        .await
        .expect("send CONNECT");
    let (header, body) = tokio::time::timeout(PATIENCE, read_packet(&mut stream))
        .await
        .expect("no CONNACK")
        .expect("CONNACK");
    assert_eq!(header, 0x20, "{client_id}: not a CONNACK");
    assert_eq!(
        body.get(1),
        Some(&0),
        "{client_id}: CONNECT refused: {body:?}"
    );
    stream
}

/// A fresh client still gets a PUBACK for a QoS 1 PUBLISH.
async fn probe(fixture: &Fixture, n: u64) {
    let v5 = n % 2 == 1;
    let mut stream = session(fixture, v5, &format!("probe-{n}"), false, false).await;
    let mut body = Vec::new();
    put_str(&mut body, b"probe/topic");
    body.extend_from_slice(&7u16.to_be_bytes());
    if v5 {
        body.push(0);
    }
    body.extend_from_slice(b"hello");
    stream
        .write_all(&packet(0x32, &body))
        .await
        .expect("send PUBLISH");
    let (header, body) = tokio::time::timeout(PATIENCE, read_packet(&mut stream))
        .await
        .expect("no PUBACK for the probe")
        .expect("PUBACK");
    assert_eq!(
        (header, &body[..2]),
        (0x40, &[0, 7][..]),
        "not the probe's PUBACK"
    );
    let _ = stream.write_all(&[0xE0, 0]).await;
    let _ = stream.shutdown().await;
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    let n = fixture.next.fetch_add(1, Ordering::Relaxed);
    let v5 = flags & 1 != 0;
    let will = flags & 2 != 0;
    let persistent = flags & 4 != 0;
    let write_size = WRITE_SIZES[usize::from((flags >> 3) & 7)];
    fixture.runtime.block_on(async {
        let stream = session(fixture, v5, &format!("fuzz-{n}"), will, persistent).await;
        let (mut reader, mut writer) = tokio::io::split(stream);
        let send = async {
            for piece in rest.chunks(write_size) {
                if writer.write_all(piece).await.is_err() {
                    return;
                }
            }
            let _ = writer.flush().await;
            // close_notify, then the end of the TCP stream.
            let _ = writer.shutdown().await;
        };
        let drain = async {
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(read) = reader.read(&mut buf).await {
                if read == 0 {
                    break;
                }
            }
        };
        tokio::time::timeout(PATIENCE, async { tokio::join!(send, drain) })
            .await
            .expect("the broker did not close the fuzzed connection after the client closed");
        probe(fixture, n).await;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let open = || fixture.broker.lock().map_or(0, |b| b.connections());
        while open() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} connection(s) still open after every client left",
                open()
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
});
