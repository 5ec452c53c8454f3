//! `simulate --onboard claim`: each simulated device that has no identity yet is on-boarded by
//! claim ([`crate::fleet::onboard`]) with the claim certificate of `--claim NAME`, as a device
//! out of the factory would be, and its new files (its key, 0600, and its certificate) are
//! written like `thing create`'s; devices on-boarded before are reused. The fleet then runs
//! with those identities.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::StreamExt;

use crate::commands::claim::{self, ClaimFiles};
use crate::commands::endpoint::{self, MqttServer};
use crate::error::bad_input;
use crate::fleet::onboard::{ClaimPlan, Onboarded, onboard};
use crate::mqtt::{Identity, ServerTrust};
use crate::pki::{self, DeviceFiles};
use crate::printer::Printer;
use crate::settings::{SimulateSettings, Target};

/// Devices on-boarding at the same time.
const CONCURRENCY: usize = 64;

/// The devices' names and folders once each is on-boarded, the server and whether it is AWS.
pub async fn devices(
    s: &SimulateSettings,
    claim_name: &str,
    service_keys: bool,
    target: &Target,
    printer: &Printer,
) -> anyhow::Result<(Vec<(String, PathBuf)>, MqttServer, bool)> {
    let files = claim::read_claim(&s.devices_dir, claim_name).ok_or_else(|| {
        bad_input(format!(
            "no claim {claim_name} in {}: run `soilctl claim create --name {claim_name}` first",
            s.devices_dir.display()
        ))
    })?;
    if files.stack_name != s.stack_name {
        return Err(bad_input(format!(
            "claim {claim_name} belongs to stack {}, not {}",
            files.stack_name, s.stack_name
        )));
    }
    let dir = claim::claim_dir(&s.devices_dir, claim_name);
    let identity =
        Identity::from_pem_files(&dir.join(&files.certificate), &dir.join(&files.private_key))?;
    let (server, aws) = match target {
        Target::Local(state) => (
            endpoint::local_or_override(state, s.mqtt_endpoint.as_deref(), s.mqtt_ca.as_deref())?,
            false,
        ),
        Target::Aws(_) => (
            match endpoint::aws_override(s.mqtt_endpoint.as_deref(), s.mqtt_ca.as_deref())? {
                Some(server) => server,
                None => MqttServer {
                    host: files.endpoint.clone(),
                    port: files.port,
                    trust: ServerTrust::amazon_root(),
                },
            },
            true,
        ),
    };
    let plan = ClaimPlan {
        identity: Arc::new(identity),
        template: files.template.clone(),
        host: server.host.clone(),
        port: server.port,
        trust: server.trust.clone(),
        alpn: None,
        client_id_prefix: files.client_id_prefix.clone(),
        service_keys,
    };
    let waiting: Vec<&String> = s
        .names
        .iter()
        .filter(|name| !onboarded_before(s, name))
        .collect();
    let started = Instant::now();
    let root = Arc::new(root_ca(target)?);
    let (files, settings) = (Arc::new(files), Arc::new(s.clone()));
    // Each device writes its files (synced, as `thing create` does) as soon as it has its
    // identity, beside the others.
    let results: Vec<anyhow::Result<()>> =
        futures_util::stream::iter(waiting.iter().map(|serial| {
            let (plan, files, settings, root) =
                (plan.clone(), files.clone(), settings.clone(), root.clone());
            async move {
                let done = onboard(&plan, serial).await?;
                tokio::task::spawn_blocking(move || write_device(&settings, &files, &root, &done))
                    .await
                    .context("writing a device's files")?
            }
        }))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let failures: Vec<String> = results
        .into_iter()
        .filter_map(|r| r.err().map(|e| format!("{e:#}")))
        .collect();
    if let Some(first) = failures.first() {
        anyhow::bail!(
            "{} of {} device(s) could not be on-boarded by claim {claim_name} (first: {first}); nothing was simulated",
            failures.len(),
            waiting.len()
        );
    }
    printer.info(format!(
        "{} device(s) on-boarded by claim {claim_name} in {seconds:.1}s ({:.0}/s), {} on-boarded before",
        waiting.len(),
        if seconds > 0.0 {
            waiting.len() as f64 / seconds
        } else {
            0.0
        },
        s.names.len() - waiting.len()
    ));
    if let Target::Local(state) = target
        && s.mqtt_endpoint.is_none()
    {
        // The running backend re-reads the registry within 200 ms; the new identities wait.
        crate::local::server::wait_until_served(state, Duration::from_secs(5)).await?;
    }
    let devices = s
        .names
        .iter()
        .map(|n| (n.clone(), s.devices_dir.join(n)))
        .collect();
    Ok((devices, server, aws))
}

fn onboarded_before(s: &SimulateSettings, name: &str) -> bool {
    let dir = s.devices_dir.join(name);
    pki::read_device(&dir)
        .is_some_and(|d| d.stack_name == s.stack_name && dir.join(&d.private_key).is_file())
}

fn root_ca(target: &Target) -> anyhow::Result<pki::RootCa> {
    match target {
        Target::Local(state) => crate::local::control::local_root_ca(state),
        Target::Aws(_) => Ok(pki::RootCa::amazon()),
    }
}

/// Writes an on-boarded device's files as `thing create` writes a device's.
fn write_device(
    s: &SimulateSettings,
    claim: &ClaimFiles,
    root_ca: &pki::RootCa,
    done: &Onboarded,
) -> anyhow::Result<()> {
    let dir = s.devices_dir.join(&done.thing);
    pki::create_private_dir(&s.devices_dir)?;
    pki::create_private_dir(&dir)?;
    pki::write_file(
        &dir.join(pki::PRIVATE_KEY_FILE),
        done.private_key_pem.as_bytes(),
        0o600,
    )?;
    // Certificates of one account and Region share the ARN up to the id.
    let arn = match claim.certificate_arn.rsplit_once('/') {
        Some((prefix, _)) => format!("{prefix}/{}", done.certificate_id),
        None => done.certificate_id.clone(),
    };
    let mut files = DeviceFiles::new(
        &done.thing,
        &s.stack_name,
        &done.certificate_id,
        &arn,
        &claim.endpoint,
    );
    files.root_ca = root_ca.file.clone();
    if let Some(topic) = done.device_configuration.get("telemetryTopic") {
        files.topic = topic.clone();
    }
    pki::write_device_files(&dir, &files, &done.certificate_pem, &root_ca.pem)
        .with_context(|| format!("writing {}'s files", done.thing))
}
