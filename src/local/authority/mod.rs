//! The gate's implementation: decides the broker's questions from the registry. The registry
//! is read into an immutable [`Snapshot`] (trusted CAs with their verifiers, certificates
//! with their parsed policies and connection context); `local up` polls
//! [`Authority::refresh_if_changed`], which rebuilds the snapshot when another process has
//! changed the registry. Decisions only read the current snapshot.
//!
//! Just-in-time registration, as AWS IoT Core does it: a certificate that is not registered,
//! issued by a registered CA that is ACTIVE and allows auto-registration, is registered as
//! `PENDING_ACTIVATION` (with that CA) during the handshake, which is then refused; the
//! refusal carries the `$aws/events/certificates/registered/<caCertificateId>` event for the
//! broker to publish. The snapshot is rebuilt at once, so the next attempt finds the
//! certificate (and is refused at CONNECT until something activates it). Chains the CA
//! issued are not registered while the CA is INACTIVE or auto-registration is off.
//!
//! Also here: the operator identity, a certificate allowed everything, for watching traffic.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use anyhow::Context as _;
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_parser::parse_x509_certificate;

use crate::cli::KeyAlgorithm;
use crate::local::ca::LocalCa;
use crate::local::gate::{Action, Gate, Principal, Refusal, Registration};
use crate::local::registry::{
    ACCOUNT_ID, CaStatus, CertificateRecord, CertificateStatus, REGION, Registry, RegistryContents,
    RegistryError, certificate_arn, certificate_id, der_to_pem, iso8601, subject_fields,
};
use crate::local::state::StateDir;
use crate::pki::{CERTIFICATE_FILE, PRIVATE_KEY_FILE, create_private_dir, key_and_csr, write_file};
use crate::policy::{Context, Decision, Policy, Request, Thing, evaluate};

/// The operator's policy: everything on everything.
pub const OPERATOR_POLICY: &str = "soilctl-operator";
/// The operator certificate's common name.
pub const OPERATOR_COMMON_NAME: &str = "soilctl-operator";
/// The CA file written beside the operator's certificate and key.
pub const OPERATOR_ROOT_CA_FILE: &str = "root-ca.pem";
/// Where AWS IoT Core announces a just-in-time registration, followed by the CA's id.
pub const REGISTERED_EVENT_TOPIC_PREFIX: &str = "$aws/events/certificates/registered/";
const OPERATOR_POLICY_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
const OPERATOR_VALIDITY_DAYS: u32 = 3650;

/// Answers the broker from a snapshot of the registry.
pub struct Authority {
    registry: Registry,
    local_ca: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// The snapshot's generation, readable without the lock: the decisions version.
    version: AtomicU64,
    /// Held while a snapshot is rebuilt: the watcher and just-in-time registrations both
    /// refresh, and an older snapshot must never replace a newer one.
    refreshing: Mutex<()>,
}

/// The registry as the gate needs it, read at one generation; never changed once built.
struct Snapshot {
    generation: u64,
    /// The local CA first, then every registered CA whatever its status.
    cas: Vec<TrustedCa>,
    certificates: HashMap<String, CertificateEntry>,
}

struct TrustedCa {
    id: String,
    /// `None` for the local CA, which is always trusted.
    status: Option<CaStatus>,
    /// Whether certificates it issued are registered on their first connection.
    auto_registration: bool,
    subject_der: Vec<u8>,
    not_after: i64,
    verifier: Arc<dyn ClientCertVerifier>,
}

struct CertificateEntry {
    status: CertificateStatus,
    policies: Vec<Policy>,
    /// The connection context without a client id or things.
    base: Context,
    /// The things attached to the certificate, by name: a connection's context holds the one
    /// its client id names (what `iot:Connection.Thing.*` resolve against), so a certificate
    /// shared by many things stays cheap.
    things: HashMap<String, Thing>,
    /// The context for the client id last asked about: a device keeps one client id.
    last: Mutex<Option<Arc<Context>>>,
}

impl CertificateEntry {
    fn context(&self, client_id: &str) -> Arc<Context> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ctx) = last.as_ref().filter(|c| c.client_id == client_id) {
            return Arc::clone(ctx);
        }
        let ctx = Arc::new(Context {
            client_id: client_id.to_owned(),
            attached_things: self.things.get(client_id).cloned().into_iter().collect(),
            ..self.base.clone()
        });
        *last = Some(Arc::clone(&ctx));
        ctx
    }
}

impl Authority {
    /// An authority over `registry`, trusting `ca` and the registry's active CAs.
    pub fn new(registry: Registry, ca: &LocalCa) -> anyhow::Result<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let local_ca = ca.certificate_der();
        let contents = registry.contents()?;
        let snapshot = build(&contents, &local_ca, &provider)?;
        Ok(Authority {
            registry,
            local_ca,
            provider,
            version: AtomicU64::new(snapshot.generation),
            snapshot: RwLock::new(Arc::new(snapshot)),
            refreshing: Mutex::new(()),
        })
    }

    /// Rebuilds the snapshot if the registry changed since it was taken. Returns whether it
    /// did. Cheap when nothing changed: one row is read.
    pub fn refresh_if_changed(&self) -> anyhow::Result<bool> {
        let _one_at_a_time = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
        let generation = self.registry.generation()?;
        if generation == self.current().generation {
            return Ok(false);
        }
        let contents = self.registry.contents()?;
        let snapshot = build(&contents, &self.local_ca, &self.provider)?;
        let version = snapshot.generation;
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
        self.version.store(version, Ordering::Release);
        Ok(true)
    }

    /// Registers `leaf`, issued by the auto-registration CA `ca_id`, as `PENDING_ACTIVATION`
    /// and refuses the handshake with the registration event. A certificate registered in the
    /// meantime (another connection of the same device) is left to the usual checks.
    fn register_just_in_time(&self, leaf: &CertificateDer<'_>, ca_id: &str) -> Result<(), Refusal> {
        let id = certificate_id(leaf);
        let added = self.registry.add_certificate(
            &der_to_pem(leaf),
            CertificateStatus::PendingActivation,
            Some(ca_id),
        );
        // Either way the registry now knows the certificate: the next decision must too.
        let _ = self.refresh_if_changed();
        match added {
            Ok(record) => Err(Refusal {
                reason: format!(
                    "certificate {id} of CA {ca_id} registered as PENDING_ACTIVATION (just-in-time registration)"
                ),
                registered: Some(Box::new(registration_event(
                    &record,
                    ca_id,
                    crate::clock::now_ms(),
                ))),
            }),
            Err(RegistryError::AlreadyExists { .. }) => Ok(()),
            Err(err) => Err(Refusal::new(format!(
                "just-in-time registration of certificate {id} (CA {ca_id}) failed: {err}"
            ))),
        }
    }

    /// The registry generation the current decisions are based on.
    pub fn generation(&self) -> u64 {
        self.current().generation
    }

    /// The registry this authority reads.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|p| p.into_inner()))
    }
}

fn build(
    contents: &RegistryContents,
    local_ca: &CertificateDer<'static>,
    provider: &Arc<CryptoProvider>,
) -> anyhow::Result<Snapshot> {
    let mut cas =
        vec![trusted_ca(local_ca.clone(), None, false, provider).context("trusting the local CA")?];
    for ca in &contents.cas {
        // A CA that cannot be read (it was checked when registered) is simply not trusted.
        if let Ok(der) = ca.der()
            && let Ok(trusted) = trusted_ca(der, Some(ca.status), ca.auto_registration, provider)
        {
            cas.push(trusted);
        }
    }

    let policies: HashMap<&str, Policy> = contents
        .policies
        .iter()
        .filter_map(|p| Some((p.name.as_str(), Policy::parse(&p.name, &p.document).ok()?)))
        .collect();
    let things: HashMap<&str, Thing> = contents
        .things
        .iter()
        .map(|t| {
            let thing = Thing {
                name: t.name.clone(),
                thing_type: None,
                attributes: t.attributes.clone(),
            };
            (t.name.as_str(), thing)
        })
        .collect();

    // (name, certificate id) pairs grouped by certificate, so that building stays linear.
    let things_by_cert = group(&contents.thing_principals);
    let policies_by_cert = group(&contents.policy_attachments);
    let mut certificates = HashMap::new();
    for cert in &contents.certificates {
        let subject = cert
            .der()
            .ok()
            .and_then(|der| Some(subject_fields(&parse_x509_certificate(&der).ok()?.1)))
            .unwrap_or_default();
        let no_names = Vec::new();
        let cert_things = things_by_cert.get(cert.id.as_str()).unwrap_or(&no_names);
        let cert_policies = policies_by_cert.get(cert.id.as_str()).unwrap_or(&no_names);
        let entry = CertificateEntry {
            status: cert.status,
            policies: cert_policies
                .iter()
                .filter_map(|name| policies.get(*name).cloned())
                .collect(),
            base: Context {
                region: REGION.to_owned(),
                account_id: ACCOUNT_ID.to_owned(),
                client_id: String::new(),
                certificate_id: Some(cert.id.clone()),
                certificate_subject: subject,
                attached_things: Vec::new(),
            },
            things: cert_things
                .iter()
                .filter_map(|name| things.get(*name).map(|t| (name.to_string(), t.clone())))
                .collect(),
            last: Mutex::new(None),
        };
        certificates.insert(cert.id.clone(), entry);
    }
    Ok(Snapshot {
        generation: contents.generation,
        cas,
        certificates,
    })
}

fn trusted_ca(
    der: CertificateDer<'static>,
    status: Option<CaStatus>,
    auto_registration: bool,
    provider: &Arc<CryptoProvider>,
) -> anyhow::Result<TrustedCa> {
    let (_, parsed) =
        parse_x509_certificate(&der).map_err(|e| anyhow::anyhow!("reading a CA: {e}"))?;
    let subject_der = parsed.subject().as_raw().to_vec();
    let not_after = parsed.validity().not_after.timestamp();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der.clone())?;
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
            .build()?;
    Ok(TrustedCa {
        id: certificate_id(&der),
        status,
        auto_registration,
        subject_der,
        not_after,
        verifier,
    })
}

/// What AWS IoT Core publishes when it registers a certificate just in time: on
/// `$aws/events/certificates/registered/<caCertificateId>`, the certificate and CA ids, the
/// event's time (milliseconds, a number), the status, the account and the registration time
/// (milliseconds, as a string).
fn registration_event(record: &CertificateRecord, ca_id: &str, now_ms: i64) -> Registration {
    let payload = serde_json::json!({
        "certificateId": record.id,
        "caCertificateId": ca_id,
        "timestamp": now_ms,
        "certificateStatus": record.status.as_str(),
        "awsAccountId": ACCOUNT_ID,
        "certificateRegistrationTimestamp": record.created_ms.to_string(),
    });
    Registration {
        certificate_id: record.id.clone(),
        ca_certificate_id: ca_id.to_owned(),
        topic: format!("{REGISTERED_EVENT_TOPIC_PREFIX}{ca_id}"),
        payload: payload.to_string().into(),
    }
}

/// A certificate id as messages show it: its first 12 digits.
fn short(id: &str) -> String {
    match id.get(..12) {
        Some(head) if id.len() > 12 => format!("{head}…"),
        _ => id.to_owned(),
    }
}

/// What the action did to its target, for messages.
fn describe(action: Action, target: &str) -> String {
    match action {
        Action::Connect => format!("{} as {target}", action.as_str()),
        _ => format!("{} to {target}", action.as_str()),
    }
}

impl Snapshot {
    fn active_entry(&self, id: &str) -> Result<&CertificateEntry, Refusal> {
        let entry = self
            .certificates
            .get(id)
            .ok_or_else(|| Refusal::new(format!("certificate {id} is not registered")))?;
        if entry.status != CertificateStatus::Active {
            return Err(Refusal::new(format!(
                "certificate {id} is {}",
                entry.status
            )));
        }
        Ok(entry)
    }
}

impl Gate for Authority {
    fn decisions_version(&self) -> Option<u64> {
        Some(self.version.load(Ordering::Acquire))
    }

    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal> {
        let leaf = chain
            .first()
            .ok_or_else(|| Refusal::new("the client sent no certificate"))?;
        let (_, cert) = parse_x509_certificate(leaf)
            .map_err(|e| Refusal::new(format!("the client certificate cannot be read: {e}")))?;
        let now = crate::clock::now_secs();
        let validity = cert.validity();
        if now > validity.not_after.timestamp() {
            return Err(Refusal::new(format!(
                "certificate expired on {}",
                iso8601(validity.not_after.timestamp())
            )));
        }
        if now < validity.not_before.timestamp() {
            return Err(Refusal::new(format!(
                "certificate is not valid before {}",
                iso8601(validity.not_before.timestamp())
            )));
        }
        let unknown = || {
            format!(
                "certificate issued by an unknown CA (subject {}, issuer {})",
                cert.subject(),
                cert.issuer()
            )
        };
        let snapshot = self.current();
        let issuer = cert.issuer().as_raw();
        let mut refusal = None;
        // Only the registry's CAs are trust anchors; whatever else the client sent is ignored.
        for ca in snapshot.cas.iter().filter(|ca| ca.subject_der == issuer) {
            if let Err(err) = ca.verifier.verify_client_cert(leaf, &[], UnixTime::now()) {
                refusal.get_or_insert_with(|| match err {
                    rustls::Error::InvalidCertificate(
                        rustls::CertificateError::BadSignature
                        | rustls::CertificateError::UnknownIssuer,
                    ) => unknown(),
                    other => format!("certificate refused: {other}"),
                });
                continue;
            }
            match ca.status {
                Some(CaStatus::Inactive) => {
                    refusal = Some(format!("CA {} is INACTIVE", ca.id));
                }
                _ if now > ca.not_after => {
                    refusal = Some(format!("CA {} expired on {}", ca.id, iso8601(ca.not_after)));
                }
                Some(CaStatus::Active)
                    if ca.auto_registration
                        && !snapshot.certificates.contains_key(&certificate_id(leaf)) =>
                {
                    return self.register_just_in_time(leaf, &ca.id);
                }
                _ => return Ok(()),
            }
        }
        Err(Refusal::new(refusal.unwrap_or_else(unknown)))
    }

    fn authenticate(&self, chain: &[CertificateDer<'_>]) -> Result<Principal, Refusal> {
        let leaf = chain
            .first()
            .ok_or_else(|| Refusal::new("the client sent no certificate"))?;
        let id = certificate_id(leaf);
        let snapshot = self.current();
        let entry = snapshot.active_entry(&id)?;
        Ok(Principal {
            common_name: entry
                .base
                .certificate_subject
                .get("CommonName")
                .cloned()
                .unwrap_or_default(),
            certificate_id: id,
        })
    }

    fn authorize(
        &self,
        principal: &Principal,
        client_id: &str,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal> {
        let snapshot = self.current();
        let id = &principal.certificate_id;
        let entry = snapshot.active_entry(id).map_err(|refusal| {
            Refusal::new(format!(
                "{} denied: {}",
                describe(action, target),
                refusal.reason
            ))
        })?;
        let ctx = entry.context(client_id);
        match evaluate(&entry.policies, &ctx, &Request { action, target }) {
            Decision::Allowed { .. } => Ok(()),
            Decision::ExplicitDeny { policy, statement } => Err(Refusal::new(format!(
                "{} denied: explicitly denied by policy {policy} ({statement})",
                describe(action, target)
            ))),
            Decision::ImplicitDeny if entry.policies.is_empty() => Err(Refusal::new(format!(
                "{} denied: certificate {} has no policy attached",
                describe(action, target),
                short(id)
            ))),
            Decision::ImplicitDeny => Err(Refusal::new(format!(
                "{} denied: no policy attached to certificate {} allows it",
                describe(action, target),
                short(id)
            ))),
        }
    }
}

/// (name, certificate id) pairs grouped by certificate id.
fn group(pairs: &[(String, String)]) -> HashMap<&str, Vec<&str>> {
    let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, id) in pairs {
        by.entry(id.as_str()).or_default().push(name.as_str());
    }
    by
}

mod operator;

pub use operator::ensure_operator;

#[cfg(test)]
mod tests;
