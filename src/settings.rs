//! Flags and environment merged into plain structs; command code never sees clap types.

use std::path::PathBuf;
use std::time::Duration;

use crate::aws::AwsSettings;
use crate::cli::{GlobalArgs, KeyAlgorithm};
use crate::local::state::StateDir;
use crate::pki;

pub fn aws(global: &GlobalArgs) -> AwsSettings {
    AwsSettings {
        profile: global.profile.clone().filter(|p| !p.is_empty()),
        region: global.region.clone().filter(|r| !r.is_empty()),
        endpoint_url: global.endpoint_url.clone().filter(|u| !u.is_empty()),
        local: None,
        http_client: None,
    }
}

#[derive(Debug, Clone)]
pub struct DeploySettings {
    pub stack_name: String,
    pub email: Option<String>,
    pub threshold: Option<String>,
    /// Just-in-time registration on or off; `None` keeps the stack's (or the default).
    pub jitr: Option<bool>,
    /// Fleet provisioning by claim on or off; `None` keeps the stack's (or the default).
    pub fleet_provisioning: Option<bool>,
    /// How long pairing codes last; `None` keeps the stack's (or the default).
    pub pairing_code_lifetime: Option<std::time::Duration>,
    pub template: Option<PathBuf>,
    pub yes: bool,
    pub wait: bool,
}

#[derive(Debug, Clone)]
pub struct ThingCreateSettings {
    pub stack_name: String,
    pub names: Vec<String>,
    pub devices_dir: PathBuf,
    pub key_algorithm: KeyAlgorithm,
    pub rate: u32,
    pub concurrency: usize,
}

#[derive(Debug, Clone)]
pub struct ThingDeleteSettings {
    pub stack_name: String,
    pub names: Vec<String>,
    pub devices_dir: PathBuf,
    pub rate: u32,
}

#[derive(Debug, Clone)]
pub struct TeardownSettings {
    pub stack_name: String,
    pub yes: bool,
    pub dry_run: bool,
    pub devices_dir: PathBuf,
    pub rate: u32,
    /// The user's CA folder, whose recorded registrations with this backend are removed.
    pub ca_dir: PathBuf,
    /// Where the stack's code-signing key folder is removed from.
    pub signing_dir: PathBuf,
}

#[derive(Clone)]
pub struct SimulateSettings {
    pub stack_name: String,
    pub names: Vec<String>,
    pub devices_dir: PathBuf,
    pub key_algorithm: KeyAlgorithm,
    pub rate: u32,
    pub interval: Duration,
    /// Devices sleep this long, disconnected, between readings (persistent sessions).
    pub sleep: Option<Duration>,
    pub stop: crate::fleet::Stop,
    pub qos: crate::mqtt::QoS,
    pub threshold: f64,
    pub seed: u64,
    pub ramp: Option<u32>,
    /// Devices with certificates from the user's CA, registered just in time; the CA's folder.
    pub jitr_ca: Option<PathBuf>,
    /// Devices without an identity are on-boarded by claim with this claim certificate
    /// (its name), and whether AWS IoT makes their keys.
    pub onboard_claim: Option<(String, bool)>,
    pub mqtt_endpoint: Option<String>,
    pub mqtt_ca: Option<PathBuf>,
    /// Where the stack's code-signing certificate is (firmware images verify against it).
    pub signing_dir: PathBuf,
    /// Share of job downloads the devices corrupt on purpose, 0 to 1.
    pub tamper_rate: f64,
    /// MQTT, or HTTPS POSTs (no shadows, no jobs).
    pub protocol: crate::cli::Protocol,
    /// Devices ask for a pairing code and show it.
    pub pair: bool,
}

/// `local up`: where each part listens and how long persistent sessions last.
#[derive(Debug, Clone, Copy)]
pub struct LocalUpSettings {
    /// The MQTT broker's port.
    pub port: u16,
    /// The AWS API endpoint's port (0: any free one).
    pub api_port: u16,
    /// The device HTTPS endpoint's port (0: any free one).
    pub https_port: u16,
    pub session_expiry_secs: u32,
}

#[derive(Clone)]
pub struct TailSettings {
    pub filters: Vec<String>,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    pub pretty: bool,
    pub threshold: f64,
    pub chart: bool,
    pub mqtt_endpoint: Option<String>,
    pub mqtt_ca: Option<PathBuf>,
}

/// The device directory: the flag, else SOILCTL_DEVICES_DIR, else the per-user default.
pub fn devices_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| {
        std::env::var_os("SOILCTL_DEVICES_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .unwrap_or_else(pki::default_devices_dir)
}

/// How often a changing stack is polled (SOILCTL_POLL_MS, default 2000 ms).
pub fn poll_interval() -> Duration {
    let ms = std::env::var("SOILCTL_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    Duration::from_millis(ms)
}

/// The local broker's shortest time between two accepted CONNECTs with one client id
/// (SOILCTL_CONNECT_INTERVAL_MS, default 1000 ms: AWS IoT Core's one per second; 0 turns the
/// throttle off, for test suites that reconnect one device quickly).
pub fn connect_interval() -> Duration {
    let ms = std::env::var("SOILCTL_CONNECT_INTERVAL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms)
}

/// How long the local backend's certificate ownership tokens (fleet provisioning) may be
/// used (SOILCTL_OWNERSHIP_TOKEN_SECS, default AWS's 3600 s; a test suite shortens it to see
/// one expire).
pub fn ownership_token_lifetime() -> Duration {
    let secs = std::env::var("SOILCTL_OWNERSHIP_TOKEN_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(crate::provisioning::device::OWNERSHIP_TOKEN_SECS);
    Duration::from_secs(secs)
}

/// Where commands send their work: AWS, or the embedded local backend.
#[derive(Debug, Clone)]
pub enum Target {
    Aws(AwsSettings),
    Local(StateDir),
}

pub fn target(global: &GlobalArgs) -> Target {
    if global.local {
        Target::Local(state_dir(global))
    } else {
        Target::Aws(aws(global))
    }
}

/// The local backend's state directory: the flag (or SOILCTL_STATE_DIR), else the per-user default.
pub fn state_dir(global: &GlobalArgs) -> StateDir {
    let root = global
        .state_dir
        .clone()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(StateDir::default_root);
    StateDir::new(root)
}

/// The CA directory: the flag, else SOILCTL_CA_DIR, else the per-user default.
pub fn ca_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| {
            std::env::var_os("SOILCTL_CA_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(crate::byoca::default_ca_dir)
}

/// The code-signing keys' directory: the flag, else SOILCTL_SIGNING_DIR, else
/// `~/.local/share/soilctl/signing`.
pub fn signing_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| {
            std::env::var_os("SOILCTL_SIGNING_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| {
            pki::default_devices_dir()
                .parent()
                .map(|p| p.join("signing"))
                .unwrap_or_else(|| PathBuf::from("signing"))
        })
}

#[derive(Debug, Clone)]
pub struct CaSettings {
    /// The CA's directory.
    pub ca_dir: PathBuf,
}

#[derive(Debug, Clone)]
pub struct CaDeleteSettings {
    pub ca_dir: PathBuf,
    pub id: String,
    pub force: bool,
}

#[derive(Debug, Clone)]
pub struct DeviceCertIssueSettings {
    pub name: String,
    pub stack_name: String,
    pub ca_dir: PathBuf,
    pub devices_dir: PathBuf,
    pub key_algorithm: KeyAlgorithm,
    pub validity_days: u32,
}
