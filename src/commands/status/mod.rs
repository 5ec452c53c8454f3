//! `soilctl status`: the stack, its outputs, the devices and their certificates, the archive
//! and the alert subscription.

use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::aws::{self, AwsSettings, iot, s3, sns};
use crate::commands::thing::{
    ThingInfo, connectivity_note, indexed_connectivity, indexing, thing_info, things_table,
};
use crate::printer::Printer;
use crate::stack::{self, Backend, MANAGED_ATTRIBUTE};

mod local_status;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Archive {
    pub(crate) bucket: String,
    pub(crate) objects: u64,
    pub(crate) bytes: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Status {
    pub(crate) stack_name: String,
    pub(crate) region: String,
    pub(crate) exists: bool,
    pub(crate) backend: Option<Backend>,
    pub(crate) things: Vec<ThingInfo>,
    pub(crate) archive: Option<Archive>,
    pub(crate) subscriptions: Vec<sns::Subscription>,
    /// The stack's jobs, newest first.
    pub(crate) jobs: Vec<aws::jobs::Job>,
    /// Why the things' connectivity is not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) connectivity_note: Option<String>,
}

pub async fn run(
    stack_name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let backend = stack::resolve(&clients, stack_name)
        .await
        .context("reading the stack")?;
    let mut things = Vec::new();
    for thing in
        iot::list_things_with_attribute(&clients.iot, MANAGED_ATTRIBUTE, stack_name).await?
    {
        things.push(thing_info(&clients, thing).await?);
    }
    let connectivity_note = add_connectivity(&clients, stack_name, &mut things).await;
    let mut archive = None;
    let mut subscriptions = Vec::new();
    if let Some(b) = &backend {
        if let Some(bucket) = &b.bucket
            && s3::bucket_exists(&clients.s3, bucket).await?
        {
            let (objects, bytes) = s3::object_count(&clients.s3, bucket).await?;
            archive = Some(Archive {
                bucket: bucket.clone(),
                objects,
                bytes,
            });
        }
        if let Some(topic) = &b.topic_arn {
            subscriptions = sns::subscriptions(&clients.sns, topic)
                .await
                .unwrap_or_default();
        }
    }
    let jobs = match &backend {
        // An account whose jobs cannot be listed still gets the rest of the status.
        Some(_) => crate::commands::job::stack_jobs(&clients, stack_name)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let status = Status {
        jobs,
        stack_name: stack_name.to_string(),
        region: clients.region.clone(),
        exists: backend.is_some(),
        backend,
        things,
        archive,
        subscriptions,
        connectivity_note,
    };
    match &clients.local {
        Some(state) => local_status::print(status, state, printer),
        None => {
            printer.result(&status, || text(&status))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn text(s: &Status) -> String {
    let mut out = String::new();
    let Some(b) = &s.backend else {
        out.push_str(&format!(
            "stack {} does not exist in {}\n",
            s.stack_name, s.region
        ));
        if !s.things.is_empty() {
            out.push_str(&format!(
                "\n{} thing(s) still carry its mark:\n",
                s.things.len()
            ));
            out.push_str(&things_table(&s.things));
        }
        return out;
    };
    out.push_str(&format!("stack          {} ({})\n", b.stack_name, b.status));
    out.push_str(&format!("region         {}\n", s.region));
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    out.push_str(&format!("device policy  {}\n", or_dash(&b.device_policy)));
    out.push_str(&format!(
        "topic rules    {}\n",
        if b.rules.is_empty() {
            "-".into()
        } else {
            b.rules.join(", ")
        }
    ));
    match &s.archive {
        Some(a) => out.push_str(&format!(
            "archive        s3://{} ({} objects, {} bytes)\n",
            a.bucket, a.objects, a.bytes
        )),
        None => out.push_str(&format!("archive        {}\n", or_dash(&b.bucket))),
    }
    out.push_str(&format!("alert topic    {}\n", or_dash(&b.topic_arn)));
    for sub in &s.subscriptions {
        out.push_str(&format!(
            "alerts to      {} ({}{})\n",
            sub.endpoint,
            sub.protocol,
            if sub.confirmed {
                ", confirmed"
            } else {
                ", waiting for the address to confirm"
            }
        ));
    }
    out.push_str(&format!("\nthings ({})\n", s.things.len()));
    if !s.things.is_empty() {
        out.push_str(&things_table(&s.things));
    }
    if let Some(note) = &s.connectivity_note {
        out.push_str(&format!("{note}\n"));
    }
    if !s.jobs.is_empty() {
        out.push_str(&format!("\njobs ({})\n", s.jobs.len()));
        let rows: Vec<Vec<String>> = s
            .jobs
            .iter()
            .map(|j| {
                vec![
                    j.job_id.clone(),
                    j.status.clone(),
                    crate::commands::job::progress_line(&j.progress),
                ]
            })
            .collect();
        out.push_str(&crate::printer::table(
            &["JOB", "STATUS", "EXECUTIONS"],
            &rows,
        ));
    }
    out
}

/// Adds the things' connectivity from fleet indexing when it has connectivity on; otherwise
/// (or when the search fails) returns why it is not shown.
async fn add_connectivity(
    clients: &aws::Clients,
    stack_name: &str,
    things: &mut [ThingInfo],
) -> Option<String> {
    let (indexing, why) = indexing(clients).await;
    if !indexing.connectivity {
        return Some(connectivity_note(indexing, why));
    }
    let query = crate::commands::thing::ThingFilter::default().search_query(stack_name);
    match iot::search_things(&clients.iot, &query, 100).await {
        Ok(found) => {
            for thing in things.iter_mut() {
                let connectivity = found
                    .iter()
                    .find(|f| f.thing.name == thing.name)
                    .map(indexed_connectivity)
                    .unwrap_or_else(crate::commands::thing::Connectivity::unknown_disconnected);
                thing.connectivity = Some(connectivity);
            }
            None
        }
        Err(e) => Some(format!(
            "connectivity unknown: searching the fleet index failed: {e}"
        )),
    }
}
