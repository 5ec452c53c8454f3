//! One module per command; each takes plain settings and the printer and returns an exit code.

pub mod deploy;
pub mod generate;
pub mod local;
pub mod rules;
pub mod status;
pub mod teardown;
pub mod thing;

use std::process::ExitCode;

use crate::cli::{Cli, Command, LocalCommand, RulesCommand, ThingCommand};
use crate::names::check_stack_name;
use crate::printer::Printer;
use crate::settings::{self, Target};

pub async fn run(cli: Cli, printer: Printer) -> anyhow::Result<ExitCode> {
    let target = settings::target(&cli.global);
    match cli.command {
        Command::Deploy(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::DeploySettings {
                stack_name: args.stack.stack_name,
                email: args.email,
                threshold: args.threshold,
                template: args.template,
                yes: args.yes,
                wait: !args.no_wait,
            };
            match &target {
                Target::Aws(aws) => deploy::run(&s, aws, &printer).await,
                Target::Local(state) => local::deploy(&s, state, &printer).await,
            }
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
            match &target {
                Target::Aws(aws) => thing::create(&s, aws, &printer).await,
                Target::Local(state) => local::thing_create(&s, state, &printer).await,
            }
        }
        Command::Thing(ThingCommand::List(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            match &target {
                Target::Aws(aws) => thing::list(&args.stack.stack_name, aws, &printer).await,
                Target::Local(state) => local::thing_list(&args.stack.stack_name, state, &printer),
            }
        }
        Command::Thing(ThingCommand::Show(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            match &target {
                Target::Aws(aws) => {
                    thing::show(&args.stack.stack_name, &args.name, aws, &printer).await
                }
                Target::Local(state) => {
                    local::thing_show(&args.stack.stack_name, &args.name, state, &printer)
                }
            }
        }
        Command::Thing(ThingCommand::Delete(args)) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::ThingDeleteSettings {
                stack_name: args.stack.stack_name,
                names: args.names,
                devices_dir: settings::devices_dir(args.devices_dir),
                rate: args.rate,
            };
            match &target {
                Target::Aws(aws) => thing::delete(&s, aws, &printer).await,
                Target::Local(state) => local::thing_delete(&s, state, &printer),
            }
        }
        Command::Status(args) => {
            check_stack_name(&args.stack.stack_name)?;
            match &target {
                Target::Aws(aws) => status::run(&args.stack.stack_name, aws, &printer).await,
                Target::Local(state) => local::status(&args.stack.stack_name, state, &printer),
            }
        }
        Command::Teardown(args) => {
            check_stack_name(&args.stack.stack_name)?;
            let s = settings::TeardownSettings {
                stack_name: args.stack.stack_name,
                yes: args.yes,
                dry_run: args.dry_run,
                devices_dir: settings::devices_dir(args.devices_dir),
                rate: args.rate,
            };
            match &target {
                Target::Aws(aws) => teardown::run(&s, aws, &printer).await,
                Target::Local(state) => local::teardown(&s, state, &printer),
            }
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
        Command::Local(LocalCommand::Up(args)) => {
            let state = settings::state_dir(&cli.global);
            local::up::run(&state, args.port, &printer).await
        }
        Command::Generate(cmd) => generate::run(cmd),
    }
}
