//! What `status --local` adds to the stack's status: the state directory, the running
//! `local up` and the latest alerts, which only the local backend keeps (on AWS they are
//! e-mails).

use std::collections::BTreeSet;
use std::process::ExitCode;

use serde::Serialize;

use super::{Status, text};
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::state::StateDir;
use crate::printer::Printer;

/// How many of the latest alerts status shows.
const ALERTS_SHOWN: usize = 10;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocalStatus {
    #[serde(flatten)]
    status: Status,
    state_dir: String,
    broker: Option<serde_json::Value>,
    alerts: Vec<serde_json::Value>,
}

pub(super) fn print(
    status: Status,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    let mut alerts = Vec::new();
    if let Some(stack) = local.stack(&status.stack_name)? {
        let (_, deployed) = crate::local::control::deployed_of(&stack.resources)?;
        let topics: BTreeSet<String> = deployed.topics.keys().cloned().collect();
        alerts = local.alerts(&topics, ALERTS_SHOWN);
    }
    let broker = std::fs::read_to_string(state.broker_file())
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .filter(|_| crate::local::server::find_running(state).is_ok());
    let status = LocalStatus {
        status,
        state_dir: state.root().display().to_string(),
        broker,
        alerts,
    };
    printer.result(&status, || {
        let mut out = text(&status.status);
        out.push_str(&format!("\nstate          {}\n", status.state_dir));
        let number = |b: &serde_json::Value, k: &str| {
            b.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0)
        };
        match &status.broker {
            Some(b) => out.push_str(&format!(
                "broker         mqtts://{LOCAL_HOST}:{} (pid {}, `soilctl local up`)\n",
                number(b, "port"),
                number(b, "pid"),
            )),
            None => out.push_str("broker         not running (start it with `soilctl local up`)\n"),
        }
        if status.status.exists {
            out.push_str(&format!("\nlatest alerts ({})\n", status.alerts.len()));
            for a in &status.alerts {
                let field = |k: &str| a.get(k).and_then(serde_json::Value::as_str).unwrap_or("-");
                out.push_str(&format!(
                    "{}  to {}  {}: {}\n",
                    field("time"),
                    field("recipient"),
                    field("subject"),
                    field("body")
                ));
            }
        }
        out
    })?;
    Ok(ExitCode::SUCCESS)
}
