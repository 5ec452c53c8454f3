//! A device's first boot under fleet provisioning by claim: it connects with the shared claim
//! certificate as `claim-<serial>`, subscribes to the answers, asks for a certificate of its
//! own (CreateCertificateFromCsr with a key it made, or CreateKeysAndCertificate), registers
//! with the provisioning template (RegisterThing with its serial number), and disconnects: it
//! then connects as its thing with the new certificate. Speaks only MQTT.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::cli::KeyAlgorithm;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, Identity, QoS, ServerTrust};

/// How long the device waits for each answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// What every device of a claim batch shares.
#[derive(Clone)]
pub struct ClaimPlan {
    pub identity: Arc<Identity>,
    /// The provisioning template's name.
    pub template: String,
    pub host: String,
    pub port: u16,
    pub trust: ServerTrust,
    pub alpn: Option<Vec<u8>>,
    /// The claim policy's client id prefix (`claim-`).
    pub client_id_prefix: String,
    /// CreateKeysAndCertificate (the service makes the key) instead of a CSR.
    pub service_keys: bool,
}

/// A device's new identity.
#[derive(Debug, Clone)]
pub struct Onboarded {
    pub serial: String,
    pub thing: String,
    pub certificate_id: String,
    pub certificate_pem: String,
    pub private_key_pem: String,
    pub device_configuration: BTreeMap<String, String>,
}

/// Why on-boarding failed: one line.
#[derive(Debug, thiserror::Error)]
pub enum OnboardError {
    #[error("{serial}: {step} failed: {reason}")]
    Step {
        serial: String,
        step: &'static str,
        reason: String,
    },
}

fn topics(plan: &ClaimPlan) -> [(String, &'static str); 2] {
    let create = if plan.service_keys {
        "$aws/certificates/create/json".to_owned()
    } else {
        "$aws/certificates/create-from-csr/json".to_owned()
    };
    let provision = format!(
        "$aws/provisioning-templates/{}/provision/json",
        plan.template
    );
    [(create, "certificate"), (provision, "RegisterThing")]
}

/// On-boards the device with serial number `serial`.
pub async fn onboard(plan: &ClaimPlan, serial: &str) -> Result<Onboarded, OnboardError> {
    let fail = |step: &'static str, reason: String| OnboardError::Step {
        serial: serial.to_owned(),
        step,
        reason,
    };
    let endpoint = Endpoint::Mtls {
        host: plan.host.clone(),
        port: plan.port,
        trust: plan.trust.clone(),
        identity: plan.identity.clone(),
        alpn: plan.alpn.clone(),
    };
    let options = ConnectOptions::new(format!("{}{serial}", plan.client_id_prefix));
    let mut conn = Connection::connect(&endpoint, &options)
        .await
        .map_err(|e| fail("connecting with the claim certificate", e.to_string()))?;
    let [(create, _), (provision, _)] = topics(plan);
    let answers: Vec<String> = [&create, &provision]
        .iter()
        .flat_map(|t| [format!("{t}/accepted"), format!("{t}/rejected")])
        .collect();
    let filters: Vec<(&str, QoS)> = answers
        .iter()
        .map(|t| (t.as_str(), QoS::AtLeastOnce))
        .collect();
    let granted = conn
        .subscribe(&filters)
        .await
        .map_err(|e| fail("subscribing to the answers", e.to_string()))?;
    if granted.iter().any(Option::is_none) {
        return Err(fail(
            "subscribing to the answers",
            "the broker refused a subscription (is the claim policy attached?)".to_owned(),
        ));
    }

    let (key_pem, request) = if plan.service_keys {
        (None, json!({}))
    } else {
        let made = crate::pki::key_and_csr(serial, KeyAlgorithm::EcdsaP256)
            .map_err(|e| fail("making a key", format!("{e:#}")))?;
        (
            Some(made.private_key_pem),
            json!({"certificateSigningRequest": made.csr_pem}),
        )
    };
    let issued = ask(&mut conn, &create, request)
        .await
        .map_err(|e| fail("asking for a certificate", e))?;
    let text = |doc: &Value, k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(certificate_id), Some(certificate_pem), Some(token)) = (
        text(&issued, "certificateId"),
        text(&issued, "certificatePem"),
        text(&issued, "certificateOwnershipToken"),
    ) else {
        return Err(fail(
            "asking for a certificate",
            format!("the answer lacks a field: {issued}"),
        ));
    };
    let private_key_pem = match key_pem.or_else(|| text(&issued, "privateKey")) {
        Some(k) => k,
        None => {
            return Err(fail(
                "asking for a certificate",
                "the answer has no private key".to_owned(),
            ));
        }
    };
    let registered = ask(
        &mut conn,
        &provision,
        json!({
            "certificateOwnershipToken": token,
            "parameters": {"SerialNumber": serial},
        }),
    )
    .await
    .map_err(|e| fail("registering", e))?;
    let _ = conn.disconnect().await;
    let device_configuration = registered
        .get("deviceConfiguration")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Onboarded {
        serial: serial.to_owned(),
        thing: text(&registered, "thingName").unwrap_or_else(|| serial.to_owned()),
        certificate_id,
        certificate_pem,
        private_key_pem,
        device_configuration,
    })
}

/// Publishes `request` on `topic` and waits for its `accepted` document (or the `rejected`
/// one, as the error: `errorCode: errorMessage`).
async fn ask(conn: &mut Connection, topic: &str, request: Value) -> Result<Value, String> {
    conn.publish(
        topic,
        Bytes::from(request.to_string()),
        QoS::AtLeastOnce,
        false,
    )
    .await
    .map_err(|e| e.to_string())?;
    let (accepted, rejected) = (format!("{topic}/accepted"), format!("{topic}/rejected"));
    let wait = async {
        loop {
            match conn.next_event().await {
                Ok(Event::Message(m)) if m.topic == accepted => {
                    return serde_json::from_slice::<Value>(&m.payload)
                        .map_err(|e| format!("the answer is not JSON: {e}"));
                }
                Ok(Event::Message(m)) if m.topic == rejected => {
                    let doc: Value = serde_json::from_slice(&m.payload).unwrap_or(Value::Null);
                    return Err(format!(
                        "{} {}: {}",
                        doc.get("statusCode").unwrap_or(&Value::Null),
                        doc.get("errorCode")
                            .and_then(Value::as_str)
                            .unwrap_or("rejected"),
                        doc.get("errorMessage")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(format!("the connection ended: {e}")),
            }
        }
    };
    tokio::time::timeout(ANSWER_TIMEOUT, wait)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {ANSWER_TIMEOUT:?}")))
}
