//! The device provisioning MQTT API's documents: what a device sends to CreateKeysAndCertificate,
//! CreateCertificateFromCsr and RegisterThing, what the service answers on `accepted`, and the
//! error document of `rejected` (`statusCode`, `errorCode`, `errorMessage`). No I/O.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::TemplateError;

/// How long a certificate ownership token may be used: AWS's is one hour.
pub const OWNERSHIP_TOKEN_SECS: u64 = 3600;

/// Whether `serial` may name a thing, as the project's pre-provisioning hook requires: 1 to
/// 128 of AWS IoT's thing-name characters (`[A-Za-z0-9:_-]`).
pub fn valid_serial(serial: &str) -> bool {
    (1..=128).contains(&serial.len())
        && serial
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
}

/// A rejected request, as AWS writes it on `.../rejected`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status_code: u16,
    pub error_code: &'static str,
    pub error_message: String,
}

impl ApiError {
    pub fn new(status_code: u16, error_code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status_code,
            error_code,
            error_message: message.into(),
        }
    }

    /// A payload that is not the JSON object the operation takes.
    pub fn invalid_payload(message: impl Into<String>) -> Self {
        ApiError::new(400, "InvalidPayload", message)
    }

    /// The pre-provisioning hook refused the device, failed or did not answer in time.
    pub fn access_denied(message: impl Into<String>) -> Self {
        ApiError::new(403, "AccessDenied", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(500, "InternalError", message)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "statusCode": self.status_code,
            "errorCode": self.error_code,
            "errorMessage": self.error_message,
        })
    }
}

impl From<&TemplateError> for ApiError {
    fn from(e: &TemplateError) -> Self {
        ApiError::new(e.status_code(), e.error_code(), e.to_string())
    }
}

fn object(payload: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if payload.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid_payload(
            "The request payload is not a JSON object",
        )),
        Err(e) => Err(ApiError::invalid_payload(format!(
            "The request payload is not valid JSON: {e}"
        ))),
    }
}

/// CreateCertificateFromCsr's `certificateSigningRequest`.
pub fn csr_request(payload: &[u8]) -> Result<String, ApiError> {
    let map = object(payload)?;
    match map.get("certificateSigningRequest") {
        Some(Value::String(csr)) if !csr.trim().is_empty() => Ok(csr.clone()),
        Some(Value::String(_)) | None => Err(ApiError::invalid_payload(
            "certificateSigningRequest cannot be empty",
        )),
        Some(_) => Err(ApiError::invalid_payload(
            "certificateSigningRequest must be a string",
        )),
    }
}

/// A RegisterThing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRequest {
    pub certificate_ownership_token: String,
    pub parameters: BTreeMap<String, String>,
}

/// The RegisterThing request in `payload`: the token is required, parameters are strings.
pub fn register_request(payload: &[u8]) -> Result<RegisterRequest, ApiError> {
    let map = object(payload)?;
    let token = match map.get("certificateOwnershipToken") {
        Some(Value::String(t)) if !t.is_empty() => t.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(ApiError::new(
                400,
                "InvalidCertificateOwnershipToken",
                "Certificate ownership token cannot be empty.",
            ));
        }
        Some(_) => {
            return Err(ApiError::invalid_payload(
                "certificateOwnershipToken must be a string",
            ));
        }
    };
    let mut parameters = BTreeMap::new();
    match map.get("parameters") {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            for (k, v) in given {
                let Value::String(v) = v else {
                    return Err(ApiError::invalid_payload(format!(
                        "parameter {k} must be a string"
                    )));
                };
                parameters.insert(k.clone(), v.clone());
            }
        }
        Some(_) => {
            return Err(ApiError::invalid_payload(
                "parameters must be an object of strings",
            ));
        }
    }
    Ok(RegisterRequest {
        certificate_ownership_token: token,
        parameters,
    })
}

/// A certificate the service made, and the token that proves the device holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub certificate_id: String,
    pub certificate_pem: String,
    /// CreateKeysAndCertificate only: the key the service made.
    pub private_key_pem: Option<String>,
    pub ownership_token: String,
}

/// The `accepted` document of CreateKeysAndCertificate or CreateCertificateFromCsr.
pub fn issued_document(issued: &Issued) -> Value {
    let mut doc = json!({
        "certificateId": issued.certificate_id,
        "certificatePem": issued.certificate_pem,
        "certificateOwnershipToken": issued.ownership_token,
    });
    if let Some(key) = &issued.private_key_pem {
        doc["privateKey"] = json!(key);
    }
    doc
}

/// RegisterThing's `accepted` document.
pub fn registered_document(thing: Option<&str>, config: &BTreeMap<String, String>) -> Value {
    let mut doc = json!({ "deviceConfiguration": config });
    if let Some(thing) = thing {
        doc["thingName"] = json!(thing);
    }
    doc
}

/// What a pre-provisioning hook answered: whether the device may be provisioned, and the
/// parameters it adds or replaces.
pub fn hook_answer(answer: &Value) -> Result<BTreeMap<String, String>, ApiError> {
    let allowed = match answer.get("allowProvisioning") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    if !allowed {
        return Err(ApiError::access_denied(
            "The pre-provisioning hook did not allow the device to be provisioned",
        ));
    }
    let mut overrides = BTreeMap::new();
    if let Some(Value::Object(given)) = answer.get("parameterOverrides") {
        for (k, v) in given {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            overrides.insert(k.clone(), v);
        }
    }
    Ok(overrides)
}

/// The event a pre-provisioning hook is invoked with.
pub fn hook_event(
    claim_certificate_id: &str,
    issued_certificate: (&str, &str),
    template_arn: &str,
    client_id: &str,
    parameters: &BTreeMap<String, String>,
) -> Value {
    json!({
        "claimCertificateId": claim_certificate_id,
        "certificateId": issued_certificate.0,
        "certificatePem": issued_certificate.1,
        "templateArn": template_arn,
        "clientId": client_id,
        "parameters": parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_read_and_bad_ones_refused_with_aws_codes() {
        let csr = csr_request(br#"{"certificateSigningRequest":"-----BEGIN..."}"#).unwrap();
        assert_eq!(csr, "-----BEGIN...");
        assert_eq!(csr_request(b"{}").unwrap_err().error_code, "InvalidPayload");
        assert_eq!(csr_request(b"not json").unwrap_err().status_code, 400);
        let r = register_request(
            br#"{"certificateOwnershipToken":"t","parameters":{"SerialNumber":"s-1"}}"#,
        )
        .unwrap();
        assert_eq!(r.certificate_ownership_token, "t");
        assert_eq!(r.parameters["SerialNumber"], "s-1");
        let missing = register_request(br#"{"parameters":{}}"#).unwrap_err();
        assert_eq!(missing.error_code, "InvalidCertificateOwnershipToken");
        assert_eq!(
            missing.to_json(),
            json!({"statusCode": 400, "errorCode": "InvalidCertificateOwnershipToken",
                   "errorMessage": "Certificate ownership token cannot be empty."})
        );
        let numeric =
            register_request(br#"{"certificateOwnershipToken":"t","parameters":{"a":1}}"#);
        assert_eq!(numeric.unwrap_err().error_code, "InvalidPayload");
    }

    #[test]
    fn the_hook_must_allow_in_so_many_words() {
        assert!(
            hook_answer(&json!({"allowProvisioning": true}))
                .unwrap()
                .is_empty()
        );
        let o = hook_answer(
            &json!({"allowProvisioning": true, "parameterOverrides": {"Site": "north"}}),
        );
        assert_eq!(o.unwrap()["Site"], "north");
        for refused in [json!({}), json!({"allowProvisioning": false}), json!(null)] {
            let e = hook_answer(&refused).unwrap_err();
            assert_eq!((e.status_code, e.error_code), (403, "AccessDenied"));
        }
    }

    #[test]
    fn documents_carry_aws_field_names() {
        let issued = Issued {
            certificate_id: "id".into(),
            certificate_pem: "pem".into(),
            private_key_pem: None,
            ownership_token: "tok".into(),
        };
        let doc = issued_document(&issued);
        assert_eq!(doc["certificateOwnershipToken"], "tok");
        assert!(doc.get("privateKey").is_none());
        let config = BTreeMap::from([("k".to_owned(), "v".to_owned())]);
        let doc = registered_document(Some("s-1"), &config);
        assert_eq!(
            doc,
            json!({"deviceConfiguration": {"k": "v"}, "thingName": "s-1"})
        );
    }
}
