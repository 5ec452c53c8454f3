//! Fleet provisioning by claim, served by `local up` on the broker's provisioning topics
//! ([`crate::local::broker::ProvisioningService`]) over the registry and the local CA:
//!
//! - CreateKeysAndCertificate makes an RSA 2048 key pair and a certificate for it, as AWS
//!   does; CreateCertificateFromCsr signs the device's own CSR (its key never leaves it).
//!   Either certificate starts PENDING_ACTIVATION, with an ownership token valid one hour.
//! - RegisterThing takes the token back (once; an unknown or expired one is refused), finds the
//!   stack's `AWS::IoT::ProvisioningTemplate` of that name (enabled), runs its pre-provisioning
//!   hook with AWS's event (the function's own Python code, or its native equivalent: the
//!   project's hook allows a serial number on the stack's list in the firmware bucket whose
//!   thing has no certificate yet), evaluates the template body ([`crate::provisioning`]) with
//!   the device's parameters, the hook's overrides and the certificate id, and applies it:
//!   the thing (created, or reconciled by its `OverrideSettings`), its policies, the thing
//!   attached to the certificate, and the certificate's status last, so a device can connect
//!   with it only once everything is in place.
//! - Certificates whose tokens expired while still PENDING_ACTIVATION and unattached are
//!   deleted by [`RegistryProvisioning::sweep`], as AWS deletes them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::local::broker::{Caller, ProvisioningService};
use crate::local::ca::LocalCa;
use crate::local::registry::{
    CertificateStatus, Ownership, Registry, RegistryError, certificate_arn,
};
use crate::local::rules::function::{Builtin, function_name};
use crate::local::rules::runner::{self, Way};
use crate::local::state::StateDir;
use crate::provisioning::device::{self, ApiError, Issued};
use crate::provisioning::topic::{self, Format, ProvisioningTopic, Request};
use crate::provisioning::{self, Plan, Policy, Template};

/// Days a certificate made by fleet provisioning is valid.
const CERT_DAYS: u32 = 3650;
/// The common name of the certificates CreateKeysAndCertificate makes, as AWS IoT's.
const SERVICE_COMMON_NAME: &str = "AWS IoT Certificate";
/// A pre-provisioning hook must answer within 5 seconds.
const HOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// The registry's provisioning service.
pub struct RegistryProvisioning {
    registry: Registry,
    ca: LocalCa,
    state: StateDir,
    /// Where a hook's own Python code reaches the local AWS API (none: native hooks only).
    api_endpoint: Option<String>,
    /// What the stacks deploy, read again only when a stack's record changes.
    cache: Mutex<Option<(u64, Arc<Templates>)>>,
}

/// The deployed provisioning templates by name, each parsed, with its hook resolved.
type Templates = HashMap<String, Arc<Resolved>>;

/// A deployed provisioning template, ready to serve.
struct Resolved {
    arn: String,
    enabled: bool,
    template: Result<Template, ApiError>,
    /// How its pre-provisioning hook runs, or why it cannot.
    hook: Option<Result<Way, ApiError>>,
}

impl RegistryProvisioning {
    pub fn new(
        registry: Registry,
        ca: LocalCa,
        state: StateDir,
        api_endpoint: Option<String>,
    ) -> Self {
        RegistryProvisioning {
            registry,
            ca,
            state,
            api_endpoint,
            cache: Mutex::new(None),
        }
    }

    /// Deletes the certificates whose ownership tokens expired unused; returns how many.
    pub fn sweep(&self) -> Result<usize, RegistryError> {
        let ids = self
            .registry
            .expired_unclaimed_certificates(crate::clock::now_ms())?;
        for id in &ids {
            self.registry.delete_certificate(id)?;
        }
        Ok(ids.len())
    }

    fn issue(&self, csr: Option<&str>) -> Result<Issued, ApiError> {
        let (csr, key) = match csr {
            Some(csr) => (csr.to_owned(), None),
            None => {
                let made =
                    crate::pki::key_and_csr(SERVICE_COMMON_NAME, crate::cli::KeyAlgorithm::Rsa2048)
                        .map_err(|e| ApiError::internal(format!("{e:#}")))?;
                (made.csr_pem, Some(made.private_key_pem))
            }
        };
        let pem = self.ca.sign_csr(&csr, CERT_DAYS).map_err(|e| {
            ApiError::new(
                400,
                "InvalidCertificateSigningRequest",
                format!("The certificate signing request is not valid: {e:#}"),
            )
        })?;
        let cert = self
            .registry
            .add_certificate(&pem, CertificateStatus::PendingActivation, None)
            .map_err(internal)?;
        let token = new_token()?;
        let lifetime = crate::settings::ownership_token_lifetime().as_millis();
        let expires = crate::clock::now_ms() + i64::try_from(lifetime).unwrap_or(i64::MAX);
        self.registry
            .add_ownership_token(&token, &cert.id, expires)
            .map_err(internal)?;
        Ok(Issued {
            certificate_id: cert.id,
            certificate_pem: cert.pem,
            private_key_pem: key,
            ownership_token: token,
        })
    }

    /// The deployed templates, from the cache while no stack changed.
    fn templates(&self) -> Result<Arc<Templates>, ApiError> {
        let fingerprint = self.registry.stacks_fingerprint().map_err(internal)?;
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((f, templates)) = cache.as_ref()
            && *f == fingerprint
        {
            return Ok(templates.clone());
        }
        let templates = Arc::new(self.load_templates()?);
        *cache = Some((fingerprint, templates.clone()));
        Ok(templates)
    }

    fn load_templates(&self) -> Result<Templates, ApiError> {
        let stacks = self.registry.stacks().map_err(internal)?;
        let resources: Vec<_> = stacks.into_iter().flat_map(|s| s.resources).collect();
        let mut functions = None;
        let mut templates = HashMap::new();
        for r in resources
            .iter()
            .filter(|r| r.resource_type == "AWS::IoT::ProvisioningTemplate")
        {
            let props = &r.properties;
            let body = props
                .get("TemplateBody")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let hook = props
                .pointer("/PreProvisioningHook/TargetArn")
                .and_then(Value::as_str)
                .map(|arn| {
                    let functions = functions.get_or_insert_with(|| {
                        crate::local::control::deployed_of(&resources).map(|(_, d)| d.functions)
                    });
                    self.hook_way(arn, functions.as_ref().map_err(|e| e.to_string()))
                });
            templates.insert(
                r.physical_id.clone(),
                Arc::new(Resolved {
                    arn: crate::local::stack::arn(&r.resource_type, &r.physical_id)
                        .unwrap_or_default(),
                    enabled: match props.get("Enabled") {
                        Some(Value::Bool(b)) => *b,
                        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
                        _ => false,
                    },
                    template: Template::parse(body).map_err(|e| ApiError::from(&e)),
                    hook,
                }),
            );
        }
        Ok(templates)
    }

    /// How the function at `arn` runs as a hook.
    fn hook_way(
        &self,
        arn: &str,
        functions: Result<&BTreeMap<String, crate::local::rules::Function>, String>,
    ) -> Result<Way, ApiError> {
        let denied = |why: String| {
            ApiError::access_denied(format!("The pre-provisioning hook failed: {why}"))
        };
        let name = function_name(arn).ok_or_else(|| denied(format!("{arn} is not a function")))?;
        let function = functions
            .map_err(denied)?
            .get(name)
            .ok_or_else(|| denied(format!("function {name} is not deployed")))?;
        match runner::choose(name, function, self.api_endpoint.as_deref()) {
            Ok(Way::Native(b)) if !matches!(b, Builtin::PreProvisioning { .. }) => Err(denied(
                format!("function {name} is not a pre-provisioning hook"),
            )),
            Ok(way) => Ok(way),
            Err(e) => Err(denied(e.to_string())),
        }
    }

    /// Runs the hook with `event`: its answer, or AWS's AccessDenied.
    fn run_hook(&self, way: &Way, event: &Value) -> Result<Value, ApiError> {
        let denied = |why: String| {
            ApiError::access_denied(format!("The pre-provisioning hook failed: {why}"))
        };
        match way {
            Way::Python(worker, _) => {
                let files = crate::local::rules::fs::OpenFiles::default();
                let began = std::time::Instant::now();
                let answer = worker.invoke(event, &self.state, &files).map_err(denied)?;
                if began.elapsed() > HOOK_TIMEOUT {
                    return Err(denied(format!(
                        "it took longer than {} seconds",
                        HOOK_TIMEOUT.as_secs()
                    )));
                }
                Ok(answer)
            }
            Way::Native(Builtin::PreProvisioning { bucket, key }) => {
                Ok(self.native_hook(event, bucket, key))
            }
            Way::Native(_) => Err(denied("the function is not a pre-provisioning hook".into())),
        }
    }

    /// The project's hook, natively: a valid serial number on the list in `bucket`/`key`,
    /// named by the new certificate's common name (or the service's own, for keys it made),
    /// whose thing has no certificate yet.
    fn native_hook(&self, event: &Value, bucket: &str, key: &str) -> Value {
        let serial = event
            .pointer("/parameters/SerialNumber")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let files = crate::local::api::s3::ObjectFiles::new(self.state.buckets());
        let listed = files
            .read_blocking(bucket, key)
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v.get("serials").cloned())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let common_name = event
            .get("certificatePem")
            .and_then(Value::as_str)
            .and_then(common_name);
        let allowed = device::valid_serial(serial)
            && listed.iter().any(|s| s.as_str() == Some(serial))
            && common_name.is_some_and(|cn| cn == serial || cn == SERVICE_COMMON_NAME)
            && self
                .registry
                .thing_principals(serial)
                .map(|p| p.is_empty())
                .unwrap_or(true);
        serde_json::json!({ "allowProvisioning": allowed })
    }

    fn register(&self, caller: &Caller, name: &str, payload: &[u8]) -> Result<Value, ApiError> {
        let request = device::register_request(payload)?;
        let certificate_id = match self
            .registry
            .take_ownership_token(&request.certificate_ownership_token, crate::clock::now_ms())
            .map_err(internal)?
        {
            Ownership::Certificate(id) => id,
            Ownership::Expired => {
                return Err(ApiError::new(
                    400,
                    "InvalidCertificateOwnershipToken",
                    "The certificate ownership token has expired.",
                ));
            }
            Ownership::Unknown => {
                return Err(ApiError::new(
                    400,
                    "InvalidCertificateOwnershipToken",
                    "The certificate ownership token is not valid.",
                ));
            }
        };
        let templates = self.templates()?;
        let Some(deployed) = templates.get(name) else {
            return Err(ApiError::new(
                404,
                "ResourceNotFound",
                format!("Template {name} not found"),
            ));
        };
        if !deployed.enabled {
            return Err(ApiError::new(
                400,
                "InvalidRequest",
                format!("Template {name} is disabled"),
            ));
        }
        let template = deployed.template.as_ref().map_err(Clone::clone)?;
        let cert = self
            .registry
            .certificate(&certificate_id)
            .map_err(internal)?
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidCertificateOwnershipToken",
                    "The certificate the token belongs to no longer exists.",
                )
            })?;
        let overrides = match &deployed.hook {
            Some(way) => {
                let way = way.as_ref().map_err(Clone::clone)?;
                let event = device::hook_event(
                    &caller.certificate_id,
                    (&cert.id, &cert.pem),
                    &deployed.arn,
                    &caller.client_id,
                    &request.parameters,
                );
                device::hook_answer(&self.run_hook(way, &event)?)?
            }
            None => BTreeMap::new(),
        };
        let parameters =
            provisioning::merge_parameters(&request.parameters, &overrides, Some(&cert.id));
        let plan = provisioning::evaluate(template, &parameters).map_err(|e| ApiError::from(&e))?;
        let thing = self.apply(&plan, &cert.id, cert.status)?;
        Ok(device::registered_document(
            thing.as_deref(),
            &plan.device_configuration,
        ))
    }

    /// Applies `plan` to the registry for certificate `id`; the thing's name, if it has one.
    fn apply(
        &self,
        plan: &Plan,
        id: &str,
        status: CertificateStatus,
    ) -> Result<Option<String>, ApiError> {
        let arn = certificate_arn(id);
        let registry = &self.registry;
        let failed =
            |e: RegistryError| ApiError::new(400, "ResourceRegistrationFailure", e.to_string());
        for p in &plan.policies {
            let name = p.name();
            if let Policy::Document(document) = &p.policy
                && registry.policy(&name).map_err(internal)?.is_none()
            {
                registry.create_policy(&name, document).map_err(failed)?;
            }
            registry.attach_policy(&name, &arn).map_err(failed)?;
        }
        let thing = match &plan.thing {
            Some(t) => {
                match registry.thing(&t.name).map_err(internal)? {
                    Some(existing) => {
                        let state = provisioning::ThingState {
                            attributes: existing.attributes.clone(),
                            thing_type: None,
                            groups: Vec::new(),
                        };
                        let next = t.reconcile(&state).map_err(|e| ApiError::from(&e))?;
                        if next.attributes != existing.attributes {
                            registry
                                .update_thing_attributes(&t.name, &next.attributes)
                                .map_err(failed)?;
                        }
                    }
                    None => {
                        registry
                            .create_thing(&t.name, &t.attributes)
                            .map_err(failed)?;
                    }
                }
                registry
                    .attach_thing_principal(&t.name, &arn)
                    .map_err(failed)?;
                Some(t.name.clone())
            }
            None => None,
        };
        if let Some(c) = &plan.certificate {
            let next = c
                .resulting_status(status.as_str())
                .map_err(|e| ApiError::from(&e))?;
            let next = next
                .parse::<CertificateStatus>()
                .unwrap_or(CertificateStatus::Active);
            registry.set_certificate_status(id, next).map_err(failed)?;
        }
        Ok(thing)
    }

    fn answer(&self, caller: &Caller, topic_name: &str, payload: &[u8]) -> Option<(String, Bytes)> {
        let Some(ProvisioningTopic::Request { request, format }) =
            ProvisioningTopic::parse(topic_name)
        else {
            return None;
        };
        let result = if format == Format::Cbor {
            Err(ApiError::invalid_payload(
                "The local backend answers the json payload format only",
            ))
        } else {
            match request {
                Request::CreateKeysAndCertificate => {
                    self.issue(None).map(|i| device::issued_document(&i))
                }
                Request::CreateCertificateFromCsr => device::csr_request(payload)
                    .and_then(|csr| self.issue(Some(&csr)))
                    .map(|i| device::issued_document(&i)),
                Request::RegisterThing { template } => self.register(caller, template, payload),
            }
        };
        let (accepted, doc) = match result {
            Ok(doc) => (true, doc),
            Err(e) => (false, e.to_json()),
        };
        Some((
            topic::answer(topic_name, accepted),
            Bytes::from(doc.to_string()),
        ))
    }
}

impl ProvisioningService for RegistryProvisioning {
    fn request(&self, caller: &Caller, topic: &str, payload: &[u8]) -> Option<(String, Bytes)> {
        self.answer(caller, topic, payload)
    }
}

/// The subject's common name of a PEM certificate.
fn common_name(pem: &str) -> Option<String> {
    let der = crate::local::registry::pem_to_der(pem).ok()?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
    crate::local::registry::subject_fields(&cert).remove("CommonName")
}

/// The answer of a registry failure: an internal error, without details.
fn internal(e: RegistryError) -> ApiError {
    ApiError::internal(format!("The registry failed: {e}"))
}

/// An opaque, unguessable token: 32 random bytes, hex.
fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    let rng = aws_lc_rs::rand::SystemRandom::new();
    aws_lc_rs::rand::SecureRandom::fill(&rng, &mut bytes)
        .map_err(|_| ApiError::internal("no random numbers for the ownership token"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
