//! One module per command; each takes plain settings and the printer and returns an exit code.

pub mod ca;
pub mod claim;
pub mod demo;
pub mod deploy;
pub mod device_cert;
pub mod doctor;
pub mod endpoint;
pub mod file_send;
pub mod firmware;
pub mod generate;
pub mod group;
pub mod job;
pub mod job_watch;
pub mod local_env;
pub mod local_up;
pub mod onboard;
pub mod pair;
pub mod rules;
pub mod shadow;
pub mod simulate;
pub mod status;
pub mod tail;
pub mod target;
pub mod teardown;
pub mod thing;

use std::process::ExitCode;

use crate::aws::AwsSettings;
use crate::cli::{
    CaCommand, ClaimCommand, Cli, Command, DeviceCertCommand, FileCommand, FirmwareCommand,
    GroupCommand, JobCommand, LocalCommand, RulesCommand, SigningKeyCommand, ThingCommand,
};
use crate::names::check_stack_name;
use crate::printer::Printer;
use crate::settings::{self, Target};

pub async fn run(cli: Cli, printer: Printer) -> anyhow::Result<ExitCode> {
    let target = settings::target(&cli.global);
    // With `--local`, the local backend's AWS API endpoint (in this process when no `local up`
    // runs) for the commands that call AWS; the same command code runs either way.
    // What can be checked before any backend is reached (or, with `--local`, created).
    if let Command::Ca(CaCommand::Register(args)) = &cli.command {
        crate::byoca::DeviceCa::load(&settings::ca_dir(args.ca.ca_dir.clone()))?;
    }
    let resolved = match uses_aws(&cli.command) {
        true => Some(target::resolve(&target, &printer).await?),
        false => None,
    };
    let aws = resolved
        .as_ref()
        .map(|r| r.aws.clone())
        .unwrap_or_else(|| settings::aws(&cli.global));
    let result = dispatch(cli, &target, &aws, printer).await;
    if let Some(resolved) = resolved {
        resolved.finish().await;
    }
    result
}

/// Whether the command calls AWS (or the local backend's AWS API endpoint).
fn uses_aws(command: &Command) -> bool {
    !matches!(
        command,
        Command::Rules(_)
            | Command::Tail(_)
            | Command::Demo(_)
            | Command::Local(_)
            | Command::Ca(CaCommand::Create(_))
            | Command::DeviceCert(_)
            | Command::Generate(_)
    )
}

async fn dispatch(
    cli: Cli,
    target: &Target,
    aws: &AwsSettings,
    printer: Printer,
) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Deploy(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::DeploySettings {
                stack_name: args.stack.stack_name,
                email: args.email,
                threshold: args.threshold,
                jitr: args.jitr,
                fleet_provisioning: args.fleet_provisioning,
                pairing_code_lifetime: args.pairing_code_lifetime,
                template: args.template,
                yes: args.yes,
                wait: !args.no_wait,
            };
            deploy::run(&s, aws, &printer).await
        }
        Command::Thing(ThingCommand::Create(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let names = match args.count {
                Some(count) => crate::names::numbered(&args.prefix, count),
                None => args.names,
            };
            let s = settings::ThingCreateSettings {
                stack_name: args.stack.stack_name,
                names,
                devices_dir: settings::devices_dir(args.devices_dir),
                key_algorithm: args.key_algorithm,
                rate: args.rate,
                concurrency: args.concurrency,
            };
            thing::create(&s, aws, &printer).await
        }
        Command::Thing(ThingCommand::List(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let filter = thing::ThingFilter::new(
                args.attributes,
                args.thing_type,
                args.connected,
                args.disconnected,
            )
            .in_group(args.group);
            let stack = &args.stack.stack_name;
            thing::list(stack, &filter, aws, &printer).await
        }
        Command::Thing(ThingCommand::Show(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            thing::show(&args.stack.stack_name, &args.name, aws, &printer).await
        }
        Command::Thing(ThingCommand::Delete(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::ThingDeleteSettings {
                stack_name: args.stack.stack_name,
                names: args.names,
                devices_dir: settings::devices_dir(args.devices_dir),
                rate: args.rate,
            };
            thing::delete(&s, aws, &printer).await
        }
        Command::Status(args) => {
            check_stack_name(&args.stack.stack_name)?;
            status::run(&args.stack.stack_name, aws, &printer).await
        }
        Command::Teardown(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::TeardownSettings {
                stack_name: args.stack.stack_name,
                yes: args.yes,
                dry_run: args.dry_run,
                devices_dir: settings::devices_dir(args.devices_dir),
                rate: args.rate,
                ca_dir: args
                    .ca
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or_else(crate::byoca::default_ca_dir),
                signing_dir: settings::signing_dir(None),
            };
            teardown::run(&s, aws, &printer).await
        }
        Command::Doctor(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = doctor::DoctorSettings {
                stack_name: args.stack.stack_name,
                thing: args.name,
                devices_dir: settings::devices_dir(args.devices_dir),
            };
            doctor::run(&s, aws, &printer).await
        }
        Command::Shadow(cmd) => {
            let s = shadow::ShadowSettings::from_command(cmd)?;
            shadow::run(&s, aws, &printer).await
        }
        Command::Rules(RulesCommand::Test(args)) => {
            let s = rules::RulesTestSettings {
                payload: rules::read_payload(&args.payload)?,
                params: rules::parse_params(&args.params)?,
                sql: args.sql,
                template: args.template,
                topic: args.topic,
                sql_version: args.sql_version,
                client_id: args.client_id,
                principal: args.principal,
                timestamp_ms: args.timestamp.unwrap_or_else(crate::clock::now_ms),
                substitute: args.substitute,
            };
            rules::run(&s, &printer)
        }
        Command::Simulate(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = simulate_settings(args)?;
            simulate::run(&s, target, aws, &printer).await
        }
        Command::Tail(args) => {
            let s = settings::TailSettings {
                filters: args.filters,
                count: args.count,
                timeout: args.timeout,
                pretty: args.pretty,
                threshold: args.threshold,
                chart: args.chart,
                mqtt_endpoint: args.endpoint.mqtt_endpoint,
                mqtt_ca: args.endpoint.mqtt_ca,
            };
            tail::run(&s, target, &printer).await
        }
        Command::Demo(args) => {
            let s = demo::DemoSettings {
                duration: args.duration,
                devices: args.devices,
                interval: args.interval,
                threshold: args.threshold,
                seed: args.seed.unwrap_or_else(|| crate::clock::now_ms() as u64),
            };
            demo::run(&s, &printer).await
        }
        Command::Local(LocalCommand::Up(args)) => {
            let state = settings::state_dir(&cli.global);
            let s = settings::LocalUpSettings {
                port: args.port,
                api_port: args.api_port,
                https_port: args.https_port,
                session_expiry_secs: u32::try_from(args.session_expiry.as_secs())
                    .unwrap_or(u32::MAX),
            };
            local_up::run(&state, &s, &printer).await
        }
        Command::Local(LocalCommand::Env) => {
            let state = settings::state_dir(&cli.global);
            local_env::run(&state, &printer)
        }
        Command::Ca(CaCommand::Create(args)) => {
            let s = settings::CaSettings {
                ca_dir: settings::ca_dir(args.out),
            };
            ca::create(&s, &printer)
        }
        Command::Ca(CaCommand::Register(args)) => {
            let s = settings::CaSettings {
                ca_dir: settings::ca_dir(args.ca.ca_dir),
            };
            ca::register(&s, aws, &printer).await
        }
        Command::Ca(CaCommand::List(args)) => {
            let s = settings::CaSettings {
                ca_dir: settings::ca_dir(args.ca.ca_dir),
            };
            ca::list(&s, aws, &printer).await
        }
        Command::Ca(CaCommand::Delete(args)) => {
            let s = settings::CaDeleteSettings {
                ca_dir: settings::ca_dir(args.ca.ca_dir),
                id: args.id,
                force: args.force,
            };
            ca::delete(&s, aws, &printer).await
        }
        Command::DeviceCert(DeviceCertCommand::Issue(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::DeviceCertIssueSettings {
                name: args.name,
                stack_name: args.stack.stack_name,
                ca_dir: settings::ca_dir(args.ca.ca_dir),
                devices_dir: settings::devices_dir(args.out),
                key_algorithm: args.key_algorithm,
                validity_days: args.days,
            };
            device_cert::issue(&s, target, &printer)
        }
        Command::Job(cmd) => run_job(cmd, aws, &printer).await,
        Command::Claim(cmd) => run_claim(cmd, aws, &printer).await,
        Command::Group(cmd) => run_group(cmd, aws, &printer).await,
        Command::Pair(args) => {
            check_stack_name(&args.stack.stack_name)?;
            pair::pair(
                &args.stack.stack_name,
                &args.code,
                &args.group,
                aws,
                &printer,
            )
            .await
        }
        Command::Unpair(args) => {
            check_stack_name(&args.stack.stack_name)?;
            pair::unpair(&args.stack.stack_name, &args.thing, aws, &printer).await
        }
        Command::SigningKey(SigningKeyCommand::Create(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let dir = settings::signing_dir(args.dir.signing_dir);
            firmware::signing_key_create(&args.stack.stack_name, &dir, args.force, &printer)
        }
        Command::Firmware(FirmwareCommand::Publish(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let dir = settings::signing_dir(args.dir.signing_dir);
            let stack = &args.stack.stack_name;
            firmware::publish(stack, &args.file, &args.version, &dir, aws, &printer).await
        }
        Command::Firmware(FirmwareCommand::List(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            firmware::list(&args.stack.stack_name, aws, &printer).await
        }
        Command::File(FileCommand::Send(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            crate::names::check_thing_name(&args.thing)?;
            let s = file_send::FileSendSettings {
                stack_name: args.stack.stack_name,
                thing: args.thing,
                file: args.file,
                url_expiry_secs: job::url_expiry_secs(args.url_expiry)?,
            };
            file_send::run(&s, aws, &printer).await
        }
        Command::Generate(cmd) => generate::run(cmd),
    }
}

async fn run_group(
    cmd: GroupCommand,
    aws: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    match cmd {
        GroupCommand::Create(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let description = args.description.as_deref();
            group::create(
                &args.stack.stack_name,
                &args.name,
                description,
                aws,
                printer,
            )
            .await
        }
        GroupCommand::List(args) => {
            check_stack_name(&args.stack.stack_name)?;
            group::list(&args.stack.stack_name, aws, printer).await
        }
        GroupCommand::Show(args) => {
            check_stack_name(&args.stack.stack_name)?;
            group::show(&args.stack.stack_name, &args.name, aws, printer).await
        }
        GroupCommand::Delete(args) => {
            check_stack_name(&args.stack.stack_name)?;
            group::delete(&args.stack.stack_name, &args.name, aws, printer).await
        }
        GroupCommand::Add(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let stack = &args.stack.stack_name;
            group::change_members(stack, &args.name, &args.things, true, aws, printer).await
        }
        GroupCommand::Remove(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let stack = &args.stack.stack_name;
            group::change_members(stack, &args.name, &args.things, false, aws, printer).await
        }
    }
}

async fn run_claim(
    cmd: ClaimCommand,
    aws: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    match cmd {
        ClaimCommand::Create(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let dir = settings::devices_dir(args.dir.devices_dir);
            claim::create(&args.stack.stack_name, &args.name, &dir, aws, printer).await
        }
        ClaimCommand::List(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let dir = settings::devices_dir(args.dir.devices_dir);
            claim::list(&args.stack.stack_name, &dir, aws, printer).await
        }
        ClaimCommand::Revoke(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let dir = settings::devices_dir(args.dir.devices_dir);
            claim::revoke(&args.stack.stack_name, &args.claim, &dir, aws, printer).await
        }
        ClaimCommand::Allow(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let from = args.from.as_deref();
            claim::allow(&args.stack.stack_name, &args.serials, from, aws, printer).await
        }
    }
}

async fn run_job(
    cmd: JobCommand,
    aws: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    match cmd {
        JobCommand::Create(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = job_create_settings(args)?;
            firmware::create_job(&s, aws, printer).await
        }
        JobCommand::List(args) => {
            check_stack_name(&args.stack.stack_name)?;
            job::list(&args.stack.stack_name, aws, printer).await
        }
        JobCommand::Show(args) => {
            check_stack_name(&args.stack.stack_name)?;
            job::show(&args.stack.stack_name, &args.job_id, aws, printer).await
        }
        JobCommand::Watch(args) => {
            let id = &args.job;
            check_stack_name(&id.stack.stack_name)?;
            let stack = &id.stack.stack_name;
            job_watch::run(stack, &id.job_id, args.timeout, args.interval, aws, printer).await
        }
        JobCommand::Cancel(args) => {
            check_stack_name(&args.job.stack.stack_name)?;
            let stack = &args.job.stack.stack_name;
            job::cancel(stack, &args.job.job_id, args.force, aws, printer).await
        }
        JobCommand::Delete(args) => {
            check_stack_name(&args.job.stack.stack_name)?;
            let stack = &args.job.stack.stack_name;
            job::delete(stack, &args.job.job_id, args.force, aws, printer).await
        }
    }
}

fn simulate_settings(args: crate::cli::SimulateArgs) -> anyhow::Result<settings::SimulateSettings> {
    use crate::error::bad_input;
    if args.devices == 0 {
        return Err(bad_input("--devices must be at least 1"));
    }
    if args.interval.is_zero() {
        return Err(bad_input(
            "--interval must be longer than 0 (for example 5s)",
        ));
    }
    if args.sleep.is_some_and(|d| d.is_zero()) {
        return Err(bad_input("--sleep must be longer than 0 (for example 30s)"));
    }
    if args.count == Some(0) {
        return Err(bad_input("--count must be at least 1"));
    }
    if args.protocol == crate::cli::Protocol::Https {
        if args.sleep.is_some() {
            return Err(bad_input(
                "--sleep needs MQTT persistent sessions: it does not go with --protocol https",
            ));
        }
        if args.endpoint.mqtt_endpoint.is_some() {
            return Err(bad_input(
                "--mqtt-endpoint names an MQTT endpoint: with --protocol https devices use port 8443 of the iot:Data-ATS endpoint (the running `local up`'s HTTPS port with --local)",
            ));
        }
    }
    if !(0.0..=100.0).contains(&args.threshold) {
        return Err(bad_input("--threshold must be between 0 and 100"));
    }
    let names = crate::names::numbered(&args.prefix, args.devices);
    for name in names.iter().take(1).chain(names.last()) {
        crate::names::check_thing_name(name)?;
    }
    let stop = match (args.count, args.duration) {
        (Some(m), _) => crate::fleet::Stop::Count(m),
        (None, Some(d)) => crate::fleet::Stop::After(d),
        (None, None) => crate::fleet::Stop::After(std::time::Duration::from_secs(600)),
    };
    Ok(settings::SimulateSettings {
        stack_name: args.stack.stack_name,
        names,
        devices_dir: settings::devices_dir(args.devices_dir),
        key_algorithm: args.key_algorithm,
        rate: args.rate,
        interval: args.interval,
        sleep: args.sleep,
        stop,
        qos: if args.qos == 0 {
            crate::mqtt::QoS::AtMostOnce
        } else {
            crate::mqtt::QoS::AtLeastOnce
        },
        threshold: args.threshold,
        seed: args.seed.unwrap_or_else(|| crate::clock::now_ms() as u64),
        ramp: args.ramp,
        jitr_ca: args.jitr.then(|| {
            args.ca
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(crate::byoca::default_ca_dir)
        }),
        onboard_claim: args
            .onboard
            .map(|crate::cli::Onboard::Claim| (args.claim.clone(), args.service_keys)),
        mqtt_endpoint: args.endpoint.mqtt_endpoint,
        mqtt_ca: args.endpoint.mqtt_ca,
        protocol: args.protocol,
        pair: args.pair,
        signing_dir: settings::signing_dir(args.signing.signing_dir),
        tamper_rate: match &args.tamper_rate {
            None => 0.0,
            Some(p) => {
                job::parse_percent(p).map_err(|_| {
                    bad_input(format!(
                        "--tamper-rate {p:?} is not a percentage from 0% to 100%"
                    ))
                })? / 100.0
            }
        },
    })
}

fn job_create_settings(
    args: crate::cli::JobCreateArgs,
) -> anyhow::Result<firmware::JobCreateSettings> {
    use crate::error::bad_input;
    if let Some(id) = &args.job_id {
        job::check_job_id(id)?;
    }
    if let Some(rate) = args.rollout_rate
        && !(1..=1000).contains(&rate)
    {
        return Err(bad_input(format!(
            "--rollout-rate must be from 1 to 1000 devices a minute (AWS IoT's bounds), not {rate}"
        )));
    }
    let rollout = match (args.rollout_rate, args.rollout_factor, args.rollout_every) {
        (None, _, _) => None,
        (Some(rate), None, _) => Some(crate::aws::jobs::Rollout::Constant(rate)),
        (Some(base), Some(factor), Some(every)) => {
            let tenths = factor * 10.0;
            if !(1.1..=5.0).contains(&factor) || (tenths - tenths.round()).abs() > 1e-9 {
                return Err(bad_input(format!(
                    "--rollout-factor must be from 1.1 to 5 with one decimal (AWS IoT's bounds), not {factor}"
                )));
            }
            if every < 1 {
                return Err(bad_input("--rollout-every must be at least 1"));
            }
            Some(crate::aws::jobs::Rollout::Exponential {
                base,
                factor,
                after_notified: Some(every),
                after_succeeded: None,
            })
        }
        (Some(_), Some(_), None) => {
            return Err(bad_input("--rollout-factor needs --rollout-every"));
        }
    };
    let abort = match (args.abort_after, args.min_executed) {
        (Some(p), Some(n)) => {
            if n < 1 {
                return Err(bad_input("--min-executed must be at least 1"));
            }
            Some(crate::aws::jobs::Abort {
                failure_type: "ALL".to_string(),
                percent: job::parse_percent(&p)?,
                min_executed: n,
            })
        }
        _ => None,
    };
    for name in &args.things {
        crate::names::check_thing_name(name)?;
    }
    Ok(firmware::JobCreateSettings {
        stack_name: args.stack.stack_name,
        version: args.firmware,
        things: if args.all { Vec::new() } else { args.things },
        group: args.group,
        continuous: args.continuous,
        job_id: args.job_id,
        rollout,
        abort,
        timeout_minutes: args
            .timeout
            .map(|d| job::timeout_minutes("--timeout", d))
            .transpose()?,
        url_expiry_secs: job::url_expiry_secs(args.url_expiry)?,
    })
}
