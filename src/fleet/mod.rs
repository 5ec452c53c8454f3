//! The simulated fleet: one task per device, each with its own identity and its own MQTT
//! connection, publishing the humidity model's readings until a count or a deadline.
//!
//! Parts:
//! - `plan`: what to run (devices, endpoint, timing, limits), built by the command.
//! - `stats`: counters every device task updates and the display reads; the summary.
//! - `device`: one device's life: ramp slot, connect with backoff, publish, acknowledge,
//!   reconnect after a drop, clean disconnect.
//! - `sleeper`: a device that sleeps between readings: wake on a persistent session, publish
//!   one reading, take what the broker queued, disconnect, sleep.
//! - `retry`: the way back after a failed or broken connection, for both kinds of device.
//! - `shadow`: following the desired state in the device's shadow and reporting it.
//! - `jobs` and `download`: obeying jobs (firmware images, encrypted files): notify-next,
//!   start-next, the presigned download, the checks, the update.
//! - `https`: devices that POST their readings over HTTPS instead ([`run_over_https`]), with
//!   no shadow and no jobs.
//!
//! Nothing here knows about AWS or the local backend: the command resolves the endpoint and
//! the identities; this module only speaks MQTT (or HTTPS publish).

mod device;
pub(crate) mod download;
pub mod https;
pub mod jobs;
pub mod onboard;
mod plan;
mod retry;
pub mod shadow;
mod sleeper;
mod stats;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use plan::{DeviceSpec, FleetPlan, Stop};
pub use stats::{Counters, DeviceFailure, DownloadSummary, FleetEvent, Summary};

/// Runs the fleet until every device is done or `cancel` fires; returns the summary.
/// `events` is told about refusals, drops and reconnections as they happen.
pub async fn run(
    plan: FleetPlan,
    counters: Arc<Counters>,
    cancel: CancellationToken,
    events: Arc<dyn Fn(FleetEvent) + Send + Sync>,
) -> Summary {
    run_as(false, plan, counters, cancel, events).await
}

/// [`run`] with devices that POST each reading over HTTPS (`plan.host:plan.port`, AWS IoT
/// Core's port 8443) instead of publishing over MQTT; shadows, jobs and sleep do not apply.
pub async fn run_over_https(
    plan: FleetPlan,
    counters: Arc<Counters>,
    cancel: CancellationToken,
    events: Arc<dyn Fn(FleetEvent) + Send + Sync>,
) -> Summary {
    run_as(true, plan, counters, cancel, events).await
}

async fn run_as(
    over_https: bool,
    plan: FleetPlan,
    counters: Arc<Counters>,
    cancel: CancellationToken,
    events: Arc<dyn Fn(FleetEvent) + Send + Sync>,
) -> Summary {
    let started = std::time::Instant::now();
    let t0 = tokio::time::Instant::now();
    let plan = Arc::new(plan);
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..plan.devices.len() {
        let plan = plan.clone();
        let counters = counters.clone();
        let cancel = cancel.clone();
        let events = events.clone();
        tasks.spawn(async move {
            if over_https {
                https::run(index, &plan, &counters, &cancel, &*events, t0).await
            } else if plan.sleep.is_some() {
                sleeper::run(index, &plan, &counters, &cancel, &*events, t0).await
            } else {
                device::run(index, &plan, &counters, &cancel, &*events, t0).await
            }
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Some(failure)) => failures.push(failure),
            Ok(None) => {}
            Err(e) => failures.push(DeviceFailure {
                device: "?".into(),
                error: format!("device task ended abnormally: {e}"),
            }),
        }
    }
    failures.sort_by(|a, b| crate::aws::iot::natural_cmp(&a.device, &b.device));
    counters.summary(
        plan.devices.len(),
        started.elapsed(),
        cancel.is_cancelled(),
        failures,
    )
}
