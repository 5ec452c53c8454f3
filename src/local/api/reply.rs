//! What an operation answers: a status, headers and a body, and AWS's error shapes.

use bytes::Bytes;
use serde_json::{Value, json};

use crate::local::registry::RegistryError;

/// One HTTP response, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

/// 16 bytes written as a UUID (`8-4-4-4-12` hex digits), as AWS writes its ids.
pub fn uuid_of(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(value: &Value) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type", "application/json".to_owned())],
            body: Bytes::from(value.to_string()),
        }
    }

    /// An error as the REST-JSON services (AWS IoT, its data plane) send it: the status, the
    /// exception's name in `x-amzn-ErrorType`, and `{"message": ...}`, which is what the SDKs,
    /// boto3 and the AWS CLI turn into the named exception.
    pub fn rest_json_error(status: u16, code: &str, message: &str) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type", "application/json".to_owned()),
                ("x-amzn-errortype", code.to_owned()),
            ],
            body: Bytes::from(json!({ "message": message }).to_string()),
        }
    }

    /// A registry error as AWS IoT reports the same failure.
    pub fn registry_error(e: &RegistryError) -> Reply {
        let code = e.code();
        let status = match code {
            "ResourceNotFoundException" => 404,
            "ResourceAlreadyExistsException"
            | "DeleteConflictException"
            | "VersionConflictException"
            | "VersionsLimitExceededException" => 409,
            "CertificateStateException" => 406,
            "InternalFailureException" => 500,
            _ => 400,
        };
        Reply::rest_json_error(status, code, &e.to_string())
    }

    /// A request the backend does not serve (yet).
    pub fn unknown_operation(service: &str, method: &str, path: &str) -> Reply {
        Reply::rest_json_error(
            404,
            "UnknownOperationException",
            &format!("the local backend does not serve {method} {path} of service {service}"),
        )
    }

    /// A body or parameter the operation cannot take.
    pub fn invalid_request(message: &str) -> Reply {
        Reply::rest_json_error(400, "InvalidRequestException", message)
    }
}
