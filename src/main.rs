//! The `soilctl` binary: parse, run, map the error chain to an exit code.

use std::process::ExitCode;

use clap::Parser;
use soilctl::cli::Cli;
use soilctl::error;
use soilctl::printer::{Format, Printer};

/// mimalloc rather than the system's allocator: `local up` allocates each message on the
/// threads that read it and frees it on the threads that run the rules, a pattern glibc's
/// allocator pays for with lock contention and consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match cli.global.output {
        soilctl::cli::OutputFormat::Json => Format::Json,
        soilctl::cli::OutputFormat::Text => Format::Text,
    };
    let printer = Printer::new(cli.global.quiet, cli.global.verbose, format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(soilctl::commands::run(cli, printer.clone())) {
        Ok(code) => code,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            printer.error(error::one_line(&err));
            error::exit_code(&err)
        }
    }
}
