//! Debian's mosquitto broker as a peer we did not write: started on free loopback ports with a
//! generated configuration (a mutual-TLS listener, a WebSocket listener with TLS, a plain
//! listener), and a throwaway PKI made with rcgen. Stopped when dropped.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

const MOSQUITTO: &str = "/usr/sbin/mosquitto";

/// A running mosquitto.
pub struct Mosquitto {
    /// Mutual TLS: client certificates issued by the given CA, the certificate's CN as user name.
    pub mtls_port: u16,
    /// MQTT over WebSocket with TLS, anonymous (binds every interface).
    pub ws_port: u16,
    /// Plain MQTT on loopback, anonymous.
    pub plain_port: u16,
    /// Where the configuration and the log are.
    pub dir: tempfile::TempDir,
    child: Child,
}

/// A mosquitto client program (`mosquitto_pub`, `mosquitto_sub`); its absence fails the test.
pub fn client_tool(name: &str) -> PathBuf {
    let path = Path::new("/usr/bin").join(name);
    assert!(
        path.is_file(),
        "{} is not installed: run bash scripts/setup-test-tools.sh (Debian's mosquitto-clients)",
        path.display()
    );
    path
}

/// A free port on `ip` (free when this returns; mosquitto binds it shortly after).
fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .expect("finding a free port")
        .port()
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix("Uid:")
                    .map(|ids| ids.split_whitespace().nth(1) == Some("0"))
            })
        })
        .unwrap_or(false)
}

/// Starts mosquitto with its server certificate and the CA that client certificates must
/// chain to; returns once every listener accepts connections.
pub fn start(ca_pem_path: &Path, server_cert_path: &Path, server_key_path: &Path) -> Mosquitto {
    assert!(
        Path::new(MOSQUITTO).is_file(),
        "{MOSQUITTO} is not installed: run bash scripts/setup-test-tools.sh (Debian's mosquitto)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (mtls_port, plain_port, ws_port) = (
        free_port("127.0.0.1"),
        free_port("127.0.0.1"),
        free_port("0.0.0.0"),
    );
    let log = dir.path().join("mosquitto.log");
    let (ca, cert, key) = (
        ca_pem_path.display(),
        server_cert_path.display(),
        server_key_path.display(),
    );
    // Started as root, mosquitto drops to user "mosquitto", which cannot read a 0700 temp dir.
    let user = if running_as_root() { "user root\n" } else { "" };
    // mosquitto 2.0.11 refuses to start ("Unable to start any listening sockets") when a
    // WebSocket listener is its only one: the plain listener also prevents that.
    let config = format!(
        "{user}per_listener_settings true
persistence false
log_dest file {log}
log_type all
listener {mtls_port} 127.0.0.1
cafile {ca}
certfile {cert}
keyfile {key}
require_certificate true
use_identity_as_username true
listener {plain_port} 127.0.0.1
allow_anonymous true
listener {ws_port}
protocol websockets
certfile {cert}
keyfile {key}
allow_anonymous true
",
        log = log.display()
    );
    let conf = dir.path().join("mosquitto.conf");
    std::fs::write(&conf, config).expect("writing mosquitto.conf");
    let child = Command::new(MOSQUITTO)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting mosquitto");
    let mut mosquitto = Mosquitto {
        mtls_port,
        ws_port,
        plain_port,
        dir,
        child,
    };
    mosquitto.wait_until_listening();
    mosquitto
}

impl Mosquitto {
    /// The broker's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [self.mtls_port, self.plain_port, self.ws_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if let Ok(Some(status)) = self.child.try_wait() {
                    let mut stderr = String::new();
                    if let Some(mut pipe) = self.child.stderr.take() {
                        let _ = pipe.read_to_string(&mut stderr);
                    }
                    panic!("mosquitto exited ({status}): {stderr}\n{}", self.log());
                }
                assert!(
                    Instant::now() < deadline,
                    "mosquitto does not listen on {port} after 10 s:\n{}",
                    self.log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throwaway CA with a server certificate (localhost, 127.0.0.1, ::1) in `dir`, issuing
/// client certificates on demand.
pub struct TestPki {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    dir: PathBuf,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

fn validity(params: &mut CertificateParams) {
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2049, 12, 31);
}

pub fn test_pki(dir: &Path) -> TestPki {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
        .distinguished_name
        .push(DnType::CommonName, "soilctl test CA");
    validity(&mut params);
    let issuer =
        CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, issuer.pem()).expect("writing the CA");
    let pki = TestPki {
        ca,
        server_cert: dir.join("server.pem"),
        server_key: dir.join("server.key"),
        dir: dir.to_path_buf(),
        issuer,
    };
    pki.issue(
        "localhost",
        &["localhost", "127.0.0.1", "::1"],
        ExtendedKeyUsagePurpose::ServerAuth,
        &pki.server_cert,
        &pki.server_key,
    );
    pki
}

impl TestPki {
    /// A client certificate and key for `name` (its common name), as PEM files.
    pub fn client(&self, name: &str) -> (PathBuf, PathBuf) {
        let cert = self.dir.join(format!("{name}.pem"));
        let key = self.dir.join(format!("{name}.key"));
        self.issue(name, &[], ExtendedKeyUsagePurpose::ClientAuth, &cert, &key);
        (cert, key)
    }

    fn issue(
        &self,
        common_name: &str,
        names: &[&str],
        usage: ExtendedKeyUsagePurpose,
        cert: &Path,
        key: &Path,
    ) {
        let pair = KeyPair::generate().expect("key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("params");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![usage];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        validity(&mut params);
        let signed = params.signed_by(&pair, &self.issuer).expect("signing");
        std::fs::write(cert, signed.pem()).expect("writing a certificate");
        std::fs::write(key, pair.serialize_pem()).expect("writing a key");
    }
}
