//! One simulated device: waits for its ramp slot, connects with its own certificate, publishes
//! a reading every interval, counts acknowledgements, and after a drop reconnects with
//! exponential backoff and sends again what was not acknowledged (at least once, as QoS 1
//! promises). A refusal (a revoked certificate, a policy that says no) is tried again a few
//! times, then ends the device with the broker's reason.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::jobs::{self, JobMessage, JobsPlan};
use super::plan::{FleetPlan, Stop};
use super::retry::{Retry, pause};
use super::shadow::{self, Control};
use super::stats::{Counters, DeviceFailure, FleetEvent, PairingShown};
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, MqttError, QoS};
use crate::sensor::{Model, Reading};

/// How long a stopping device waits for its last acknowledgements.
pub(super) const ACK_GRACE: Duration = Duration::from_secs(5);

/// What a device still owes: readings not made yet and messages not acknowledged yet.
struct Progress {
    made: u64,
    /// What the device's shadow has commanded (kept across reconnections).
    control: Control,
    /// QoS 1 messages sent and not acknowledged: packet id (None once their connection is
    /// gone) and the bytes to send again.
    unacked: VecDeque<(Option<u16>, Bytes)>,
    /// A pairing code was asked for (once per run, not per connection), and whether the
    /// answer came.
    pairing_asked: bool,
    pairing_answered: bool,
}

enum Ended {
    /// Done (count reached, deadline passed, or cancelled) and disconnected.
    Finished,
    /// The connection broke; try again.
    Dropped(MqttError),
}

/// Where device `index` connects, and how: its certificate, its thing name as client id, a
/// clean session.
pub(super) fn connection_for(plan: &FleetPlan, index: usize) -> (Endpoint, ConnectOptions) {
    let spec = &plan.devices[index];
    let name = &spec.name;
    let endpoint = Endpoint::Mtls {
        host: plan.host.clone(),
        port: plan.port,
        trust: plan.trust.clone(),
        identity: spec.identity.clone(),
        alpn: plan.alpn.clone(),
    };
    let mut options = ConnectOptions::new(name.clone());
    // The last will goes to the device's own payload topic, which the device policy allows:
    // the archive rule keeps the "offline" record and the alert rule ignores it (no humidity).
    options.will = Some(crate::mqtt::Will {
        topic: FleetPlan::topic(name),
        payload: Bytes::from(serde_json::json!({"name": name, "status": "offline"}).to_string()),
        qos: QoS::AtLeastOnce,
        retain: false,
    });
    options.max_in_flight = plan.max_in_flight.max(1);
    (endpoint, options)
}

pub(super) async fn run(
    index: usize,
    plan: &FleetPlan,
    counters: &Counters,
    cancel: &CancellationToken,
    events: &(dyn Fn(FleetEvent) + Send + Sync),
    started: Instant,
) -> Option<DeviceFailure> {
    let name = plan.devices[index].name.clone();
    tokio::select! {
        _ = cancel.cancelled() => return None,
        _ = sleep_until(started + plan.ramp_slot(index)) => {}
    }
    let deadline = match plan.stop {
        Stop::After(d) => Some(started + d),
        Stop::Count(_) => None,
    };
    let (endpoint, options) = connection_for(plan, index);
    let mut model = Model::new(plan.seed, index, plan.threshold);
    let mut retry = Retry::new(index, plan, counters, events);
    let mut progress = Progress {
        made: 0,
        control: Control {
            interval: plan.effective_interval(),
            valve_open: false,
        },
        unacked: VecDeque::new(),
        pairing_asked: false,
        pairing_answered: false,
    };
    // Readings are spread over the interval so that a fleet does not publish in bursts.
    let interval = plan.effective_interval();
    let mut next_due = Instant::now() + interval.mul_f64(retry.rng().f64());
    let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let end = deadline.unwrap_or(far);

    loop {
        let conn = match retry
            .connect(
                || Connection::connect(&endpoint, &options),
                started,
                end,
                cancel,
            )
            .await
        {
            Ok(conn) => conn,
            Err(ended) => return ended,
        };

        let ended = serve(
            conn,
            index,
            &name,
            plan,
            counters,
            cancel,
            deadline,
            &mut model,
            &mut progress,
            &mut next_due,
            events,
        )
        .await;
        counters.disconnected();
        match ended {
            Ended::Finished => {
                Counters::add(&counters.done, 1);
                return None;
            }
            Ended::Dropped(e) => {
                for entry in progress.unacked.iter_mut() {
                    entry.0 = None;
                }
                let wait = retry.dropped(&e);
                if !pause(wait, end, cancel).await {
                    return None;
                }
            }
        }
    }
}

/// One connection's life: resend what is owed, then publish on schedule until done.
#[allow(clippy::too_many_arguments)]
async fn serve(
    mut conn: Connection,
    index: usize,
    name: &str,
    plan: &FleetPlan,
    counters: &Counters,
    cancel: &CancellationToken,
    deadline: Option<Instant>,
    model: &mut Model,
    progress: &mut Progress,
    next_due: &mut Instant,
    events: &(dyn Fn(FleetEvent) + Send + Sync),
) -> Ended {
    let topic = FleetPlan::topic(name);
    // Messages a dropped connection never had acknowledged go out again first.
    let owed: Vec<Bytes> = progress.unacked.drain(..).map(|(_, b)| b).collect();
    for payload in owed {
        match conn
            .publish(&topic, payload.clone(), QoS::AtLeastOnce, false)
            .await
        {
            Ok(pid) => progress.unacked.push_back((pid, payload)),
            Err(e) => {
                progress.unacked.push_back((None, payload));
                return Ended::Dropped(e);
            }
        }
    }
    if plan.follow_shadow {
        // Commands arrive through the device's shadow: its deltas, and the desired state
        // as it stands now (asked for once per connection). A policy without shadow rights
        // refuses the subscription, and the device simply goes on without commands.
        let filters = shadow::subscriptions(name);
        let wanted: Vec<(&str, QoS)> = filters
            .iter()
            .map(|f| (f.as_str(), QoS::AtLeastOnce))
            .collect();
        match conn.subscribe(&wanted).await {
            Ok(granted) if granted.iter().all(Option::is_some) => {
                if let Err(e) = conn
                    .publish(
                        &shadow::get_topic(name),
                        Bytes::from_static(b"{}"),
                        QoS::AtMostOnce,
                        false,
                    )
                    .await
                {
                    return Ended::Dropped(e);
                }
            }
            Ok(_) => {}
            Err(e) => return Ended::Dropped(e),
        }
    }
    if plan.jobs.is_some() {
        // Jobs: told of the next pending execution, and asked for it now, so that what was
        // queued while the device was away is picked up.
        let filters = jobs::subscriptions(name);
        let wanted: Vec<(&str, QoS)> = filters
            .iter()
            .map(|f| (f.as_str(), QoS::AtLeastOnce))
            .collect();
        match conn.subscribe(&wanted).await {
            Ok(granted) if granted.iter().all(Option::is_some) => {
                let request = jobs::start_next_request(name);
                let topic = jobs::start_next_topic(name);
                if let Err(e) = conn.publish(&topic, request, QoS::AtLeastOnce, false).await {
                    return Ended::Dropped(e);
                }
            }
            Ok(_) => {}
            Err(e) => return Ended::Dropped(e),
        }
    }
    if plan.pairing && !progress.pairing_asked {
        // The code comes back on the device's own code topic, to it alone.
        let filter = crate::pairing::code_topic(name);
        match conn.subscribe(&[(filter.as_str(), QoS::AtLeastOnce)]).await {
            Ok(granted) if granted.iter().all(Option::is_some) => {
                let request = crate::pairing::request_topic(name);
                let asked = Bytes::from_static(b"{}");
                if let Err(e) = conn.publish(&request, asked, QoS::AtLeastOnce, false).await {
                    return Ended::Dropped(e);
                }
                progress.pairing_asked = true;
            }
            Ok(_) => {
                progress.pairing_asked = true;
                progress.pairing_answered = true;
                events(FleetEvent::GaveUp {
                    device: name.to_owned(),
                    error: format!(
                        "cannot ask for a pairing code: the policy refuses a subscription to {filter} (deploy the stack again to have the pairing topics)"
                    ),
                });
            }
            Err(e) => return Ended::Dropped(e),
        }
    }
    let code_topic = plan.pairing.then(|| crate::pairing::code_topic(name));
    let limited = |wanted: Duration| match plan.max_publish_rate {
        Some(rate) if rate > 0 => wanted.max(Duration::from_secs(1) / rate),
        _ => wanted,
    };
    let mut interval = limited(progress.control.interval);
    let wants_more = |made: u64| plan.wants_more(made);
    let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    // A device done with its readings still waits a while for its pairing code.
    let mut code_grace: Option<Instant> = None;
    loop {
        let waiting_for_code = progress.pairing_asked && !progress.pairing_answered;
        if !wants_more(progress.made) && progress.unacked.is_empty() && !waiting_for_code {
            return finish(conn, progress, counters).await;
        }
        let more = wants_more(progress.made);
        if !more && waiting_for_code && code_grace.is_none() {
            code_grace = Some(Instant::now() + ACK_GRACE);
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return finish(conn, progress, counters).await,
            _ = sleep_until(deadline.unwrap_or(far)), if deadline.is_some() => {
                return finish(conn, progress, counters).await;
            }
            _ = sleep_until(code_grace.unwrap_or(far)), if code_grace.is_some() && waiting_for_code => {
                progress.pairing_answered = true;
                events(FleetEvent::GaveUp {
                    device: name.to_owned(),
                    error: format!(
                        "no pairing code came back within {}s of asking (is the stack's pairing rule deployed?)",
                        ACK_GRACE.as_secs()
                    ),
                });
                continue;
            }
            event = conn.next_event() => match event {
                Ok(Event::PubAck(pid)) => acknowledge(progress, counters, pid),
                Ok(Event::Message(m)) => {
                    if code_topic.as_deref() == Some(m.topic.as_str()) {
                        progress.pairing_answered = true;
                        if let Some(shown) = PairingShown::read(name, &m.payload) {
                            counters
                                .pairing
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(shown.clone());
                            events(FleetEvent::Pairing(shown));
                        }
                        continue;
                    }
                    if let Some(jobs_plan) = &plan.jobs {
                        match jobs::classify(name, &m.topic, &m.payload) {
                            JobMessage::Nothing => {}
                            JobMessage::AskNext => {
                                let request = jobs::start_next_request(name);
                                let topic = jobs::start_next_topic(name);
                                if let Err(e) = conn.publish(&topic, request, QoS::AtLeastOnce, false).await {
                                    return Ended::Dropped(e);
                                }
                                continue;
                            }
                            JobMessage::Run { job_id, document } => {
                                if let Err(e) = run_job(&mut conn, index, name, plan, jobs_plan, &job_id, &document, counters).await {
                                    return Ended::Dropped(e);
                                }
                                continue;
                            }
                        }
                    }
                    let Some(desired) = shadow::desired_of(name, &m.topic, &m.payload) else {
                        continue;
                    };
                    let next = shadow::apply(progress.control, &desired);
                    if next == progress.control {
                        continue;
                    }
                    progress.control = next;
                    model.set_valve(next.valve_open);
                    interval = limited(next.interval);
                    *next_due = (*next_due).min(Instant::now() + interval);
                    let report = Bytes::from(shadow::report(next));
                    if let Err(e) = conn
                        .publish(&shadow::update_topic(name), report, QoS::AtLeastOnce, false)
                        .await
                    {
                        return Ended::Dropped(e);
                    }
                }
                Err(e) => return Ended::Dropped(e),
            },
            _ = sleep_until(*next_due), if more => {
                let now = Instant::now();
                *next_due += interval;
                if *next_due + interval < now {
                    // Far behind (a slow machine, a long reconnect): skip, do not burst.
                    *next_due = now + interval;
                }
                let humidity = model.next(plan.model_step.unwrap_or(interval));
                let reading = Reading {
                    name: name.to_string(),
                    humidity: humidity.round() as i64,
                    time_ms: crate::clock::now_ms() as u64,
                };
                if (reading.humidity as f64) < plan.threshold {
                    Counters::add(&counters.under_threshold, 1);
                }
                let payload = Bytes::from(reading.payload());
                progress.made += 1;
                Counters::add(&counters.sent, 1);
                match conn.publish(&topic, payload.clone(), plan.qos, false).await {
                    Ok(Some(pid)) => progress.unacked.push_back((Some(pid), payload)),
                    Ok(None) => {}
                    Err(e) => {
                        if plan.qos == QoS::AtLeastOnce {
                            progress.unacked.push_back((None, payload));
                        }
                        return Ended::Dropped(e);
                    }
                }
            }
        }
    }
}

fn acknowledge(progress: &mut Progress, counters: &Counters, pid: u16) {
    if let Some(at) = progress.unacked.iter().position(|(p, _)| *p == Some(pid)) {
        progress.unacked.remove(at);
        Counters::add(&counters.acknowledged, 1);
    }
}

/// Waits (a bounded time) for outstanding acknowledgements, then disconnects cleanly.
async fn finish(mut conn: Connection, progress: &mut Progress, counters: &Counters) -> Ended {
    let until = Instant::now() + ACK_GRACE;
    while progress.unacked.iter().any(|(p, _)| p.is_some()) {
        tokio::select! {
            _ = sleep_until(until) => break,
            event = conn.next_event() => match event {
                Ok(Event::PubAck(pid)) => acknowledge(progress, counters, pid),
                Ok(Event::Message(_)) => {}
                Err(_) => return Ended::Finished,
            },
        }
    }
    let _ = conn.disconnect().await;
    Ended::Finished
}

/// Whether device `index` of `count` is one whose download is corrupted: exactly the share
/// `rate` of the fleet, spread over it.
pub(super) fn tampers(index: usize, rate: f64) -> bool {
    let rate = rate.clamp(0.0, 1.0);
    ((index + 1) as f64 * rate).floor() > (index as f64 * rate).floor()
}

/// Carries out one execution and reports it: the update, and for an installed image the
/// shadow's reported `firmwareVersion`; then asks for the next one.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run_job(
    conn: &mut Connection,
    index: usize,
    name: &str,
    plan: &FleetPlan,
    jobs_plan: &JobsPlan,
    job_id: &str,
    document: &serde_json::Value,
    counters: &Counters,
) -> Result<(), MqttError> {
    let key_pem = rcgen::KeyPair::try_from(plan.devices[index].identity.key.secret_der())
        .map(|k| k.serialize_pem())
        .unwrap_or_default();
    let tamper = tampers(index, jobs_plan.tamper_rate);
    let (outcome, download) =
        jobs::perform(document, &plan.trust, jobs_plan, &key_pem, tamper).await;
    if let Some(d) = download {
        counters.downloaded(d.bytes, d.started, d.ended);
    }
    if outcome.status == "SUCCEEDED" {
        Counters::add(&counters.jobs_succeeded, 1);
    } else {
        Counters::add(&counters.jobs_failed, 1);
    }
    let (topic, payload) = jobs::update_request(name, job_id, &outcome);
    conn.publish(&topic, payload, QoS::AtLeastOnce, false)
        .await?;
    if let Some(version) = &outcome.installed {
        let report = jobs::installed_report(version);
        conn.publish(&shadow::update_topic(name), report, QoS::AtLeastOnce, false)
            .await?;
    }
    let request = jobs::start_next_request(name);
    conn.publish(
        &jobs::start_next_topic(name),
        request,
        QoS::AtLeastOnce,
        false,
    )
    .await?;
    Ok(())
}
