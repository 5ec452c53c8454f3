//! Just-in-time registration against a running `local up`, with Debian's mosquitto clients as
//! the device and the watcher: a CA registered with auto-registration on, a device presenting
//! its certificate followed by the CA's, refused on its first connection while the registration
//! event goes out on `$aws/events/certificates/registered/<caCertificateId>`, let in once its
//! certificate is activated.

use std::path::Path;
use std::time::Duration;

use soilctl::local::registry::{CaStatus, CertificateStatus, Registry, certificate_id, pem_to_der};

use crate::local::{LocalUp, state_dir, wait_until};
use crate::support::Env;

const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;

/// A CA of our own (PEM) and a device identity it issued, written to `dir` as a JITR device
/// keeps it: `certificate.pem.crt` holds the device's certificate followed by the CA's.
fn fleet_ca_and_device(dir: &Path, cn: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "fleet CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("certificate.pem.crt"), cert.pem() + &ca_cert.pem()).unwrap();
    std::fs::write(dir.join("private.pem.key"), key.serialize_pem()).unwrap();
    ca_cert.pem()
}

/// Waits until the running backend serves the registry as it is now.
fn wait_until_served(env: &Env, registry: &Registry) {
    let wanted = registry.generation().unwrap();
    let broker_file = state_dir(env).join("broker.json");
    wait_until("the backend to reload the registry", || {
        let text = std::fs::read_to_string(&broker_file).ok()?;
        let info: serde_json::Value = serde_json::from_str(&text).ok()?;
        (info["generation"].as_u64()? >= wanted).then_some(())
    })
    .expect("the backend did not reload the registry");
}

#[test]
fn a_device_of_an_auto_registration_ca_is_registered_then_let_in_once_activated() {
    let env = Env::new(None);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let registry = Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    let device = env.path("jitr-1");
    let ca_pem = fleet_ca_and_device(&device, "jitr-1");
    let ca = registry.add_ca(&ca_pem, CaStatus::Active, true).unwrap();
    wait_until_served(&env, &registry);
    let chain = std::fs::read_to_string(device.join("certificate.pem.crt")).unwrap();
    let id = certificate_id(&pem_to_der(&chain).unwrap());

    let operator = state_dir(&env).join("operator");
    let watcher = mqtt.subscribe(
        &operator,
        "jitr-watch",
        "$aws/events/certificates/registered/#",
        1,
    );
    up.wait_for_log("jitr-watch connected");

    // First connection: registered as PENDING_ACTIVATION, refused.
    let topic = "device/jitr-1/devicePayload";
    let msg = ["-q", "1", "-m", r#"{"humidity":10}"#];
    let out = mqtt.publish(&device, "jitr-1", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    let line = up.wait_for_log("(just-in-time registration)");
    assert!(
        line.contains(&format!(
            "certificate {id} of CA {} registered as PENDING_ACTIVATION (just-in-time registration); connection from 127.0.0.1:",
            ca.id
        )),
        "{line}"
    );
    let record = registry.certificate(&id).unwrap().unwrap();
    assert_eq!(record.status, CertificateStatus::PendingActivation);
    assert_eq!(record.ca_certificate_id.as_deref(), Some(ca.id.as_str()));

    // The watcher saw the event, with AWS's fields.
    let out = watcher.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (got_topic, payload) = stdout
        .trim()
        .split_once(' ')
        .unwrap_or_else(|| panic!("no event: {stdout:?}"));
    assert_eq!(
        got_topic,
        format!("$aws/events/certificates/registered/{}", ca.id)
    );
    let event: serde_json::Value = serde_json::from_str(payload).unwrap();
    assert_eq!(event["certificateId"], id.as_str());
    assert_eq!(event["caCertificateId"], ca.id.as_str());
    assert_eq!(event["certificateStatus"], "PENDING_ACTIVATION");
    assert_eq!(event["awsAccountId"], "000000000000");
    assert!(event["timestamp"].is_i64(), "{event}");
    assert_eq!(
        event["certificateRegistrationTimestamp"],
        record.created_ms.to_string()
    );

    // Second connection before activation: refused at CONNECT, nothing registered again.
    wait_until_served(&env, &registry);
    let out = mqtt.publish(&device, "jitr-1", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("not authori"), "{out:?}");
    up.wait_for_log("is PENDING_ACTIVATION");

    // What the registration function does: activate, create the thing, attach the policy.
    registry
        .set_certificate_status(&id, CertificateStatus::Active)
        .unwrap();
    registry
        .create_thing("jitr-1", &Default::default())
        .unwrap();
    registry
        .attach_thing_principal("jitr-1", &record.arn)
        .unwrap();
    registry
        .create_policy("JitrEverything", EVERYTHING)
        .unwrap();
    registry
        .attach_policy("JitrEverything", &record.arn)
        .unwrap();
    wait_until_served(&env, &registry);
    mqtt.publish(&device, "jitr-1", topic, &msg).expect(0);
    up.wait_for_log("jitr-1 connected");

    // Revoked afterwards: refused.
    registry
        .set_certificate_status(&id, CertificateStatus::Revoked)
        .unwrap();
    wait_until_served(&env, &registry);
    let out = mqtt.publish(&device, "jitr-1", topic, &msg);
    assert_ne!(out.code, 0, "{out:?}");
    up.wait_for_log("is REVOKED");

    std::thread::sleep(Duration::from_millis(100));
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(
        log.matches("(just-in-time registration)").count(),
        1,
        "{log}"
    );
}
