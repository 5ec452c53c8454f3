//! AWS IoT's CA certificates (GetRegistrationCode, RegisterCACertificate,
//! DescribeCACertificate, ListCACertificates, UpdateCACertificate, ListCertificatesByCA,
//! DeleteCACertificate) over the registry: the same records the broker's just-in-time
//! registration reads, so a CA registered here with auto-registration on registers its
//! devices' certificates on their first connection.

use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::Request;
use super::iot::{Answer, Failure};
use super::iot_security::{empty, epoch_seconds};
use super::paging;
use super::reply::Reply;
use crate::byoca::VerificationError;
use crate::local::control::Local;
use crate::local::registry::{
    ACCOUNT_ID, CaRecord, CaStatus, CertificateRecord, Registry, RegistryError,
};

const DEFAULT_PAGE: usize = 250;
const MAX_PAGE: usize = 250;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(local: &Local, req: &Request, segments: &[&str]) -> Option<Answer> {
    let registry = &local.registry;
    Some(match (req.method.as_str(), segments) {
        ("GET", ["registrationcode"]) => Ok(Reply::json(
            &json!({ "registrationCode": local.registration_code() }),
        )),
        ("POST", ["cacertificate"]) => register(local, req),
        ("GET", ["cacertificate", id]) => describe(registry, id),
        ("GET", ["cacertificates"]) => list(registry, req),
        ("PUT", ["cacertificate", id]) => update(registry, id, req),
        ("DELETE", ["cacertificate", id]) => {
            registry.delete_ca(id).map(|()| empty()).map_err(Into::into)
        }
        ("GET", ["certificates-by-ca", id]) => by_ca(registry, id, req),
        _ => return None,
    })
}

fn flag(req: &Request, name: &str) -> Result<bool, Failure> {
    match req.query(name) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Failure::Invalid(format!(
            "{name} must be true or false, not {other:?}"
        ))),
    }
}

/// `registrationConfig`, when the body has one: an object of strings.
fn registration_config(body: &Map<String, Value>) -> Result<Option<Value>, Failure> {
    match body.get("registrationConfig") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(config)) if config.values().all(Value::is_string) => {
            Ok(Some(Value::Object(config.clone())))
        }
        Some(_) => Err(Failure::Invalid(
            "registrationConfig must be an object of templateBody, templateName and roleArn strings"
                .to_owned(),
        )),
    }
}

fn register(local: &Local, req: &Request) -> Answer {
    let body = req.json_object()?;
    let Some(ca_pem) = body.get("caCertificate").and_then(Value::as_str) else {
        return Err(Failure::Invalid("caCertificate is required".to_owned()));
    };
    match body.get("certificateMode").and_then(Value::as_str) {
        None | Some("DEFAULT") => {}
        Some(other) => {
            return Err(Failure::Invalid(format!(
                "certificateMode {other:?} is not served by the local backend: use DEFAULT (with a verification certificate)"
            )));
        }
    }
    let Some(verification) = body.get("verificationCertificate").and_then(Value::as_str) else {
        return Err(Failure::Invalid(
            "verificationCertificate is required in DEFAULT certificate mode".to_owned(),
        ));
    };
    let config = registration_config(&body)?;
    let set_as_active = flag(req, "setAsActive")?;
    let auto_registration = flag(req, "allowAutoRegistration")?;
    crate::byoca::verify_verification_certificate(ca_pem, verification, &local.registration_code())
        .map_err(|e| {
            let code = match e {
                VerificationError::WrongCode { .. } => "RegistrationCodeValidationException",
                _ => "CertificateValidationException",
            };
            Failure::Aws {
                status: 400,
                code,
                message: e.to_string(),
            }
        })?;
    let status = if set_as_active {
        CaStatus::Active
    } else {
        CaStatus::Inactive
    };
    let ca = local.registry.add_ca(ca_pem, status, auto_registration)?;
    if config.is_some() {
        local
            .registry
            .set_ca_registration_config(&ca.id, config.as_ref())?;
    }
    Ok(Reply::json(&json!({
        "certificateArn": ca.arn,
        "certificateId": ca.id,
    })))
}

fn require(registry: &Registry, id: &str) -> Result<CaRecord, Failure> {
    Ok(registry
        .ca(id)?
        .ok_or_else(|| RegistryError::not_found("CA certificate", id))?)
}

/// The certificate's validity, as DescribeCACertificate's `validity` (epoch seconds).
fn validity(pem: &str) -> Option<Value> {
    let (_, parsed) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).ok()?;
    let cert = parsed.parse_x509().ok()?;
    let v = cert.validity();
    Some(json!({
        "notBefore": v.not_before.timestamp(),
        "notAfter": v.not_after.timestamp(),
    }))
}

fn describe(registry: &Registry, id: &str) -> Answer {
    let ca = require(registry, id)?;
    let mut description = json!({
        "certificateArn": ca.arn,
        "certificateId": ca.id,
        "status": ca.status.as_str(),
        "certificatePem": ca.pem,
        "ownedBy": ACCOUNT_ID,
        "creationDate": epoch_seconds(ca.created_ms),
        "lastModifiedDate": epoch_seconds(ca.created_ms),
        "autoRegistrationStatus": if ca.auto_registration { "ENABLE" } else { "DISABLE" },
        "customerVersion": 1,
        "generationId": format!("{}-{}", ca.created_ms, ca.status.as_str()),
        "certificateMode": "DEFAULT",
    });
    if let Some(validity) = validity(&ca.pem) {
        description["validity"] = validity;
    }
    let mut body = json!({ "certificateDescription": description });
    if let Some(config) = registry.ca_registration_config(id)? {
        body["registrationConfig"] = config;
    }
    Ok(Reply::json(&body))
}

/// One page of ListCACertificates or ListCertificatesByCA: each certificate's summary, and
/// the marker of the next page.
fn certificates_page<C: Summary>(listed: &[C], next: Option<String>) -> Reply {
    let certificates: Vec<Value> = listed
        .iter()
        .map(|c| {
            let (arn, id, status, created_ms) = c.summary();
            json!({
                "certificateArn": arn,
                "certificateId": id,
                "status": status,
                "creationDate": epoch_seconds(created_ms),
            })
        })
        .collect();
    let mut body = json!({ "certificates": certificates });
    if let Some(next) = next {
        body["nextMarker"] = Value::String(next);
    }
    Reply::json(&body)
}

/// What a certificate listing says of each certificate: ARN, id, status, creation time.
trait Summary {
    fn summary(&self) -> (&str, &str, &str, i64);
}

impl Summary for CaRecord {
    fn summary(&self) -> (&str, &str, &str, i64) {
        (&self.arn, &self.id, self.status.as_str(), self.created_ms)
    }
}

impl Summary for CertificateRecord {
    fn summary(&self) -> (&str, &str, &str, i64) {
        (&self.arn, &self.id, self.status.as_str(), self.created_ms)
    }
}

fn list(registry: &Registry, req: &Request) -> Answer {
    let size = paging::page_size("pageSize", req.query("pageSize"), DEFAULT_PAGE, MAX_PAGE)?;
    let after = paging::after(req.query("marker"))?;
    let cas = registry.cas()?;
    let (listed, next) = paging::page(
        cas,
        |c| paging::created_key(c.created_ms, &c.id),
        after.as_deref(),
        size,
    );
    Ok(certificates_page(&listed, next))
}

fn update(registry: &Registry, id: &str, req: &Request) -> Answer {
    require(registry, id)?;
    let status = match req.query("newStatus") {
        None => None,
        Some(s @ ("ACTIVE" | "INACTIVE")) => Some(CaStatus::from_str(s)?),
        Some(other) => {
            return Err(Failure::Invalid(format!(
                "newStatus must be ACTIVE or INACTIVE, not {other:?}"
            )));
        }
    };
    let auto = match req.query("newAutoRegistrationStatus") {
        None => None,
        Some("ENABLE") => Some(true),
        Some("DISABLE") => Some(false),
        Some(other) => {
            return Err(Failure::Invalid(format!(
                "newAutoRegistrationStatus must be ENABLE or DISABLE, not {other:?}"
            )));
        }
    };
    let body = req.json_object()?;
    let config = registration_config(&body)?;
    let remove = body.get("removeAutoRegistration") == Some(&Value::Bool(true));
    if let Some(status) = status {
        registry.set_ca_status(id, status)?;
    }
    if let Some(auto) = auto {
        registry.set_ca_auto_registration(id, auto)?;
    }
    if remove {
        registry.set_ca_registration_config(id, None)?;
    } else if config.is_some() {
        registry.set_ca_registration_config(id, config.as_ref())?;
    }
    Ok(empty())
}

fn by_ca(registry: &Registry, id: &str, req: &Request) -> Answer {
    let size = paging::page_size("pageSize", req.query("pageSize"), DEFAULT_PAGE, MAX_PAGE)?;
    let after = paging::after(req.query("marker"))?;
    let issued: Vec<_> = registry
        .certificates()?
        .into_iter()
        .filter(|c| c.ca_certificate_id.as_deref() == Some(id))
        .collect();
    let (listed, next) = paging::page(
        issued,
        |c| paging::created_key(c.created_ms, &c.id),
        after.as_deref(),
        size,
    );
    Ok(certificates_page(&listed, next))
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use crate::byoca::DeviceCa;
    use serde_json::json;

    #[test]
    fn a_ca_is_registered_with_its_verification_certificate_then_updated_and_deleted() {
        let (dir, local) = local();
        let code = body(&handle(
            &local,
            &request("GET", "/registrationcode", &[], ""),
        ));
        let code = code["registrationCode"].as_str().unwrap().to_owned();
        assert_eq!(code.len(), 64);
        let ca = DeviceCa::create(&dir.path().join("my-ca")).unwrap();
        let wrong = ca.verification_certificate("not-the-code").unwrap();
        let refused = handle(
            &local,
            &request(
                "POST",
                "/cacertificate",
                &[],
                &json!({
                    "caCertificate": ca.certificate_pem(),
                    "verificationCertificate": wrong.certificate_pem,
                })
                .to_string(),
            ),
        );
        assert_eq!(
            error_type(&refused),
            Some("RegistrationCodeValidationException")
        );
        let verification = ca.verification_certificate(&code).unwrap();
        let register = json!({
            "caCertificate": ca.certificate_pem(),
            "verificationCertificate": verification.certificate_pem,
            "registrationConfig": {"templateBody": "{}"},
        })
        .to_string();
        let made = handle(
            &local,
            &request(
                "POST",
                "/cacertificate",
                &[("setAsActive", "true"), ("allowAutoRegistration", "true")],
                &register,
            ),
        );
        assert_eq!(made.status, 200, "{made:?}");
        let id = body(&made)["certificateId"].as_str().unwrap().to_owned();
        let again = handle(&local, &request("POST", "/cacertificate", &[], &register));
        assert_eq!(error_type(&again), Some("ResourceAlreadyExistsException"));

        let described = body(&handle(
            &local,
            &request("GET", &format!("/cacertificate/{id}"), &[], ""),
        ));
        let d = &described["certificateDescription"];
        assert_eq!(
            (d["status"].as_str(), d["autoRegistrationStatus"].as_str()),
            (Some("ACTIVE"), Some("ENABLE"))
        );
        assert_eq!(described["registrationConfig"]["templateBody"], "{}");
        let listed = body(&handle(&local, &request("GET", "/cacertificates", &[], "")));
        assert_eq!(listed["certificates"][0]["certificateId"], id.as_str());

        let active = handle(
            &local,
            &request("DELETE", &format!("/cacertificate/{id}"), &[], ""),
        );
        assert_eq!(
            (active.status, error_type(&active)),
            (406, Some("CertificateStateException"))
        );
        let updated = handle(
            &local,
            &request(
                "PUT",
                &format!("/cacertificate/{id}"),
                &[
                    ("newStatus", "INACTIVE"),
                    ("newAutoRegistrationStatus", "DISABLE"),
                ],
                "",
            ),
        );
        assert_eq!(updated.status, 200, "{updated:?}");
        let issued = body(&handle(
            &local,
            &request("GET", &format!("/certificates-by-ca/{id}"), &[], ""),
        ));
        assert_eq!(issued["certificates"], json!([]));
        let gone = handle(
            &local,
            &request("DELETE", &format!("/cacertificate/{id}"), &[], ""),
        );
        assert_eq!(gone.status, 200, "{gone:?}");
        let missing = handle(
            &local,
            &request("GET", &format!("/cacertificate/{id}"), &[], ""),
        );
        assert_eq!(
            (missing.status, error_type(&missing)),
            (404, Some("ResourceNotFoundException"))
        );
    }
}
