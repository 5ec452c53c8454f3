//! The command line, as clap types and nothing else.
//!
//! Command code never sees these types: `settings` turns them into plain structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod claim;
mod groups;
mod jobs;

pub use claim::*;
pub use groups::*;
pub use jobs::*;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the operation failed (AWS refused it, a resource failed, the endpoint is unreachable)
  2  bad usage or bad input (a flag, a name AWS would reject, a template, missing credentials)";

/// Deploy, populate and tear down a serverless AWS IoT backend for soil-moisture sensors.
#[derive(Debug, Parser)]
#[command(
    name = "soilctl",
    version,
    propagate_version = true,
    after_help = EXIT_CODES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Text,
    /// One JSON document on stdout.
    Json,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Named profile from the AWS config and credentials files (default: AWS_PROFILE).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile's region).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS API call to this endpoint instead of AWS's.
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// How to print results on stdout.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Print less on stderr (twice: only errors).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "verbose")]
    pub quiet: u8,

    /// Print more on stderr (each AWS call with -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Talk to the embedded local backend instead of AWS (no account needed): the same
    /// commands against its AWS API endpoint (a running `local up`'s, else one served in
    /// this process).
    #[arg(long, global = true, conflicts_with_all = ["profile", "endpoint_url"])]
    pub local: bool,

    /// State directory of the local backend [default: ~/.local/state/soilctl/local].
    #[arg(long, global = true, env = "SOILCTL_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update the backend stack through a change set, with live progress.
    #[command(after_help = EXIT_CODES)]
    Deploy(DeployArgs),
    /// Per-device identities: things, certificates and keys made on this machine.
    #[command(subcommand)]
    Thing(ThingCommand),
    /// The stack, its outputs, the devices and their certificates, and the archive.
    #[command(after_help = EXIT_CODES)]
    Status(StatusArgs),
    /// Evaluate topic rules offline (IoT SQL), with no AWS account and no backend.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine.
    #[command(subcommand)]
    Local(LocalCommand),
    /// A fleet of simulated soil sensors, each with its own identity and connection.
    #[command(after_help = SIMULATE_HELP)]
    Simulate(SimulateArgs),
    /// Live telemetry, like the AWS console's MQTT test client (or a live chart).
    #[command(after_help = TAIL_HELP)]
    Tail(TailArgs),
    /// The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown.
    #[command(after_help = DEMO_HELP)]
    Demo(DemoArgs),
    /// Remove everything the stack and soilctl created, and check that nothing is left.
    #[command(after_help = EXIT_CODES)]
    Teardown(TeardownArgs),
    /// Why a device cannot connect or publish: a checklist of its certificate and policies.
    #[command(after_help = DOCTOR_HELP)]
    Doctor(DoctorArgs),
    /// Device shadows: read, update or delete a thing's classic or named shadow.
    #[command(subcommand)]
    Shadow(ShadowCommand),
    /// Your own CA, for devices that register themselves on first connection (JITR).
    #[command(subcommand)]
    Ca(CaCommand),
    /// Fleet provisioning by claim: claim certificates, and the serial numbers allowed.
    #[command(subcommand)]
    Claim(ClaimCommand),
    /// Thing groups: owners' gardens and sites, and the devices in them.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Pair a device with its owner's group by the code the device shows.
    #[command(after_help = PAIR_HELP)]
    Pair(PairArgs),
    /// Undo a pairing: the device leaves its owner's group and may be paired again.
    #[command(after_help = EXIT_CODES)]
    Unpair(UnpairArgs),
    /// Device certificates signed by your own CA, registered by the backend on first connection.
    #[command(subcommand)]
    DeviceCert(DeviceCertCommand),
    /// The stack's code-signing key, which signs firmware images.
    #[command(subcommand)]
    SigningKey(SigningKeyCommand),
    /// Firmware images: publish (signed, into the stack's firmware bucket) and list.
    #[command(subcommand)]
    Firmware(FirmwareCommand),
    /// AWS IoT Jobs: firmware rollouts to devices, followed live.
    #[command(subcommand)]
    Job(JobCommand),
    /// Files for one device only, encrypted to its certificate's key and delivered by a job.
    #[command(subcommand)]
    File(FileCommand),
    /// Shell completions and man pages.
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
}

#[derive(Debug, Args)]
pub struct StackArg {
    /// Name of the CloudFormation stack.
    #[arg(long, default_value = "iot-backend", value_name = "NAME")]
    pub stack_name: String,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Address that receives humidity alerts (required for a new stack).
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,

    /// Alert on readings with humidity below this percentage (0 to 100).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threshold: Option<String>,

    /// Just-in-time registration: a device whose certificate comes from your registered CA
    /// becomes a thing on its first connection (`--jitr=false` switches it off again).
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub jitr: Option<bool>,

    /// Fleet provisioning by claim: devices that hold only a claim certificate (`claim
    /// create`) get their own certificate and thing on first connection, if their serial
    /// number was allowed (`claim allow`); `--fleet-provisioning=false` switches it off again.
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub fleet_provisioning: Option<bool>,

    /// How long a device's pairing code lasts once it asked for one (1s to 24h, whole
    /// seconds) [default: the stack's, at first 10m].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub pairing_code_lifetime: Option<std::time::Duration>,

    /// CloudFormation template to deploy instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// Apply an update without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Start the deployment and return without following it.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Subcommand)]
pub enum ThingCommand {
    /// Create things, each with a key made here, a certificate from AWS IoT and the device policy.
    #[command(after_help = EXIT_CODES)]
    Create(ThingCreateArgs),
    /// List the things this stack manages.
    #[command(after_help = EXIT_CODES)]
    List(ThingListArgs),
    /// Show one thing, its certificates and their policies.
    #[command(after_help = EXIT_CODES)]
    Show(ThingShowArgs),
    /// Delete things with their certificates (detached, deactivated, deleted).
    #[command(after_help = EXIT_CODES)]
    Delete(ThingDeleteArgs),
}

#[derive(Debug, Args)]
pub struct ThingCreateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Names of the things to create.
    #[arg(
        value_name = "NAME",
        required_unless_present = "count",
        conflicts_with = "count"
    )]
    pub names: Vec<String>,

    /// Create this many things, named <prefix>1 ... <prefix>N.
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,

    /// Name prefix used with --count.
    #[arg(
        long,
        default_value = "soilSensor",
        requires = "count",
        value_name = "PREFIX"
    )]
    pub prefix: String,

    /// Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]
    #[arg(
        long,
        visible_alias = "out-dir",
        env = "SOILCTL_DEVICES_DIR",
        value_name = "DIR"
    )]
    pub devices_dir: Option<PathBuf>,

    /// Key algorithm for the device key pair.
    #[arg(long, value_enum, default_value_t = KeyAlgorithm::EcdsaP256)]
    pub key_algorithm: KeyAlgorithm,

    /// Highest rate of calls per AWS IoT API, per second (AWS's default quotas allow 10 or more).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub rate: u32,

    /// How many things are created at the same time.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgorithm {
    /// ECDSA with the NIST P-256 curve.
    EcdsaP256,
    /// ECDSA with the NIST P-384 curve.
    EcdsaP384,
    /// RSA, 2048 bits.
    Rsa2048,
}

#[derive(Debug, Args)]
pub struct ThingListArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Only things whose attribute KEY is VALUE; repeat to require several.
    #[arg(long = "attribute", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    pub attributes: Vec<(String, String)>,

    /// Only things of this thing type.
    #[arg(long, value_name = "NAME")]
    pub thing_type: Option<String>,

    /// Only things connected now (on AWS this needs fleet indexing with connectivity).
    #[arg(long, conflicts_with = "disconnected")]
    pub connected: bool,

    /// Only things not connected now (on AWS this needs fleet indexing with connectivity).
    #[arg(long)]
    pub disconnected: bool,

    /// Only things in this thing group (an owner's garden, a site: see `soilctl group`).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
}

/// Parses `KEY=VALUE` for `thing list --attribute`.
pub fn parse_attribute(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

#[derive(Debug, Args)]
pub struct ThingShowArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Name of the thing.
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ThingDeleteArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Names of the things to delete.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,

    /// Directory of device files; the deleted things' files are removed from it.
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub devices_dir: Option<PathBuf>,

    /// Highest rate of calls per AWS IoT API, per second.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub rate: u32,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Evaluate one IoT SQL statement, or every topic rule of a template, against a message.
    #[command(after_help = RULES_TEST_HELP)]
    Test(RulesTestArgs),
}

pub const RULES_TEST_HELP: &str = "\
Examples:
  soilctl rules test --sql \"SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35\" \\
      --topic device/soilSensor1/devicePayload --payload '{\"name\":\"soilSensor1\",\"humidity\":29}' \\
      --substitute '${topic(2)}'
  soilctl rules test --template templates/iot-backend.yaml --param HumidityThreshold=30 \\
      --topic device/soilSensor1/devicePayload --payload @message.json

Exit codes:
  0  evaluated (whether or not the rule fires)
  1  evaluation failed
  2  bad usage or bad input (invalid SQL, with the place marked; a bad template or payload file)";

#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// The IoT SQL statement to evaluate.
    #[arg(
        long,
        value_name = "SQL",
        required_unless_present = "template",
        conflicts_with = "template"
    )]
    pub sql: Option<String>,

    /// Evaluate every AWS::IoT::TopicRule of this CloudFormation template.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// Topic the message was published on.
    #[arg(long, value_name = "TOPIC")]
    pub topic: String,

    /// The message: JSON text, or @FILE to read its bytes from a file.
    #[arg(long, value_name = "JSON|@FILE", allow_hyphen_values = true)]
    pub payload: String,

    /// SQL version for --sql: 2016-03-23 (the default, as the AWS console proposes) or 2015-10-08.
    #[arg(long, value_name = "VERSION", conflicts_with = "template")]
    pub sql_version: Option<String>,

    /// Client id of the publisher, for clientid().
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// Principal of the publisher, for principal().
    #[arg(long, value_name = "PRINCIPAL")]
    pub principal: Option<String>,

    /// Arrival time in milliseconds since the epoch, for timestamp() (default: now).
    #[arg(long, value_name = "MS")]
    pub timestamp: Option<i64>,

    /// A substitution template to render against the message, such as '${topic(2)}'.
    #[arg(
        long = "substitute",
        value_name = "TEMPLATE",
        conflicts_with = "template"
    )]
    pub substitute: Vec<String>,

    /// A template parameter, NAME=VALUE (with --template).
    #[arg(long = "param", value_name = "NAME=VALUE", requires = "template")]
    pub params: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub stack: StackArg,
}

#[derive(Debug, Args)]
pub struct TeardownArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Go ahead without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Directory of device files; the deleted things' files are removed from it.
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub devices_dir: Option<PathBuf>,

    /// Highest rate of calls per AWS IoT API, per second.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub rate: u32,

    /// Your CA's folder: the CAs it records as registered with this backend are deactivated
    /// and deleted [default: ~/.local/share/soilctl/ca]
    #[arg(long, env = "SOILCTL_CA_DIR", value_name = "DIR")]
    pub ca: Option<PathBuf>,
}

pub const PAIR_HELP: &str = "\
A device of the stack asks for a pairing code by publishing to device/<thing>/pairing/request;
the stack answers it alone on device/<thing>/pairing/code with {\"code\": \"7KQF-2M9D\",
\"expiresAt\": <epoch seconds>}, and the device shows the code. The owner confirms with the
code: the device is marked as the group's (its `owner` attribute, which its policy's
owner-facing topics garden/<group>/<thing>/... name), added to the group (so the group's
continuous jobs reach it), and its shadow's desired state gets {\"owner\": <group>}. A code
lasts the stack's PairingCodeLifetime (600 s by default) and pairs once; a newer request
replaces it.

Examples:
  soilctl group create ana-garden --description \"Ana's allotment\"
  soilctl pair 7KQF-2M9D --group ana-garden
  soilctl thing list --group ana-garden

Exit codes:
  0  paired
  1  AWS refused a call, or the endpoint is unreachable
  2  bad input: a code no device is waiting with, an expired code, a device already paired,
     a group that is not the stack's";

pub const DOCTOR_HELP: &str = "\
Checks, in order: the thing exists; a certificate is attached; it is ACTIVE; its CA (if any)
is ACTIVE; a policy is attached; the policies (evaluated here, with their variables, as AWS
IoT Core does at connect time) allow iot:Connect with the thing name as client id,
iot:Publish on device/<thing>/devicePayload, iot:Subscribe and iot:Receive on the thing's
shadow topics ($aws/things/<thing>/shadow/...). The first failure comes with its fix.

Examples:
  soilctl doctor soilSensor1
  soilctl doctor --local soilSensor1 --output json

Exit codes:
  0  every check passed
  1  a check failed (the checklist says which first, and how to fix it), or AWS refused a call
  2  bad usage or bad input (a bad thing name, missing credentials)";

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// Name of the thing (the device's client id).
    #[arg(value_name = "THING")]
    pub name: String,

    /// Directory of device files, where the thing's certificate and key may be.
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub devices_dir: Option<PathBuf>,
}

pub const SHADOW_GET_HELP: &str = "\
Prints the desired, reported and delta state, the version and the time of the last update
(`--output json`: the document as the shadow service returns it). On AWS through the IoT data
plane (the account's iot:Data-ATS endpoint); with --local through the running `local up`, or
straight from the local registry when none is running.

Examples:
  soilctl shadow get sensor-1
  soilctl shadow get sensor-1 --name config --output json
  soilctl --local shadow get sensor-1

Exit codes:
  0  the shadow was printed
  1  the thing has no such shadow, or the request failed (refused, endpoint unreachable)
  2  bad usage or bad input (a bad thing or shadow name, missing credentials)";

pub const SHADOW_UPDATE_HELP: &str = "\
Sends {\"state\": {\"desired\": ..., \"reported\": ...}}: keys are merged into the shadow, a
null value removes its key (`--desired null` removes the whole section), and the version goes up
by one. Prints the accepted document and, when the desired state differs from the reported one,
the delta that devices receive on $aws/things/<thing>/shadow[/name/<shadow>]/update/delta. With
--local and a running `local up` the update goes through its broker, so connected devices get
their delta as on AWS.

Examples:
  soilctl shadow update sensor-1 --desired '{\"valve\":\"open\"}'
  soilctl shadow update sensor-1 --name config --reported '{\"interval\":60}' --version 4
  soilctl --local shadow update sensor-1 --desired '{\"valve\":null}'

Exit codes:
  0  the update was accepted
  1  the update was rejected (a version conflict names the current version) or failed
  2  bad usage or bad input (JSON that does not parse or is not an object, a bad name)";

pub const SHADOW_DELETE_HELP: &str = "\
Deletes the shadow's state; its version carries on at the next update. A shadow that does not
exist is not an error.

Examples:
  soilctl shadow delete sensor-1
  soilctl shadow delete sensor-1 --name config

Exit codes:
  0  the shadow was deleted, or there was none
  1  the request failed (refused, endpoint unreachable)
  2  bad usage or bad input (a bad thing or shadow name, missing credentials)";

#[derive(Debug, Subcommand)]
pub enum ShadowCommand {
    /// Print a shadow: desired, reported and delta state, version and last update.
    #[command(after_help = SHADOW_GET_HELP)]
    Get(ShadowGetArgs),
    /// Merge desired and/or reported state into a shadow.
    #[command(after_help = SHADOW_UPDATE_HELP, disable_version_flag = true)]
    Update(ShadowUpdateArgs),
    /// Delete a shadow.
    #[command(after_help = SHADOW_DELETE_HELP)]
    Delete(ShadowDeleteArgs),
}

#[derive(Debug, Args)]
pub struct ShadowTargetArgs {
    /// Name of the thing.
    #[arg(value_name = "THING")]
    pub thing: String,

    /// A named shadow instead of the thing's classic (unnamed) shadow.
    #[arg(long, value_name = "SHADOW")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShadowGetArgs {
    #[command(flatten)]
    pub target: ShadowTargetArgs,
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("state")
        .args(["desired", "reported"])
        .required(true)
        .multiple(true)
))]
pub struct ShadowUpdateArgs {
    #[command(flatten)]
    pub target: ShadowTargetArgs,

    /// Desired state to merge, a JSON object (or null to remove it all).
    #[arg(long, value_name = "JSON")]
    pub desired: Option<String>,

    /// Reported state to merge, a JSON object (or null to remove it all).
    #[arg(long, value_name = "JSON")]
    pub reported: Option<String>,

    /// Apply the update only if the shadow is at this version.
    #[arg(long, value_name = "N")]
    pub version: Option<u64>,

    /// Token echoed in the answers (at most 64 bytes).
    #[arg(long, value_name = "TOKEN")]
    pub client_token: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShadowDeleteArgs {
    #[command(flatten)]
    pub target: ShadowTargetArgs,
}

/// A duration such as 500ms, 5s, 10m or 1h30m.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("{e} (write it like 500ms, 5s, 10m or 1h30m)"))
}

/// Where to connect instead of the target's own MQTT endpoint.
#[derive(Debug, Args)]
pub struct MqttEndpointArgs {
    /// Connect to this MQTT endpoint (HOST:PORT) instead of the account's iot:Data-ATS endpoint
    /// or the running `local up` (a custom domain, a test broker).
    #[arg(long, value_name = "HOST:PORT")]
    pub mqtt_endpoint: Option<String>,

    /// Trust this CA file for the MQTT server's certificate (with --mqtt-endpoint) [default:
    /// Amazon Root CA 1 on AWS, the backend's CA locally].
    #[arg(long, value_name = "FILE", requires = "mqtt_endpoint")]
    pub mqtt_ca: Option<PathBuf>,
}

pub const SIMULATE_HELP: &str = "\
Examples:
  soilctl simulate --local --devices 5 --count 3
  soilctl simulate --devices 100 --interval 10s --duration 30m --seed 7
  soilctl simulate --local --devices 3 --sleep 30s --count 10   # wake, publish, sleep
  soilctl simulate --local --jitr --devices 3 --count 2   # after `ca create` and `ca register`
  soilctl simulate --local --onboard claim --devices 50 --count 1   # after `claim create` and `claim allow`
  soilctl simulate --local --protocol https --devices 3 --count 2   # HTTPS POSTs, QoS 1

Things that are missing are created (with keys made here); existing ones are reused.
Ctrl-C stops cleanly and prints the summary.

Exit codes:
  0  the run finished (or was stopped with Ctrl-C) and every device did its part
  1  some devices failed (refused, unreachable) or messages went unacknowledged
  2  bad usage or bad input (no running `local up`, a stack that is not deployed)";

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// How many devices to simulate.
    #[arg(long, value_name = "N")]
    pub devices: u32,

    /// Device names are <PREFIX>1 ... <PREFIX>N.
    #[arg(long, default_value = "soilSensor", value_name = "PREFIX")]
    pub prefix: String,

    /// Time between two readings of one device.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: std::time::Duration,

    /// Battery-powered devices that sleep this long, disconnected, between readings: each wake
    /// connects on a persistent session, publishes one reading, takes what the broker queued
    /// while it slept (a shadow delta) and disconnects. The shadow's reportInterval changes
    /// the sleep. AWS IoT keeps a persistent session 1 hour by default: a longer sleep finds
    /// it gone.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", conflicts_with = "interval")]
    pub sleep: Option<std::time::Duration>,

    /// Stop after this long [default: 10m unless --count is given].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", conflicts_with = "count")]
    pub duration: Option<std::time::Duration>,

    /// Stop after each device has published this many readings.
    #[arg(long, value_name = "M")]
    pub count: Option<u64>,

    /// MQTT quality of service of the readings: 0 or 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=1), value_name = "0|1")]
    pub qos: u8,

    /// Humidity the model dips under now and then (the stack's alert threshold).
    #[arg(long, default_value_t = 35.0, value_name = "N")]
    pub threshold: f64,

    /// Seed of the humidity model: the same seed gives the same readings.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// New connections per second while the fleet ramps up.
    #[arg(long, value_name = "N")]
    pub ramp: Option<u32>,

    /// Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub devices_dir: Option<PathBuf>,

    /// Key algorithm for devices that have to be created.
    #[arg(long, value_enum, default_value_t = KeyAlgorithm::EcdsaP256)]
    pub key_algorithm: KeyAlgorithm,

    /// Highest rate of calls per AWS IoT API, per second, when creating devices.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub rate: u32,

    /// Devices with certificates from your own CA (`soilctl ca create` and `ca register`) that
    /// AWS IoT does not know yet: each device's first connection registers its certificate
    /// (just-in-time registration), the stack's JITR function activates it, and a retry gets in.
    #[arg(long)]
    pub jitr: bool,

    /// Devices that have no identity yet join as a factory-fresh device does: by claim, each
    /// with the claim certificate of --claim, asking for its own certificate (a key it makes,
    /// CreateCertificateFromCsr) and registering its serial number (its device name) with the
    /// stack's provisioning template. The serial numbers must be allowed (`claim allow`).
    #[arg(long, value_enum, value_name = "HOW", conflicts_with = "jitr")]
    pub onboard: Option<Onboard>,

    /// The claim certificate --onboard claim uses (`claim create --name`).
    #[arg(
        long,
        default_value = "default",
        value_name = "NAME",
        requires = "onboard"
    )]
    pub claim: String,

    /// With --onboard claim: CreateKeysAndCertificate (AWS IoT makes each device's key and
    /// sends it) instead of a CSR for a key the device makes.
    #[arg(long, requires = "onboard")]
    pub service_keys: bool,

    /// The CA that issues the --jitr devices' certificates [default: ~/.local/share/soilctl/ca]
    #[arg(long, env = "SOILCTL_CA_DIR", value_name = "DIR", requires = "jitr")]
    pub ca: Option<PathBuf>,

    /// Corrupt this share of the devices' job downloads (such as 10%), so that failed
    /// executions and a job's abort criteria can be seen.
    #[arg(long, value_name = "P%")]
    pub tamper_rate: Option<String>,

    #[command(flatten)]
    pub signing: SigningDirArg,

    /// How the devices send their readings: MQTT (with shadows and jobs), or HTTPS POSTs with
    /// their own certificates at QoS 1 (port 8443 of the iot:Data-ATS endpoint on AWS, the
    /// running `local up`'s HTTPS port locally), without shadows or jobs.
    #[arg(long, value_enum, default_value_t = Protocol::Mqtt)]
    pub protocol: Protocol,

    /// Each device asks for a pairing code once connected and shows it (pair it with
    /// `soilctl pair CODE --group G`); the codes are in the summary.
    #[arg(long, conflicts_with = "sleep")]
    pub pair: bool,

    #[command(flatten)]
    pub endpoint: MqttEndpointArgs,
}

/// How simulated devices without an identity get one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Onboard {
    /// Fleet provisioning by claim.
    Claim,
}

/// How simulated devices talk to the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// MQTT over mutual TLS (port 8883).
    Mqtt,
    /// HTTPS with the device certificate (port 8443).
    Https,
}

pub const TAIL_HELP: &str = "\
On AWS, tail connects as the console's MQTT test client does: MQTT over WebSocket to the
account's iot:Data-ATS endpoint, signed (SigV4) with your credentials; no device certificate
is needed. With --local it uses the local backend's operator identity.

Examples:
  soilctl tail                                 # everything ('#')
  soilctl tail 'device/+/devicePayload' --count 10 --output json
  soilctl tail --local --chart

Exit codes:
  0  stopped by Ctrl-C, --timeout, or after --count messages
  1  the connection failed and could not be made again, or --timeout came before --count
  2  bad usage or bad input (a bad filter, missing credentials, no running `local up`)";

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Topic filters to subscribe to (MQTT wildcards + and #).
    #[arg(value_name = "FILTER", default_value = "#")]
    pub filters: Vec<String>,

    /// Stop after this many messages.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Stop after this long.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<std::time::Duration>,

    /// Print JSON payloads indented over several lines.
    #[arg(long, conflicts_with = "chart")]
    pub pretty: bool,

    /// Readings with a humidity under this are highlighted (and drawn as the chart's line).
    #[arg(long, default_value_t = 35.0, value_name = "N")]
    pub threshold: f64,

    /// A live chart of each device's humidity in the terminal instead of lines (q quits).
    #[arg(long)]
    pub chart: bool,

    #[command(flatten)]
    pub endpoint: MqttEndpointArgs,
}

pub const DEMO_HELP: &str = "\
Runs everything on the embedded backend in a temporary state directory: starts the
backend, deploys the template, creates the devices, simulates them while showing the
telemetry and each alert as its email would read, prints a summary, then tears everything
down and removes the directory. Needs no AWS account and no network.

Exit codes:
  0  the whole story ran and nothing was left behind
  1  a step failed (the summary says which)
  2  bad usage or bad input";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How long the devices publish.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub duration: std::time::Duration,

    /// How many devices.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub devices: u32,

    /// Time between two readings of one device.
    #[arg(long, default_value = "1s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: std::time::Duration,

    /// Alert threshold of the demo stack.
    #[arg(long, default_value_t = 35, value_name = "N")]
    pub threshold: u8,

    /// Seed of the humidity model.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts.
    #[command(after_help = LOCAL_UP_HELP)]
    Up(LocalUpArgs),
    /// Print the environment that points the AWS CLI, boto3 and the SDKs at the running
    /// `local up`: eval "$(soilctl local env)".
    #[command(after_help = LOCAL_ENV_HELP)]
    Env,
}

pub const LOCAL_ENV_HELP: &str = "\
Prints shell `export` lines (or, with --output json, one JSON object):
AWS_ENDPOINT_URL (the running `local up`'s AWS API endpoint), AWS_REGION and
AWS_DEFAULT_REGION (`local`), an access key pair, and SOILCTL_IOT_HTTPS_ENDPOINT
(https://localhost:PORT, where devices publish over HTTPS with their certificates).
The API endpoint accepts any well-formed SigV4 signature, which is why it listens on
127.0.0.1 only. Served so far:
AWS IoT's things, certificates (create-certificate-from-csr signs your CSR with the
backend's CA), policies, their attachments and describe-endpoint; CloudFormation's
describe-stacks and list-stack-resources.
  eval \"$(soilctl local env)\"
  aws iot list-things

Exit codes:
  0  printed
  2  no `local up` is running for the state directory";

pub const LOCAL_UP_HELP: &str = "\
Deploy first with `soilctl deploy --local --email ADDR`, make devices with
`soilctl thing create --local NAME`, then publish with their certificates, for example:
  mosquitto_pub -h localhost -p 8883 --cafile DIR/NAME/root-ca.pem \\
      --cert DIR/NAME/certificate.pem.crt --key DIR/NAME/private.pem.key \\
      -i NAME -t device/NAME/devicePayload -q 1 -m '{\"name\":\"NAME\",\"humidity\":20}'
Watch everything with the operator identity in STATE_DIR/operator/.

Persistent sessions (MQTT 3.1.1 clean session 0, MQTT 5 session expiry) keep their
subscriptions and queued QoS 1 messages for --session-expiry, across restarts too. A
QoS 1 PUBACK is sent once the message is in the backend's journal (STATE_DIR/journal);
its rules run after, and a restart runs them on what a crash left unfinished: `kill -9`
loses nothing that was acknowledged. One backend runs on a state directory at a time.

The AWS APIs (AWS IoT and its data plane, CloudFormation, S3, SNS, Lambda, Logs) are
served on 127.0.0.1:--api-port; any well-formed SigV4 signature is accepted. Commands
with --local use this endpoint while it runs. A rule's Lambda function runs its own
Python code when python3 with boto3 is found (SOILCTL_PYTHON=PATH picks one, =none turns
it off); else the two built-in functions run natively.

Devices also publish over HTTPS with their certificates, as on AWS IoT Core's port 8443
(POST /topics/TOPIC?qos=1; the Device Shadow REST API on /things/NAME/shadow), on
127.0.0.1:--https-port (any free port unless given; `local env` prints it):
  curl --cacert DIR/NAME/root-ca.pem --cert DIR/NAME/certificate.pem.crt \\
      --key DIR/NAME/private.pem.key -d '{\"name\":\"NAME\",\"humidity\":20}' \\
      \"$SOILCTL_IOT_HTTPS_ENDPOINT/topics/device%2FNAME%2FdevicePayload?qos=1\"

Exit codes:
  0  stopped by Ctrl-C or SIGTERM after a clean shutdown
  1  the backend failed (the port is taken, the state directory is unusable)
  2  bad usage or bad input";

#[derive(Debug, Args)]
pub struct LocalUpArgs {
    /// TCP port of the MQTT broker (mutual TLS) on 127.0.0.1.
    #[arg(long, default_value_t = 8883, value_name = "PORT")]
    pub port: u16,

    /// TCP port of the AWS API endpoint (HTTP) on 127.0.0.1, for the AWS CLI, boto3 and the
    /// SDKs (`soilctl local env`); 0 picks a free port.
    #[arg(long, default_value_t = 4580, value_name = "PORT")]
    pub api_port: u16,

    /// TCP port on 127.0.0.1 where devices publish over HTTPS with their certificates (AWS
    /// IoT Core's port 8443); 0 picks a free port (`soilctl local env` says which).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub https_port: u16,

    /// How long a persistent session outlives its connection, as AWS IoT Core's account
    /// setting (1 second to 7 days; MQTT 5 clients may ask for less).
    #[arg(long, default_value = "1h", value_parser = parse_session_expiry, value_name = "DURATION")]
    pub session_expiry: std::time::Duration,
}

/// A persistent session expiry: a duration from 1 s to AWS's maximum of 7 days.
pub fn parse_session_expiry(text: &str) -> Result<std::time::Duration, String> {
    let expiry = parse_duration(text)?;
    let max =
        std::time::Duration::from_secs(u64::from(crate::local::broker::MAX_SESSION_EXPIRY_SECS));
    if expiry < std::time::Duration::from_secs(1) || expiry > max {
        return Err(format!(
            "{text} is outside 1s..7d (AWS IoT Core keeps persistent sessions for 1 hour by default, 7 days at the most)"
        ));
    }
    Ok(expiry)
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Print the completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write one man page per command into a directory.
    Man {
        #[arg(long, value_name = "DIR")]
        out_dir: PathBuf,
    },
}

pub const CA_HELP: &str = "\
The CA lives in one directory (default ~/.local/share/soilctl/ca, or SOILCTL_CA_DIR):
ca.pem, ca.key (0600) and registered.json, the record of where it was registered.

Examples:
  soilctl ca create
  soilctl ca register                      # on AWS: active, with auto-registration on
  soilctl --local ca register              # on the local backend
  soilctl device-cert issue soilSensor1    # the device registers itself when it connects
  soilctl ca list
  soilctl ca delete CA_ID [--force]

Exit codes:
  0  success (also when the CA was registered already, or was already deleted)
  1  the operation failed or was refused (AWS refused it; `ca delete` while certificates the
     CA issued are ACTIVE, without --force)
  2  bad usage or bad input (no CA in the directory, a CA already there for `ca create`, a
     malformed CA id, missing credentials)";

#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// Create a CA key pair and certificate in a directory on this machine (no network).
    #[command(after_help = CA_HELP)]
    Create(CaCreateArgs),
    /// Register the CA, active and with auto-registration on (JITR), proving its key.
    #[command(after_help = CA_HELP)]
    Register(CaRegisterArgs),
    /// List the registered CA certificates.
    #[command(after_help = CA_HELP)]
    List(CaListArgs),
    /// Deactivate and delete a registered CA certificate.
    #[command(after_help = CA_HELP)]
    Delete(CaDeleteArgs),
}

#[derive(Debug, Args)]
pub struct CaCreateArgs {
    /// Directory for the new CA [default: ~/.local/share/soilctl/ca]
    #[arg(long, env = "SOILCTL_CA_DIR", value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CaDirArg {
    /// Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]
    #[arg(long = "ca", env = "SOILCTL_CA_DIR", value_name = "DIR")]
    pub ca_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CaRegisterArgs {
    #[command(flatten)]
    pub ca: CaDirArg,
}

#[derive(Debug, Args)]
pub struct CaListArgs {
    #[command(flatten)]
    pub ca: CaDirArg,
}

#[derive(Debug, Args)]
pub struct CaDeleteArgs {
    /// Id of the CA certificate (64 hex digits, as `ca register` and `ca list` show).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Also deactivate, detach and delete the certificates the CA issued that are registered.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub ca: CaDirArg,
}

pub const DEVICE_CERT_HELP: &str = "\
Nothing is registered by this command: the device's first connection does that (just-in-time
registration), with the chain in certificate.pem.crt (the device's certificate, then the CA's).
Register the CA first with `soilctl ca register` (or `soilctl --local ca register`).

Files in OUT/NAME/: private.pem.key (0600), certificate.pem.crt, root-ca.pem (Amazon Root
CA 1, or the local backend's CA with --local), endpoint.txt and device.json.

Exit codes:
  0  success
  1  the files could not be written
  2  bad usage or bad input (a name AWS would reject, no CA, an --out that is not a
     directory, device files already there)";

#[derive(Debug, Subcommand)]
pub enum DeviceCertCommand {
    /// Make a device key and a certificate signed by your CA, with the thing name as CN.
    #[command(after_help = DEVICE_CERT_HELP)]
    Issue(DeviceCertIssueArgs),
}

#[derive(Debug, Args)]
pub struct DeviceCertIssueArgs {
    /// Name of the thing (the certificate's common name and the MQTT client id).
    #[arg(value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub stack: StackArg,

    #[command(flatten)]
    pub ca: CaDirArg,

    /// Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]
    #[arg(long, env = "SOILCTL_DEVICES_DIR", value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Key algorithm for the device key pair.
    #[arg(long, value_enum, default_value_t = KeyAlgorithm::EcdsaP256)]
    pub key_algorithm: KeyAlgorithm,

    /// Validity of the device certificate, in days.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650), value_name = "N")]
    pub days: u32,
}
