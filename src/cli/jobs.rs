//! The command line of firmware, signing keys, jobs and encrypted files, as clap types.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{EXIT_CODES, StackArg, parse_duration};

pub const JOB_WATCH_HELP: &str = "\
Prints the executions by status as devices report, until the job completes (or is canceled),
then a summary with each failure's reason.

Exit codes:
  0  the job completed and every execution succeeded
  1  the job completed or was canceled with executions that did not succeed, or a call failed
  2  bad usage or bad input (no such job)
  3  --timeout came before the job completed";

#[derive(Debug, Subcommand)]
pub enum SigningKeyCommand {
    /// Make the stack's code-signing key (ECDSA P-256, kept here, 0600) and its certificate.
    #[command(after_help = EXIT_CODES)]
    Create(SigningKeyCreateArgs),
}

#[derive(Debug, Args)]
pub struct SigningKeyCreateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Replace an existing key (images signed with the old one no longer verify on devices
    /// given the new certificate).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub dir: SigningDirArg,
}

#[derive(Debug, Args)]
pub struct SigningDirArg {
    /// Where code-signing keys are kept, one <DIR>/<stack>/ each [default:
    /// ~/.local/share/soilctl/signing]
    #[arg(long, env = "SOILCTL_SIGNING_DIR", value_name = "DIR")]
    pub signing_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum FirmwareCommand {
    /// Put a firmware image into the stack's firmware bucket, signed with the stack's key.
    #[command(after_help = EXIT_CODES, disable_version_flag = true)]
    Publish(FirmwarePublishArgs),
    /// List the published firmware versions.
    #[command(after_help = EXIT_CODES)]
    List(FirmwareListArgs),
}

#[derive(Debug, Args)]
pub struct FirmwarePublishArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The image file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Its version, such as 1.4.0 (published once).
    #[arg(long, value_name = "V")]
    pub version: String,

    #[command(flatten)]
    pub dir: SigningDirArg,
}

#[derive(Debug, Args)]
pub struct FirmwareListArgs {
    #[command(flatten)]
    pub stack: StackArg,
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Roll a firmware version out to the stack's things as an AWS IoT job.
    #[command(after_help = EXIT_CODES)]
    Create(JobCreateArgs),
    /// List the stack's jobs.
    #[command(after_help = EXIT_CODES)]
    List(JobListArgs),
    /// Show one job and its executions.
    #[command(after_help = EXIT_CODES)]
    Show(JobIdArgs),
    /// Follow a job's executions live until it completes.
    #[command(after_help = JOB_WATCH_HELP)]
    Watch(JobWatchArgs),
    /// Cancel a job: queued executions are canceled (with --force, those in progress too).
    #[command(after_help = EXIT_CODES)]
    Cancel(JobCancelArgs),
    /// Delete a job and its executions (--force for one still in progress).
    #[command(after_help = EXIT_CODES)]
    Delete(JobCancelArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("targets").args(["things", "all", "group"]).required(true)))]
pub struct JobCreateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The firmware version to install (see `firmware publish`).
    #[arg(long, value_name = "V")]
    pub firmware: String,

    /// A thing to update (repeat for more).
    #[arg(long = "thing", value_name = "NAME")]
    pub things: Vec<String>,

    /// Every thing of the stack.
    #[arg(long)]
    pub all: bool,

    /// Every thing in this thing group of the stack (see `soilctl group`).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// With --group: also every thing that joins the group later (paired or added), for as
    /// long as the job runs (a continuous job).
    #[arg(long, requires = "group")]
    pub continuous: bool,

    /// The job's id [default: firmware-<version>-<time>].
    #[arg(long, value_name = "ID")]
    pub job_id: Option<String>,

    /// At most this many devices notified a minute (1 to 1000) [default: AWS's 1000].
    #[arg(long, value_name = "N")]
    pub rollout_rate: Option<i32>,

    /// An exponential rollout: --rollout-rate is the starting rate, multiplied by this factor
    /// (1.1 to 5, one decimal) each time --rollout-every more devices were notified.
    #[arg(long, value_name = "F", requires_all = ["rollout_rate", "rollout_every"])]
    pub rollout_factor: Option<f64>,

    /// With --rollout-factor: how many more devices notified raise the rate.
    #[arg(long, value_name = "N", requires = "rollout_factor")]
    pub rollout_every: Option<i32>,

    /// Cancel the job once this share of the finished executions failed, such as 20%.
    #[arg(long, value_name = "P%", requires = "min_executed")]
    pub abort_after: Option<String>,

    /// How many executions must have finished before --abort-after applies.
    #[arg(long, value_name = "N", requires = "abort_after")]
    pub min_executed: Option<i32>,

    /// An execution still in progress this long after it started times out (1m to 7d).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<std::time::Duration>,

    /// How long a device's download URL is valid (1m to 1h).
    #[arg(long, value_parser = parse_duration, default_value = "1h", value_name = "DURATION")]
    pub url_expiry: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct JobListArgs {
    #[command(flatten)]
    pub stack: StackArg,
}

#[derive(Debug, Args)]
pub struct JobIdArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The job's id.
    #[arg(value_name = "ID")]
    pub job_id: String,
}

#[derive(Debug, Args)]
pub struct JobWatchArgs {
    #[command(flatten)]
    pub job: JobIdArgs,

    /// Give up after this long.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<std::time::Duration>,

    /// Time between two looks at the job.
    #[arg(long, value_parser = parse_duration, default_value = "1s", value_name = "DURATION")]
    pub interval: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct JobCancelArgs {
    #[command(flatten)]
    pub job: JobIdArgs,

    /// Also executions in progress (the device may be mid-install).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Send a file that only one device can read: encrypted to its certificate's key, delivered by a job.
    #[command(after_help = EXIT_CODES)]
    Send(FileSendArgs),
}

#[derive(Debug, Args)]
pub struct FileSendArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The device.
    #[arg(value_name = "THING")]
    pub thing: String,

    /// The file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// How long the device's download URL is valid (1m to 1h).
    #[arg(long, value_parser = parse_duration, default_value = "1h", value_name = "DURATION")]
    pub url_expiry: std::time::Duration,
}
