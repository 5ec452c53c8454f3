//! A battery-powered device: it wakes, connects on a persistent session, publishes one reading,
//! applies what its shadow sent while it slept, disconnects cleanly (DISCONNECT, so no will)
//! and sleeps. The broker keeps its subscriptions and queues the QoS 1 messages for it (a
//! shadow delta, a command) until the next wake; the client's half of the session sends again,
//! with DUP, what the broker never acknowledged. The device subscribes on its first wake only;
//! when a later wake finds the broker without its session, the client subscribes again and
//! the device asks for its shadow to catch up.

use std::collections::HashSet;

use bytes::Bytes;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::device::{ACK_GRACE, connection_for};
use super::plan::FleetPlan;
use super::retry::{Retry, pause};
use super::shadow::{self, Control};
use super::stats::{Counters, DeviceFailure, FleetEvent};
use crate::mqtt::{Connection, Event, MqttError, QoS, Session};
use crate::sensor::{Model, Reading};

/// What a sleeping device keeps from one wake to the next.
struct Memory {
    session: Session,
    /// The first wake subscribed, to the shadow and jobs topics (whether or not the broker
    /// granted it).
    asked_to_subscribe: bool,
    /// The broker granted the shadow subscriptions: the device follows its shadow.
    follows_shadow: bool,
    /// The broker granted the jobs subscriptions: the device asks for its next job each wake.
    follows_jobs: bool,
    /// Packet ids of readings not acknowledged yet (they go out again with the session).
    readings: HashSet<u16>,
    control: Control,
    made: u64,
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
    let end = plan.end(started);
    let wants_more = |made: u64| plan.wants_more(made);
    let (endpoint, mut options) = connection_for(plan, index);
    options.clean_session = false;
    let mut model = Model::new(plan.seed, index, plan.threshold);
    let mut retry = Retry::new(index, plan, counters, events);
    let mut memory = Memory {
        session: Session::new(),
        asked_to_subscribe: false,
        follows_shadow: false,
        follows_jobs: false,
        readings: HashSet::new(),
        control: Control {
            interval: plan.sleep.unwrap_or(plan.interval),
            valve_open: false,
        },
        made: 0,
    };
    loop {
        let conn = match retry
            .connect(
                || Connection::resume(&endpoint, &options, memory.session.clone()),
                started,
                end,
                cancel,
            )
            .await
        {
            Ok(conn) => conn,
            Err(ended) => return ended,
        };
        Counters::add(&counters.wakes, 1);
        let woke = wake(conn, &name, plan, counters, &mut model, &mut memory).await;
        counters.disconnected();
        if let Err(e) = woke {
            let wait = retry.dropped(&e);
            if !pause(wait, end, cancel).await {
                return None;
            }
            continue;
        }
        if !wants_more(memory.made) {
            Counters::add(&counters.done, 1);
            return None;
        }
        // Asleep, disconnected, until the next reading is due.
        if !pause(memory.control.interval, end, cancel).await {
            return None;
        }
    }
}

/// One wake on an open connection, then DISCONNECT; the session's state is kept in `memory`
/// whatever happens.
async fn wake(
    mut conn: Connection,
    name: &str,
    plan: &FleetPlan,
    counters: &Counters,
    model: &mut Model,
    memory: &mut Memory,
) -> Result<(), MqttError> {
    let awake = awake(&mut conn, name, plan, counters, model, memory).await;
    memory.session = conn.session();
    awake?;
    conn.disconnect().await
}

/// Subscribes if this is the first wake, publishes the reading, and stays awake until every
/// QoS 1 publish is acknowledged (at most `ACK_GRACE`), following the shadow messages the
/// broker delivers meanwhile: those it queued while the device slept come first.
async fn awake(
    conn: &mut Connection,
    name: &str,
    plan: &FleetPlan,
    counters: &Counters,
    model: &mut Model,
    memory: &mut Memory,
) -> Result<(), MqttError> {
    if conn.session_present() {
        Counters::add(&counters.resumed, 1);
    }
    if !memory.asked_to_subscribe && (plan.follow_shadow || plan.jobs.is_some()) {
        // One SUBSCRIBE on the first wake, for the shadow and the jobs topics; the persistent
        // session keeps it.
        let shadow_filters: Vec<String> = match plan.follow_shadow {
            true => shadow::subscriptions(name).to_vec(),
            false => Vec::new(),
        };
        let job_filters: Vec<String> = match plan.jobs {
            Some(_) => super::jobs::subscriptions(name).to_vec(),
            None => Vec::new(),
        };
        let wanted: Vec<(&str, QoS)> = shadow_filters
            .iter()
            .chain(&job_filters)
            .map(|f| (f.as_str(), QoS::AtLeastOnce))
            .collect();
        let granted = conn.subscribe(&wanted).await?;
        memory.asked_to_subscribe = true;
        // A policy without shadow (or jobs) rights refuses, and the device goes on without.
        let (for_shadow, for_jobs) = granted.split_at(shadow_filters.len().min(granted.len()));
        memory.follows_shadow =
            !shadow_filters.is_empty() && for_shadow.iter().all(Option::is_some);
        memory.follows_jobs = !job_filters.is_empty() && for_jobs.iter().all(Option::is_some);
        if memory.follows_shadow {
            ask_for_shadow(conn, name).await?;
        }
    } else if memory.follows_shadow && !conn.session_present() {
        // The broker lost the session, and with it what was queued: catch up.
        ask_for_shadow(conn, name).await?;
    }
    if memory.follows_jobs {
        // What was queued while the device slept: asked for on every wake.
        let request = super::jobs::start_next_request(name);
        conn.publish(
            &super::jobs::start_next_topic(name),
            request,
            QoS::AtLeastOnce,
            false,
        )
        .await?;
    }

    let humidity = model.next(plan.model_step.unwrap_or(memory.control.interval));
    let reading = Reading {
        name: name.to_string(),
        humidity: humidity.round() as i64,
        time_ms: crate::clock::now_ms() as u64,
    };
    if (reading.humidity as f64) < plan.threshold {
        Counters::add(&counters.under_threshold, 1);
    }
    memory.made += 1;
    Counters::add(&counters.sent, 1);
    let topic = FleetPlan::topic(name);
    if let Some(id) = conn
        .publish(&topic, Bytes::from(reading.payload()), plan.qos, false)
        .await?
    {
        memory.readings.insert(id);
    }

    let until = Instant::now() + ACK_GRACE;
    while conn.in_flight() > 0 || conn.has_queued_events() {
        let event = tokio::select! {
            _ = sleep_until(until) => break,
            event = conn.next_event() => event?,
        };
        match event {
            Event::PubAck(id) => {
                if memory.readings.remove(&id) {
                    Counters::add(&counters.acknowledged, 1);
                }
            }
            Event::Message(m) => {
                if let Some(jobs_plan) = &plan.jobs {
                    match super::jobs::classify(name, &m.topic, &m.payload) {
                        super::jobs::JobMessage::Nothing => {}
                        super::jobs::JobMessage::AskNext => {
                            let request = super::jobs::start_next_request(name);
                            let topic = super::jobs::start_next_topic(name);
                            conn.publish(&topic, request, QoS::AtLeastOnce, false)
                                .await?;
                            continue;
                        }
                        super::jobs::JobMessage::Run { job_id, document } => {
                            let index = plan
                                .devices
                                .iter()
                                .position(|d| d.name == name)
                                .unwrap_or(0);
                            super::device::run_job(
                                conn, index, name, plan, jobs_plan, &job_id, &document, counters,
                            )
                            .await?;
                            continue;
                        }
                    }
                }
                let Some(desired) = shadow::desired_of(name, &m.topic, &m.payload) else {
                    continue;
                };
                let next = shadow::apply(memory.control, &desired);
                if next == memory.control {
                    continue;
                }
                memory.control = next;
                model.set_valve(next.valve_open);
                let report = Bytes::from(shadow::report(next));
                conn.publish(&shadow::update_topic(name), report, QoS::AtLeastOnce, false)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Asks for the shadow as it stands; the answer comes on `get/accepted`, on this wake or,
/// queued by the broker, on the next.
async fn ask_for_shadow(conn: &mut Connection, name: &str) -> Result<(), MqttError> {
    conn.publish(
        &shadow::get_topic(name),
        Bytes::from_static(b"{}"),
        QoS::AtMostOnce,
        false,
    )
    .await
    .map(|_| ())
}
