//! `soilctl generate`: shell completions and man pages, built from the clap definitions.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, GenerateCommand};

/// The command line as users see it: without the hidden `generate`.
pub fn public_command() -> clap::Command {
    let full = Cli::command();
    let mut cmd = clap::Command::new("soilctl");
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    if let Some(after) = full.get_after_help() {
        cmd = cmd.after_help(after.clone());
    }
    cmd = cmd
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .subcommand_required(true);
    for arg in full.get_arguments() {
        cmd = cmd.arg(arg.clone());
    }
    for sub in full
        .get_subcommands()
        .filter(|s| s.get_name() != "generate")
    {
        cmd = cmd.subcommand(sub.clone());
    }
    cmd
}

pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = public_command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "soilctl", &mut out);
    out
}

pub fn man_pages(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("writing man pages to {}", dir.display()))
}

pub fn run(cmd: GenerateCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        GenerateCommand::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            out.write_all(&completions(shell))?;
            out.flush()?;
        }
        GenerateCommand::Man { out_dir } => man_pages(&out_dir)?,
    }
    Ok(ExitCode::SUCCESS)
}
