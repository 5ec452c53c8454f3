//! Counters the device tasks update and the live display reads, the events worth a line, and
//! the summary printed at the end (also as JSON).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Shared counters; every field only grows except `connected`.
#[derive(Debug, Default)]
pub struct Counters {
    pub connected: AtomicU64,
    pub peak_connected: AtomicU64,
    pub connections: AtomicU64,
    pub sent: AtomicU64,
    pub acknowledged: AtomicU64,
    pub under_threshold: AtomicU64,
    pub errors: AtomicU64,
    pub disconnects: AtomicU64,
    pub reconnects: AtomicU64,
    /// Wakes of sleeping devices (`FleetPlan::sleep`): connections that published a reading.
    pub wakes: AtomicU64,
    /// Wakes that found the broker still holding the device's session (session present).
    pub resumed: AtomicU64,
    pub done: AtomicU64,
    /// Job executions the devices carried out and reported SUCCEEDED, and the others.
    pub jobs_succeeded: AtomicU64,
    pub jobs_failed: AtomicU64,
    /// Milliseconds from the start until every device was connected at once (0: not yet).
    pub all_connected_ms: AtomicU64,
    /// Jobs' file downloads: how many, their bytes, and the first start and the last end
    /// (microseconds since the Unix epoch; 0: none yet).
    pub downloads: AtomicU64,
    pub download_bytes: AtomicU64,
    pub download_first_us: AtomicU64,
    pub download_last_us: AtomicU64,
    /// What each device that asked for a pairing code was told.
    pub pairing: std::sync::Mutex<Vec<PairingShown>>,
}

/// What a device was told when it asked for a pairing code: the code it shows and when that
/// expires, or, for a device that has an owner, the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairingShown {
    pub device: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl PairingShown {
    /// Reads the answer on a device's code topic.
    pub(crate) fn read(device: &str, payload: &[u8]) -> Option<PairingShown> {
        let answer: serde_json::Value = serde_json::from_slice(payload).ok()?;
        let text = |k: &str| answer.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let shown = PairingShown {
            device: device.to_owned(),
            code: text("code"),
            expires_at: answer.get("expiresAt").and_then(serde_json::Value::as_u64),
            owner: text("owner"),
        };
        (shown.code.is_some() || shown.owner.is_some()).then_some(shown)
    }
}

/// A moment's copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub connected: u64,
    pub sent: u64,
    pub acknowledged: u64,
    pub under_threshold: u64,
    pub errors: u64,
    pub disconnects: u64,
    pub reconnects: u64,
    pub wakes: u64,
    pub resumed: u64,
    pub done: u64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn connected(&self, devices: usize, since_start: Duration) {
        let now = self.connected.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_connected.fetch_max(now, Ordering::Relaxed);
        self.connections.fetch_add(1, Ordering::Relaxed);
        if now == devices as u64 {
            let ms = u64::try_from(since_start.as_millis())
                .unwrap_or(u64::MAX)
                .max(1);
            let _ =
                self.all_connected_ms
                    .compare_exchange(0, ms, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// One download of `bytes` that ran from `started` to `ended`.
    pub(crate) fn downloaded(&self, bytes: u64, started: SystemTime, ended: SystemTime) {
        let us = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .map_or(1, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
                .max(1)
        };
        let (start, end) = (us(started), us(ended));
        self.downloads.fetch_add(1, Ordering::Relaxed);
        self.download_bytes.fetch_add(bytes, Ordering::Relaxed);
        let _ =
            self.download_first_us
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |first| {
                    (first == 0 || start < first).then_some(start)
                });
        self.download_last_us.fetch_max(end, Ordering::Relaxed);
    }

    fn download_summary(&self) -> Option<DownloadSummary> {
        let count = self.downloads.load(Ordering::Relaxed);
        if count == 0 {
            return None;
        }
        let bytes = self.download_bytes.load(Ordering::Relaxed);
        let first = self.download_first_us.load(Ordering::Relaxed);
        let last = self.download_last_us.load(Ordering::Relaxed);
        let seconds = last.saturating_sub(first) as f64 / 1e6;
        Some(DownloadSummary {
            count,
            bytes,
            seconds,
            megabytes_per_second: if seconds > 0.0 {
                bytes as f64 / seconds / 1e6
            } else {
                0.0
            },
        })
    }

    pub(crate) fn disconnected(&self) {
        self.connected.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Snapshot {
            connected: get(&self.connected),
            sent: get(&self.sent),
            acknowledged: get(&self.acknowledged),
            under_threshold: get(&self.under_threshold),
            errors: get(&self.errors),
            disconnects: get(&self.disconnects),
            reconnects: get(&self.reconnects),
            wakes: get(&self.wakes),
            resumed: get(&self.resumed),
            done: get(&self.done),
        }
    }

    pub(crate) fn summary(
        &self,
        devices: usize,
        elapsed: Duration,
        interrupted: bool,
        failed: Vec<DeviceFailure>,
    ) -> Summary {
        let s = self.snapshot();
        let seconds = elapsed.as_secs_f64();
        let all_ms = self.all_connected_ms.load(Ordering::Relaxed);
        Summary {
            devices,
            peak_connected: self.peak_connected.load(Ordering::Relaxed),
            all_connected_after_seconds: (all_ms > 0).then(|| all_ms as f64 / 1000.0),
            connections: self.connections.load(Ordering::Relaxed),
            sent: s.sent,
            acknowledged: s.acknowledged,
            under_threshold: s.under_threshold,
            errors: s.errors,
            disconnects: s.disconnects,
            reconnects: s.reconnects,
            wakes: s.wakes,
            resumed: s.resumed,
            jobs_succeeded: self.jobs_succeeded.load(Ordering::Relaxed),
            jobs_failed: self.jobs_failed.load(Ordering::Relaxed),
            downloads: self.download_summary(),
            seconds,
            messages_per_second: if seconds > 0.0 {
                s.sent as f64 / seconds
            } else {
                0.0
            },
            interrupted,
            failed,
            pairing: {
                let mut shown = self
                    .pairing
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone();
                shown.sort_by(|a, b| crate::aws::iot::natural_cmp(&a.device, &b.device));
                shown
            },
        }
    }
}

/// The devices' downloads together: `seconds` runs from the first one's start to the last
/// one's end, so `megabytes_per_second` is the fleet's aggregate throughput while it
/// downloaded.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct DownloadSummary {
    pub count: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub megabytes_per_second: f64,
}

/// A device that stopped for good, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeviceFailure {
    pub device: String,
    pub error: String,
}

/// What happened to one device, worth a line on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetEvent {
    /// A connection attempt failed; another follows after `retry_in`.
    ConnectFailed {
        device: String,
        error: String,
        retry_in: Duration,
    },
    /// An open connection dropped; a new one follows after `retry_in`.
    Dropped {
        device: String,
        error: String,
        retry_in: Duration,
    },
    /// A request was answered with a refusal (HTTPS devices); it is tried again after
    /// `retry_in`.
    Refused {
        device: String,
        error: String,
        retry_in: Duration,
    },
    /// Connected again after a failure or a drop.
    Reconnected { device: String, attempts: u32 },
    /// The device stopped trying: the error is not one a retry can fix.
    GaveUp { device: String, error: String },
    /// The device shows a pairing code (or was told its owner).
    Pairing(PairingShown),
}

impl std::fmt::Display for FleetEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FleetEvent::ConnectFailed {
                device,
                error,
                retry_in,
            } => write!(
                f,
                "{device}: cannot connect: {error}; retrying in {:.1}s",
                retry_in.as_secs_f64()
            ),
            FleetEvent::Dropped {
                device,
                error,
                retry_in,
            } => write!(
                f,
                "{device}: connection lost: {error}; reconnecting in {:.1}s",
                retry_in.as_secs_f64()
            ),
            FleetEvent::Refused {
                device,
                error,
                retry_in,
            } => write!(
                f,
                "{device}: refused: {error}; trying again in {:.1}s",
                retry_in.as_secs_f64()
            ),
            FleetEvent::Reconnected { device, attempts } => {
                write!(f, "{device}: connected again after {attempts} attempt(s)")
            }
            FleetEvent::GaveUp { device, error } => write!(f, "{device}: gave up: {error}"),
            FleetEvent::Pairing(PairingShown {
                device,
                code: Some(code),
                expires_at,
                ..
            }) => {
                write!(f, "{device} shows pairing code {code}")?;
                if let Some(at) = expires_at {
                    let at = UNIX_EPOCH + Duration::from_secs(*at);
                    write!(f, " until {}", humantime::format_rfc3339_seconds(at))?;
                }
                write!(f, ": pair it with `soilctl pair {code} --group GROUP`")
            }
            FleetEvent::Pairing(PairingShown { device, owner, .. }) => write!(
                f,
                "{device} is paired with {} already",
                owner.as_deref().unwrap_or("an owner")
            ),
        }
    }
}

/// The run's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub devices: usize,
    pub peak_connected: u64,
    /// Seconds from the start until every device was connected at the same time, if it was.
    pub all_connected_after_seconds: Option<f64>,
    /// Connections opened, first ones and reconnections together.
    pub connections: u64,
    pub sent: u64,
    /// Acknowledged by the broker (QoS 1 only).
    pub acknowledged: u64,
    pub under_threshold: u64,
    pub errors: u64,
    pub disconnects: u64,
    pub reconnects: u64,
    /// Wakes of sleeping devices (0 unless they sleep between readings).
    pub wakes: u64,
    /// Wakes on which the broker still had the device's persistent session.
    pub resumed: u64,
    /// Job executions reported SUCCEEDED, and FAILED or REJECTED.
    pub jobs_succeeded: u64,
    pub jobs_failed: u64,
    /// The jobs' file downloads, when there were any.
    pub downloads: Option<DownloadSummary>,
    pub seconds: f64,
    pub messages_per_second: f64,
    /// Stopped by Ctrl-C rather than by --count or --duration.
    pub interrupted: bool,
    pub failed: Vec<DeviceFailure>,
    /// The pairing codes the devices show (`simulate --pair`), by device.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairing: Vec<PairingShown>,
}
