//! The embedded local backend behind `--local`: an MQTT broker with AWS IoT Core's semantics,
//! a registry shared by the CLI and a running `local up`, the rules engine with its actions,
//! the bucket on disk and the alerts log.
//!
//! Parts and their jobs:
//! - `gate`: the contract between the broker and whoever decides (certificates, policies).
//! - `broker`: MQTT 3.1.1 and 5 over mutual TLS; asks the gate at every step.
//! - `registry`: things, certificates, CAs, policies, rules and stacks in SQLite.
//! - `ca`: the backend's own certificate authority (device and server certificates).
//! - `authority`: the gate's implementation over the registry and the policy evaluator.
//! - `rules`: the rules engine: IoT SQL and the S3, Lambda, republish, SNS and error actions.
//! - `api`: the AWS APIs on one loopback HTTP port, for the AWS CLI, boto3 and the SDKs.
//! - `device_https`: HTTPS for devices (publish, Device Shadow REST API) with their certificates.
//! - `server`: the broker, the engine and the registry watcher started and stopped together.
//! - `state`: where everything lives on disk.
//! - `hold`: a QoS 1 acknowledgement held until the work it promises is done.
//! - `journal`: the write-ahead journal that lets an acknowledgement go before the rules run.

pub mod api;
pub mod authority;
pub mod broker;
pub mod ca;
pub mod control;
pub mod device_https;
pub mod downloads;
pub mod gate;
pub mod hold;
pub mod jobs;
pub mod journal;
pub mod provisioning;
pub mod registry;
pub mod rules;
pub mod server;
pub mod stack;
pub mod state;
