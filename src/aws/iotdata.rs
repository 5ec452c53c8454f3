//! The IoT data plane (device shadows over HTTPS): GetThingShadow, UpdateThingShadow and
//! DeleteThingShadow, each with the JSON document as its payload.
//!
//! The data plane answers on an account-specific host, so its client is made on first use:
//! with a custom endpoint URL (an emulator) every call goes there; otherwise to
//! `https://<iot:Data-ATS endpoint>` from DescribeEndpoint (or to what
//! `AWS_ENDPOINT_URL_IOT_DATA_PLANE` names).

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_sdk_iotdataplane::Client;
use aws_sdk_iotdataplane::primitives::Blob;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::error::{ApiError, ApiErrorKind};

/// The data-plane client of one account and Region, made when first needed.
#[derive(Debug, Clone)]
pub struct DataPlane {
    config: SdkConfig,
    endpoint_url: Option<String>,
    iot: aws_sdk_iot::Client,
    client: Arc<OnceCell<Client>>,
}

impl DataPlane {
    /// `endpoint_url` is the custom endpoint every service uses, if any.
    pub fn new(config: &SdkConfig, endpoint_url: Option<String>, iot: aws_sdk_iot::Client) -> Self {
        DataPlane {
            config: config.clone(),
            endpoint_url,
            iot,
            client: Arc::new(OnceCell::new()),
        }
    }

    /// The client, pointed at the account's data endpoint (looked up once).
    pub async fn client(&self) -> Result<&Client, ApiError> {
        self.client
            .get_or_try_init(|| async {
                if self.endpoint_url.is_some() || service_endpoint_from_env() {
                    return Ok(Client::new(&self.config));
                }
                let host = super::iot::data_endpoint(&self.iot).await?;
                if host.is_empty() {
                    return Err(ApiError {
                        operation: "DescribeEndpoint",
                        kind: ApiErrorKind::BadResponse,
                        code: None,
                        message:
                            "AWS IoT returned no iot:Data-ATS endpoint for this account and Region"
                                .to_owned(),
                    });
                }
                let config = aws_sdk_iotdataplane::config::Builder::from(&self.config)
                    .endpoint_url(format!("https://{host}"))
                    .build();
                Ok(Client::from_conf(config))
            })
            .await
    }
}

/// `AWS_ENDPOINT_URL_IOT_DATA_PLANE` is set: the SDK sends the data plane there itself.
fn service_endpoint_from_env() -> bool {
    std::env::var_os("AWS_ENDPOINT_URL_IOT_DATA_PLANE").is_some_and(|v| !v.is_empty())
}

/// Reads a shadow operation's payload as JSON (an empty one as `{}`).
fn document(operation: &'static str, payload: Option<&Blob>) -> Result<Value, ApiError> {
    let bytes = payload.map(Blob::as_ref).unwrap_or_default();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError {
        operation,
        kind: ApiErrorKind::BadResponse,
        code: None,
        message: format!("the shadow document is not JSON: {e}"),
    })
}

/// GetThingShadow: the shadow document (state with its delta, metadata, version, timestamp).
pub async fn get_shadow(
    data: &DataPlane,
    thing: &str,
    shadow_name: Option<&str>,
) -> Result<Value, ApiError> {
    let out = data
        .client()
        .await?
        .get_thing_shadow()
        .thing_name(thing)
        .set_shadow_name(shadow_name.map(str::to_owned))
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetThingShadow", e))?;
    document("GetThingShadow", out.payload())
}

/// UpdateThingShadow with a request document: the accepted document.
pub async fn update_shadow(
    data: &DataPlane,
    thing: &str,
    shadow_name: Option<&str>,
    request: &[u8],
) -> Result<Value, ApiError> {
    let out = data
        .client()
        .await?
        .update_thing_shadow()
        .thing_name(thing)
        .set_shadow_name(shadow_name.map(str::to_owned))
        .payload(Blob::new(request.to_vec()))
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("UpdateThingShadow", e))?;
    document("UpdateThingShadow", out.payload())
}

/// DeleteThingShadow: `{"version", "timestamp"}` of the shadow that went.
pub async fn delete_shadow(
    data: &DataPlane,
    thing: &str,
    shadow_name: Option<&str>,
) -> Result<Value, ApiError> {
    let out = data
        .client()
        .await?
        .delete_thing_shadow()
        .thing_name(thing)
        .set_shadow_name(shadow_name.map(str::to_owned))
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("DeleteThingShadow", e))?;
    document("DeleteThingShadow", Some(out.payload()))
}

/// The HTTP-style status the shadow service means by an error code, as its MQTT `/rejected`
/// documents carry it.
pub fn status_of(err: &ApiError) -> Option<u16> {
    if err.kind != ApiErrorKind::Service {
        return None;
    }
    match err.code.as_deref()? {
        "InvalidRequestException" => Some(400),
        "UnauthorizedException" => Some(401),
        "ResourceNotFoundException" => Some(404),
        "MethodNotAllowedException" => Some(405),
        "ConflictException" => Some(409),
        "RequestEntityTooLargeException" => Some(413),
        "UnsupportedDocumentEncodingException" => Some(415),
        "ThrottlingException" => Some(429),
        "InternalFailureException" => Some(500),
        "ServiceUnavailableException" => Some(503),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> ApiError {
        ApiError {
            operation: "UpdateThingShadow",
            kind: ApiErrorKind::Service,
            code: Some(code.to_owned()),
            message: String::new(),
        }
    }

    #[test]
    fn error_codes_map_to_the_shadow_service_statuses() {
        assert_eq!(status_of(&service("ConflictException")), Some(409));
        assert_eq!(status_of(&service("ResourceNotFoundException")), Some(404));
        assert_eq!(status_of(&service("SomethingElse")), None);
        let unreachable = ApiError {
            kind: ApiErrorKind::Unreachable,
            ..service("ConflictException")
        };
        assert_eq!(status_of(&unreachable), None);
    }

    #[test]
    fn payloads_are_read_as_json() {
        let blob = Blob::new(br#"{"version":3}"#.to_vec());
        assert_eq!(document("X", Some(&blob)).unwrap()["version"], 3);
        assert_eq!(document("X", None).unwrap(), serde_json::json!({}));
        assert!(document("X", Some(&Blob::new(b"<html>".to_vec()))).is_err());
    }
}
