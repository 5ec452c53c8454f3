//! The limits that keep one bad client from stopping the broker for the others, in one place.
//! `Limits::default()` holds AWS IoT Core's values where AWS documents them, else ours with the
//! reason; tests that need other values (a quick write timeout, fast reconnects of one client
//! id) set them through [`super::BrokerConfig::limits`].

use std::time::Duration;

/// Per-broker resource limits. Each field says what it bounds and why it has its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a client has to finish the TLS handshake after its TCP connection was accepted.
    /// 10 s: AWS IoT Core does not document its own value; a device on a slow link finishes a
    /// handshake in well under a second, and 10 s is the time the broker already gives a client
    /// to send CONNECT after the handshake.
    pub handshake_timeout: Duration,
    /// TLS handshakes in progress at once. When one more TCP connection arrives, the oldest
    /// handshake still in progress is dropped to make room: a real client finishes its
    /// handshake in milliseconds, so under a flood of sockets that never speak it is always a
    /// silent one that goes, never the client that talks. 16384: a silent socket costs the
    /// broker about 5 KB (measured with 2000 of them), so a flood is held to about 80 MB,
    /// and a fleet of 10,000 devices reconnecting at the same moment is never cut. The broker
    /// uses at most half of its file descriptor limit for handshakes, so that a flood leaves
    /// room for the connections already established.
    pub max_pending_handshakes: usize,
    /// The shortest time between two accepted CONNECTs with the same client id; a CONNECT that
    /// comes sooner is refused (CONNACK "server unavailable" in MQTT 3.1.1, "connection rate
    /// exceeded" in MQTT 5) and not counted. AWS IoT Core: "Connect requests per second per
    /// client ID: 1", so 1 s. `Duration::ZERO` turns the throttle off.
    pub connect_interval: Duration,
    /// How long a write to a client may wait for the client to read before the client is
    /// disconnected as gone. 30 s: AWS does not document a value; it is long enough for a
    /// device on a slow cellular link to take a 128 KB message.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            handshake_timeout: Duration::from_secs(10),
            max_pending_handshakes: 16 * 1024,
            connect_interval: Duration::from_secs(1),
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// The handshakes allowed in progress: the configured limit, at most half the process's file
/// descriptor limit (and at least 64).
pub(super) fn pending_handshakes(configured: usize) -> usize {
    let descriptors = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(usize::MAX);
    configured.min((descriptors / 2).max(64))
}

/// A duration as the broker's messages write it: "10 s", "1.5 s" or "250 ms".
pub(super) fn words(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(words(Duration::from_secs(10)), "10 s");
        assert_eq!(words(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(words(Duration::from_millis(250)), "250 ms");
    }
}
