//! AWS access: one `SdkConfig`, built once from the global options, and every service client
//! made from it. The submodules hold thin functions over each client.

pub mod cfn;
pub mod error;
pub mod groups;
pub mod iot;
pub mod iotdata;
pub mod jobs;
pub mod s3;
pub mod sns;

use anyhow::Context;
use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iot::config::ProvideCredentials;

use crate::error::bad_input;
pub use error::ApiError;

/// Where and as whom to call AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Set when the endpoint is the embedded local backend (`--local`): its state directory.
    /// The clients then sign with the local backend's fixed credentials (it accepts any), and
    /// the commands do what only the local backend needs (its CA as the devices' root, its
    /// alert history, waiting until a running `local up` serves a change).
    pub local: Option<crate::local::state::StateDir>,
    /// The HTTP client the SDK sends with, when not its own (the local backend served in this
    /// process answers through one, with no socket).
    pub http_client: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>,
}

/// The credentials every client signs with on the local backend (any are accepted; these
/// are what `soilctl local env` prints).
pub const LOCAL_ACCESS_KEY_ID: &str = "soilctl-local";
pub const LOCAL_SECRET_ACCESS_KEY: &str = "soilctl-local-secret";

/// Every service client, made from one `SdkConfig`.
#[derive(Debug, Clone)]
pub struct Clients {
    pub cfn: aws_sdk_cloudformation::Client,
    pub iot: aws_sdk_iot::Client,
    /// The IoT data plane (device shadows), pointed at the account's data endpoint on first use.
    pub data: iotdata::DataPlane,
    pub s3: aws_sdk_s3::Client,
    pub sns: aws_sdk_sns::Client,
    pub region: String,
    pub endpoint_url: Option<String>,
    /// The credentials the clients sign with (for signing anything else, such as `tail`'s
    /// WebSocket URL).
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// The local backend's state directory when the clients talk to it (`--local`).
    pub local: Option<crate::local::state::StateDir>,
}

impl Clients {
    /// ` --local` when these clients talk to the local backend, for the commands a message
    /// suggests.
    pub fn local_flag(&self) -> &'static str {
        if self.local.is_some() { " --local" } else { "" }
    }
}

/// Checks the endpoint URL before anything is sent to it.
pub fn check_endpoint_url(url: &str) -> anyhow::Result<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            bad_input(format!(
                "endpoint URL {url:?} must start with http:// or https:// (check --endpoint-url or AWS_ENDPOINT_URL)"
            ))
        })?;
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(bad_input(format!(
            "endpoint URL {url:?} has no host (check --endpoint-url or AWS_ENDPOINT_URL)"
        )));
    }
    Ok(())
}

/// Builds the one `SdkConfig` and checks that it has a Region and credentials.
pub async fn load(settings: &AwsSettings) -> anyhow::Result<Clients> {
    let endpoint_url = settings.endpoint_url.clone().filter(|u| !u.is_empty());
    if let Some(url) = &endpoint_url {
        check_endpoint_url(url)?;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if settings.local.is_some() {
        loader = loader
            .credentials_provider(aws_credential_types::Credentials::new(
                LOCAL_ACCESS_KEY_ID,
                LOCAL_SECRET_ACCESS_KEY,
                None,
                None,
                "soilctl-local",
            ))
            .region(Region::new(crate::local::registry::REGION));
    } else if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        if !is_region_name(region) {
            return Err(bad_input(format!(
                "{region:?} is not an AWS Region name (such as eu-west-1): check --region or AWS_REGION"
            )));
        }
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(client) = &settings.http_client {
        // Answered in this process: no connection to stall, no transient failure to retry.
        loader = loader
            .http_client(client.clone())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .retry_config(RetryConfig::disabled());
    }
    let config = loader.load().await;
    let region = config
        .region()
        .map(|r| r.to_string())
        .ok_or_else(|| {
            bad_input(
                "no AWS Region is set: pass --region, set AWS_REGION, or give the profile a region (aws configure)",
            )
        })?;
    check_credentials(&config, settings.profile.as_deref()).await?;
    let mut clients = clients(&config, region, endpoint_url);
    clients.local = settings.local.clone();
    Ok(clients)
}

/// Every client from one config (S3 with path-style addressing when the endpoint is custom).
pub fn clients(config: &SdkConfig, region: String, endpoint_url: Option<String>) -> Clients {
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(endpoint_url.is_some())
        .build();
    let iot = aws_sdk_iot::Client::new(config);
    Clients {
        cfn: aws_sdk_cloudformation::Client::new(config),
        data: iotdata::DataPlane::new(config, endpoint_url.clone(), iot.clone()),
        iot,
        s3: aws_sdk_s3::Client::from_conf(s3_config),
        sns: aws_sdk_sns::Client::new(config),
        region,
        endpoint_url,
        credentials: config.credentials_provider(),
        local: None,
    }
}

async fn check_credentials(config: &SdkConfig, profile: Option<&str>) -> anyhow::Result<()> {
    let hint =
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure`, or pass --profile";
    let provider = config
        .credentials_provider()
        .ok_or_else(|| bad_input(format!("no AWS credentials found: {hint}")))?;
    provider
        .provide_credentials()
        .await
        .map(|_| ())
        .map_err(|_| {
            let what = match profile {
                Some(p) => format!("no usable AWS credentials for profile {p:?}"),
                None => "no AWS credentials found".to_string(),
            };
            bad_input(format!("{what}: {hint}"))
        })
        .context("checking AWS credentials")
}

fn is_region_name(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && region.contains('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_are_checked() {
        assert!(check_endpoint_url("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint_url("https://iot.eu-west-1.amazonaws.com/").is_ok());
        assert!(check_endpoint_url("127.0.0.1:5000").is_err());
        assert!(check_endpoint_url("http://").is_err());
    }

    #[test]
    fn region_names() {
        assert!(is_region_name("eu-west-1"));
        assert!(is_region_name("us-gov-west-1"));
        assert!(!is_region_name("Europe"));
        assert!(!is_region_name("eu west 1"));
    }
}
