//! End-to-end tests of the `soilctl` binary: the AWS path against a moto server on loopback,
//! bad input, the template (cfn-lint) and the generated completions and man pages.

mod api;
mod api_cfn;
mod api_iot;
mod api_s3;
mod api_sns;
mod ca;
mod claim;
mod deploy;
mod doctor;
mod durability;
mod fleet;
mod functions;
mod generated;
mod https;
mod input;
mod jitr;
mod jitr_broker;
mod jobs;
mod local;
mod mosquitto;
mod mqtt_client;
mod mqtt_persistent;
mod pairing;
mod presence;
mod rules;
mod sessions;
mod shadow;
mod shadow_local;
mod sleep;
mod sleep_local;
mod support;
mod targets;
mod teardown;
mod template;
mod things;
