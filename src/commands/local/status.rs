//! `soilctl status --local`: the stack, the devices, the archive and the latest alerts.

use std::collections::BTreeSet;
use std::process::ExitCode;

use serde::Serialize;

use crate::aws::sns::Subscription;
use crate::commands::status::{Archive, Status, text};
use crate::local::control::Local;
use crate::local::registry::REGION;
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::stack::Backend;

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

fn of_type<'a>(stack: &'a crate::local::registry::StackRecord, kind: &str) -> Vec<&'a str> {
    stack
        .resources
        .iter()
        .filter(|r| r.resource_type == kind)
        .map(|r| r.physical_id.as_str())
        .collect()
}

pub fn run(stack_name: &str, state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    let stack = local.stack(stack_name)?;
    let mut things = super::thing::infos(&local, stack_name)?;
    super::thing::add_connectivity(&local, &mut things)?;
    let mut archive = None;
    let mut subscriptions = Vec::new();
    let mut alerts = Vec::new();
    let backend = stack.as_ref().map(|st| {
        let first = |kind: &str| of_type(st, kind).first().map(|s| s.to_string());
        Backend {
            stack_name: st.name.clone(),
            stack_id: st.stack_id.clone(),
            status: st.status.clone(),
            bucket: st
                .outputs
                .get("ArchiveBucketName")
                .cloned()
                .or_else(|| first("AWS::S3::Bucket")),
            topic_arn: st
                .outputs
                .get("AlertTopicArn")
                .cloned()
                .or_else(|| first("AWS::SNS::Topic")),
            device_policy: local.device_policy(st),
            rules: of_type(st, "AWS::IoT::TopicRule")
                .into_iter()
                .map(str::to_string)
                .collect(),
            alert_function: first("AWS::Lambda::Function"),
            outputs: st.outputs.clone(),
        }
    });
    if let (Some(st), Some(b)) = (&stack, &backend) {
        if let Some(bucket) = &b.bucket {
            let (objects, bytes) = local.bucket_usage(bucket);
            archive = Some(Archive {
                bucket: bucket.clone(),
                objects,
                bytes,
            });
        }
        let (_, deployed) = crate::local::control::deployed_of(&st.resources)?;
        for (_, subs) in deployed.topics.iter() {
            for sub in subs {
                subscriptions.push(Subscription {
                    protocol: sub.protocol.clone(),
                    endpoint: sub.endpoint.clone(),
                    // Local deliveries need no confirmation.
                    confirmed: true,
                });
            }
        }
        let topics: BTreeSet<String> = deployed.topics.keys().cloned().collect();
        alerts = local.alerts(&topics, ALERTS_SHOWN);
    }
    let broker = std::fs::read_to_string(state.broker_file())
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .filter(|b| {
            b.get("pid")
                .and_then(serde_json::Value::as_u64)
                .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
        });
    let status = LocalStatus {
        status: Status {
            stack_name: stack_name.to_string(),
            region: REGION.to_string(),
            exists: backend.is_some(),
            backend,
            things,
            archive,
            subscriptions,
            connectivity_note: None,
        },
        state_dir: state.root().display().to_string(),
        broker,
        alerts,
    };
    printer.result(&status, || {
        let mut out = text(&status.status);
        out.push_str(&format!("\nstate          {}\n", status.state_dir));
        match &status.broker {
            Some(b) => out.push_str(&format!(
                "broker         mqtts://{}:{} (pid {}, `soilctl local up`)\n",
                crate::local::control::LOCAL_HOST,
                b.get("port")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0),
                b.get("pid")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0)
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
