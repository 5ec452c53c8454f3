//! `soilctl local up`: the local backend in the foreground until Ctrl-C.
//!
//! Wiring: the broker hands every accepted message to the rules engine through a bounded
//! channel (a QoS 1 message is acknowledged only once it is in that channel); the rules
//! engine writes the bucket, runs the alert function and appends alerts. Every 200 ms the
//! registry's generation is read: a change made by another soilctl (a new thing, a deactivated
//! certificate, a redeploy) reloads the gate's snapshot and the rules without a restart.
//! Ctrl-C or SIGTERM: the broker stops accepting and closes its clients, the engine drains
//! every message already accepted, and only then does the process exit.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::local::authority::Authority;
use crate::local::broker::{self, BrokerConfig, BrokerEvent, Publisher};
use crate::local::control::{LOCAL_HOST, Local, deployed_everything};
use crate::local::gate::Inbound;
use crate::local::registry::Registry;
use crate::local::rules::{self, Engine, RuleEvent};
use crate::local::state::StateDir;
use crate::printer::Printer;

/// Messages accepted by the broker and not yet taken by the rules engine.
const QUEUE: usize = 8192;
/// How often the registry is checked for changes.
const RELOAD_EVERY: Duration = Duration::from_millis(200);

pub async fn run(state: &StateDir, port: u16, printer: &Printer) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    let (server_chain, server_key) = local
        .ca
        .server_identity(&state.ca_dir())
        .context("preparing the broker's server certificate")?;
    let authority = Arc::new(Authority::new(
        Registry::open(&state.registry())?,
        &local.ca,
    )?);
    let printer = Arc::new(printer.clone());

    // The rules engine.
    let broker_cell: Arc<OnceLock<Publisher>> = Arc::new(OnceLock::new());
    let republish = {
        let cell = broker_cell.clone();
        Arc::new(move |topic: String, payload: Bytes, qos: u8| {
            if let Some(b) = cell.get() {
                b.publish(&topic, payload, qos, false);
            }
        })
    };
    let rule_events = {
        let log = RuleLog::new(printer.clone());
        Arc::new(move |e: RuleEvent| log.event(e))
    };
    let ruleset = load_rules(&local.registry)?;
    let engine = Arc::new(Engine::new(ruleset, state.clone(), republish, rule_events));
    let (tx, rx) = tokio::sync::mpsc::channel::<Inbound>(QUEUE);
    let engine_task = rules::spawn(engine.clone(), rx);

    // The broker.
    let shutdown = CancellationToken::new();
    let bind = SocketAddr::from(([127, 0, 0, 1], port));
    let broker_events = {
        let p = printer.clone();
        Arc::new(move |e: BrokerEvent| print_broker_event(&p, e))
    };
    let handle = broker::start(
        BrokerConfig {
            bind,
            server_chain,
            server_key,
            max_packet_bytes: 128 * 1024,
        },
        authority.clone(),
        tx,
        broker_events,
        shutdown.clone(),
    )
    .await
    .map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(": another program (or another `soilctl local up`) uses port {port}; pick another with --port")
        } else {
            String::new()
        };
        anyhow::anyhow!("cannot listen on {bind}: {e}{hint}")
    })?;
    let addr = handle.local_addr();
    let _ = broker_cell.set(handle.publisher());
    write_broker_file(state, addr)?;

    printer.info(format!(
        "{} mqtts://{LOCAL_HOST}:{} (mutual TLS; CA {})",
        printer.green("Local backend up:"),
        addr.port(),
        state.ca_dir().join("ca.pem").display()
    ));
    printer.info(format!(
        "  state {}  |  operator identity {}  |  Ctrl-C stops",
        state.root().display(),
        state.operator_dir().display()
    ));

    // Reload on registry changes until a signal.
    let mut generation = local.registry.generation()?;
    let mut tick = tokio::time::interval(RELOAD_EVERY);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
            _ = tick.tick() => {
                let now = match local.registry.generation() {
                    Ok(g) => g,
                    Err(e) => {
                        printer.warn(format!("reading the registry: {e}"));
                        continue;
                    }
                };
                if now == generation {
                    continue;
                }
                generation = now;
                if let Err(e) = authority.refresh_if_changed() {
                    printer.warn(format!("reloading certificates and policies: {}", crate::error::one_line(&e)));
                }
                match load_rules(&local.registry) {
                    Ok(set) => {
                        let n = set.len();
                        engine.replace_rules(set);
                        printer.info(format!("registry changed: {n} topic rule(s) loaded"));
                    }
                    Err(e) => printer.warn(format!("registry changed but its rules cannot run, keeping the previous ones: {}", crate::error::one_line(&e))),
                }
            }
        }
    }

    printer.info("Stopping: closing connections and finishing every accepted message");
    shutdown.cancel();
    // Every connection closed and every accepted message handed over; the hand-over channel
    // then closes and the engine drains what it holds.
    handle.closed().await;
    let stats = engine_task
        .await
        .context("the rules engine stopped abnormally")?;
    let _ = std::fs::remove_file(state.broker_file());
    printer.info(format!(
        "Stopped cleanly: {} message(s), {} rule firing(s), {} object(s) archived, {} alert(s), {} action failure(s)",
        stats.messages, stats.fired, stats.archived, stats.alerts, stats.failures
    ));
    Ok(ExitCode::SUCCESS)
}

fn load_rules(registry: &Registry) -> anyhow::Result<rules::RuleSet> {
    let (defs, deployed) = deployed_everything(registry)?;
    Ok(rules::compile(&defs, &deployed)?)
}

fn write_broker_file(state: &StateDir, addr: SocketAddr) -> anyhow::Result<()> {
    let info = serde_json::json!({
        "pid": std::process::id(),
        "host": LOCAL_HOST,
        "address": addr.to_string(),
        "port": addr.port(),
        "caFile": state.ca_dir().join("ca.pem"),
        "startedMs": crate::clock::now_ms(),
    });
    crate::pki::write_file(
        &state.broker_file(),
        format!("{info:#}\n").as_bytes(),
        0o644,
    )
}

fn print_broker_event(p: &Printer, e: BrokerEvent) {
    p.info(e.to_string());
}

/// Rule events printed per second before they are only counted (a busy backend would
/// otherwise spend its time writing to the terminal).
const EVENT_LINES_PER_SECOND: u64 = 20;

/// Prints rule events: alerts and failures always, the rest up to a rate, then counted.
struct RuleLog {
    printer: Arc<Printer>,
    window: std::sync::Mutex<(std::time::Instant, u64, u64)>,
}

impl RuleLog {
    fn new(printer: Arc<Printer>) -> Self {
        RuleLog {
            printer,
            window: std::sync::Mutex::new((std::time::Instant::now(), 0, 0)),
        }
    }

    fn event(&self, e: RuleEvent) {
        let p = &self.printer;
        match &e {
            RuleEvent::Alert {
                rule,
                subject,
                body,
                recipient,
            } => {
                p.info(format!(
                    "{} {rule}: to {recipient}: {}{body}",
                    p.yellow("alert"),
                    subject
                        .as_deref()
                        .map(|s| format!("{s}: "))
                        .unwrap_or_default()
                ));
                // Alerts are data as well: one line each on stdout.
                let line = if p.is_json() {
                    serde_json::json!({
                        "rule": rule, "recipient": recipient, "subject": subject, "body": body,
                    })
                    .to_string()
                } else {
                    format!("{recipient}\t{}\t{body}", subject.as_deref().unwrap_or("-"))
                };
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            RuleEvent::ActionFailed {
                rule,
                action,
                error,
            } => p.warn(format!(
                "rule {rule}: {action} action failed: {error} (the error action runs)"
            )),
            RuleEvent::ErrorActionFailed {
                rule,
                action,
                error,
            } => p.warn(format!(
                "rule {rule}: error action {action} failed too: {error}"
            )),
            other => {
                let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
                if w.0.elapsed() >= Duration::from_secs(1) {
                    if w.2 > 0 {
                        p.info(format!("  ... and {} more rule event(s)", w.2));
                    }
                    *w = (std::time::Instant::now(), 0, 0);
                }
                if w.1 < EVENT_LINES_PER_SECOND || p.verbose() {
                    w.1 += 1;
                    drop(w);
                    p.info(describe(other));
                } else {
                    w.2 += 1;
                }
            }
        }
    }
}

fn describe(e: &RuleEvent) -> String {
    match e {
        RuleEvent::Fired { rule, topic } => format!("rule {rule} fired on {topic}"),
        RuleEvent::Archived {
            rule,
            bucket,
            key,
            bytes,
        } => format!("rule {rule}: archived s3://{bucket}/{key} ({bytes} bytes)"),
        RuleEvent::Republished { rule, topic } => format!("rule {rule}: republished to {topic}"),
        RuleEvent::Logged { rule, log_group } => {
            format!("rule {rule}: logged to log group {log_group}")
        }
        RuleEvent::Alert { rule, body, .. } => format!("rule {rule}: alert {body}"),
        RuleEvent::ActionFailed {
            rule,
            action,
            error,
        }
        | RuleEvent::ErrorActionFailed {
            rule,
            action,
            error,
        } => {
            format!("rule {rule}: {action} failed: {error}")
        }
    }
}
