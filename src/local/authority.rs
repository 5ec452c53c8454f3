//! The gate's implementation: decides the broker's questions from the registry. The registry
//! is read into an immutable [`Snapshot`] (trusted CAs with their verifiers, certificates
//! with their parsed policies and connection context); `local up` polls
//! [`Authority::refresh_if_changed`], which rebuilds the snapshot when another process has
//! changed the registry. Decisions only read the current snapshot.
//!
//! Also here: the operator identity, a certificate allowed everything, for watching traffic.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_parser::parse_x509_certificate;

use crate::cli::KeyAlgorithm;
use crate::local::ca::LocalCa;
use crate::local::gate::{Action, Gate, Principal, Refusal};
use crate::local::registry::{
    ACCOUNT_ID, CaStatus, CertificateStatus, REGION, Registry, RegistryContents, RegistryError,
    certificate_arn, certificate_id, iso8601, subject_fields,
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
const OPERATOR_POLICY_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
const OPERATOR_VALIDITY_DAYS: u32 = 3650;

/// Answers the broker from a snapshot of the registry.
pub struct Authority {
    registry: Registry,
    local_ca: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
    snapshot: RwLock<Arc<Snapshot>>,
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
            snapshot: RwLock::new(Arc::new(snapshot)),
        })
    }

    /// Rebuilds the snapshot if the registry changed since it was taken. Returns whether it
    /// did. Cheap when nothing changed: one row is read.
    pub fn refresh_if_changed(&self) -> anyhow::Result<bool> {
        let generation = self.registry.generation()?;
        if generation == self.current().generation {
            return Ok(false);
        }
        let contents = self.registry.contents()?;
        let snapshot = build(&contents, &self.local_ca, &self.provider)?;
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
        Ok(true)
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
        vec![trusted_ca(local_ca.clone(), None, provider).context("trusting the local CA")?];
    for ca in &contents.cas {
        // A CA that cannot be read (it was checked when registered) is simply not trusted.
        if let Ok(der) = ca.der()
            && let Ok(trusted) = trusted_ca(der, Some(ca.status), provider)
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
        subject_der,
        not_after,
        verifier,
    })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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
    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal> {
        let leaf = chain
            .first()
            .ok_or_else(|| Refusal::new("the client sent no certificate"))?;
        let (_, cert) = parse_x509_certificate(leaf)
            .map_err(|e| Refusal::new(format!("the client certificate cannot be read: {e}")))?;
        let now = unix_now();
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

/// Makes sure the operator identity exists: a key and a certificate signed by the local CA in
/// `state.operator_dir()` (`certificate.pem.crt`, `private.pem.key` 0600, `root-ca.pem`),
/// registered ACTIVE, with policy `soilctl-operator` (everything allowed) attached. Files are
/// made anew when the registry no longer knows the certificate, it is REVOKED, or another CA
/// signed it. Returns the directory.
pub fn ensure_operator(
    state: &StateDir,
    registry: &Registry,
    ca: &LocalCa,
) -> anyhow::Result<PathBuf> {
    let dir = state.operator_dir();
    create_private_dir(&dir)?;
    let cert_path = dir.join(CERTIFICATE_FILE);
    let key_path = dir.join(PRIVATE_KEY_FILE);

    let kept = std::fs::read_to_string(&cert_path)
        .ok()
        .filter(|_| key_path.exists())
        .and_then(|pem| crate::local::registry::pem_to_der(&pem).ok())
        .filter(|der| signed_by(ca, der))
        .map(|der| certificate_id(&der))
        .and_then(|id| Some((registry.certificate(&id).ok()??, id)))
        .filter(|(record, _)| record.status != CertificateStatus::Revoked);
    let id = match kept {
        Some((record, id)) => {
            if record.status != CertificateStatus::Active {
                registry.set_certificate_status(&id, CertificateStatus::Active)?;
            }
            id
        }
        None => {
            let request = key_and_csr(OPERATOR_COMMON_NAME, KeyAlgorithm::EcdsaP256)?;
            let pem = ca.sign_csr(&request.csr_pem, OPERATOR_VALIDITY_DAYS)?;
            write_file(&key_path, request.private_key_pem.as_bytes(), 0o600)?;
            write_file(&cert_path, pem.as_bytes(), 0o644)?;
            registry
                .add_certificate(&pem, CertificateStatus::Active, None)
                .context("registering the operator certificate")?
                .id
        }
    };
    write_file(
        &dir.join(OPERATOR_ROOT_CA_FILE),
        ca.certificate_pem().as_bytes(),
        0o644,
    )?;
    match registry.create_policy(OPERATOR_POLICY, OPERATOR_POLICY_DOCUMENT) {
        Ok(_) | Err(RegistryError::AlreadyExists { .. }) => {}
        Err(err) => return Err(err).context("creating the operator policy"),
    }
    registry.attach_policy(OPERATOR_POLICY, &certificate_arn(&id))?;
    Ok(dir)
}

/// Whether `der` is a currently valid certificate issued by `ca`.
fn signed_by(ca: &LocalCa, der: &CertificateDer<'_>) -> bool {
    let mut roots = rustls::RootCertStore::empty();
    if roots.add(ca.certificate_der()).is_err() {
        return false;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .is_ok_and(|v| v.verify_client_cert(der, &[], UnixTime::now()).is_ok())
}

/// (name, certificate id) pairs grouped by certificate id.
fn group(pairs: &[(String, String)]) -> HashMap<&str, Vec<&str>> {
    let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, id) in pairs {
        by.entry(id.as_str()).or_default().push(name.as_str());
    }
    by
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::os::unix::fs::PermissionsExt;

    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    use super::*;
    use crate::local::registry::{CertificateRecord, pem_to_der};

    const DEVICE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"ConnectAsOwnThingOnly","Effect":"Allow","Action":"iot:Connect",
         "Resource":"arn:aws:iot:local:000000000000:client/${iot:Connection.Thing.ThingName}",
         "Condition":{"Bool":{"iot:Connection.Thing.IsAttached":"true"}}},
        {"Sid":"PublishOwnTelemetryOnly","Effect":"Allow","Action":"iot:Publish",
         "Resource":"arn:aws:iot:local:000000000000:topic/device/${iot:Connection.Thing.ThingName}/devicePayload"}]}"#;

    struct Fixture {
        _dir: tempfile::TempDir,
        state: StateDir,
        ca: LocalCa,
        /// The CLI's handle; the authority has its own.
        registry: Registry,
        authority: Authority,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path());
        let ca = LocalCa::load_or_create(&state.ca_dir()).unwrap();
        let registry = Registry::open(&state.registry()).unwrap();
        registry
            .create_policy("DevicePolicy", DEVICE_POLICY)
            .unwrap();
        let authority = Authority::new(Registry::open(&state.registry()).unwrap(), &ca).unwrap();
        Fixture {
            _dir: dir,
            state,
            ca,
            registry,
            authority,
        }
    }

    impl Fixture {
        /// A thing with a certificate from the local CA carrying the device policy.
        fn device(&self, name: &str) -> (CertificateRecord, CertificateDer<'static>) {
            self.registry.create_thing(name, &BTreeMap::new()).unwrap();
            let request = key_and_csr(name, KeyAlgorithm::EcdsaP256).unwrap();
            let pem = self.ca.sign_csr(&request.csr_pem, 30).unwrap();
            let cert = self
                .registry
                .add_certificate(&pem, CertificateStatus::Active, None)
                .unwrap();
            self.registry
                .attach_policy("DevicePolicy", &cert.arn)
                .unwrap();
            self.registry
                .attach_thing_principal(name, &cert.arn)
                .unwrap();
            assert!(self.authority.refresh_if_changed().unwrap());
            let der = cert.der().unwrap();
            (cert, der)
        }

        fn allowed(
            &self,
            principal: &Principal,
            client: &str,
            action: Action,
            target: &str,
        ) -> bool {
            self.authority
                .authorize(principal, client, action, target)
                .is_ok()
        }
    }

    /// A CA that is not the local one, and a way to issue certificates from it.
    struct OtherCa {
        pem: String,
        der: CertificateDer<'static>,
        issuer: Issuer<'static, KeyPair>,
    }

    fn other_ca(common_name: &str) -> OtherCa {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = cn(common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        OtherCa {
            pem: cert.pem(),
            der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    impl OtherCa {
        fn issue(&self, common_name: &str, days: (i32, i32)) -> CertificateDer<'static> {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::default();
            params.distinguished_name = cn(common_name);
            params.not_before = rcgen::date_time_ymd(days.0, 1, 1);
            params.not_after = rcgen::date_time_ymd(days.1, 1, 1);
            params.use_authority_key_identifier_extension = true;
            params.signed_by(&key, &self.issuer).unwrap().der().clone()
        }
    }

    fn cn(name: &str) -> rcgen::DistinguishedName {
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn
    }

    #[test]
    fn device_policy_confines_a_device_to_its_own_name_and_topic() {
        let f = fixture();
        let (cert, der) = f.device("soilSensor1");
        f.authority
            .verify_chain(std::slice::from_ref(&der))
            .unwrap();
        let principal = f.authority.authenticate(&[der]).unwrap();
        assert_eq!(
            principal,
            Principal {
                certificate_id: cert.id.clone(),
                common_name: "soilSensor1".into()
            }
        );
        let me = "soilSensor1";
        assert!(f.allowed(&principal, me, Action::Connect, me));
        assert!(f.allowed(
            &principal,
            me,
            Action::Publish,
            "device/soilSensor1/devicePayload"
        ));
        assert!(!f.allowed(&principal, "other", Action::Connect, "other"));
        assert!(!f.allowed(
            &principal,
            me,
            Action::Subscribe,
            "device/soilSensor1/devicePayload"
        ));
        assert!(!f.allowed(
            &principal,
            me,
            Action::Receive,
            "device/soilSensor1/devicePayload"
        ));
        assert!(!f.allowed(
            &principal,
            me,
            Action::RetainPublish,
            "device/soilSensor1/devicePayload"
        ));

        let refusal = f
            .authority
            .authorize(
                &principal,
                me,
                Action::Publish,
                "device/other/devicePayload",
            )
            .unwrap_err();
        assert_eq!(
            refusal.reason,
            format!(
                "iot:Publish to device/other/devicePayload denied: no policy attached to certificate {}… allows it",
                &cert.id[..12]
            )
        );
        let refusal = f
            .authority
            .authorize(&principal, "other", Action::Connect, "other")
            .unwrap_err();
        assert!(
            refusal.reason.starts_with("iot:Connect as other denied"),
            "{refusal}"
        );
        // Another client id on the same certificate, then back: the cached context follows.
        assert!(f.allowed(&principal, me, Action::Connect, me));
    }

    #[test]
    fn a_deactivated_certificate_is_refused_after_refresh() {
        let f = fixture();
        let (cert, der) = f.device("soilSensor1");
        let principal = f
            .authority
            .authenticate(std::slice::from_ref(&der))
            .unwrap();
        assert!(!f.authority.refresh_if_changed().unwrap());
        let before = f.authority.generation();
        f.registry
            .set_certificate_status(&cert.id, CertificateStatus::Inactive)
            .unwrap();
        assert!(f.authority.refresh_if_changed().unwrap());
        assert_ne!(f.authority.generation(), before);
        let refusal = f.authority.authenticate(&[der]).unwrap_err();
        assert_eq!(
            refusal.reason,
            format!("certificate {} is INACTIVE", cert.id)
        );
        let refusal = f
            .authority
            .authorize(
                &principal,
                "soilSensor1",
                Action::Publish,
                "device/soilSensor1/devicePayload",
            )
            .unwrap_err();
        assert!(refusal.reason.ends_with("is INACTIVE"), "{refusal}");
    }

    #[test]
    fn an_unregistered_certificate_is_refused() {
        let f = fixture();
        let request = key_and_csr("stranger", KeyAlgorithm::EcdsaP256).unwrap();
        let der = pem_to_der(&f.ca.sign_csr(&request.csr_pem, 30).unwrap()).unwrap();
        f.authority
            .verify_chain(std::slice::from_ref(&der))
            .unwrap();
        let refusal = f
            .authority
            .authenticate(std::slice::from_ref(&der))
            .unwrap_err();
        assert_eq!(
            refusal.reason,
            format!("certificate {} is not registered", certificate_id(&der))
        );
        assert!(f.authority.authenticate(&[]).is_err());
        assert!(f.authority.verify_chain(&[]).is_err());
    }

    #[test]
    fn a_policy_less_certificate_and_an_explicit_deny_say_so() {
        let f = fixture();
        let (cert, der) = f.device("soilSensor1");
        let principal = f.authority.authenticate(&[der]).unwrap();
        f.registry
            .create_policy(
                "NoTelemetry",
                r#"{"Version":"2012-10-17","Statement":{"Sid":"Quiet","Effect":"Deny","Action":"iot:Publish","Resource":"*"}}"#,
            )
            .unwrap();
        f.registry.attach_policy("NoTelemetry", &cert.arn).unwrap();
        f.authority.refresh_if_changed().unwrap();
        let refusal = f
            .authority
            .authorize(
                &principal,
                "soilSensor1",
                Action::Publish,
                "device/soilSensor1/devicePayload",
            )
            .unwrap_err();
        assert_eq!(
            refusal.reason,
            "iot:Publish to device/soilSensor1/devicePayload denied: explicitly denied by policy NoTelemetry (Quiet)"
        );
        f.registry.detach_policy("NoTelemetry", &cert.arn).unwrap();
        f.registry.detach_policy("DevicePolicy", &cert.arn).unwrap();
        f.authority.refresh_if_changed().unwrap();
        let refusal = f
            .authority
            .authorize(&principal, "soilSensor1", Action::Connect, "soilSensor1")
            .unwrap_err();
        assert!(
            refusal.reason.ends_with("has no policy attached"),
            "{refusal}"
        );
    }

    #[test]
    fn a_chain_from_an_unknown_ca_is_refused_even_with_its_root() {
        let f = fixture();
        // Same name as the local CA, different key: the signature decides.
        let impostor = other_ca("soilctl local CA");
        let leaf = impostor.issue("soilSensor1", (2020, 2090));
        let refusal = f
            .authority
            .verify_chain(&[leaf.clone(), impostor.der.clone()])
            .unwrap_err();
        assert_eq!(
            refusal.reason,
            "certificate issued by an unknown CA (subject CN=soilSensor1, issuer CN=soilctl local CA)"
        );
        let stranger = other_ca("Stranger CA");
        let leaf = stranger.issue("s", (2020, 2090));
        let refusal = f
            .authority
            .verify_chain(&[leaf, stranger.der.clone()])
            .unwrap_err();
        assert!(refusal.reason.contains("unknown CA"), "{refusal}");
    }

    #[test]
    fn a_registered_ca_is_trusted_while_active() {
        let f = fixture();
        let fleet = other_ca("Fleet CA");
        let leaf = fleet.issue("fleet1", (2020, 2090));
        assert!(
            f.authority
                .verify_chain(std::slice::from_ref(&leaf))
                .is_err()
        );
        let ca = f
            .registry
            .add_ca(&fleet.pem, CaStatus::Active, false)
            .unwrap();
        f.authority.refresh_if_changed().unwrap();
        f.authority
            .verify_chain(&[leaf.clone(), fleet.der.clone()])
            .unwrap();
        f.authority
            .verify_chain(std::slice::from_ref(&leaf))
            .unwrap();

        let expired = fleet.issue("old", (2020, 2021));
        let refusal = f.authority.verify_chain(&[expired]).unwrap_err();
        assert_eq!(
            refusal.reason,
            "certificate expired on 2021-01-01T00:00:00Z"
        );

        f.registry
            .set_ca_status(&ca.id, CaStatus::Inactive)
            .unwrap();
        f.authority.refresh_if_changed().unwrap();
        let refusal = f.authority.verify_chain(&[leaf]).unwrap_err();
        assert_eq!(refusal.reason, format!("CA {} is INACTIVE", ca.id));
    }

    #[test]
    fn the_operator_may_do_everything() {
        let f = fixture();
        let dir = ensure_operator(&f.state, &f.registry, &f.ca).unwrap();
        assert_eq!(dir, f.state.operator_dir());
        let mode = std::fs::metadata(dir.join(PRIVATE_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            std::fs::read_to_string(dir.join(OPERATOR_ROOT_CA_FILE)).unwrap(),
            f.ca.certificate_pem()
        );
        let pem = std::fs::read_to_string(dir.join(CERTIFICATE_FILE)).unwrap();
        let der = pem_to_der(&pem).unwrap();

        f.authority.refresh_if_changed().unwrap();
        f.authority
            .verify_chain(std::slice::from_ref(&der))
            .unwrap();
        let principal = f
            .authority
            .authenticate(std::slice::from_ref(&der))
            .unwrap();
        assert_eq!(principal.common_name, OPERATOR_COMMON_NAME);
        for (action, target) in [
            (Action::Connect, "anything"),
            (Action::Subscribe, "#"),
            (Action::Receive, "device/soilSensor1/devicePayload"),
            (Action::Publish, "any/topic"),
            (Action::RetainPublish, "any/topic"),
        ] {
            assert!(
                f.allowed(&principal, "watcher", action, target),
                "{action:?}"
            );
        }

        // Idempotent: the same certificate is kept.
        ensure_operator(&f.state, &f.registry, &f.ca).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(CERTIFICATE_FILE)).unwrap(),
            pem
        );
        assert_eq!(f.registry.certificates().unwrap().len(), 1);

        // The registry lost it: the files are made anew and registered.
        let arn = certificate_arn(&principal.certificate_id);
        f.registry.detach_policy(OPERATOR_POLICY, &arn).unwrap();
        f.registry
            .set_certificate_status(&principal.certificate_id, CertificateStatus::Inactive)
            .unwrap();
        f.registry
            .delete_certificate(&principal.certificate_id)
            .unwrap();
        ensure_operator(&f.state, &f.registry, &f.ca).unwrap();
        let renewed = std::fs::read_to_string(dir.join(CERTIFICATE_FILE)).unwrap();
        assert_ne!(renewed, pem);
        let id = certificate_id(&pem_to_der(&renewed).unwrap());
        let record = f.registry.certificate(&id).unwrap().unwrap();
        assert_eq!(record.status, CertificateStatus::Active);
        assert_eq!(
            f.registry.policy_targets(OPERATOR_POLICY).unwrap(),
            [record.arn]
        );
    }
}
