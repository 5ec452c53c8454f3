//! How a device gets back after a failed or broken connection, the same for devices that stay
//! connected and devices that sleep: exponential backoff with jitter, a few refusals tolerated
//! before the device gives up with the broker's reason, the counters and events of each step,
//! and the failure a device that never connected ends with.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::plan::FleetPlan;
use super::stats::{Counters, DeviceFailure, FleetEvent};
use crate::mqtt::{Connection, MqttError};

/// First wait after a failed connection; it doubles up to the plan's `max_backoff`.
pub(super) const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// One device's reconnection state.
pub(super) struct Retry<'a> {
    name: &'a str,
    plan: &'a FleetPlan,
    counters: &'a Counters,
    events: &'a (dyn Fn(FleetEvent) + Send + Sync),
    rng: fastrand::Rng,
    /// Failed attempts since the last connection.
    failures: u32,
    /// Refused attempts (not worth retrying) over the device's life.
    refusals: u32,
    backoff: Duration,
    last_error: Option<String>,
    ever_connected: bool,
}

impl<'a> Retry<'a> {
    /// For device `index` of `plan`; its random numbers are seeded from the plan.
    pub(super) fn new(
        index: usize,
        plan: &'a FleetPlan,
        counters: &'a Counters,
        events: &'a (dyn Fn(FleetEvent) + Send + Sync),
    ) -> Self {
        Retry {
            name: &plan.devices[index].name,
            plan,
            counters,
            events,
            rng: fastrand::Rng::with_seed(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9)),
            failures: 0,
            refusals: 0,
            backoff: FIRST_BACKOFF,
            last_error: None,
            ever_connected: false,
        }
    }

    /// The device's random numbers (its backoff's jitter comes from them too).
    pub(super) fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.rng
    }

    /// Connects with `attempt` until it succeeds, waiting between attempts. `Err` holds what
    /// the device ends with when it gives up, is cancelled or the run ends (at `end`) first.
    pub(super) async fn connect<F, Fut>(
        &mut self,
        mut attempt: F,
        started: Instant,
        end: Instant,
        cancel: &CancellationToken,
    ) -> Result<Connection, Option<DeviceFailure>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Connection, MqttError>>,
    {
        loop {
            if cancel.is_cancelled() || Instant::now() >= end {
                return Err(self.never_connected());
            }
            let result = tokio::select! {
                _ = cancel.cancelled() => return Err(self.never_connected()),
                _ = sleep_until(end) => return Err(self.never_connected()),
                r = attempt() => r,
            };
            match result {
                Ok(conn) => {
                    self.connected(started);
                    return Ok(conn);
                }
                Err(e) => {
                    let wait = self.connect_failed(&e).map_err(Some)?;
                    if !pause(wait, end, cancel).await {
                        return Err(self.never_connected());
                    }
                }
            }
        }
    }

    /// After a failed connection attempt: how long to wait before the next, or the failure
    /// that ends the device (refused more often than the plan tolerates).
    fn connect_failed(&mut self, e: &MqttError) -> Result<Duration, DeviceFailure> {
        let error = e.to_string();
        self.last_error = Some(error.clone());
        Counters::add(&self.counters.errors, 1);
        if !e.is_retryable() {
            self.refusals += 1;
            if self.refusals > self.plan.refusals_before_giving_up {
                (self.events)(FleetEvent::GaveUp {
                    device: self.name.to_owned(),
                    error: error.clone(),
                });
                return Err(DeviceFailure {
                    device: self.name.to_owned(),
                    error,
                });
            }
        }
        let wait = self.next_wait();
        (self.events)(FleetEvent::ConnectFailed {
            device: self.name.to_owned(),
            error,
            retry_in: wait,
        });
        Ok(wait)
    }

    /// A connection was made: counts it, and the reconnection when attempts failed before it,
    /// and starts the backoff over.
    fn connected(&mut self, started: Instant) {
        self.ever_connected = true;
        self.counters
            .connected(self.plan.devices.len(), started.elapsed());
        if self.failures > 0 {
            Counters::add(&self.counters.reconnects, 1);
            (self.events)(FleetEvent::Reconnected {
                device: self.name.to_owned(),
                attempts: self.failures,
            });
        }
        self.failures = 0;
        self.backoff = FIRST_BACKOFF;
    }

    /// The connection broke: counts it and returns how long to wait before connecting again.
    pub(super) fn dropped(&mut self, e: &MqttError) -> Duration {
        Counters::add(&self.counters.errors, 1);
        Counters::add(&self.counters.disconnects, 1);
        let wait = self.next_wait();
        (self.events)(FleetEvent::Dropped {
            device: self.name.to_owned(),
            error: e.to_string(),
            retry_in: wait,
        });
        wait
    }

    /// What a device that stops now ends with: a failure, with the last reason, when it never
    /// got a connection.
    fn never_connected(&self) -> Option<DeviceFailure> {
        self.last_error
            .clone()
            .filter(|_| !self.ever_connected)
            .map(|error| DeviceFailure {
                device: self.name.to_owned(),
                error: format!("never connected: {error}"),
            })
    }

    fn next_wait(&mut self) -> Duration {
        self.failures += 1;
        let wait = jittered(self.backoff, &mut self.rng);
        self.backoff = (self.backoff * 2).min(self.plan.max_backoff);
        wait
    }
}

/// Sleeps for `wait`; false when cancelled or when the run ends first.
pub(super) async fn pause(wait: Duration, end: Instant, cancel: &CancellationToken) -> bool {
    let until = Instant::now() + wait;
    tokio::select! {
        _ = cancel.cancelled() => false,
        _ = sleep_until(until.min(end)) => until < end,
    }
}

/// `base` give or take 20%, so that a fleet dropped at once does not come back at once.
fn jittered(base: Duration, rng: &mut fastrand::Rng) -> Duration {
    base.mul_f64(0.8 + 0.4 * rng.f64())
}
