//! `soilctl job watch ID`: the executions of one job by status, live (a bar on stderr when it
//! is a terminal), until the job completes or is canceled and nothing is left in progress;
//! then a summary with each failure's reason on stdout.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::job::{executions_table, executions_with_reasons, progress_line, stack_job};
use crate::aws::jobs::{Execution, Job};
use crate::aws::{self, AwsSettings};
use crate::printer::Printer;
use crate::progress::Progress;

/// Exit code when `--timeout` comes first.
const TIMED_OUT: u8 = 3;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    #[serde(flatten)]
    job: Job,
    /// Executions that did not succeed, with the reason their device gave.
    unsuccessful: Vec<Execution>,
    timed_out_watching: bool,
}

/// Whether the job will change no more: completed, or canceled with nothing in progress.
fn settled(job: &Job) -> bool {
    match job.status.as_str() {
        "COMPLETED" => true,
        "CANCELED" => job.progress.in_progress == 0 && job.progress.queued == 0,
        _ => false,
    }
}

pub async fn run(
    stack_name: &str,
    job_id: &str,
    timeout: Option<Duration>,
    interval: Duration,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let started = Instant::now();
    let mut job = stack_job(&clients, stack_name, job_id).await?;
    let bar = Progress::bar(printer, job.progress.total().max(0) as u64, job_id);
    let mut last = String::new();
    let mut watch_timed_out = false;
    loop {
        let line = format!(
            "{}: {}",
            job.status.to_lowercase(),
            progress_line(&job.progress)
        );
        bar.set_length(job.progress.total().max(0) as u64);
        bar.set_position(job.progress.finished().max(0) as u64);
        bar.set_message(line.clone());
        if line != last && !printer.progress_enabled() {
            printer.info(&line);
        }
        last = line;
        if settled(&job) {
            break;
        }
        if timeout.is_some_and(|t| started.elapsed() >= t) {
            watch_timed_out = true;
            break;
        }
        tokio::time::sleep(interval).await;
        job = stack_job(&clients, stack_name, job_id).await?;
    }
    bar.finish();
    let unsuccessful: Vec<Execution> = executions_with_reasons(&clients, job_id)
        .await?
        .into_iter()
        .filter(|e| e.status != "SUCCEEDED")
        .collect();
    let all_succeeded = job.progress.succeeded == job.progress.total();
    let summary = Summary {
        job,
        unsuccessful,
        timed_out_watching: watch_timed_out,
    };
    printer.result(&summary, || {
        let j = &summary.job;
        let mut text = format!(
            "job {} {}: {}\n",
            j.job_id,
            j.status.to_lowercase(),
            progress_line(&j.progress)
        );
        if let Some(reason) = &j.reason_code {
            text.push_str(&format!("reason: {reason}\n"));
        }
        if !summary.unsuccessful.is_empty() {
            text.push_str(&executions_table(&summary.unsuccessful));
        }
        text
    })?;
    if watch_timed_out {
        printer.error(format!(
            "job {job_id} did not complete within {}",
            humantime::format_duration(timeout.unwrap_or_default())
        ));
        return Ok(ExitCode::from(TIMED_OUT));
    }
    Ok(if all_succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
