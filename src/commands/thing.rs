//! `soilctl thing create | list | show | delete`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::iot::{self, certificate_id};
use crate::aws::{self, AwsSettings, Clients};
use crate::names::check_thing_name;
use crate::printer::{Printer, table};
use crate::progress::Progress;
use crate::provision::{Created, Deleted, Provisioner};
use crate::settings::{ThingCreateSettings, ThingDeleteSettings};
use crate::stack::{self, MANAGED_ATTRIBUTE};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Failed {
    pub name: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateResult {
    pub(crate) stack_name: String,
    pub(crate) device_policy: String,
    pub(crate) endpoint: String,
    pub(crate) rate_per_api: f64,
    pub(crate) seconds: f64,
    pub(crate) things: Vec<Created>,
    pub(crate) failed: Vec<Failed>,
}

/// The stack's device policy, or a clear error when the stack is not there.
async fn device_policy(clients: &Clients, stack_name: &str) -> anyhow::Result<String> {
    let backend = stack::resolve(clients, stack_name)
        .await?
        .ok_or_else(|| anyhow!("stack {stack_name} does not exist: run `soilctl deploy --stack-name {stack_name} --email ADDR` first"))?;
    backend.device_policy.ok_or_else(|| {
        anyhow!(
            "stack {stack_name} ({}) has no device policy: deploy it again",
            backend.status
        )
    })
}

pub async fn create(
    s: &ThingCreateSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let result = ensure(s, aws_settings, printer).await?;
    finish_create(printer, &result)
}

/// Creates the things that are missing and reuses those that exist, printing each outcome.
pub(crate) async fn ensure(
    s: &ThingCreateSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<CreateResult> {
    for name in &s.names {
        check_thing_name(name)?;
    }
    let mut names: Vec<String> = Vec::new();
    for name in &s.names {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let clients = aws::load(aws_settings).await?;
    let policy = device_policy(&clients, &s.stack_name).await?;
    let endpoint = iot::data_endpoint(&clients.iot)
        .await
        .context("looking up the data endpoint")?;
    let prov = Arc::new(Provisioner::new(
        clients,
        s.rate,
        &s.stack_name,
        &s.devices_dir,
    ));
    printer.info(format!(
        "Creating {} thing(s) for stack {} (policy {policy}, at most {} calls/s per API, {} at a time)",
        names.len(),
        s.stack_name,
        s.rate.max(1),
        s.concurrency.max(1)
    ));
    let started = Instant::now();
    let key_algorithm = s.key_algorithm;
    let (things, failed) = run_batch(
        &names,
        s.concurrency,
        printer,
        "creating",
        |name| {
            let prov = prov.clone();
            let policy = policy.clone();
            let endpoint = endpoint.clone();
            async move { prov.create(&name, &policy, &endpoint, key_algorithm).await }
        },
        |c: &Created| {
            format!(
                "{} {} ({})",
                printer.green(c.status),
                c.name,
                c.certificate_id
            )
        },
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let result = CreateResult {
        stack_name: s.stack_name.clone(),
        device_policy: policy,
        endpoint,
        rate_per_api: prov.limiter.per_second(),
        seconds,
        things,
        failed,
    };
    Ok(result)
}

/// Prints what a create run made; exit 1 when any thing failed.
pub(crate) fn finish_create(printer: &Printer, result: &CreateResult) -> anyhow::Result<ExitCode> {
    let seconds = result.seconds;
    printer.result(result, || {
        let rows: Vec<Vec<String>> = result
            .things
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.status.to_string(),
                    c.certificate_id.clone(),
                    c.dir.display().to_string(),
                ]
            })
            .collect();
        table(&["THING", "STATUS", "CERTIFICATE", "FILES"], &rows)
    })?;
    printer.info(format!(
        "{} created or reused, {} failed, in {seconds:.1}s",
        result.things.len(),
        result.failed.len()
    ));
    Ok(if result.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThingInfo {
    pub name: String,
    pub arn: String,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub certificates: Vec<CertificateInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    pub id: String,
    pub status: String,
    pub policies: Vec<String>,
}

/// The thing with its certificates, their status and policies.
pub async fn thing_info(clients: &Clients, thing: iot::Thing) -> anyhow::Result<ThingInfo> {
    let principals = iot::list_thing_principals(&clients.iot, &thing.name)
        .await?
        .unwrap_or_default();
    let mut certificates = Vec::new();
    for arn in principals.iter().filter(|p| p.contains(":cert/")) {
        let id = certificate_id(arn);
        let status = iot::describe_certificate(&clients.iot, id)
            .await?
            .map(|c| c.status)
            .unwrap_or_else(|| "DELETED".into());
        let policies = iot::list_attached_policies(&clients.iot, arn)
            .await
            .unwrap_or_default();
        certificates.push(CertificateInfo {
            id: id.to_string(),
            status,
            policies,
        });
    }
    Ok(ThingInfo {
        name: thing.name,
        arn: thing.arn,
        attributes: thing.attributes,
        certificates,
    })
}

pub async fn list(
    stack_name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let things = iot::list_things_with_attribute(&clients.iot, MANAGED_ATTRIBUTE, stack_name)
        .await
        .context("listing things")?;
    let mut infos = Vec::new();
    for thing in things {
        infos.push(thing_info(&clients, thing).await?);
    }
    print_list(printer, stack_name, infos)
}

/// Prints the things of a stack.
pub(crate) fn print_list(
    printer: &Printer,
    stack_name: &str,
    infos: Vec<ThingInfo>,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ListResult {
        stack_name: String,
        things: Vec<ThingInfo>,
    }
    let result = ListResult {
        stack_name: stack_name.to_string(),
        things: infos,
    };
    printer.result(&result, || {
        let rows: Vec<Vec<String>> = result.things.iter().map(thing_row).collect();
        table(&["THING", "CERTIFICATE", "STATUS", "POLICIES"], &rows)
    })?;
    if result.things.is_empty() {
        printer.info(format!("No things are managed by stack {stack_name}."));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn thing_row(t: &ThingInfo) -> Vec<String> {
    let first = t.certificates.first();
    vec![
        t.name.clone(),
        first.map(|c| c.id.clone()).unwrap_or_else(|| "-".into()),
        first
            .map(|c| c.status.clone())
            .unwrap_or_else(|| "-".into()),
        first
            .map(|c| c.policies.join(","))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "-".into()),
    ]
}

pub async fn show(
    stack_name: &str,
    name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_thing_name(name)?;
    let clients = aws::load(aws_settings).await?;
    let thing = iot::describe_thing(&clients.iot, name)
        .await?
        .ok_or_else(|| anyhow!("thing {name} does not exist"))?;
    if thing.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
        printer.warn(format!("thing {name} is not managed by stack {stack_name}"));
    }
    let info = thing_info(&clients, thing).await?;
    print_show(printer, &info)
}

/// Prints one thing with its certificates.
pub(crate) fn print_show(printer: &Printer, info: &ThingInfo) -> anyhow::Result<ExitCode> {
    printer.result(info, || {
        let mut text = format!("thing       {}\narn         {}\n", info.name, info.arn);
        for (k, v) in &info.attributes {
            text.push_str(&format!("attribute   {k}={v}\n"));
        }
        for c in &info.certificates {
            text.push_str(&format!(
                "certificate {} {} policies: {}\n",
                c.id,
                c.status,
                if c.policies.is_empty() {
                    "-".to_string()
                } else {
                    c.policies.join(", ")
                }
            ));
        }
        if info.certificates.is_empty() {
            text.push_str("certificate -\n");
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(
    s: &ThingDeleteSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    for name in &s.names {
        check_thing_name(name)?;
    }
    let clients = aws::load(aws_settings).await?;
    let prov = Arc::new(Provisioner::new(
        clients,
        s.rate,
        &s.stack_name,
        &s.devices_dir,
    ));
    let (deleted, failed) = delete_things(&prov, &s.names, printer).await;
    finish_delete(printer, deleted, failed)
}

/// Prints what a delete run removed; exit 1 when any thing failed.
pub(crate) fn finish_delete(
    printer: &Printer,
    deleted: Vec<Deleted>,
    failed: Vec<Failed>,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    struct DeleteResult {
        things: Vec<Deleted>,
        failed: Vec<Failed>,
    }
    let result = DeleteResult {
        things: deleted,
        failed,
    };
    printer.result(&result, || {
        let rows: Vec<Vec<String>> = result
            .things
            .iter()
            .map(|d| {
                vec![
                    d.name.clone(),
                    d.status.to_string(),
                    d.certificates.join(","),
                ]
            })
            .collect();
        table(&["THING", "STATUS", "CERTIFICATES"], &rows)
    })?;
    Ok(if result.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Deletes the things concurrently, reporting each; returns what was deleted and what failed.
pub(crate) async fn delete_things(
    prov: &Arc<Provisioner>,
    names: &[String],
    printer: &Printer,
) -> (Vec<Deleted>, Vec<Failed>) {
    run_batch(
        names,
        8,
        printer,
        "deleting things",
        |name| {
            let prov = prov.clone();
            async move { prov.delete(&name).await }
        },
        |d: &Deleted| format!("{} {}", d.status, d.name),
    )
    .await
}

/// Runs `job` for each name with a progress bar and a line per outcome; splits the results.
async fn run_batch<T, F, Fut>(
    names: &[String],
    concurrency: usize,
    printer: &Printer,
    label: &str,
    job: F,
    describe: impl Fn(&T) -> String,
) -> (Vec<T>, Vec<Failed>)
where
    T: Send + 'static,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let bar = Progress::bar(printer, names.len() as u64, label);
    let outcomes = crate::provision::for_each(names, concurrency, job, |outcome| {
        bar.inc(1);
        match &outcome.result {
            Ok(value) => bar.println(describe(value)),
            Err(e) => bar.println(format!(
                "{} {}: {}",
                printer.red("failed"),
                outcome.name,
                crate::error::one_line(e)
            )),
        }
    })
    .await;
    bar.finish();
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for o in outcomes {
        match o.result {
            Ok(value) => done.push(value),
            Err(e) => failed.push(Failed {
                name: o.name,
                error: crate::error::one_line(&e),
            }),
        }
    }
    (done, failed)
}
