//! Where the local backend keeps its state: one directory, by default per user.
//!
//! Layout:
//! - `registry.db`: the registry (SQLite, shared by the CLI and `local up`).
//! - `ca/`: the backend's CA (`ca.pem`, `ca.key`, 0600) and the broker's server certificate.
//! - `operator/`: an identity allowed everything, for observing (`mosquitto_sub`, `tail`).
//! - `buckets/<bucket>/<key>`: S3 objects written by the rules.
//! - `alerts.jsonl`: SNS deliveries, one JSON line each.
//! - `logs/<log group>.jsonl`: CloudWatch Logs events (rule errors).
//! - `journal/`: the write-ahead journal of accepted messages (segments and a checkpoint).
//! - `broker.json`: written by a running `local up` (address, pid), removed when it stops.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct StateDir {
    root: PathBuf,
}

impl StateDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$XDG_STATE_HOME/soilctl/local`, else `~/.local/state/soilctl/local`.
    pub fn default_root() -> PathBuf {
        if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(dir).join("soilctl").join("local");
        }
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        home.join(".local")
            .join("state")
            .join("soilctl")
            .join("local")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn registry(&self) -> PathBuf {
        self.root.join("registry.db")
    }
    pub fn ca_dir(&self) -> PathBuf {
        self.root.join("ca")
    }
    pub fn operator_dir(&self) -> PathBuf {
        self.root.join("operator")
    }
    pub fn buckets(&self) -> PathBuf {
        self.root.join("buckets")
    }
    pub fn bucket(&self, name: &str) -> PathBuf {
        self.buckets().join(name)
    }
    pub fn alerts_log(&self) -> PathBuf {
        self.root.join("alerts.jsonl")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    pub fn log_group(&self, name: &str) -> PathBuf {
        self.logs()
            .join(format!("{}.jsonl", name.replace('/', "_")))
    }
    pub fn journal(&self) -> PathBuf {
        self.root.join("journal")
    }
    pub fn broker_file(&self) -> PathBuf {
        self.root.join("broker.json")
    }
}
