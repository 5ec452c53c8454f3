//! Thin functions over the AWS IoT control-plane client.

use std::collections::BTreeMap;

use aws_sdk_iot::Client;
use aws_sdk_iot::types::{AttributePayload, CertificateStatus};

use super::ApiError;

#[derive(Debug, Clone)]
pub struct Thing {
    pub name: String,
    pub arn: String,
    pub attributes: BTreeMap<String, String>,
    /// The registry's version of the thing, where the API gives it (SearchIndex does not).
    pub version: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub id: String,
    pub arn: String,
    pub pem: String,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: String,
    pub arn: String,
    pub status: String,
}

/// The certificate id at the end of a certificate ARN (`arn:...:cert/<id>`).
pub fn certificate_id(arn: &str) -> &str {
    arn.rsplit_once("cert/").map(|(_, id)| id).unwrap_or(arn)
}

fn ok_if_missing<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn describe_thing(client: &Client, name: &str) -> Result<Option<Thing>, ApiError> {
    ok_if_missing(
        client
            .describe_thing()
            .thing_name(name)
            .send()
            .await
            .map(|out| Thing {
                name: out.thing_name().unwrap_or(name).to_string(),
                arn: out.thing_arn().unwrap_or_default().to_string(),
                attributes: out
                    .attributes()
                    .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                version: Some(out.version()),
            })
            .map_err(|e| ApiError::from_sdk("DescribeThing", e)),
    )
}

pub async fn create_thing(
    client: &Client,
    name: &str,
    attributes: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let payload = AttributePayload::builder()
        .set_attributes(Some(attributes.clone().into_iter().collect()))
        .build();
    client
        .create_thing()
        .thing_name(name)
        .attribute_payload(payload)
        .send()
        .await
        .map(|out| out.thing_arn().unwrap_or_default().to_string())
        .map_err(|e| ApiError::from_sdk("CreateThing", e))
}

/// Every thing with `attribute` = `value`, following pagination.
pub async fn list_things_with_attribute(
    client: &Client,
    attribute: &str,
    value: &str,
) -> Result<Vec<Thing>, ApiError> {
    let mut things = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_things()
            .attribute_name(attribute)
            .attribute_value(value)
            .max_results(250)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThings", e))?;
        for t in out.things() {
            things.push(Thing {
                name: t.thing_name().unwrap_or_default().to_string(),
                arn: t.thing_arn().unwrap_or_default().to_string(),
                attributes: t
                    .attributes()
                    .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                version: Some(t.version()),
            });
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            things.sort_by(|a, b| natural_cmp(&a.name, &b.name));
            return Ok(things);
        }
    }
}

/// How fleet indexing is set up for things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThingIndexing {
    /// `thingIndexingMode` is not OFF: SearchIndex answers on `AWS_Things`.
    pub things: bool,
    /// `thingConnectivityIndexingMode` is STATUS: the index knows who is connected.
    pub connectivity: bool,
}

/// GetIndexingConfiguration, reduced to what `thing list` needs.
pub async fn thing_indexing(client: &Client) -> Result<ThingIndexing, ApiError> {
    use aws_sdk_iot::types::{ThingConnectivityIndexingMode, ThingIndexingMode};
    let out = client
        .get_indexing_configuration()
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetIndexingConfiguration", e))?;
    let Some(config) = out.thing_indexing_configuration() else {
        return Ok(ThingIndexing::default());
    };
    let things = config.thing_indexing_mode != ThingIndexingMode::Off;
    let connectivity = things
        && config.thing_connectivity_indexing_mode == Some(ThingConnectivityIndexingMode::Status);
    Ok(ThingIndexing {
        things,
        connectivity,
    })
}

/// A thing's connection state as fleet indexing reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThingConnectivity {
    pub connected: bool,
    /// When it connected or disconnected, in milliseconds since the Unix epoch.
    pub timestamp_ms: Option<i64>,
    pub disconnect_reason: Option<String>,
}

/// A thing found by a list or a search, with what those calls tell besides the thing.
#[derive(Debug, Clone)]
pub struct FoundThing {
    /// SearchIndex does not return ARNs: `arn` is empty for its results.
    pub thing: Thing,
    pub thing_type_name: Option<String>,
    /// Only from SearchIndex with connectivity indexing on.
    pub connectivity: Option<ThingConnectivity>,
}

fn string_map(map: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// SearchIndex on `AWS_Things` with `query`, following pagination (`page_size` per call).
pub async fn search_things(
    client: &Client,
    query: &str,
    page_size: i32,
) -> Result<Vec<FoundThing>, ApiError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .search_index()
            .index_name("AWS_Things")
            .query_string(query)
            .max_results(page_size)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("SearchIndex", e))?;
        for doc in out.things() {
            found.push(FoundThing {
                thing: Thing {
                    name: doc.thing_name().unwrap_or_default().to_string(),
                    arn: String::new(),
                    attributes: string_map(doc.attributes()),
                    version: None,
                },
                thing_type_name: doc
                    .thing_type_name()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
                connectivity: doc.connectivity().and_then(|c| {
                    Some(ThingConnectivity {
                        connected: c.connected()?,
                        timestamp_ms: c.timestamp(),
                        disconnect_reason: c.disconnect_reason().map(str::to_string),
                    })
                }),
            });
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            found.sort_by(|a, b| natural_cmp(&a.thing.name, &b.thing.name));
            return Ok(found);
        }
    }
}

/// ListThings with at most one attribute and a thing type filtered by AWS, following
/// pagination (`page_size` per call, at most 250).
pub async fn list_things_filtered(
    client: &Client,
    attribute: Option<(&str, &str)>,
    thing_type: Option<&str>,
    page_size: i32,
) -> Result<Vec<FoundThing>, ApiError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_things()
            .set_attribute_name(attribute.map(|(k, _)| k.to_string()))
            .set_attribute_value(attribute.map(|(_, v)| v.to_string()))
            .set_thing_type_name(thing_type.map(str::to_string))
            .max_results(page_size)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThings", e))?;
        for t in out.things() {
            found.push(FoundThing {
                thing: Thing {
                    name: t.thing_name().unwrap_or_default().to_string(),
                    arn: t.thing_arn().unwrap_or_default().to_string(),
                    attributes: string_map(t.attributes()),
                    version: Some(t.version()),
                },
                thing_type_name: t
                    .thing_type_name()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
                connectivity: None,
            });
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            found.sort_by(|a, b| natural_cmp(&a.thing.name, &b.thing.name));
            return Ok(found);
        }
    }
}

/// Orders `soilSensor2` before `soilSensor10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, Option<u64>) {
        let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (head, tail) = s.split_at(s.len() - digits);
        (head, tail.parse().ok())
    }
    let (ha, na) = split(a);
    let (hb, nb) = split(b);
    ha.cmp(hb).then(na.cmp(&nb)).then(a.cmp(b))
}

pub async fn list_thing_principals(
    client: &Client,
    name: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let mut principals = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_thing_principals()
            .thing_name(name)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListThingPrincipals", e));
        let out = match ok_if_missing(out)? {
            Some(out) => out,
            None => return Ok(None),
        };
        principals.extend(out.principals().iter().cloned());
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return Ok(Some(principals));
        }
    }
}

pub async fn list_principal_things(
    client: &Client,
    principal: &str,
) -> Result<Vec<String>, ApiError> {
    let mut things = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_principal_things()
            .principal(principal)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListPrincipalThings", e))?;
        things.extend(out.things().iter().cloned());
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return Ok(things);
        }
    }
}

pub async fn create_certificate_from_csr(
    client: &Client,
    csr_pem: &str,
) -> Result<NewCertificate, ApiError> {
    client
        .create_certificate_from_csr()
        .certificate_signing_request(csr_pem)
        // Active from the start: with no policy attached yet it may do nothing (AWS IoT denies
        // every action a policy does not allow), and it saves an UpdateCertificate per device.
        .set_as_active(true)
        .send()
        .await
        .map(|out| NewCertificate {
            id: out.certificate_id().unwrap_or_default().to_string(),
            arn: out.certificate_arn().unwrap_or_default().to_string(),
            pem: out.certificate_pem().unwrap_or_default().to_string(),
        })
        .map_err(|e| ApiError::from_sdk("CreateCertificateFromCsr", e))
}

pub async fn describe_certificate(
    client: &Client,
    id: &str,
) -> Result<Option<Certificate>, ApiError> {
    Ok(describe_certificate_details(client, id)
        .await?
        .map(|d| Certificate {
            id: d.id,
            arn: d.arn,
            status: d.status,
        }))
}

pub async fn set_certificate_active(
    client: &Client,
    id: &str,
    active: bool,
) -> Result<(), ApiError> {
    let status = if active {
        CertificateStatus::Active
    } else {
        CertificateStatus::Inactive
    };
    client
        .update_certificate()
        .certificate_id(id)
        .new_status(status)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("UpdateCertificate", e))
}

pub async fn delete_certificate(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .delete_certificate()
        .certificate_id(id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteCertificate", e))
}

pub async fn attach_thing_principal(
    client: &Client,
    thing: &str,
    principal: &str,
) -> Result<(), ApiError> {
    client
        .attach_thing_principal()
        .thing_name(thing)
        .principal(principal)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("AttachThingPrincipal", e))
}

pub async fn detach_thing_principal(
    client: &Client,
    thing: &str,
    principal: &str,
) -> Result<(), ApiError> {
    client
        .detach_thing_principal()
        .thing_name(thing)
        .principal(principal)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DetachThingPrincipal", e))
}

pub async fn attach_policy(client: &Client, policy: &str, target: &str) -> Result<(), ApiError> {
    client
        .attach_policy()
        .policy_name(policy)
        .target(target)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("AttachPolicy", e))
}

pub async fn detach_policy(client: &Client, policy: &str, target: &str) -> Result<(), ApiError> {
    client
        .detach_policy()
        .policy_name(policy)
        .target(target)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DetachPolicy", e))
}

pub async fn list_attached_policies(
    client: &Client,
    target: &str,
) -> Result<Vec<String>, ApiError> {
    let mut policies = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_attached_policies()
            .target(target)
            .recursive(false)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListAttachedPolicies", e))?;
        policies.extend(
            out.policies()
                .iter()
                .filter_map(|p| p.policy_name().map(str::to_string)),
        );
        marker = out
            .next_marker()
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if marker.is_none() {
            return Ok(policies);
        }
    }
}

pub async fn list_targets_for_policy(
    client: &Client,
    policy: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let mut targets = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_targets_for_policy()
            .policy_name(policy)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListTargetsForPolicy", e));
        let out = match ok_if_missing(out)? {
            Some(out) => out,
            None => return Ok(None),
        };
        targets.extend(out.targets().iter().cloned());
        marker = out
            .next_marker()
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if marker.is_none() {
            return Ok(Some(targets));
        }
    }
}

/// Whether the policy exists.
pub async fn policy_exists(client: &Client, policy: &str) -> Result<bool, ApiError> {
    ok_if_missing(
        client
            .get_policy()
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetPolicy", e)),
    )
    .map(|o| o.is_some())
}

/// Names of the policies whose name starts with `prefix`.
pub async fn policies_with_prefix(client: &Client, prefix: &str) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_policies()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListPolicies", e))?;
        names.extend(
            out.policies()
                .iter()
                .filter_map(|p| p.policy_name())
                .filter(|n| n.starts_with(prefix))
                .map(str::to_string),
        );
        marker = out
            .next_marker()
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if marker.is_none() {
            return Ok(names);
        }
    }
}

/// (version id, is default) for each version of the policy; `None` when the policy is gone.
pub async fn list_policy_versions(
    client: &Client,
    policy: &str,
) -> Result<Option<Vec<(String, bool)>>, ApiError> {
    ok_if_missing(
        client
            .list_policy_versions()
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListPolicyVersions", e)),
    )
    .map(|out| {
        out.map(|out| {
            out.policy_versions()
                .iter()
                .map(|v| {
                    (
                        v.version_id().unwrap_or_default().to_string(),
                        v.is_default_version(),
                    )
                })
                .collect()
        })
    })
}

pub async fn delete_policy_version(
    client: &Client,
    policy: &str,
    version: &str,
) -> Result<(), ApiError> {
    client
        .delete_policy_version()
        .policy_name(policy)
        .policy_version_id(version)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeletePolicyVersion", e))
}

pub async fn delete_policy(client: &Client, policy: &str) -> Result<(), ApiError> {
    client
        .delete_policy()
        .policy_name(policy)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeletePolicy", e))
}

pub async fn delete_thing(client: &Client, name: &str) -> Result<(), ApiError> {
    client
        .delete_thing()
        .thing_name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteThing", e))
}

/// The account's `iot:Data-ATS` endpoint, the host devices connect to.
pub async fn data_endpoint(client: &Client) -> Result<String, ApiError> {
    client
        .describe_endpoint()
        .endpoint_type("iot:Data-ATS")
        .send()
        .await
        .map(|out| out.endpoint_address().unwrap_or_default().to_string())
        .map_err(|e| ApiError::from_sdk("DescribeEndpoint", e))
}

/// Whether the topic rule exists.
pub async fn topic_rule_exists(client: &Client, name: &str) -> Result<bool, ApiError> {
    match client.get_topic_rule().rule_name(name).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let err = ApiError::from_sdk("GetTopicRule", e);
            // AWS answers UnauthorizedException for a rule that does not exist.
            if err.is_not_found() || err.is_code("UnauthorizedException") {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

pub async fn disable_topic_rule(client: &Client, name: &str) -> Result<(), ApiError> {
    client
        .disable_topic_rule()
        .rule_name(name)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DisableTopicRule", e))
}

/// A registered CA certificate as DescribeCACertificate (or ListCACertificates) shows it.
#[derive(Debug, Clone)]
pub struct CaCertificate {
    pub id: String,
    pub arn: String,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Whether just-in-time registration is on; `None` when the endpoint does not say.
    pub auto_registration: Option<bool>,
    /// The certificate, PEM (DescribeCACertificate only).
    pub pem: Option<String>,
    /// Seconds since the epoch.
    pub created_secs: Option<i64>,
}

/// The account's registration code, for the verification certificate's common name.
pub async fn get_registration_code(client: &Client) -> Result<String, ApiError> {
    client
        .get_registration_code()
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetRegistrationCode", e))?
        .registration_code()
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .ok_or_else(|| ApiError::request("GetRegistrationCode", "no registration code returned"))
}

/// Registers a CA certificate with its verification certificate; returns (id, ARN).
pub async fn register_ca_certificate(
    client: &Client,
    ca_pem: &str,
    verification_pem: &str,
    set_as_active: bool,
    allow_auto_registration: bool,
) -> Result<(String, String), ApiError> {
    client
        .register_ca_certificate()
        .ca_certificate(ca_pem)
        .verification_certificate(verification_pem)
        .set_as_active(set_as_active)
        .allow_auto_registration(allow_auto_registration)
        .send()
        .await
        .map(|out| {
            (
                out.certificate_id().unwrap_or_default().to_string(),
                out.certificate_arn().unwrap_or_default().to_string(),
            )
        })
        .map_err(|e| ApiError::from_sdk("RegisterCACertificate", e))
}

/// The CA certificate with `id`; `None` when it is not registered.
pub async fn describe_ca_certificate(
    client: &Client,
    id: &str,
) -> Result<Option<CaCertificate>, ApiError> {
    use aws_sdk_iot::types::AutoRegistrationStatus;
    let out = ok_if_missing(
        client
            .describe_ca_certificate()
            .certificate_id(id)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeCACertificate", e)),
    )?;
    Ok(out
        .and_then(|out| out.certificate_description().cloned())
        .map(|d| CaCertificate {
            id: d.certificate_id().unwrap_or(id).to_string(),
            arn: d.certificate_arn().unwrap_or_default().to_string(),
            status: d
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            auto_registration: d.auto_registration_status().and_then(|s| match s {
                AutoRegistrationStatus::Enable => Some(true),
                AutoRegistrationStatus::Disable => Some(false),
                _ => None,
            }),
            pem: d.certificate_pem().map(str::to_string),
            created_secs: d.creation_date().map(|t| t.secs()),
        }))
}

/// Every CA certificate of the account in this Region, following pagination.
pub async fn list_ca_certificates(client: &Client) -> Result<Vec<CaCertificate>, ApiError> {
    let mut cas = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_ca_certificates()
            .page_size(250)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListCACertificates", e))?;
        cas.extend(out.certificates().iter().map(|c| {
            CaCertificate {
                id: c.certificate_id().unwrap_or_default().to_string(),
                arn: c.certificate_arn().unwrap_or_default().to_string(),
                status: c
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                auto_registration: None,
                pem: None,
                created_secs: c.creation_date().map(|t| t.secs()),
            }
        }));
        marker = out
            .next_marker()
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if marker.is_none() {
            return Ok(cas);
        }
    }
}

/// Changes a CA certificate's status and/or its auto-registration.
pub async fn update_ca_certificate(
    client: &Client,
    id: &str,
    active: Option<bool>,
    auto_registration: Option<bool>,
) -> Result<(), ApiError> {
    use aws_sdk_iot::types::{AutoRegistrationStatus, CaCertificateStatus};
    client
        .update_ca_certificate()
        .certificate_id(id)
        .set_new_status(active.map(|a| {
            if a {
                CaCertificateStatus::Active
            } else {
                CaCertificateStatus::Inactive
            }
        }))
        .set_new_auto_registration_status(auto_registration.map(|a| {
            if a {
                AutoRegistrationStatus::Enable
            } else {
                AutoRegistrationStatus::Disable
            }
        }))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("UpdateCACertificate", e))
}

/// Every certificate registered as issued by the CA `ca_id`, following pagination.
pub async fn list_certificates_by_ca(
    client: &Client,
    ca_id: &str,
) -> Result<Vec<Certificate>, ApiError> {
    let mut certificates = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_certificates_by_ca()
            .ca_certificate_id(ca_id)
            .page_size(250)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListCertificatesByCA", e))?;
        certificates.extend(out.certificates().iter().map(|c| {
            Certificate {
                id: c.certificate_id().unwrap_or_default().to_string(),
                arn: c.certificate_arn().unwrap_or_default().to_string(),
                status: c
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            }
        }));
        marker = out
            .next_marker()
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if marker.is_none() {
            return Ok(certificates);
        }
    }
}

pub async fn delete_ca_certificate(client: &Client, id: &str) -> Result<(), ApiError> {
    client
        .delete_ca_certificate()
        .certificate_id(id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteCACertificate", e))
}

/// A certificate as `doctor` reads it: status, issuing CA and PEM.
#[derive(Debug, Clone)]
pub struct CertificateDetails {
    pub id: String,
    pub arn: String,
    pub status: String,
    /// The registered CA that issued it, if any.
    pub ca_certificate_id: Option<String>,
    pub pem: Option<String>,
}

/// The certificate with `id`, with its CA and PEM; `None` when it is not registered.
pub async fn describe_certificate_details(
    client: &Client,
    id: &str,
) -> Result<Option<CertificateDetails>, ApiError> {
    let out = ok_if_missing(
        client
            .describe_certificate()
            .certificate_id(id)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeCertificate", e)),
    )?;
    Ok(out
        .and_then(|out| out.certificate_description().cloned())
        .map(|d| CertificateDetails {
            id: d.certificate_id().unwrap_or(id).to_string(),
            arn: d.certificate_arn().unwrap_or_default().to_string(),
            status: d
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            ca_certificate_id: d
                .ca_certificate_id()
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            pem: d.certificate_pem().map(str::to_string),
        }))
}

/// The default version's document of `policy`; `None` when there is no such policy.
pub async fn get_policy_document(
    client: &Client,
    policy: &str,
) -> Result<Option<String>, ApiError> {
    let out = ok_if_missing(
        client
            .get_policy()
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetPolicy", e)),
    )?;
    Ok(out.and_then(|out| out.policy_document().map(str::to_string)))
}

/// The thing's type name, if it has one; `None` also when there is no such thing.
pub async fn thing_type_name(client: &Client, name: &str) -> Result<Option<String>, ApiError> {
    let out = ok_if_missing(
        client
            .describe_thing()
            .thing_name(name)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("DescribeThing", e)),
    )?;
    Ok(out.and_then(|out| {
        out.thing_type_name()
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }))
}

/// UpdateThing with attributes merged (an empty value removes that attribute), only while
/// the thing is still at `expected_version` when one is given.
pub async fn merge_thing_attributes(
    client: &Client,
    name: &str,
    changes: &BTreeMap<String, String>,
    expected_version: Option<i64>,
) -> Result<(), ApiError> {
    let payload = AttributePayload::builder()
        .set_attributes(Some(changes.clone().into_iter().collect()))
        .merge(true)
        .build();
    client
        .update_thing()
        .thing_name(name)
        .attribute_payload(payload)
        .set_expected_version(expected_version)
        .send()
        .await
        .map(drop)
        .map_err(|e| ApiError::from_sdk("UpdateThing", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_ids_come_from_arns() {
        assert_eq!(
            certificate_id("arn:aws:iot:eu-west-1:123456789012:cert/abc123"),
            "abc123"
        );
        assert_eq!(certificate_id("abc123"), "abc123");
    }

    #[test]
    fn natural_order() {
        let mut names = vec!["soilSensor10", "soilSensor2", "soilSensor1", "other"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["other", "soilSensor1", "soilSensor2", "soilSensor10"]
        );
    }
}
