//! `soilctl simulate`: makes sure every simulated device has its thing and certificate (created
//! through the target's control plane when missing), then runs the fleet with a live display on
//! stderr and prints the summary on stdout. With `--protocol https` the devices POST their
//! readings to the HTTPS endpoint (port 8443 of the iot:Data-ATS endpoint on AWS, the running
//! `local up`'s HTTPS port locally) instead of publishing over MQTT.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::cli::Protocol;
use crate::commands::endpoint::{self, MqttServer};
use crate::commands::thing::CreateResult;
use crate::fleet::{self, Counters, DeviceSpec, FleetEvent, FleetPlan, Stop, Summary};
use crate::mqtt::{Identity, QoS, ServerTrust};
use crate::printer::Printer;
use crate::progress::Progress;
use crate::settings::{SimulateSettings, Target, ThingCreateSettings};

/// AWS IoT Core's limit on publishes per second on one connection.
const AWS_PUBLISHES_PER_CONNECTION: u32 = 100;
/// New connections per second by default: AWS's per-account connect quota is 100 per second
/// in some Regions; the local backend takes many more.
const AWS_RAMP: u32 = 100;
const LOCAL_RAMP: u32 = 1000;
/// Event lines per second on stderr before they are only counted.
const EVENT_LINES_PER_SECOND: u32 = 20;

/// `aws` is where the devices are made: AWS, or the local backend's API endpoint.
pub async fn run(
    s: &SimulateSettings,
    target: &Target,
    aws: &crate::aws::AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    if s.pair && s.protocol == Protocol::Https {
        return Err(crate::error::bad_input(
            "--pair needs MQTT: a device asks for its pairing code on its own topic and receives it there (drop --protocol https)",
        ));
    }
    let (devices, server, aws) = match (&s.jitr_ca, &s.onboard_claim) {
        (Some(ca_dir), _) => jitr_devices(s, ca_dir, target, printer).await?,
        (None, Some((claim, service_keys))) => {
            crate::commands::onboard::devices(s, claim, *service_keys, target, printer).await?
        }
        (None, None) => {
            let (created, server, aws) = prepare(s, target, aws, printer).await?;
            if let Some(first) = created.failed.first() {
                anyhow::bail!(
                    "{} of {} device(s) could not be created (first: {}: {}); nothing was simulated",
                    created.failed.len(),
                    s.names.len(),
                    first.name,
                    first.error
                );
            }
            let devices = created
                .things
                .iter()
                .map(|t| (t.name.clone(), t.dir.clone()))
                .collect();
            (devices, server, aws)
        }
    };
    let server = match s.protocol {
        Protocol::Mqtt => server,
        Protocol::Https => https_server(target, server)?,
    };
    let plan = plan(s, &devices, server, aws)?;
    let summary = run_fleet(plan, s, printer).await;
    report(printer, &summary, s.qos)?;
    if s.protocol == Protocol::Https && summary.failed.iter().any(|f| f.error.contains("HTTP 403"))
    {
        printer.warn(HTTPS_POLICY_HINT);
    }
    Ok(exit_code(&summary, s.qos))
}

/// The devices' identities and the server, per target.
async fn prepare(
    s: &SimulateSettings,
    target: &Target,
    aws: &crate::aws::AwsSettings,
    printer: &Printer,
) -> anyhow::Result<(CreateResult, MqttServer, bool)> {
    let things = ThingCreateSettings {
        stack_name: s.stack_name.clone(),
        names: s.names.clone(),
        devices_dir: s.devices_dir.clone(),
        key_algorithm: s.key_algorithm,
        rate: s.rate,
        concurrency: 8,
    };
    let quiet = quiet_for_many(printer, s.names.len());
    match target {
        Target::Local(state) => {
            let server = endpoint::local_or_override(
                state,
                s.mqtt_endpoint.as_deref(),
                s.mqtt_ca.as_deref(),
            )?;
            let created = crate::commands::thing::ensure(&things, aws, &quiet).await?;
            if s.mqtt_endpoint.is_none() {
                // The running backend re-reads the registry within 200 ms; new devices wait for it.
                crate::local::server::wait_until_served(state, Duration::from_secs(5)).await?;
            }
            Ok((created, server, false))
        }
        Target::Aws(_) => {
            let created = crate::commands::thing::ensure(&things, aws, &quiet).await?;
            let server =
                match endpoint::aws_override(s.mqtt_endpoint.as_deref(), s.mqtt_ca.as_deref())? {
                    Some(server) => server,
                    None => aws_server(&created)?,
                };
            Ok((created, server, true))
        }
    }
}

fn aws_server(created: &CreateResult) -> anyhow::Result<MqttServer> {
    if created.endpoint.is_empty() {
        anyhow::bail!("AWS IoT returned no iot:Data-ATS endpoint for this account and Region");
    }
    Ok(MqttServer {
        host: created.endpoint.clone(),
        port: 8883,
        trust: ServerTrust::amazon_root(),
    })
}

/// With many devices, one line per created thing is noise: only the bar (or nothing).
fn quiet_for_many(printer: &Printer, devices: usize) -> Printer {
    if devices > 20 && !printer.verbose() {
        printer.with_level(-1)
    } else {
        printer.clone()
    }
}

/// The devices (thing name and folder of its files) and where they connect, for `--jitr`:
/// certificates issued here by the user's CA and not registered anywhere yet. A device that
/// already has its files keeps them.
async fn jitr_devices(
    s: &SimulateSettings,
    ca_dir: &std::path::Path,
    target: &Target,
    printer: &Printer,
) -> anyhow::Result<(Vec<(String, PathBuf)>, MqttServer, bool)> {
    let ca = crate::byoca::DeviceCa::load(ca_dir)?;
    let register_hint = match target {
        Target::Local(_) => "soilctl ca register --local",
        Target::Aws(_) => "soilctl ca register",
    };
    let registration =
        crate::commands::device_cert::registration_for(ca_dir, target)?.ok_or_else(|| {
            crate::error::bad_input(format!(
                "the CA in {} is not registered with this backend: run `{register_hint}` first",
                ca_dir.display()
            ))
        })?;
    let mut devices = Vec::with_capacity(s.names.len());
    let mut issued = 0;
    for name in &s.names {
        let dir = s.devices_dir.join(name);
        let usable = crate::pki::read_device(&dir).is_some_and(|d| {
            d.jitr
                .as_ref()
                .is_some_and(|j| j.ca_certificate_id == registration.ca_certificate_id)
                && dir.join(&d.private_key).is_file()
        });
        if !usable {
            let settings = crate::settings::DeviceCertIssueSettings {
                name: name.clone(),
                stack_name: s.stack_name.clone(),
                ca_dir: ca_dir.to_path_buf(),
                devices_dir: s.devices_dir.clone(),
                key_algorithm: s.key_algorithm,
                validity_days: 365,
            };
            crate::commands::device_cert::issue_device(&ca, &settings, target)
                .with_context(|| format!("issuing a certificate for {name}"))?;
            issued += 1;
        }
        devices.push((name.clone(), dir));
    }
    printer.info(format!(
        "{issued} device certificate(s) issued by CA {} ({} reused); none is registered yet: each device's first connection registers it",
        short(&registration.ca_certificate_id),
        devices.len() - issued
    ));
    let server = match target {
        Target::Local(state) => {
            endpoint::local_or_override(state, s.mqtt_endpoint.as_deref(), s.mqtt_ca.as_deref())?
        }
        Target::Aws(aws) => {
            match endpoint::aws_override(s.mqtt_endpoint.as_deref(), s.mqtt_ca.as_deref())? {
                Some(server) => server,
                None => {
                    let host = match registration.data_endpoint.clone() {
                        Some(host) if !host.is_empty() => host,
                        _ => {
                            let clients = crate::aws::load(aws).await?;
                            crate::aws::iot::data_endpoint(&clients.iot)
                                .await
                                .context("looking up the iot:Data-ATS endpoint")?
                        }
                    };
                    MqttServer {
                        host,
                        port: 8883,
                        trust: ServerTrust::amazon_root(),
                    }
                }
            }
        }
    };
    Ok((devices, server, matches!(target, Target::Aws(_))))
}

/// Why a device's HTTPS publish is refused when its MQTT publish is not.
const HTTPS_POLICY_HINT: &str = "over HTTPS there is no client id, so AWS IoT resolves no ${iot:Connection.Thing.*} policy variable: the stack's device policy allows a device's own topic by its certificate's common name (${iot:Certificate.Subject.CommonName}), which must be its thing's name; a stack deployed by an older soilctl needs `soilctl deploy` again";

/// AWS IoT Core's port for HTTPS with a client certificate.
const AWS_HTTPS_PORT: u16 = 8443;

/// Where devices POST over HTTPS: port 8443 of the same iot:Data-ATS endpoint on AWS, the
/// running `local up`'s device HTTPS port locally; the server's certificate is trusted as the
/// MQTT server's is.
fn https_server(target: &Target, mqtt: MqttServer) -> anyhow::Result<MqttServer> {
    match target {
        Target::Aws(_) => Ok(MqttServer {
            port: AWS_HTTPS_PORT,
            ..mqtt
        }),
        Target::Local(state) => {
            let running = crate::local::server::find_running(state)?;
            let port = running
                .https_endpoint
                .as_deref()
                .and_then(|url| url.rsplit_once(':'))
                .and_then(|(_, port)| port.parse::<u16>().ok())
                .ok_or_else(|| {
                    crate::error::bad_input(format!(
                        "the `local up` running for {} serves no HTTPS for devices: restart it with this soilctl",
                        state.root().display()
                    ))
                })?;
            Ok(MqttServer { port, ..mqtt })
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn plan(
    s: &SimulateSettings,
    things: &[(String, PathBuf)],
    server: MqttServer,
    aws: bool,
) -> anyhow::Result<FleetPlan> {
    let mut devices = Vec::with_capacity(things.len());
    for (name, dir) in things {
        let files = crate::pki::read_device(dir)
            .with_context(|| format!("device files of {name} are missing in {}", dir.display()))?;
        let identity =
            Identity::from_pem_files(&dir.join(&files.certificate), &dir.join(&files.private_key))
                .with_context(|| format!("reading the certificate and key of {name}"))?;
        devices.push(DeviceSpec {
            name: name.clone(),
            identity: Arc::new(identity),
        });
    }
    Ok(FleetPlan {
        devices,
        host: server.host,
        port: server.port,
        alpn: (aws && server.port == 443).then(|| b"x-amzn-mqtt-ca".to_vec()),
        trust: server.trust,
        interval: s.sleep.unwrap_or(s.interval),
        model_step: None,
        stop: s.stop,
        qos: s.qos,
        threshold: s.threshold,
        seed: s.seed,
        ramp_per_second: s
            .ramp
            .unwrap_or(if aws { AWS_RAMP } else { LOCAL_RAMP })
            .max(1),
        max_publish_rate: aws.then_some(AWS_PUBLISHES_PER_CONNECTION),
        max_in_flight: 32,
        max_backoff: Duration::from_secs(30),
        // A just-in-time registration takes a refusal and the function's run on AWS (seconds).
        refusals_before_giving_up: if s.jitr_ca.is_some() { 8 } else { 3 },
        // Over HTTPS a device only publishes.
        follow_shadow: s.protocol == Protocol::Mqtt,
        pairing: s.pair,
        jobs: (s.protocol == Protocol::Mqtt).then(|| crate::fleet::jobs::JobsPlan {
            signing_cert: std::fs::read_to_string(
                crate::commands::firmware::signing_dir(&s.signing_dir, &s.stack_name)
                    .join(crate::firmware::SIGNING_CERT_FILE),
            )
            .ok(),
            tamper_rate: s.tamper_rate,
        }),
        sleep: s.sleep,
    })
}

async fn run_fleet(plan: FleetPlan, s: &SimulateSettings, printer: &Printer) -> Summary {
    let n = plan.devices.len();
    let cadence = match plan.sleep {
        Some(sleep) => format!(
            "each wakes on a persistent session, publishes one reading and sleeps {}",
            humantime::format_duration(sleep)
        ),
        None => format!(
            "a reading every {}",
            humantime::format_duration(plan.effective_interval())
        ),
    };
    let scheme = match s.protocol {
        Protocol::Mqtt => "mqtts",
        Protocol::Https => "https",
    };
    printer.info(format!(
        "Simulating {n} device(s) against {scheme}://{}:{}: {cadence}, at QoS {}, {}; Ctrl-C stops",
        plan.host,
        plan.port,
        if plan.qos == QoS::AtLeastOnce { 1 } else { 0 },
        match s.stop {
            Stop::Count(m) => format!("{m} per device"),
            Stop::After(d) => format!("for {}", humantime::format_duration(d)),
        }
    ));
    let sleeping = plan.sleep.is_some();
    let counters = Arc::new(Counters::default());
    let cancel = CancellationToken::new();
    let bar = Arc::new(Progress::spinner(printer, "connecting"));
    let events = event_printer(bar.clone(), printer.clone(), s.jitr_ca.is_some());
    let display = tokio::spawn(display(
        counters.clone(),
        bar.clone(),
        printer.clone(),
        n,
        sleeping,
        cancel.clone(),
    ));
    let ctrl_c = {
        let cancel = cancel.clone();
        let printer = printer.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                printer.info("Stopping: waiting for the last acknowledgements");
                cancel.cancel();
            }
        })
    };
    let summary = match s.protocol {
        Protocol::Mqtt => fleet::run(plan, counters, cancel.clone(), events).await,
        Protocol::Https => fleet::run_over_https(plan, counters, cancel.clone(), events).await,
    };
    ctrl_c.abort();
    display.abort();
    bar.finish();
    summary
}

/// Refusals, drops and reconnections as lines above the display, at most
/// `EVENT_LINES_PER_SECOND`, then counted.
fn event_printer(
    bar: Arc<Progress>,
    printer: Printer,
    jitr: bool,
) -> Arc<dyn Fn(FleetEvent) + Send + Sync> {
    let window = std::sync::Mutex::new((Instant::now(), 0u32, 0u64));
    Arc::new(move |event: FleetEvent| {
        let mut w = window.lock().unwrap_or_else(|e| e.into_inner());
        if w.0.elapsed() >= Duration::from_secs(1) {
            if w.2 > 0 {
                bar.println(format!("  ... and {} more device event(s)", w.2));
            }
            *w = (Instant::now(), 0, 0);
        }
        if w.1 >= EVENT_LINES_PER_SECOND {
            w.2 += 1;
            return;
        }
        w.1 += 1;
        let line = match &event {
            FleetEvent::GaveUp { .. } => format!("{} {event}", printer.red("failed")),
            // With just-in-time registration the first refusal is the registration itself.
            FleetEvent::ConnectFailed {
                device, retry_in, ..
            } if jitr => format!(
                "{} {device}: refused: its certificate is being registered just in time; retrying in {:.1}s",
                printer.yellow("jitr"),
                retry_in.as_secs_f64()
            ),
            FleetEvent::Reconnected { device, attempts } if jitr => format!(
                "{} {device}: registered just in time and connected (after {attempts} refused attempt(s))",
                printer.green("ok")
            ),
            FleetEvent::Reconnected { .. } => format!("{} {event}", printer.green("ok")),
            _ => format!("{} {event}", printer.yellow("retry")),
        };
        bar.println(line);
    })
}

/// Updates the display four times a second; without a terminal, a line every ten seconds.
async fn display(
    counters: Arc<Counters>,
    bar: Arc<Progress>,
    printer: Printer,
    devices: usize,
    sleeping: bool,
    cancel: CancellationToken,
) {
    let started = Instant::now();
    let mut last_line = Instant::now();
    let mut previous = (Instant::now(), 0u64);
    let mut rate = 0.0;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        let c = counters.snapshot();
        let dt = previous.0.elapsed().as_secs_f64();
        if dt >= 1.0 {
            rate = (c.sent - previous.1) as f64 / dt;
            previous = (Instant::now(), c.sent);
        }
        let awake = if sleeping {
            format!(
                "{} awake · {} wake(s), {} on a kept session",
                c.connected, c.wakes, c.resumed
            )
        } else {
            format!("{}/{devices} connected", c.connected)
        };
        let line = format!(
            "{awake} · {} sent · {} acknowledged · {} under threshold · {} error(s) · {} reconnect(s) · {rate:.0} msg/s",
            c.sent, c.acknowledged, c.under_threshold, c.errors, c.reconnects
        );
        if printer.progress_enabled() {
            bar.set_message(line);
        } else if last_line.elapsed() >= Duration::from_secs(10) && !cancel.is_cancelled() {
            last_line = Instant::now();
            printer.info(format!("[{:.0}s] {line}", started.elapsed().as_secs_f64()));
        }
    }
}

fn report(printer: &Printer, summary: &Summary, qos: QoS) -> anyhow::Result<()> {
    printer.result(summary, || {
        let mut text = format!(
            "Simulated {} device(s) for {:.1}s: {}{} sent, {} acknowledged, {} under the threshold, {} error(s), {} disconnect(s), {} reconnect(s), {:.1} msg/s{}",
            summary.devices,
            summary.seconds,
            if summary.wakes > 0 {
                format!(
                    "{} wake(s) ({} on a session the broker kept), ",
                    summary.wakes, summary.resumed
                )
            } else {
                String::new()
            },
            summary.sent,
            if qos == QoS::AtLeastOnce {
                summary.acknowledged.to_string()
            } else {
                "n/a (QoS 0)".into()
            },
            summary.under_threshold,
            summary.errors,
            summary.disconnects,
            summary.reconnects,
            summary.messages_per_second,
            if summary.interrupted {
                " (stopped by Ctrl-C)"
            } else {
                ""
            }
        );
        if summary.jobs_succeeded + summary.jobs_failed > 0 {
            text.push_str(&format!(
                "\nJobs: {} execution(s) carried out, {} succeeded, {} failed or rejected",
                summary.jobs_succeeded + summary.jobs_failed,
                summary.jobs_succeeded,
                summary.jobs_failed
            ));
        }
        for shown in &summary.pairing {
            match (&shown.code, &shown.owner) {
                (Some(code), _) => text.push_str(&format!(
                    "\n{} shows pairing code {code}{}",
                    shown.device,
                    shown
                        .expires_at
                        .map(|at| format!(
                            " until {}",
                            humantime::format_rfc3339_seconds(
                                std::time::UNIX_EPOCH + Duration::from_secs(at)
                            )
                        ))
                        .unwrap_or_default()
                )),
                (None, Some(owner)) => {
                    text.push_str(&format!("\n{} is paired with {owner}", shown.device))
                }
                (None, None) => {}
            }
        }
        if let Some(d) = &summary.downloads {
            text.push_str(&format!(
                "\nDownloads: {} of {:.1} MB in {:.1}s, {:.1} MB/s together",
                d.count,
                d.bytes as f64 / 1e6,
                d.seconds,
                d.megabytes_per_second
            ));
        }
        for f in &summary.failed {
            text.push_str(&format!("\n  {}: {}", f.device, f.error));
        }
        text
    })?;
    Ok(())
}

fn exit_code(summary: &Summary, qos: QoS) -> ExitCode {
    let unacknowledged = qos == QoS::AtLeastOnce && summary.acknowledged < summary.sent;
    if summary.failed.is_empty() && !unacknowledged {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
