//! soilctl: deploy, populate and tear down a serverless AWS IoT backend for soil-moisture
//! sensors.
//!
//! `cli` holds the clap types, `settings` turns them into plain structs, `commands` runs one
//! command each, and `aws` holds thin functions over the AWS SDK clients.

pub mod aws;
pub mod byoca;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod doctor;
pub mod error;
pub mod firmware;
pub mod fleet;
pub mod iotsql;
pub mod jobs;
pub mod line_budget;
pub mod local;
pub mod mqtt;
pub mod names;
pub mod outcome;
pub mod pairing;
pub mod pki;
pub mod policy;
pub mod printer;
pub mod progress;
pub mod provision;
pub mod provisioning;
pub mod ratelimit;
pub mod sensor;
pub mod settings;
pub mod shadow;
pub mod stack;
pub mod tail;
pub mod template;
