//! What a fleet run is made of: the devices with their identities, where they connect, how
//! often they publish and when they stop.

use std::sync::Arc;
use std::time::Duration;

use crate::mqtt::{Identity, QoS, ServerTrust};

/// One simulated device.
#[derive(Clone)]
pub struct DeviceSpec {
    /// The thing name: client id, topic segment and `name` in the payload.
    pub name: String,
    pub identity: Arc<Identity>,
}

/// When the run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Each device publishes this many readings (acknowledged, at QoS 1), then disconnects.
    Count(u64),
    /// Every device disconnects this long after the run started.
    After(Duration),
}

/// Everything a run needs; built by the command from the target.
#[derive(Clone)]
pub struct FleetPlan {
    pub devices: Vec<DeviceSpec>,
    /// Host name for TLS (SNI and the server certificate's name) and the port.
    pub host: String,
    pub port: u16,
    pub trust: ServerTrust,
    /// ALPN protocol, for AWS IoT's mutual TLS on port 443 (`x-amzn-mqtt-ca`).
    pub alpn: Option<Vec<u8>>,
    pub interval: Duration,
    /// Soil time that passes between two readings in the humidity model (None: the interval).
    /// The model is calibrated so that 5 s make readings move the way an hour of real soil
    /// does; a demo with a short interval sets this to 5 s to keep that pace.
    pub model_step: Option<Duration>,
    pub stop: Stop,
    pub qos: QoS,
    pub threshold: f64,
    pub seed: u64,
    /// New connections per second while ramping up.
    pub ramp_per_second: u32,
    /// Most publishes per second on one connection (AWS IoT Core: 100), if any.
    pub max_publish_rate: Option<u32>,
    /// QoS 1 messages in flight per connection.
    pub max_in_flight: usize,
    /// Longest wait between two connection attempts of one device.
    pub max_backoff: Duration,
    /// Refusals (an unknown or inactive certificate, a policy that says no) tried again before
    /// a device gives up: a certificate registered a moment ago, or one that just-in-time
    /// registration activates after the first refusal, gets in on a later attempt.
    pub refusals_before_giving_up: u32,
    /// Follow the desired state in each device's shadow (`reportInterval`, `valve`) and
    /// report it back.
    pub follow_shadow: bool,
    /// Obey jobs (firmware updates, encrypted files), when given.
    pub jobs: Option<super::jobs::JobsPlan>,
    /// Ask for a pairing code on the first connection, and show it.
    pub pairing: bool,
    /// Battery-powered devices: each wake connects on a persistent session, publishes one
    /// reading and disconnects, then the device sleeps this long (the shadow's
    /// `reportInterval` changes it); what the broker queued meanwhile arrives on the next
    /// wake. None: devices stay connected and publish every `interval`.
    pub sleep: Option<Duration>,
}

impl FleetPlan {
    /// The telemetry topic of a device, as the seed names it.
    pub fn topic(name: &str) -> String {
        format!("device/{name}/devicePayload")
    }

    /// Time between two readings of one device, with the per-connection publish limit applied.
    pub fn effective_interval(&self) -> Duration {
        match self.max_publish_rate {
            Some(rate) if rate > 0 => self.interval.max(Duration::from_secs(1) / rate),
            _ => self.interval,
        }
    }

    /// Whether a device that has made `made` readings makes another.
    pub fn wants_more(&self, made: u64) -> bool {
        match self.stop {
            Stop::Count(m) => made < m,
            Stop::After(_) => true,
        }
    }

    /// When a run that began at `started` ends by the clock (a year away for a count).
    pub fn end(&self, started: tokio::time::Instant) -> tokio::time::Instant {
        match self.stop {
            Stop::After(d) => started + d,
            Stop::Count(_) => tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600),
        }
    }

    /// When device `index` may open its connection, counted from the run's start.
    pub fn ramp_slot(&self, index: usize) -> Duration {
        let rate = self.ramp_per_second.max(1) as f64;
        Duration::from_secs_f64(index as f64 / rate)
    }
}
