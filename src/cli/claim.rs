//! The command line of fleet provisioning by claim, as clap types.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{EXIT_CODES, StackArg};

#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Make a claim certificate for a key made here (CSR), attached to the stack's claim
    /// policy: it may do nothing but ask for a device's own identity.
    #[command(after_help = EXIT_CODES)]
    Create(ClaimCreateArgs),
    /// The stack's claim certificates, and how many serial numbers may be provisioned.
    #[command(after_help = EXIT_CODES)]
    List(ClaimListArgs),
    /// Deactivate and delete a claim certificate (devices already provisioned keep theirs).
    #[command(after_help = EXIT_CODES)]
    Revoke(ClaimRevokeArgs),
    /// Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses
    /// any other, and any whose thing has a certificate already).
    #[command(after_help = EXIT_CODES)]
    Allow(ClaimAllowArgs),
}

#[derive(Debug, Args)]
pub struct ClaimDirArg {
    /// Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default:
    /// ~/.local/share/soilctl/devices]
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub devices_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ClaimCreateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The batch this claim certificate is for (the factory run that flashes it).
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub dir: ClaimDirArg,
}

#[derive(Debug, Args)]
pub struct ClaimListArgs {
    #[command(flatten)]
    pub stack: StackArg,

    #[command(flatten)]
    pub dir: ClaimDirArg,
}

#[derive(Debug, Args)]
pub struct ClaimRevokeArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The batch name given to `claim create`, or a claim certificate's id.
    #[arg(value_name = "NAME|CERTIFICATE_ID")]
    pub claim: String,

    #[command(flatten)]
    pub dir: ClaimDirArg,
}

#[derive(Debug, Args)]
pub struct ClaimAllowArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Serial numbers to allow (1 to 128 of A-Z a-z 0-9 : _ -; each names its thing).
    #[arg(value_name = "SERIAL", required_unless_present = "from")]
    pub serials: Vec<String>,

    /// Read more serial numbers from this file, one a line (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}
