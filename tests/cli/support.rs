//! The test harness: a moto server on loopback (started once, reset before each test that
//! uses it), a way to run the `soilctl` binary with a clean environment, SDK clients that look
//! at the emulator's state, a recording proxy and a scripted CloudFormation endpoint.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use soilctl::aws::Clients;

pub const REGION: &str = "us-east-1";

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python virtual environment that `.ci/run` prepares (moto, cfn-lint, awscli).
pub fn venv_bin(tool: &str) -> PathBuf {
    let venv = std::env::var_os("SOILCTL_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ci-venv"));
    let path = venv.join("bin").join(tool);
    assert!(
        path.exists(),
        "{} is missing: the tests need moto, cfn-lint and awscli in {}; run `bash .ci/setup` (or `bash .ci/run`) first",
        path.display(),
        venv.display()
    );
    path
}

struct MotoServer {
    port: u16,
    _child: Child,
    _stdin: ChildStdin,
}

static MOTO: OnceLock<MotoServer> = OnceLock::new();
static MOTO_LOCK: Mutex<()> = Mutex::new(());

/// A moto server for one test: started on first use, reset now, held until the guard drops.
pub struct Moto {
    pub port: u16,
    _guard: MutexGuard<'static, ()>,
}

impl Moto {
    pub fn start() -> Moto {
        let guard = MOTO_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let server = MOTO.get_or_init(|| {
            let mut child = Command::new(venv_bin("python"))
                .arg(root().join("tests/moto_launcher.py"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("starting moto_server");
            let stdout = child.stdout.take().expect("moto stdout");
            let mut line = String::new();
            BufReader::new(stdout)
                .read_line(&mut line)
                .expect("reading moto's port");
            let port: u16 = line
                .trim()
                .strip_prefix("PORT ")
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("moto did not start: {line:?}"));
            let stdin = child.stdin.take().expect("moto stdin");
            MotoServer {
                port,
                _child: child,
                _stdin: stdin,
            }
        });
        let moto = Moto {
            port: server.port,
            _guard: guard,
        };
        let (status, body) = http(moto.port, "POST", "/moto-api/reset", "");
        assert_eq!(status, 200, "resetting moto failed: {body}");
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK clients pointed at moto, for looking at what soilctl did.
    pub fn clients(&self) -> Clients {
        clients_for(&self.url())
    }
}

pub fn clients_for(url: &str) -> Clients {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_iot::config::SharedCredentialsProvider::new(
            aws_sdk_iot::config::Credentials::new("testing", "testing", None, None, "tests"),
        ))
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build();
    soilctl::aws::clients(&config, REGION.to_string(), Some(url.to_string()))
}

/// A blocking runtime for SDK calls in tests.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A plain HTTP/1.1 request; returns the status and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connecting");
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writing");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reading");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The result of one run of the binary.
#[derive(Debug, Clone)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect(self, code: i32) -> Output {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// The last line of stderr: the one-line error.
    pub fn error_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or_default()
    }
}

/// One isolated environment for running the binary: its own HOME and device directory, no
/// AWS configuration from the machine, and (optionally) an endpoint.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub endpoint: Option<String>,
    pub credentials: bool,
    pub region: bool,
    /// Every soilctl run gets `--local` (the one test body of [`crate::targets`] on the
    /// local backend).
    pub local: bool,
}

impl Env {
    pub fn new(endpoint: Option<String>) -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
            endpoint,
            credentials: true,
            region: true,
            local: false,
        }
    }

    pub fn moto(moto: &Moto) -> Env {
        Env::new(Some(moto.url()))
    }

    pub fn devices(&self) -> PathBuf {
        self.dir.path().join("devices")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.command_for(env!("CARGO_BIN_EXE_soilctl"), &[]);
        if self.local {
            cmd.arg("--local");
        }
        cmd.args(args);
        cmd
    }

    /// `program` with this environment (for running soilctl under another program).
    pub fn command_for(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("AWS_CONFIG_FILE", self.dir.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("SOILCTL_POLL_MS", "50")
            .env("SOILCTL_DEVICES_DIR", self.devices())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        if self.credentials {
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing");
        }
        if self.region {
            cmd.env("AWS_REGION", REGION);
        }
        if let Some(url) = &self.endpoint {
            cmd.env("AWS_ENDPOINT_URL", url);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().expect("running soilctl");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("writing a test file");
}

/// A loopback TCP proxy that forwards to `target_port` and records every byte sent to it.
pub struct RecordingProxy {
    pub port: u16,
    pub sent: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    pub fn start(target_port: u16) -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = sent.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target_port)) else {
                    continue;
                };
                let (mut c_read, mut s_write) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                let (mut s_read, mut c_write) = (server, client);
                let record = record.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = c_read.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        record
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .extend_from_slice(&buf[..n]);
                        if s_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = s_write.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s_read, &mut c_write);
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        RecordingProxy { port, sent }
    }

    pub fn recorded(&self) -> Vec<u8> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A scripted CloudFormation endpoint: answers each query-protocol call by its Action, so
/// that states moto cannot reach (a failed create, a stack mid-update) can be shown.
pub struct FakeCloudFormation {
    pub port: u16,
}

pub type Responder = dyn Fn(&str, usize) -> (u16, String) + Send + Sync;

impl FakeCloudFormation {
    pub fn start(respond: Box<Responder>) -> FakeCloudFormation {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        let port = listener.local_addr().expect("address").port();
        let respond: Arc<Responder> = Arc::from(respond);
        let counts = Arc::new(Mutex::new(std::collections::HashMap::<String, usize>::new()));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let respond = respond.clone();
                let counts = counts.clone();
                std::thread::spawn(move || serve_one(stream, &*respond, &counts));
            }
        });
        FakeCloudFormation { port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve_one(
    stream: TcpStream,
    respond: &Responder,
    counts: &Mutex<std::collections::HashMap<String, usize>>,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut stream = stream;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body);
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or_default()
            .to_string();
        let count = {
            let mut counts = counts.lock().unwrap_or_else(|p| p.into_inner());
            let c = counts.entry(action.clone()).or_insert(0);
            *c += 1;
            *c
        };
        let (status, xml) = respond(&action, count);
        let reply = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{xml}",
            xml.len()
        );
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

const NS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

pub fn cfn_ok(action: &str, result: &str) -> (u16, String) {
    (
        200,
        format!(
            "<{action}Response xmlns=\"{NS}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

pub fn cfn_error(code: &str, message: &str) -> (u16, String) {
    (
        400,
        format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        ),
    )
}

pub fn cfn_stack(name: &str, status: &str) -> (u16, String) {
    cfn_ok(
        "DescribeStacks",
        &format!(
            "<Stacks><member><StackName>{name}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/1</StackId><StackStatus>{status}</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime></member></Stacks>"
        ),
    )
}

/// Runs `soilctl ARGS` on a pseudo-terminal (through util-linux `script`) typing `input`.
pub fn on_terminal(env: &Env, args: &str, input: &str) -> Output {
    use std::io::Write;
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_soilctl"));
    let mut child = env
        .command_for("script", &["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running script (util-linux)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
