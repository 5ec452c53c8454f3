//! `soilctl local up`: the local backend in the foreground until Ctrl-C or SIGTERM, printing
//! connections, rule firings and alerts on stderr (alerts also as lines on stdout). The
//! backend itself is [`crate::local::server::Server`].

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::line_budget::LineBudget;
use crate::local::broker::{BrokerEvent, SessionSettings};
use crate::local::control::LOCAL_HOST;
use crate::local::rules::RuleEvent;
use crate::local::server::{Observers, Server};
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::LocalUpSettings;

pub async fn run(
    state: &StateDir,
    s: &LocalUpSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let printer = Arc::new(printer.clone());
    let sessions = SessionSettings {
        max_expiry_secs: s.session_expiry_secs,
        ..SessionSettings::default()
    };
    let server = Server::start_with(
        state,
        s.port,
        Some(s.api_port),
        Some(s.https_port),
        sessions,
        observers(&printer),
    )
    .await?;
    let addr = server.local_addr();
    printer.info(format!(
        "{} mqtts://{LOCAL_HOST}:{} (mutual TLS; CA {})",
        printer.green("Local backend up:"),
        addr.port(),
        state.ca_dir().join("ca.pem").display()
    ));
    if let Some(api) = server.api_addr() {
        printer.info(format!(
            "  AWS APIs on http://{api} (eval \"$(soilctl local env)\" points the AWS CLI and boto3 there)"
        ));
    }
    if let Some(https) = server.https_addr() {
        printer.info(format!(
            "  devices' HTTPS on https://{LOCAL_HOST}:{} (POST /topics/TOPIC?qos=1 and /things/NAME/shadow, with the device's certificate)",
            https.port()
        ));
    }
    printer.info(format!(
        "  state {}  |  operator identity {}  |  Ctrl-C stops",
        state.root().display(),
        state.operator_dir().display()
    ));

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }

    printer.info("Stopping: closing connections and finishing every accepted message");
    let stats = server.stop().await?;
    printer.info(format!(
        "Stopped cleanly: {} message(s), {} rule firing(s), {} object(s) archived, {} alert(s), {} action failure(s)",
        stats.messages, stats.fired, stats.archived, stats.alerts, stats.failures
    ));
    Ok(ExitCode::SUCCESS)
}

/// How `local up` reports: broker events and rule events on stderr, alerts also on stdout.
pub(crate) fn observers(printer: &Arc<Printer>) -> Observers {
    let broker = {
        let log = Budgeted::new(printer.clone(), BROKER_LINES_PER_SECOND, "broker event(s)");
        Arc::new(move |e: BrokerEvent| log.print(|| e.to_string()))
    };
    let rules = {
        let log = RuleLog::new(printer.clone());
        Arc::new(move |e: RuleEvent| log.event(e))
    };
    let reloaded = {
        let p = printer.clone();
        Arc::new(move |r: Result<usize, String>| match r {
            Ok(n) => p.info(format!("registry changed: {n} topic rule(s) loaded")),
            Err(e) => p.warn(e),
        })
    };
    Observers {
        broker,
        rules,
        reloaded,
    }
}

/// Rule events printed per second before they are only counted (a busy backend would
/// otherwise spend its time writing to the terminal).
const EVENT_LINES_PER_SECOND: u64 = 20;
/// Broker events (connections, disconnections, refusals) printed per second before they are
/// only counted: a flood of bad connections must not become a flood of lines.
const BROKER_LINES_PER_SECOND: u64 = 50;

/// Lines of one kind, up to a rate (every line with `--verbose`), then counted.
struct Budgeted {
    printer: Arc<Printer>,
    budget: std::sync::Mutex<LineBudget>,
    /// What the left-out lines were, for the count: "rule event(s)".
    what: &'static str,
}

impl Budgeted {
    fn new(printer: Arc<Printer>, per_second: u64, what: &'static str) -> Self {
        Budgeted {
            printer,
            budget: std::sync::Mutex::new(LineBudget::new(per_second, Instant::now())),
            what,
        }
    }

    fn print(&self, line: impl FnOnce() -> String) {
        let p = &self.printer;
        let admission = self
            .budget
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .admit(Instant::now(), p.verbose());
        if let Some(n) = admission.left_out_before {
            p.info(format!(
                "  ... and {n} more {} in the last second",
                self.what
            ));
        }
        if admission.print {
            p.info(line());
        }
    }
}

/// Prints rule events: alerts and failures always, the rest up to a rate, then counted.
struct RuleLog {
    printer: Arc<Printer>,
    others: Budgeted,
}

impl RuleLog {
    fn new(printer: Arc<Printer>) -> Self {
        RuleLog {
            others: Budgeted::new(printer.clone(), EVENT_LINES_PER_SECOND, "rule event(s)"),
            printer,
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
            RuleEvent::Replayed { .. } => p.info(describe(&e)),
            RuleEvent::JournalFailed { .. } => p.warn(describe(&e)),
            other => self.others.print(|| describe(other)),
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
        RuleEvent::Replayed { messages } => format!(
            "journal: running the rules again on {messages} message(s) accepted before the last stop"
        ),
        RuleEvent::JournalFailed { error } => format!(
            "journal: {error}; acknowledgements now wait for the rules (free disk space, then restart)"
        ),
        RuleEvent::Registered {
            certificate_id,
            thing,
            ..
        } => format!(
            "just-in-time registration: certificate {certificate_id} activated for thing {thing}"
        ),
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
