//! A simulated device obeys jobs as a real one does with the Jobs MQTT API: it listens on
//! `notify-next`, asks `start-next` on every connection (so a device that was offline or asleep
//! picks up what was queued meanwhile), downloads the document's file from its presigned URL,
//! checks it and reports the outcome with UpdateJobExecution.
//!
//! - `install-firmware` (`firmware publish`): size, SHA-256, then the signature against the
//!   stack's code-signing certificate; an image that passes is "installed" (the shadow's
//!   reported `firmwareVersion`) and the execution SUCCEEDED; a broken download FAILED, a bad
//!   signature REJECTED, with the reason in `statusDetails`.
//! - `receive-file` (`file send`): size and SHA-256 of the ciphertext, then opened with the
//!   device's own key; SUCCEEDED with the plaintext's size and SHA-256, or FAILED.
//!
//! A tamper rate corrupts that share of downloads (one byte flipped) so that failures and
//! abort criteria can be seen.

use std::collections::BTreeMap;
use std::time::SystemTime;

use bytes::Bytes;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::firmware::{self, Manifest};
use crate::mqtt::ServerTrust;

/// What the device needs to obey jobs.
#[derive(Clone)]
pub struct JobsPlan {
    /// The stack's code-signing certificate (PEM), which images must verify against; `None`:
    /// the device refuses every firmware image.
    pub signing_cert: Option<String>,
    /// Share of downloads corrupted on purpose, 0 to 1.
    pub tamper_rate: f64,
}

pub fn notify_next_topic(thing: &str) -> String {
    format!("$aws/things/{thing}/jobs/notify-next")
}

pub fn start_next_topic(thing: &str) -> String {
    format!("$aws/things/{thing}/jobs/start-next")
}

fn start_next_accepted(thing: &str) -> String {
    format!("$aws/things/{thing}/jobs/start-next/accepted")
}

/// The filters a device subscribes to.
pub fn subscriptions(thing: &str) -> [String; 2] {
    [notify_next_topic(thing), start_next_accepted(thing)]
}

/// The start-next request.
pub fn start_next_request(thing: &str) -> Bytes {
    Bytes::from(json!({"clientToken": format!("{thing}-start-next")}).to_string())
}

/// What a message on the device's jobs topics asks of it.
#[derive(Debug, Clone, PartialEq)]
pub enum JobMessage {
    /// notify-next named a pending execution: ask for it with start-next.
    AskNext,
    /// start-next gave an execution to carry out.
    Run { job_id: String, document: Value },
    /// Nothing (no execution pending, or not a jobs topic).
    Nothing,
}

pub fn classify(thing: &str, topic: &str, payload: &[u8]) -> JobMessage {
    let is_next = topic == notify_next_topic(thing);
    if !is_next && topic != start_next_accepted(thing) {
        return JobMessage::Nothing;
    }
    let Ok(doc) = serde_json::from_slice::<Value>(payload) else {
        return JobMessage::Nothing;
    };
    let Some(execution) = doc.get("execution") else {
        return JobMessage::Nothing;
    };
    if is_next {
        return JobMessage::AskNext;
    }
    match (
        execution.get("jobId").and_then(Value::as_str),
        execution.get("jobDocument"),
    ) {
        (Some(id), Some(document)) => JobMessage::Run {
            job_id: id.to_owned(),
            document: document.clone(),
        },
        _ => JobMessage::Nothing,
    }
}

/// What the device reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: &'static str,
    pub details: BTreeMap<String, String>,
    /// The firmware version now installed, when this installed one.
    pub installed: Option<String>,
}

impl Outcome {
    fn failed(status: &'static str, reason: impl Into<String>) -> Outcome {
        Outcome {
            status,
            details: BTreeMap::from([("reason".to_owned(), reason.into())]),
            installed: None,
        }
    }
}

/// The UpdateJobExecution request for `outcome`.
pub fn update_request(thing: &str, job_id: &str, outcome: &Outcome) -> (String, Bytes) {
    let topic = format!("$aws/things/{thing}/jobs/{job_id}/update");
    let payload = json!({
        "status": outcome.status,
        "statusDetails": outcome.details,
        "clientToken": format!("{thing}-{job_id}"),
    });
    (topic, Bytes::from(payload.to_string()))
}

/// The shadow report of an installed version.
pub fn installed_report(version: &str) -> Bytes {
    Bytes::from(json!({"state": {"reported": {"firmwareVersion": version}}}).to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Flips one byte when `tamper` says so.
fn tampered(mut bytes: Vec<u8>, tamper: bool) -> Vec<u8> {
    if tamper && !bytes.is_empty() {
        let at = bytes.len() / 2;
        bytes[at] ^= 0x5a;
    }
    bytes
}

/// Checks a downloaded firmware image as the document describes it.
pub fn check_firmware(document: &Value, image: &[u8], signing_cert: Option<&str>) -> Outcome {
    let manifest: Manifest = match serde_json::from_value(document.clone()) {
        Ok(m) => m,
        Err(e) => return Outcome::failed("REJECTED", format!("bad job document: {e}")),
    };
    let Some(cert) = signing_cert else {
        return Outcome::failed(
            "REJECTED",
            "no code-signing certificate on the device: run `soilctl signing-key create`, then `thing create` again",
        );
    };
    match manifest.check(image, cert) {
        Ok(()) => Outcome {
            status: "SUCCEEDED",
            details: BTreeMap::from([("firmwareVersion".to_owned(), manifest.version.clone())]),
            installed: Some(manifest.version),
        },
        Err(e @ firmware::CheckError::Signature(_))
        | Err(e @ firmware::CheckError::UnsupportedAlgorithm(_)) => {
            Outcome::failed("REJECTED", e.to_string())
        }
        Err(e) => Outcome::failed("FAILED", e.to_string()),
    }
}

/// Checks and opens a downloaded sealed file.
pub fn check_file(document: &Value, sealed: &[u8], key_pem: &str) -> Outcome {
    let size = document.get("size").and_then(Value::as_u64);
    let sha = document.get("sha256").and_then(Value::as_str);
    if size != Some(sealed.len() as u64) {
        return Outcome::failed(
            "FAILED",
            format!(
                "size mismatch: the document says {} bytes, the download has {}",
                size.unwrap_or_default(),
                sealed.len()
            ),
        );
    }
    let actual = hex(&Sha256::digest(sealed));
    if sha.is_none_or(|s| !s.eq_ignore_ascii_case(&actual)) {
        return Outcome::failed(
            "FAILED",
            format!("SHA-256 mismatch: the download hashes to {actual}"),
        );
    }
    match firmware::open(key_pem, None, sealed) {
        Ok(plain) => Outcome {
            status: "SUCCEEDED",
            details: BTreeMap::from([
                ("bytes".to_owned(), plain.len().to_string()),
                ("sha256".to_owned(), hex(&Sha256::digest(&plain))),
            ]),
            installed: None,
        },
        Err(e) => Outcome::failed("FAILED", e.to_string()),
    }
}

/// One download a device made: how many bytes, and when it started and ended.
#[derive(Debug, Clone, Copy)]
pub struct Download {
    pub bytes: u64,
    pub started: SystemTime,
    pub ended: SystemTime,
}

/// Carries out one execution: download, check, and the outcome to report, with the download
/// when there was one.
pub async fn perform(
    document: &Value,
    trust: &ServerTrust,
    plan: &JobsPlan,
    key_pem: &str,
    tamper: bool,
) -> (Outcome, Option<Download>) {
    let operation = document.get("operation").and_then(Value::as_str);
    let Some(url) = document.get("url").and_then(Value::as_str) else {
        return (
            Outcome::failed("REJECTED", "the job document has no url"),
            None,
        );
    };
    if !matches!(operation, Some("install-firmware") | Some("receive-file")) {
        let reason = format!("unknown operation {}", operation.unwrap_or("(none)"));
        return (Outcome::failed("REJECTED", reason), None);
    }
    let limit = firmware::MAX_IMAGE_BYTES + 4096;
    let started = SystemTime::now();
    let body = match super::download::fetch(url, trust, limit).await {
        Ok(b) => tampered(b.into(), tamper),
        Err(e) => return (Outcome::failed("FAILED", e), None),
    };
    let download = Download {
        bytes: body.len() as u64,
        started,
        ended: SystemTime::now(),
    };
    let outcome = match operation {
        Some("install-firmware") => check_firmware(document, &body, plan.signing_cert.as_deref()),
        _ => check_file(document, &body, key_pem),
    };
    (outcome, Some(download))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_classified() {
        let t = "s1";
        assert_eq!(
            classify(
                t,
                &notify_next_topic(t),
                br#"{"timestamp":1,"execution":{"jobId":"j"}}"#
            ),
            JobMessage::AskNext
        );
        assert_eq!(
            classify(t, &notify_next_topic(t), br#"{"timestamp":1}"#),
            JobMessage::Nothing
        );
        assert_eq!(
            classify(
                t,
                "$aws/things/s1/jobs/start-next/accepted",
                br#"{"execution":{"jobId":"j","jobDocument":{"operation":"x"}}}"#
            ),
            JobMessage::Run {
                job_id: "j".into(),
                document: json!({"operation": "x"})
            }
        );
        assert_eq!(
            classify(t, "$aws/things/s2/jobs/notify-next", br#"{"execution":{}}"#),
            JobMessage::Nothing
        );
    }

    #[test]
    fn firmware_is_checked_and_a_tampered_image_fails() {
        let now = std::time::SystemTime::now();
        let key =
            firmware::SigningKey::generate("t", now, now + std::time::Duration::from_secs(60))
                .unwrap();
        let image = vec![7u8; 1000];
        let manifest = Manifest::new("1.0.0", &image, &key).unwrap();
        let doc = json!(manifest);
        let ok = check_firmware(&doc, &image, Some(key.certificate_pem()));
        assert_eq!(ok.status, "SUCCEEDED");
        assert_eq!(ok.installed.as_deref(), Some("1.0.0"));
        let bad = check_firmware(
            &doc,
            &tampered(image.clone(), true),
            Some(key.certificate_pem()),
        );
        assert_eq!(bad.status, "FAILED");
        assert!(bad.details["reason"].contains("SHA-256"), "{bad:?}");
        let other =
            firmware::SigningKey::generate("o", now, now + std::time::Duration::from_secs(60))
                .unwrap();
        let foreign = check_firmware(&doc, &image, Some(other.certificate_pem()));
        assert_eq!(foreign.status, "REJECTED");
        assert_eq!(check_firmware(&doc, &image, None).status, "REJECTED");
    }
}
