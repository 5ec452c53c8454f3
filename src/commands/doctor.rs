//! `soilctl doctor THING`: reads the thing, its certificates, their CAs and policies from
//! AWS IoT, evaluates the policies here, and prints the checklist of `crate::doctor`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::aws::iot::{self, certificate_id};
use crate::aws::{self, AwsSettings};
use crate::doctor::{
    Backend, CaFacts, CertificateFacts, CheckId, DeviceFilesFacts, Facts, PolicyFacts, Report,
    Status, ThingFacts, diagnose,
};
use crate::names::check_thing_name;
use crate::pki;
use crate::printer::Printer;
use crate::stack;

/// What `doctor` is asked about.
#[derive(Debug, Clone)]
pub struct DoctorSettings {
    pub stack_name: String,
    pub thing: String,
    pub devices_dir: PathBuf,
}

pub async fn run(
    s: &DoctorSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_thing_name(&s.thing)?;
    let clients = aws::load(aws_settings).await?;
    let device_policy = stack::resolve(&clients, &s.stack_name)
        .await
        .context("looking up the stack")?
        .and_then(|b| b.device_policy);
    let name = &s.thing;
    let thing = iot::describe_thing(&clients.iot, name)
        .await
        .context("reading the thing")?;
    let mut facts = Facts {
        backend: if clients.local.is_some() {
            Backend::Local
        } else {
            Backend::Aws
        },
        stack_name: s.stack_name.clone(),
        device_policy,
        thing: name.clone(),
        registered: None,
        certificates: Vec::new(),
        device_files: device_files(&s.devices_dir, name),
        region: String::new(),
        account_id: String::new(),
    };
    if let Some(thing) = thing {
        (facts.region, facts.account_id) = region_and_account(&thing.arn);
        let thing_type = iot::thing_type_name(&clients.iot, name)
            .await
            .context("reading the thing's type")?;
        facts.registered = Some(ThingFacts {
            thing_type,
            attributes: thing.attributes,
        });
        let principals = iot::list_thing_principals(&clients.iot, name)
            .await
            .context("listing the thing's principals")?
            .unwrap_or_default();
        for arn in principals.iter().filter(|p| p.contains(":cert/")) {
            facts
                .certificates
                .push(certificate(&clients.iot, arn).await?);
        }
    }
    print(printer, &diagnose(&facts))
}

/// One certificate with its status, CA and policies (with their documents).
async fn certificate(client: &aws_sdk_iot::Client, arn: &str) -> anyhow::Result<CertificateFacts> {
    let id = certificate_id(arn);
    let details = iot::describe_certificate_details(client, id)
        .await
        .with_context(|| format!("reading certificate {id}"))?;
    let mut cert = CertificateFacts {
        id: id.to_string(),
        arn: arn.to_string(),
        status: details.as_ref().map(|d| d.status.clone()),
        ca: None,
        subject: details
            .as_ref()
            .and_then(|d| d.pem.as_deref())
            .map(subject)
            .unwrap_or_default(),
        policies: Vec::new(),
    };
    if details.is_none() {
        return Ok(cert);
    }
    if let Some(ca) = details.and_then(|d| d.ca_certificate_id) {
        let status = iot::describe_ca_certificate(client, &ca)
            .await
            .with_context(|| format!("reading CA certificate {ca}"))?
            .map(|c| c.status);
        cert.ca = Some(CaFacts { id: ca, status });
    }
    for name in iot::list_attached_policies(client, arn)
        .await
        .with_context(|| format!("listing the policies of certificate {id}"))?
    {
        let document = iot::get_policy_document(client, &name)
            .await
            .with_context(|| format!("reading policy {name}"))?;
        cert.policies.push(PolicyFacts { name, document });
    }
    Ok(cert)
}

/// The region and account of an ARN such as `arn:aws:iot:eu-west-1:123456789012:thing/x`.
fn region_and_account(arn: &str) -> (String, String) {
    let mut parts = arn.split(':').skip(3);
    let region = parts.next().unwrap_or_default().to_string();
    let account = parts.next().unwrap_or_default().to_string();
    (region, account)
}

/// The subject's attributes as `iot:Certificate.Subject.*` resolves them.
pub(crate) fn subject(pem: &str) -> std::collections::BTreeMap<String, String> {
    crate::local::registry::pem_to_der(pem)
        .ok()
        .and_then(|der| {
            let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
            Some(crate::local::registry::subject_fields(&cert))
        })
        .unwrap_or_default()
}

/// The thing's device files, if this machine has them.
pub(crate) fn device_files(devices_dir: &Path, thing: &str) -> Option<DeviceFilesFacts> {
    let dir = devices_dir.join(thing);
    let files = pki::read_device(&dir)?;
    Some(DeviceFilesFacts {
        dir: dir.display().to_string(),
        has_key: dir.join(&files.private_key).is_file(),
        certificate_id: files.certificate_id,
        certificate_arn: files.certificate_arn,
    })
}

/// Prints the checklist; exit 0 when every check passed, 1 otherwise.
pub(crate) fn print(printer: &Printer, report: &Report) -> anyhow::Result<ExitCode> {
    printer.result(report, || text(printer, report))?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn text(printer: &Printer, report: &Report) -> String {
    let mut out = match &report.certificate {
        Some(cert) => format!("Doctor: thing {}, certificate {cert}\n", report.thing),
        None => format!("Doctor: thing {}\n", report.thing),
    };
    let width = report
        .checks
        .iter()
        .map(|c| c.check.title().chars().count())
        .max()
        .unwrap_or(0);
    for check in &report.checks {
        let mark = match check.status {
            Status::Passed => printer.green("✓"),
            Status::Failed => printer.red("✗"),
            Status::Skipped => printer.dim("–"),
        };
        let title = check.check.title();
        let pad = " ".repeat(width - title.chars().count());
        let detail = match check.status {
            Status::Skipped => printer.dim(&format!("skipped: {}", check.detail)),
            _ => check.detail.clone(),
        };
        out.push_str(&format!("  {mark} {title}{pad}  {detail}\n"));
        if let Some(fix) = &check.fix {
            out.push_str(&format!("      {} {fix}\n", printer.bold("fix:")));
        }
    }
    match report.first_failure() {
        None => out.push_str(&format!(
            "{} can connect, publish its telemetry and use its shadow.\n",
            report.thing
        )),
        Some(first)
            if matches!(
                first.check,
                CheckId::ShadowSubscribe | CheckId::ShadowReceive
            ) =>
        {
            out.push_str(&format!(
                "{} can connect and publish its telemetry, but not use its shadow: see the fix above.\n",
                report.thing
            ))
        }
        Some(first) => out.push_str(&format!(
            "{} {} cannot connect and publish: the first failed check is \"{}\", see the fix above.\n",
            printer.red("✗"),
            report.thing,
            first.check.title()
        )),
    }
    out
}
