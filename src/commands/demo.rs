//! `soilctl demo`: the whole story on the embedded backend in one process, in a temporary
//! state directory: start the backend, deploy the built-in template, create the devices,
//! simulate them while their telemetry and each alert (as its email reads) are shown, print a
//! summary that checks the story adds up, tear everything down and remove the directory.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::fleet::{self, Counters, DeviceSpec, FleetPlan, Stop};
use crate::local::broker::BrokerEvent;
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::rules::RuleEvent;
use crate::local::server::{Observers, Server};
use crate::local::state::StateDir;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, Identity, QoS, ServerTrust};
use crate::printer::Printer;
use crate::settings::{DeploySettings, TeardownSettings, ThingCreateSettings};
use crate::tail::{Received, Style, text_line};

const STACK: &str = "soilctl-demo";
const EMAIL: &str = "you@example.com";
const STEPS: usize = 6;

#[derive(Debug, Clone)]
pub struct DemoSettings {
    pub duration: Duration,
    pub devices: u32,
    pub interval: Duration,
    pub threshold: u8,
    pub seed: u64,
}

/// The demo's outcome, also as JSON with `--output json`.
#[derive(Debug, Serialize)]
pub struct DemoSummary {
    pub devices: usize,
    pub seconds: f64,
    pub sent: u64,
    pub acknowledged: u64,
    pub archived: u64,
    pub readings_under_threshold: u64,
    pub alerts: u64,
    pub torn_down: bool,
    pub left_behind: bool,
    /// What did not add up, if anything.
    pub problems: Vec<String>,
}

/// An alert as the email would read.
#[derive(Debug, Clone)]
struct Email {
    to: String,
    subject: String,
    body: String,
}

pub async fn run(s: &DemoSettings, printer: &Printer) -> anyhow::Result<ExitCode> {
    if s.devices == 0 || s.devices > 1000 {
        return Err(crate::error::bad_input(
            "--devices must be between 1 and 1000",
        ));
    }
    if s.interval.is_zero() || s.duration.is_zero() {
        return Err(crate::error::bad_input(
            "--interval and --duration must be longer than 0",
        ));
    }
    if s.threshold > 100 {
        return Err(crate::error::bad_input(
            "--threshold must be between 0 and 100",
        ));
    }
    let started = Instant::now();
    let temp = tempfile::Builder::new()
        .prefix("soilctl-demo-")
        .tempdir()
        .context("making the demo's temporary directory")?;
    let root = temp.path().to_path_buf();
    let outcome = story(s, printer, &root).await;
    // Whatever happened, nothing stays behind.
    let removed = temp.close();
    let left_behind = root.exists();
    let mut summary = outcome?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.left_behind = left_behind;
    if let Err(e) = removed {
        summary
            .problems
            .push(format!("removing {}: {e}", root.display()));
    }
    if left_behind {
        summary
            .problems
            .push(format!("{} is still there", root.display()));
    }
    print_summary(printer, &summary)?;
    Ok(if summary.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn step(printer: &Printer, n: usize, text: &str) {
    printer.info(printer.bold(&format!("[{n}/{STEPS}] {text}")));
}

async fn story(
    s: &DemoSettings,
    printer: &Printer,
    root: &std::path::Path,
) -> anyhow::Result<DemoSummary> {
    let state = StateDir::new(root.join("state"));
    let devices_dir = root.join("devices");
    let quiet = printer.without_results().with_level(-1);
    let text = !printer.is_json();

    step(
        printer,
        1,
        "Starting the local backend (MQTT broker with mutual TLS, rules engine, bucket, alerts)",
    );
    let emails: Arc<Mutex<Vec<Email>>> = Arc::default();
    let server = Server::start_with(
        &state,
        0,
        Some(0),
        None,
        crate::local::broker::SessionSettings::default(),
        observers(printer, emails.clone(), text),
    )
    .await?;
    let port = server.local_addr().port();
    let aws = crate::aws::AwsSettings {
        endpoint_url: server.api_addr().map(|a| format!("http://{a}")),
        local: Some(state.clone()),
        ..Default::default()
    };
    printer.info(format!(
        "  listening on mqtts://{LOCAL_HOST}:{port}, state in {}",
        state.root().display()
    ));

    let result = run_steps(s, printer, &quiet, &aws, &devices_dir, port, text).await;
    // Stopping drains every accepted message into the bucket before anything is counted.
    let engine = server.stop().await?;
    let (sent, acknowledged, under, bucket, (updated, targeted)) = result?;
    let archived = bucket
        .as_deref()
        .map(|b| Local::open(&state).map(|l| l.bucket_usage(b).0))
        .transpose()?
        .unwrap_or(0);
    let alerts = emails.lock().map(|e| e.len() as u64).unwrap_or(0);

    step(printer, 5, "Summary");
    printer.info(format!(
        "  {sent} readings sent, {acknowledged} acknowledged by the broker, {archived} objects in bucket {}",
        bucket.as_deref().unwrap_or("-")
    ));
    printer.info(format!(
        "  {under} readings under the threshold of {}, {alerts} alert email(s) sent",
        s.threshold
    ));
    let mut problems = Vec::new();
    if acknowledged != sent {
        problems.push(format!(
            "{sent} readings sent but {acknowledged} acknowledged"
        ));
    }
    if archived != acknowledged {
        problems.push(format!(
            "{acknowledged} readings acknowledged but {archived} objects archived"
        ));
    }
    if alerts != under {
        problems.push(format!(
            "{under} readings under the threshold but {alerts} alert(s)"
        ));
    }
    if updated != targeted {
        problems.push(format!(
            "{updated} of {targeted} devices installed the firmware"
        ));
    }
    if engine.failures > 0 {
        problems.push(format!("{} rule action(s) failed", engine.failures));
    }

    step(printer, 6, "Tearing everything down");
    // The backend has stopped: the teardown gets the API endpoint in this process.
    let resolved =
        crate::commands::target::resolve(&crate::settings::Target::Local(state.clone()), &quiet)
            .await?;
    let teardown = crate::commands::teardown::run(
        &TeardownSettings {
            stack_name: STACK.into(),
            yes: true,
            dry_run: false,
            devices_dir: devices_dir.clone(),
            rate: 10,
            ca_dir: root.join("ca"),
            signing_dir: root.join("signing"),
        },
        &resolved.aws,
        &quiet,
    )
    .await;
    resolved.finish().await;
    let torn_down = matches!(&teardown, Ok(code) if *code == ExitCode::SUCCESS);
    if !torn_down {
        problems.push(match teardown {
            Err(e) => format!("teardown: {}", crate::error::one_line(&e)),
            Ok(_) => "teardown left something behind".into(),
        });
    } else {
        printer.info("  stack, rules, things, certificates, policy and bucket removed and checked");
    }
    Ok(DemoSummary {
        devices: s.devices as usize,
        seconds: 0.0,
        sent,
        acknowledged,
        archived,
        readings_under_threshold: under,
        alerts,
        torn_down,
        left_behind: false,
        problems,
    })
}

/// Deploy, devices, a firmware rollout, simulation with live telemetry. Returns readings sent,
/// acknowledged, under the threshold, the bucket's name, and the devices that installed the
/// firmware of those targeted.
async fn run_steps(
    s: &DemoSettings,
    printer: &Printer,
    quiet: &Printer,
    aws: &crate::aws::AwsSettings,
    devices_dir: &std::path::Path,
    port: u16,
    text: bool,
) -> anyhow::Result<(u64, u64, u64, Option<String>, (i32, i32))> {
    step(
        printer,
        2,
        &format!(
            "Deploying the built-in template as stack {STACK} (alerts to {EMAIL}, threshold {})",
            s.threshold
        ),
    );
    let state = aws
        .local
        .as_ref()
        .ok_or_else(|| anyhow!("the demo runs on the local backend"))?;
    let deployed = crate::commands::deploy::run(
        &DeploySettings {
            stack_name: STACK.into(),
            email: Some(EMAIL.into()),
            threshold: Some(s.threshold.to_string()),
            jitr: None,
            fleet_provisioning: None,
            pairing_code_lifetime: None,
            template: None,
            yes: true,
            wait: true,
        },
        aws,
        quiet,
    )
    .await?;
    if deployed != ExitCode::SUCCESS {
        return Err(anyhow!("deploying the demo stack failed"));
    }
    let local = Local::open(state)?;
    let bucket = local.stack(STACK)?.and_then(|st| {
        st.resources
            .iter()
            .find(|r| r.logical_id == "ArchiveBucket")
            .map(|r| r.physical_id.clone())
    });

    let names = crate::names::numbered("soilSensor", s.devices);
    step(
        printer,
        3,
        &format!(
            "Creating {} devices, each with its own key (made here), certificate and least-privilege policy",
            names.len()
        ),
    );
    let created = crate::commands::thing::ensure(
        &ThingCreateSettings {
            stack_name: STACK.into(),
            names,
            devices_dir: devices_dir.to_path_buf(),
            key_algorithm: crate::cli::KeyAlgorithm::EcdsaP256,
            rate: 10,
            concurrency: 1,
        },
        aws,
        quiet,
    )
    .await?;
    if let Some(f) = created.failed.first() {
        return Err(anyhow!("creating device {}: {}", f.name, f.error));
    }
    crate::local::server::wait_until_served(state, Duration::from_secs(5)).await?;
    let (job_id, signing_cert) = rollout(s, quiet, aws, devices_dir, printer).await?;
    let trust = ServerTrust::from_pem_file(&state.ca_dir().join("ca.pem"))?;
    let mut devices = Vec::new();
    for thing in &created.things {
        let files = crate::pki::read_device(&thing.dir)
            .ok_or_else(|| anyhow!("device files of {} are missing", thing.name))?;
        let identity = Identity::from_pem_files(
            &thing.dir.join(&files.certificate),
            &thing.dir.join(&files.private_key),
        )?;
        devices.push(DeviceSpec {
            name: thing.name.clone(),
            identity: Arc::new(identity),
        });
        printer.info(format!("  {} ({})", thing.name, thing.certificate_id));
    }

    step(
        printer,
        4,
        &format!(
            "Simulating the fleet for {}: a reading every {} per device; telemetry and alerts below (Ctrl-C ends early)",
            humantime::format_duration(s.duration),
            humantime::format_duration(s.interval)
        ),
    );
    let stop_tail = CancellationToken::new();
    let operator = crate::commands::endpoint::operator_identity(state)?;
    let watcher = Endpoint::Mtls {
        host: LOCAL_HOST.into(),
        port,
        trust: trust.clone(),
        identity: Arc::new(operator),
        alpn: None,
    };
    // Subscribed before the first device publishes, so every reading is shown.
    let mut watch =
        Connection::connect(&watcher, &ConnectOptions::new("soilctl-demo-tail")).await?;
    watch
        .subscribe(&[("device/+/devicePayload", QoS::AtLeastOnce)])
        .await?;
    let style = Style {
        pretty: false,
        color: printer.color(),
        threshold: f64::from(s.threshold),
    };
    let tail = tokio::spawn(show_telemetry(watch, style, text, stop_tail.clone()));

    let plan = FleetPlan {
        devices,
        host: LOCAL_HOST.into(),
        port,
        trust,
        alpn: None,
        interval: s.interval,
        model_step: Some(Duration::from_secs(5)),
        stop: Stop::After(s.duration),
        qos: QoS::AtLeastOnce,
        threshold: f64::from(s.threshold),
        seed: s.seed,
        ramp_per_second: 1000,
        max_publish_rate: None,
        max_in_flight: 32,
        max_backoff: Duration::from_secs(5),
        refusals_before_giving_up: 3,
        follow_shadow: true,
        pairing: false,
        jobs: Some(crate::fleet::jobs::JobsPlan {
            signing_cert: Some(signing_cert),
            tamper_rate: 0.0,
        }),
        sleep: None,
    };
    let counters = Arc::new(Counters::default());
    let cancel = CancellationToken::new();
    let ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let events: Arc<dyn Fn(fleet::FleetEvent) + Send + Sync> = {
        let p = printer.clone();
        Arc::new(move |e| p.warn(e.to_string()))
    };
    let summary = fleet::run(plan, counters, cancel, events).await;
    ctrl_c.abort();
    // The last readings reach the watcher a moment after their acknowledgement.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop_tail.cancel();
    let _ = tail.await;
    if let Some(f) = summary.failed.first() {
        return Err(anyhow!("device {} failed: {}", f.device, f.error));
    }
    let clients = crate::aws::load(aws).await?;
    let job = crate::aws::jobs::describe_job(&clients.iot, &job_id)
        .await?
        .ok_or_else(|| anyhow!("the demo's job {job_id} is gone"))?;
    printer.info(format!(
        "  firmware rollout {job_id}: {} ({})",
        job.status.to_lowercase(),
        crate::commands::job::progress_line(&job.progress)
    ));
    Ok((
        summary.sent,
        summary.acknowledged,
        summary.under_threshold,
        bucket,
        (job.progress.succeeded, job.progress.total()),
    ))
}

/// The demo's firmware: a code-signing key in the demo's own folder, one signed image and a
/// job for every device, which the simulated devices carry out as they connect. Returns the
/// job id and the certificate the devices verify with.
async fn rollout(
    s: &DemoSettings,
    quiet: &Printer,
    aws: &crate::aws::AwsSettings,
    devices_dir: &std::path::Path,
    printer: &Printer,
) -> anyhow::Result<(String, String)> {
    let signing = devices_dir.with_file_name("signing");
    crate::commands::firmware::signing_key_create(STACK, &signing, true, quiet)?;
    let mut rng = fastrand::Rng::with_seed(s.seed);
    let image: Vec<u8> = (0..DEMO_IMAGE_BYTES).map(|_| rng.u8(..)).collect();
    let file = devices_dir.with_file_name("firmware-1.1.0.bin");
    std::fs::write(&file, &image).context("writing the demo's firmware image")?;
    crate::commands::firmware::publish(STACK, &file, DEMO_VERSION, &signing, aws, quiet).await?;
    let job_id = crate::commands::job::new_job_id(&format!("firmware-{DEMO_VERSION}"));
    crate::commands::firmware::create_job(
        &crate::commands::firmware::JobCreateSettings {
            stack_name: STACK.into(),
            version: DEMO_VERSION.into(),
            things: Vec::new(),
            group: None,
            continuous: false,
            job_id: Some(job_id.clone()),
            rollout: None,
            abort: None,
            timeout_minutes: None,
            url_expiry_secs: 3600,
        },
        aws,
        quiet,
    )
    .await?;
    printer.info(format!(
        "  firmware {DEMO_VERSION} ({DEMO_IMAGE_BYTES} bytes) signed and rolled out as job {job_id}: each device downloads, verifies and installs it"
    ));
    let cert = crate::commands::firmware::load_signing_key(&signing, STACK)?
        .certificate_pem()
        .to_string();
    Ok((job_id, cert))
}

/// The demo's firmware image.
const DEMO_VERSION: &str = "1.1.0";
const DEMO_IMAGE_BYTES: usize = 64 * 1024;

async fn show_telemetry(mut conn: Connection, style: Style, text: bool, stop: CancellationToken) {
    loop {
        let event = tokio::select! {
            _ = stop.cancelled() => break,
            e = conn.next_event() => e,
        };
        match event {
            Ok(Event::Message(m)) if text => {
                let line = text_line(
                    &Received {
                        topic: &m.topic,
                        payload: &m.payload,
                        received_ms: crate::clock::now_ms(),
                    },
                    style,
                );
                out_line(&line);
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
    let _ = conn.disconnect().await;
}

/// The backend's reports: alerts shown as the email would read (and collected), refused
/// connections as warnings; the rest stays quiet.
fn observers(printer: &Printer, emails: Arc<Mutex<Vec<Email>>>, text: bool) -> Observers {
    let broker = {
        let p = printer.clone();
        Arc::new(move |e: BrokerEvent| {
            if matches!(e, BrokerEvent::Refused { .. }) {
                p.warn(e.to_string());
            }
        })
    };
    let rules = {
        let p = printer.clone();
        Arc::new(move |e: RuleEvent| match e {
            RuleEvent::Alert {
                subject,
                body,
                recipient,
                ..
            } => {
                let email = Email {
                    to: recipient,
                    subject: subject.unwrap_or_default(),
                    body,
                };
                if text {
                    out_line(&render_email(&p, &email));
                }
                if let Ok(mut all) = emails.lock() {
                    all.push(email);
                }
            }
            RuleEvent::ActionFailed {
                rule,
                action,
                error,
            } => {
                p.warn(format!("rule {rule}: {action} action failed: {error}"));
            }
            _ => {}
        })
    };
    Observers {
        broker,
        rules,
        reloaded: Arc::new(|_| {}),
    }
}

fn render_email(p: &Printer, e: &Email) -> String {
    let width = e.body.len().max(e.subject.len() + 9).max(24) + 2;
    let rule = "─".repeat(width);
    format!(
        "{}\n│ {} {}\n│ {} {}\n│\n│ {}\n└{rule}",
        p.yellow(&format!(
            "┌─ email to {} {}",
            e.to,
            "─".repeat(width.saturating_sub(e.to.len() + 11))
        )),
        p.dim("To:"),
        e.to,
        p.dim("Subject:"),
        e.subject,
        e.body
    )
}

fn print_summary(printer: &Printer, s: &DemoSummary) -> anyhow::Result<()> {
    printer.result(s, || {
        let mut text = format!(
            "Demo finished in {:.1}s: {} devices, {} readings sent, {} acknowledged, {} archived, {} under the threshold, {} alert email(s); torn down: {}; left behind: {}",
            s.seconds,
            s.devices,
            s.sent,
            s.acknowledged,
            s.archived,
            s.readings_under_threshold,
            s.alerts,
            if s.torn_down { "yes" } else { "no" },
            if s.left_behind { "yes" } else { "nothing" },
        );
        for p in &s.problems {
            text.push_str(&format!("\n  problem: {p}"));
        }
        text
    })?;
    Ok(())
}

/// One line on stdout; a closed stdout (`| head`) is not an error for the demo.
fn out_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|_| out.flush());
}
