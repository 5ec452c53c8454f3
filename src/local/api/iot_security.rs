//! AWS IoT's certificates, policies and the attachments between them and things: the calls a
//! provisioning flow makes (CreateCertificateFromCsr signs the caller's own CSR with the
//! backend's CA, so the private key never leaves the caller), as REST-JSON over the registry.

use std::str::FromStr;

use serde_json::{Value, json};

use super::Request;
use super::iot::{Answer, Failure};
use super::reply::Reply;
use crate::local::control::Local;
use crate::local::registry::{
    CertificateRecord, CertificateStatus, PolicyRecord, Registry, RegistryError, certificate_arn,
    certificate_id_of,
};

/// Days a certificate signed from a CSR is valid (AWS IoT's certificates from CSRs run for
/// years; the backend's own devices get the same).
const CERT_DAYS: u32 = 3650;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(local: &Local, req: &Request, segments: &[&str]) -> Option<Answer> {
    let registry = &local.registry;
    Some(match (req.method.as_str(), segments) {
        ("POST", ["certificates"]) => create_from_csr(local, req),
        ("GET", ["certificates"]) => list_certificates(registry, req),
        ("GET", ["certificates", id]) => describe_certificate(registry, id),
        ("PUT", ["certificates", id]) => update_certificate(registry, id, req),
        ("DELETE", ["certificates", id]) => registry
            .delete_certificate(id)
            .map(|()| empty())
            .map_err(Into::into),
        ("PUT", ["target-policies", policy]) => {
            target(req).and_then(|t| Ok(registry.attach_policy(policy, &t).map(|()| empty())?))
        }
        ("POST", ["target-policies", policy]) => {
            target(req).and_then(|t| Ok(registry.detach_policy(policy, &t).map(|()| empty())?))
        }
        ("POST", ["attached-policies", target]) => list_attached_policies(registry, target),
        ("PUT", ["things", thing, "principals"]) => principal(req).and_then(|p| {
            Ok(registry
                .attach_thing_principal(thing, &p)
                .map(|()| empty())?)
        }),
        ("DELETE", ["things", thing, "principals"]) => principal(req).and_then(|p| {
            Ok(registry
                .detach_thing_principal(thing, &p)
                .map(|()| empty())?)
        }),
        ("GET", ["things", thing, "principals"]) => list_thing_principals(registry, thing),
        ("GET", ["principals", "things"]) => principal(req).and_then(|p| {
            Ok(Reply::json(
                &json!({ "things": registry.principal_things(&p)? }),
            ))
        }),
        _ => return None,
    })
}

/// A policy as ListPolicies and ListAttachedPolicies list it.
pub(super) fn policy_summary(p: &PolicyRecord) -> Value {
    json!({ "policyName": p.name, "policyArn": p.arn })
}

pub(super) fn empty() -> Reply {
    Reply::json(&json!({}))
}

/// Seconds since the epoch, as AWS's JSON timestamps are.
pub(super) fn epoch_seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn create_from_csr(local: &Local, req: &Request) -> Answer {
    let body = req.json_object()?;
    let Some(csr) = body
        .get("certificateSigningRequest")
        .and_then(Value::as_str)
    else {
        return Err(Failure::Invalid(
            "certificateSigningRequest (a PEM CSR) is required".to_owned(),
        ));
    };
    let active = req.query("setAsActive") == Some("true");
    let pem = local.ca.sign_csr(csr, CERT_DAYS).map_err(|e| {
        Failure::Invalid(format!(
            "the certificate signing request is not usable: {e:#}"
        ))
    })?;
    let status = if active {
        CertificateStatus::Active
    } else {
        CertificateStatus::Inactive
    };
    let cert = local.registry.add_certificate(&pem, status, None)?;
    Ok(Reply::json(&json!({
        "certificateArn": cert.arn,
        "certificateId": cert.id,
        "certificatePem": cert.pem,
    })))
}

fn summary(cert: &CertificateRecord) -> Value {
    json!({
        "certificateArn": cert.arn,
        "certificateId": cert.id,
        "status": cert.status.as_str(),
        "creationDate": epoch_seconds(cert.created_ms),
    })
}

/// ListCertificates, oldest first, in pages of `pageSize` (at most 250) with `marker`.
fn list_certificates(registry: &Registry, req: &Request) -> Answer {
    let size = super::paging::page_size("pageSize", req.query("pageSize"), 250, 250)?;
    let after = super::paging::after(req.query("marker"))?;
    let (listed, next) = super::paging::page(
        registry.certificates()?,
        |c| super::paging::created_key(c.created_ms, &c.id),
        after.as_deref(),
        size,
    );
    let mut body = json!({ "certificates": listed.iter().map(summary).collect::<Vec<_>>() });
    if let Some(next) = next {
        body["nextMarker"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

fn describe_certificate(registry: &Registry, id: &str) -> Answer {
    let cert = registry
        .certificate(id)?
        .ok_or_else(|| RegistryError::not_found("certificate", id))?;
    let mut description = summary(&cert);
    description["certificatePem"] = Value::String(cert.pem.clone());
    description["ownedBy"] = Value::String(crate::local::registry::ACCOUNT_ID.to_owned());
    description["lastModifiedDate"] = description["creationDate"].clone();
    if let Some(ca) = &cert.ca_certificate_id {
        description["caCertificateId"] = Value::String(ca.clone());
    }
    Ok(Reply::json(
        &json!({ "certificateDescription": description }),
    ))
}

fn update_certificate(registry: &Registry, id: &str, req: &Request) -> Answer {
    let Some(status) = req.query("newStatus") else {
        return Err(Failure::Invalid("newStatus is required".to_owned()));
    };
    let status = CertificateStatus::from_str(status)?;
    registry.set_certificate_status(id, status)?;
    Ok(empty())
}

fn list_attached_policies(registry: &Registry, target: &str) -> Answer {
    let policies: Vec<Value> = registry
        .attached_policies(target)?
        .iter()
        .map(policy_summary)
        .collect();
    Ok(Reply::json(&json!({ "policies": policies })))
}

fn list_thing_principals(registry: &Registry, thing: &str) -> Answer {
    if registry.thing(thing)?.is_none() {
        return Err(RegistryError::not_found("thing", thing).into());
    }
    Ok(Reply::json(
        &json!({ "principals": registry.thing_principals(thing)? }),
    ))
}

/// AttachPolicy's and DetachPolicy's `target`: a certificate ARN here.
fn target(req: &Request) -> Result<String, Failure> {
    let body = req.json_object()?;
    body.get("target")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Failure::Invalid("target (a certificate ARN) is required".to_owned()))
}

/// The `x-amzn-principal` header of the thing-principal calls: a certificate ARN (a bare id is
/// taken too, as its ARN).
fn principal(req: &Request) -> Result<String, Failure> {
    let Some(principal) = req.header("x-amzn-principal") else {
        return Err(Failure::Invalid(
            "the principal (header x-amzn-principal) is required".to_owned(),
        ));
    };
    Ok(if certificate_id_of(principal).is_some() {
        principal.to_owned()
    } else {
        certificate_arn(principal)
    })
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use super::*;

    #[test]
    fn a_csr_becomes_an_active_certificate_attached_to_a_thing_and_a_policy() {
        let (_dir, local) = local();
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "probe-1");
        let csr = params.serialize_request(&key).unwrap().pem().unwrap();
        let made = handle(
            &local,
            &request(
                "POST",
                "/certificates",
                &[("setAsActive", "true")],
                &json!({ "certificateSigningRequest": csr }).to_string(),
            ),
        );
        assert_eq!(made.status, 200, "{made:?}");
        let made = body(&made);
        let id = made["certificateId"].as_str().unwrap().to_owned();
        let arn = made["certificateArn"].as_str().unwrap().to_owned();
        // The certificate carries the caller's own key.
        let pem = made["certificatePem"].as_str().unwrap();
        let (_, cert) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
        let cert = cert.parse_x509().unwrap();
        assert_eq!(
            &*cert.public_key().subject_public_key.data,
            key.public_key_raw()
        );

        let described = body(&handle(
            &local,
            &request("GET", &format!("/certificates/{id}"), &[], ""),
        ));
        assert_eq!(described["certificateDescription"]["status"], "ACTIVE");

        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}"#;
        let policy = handle(
            &local,
            &request(
                "POST",
                "/policies/probe-policy",
                &[],
                &json!({ "policyDocument": doc }).to_string(),
            ),
        );
        assert_eq!(policy.status, 200, "{policy:?}");
        let attach = handle(
            &local,
            &request(
                "PUT",
                "/target-policies/probe-policy",
                &[],
                &json!({ "target": arn }).to_string(),
            ),
        );
        assert_eq!(attach.status, 200, "{attach:?}");
        let attached = body(&handle(
            &local,
            // An ARN in a path is one segment: its `/` is encoded, as the SDKs send it.
            &request(
                "POST",
                &format!("/attached-policies/{}", arn.replace('/', "%2F")),
                &[],
                "",
            ),
        ));
        assert_eq!(
            attached["policies"][0]["policyName"], "probe-policy",
            "{attached}"
        );

        handle(&local, &request("POST", "/things/probe-1", &[], ""));
        let mut attach = request("PUT", "/things/probe-1/principals", &[], "");
        attach
            .headers
            .push(("x-amzn-principal".into(), arn.clone()));
        assert_eq!(handle(&local, &attach).status, 200);
        let principals = body(&handle(
            &local,
            &request("GET", "/things/probe-1/principals", &[], ""),
        ));
        assert_eq!(principals["principals"], json!([arn]));

        // In use: neither the active certificate nor the attached policy can go.
        let gone = handle(
            &local,
            &request("DELETE", &format!("/certificates/{id}"), &[], ""),
        );
        assert_eq!(error_type(&gone), Some("CertificateStateException"));
        let gone = handle(
            &local,
            &request("DELETE", "/policies/probe-policy", &[], ""),
        );
        assert_eq!(error_type(&gone), Some("DeleteConflictException"));
        let revoke = handle(
            &local,
            &request(
                "PUT",
                &format!("/certificates/{id}"),
                &[("newStatus", "REVOKED")],
                "",
            ),
        );
        assert_eq!(revoke.status, 200);
        let back = handle(
            &local,
            &request(
                "PUT",
                &format!("/certificates/{id}"),
                &[("newStatus", "ACTIVE")],
                "",
            ),
        );
        assert_eq!(error_type(&back), Some("CertificateStateException"));
        let bad_csr = handle(
            &local,
            &request(
                "POST",
                "/certificates",
                &[],
                r#"{"certificateSigningRequest":"nope"}"#,
            ),
        );
        assert_eq!(error_type(&bad_csr), Some("InvalidRequestException"));
    }
}
