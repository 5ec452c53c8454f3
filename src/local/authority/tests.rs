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

    fn allowed(&self, principal: &Principal, client: &str, action: Action, target: &str) -> bool {
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

/// A fleet CA registered ACTIVE with auto-registration as asked, the authority refreshed.
fn registered_ca(f: &Fixture, auto_registration: bool) -> (OtherCa, String) {
    let fleet = other_ca("Fleet CA");
    let ca = f
        .registry
        .add_ca(&fleet.pem, CaStatus::Active, auto_registration)
        .unwrap();
    f.authority.refresh_if_changed().unwrap();
    (fleet, ca.id)
}

#[test]
fn an_auto_registration_ca_registers_a_new_certificate_and_refuses_it_once() {
    let f = fixture();
    let (fleet, ca_id) = registered_ca(&f, true);
    let leaf = fleet.issue("jitr1", (2020, 2090));
    let id = certificate_id(&leaf);
    let before_ms = crate::clock::now_ms();

    let refusal = f
        .authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap_err();
    assert_eq!(
        refusal.reason,
        format!(
            "certificate {id} of CA {ca_id} registered as PENDING_ACTIVATION (just-in-time registration)"
        )
    );
    let record = f.registry.certificate(&id).unwrap().unwrap();
    assert_eq!(record.status, CertificateStatus::PendingActivation);
    assert_eq!(record.ca_certificate_id.as_deref(), Some(ca_id.as_str()));

    let registration = refusal.registered.expect("a registration");
    assert_eq!(registration.certificate_id, id);
    assert_eq!(registration.ca_certificate_id, ca_id);
    assert_eq!(
        registration.topic,
        format!("$aws/events/certificates/registered/{ca_id}")
    );
    let event: serde_json::Value = serde_json::from_slice(&registration.payload).unwrap();
    let fields: Vec<&str> = event
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "certificateId",
            "caCertificateId",
            "timestamp",
            "certificateStatus",
            "awsAccountId",
            "certificateRegistrationTimestamp"
        ]
    );
    assert_eq!(event["certificateId"], id.as_str());
    assert_eq!(event["caCertificateId"], ca_id.as_str());
    assert_eq!(event["certificateStatus"], "PENDING_ACTIVATION");
    assert_eq!(event["awsAccountId"], ACCOUNT_ID);
    assert!(event["timestamp"].as_i64().unwrap() >= before_ms);
    assert_eq!(
        event["certificateRegistrationTimestamp"],
        record.created_ms.to_string()
    );

    // The snapshot already knows it: the next attempt passes the handshake without a second
    // registration and is refused at CONNECT until the certificate is activated.
    let generation = f.authority.generation();
    assert!(!f.authority.refresh_if_changed().unwrap());
    f.authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap();
    assert_eq!(f.authority.generation(), generation);
    let refusal = f
        .authority
        .authenticate(std::slice::from_ref(&leaf))
        .unwrap_err();
    assert_eq!(
        refusal.reason,
        format!("certificate {id} is PENDING_ACTIVATION")
    );
    assert_eq!(f.registry.certificates().unwrap().len(), 1);

    // What the registration function does: activate, make the thing, attach the policy.
    f.registry
        .set_certificate_status(&id, CertificateStatus::Active)
        .unwrap();
    f.registry.create_thing("jitr1", &BTreeMap::new()).unwrap();
    f.registry
        .attach_thing_principal("jitr1", &record.arn)
        .unwrap();
    f.registry
        .attach_policy("DevicePolicy", &record.arn)
        .unwrap();
    assert!(f.authority.refresh_if_changed().unwrap());
    f.authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap();
    let principal = f.authority.authenticate(&[leaf]).unwrap();
    assert!(f.allowed(&principal, "jitr1", Action::Connect, "jitr1"));

    // Revoked afterwards: refused again, and not registered anew.
    f.registry
        .set_certificate_status(&id, CertificateStatus::Revoked)
        .unwrap();
    f.authority.refresh_if_changed().unwrap();
    let leaf = record.der().unwrap();
    f.authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap();
    let refusal = f.authority.authenticate(&[leaf]).unwrap_err();
    assert_eq!(refusal.reason, format!("certificate {id} is REVOKED"));
    assert_eq!(f.registry.certificates().unwrap().len(), 1);
}

#[test]
fn the_ca_alone_suffices_for_just_in_time_registration() {
    let f = fixture();
    let (fleet, ca_id) = registered_ca(&f, true);
    let leaf = fleet.issue("jitr2", (2020, 2090));
    let refusal = f
        .authority
        .verify_chain(std::slice::from_ref(&leaf))
        .unwrap_err();
    assert_eq!(refusal.registered.unwrap().ca_certificate_id, ca_id);
}

#[test]
fn nothing_is_registered_without_auto_registration_or_with_an_inactive_ca() {
    let f = fixture();
    let (fleet, ca_id) = registered_ca(&f, false);
    let leaf = fleet.issue("manual1", (2020, 2090));
    // The CA is trusted: the handshake passes, CONNECT is refused, nothing is registered.
    f.authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap();
    let refusal = f
        .authority
        .authenticate(std::slice::from_ref(&leaf))
        .unwrap_err();
    assert!(refusal.reason.ends_with("is not registered"), "{refusal}");
    assert!(f.registry.certificates().unwrap().is_empty());

    f.registry.set_ca_auto_registration(&ca_id, true).unwrap();
    f.registry
        .set_ca_status(&ca_id, CaStatus::Inactive)
        .unwrap();
    f.authority.refresh_if_changed().unwrap();
    let refusal = f
        .authority
        .verify_chain(&[leaf.clone(), fleet.der.clone()])
        .unwrap_err();
    assert_eq!(refusal.reason, format!("CA {ca_id} is INACTIVE"));
    assert_eq!(refusal.registered, None);
    assert!(f.registry.certificates().unwrap().is_empty());

    // An expired certificate of an auto-registration CA is not registered either.
    f.registry.set_ca_status(&ca_id, CaStatus::Active).unwrap();
    f.authority.refresh_if_changed().unwrap();
    let expired = fleet.issue("old", (2020, 2021));
    let refusal = f.authority.verify_chain(&[expired]).unwrap_err();
    assert_eq!(refusal.registered, None);
    assert!(f.registry.certificates().unwrap().is_empty());
}

#[test]
fn a_chain_from_an_unregistered_ca_is_never_registered() {
    let f = fixture();
    registered_ca(&f, true);
    let stranger = other_ca("Fleet CA");
    let leaf = stranger.issue("jitr1", (2020, 2090));
    let refusal = f
        .authority
        .verify_chain(&[leaf, stranger.der.clone()])
        .unwrap_err();
    assert!(refusal.reason.contains("unknown CA"), "{refusal}");
    assert_eq!(refusal.registered, None);
    assert!(f.registry.certificates().unwrap().is_empty());
}
