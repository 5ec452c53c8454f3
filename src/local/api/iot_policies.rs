//! AWS IoT's policies and their versions (CreatePolicy, GetPolicy, ListPolicies with marker
//! paging, DeletePolicy, CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
//! DeletePolicyVersion, SetDefaultPolicyVersion, ListTargetsForPolicy) over the registry.

use serde_json::{Value, json};

use super::Request;
use super::iot::{Answer, Failure};
use super::iot_security::{empty, epoch_seconds, policy_summary};
use super::paging;
use super::reply::Reply;
use crate::local::registry::{PolicyVersionRecord, Registry, RegistryError};

/// ListPolicies' and ListTargetsForPolicy's page size when the request gives none, and the
/// largest.
const DEFAULT_PAGE: usize = 250;
const MAX_PAGE: usize = 250;

/// The operation for `segments`, or `None` when this module has none.
pub(super) fn handle(registry: &Registry, req: &Request, segments: &[&str]) -> Option<Answer> {
    Some(match (req.method.as_str(), segments) {
        ("POST", ["policies", name]) => create_policy(registry, name, req),
        ("GET", ["policies"]) => list_policies(registry, req),
        ("GET", ["policies", name]) => get_policy(registry, name),
        ("DELETE", ["policies", name]) => registry
            .delete_policy(name)
            .map(|()| empty())
            .map_err(Into::into),
        ("POST", ["policies", name, "version"]) => create_version(registry, name, req),
        ("GET", ["policies", name, "version"]) => list_versions(registry, name),
        ("GET", ["policies", name, "version", id]) => get_version(registry, name, id),
        ("DELETE", ["policies", name, "version", id]) => registry
            .delete_policy_version(name, id)
            .map(|()| empty())
            .map_err(Into::into),
        ("PATCH", ["policies", name, "version", id]) => registry
            .set_default_policy_version(name, id)
            .map(|()| empty())
            .map_err(Into::into),
        ("POST", ["policy-targets", name]) => list_targets(registry, name, req),
        _ => return None,
    })
}

fn document_of(req: &Request) -> Result<String, Failure> {
    let body = req.json_object()?;
    body.get("policyDocument")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Failure::Invalid("policyDocument is required".to_owned()))
}

fn create_policy(registry: &Registry, name: &str, req: &Request) -> Answer {
    let document = document_of(req)?;
    let policy = registry.create_policy(name, &document)?;
    Ok(Reply::json(&json!({
        "policyName": policy.name,
        "policyArn": policy.arn,
        "policyDocument": policy.document,
        "policyVersionId": "1",
    })))
}

fn list_policies(registry: &Registry, req: &Request) -> Answer {
    let size = paging::page_size("pageSize", req.query("pageSize"), DEFAULT_PAGE, MAX_PAGE)?;
    let after = paging::after(req.query("marker"))?;
    let policies = registry.policies()?;
    let (listed, next) = paging::page(policies, |p| p.name.clone(), after.as_deref(), size);
    let mut body = json!({ "policies": listed.iter().map(policy_summary).collect::<Vec<_>>() });
    if let Some(next) = next {
        body["nextMarker"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

fn get_policy(registry: &Registry, name: &str) -> Answer {
    let policy = registry
        .policy(name)?
        .ok_or_else(|| RegistryError::not_found("policy", name))?;
    let default = registry.default_policy_version(name)?;
    Ok(Reply::json(&json!({
        "policyName": policy.name,
        "policyArn": policy.arn,
        "policyDocument": policy.document,
        "defaultVersionId": default.version_id.to_string(),
        "creationDate": epoch_seconds(policy.created_ms),
        "lastModifiedDate": epoch_seconds(default.created_ms.max(policy.created_ms)),
        "generationId": generation_id(&default),
    })))
}

/// AWS's generation id changes with every change of a version; here it names the version.
fn generation_id(v: &PolicyVersionRecord) -> String {
    format!("{}-{}", v.version_id, v.created_ms)
}

fn create_version(registry: &Registry, name: &str, req: &Request) -> Answer {
    let document = document_of(req)?;
    let set_as_default = req.query("setAsDefault") == Some("true");
    let version = registry.create_policy_version(name, &document, set_as_default)?;
    let policy = registry
        .policy(name)?
        .ok_or_else(|| RegistryError::not_found("policy", name))?;
    Ok(Reply::json(&json!({
        "policyArn": policy.arn,
        "policyDocument": version.document,
        "policyVersionId": version.version_id.to_string(),
        "isDefaultVersion": version.is_default,
    })))
}

fn list_versions(registry: &Registry, name: &str) -> Answer {
    let versions: Vec<Value> = registry
        .policy_versions(name)?
        .iter()
        .map(|v| {
            json!({
                "versionId": v.version_id.to_string(),
                "isDefaultVersion": v.is_default,
                "createDate": epoch_seconds(v.created_ms),
            })
        })
        .collect();
    Ok(Reply::json(&json!({ "policyVersions": versions })))
}

fn get_version(registry: &Registry, name: &str, id: &str) -> Answer {
    let version = registry.policy_version(name, id)?;
    let policy = registry
        .policy(name)?
        .ok_or_else(|| RegistryError::not_found("policy", name))?;
    Ok(Reply::json(&json!({
        "policyArn": policy.arn,
        "policyName": policy.name,
        "policyDocument": version.document,
        "policyVersionId": version.version_id.to_string(),
        "isDefaultVersion": version.is_default,
        "creationDate": epoch_seconds(version.created_ms),
        "lastModifiedDate": epoch_seconds(version.created_ms),
        "generationId": generation_id(&version),
    })))
}

fn list_targets(registry: &Registry, name: &str, req: &Request) -> Answer {
    let size = paging::page_size("pageSize", req.query("pageSize"), DEFAULT_PAGE, MAX_PAGE)?;
    let after = paging::after(req.query("marker"))?;
    let targets = registry.policy_targets(name)?;
    let (listed, next) = paging::page(targets, Clone::clone, after.as_deref(), size);
    let mut body = json!({ "targets": listed });
    if let Some(next) = next {
        body["nextMarker"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use serde_json::json;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}"#;

    #[test]
    fn a_policy_gains_versions_up_to_five_and_pages_list_them_all() {
        let (_dir, local) = local();
        for i in 0..3 {
            let made = handle(
                &local,
                &request(
                    "POST",
                    &format!("/policies/p{i}"),
                    &[],
                    &json!({ "policyDocument": DOC }).to_string(),
                ),
            );
            assert_eq!(made.status, 200, "{made:?}");
        }
        let first = body(&handle(
            &local,
            &request("GET", "/policies", &[("pageSize", "2")], ""),
        ));
        assert_eq!(first["policies"].as_array().unwrap().len(), 2);
        let marker = first["nextMarker"].as_str().unwrap();
        let second = body(&handle(
            &local,
            &request(
                "GET",
                "/policies",
                &[("pageSize", "2"), ("marker", marker)],
                "",
            ),
        ));
        assert_eq!(second["policies"][0]["policyName"], "p2");
        assert!(second.get("nextMarker").is_none());

        let new_version = json!({ "policyDocument": DOC }).to_string();
        for n in 2..=5 {
            let made = body(&handle(
                &local,
                &request(
                    "POST",
                    "/policies/p0/version",
                    &[("setAsDefault", "true")],
                    &new_version,
                ),
            ));
            assert_eq!(made["policyVersionId"], n.to_string());
            assert_eq!(made["isDefaultVersion"], true);
        }
        let full = handle(
            &local,
            &request("POST", "/policies/p0/version", &[], &new_version),
        );
        assert_eq!(
            (full.status, error_type(&full)),
            (409, Some("VersionsLimitExceededException"))
        );
        let got = body(&handle(&local, &request("GET", "/policies/p0", &[], "")));
        assert_eq!(got["defaultVersionId"], "5");
        let versions = body(&handle(
            &local,
            &request("GET", "/policies/p0/version", &[], ""),
        ));
        assert_eq!(versions["policyVersions"].as_array().unwrap().len(), 5);
        let default = handle(
            &local,
            &request("DELETE", "/policies/p0/version/5", &[], ""),
        );
        assert_eq!(error_type(&default), Some("DeleteConflictException"));
        let gone = handle(
            &local,
            &request("DELETE", "/policies/p0/version/1", &[], ""),
        );
        assert_eq!(gone.status, 200);
        let missing = handle(&local, &request("GET", "/policies/p0/version/1", &[], ""));
        assert_eq!(error_type(&missing), Some("ResourceNotFoundException"));
        let targets = body(&handle(
            &local,
            &request("POST", "/policy-targets/p1", &[], ""),
        ));
        assert_eq!(targets["targets"], json!([]));
        let none = handle(&local, &request("POST", "/policy-targets/nope", &[], ""));
        assert_eq!(error_type(&none), Some("ResourceNotFoundException"));
    }
}
