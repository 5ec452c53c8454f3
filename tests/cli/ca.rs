//! `soilctl ca create | register | list | delete` and `soilctl device-cert issue`: against
//! moto (through a recording proxy, to see the calls and their order), against a scripted IoT
//! endpoint for what moto cannot do (an already registered CA, ListCACertificates), on the
//! local backend (including a device's first connection to a running `local up`), and bad
//! input.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use soilctl::local::registry::{CaStatus, CertificateStatus, Registry, certificate_id, pem_to_der};

use crate::local::{LocalUp, state_dir, wait_until};
use crate::support::*;

const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// The DER of each certificate in a PEM file, in order.
fn pem_blocks(pem: &str) -> Vec<Vec<u8>> {
    x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes())
        .map(|p| p.unwrap().contents)
        .collect()
}

fn common_name(der: &[u8]) -> String {
    let (_, cert) = x509_parser::parse_x509_certificate(der).unwrap();
    cert.subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// The id AWS IoT gives a certificate: the SHA-256 of its DER.
fn der_id(pem: &str) -> String {
    certificate_id(&pem_to_der(pem).unwrap())
}

/// `ca create --out DIR` in the test's folder; returns DIR.
fn create_ca(env: &Env) -> PathBuf {
    let dir = env.path("my-ca");
    env.run(&["ca", "create", "--out", dir.to_str().unwrap()])
        .expect(0);
    dir
}

/// Every HTTP request in what a client sent: ("METHOD /path?query", body).
fn requests(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        let line = head.lines().next().unwrap_or_default();
        let line = line.rsplit_once(' ').map(|(l, _)| l).unwrap_or(line);
        let length: usize = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        let body_end = (end + 4 + length).min(rest.len());
        out.push((
            line.to_string(),
            String::from_utf8_lossy(&rest[end + 4..body_end]).into_owned(),
        ));
        rest = &rest[body_end..];
    }
    out
}

/// The index of the first request whose line starts with `prefix`.
fn position(requests: &[(String, String)], prefix: &str) -> usize {
    requests
        .iter()
        .position(|(line, _)| line.starts_with(prefix))
        .unwrap_or_else(|| {
            panic!(
                "no request {prefix:?} in {:#?}",
                requests.iter().map(|r| &r.0).collect::<Vec<_>>()
            )
        })
}

#[test]
fn create_then_register_on_moto_with_the_calls_in_order() {
    let moto = Moto::start();
    let proxy = RecordingProxy::start(moto.port);
    let endpoint = format!("http://127.0.0.1:{}", proxy.port);
    let env = Env::new(Some(endpoint.clone()));

    // The default place, with its modes.
    let out = env
        .run(&["ca", "create", "--output", "json"])
        .expect(0)
        .json();
    let ca_dir = env.dir.path().join(".local/share/soilctl/ca");
    assert_eq!(out["caDir"], ca_dir.display().to_string());
    assert_eq!(mode(&ca_dir), 0o700);
    assert_eq!(mode(&ca_dir.join("ca.key")), 0o600);
    assert_eq!(mode(&ca_dir.join("ca.pem")), 0o644);
    let ca_pem = read(&ca_dir.join("ca.pem"));
    assert_eq!(out["caCertificateId"], der_id(&ca_pem).as_str());
    assert!(
        out["subject"]
            .as_str()
            .unwrap()
            .starts_with("CN=soilctl device CA 20")
    );
    assert!(proxy.recorded().is_empty(), "ca create must not call AWS");

    // An existing CA is never replaced.
    let again = env.run(&["ca", "create"]).expect(2);
    assert_eq!(again.stderr.lines().count(), 1, "{}", again.stderr);
    assert!(again.error_line().contains("already holds a CA"));
    assert_eq!(read(&ca_dir.join("ca.pem")), ca_pem);

    let out = env
        .run(&["ca", "register", "--output", "json"])
        .expect(0)
        .json();
    let id = out["caCertificateId"].as_str().unwrap().to_string();
    let arn = out["caCertificateArn"].as_str().unwrap().to_string();
    assert_eq!(out["status"], "ACTIVE");
    assert_eq!(out["alreadyRegistered"], false);
    // AWS names CAs `...:cacert/ID`; moto uses `...:cert/ID`.
    assert!(arn.ends_with(&format!("/{id}")), "{arn}");

    // GetRegistrationCode, then RegisterCACertificate (active, auto-registration on) with
    // the CA and a verification certificate whose CN is a registration code, signed by the
    // CA; then the CA is described and the data endpoint looked up.
    let sent = requests(&proxy.recorded());
    let code = position(&sent, "GET /registrationcode");
    let register = position(&sent, "POST /cacertificate?");
    let describe = position(&sent, &format!("GET /cacertificate/{id}"));
    assert!(code < register && register < describe, "{sent:#?}");
    let line = &sent[register].0;
    assert!(line.contains("setAsActive=true"), "{line}");
    assert!(line.contains("allowAutoRegistration=true"), "{line}");
    let body: Value = serde_json::from_str(&sent[register].1).unwrap();
    assert_eq!(body["caCertificate"], ca_pem.as_str());
    let verification = body["verificationCertificate"].as_str().unwrap();
    soilctl::byoca::verify_verification_certificate(
        &ca_pem,
        verification,
        &common_name(&pem_to_der(verification).unwrap()),
    )
    .expect("the verification certificate is signed by the CA");
    let cn = common_name(&pem_to_der(verification).unwrap());
    assert_eq!(cn.len(), 36, "moto's registration codes are UUIDs: {cn}");
    assert!(sent.iter().all(|(_, b)| !b.contains("PRIVATE KEY")));

    // moto's state.
    let c = moto.clients();
    let described = block_on(soilctl::aws::iot::describe_ca_certificate(&c.iot, &id))
        .unwrap()
        .expect("the CA is registered");
    assert_eq!(described.status, "ACTIVE");
    assert_eq!(described.pem.as_deref(), Some(ca_pem.as_str()));

    // registered.json.
    let registered = json_file(&ca_dir.join("registered.json"));
    let list = registered.as_array().unwrap();
    assert_eq!(list.len(), 1, "{registered}");
    assert_eq!(list[0]["target"], "aws");
    assert_eq!(list[0]["region"], REGION);
    assert_eq!(list[0]["caCertificateId"], id.as_str());
    assert_eq!(list[0]["caCertificateArn"], arn.as_str());
    assert!(list[0]["registeredMs"].as_i64().unwrap() > 1_700_000_000_000);
    assert_eq!(list[0]["endpointUrl"], endpoint.as_str());

    // Registering again succeeds with the same id, and registered.json keeps one record.
    let again = env
        .run(&["ca", "register", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(again["caCertificateId"], id.as_str());
    assert_eq!(
        json_file(&ca_dir.join("registered.json"))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // moto has no ListCACertificates: the list falls back to registered.json, and says so.
    let listed = env.run(&["ca", "list", "--output", "json"]).expect(0);
    let warning = format!(
        "warning: ListCACertificates is not available at this endpoint: showing the CAs soilctl registered (from {})",
        ca_dir.join("registered.json").display()
    );
    assert!(
        listed.stderr.lines().any(|l| l == warning),
        "{}",
        listed.stderr
    );
    let cas = listed.json()["cas"].as_array().unwrap().clone();
    assert_eq!(cas.len(), 1);
    assert_eq!(cas[0]["caCertificateId"], id.as_str());
    assert_eq!(cas[0]["status"], "ACTIVE");
    assert!(
        cas[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("CN=soilctl device CA")
    );
    // moto's DescribeCACertificate does not say whether auto-registration is on.
    assert!(cas[0]["autoRegistration"].is_null());
    let text = env.run(&["ca", "list"]).expect(0);
    assert!(text.stdout.starts_with("ID "), "{}", text.stdout);
    assert!(text.stdout.contains(&id), "{}", text.stdout);
}

#[test]
fn delete_on_moto_is_refused_while_an_issued_certificate_is_active_then_forced() {
    let moto = Moto::start();
    let proxy = RecordingProxy::start(moto.port);
    let env = Env::new(Some(format!("http://127.0.0.1:{}", proxy.port)));
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let id = env
        .run(&["ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();
    let ca_pem = read(&ca_dir.join("ca.pem"));

    // A device certificate issued by the CA: nothing is registered by issuing it.
    let before = proxy.recorded().len();
    let issued = env
        .run(&[
            "device-cert",
            "issue",
            "sensor-1",
            "--ca",
            ca,
            "--output",
            "json",
        ])
        .expect(0)
        .json();
    assert_eq!(
        proxy.recorded().len(),
        before,
        "device-cert issue calls AWS"
    );
    let dir = env.devices().join("sensor-1");
    let device = json_file(&dir.join("device.json"));
    let chain = read(&dir.join("certificate.pem.crt"));
    let blocks = pem_blocks(&chain);
    let leaf_id = certificate_id(&blocks[0]);
    assert_eq!(issued["certificateId"], leaf_id.as_str());
    // The account and Region come from the CA's ARN, the endpoint from the registration.
    assert_eq!(
        device["certificateArn"],
        format!("arn:aws:iot:{REGION}:123456789012:cert/{leaf_id}").as_str()
    );
    assert!(!device["endpoint"].as_str().unwrap().is_empty(), "{device}");
    assert_eq!(device["jitr"]["caCertificateId"], id.as_str());
    assert_eq!(
        read(&dir.join("root-ca.pem")),
        soilctl::pki::AMAZON_ROOT_CA1
    );

    // As JITR would: the certificate registered with its CA, active, on a thing with a
    // policy.
    let c = moto.clients();
    let leaf_pem = soilctl::local::registry::der_to_pem(&blocks[0]);
    let (cert_id, cert_arn) = block_on(async {
        let out = c
            .iot
            .register_certificate()
            .certificate_pem(&leaf_pem)
            .ca_certificate_pem(&ca_pem)
            .status(aws_sdk_iot::types::CertificateStatus::Active)
            .send()
            .await
            .unwrap();
        let cert_id = out.certificate_id().unwrap().to_string();
        let cert_arn = out.certificate_arn().unwrap().to_string();
        c.iot
            .create_thing()
            .thing_name("sensor-1")
            .send()
            .await
            .unwrap();
        soilctl::aws::iot::attach_thing_principal(&c.iot, "sensor-1", &cert_arn)
            .await
            .unwrap();
        c.iot
            .create_policy()
            .policy_name("JitrDevice")
            .policy_document(EVERYTHING)
            .send()
            .await
            .unwrap();
        soilctl::aws::iot::attach_policy(&c.iot, "JitrDevice", &cert_arn)
            .await
            .unwrap();
        (cert_id, cert_arn)
    });

    // Refused, one line, exit 1, and nothing changed.
    let before = proxy.recorded().len();
    let refused = env.run(&["ca", "delete", &id, "--ca", ca]).expect(1);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    let line = refused.error_line();
    assert!(line.contains("1 ACTIVE certificate(s)"), "{line}");
    assert!(line.contains("--force"), "{line}");
    let sent = requests(&proxy.recorded()[before..]);
    assert!(
        sent.iter()
            .all(|(l, _)| l.starts_with("GET ") || l.starts_with("HEAD ")),
        "a refusal must change nothing: {sent:#?}"
    );
    block_on(async {
        let ca = soilctl::aws::iot::describe_ca_certificate(&c.iot, &id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ca.status, "ACTIVE");
    });

    // --force: the CA deactivated first, the certificate detached, deactivated and deleted,
    // then the CA deleted.
    let before = proxy.recorded().len();
    let out = env
        .run(&[
            "ca", "delete", &id, "--ca", ca, "--force", "--output", "json",
        ])
        .expect(0)
        .json();
    assert_eq!(out["status"], "deleted");
    let removed = out["certificates"].as_array().unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["certificateId"], cert_id.as_str());
    assert_eq!(removed[0]["status"], "ACTIVE");
    assert_eq!(removed[0]["things"], json!(["sensor-1"]));
    assert_eq!(removed[0]["policies"], json!(["JitrDevice"]));
    let sent = requests(&proxy.recorded()[before..]);
    let deactivate = position(
        &sent,
        &format!("PUT /cacertificate/{id}?newStatus=INACTIVE"),
    );
    let detach_thing = position(&sent, "DELETE /things/sensor-1/principals");
    let detach_policy = position(&sent, "POST /target-policies/JitrDevice");
    let cert_inactive = position(
        &sent,
        &format!("PUT /certificates/{cert_id}?newStatus=INACTIVE"),
    );
    let cert_delete = position(&sent, &format!("DELETE /certificates/{cert_id}"));
    let ca_delete = position(&sent, &format!("DELETE /cacertificate/{id}"));
    assert!(deactivate < detach_thing, "{sent:#?}");
    assert!(detach_thing < cert_delete && detach_policy < cert_delete);
    assert!(cert_inactive < cert_delete && cert_delete < ca_delete);
    block_on(async {
        assert!(
            soilctl::aws::iot::describe_ca_certificate(&c.iot, &id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            soilctl::aws::iot::describe_certificate(&c.iot, &cert_id)
                .await
                .unwrap()
                .is_none()
        );
        let principals = soilctl::aws::iot::list_thing_principals(&c.iot, "sensor-1")
            .await
            .unwrap()
            .unwrap();
        assert!(!principals.contains(&cert_arn));
    });
    assert_eq!(json_file(&ca_dir.join("registered.json")), json!([]));

    // Deleting again is not an error.
    let again = env
        .run(&["ca", "delete", &id, "--ca", ca, "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(again["status"], "already gone");
}

#[test]
fn delete_on_moto_deactivates_then_deletes() {
    let moto = Moto::start();
    let proxy = RecordingProxy::start(moto.port);
    let env = Env::new(Some(format!("http://127.0.0.1:{}", proxy.port)));
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let id = env
        .run(&["ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();
    let before = proxy.recorded().len();
    let out = env.run(&["ca", "delete", &id, "--ca", ca]).expect(0);
    assert!(
        out.stdout.starts_with("deleted CA certificate"),
        "{}",
        out.stdout
    );
    let sent = requests(&proxy.recorded()[before..]);
    let by_ca = position(&sent, &format!("GET /certificates-by-ca/{id}"));
    let deactivate = position(
        &sent,
        &format!("PUT /cacertificate/{id}?newStatus=INACTIVE"),
    );
    let delete = position(&sent, &format!("DELETE /cacertificate/{id}"));
    assert!(by_ca < deactivate && deactivate < delete, "{sent:#?}");
    let c = moto.clients();
    assert!(
        block_on(soilctl::aws::iot::describe_ca_certificate(&c.iot, &id))
            .unwrap()
            .is_none()
    );
    let listed = env
        .run(&["ca", "list", "--ca", ca, "--output", "json"])
        .expect(0);
    assert_eq!(listed.json()["cas"], json!([]));
}

/// A scripted AWS IoT endpoint (REST-JSON) holding one CA that is registered already,
/// INACTIVE with auto-registration off until an UpdateCACertificate turns both on.
struct FakeIot {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

const FAKE_ENDPOINT: &str = "abc123example-ats.iot.us-east-1.amazonaws.com";

impl FakeIot {
    fn start(ca_pem: String, ca_id: String) -> FakeIot {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let active = Arc::new(Mutex::new(false));
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, active) = (record.clone(), active.clone());
                let (ca_pem, ca_id) = (ca_pem.clone(), ca_id.clone());
                std::thread::spawn(move || {
                    serve(stream, &seen, &|method, target| {
                        let arn = format!("arn:aws:iot:us-east-1:123456789012:cacert/{ca_id}");
                        let on = *active.lock().unwrap();
                        let description = json!({
                            "certificateArn": arn,
                            "certificateId": ca_id,
                            "status": if on { "ACTIVE" } else { "INACTIVE" },
                            "autoRegistrationStatus": if on { "ENABLE" } else { "DISABLE" },
                            "certificatePem": ca_pem,
                            "creationDate": 1767225600,
                        });
                        match (method, target) {
                            ("GET", "/registrationcode") => {
                                (200, None, json!({"registrationCode": "0f".repeat(32)}))
                            }
                            ("POST", t) if t.starts_with("/cacertificate?") => (
                                409,
                                Some("ResourceAlreadyExistsException"),
                                json!({"message": "The CA certificate is already registered",
                                       "resourceId": ca_id, "resourceArn": arn}),
                            ),
                            ("PUT", t) if t.starts_with(&format!("/cacertificate/{ca_id}?")) => {
                                if t.contains("newStatus=ACTIVE")
                                    && t.contains("newAutoRegistrationStatus=ENABLE")
                                {
                                    *active.lock().unwrap() = true;
                                }
                                (200, None, json!({}))
                            }
                            ("GET", t) if t == format!("/cacertificate/{ca_id}") => {
                                (200, None, json!({"certificateDescription": description}))
                            }
                            ("GET", t) if t.starts_with("/cacertificates") => (
                                200,
                                None,
                                json!({"certificates": [{
                                    "certificateArn": arn, "certificateId": ca_id,
                                    "status": description["status"],
                                    "creationDate": 1767225600}]}),
                            ),
                            ("GET", t) if t.starts_with("/endpoint") => {
                                (200, None, json!({"endpointAddress": FAKE_ENDPOINT}))
                            }
                            _ => (
                                404,
                                Some("ResourceNotFoundException"),
                                json!({"message": "not here"}),
                            ),
                        }
                    })
                });
            }
        });
        FakeIot { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

type Answer = (u16, Option<&'static str>, Value);

fn serve(stream: TcpStream, seen: &Mutex<Vec<String>>, answer: &dyn Fn(&str, &str) -> Answer) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        seen.lock().unwrap().push(format!("{method} {target}"));
        let (status, error, json) = answer(&method, &target);
        let body = json.to_string();
        let error = error
            .map(|e| format!("x-amzn-ErrorType: {e}\r\n"))
            .unwrap_or_default();
        let reply = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{error}Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn an_already_registered_ca_is_reported_by_its_id_and_made_active_with_auto_registration() {
    let env0 = Env::new(None);
    let ca_dir = create_ca(&env0);
    let ca = ca_dir.to_str().unwrap();
    let ca_pem = read(&ca_dir.join("ca.pem"));
    let id = der_id(&ca_pem);
    let fake = FakeIot::start(ca_pem.clone(), id.clone());
    let env = Env::new(Some(fake.url()));

    let out = env
        .run(&["ca", "register", "--ca", ca, "--output", "json"])
        .expect(0);
    assert!(
        out.stderr.contains(&format!(
            "CA certificate {id} was registered already: made it ACTIVE with auto-registration on"
        )),
        "{}",
        out.stderr
    );
    let json = out.json();
    assert_eq!(json["caCertificateId"], id.as_str());
    assert_eq!(json["alreadyRegistered"], true);
    assert_eq!(json["status"], "ACTIVE");
    assert_eq!(json["autoRegistration"], true);
    let seen = fake.seen();
    let update = seen
        .iter()
        .position(|r| r.starts_with(&format!("PUT /cacertificate/{id}?")))
        .unwrap_or_else(|| panic!("{seen:#?}"));
    assert!(
        seen[update].contains("newStatus=ACTIVE"),
        "{}",
        seen[update]
    );
    assert!(
        seen[update].contains("newAutoRegistrationStatus=ENABLE"),
        "{}",
        seen[update]
    );
    let registered = json_file(&ca_dir.join("registered.json"));
    assert_eq!(registered[0]["caCertificateId"], id.as_str());
    assert_eq!(registered[0]["dataEndpoint"], FAKE_ENDPOINT);

    // Where ListCACertificates exists it is used, without the warning.
    let listed = env
        .run(&["ca", "list", "--ca", ca, "--output", "json"])
        .expect(0);
    assert!(!listed.stderr.contains("warning"), "{}", listed.stderr);
    let cas = listed.json()["cas"].clone();
    assert_eq!(cas[0]["caCertificateId"], id.as_str());
    assert_eq!(cas[0]["autoRegistration"], true);
    assert_eq!(cas[0]["created"], "2026-01-01T00:00:00Z");

    // The device's files name the endpoint and the ARN the certificate will have.
    let issued = env
        .run(&[
            "device-cert",
            "issue",
            "sensor-9",
            "--ca",
            ca,
            "--output",
            "json",
        ])
        .expect(0)
        .json();
    let device = json_file(&env.devices().join("sensor-9/device.json"));
    assert_eq!(device["endpoint"], FAKE_ENDPOINT);
    assert_eq!(
        device["certificateArn"],
        format!(
            "arn:aws:iot:us-east-1:123456789012:cert/{}",
            issued["certificateId"].as_str().unwrap()
        )
        .as_str()
    );
    assert_eq!(
        read(&env.path("devices/sensor-9/endpoint.txt")).trim(),
        FAKE_ENDPOINT
    );
}

/// The local registry of an Env.
fn registry(env: &Env) -> Registry {
    Registry::open(&state_dir(env).join("registry.db")).unwrap()
}

#[test]
fn local_register_checks_records_and_lists() {
    let env = Env::new(None);
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let id = der_id(&read(&ca_dir.join("ca.pem")));

    let out = env
        .run(&["--local", "ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(out["caCertificateId"], id.as_str());
    assert_eq!(
        out["caCertificateArn"],
        format!("arn:aws:iot:local:000000000000:cacert/{id}").as_str()
    );
    assert_eq!(out["status"], "ACTIVE");
    assert_eq!(out["autoRegistration"], true);
    assert_eq!(out["alreadyRegistered"], false);
    let record = registry(&env).ca(&id).unwrap().unwrap();
    assert_eq!(record.status, CaStatus::Active);
    assert!(record.auto_registration);
    let registered = json_file(&ca_dir.join("registered.json"));
    assert_eq!(registered[0]["target"], "local");
    assert_eq!(registered[0]["region"], "local");
    assert_eq!(
        registered[0]["stateDir"],
        std::fs::canonicalize(state_dir(&env))
            .unwrap()
            .display()
            .to_string()
            .as_str()
    );

    // Registered again: the same id; deactivated meanwhile: made active again.
    registry(&env)
        .set_ca_status(&id, CaStatus::Inactive)
        .unwrap();
    registry(&env).set_ca_auto_registration(&id, false).unwrap();
    let again = env
        .run(&["--local", "ca", "register", "--ca", ca, "--output", "json"])
        .expect(0);
    assert!(again.stderr.contains("made it ACTIVE"), "{}", again.stderr);
    let json = again.json();
    assert_eq!(json["caCertificateId"], id.as_str());
    assert_eq!(json["alreadyRegistered"], true);
    assert_eq!(json["status"], "ACTIVE");
    assert_eq!(json["autoRegistration"], true);
    assert_eq!(
        json_file(&ca_dir.join("registered.json"))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let listed = env
        .run(&["--local", "ca", "list", "--output", "json"])
        .expect(0)
        .json();
    let cas = listed["cas"].as_array().unwrap();
    assert_eq!(cas.len(), 1);
    assert_eq!(cas[0]["caCertificateId"], id.as_str());
    assert_eq!(cas[0]["status"], "ACTIVE");
    assert_eq!(cas[0]["autoRegistration"], true);
    assert!(
        cas[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("CN=soilctl device CA 20")
    );
    assert!(cas[0]["created"].as_str().unwrap().ends_with('Z'));
    let text = env.run(&["--local", "ca", "list"]).expect(0).stdout;
    assert!(
        text.contains("AUTO-REGISTRATION") && text.contains(" on "),
        "{text}"
    );

    // Without certificates: deactivated and deleted.
    let out = env
        .run(&[
            "--local", "ca", "delete", &id, "--ca", ca, "--output", "json",
        ])
        .expect(0);
    assert!(
        out.stderr.contains("deactivated CA certificate"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json()["status"], "deleted");
    assert!(registry(&env).ca(&id).unwrap().is_none());
    assert_eq!(json_file(&ca_dir.join("registered.json")), json!([]));
}

#[test]
fn local_delete_is_refused_while_an_issued_certificate_is_active_then_forced() {
    let env = Env::new(None);
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let id = env
        .run(&["--local", "ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();
    for name in ["sensor-1", "sensor-2"] {
        env.run(&["--local", "device-cert", "issue", name, "--ca", ca])
            .expect(0);
    }
    let dir = env.devices().join("sensor-1");
    let device = json_file(&dir.join("device.json"));
    assert_eq!(device["endpoint"], "localhost");
    assert_eq!(device["jitr"]["caCertificateId"], id.as_str());
    assert_eq!(
        read(&dir.join("root-ca.pem")),
        read(&state_dir(&env).join("ca/ca.pem"))
    );
    let leaf = |name: &str| {
        let chain = read(&env.devices().join(name).join("certificate.pem.crt"));
        soilctl::local::registry::der_to_pem(&pem_blocks(&chain)[0])
    };

    // sensor-1 as JITR leaves it once activated (naming its CA, on a thing, with a policy);
    // sensor-2 registered without naming its CA, inactive: its signature tells.
    let reg = registry(&env);
    let one = reg
        .add_certificate(&leaf("sensor-1"), CertificateStatus::Active, Some(&id))
        .unwrap();
    reg.create_thing("sensor-1", &Default::default()).unwrap();
    reg.attach_thing_principal("sensor-1", &one.arn).unwrap();
    reg.create_policy("JitrDevice", EVERYTHING).unwrap();
    reg.attach_policy("JitrDevice", &one.arn).unwrap();
    let two = reg
        .add_certificate(&leaf("sensor-2"), CertificateStatus::Inactive, None)
        .unwrap();

    let refused = env
        .run(&["--local", "ca", "delete", &id, "--ca", ca])
        .expect(1);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.error_line().contains("1 ACTIVE certificate(s)")
            && refused.error_line().contains("--force"),
        "{}",
        refused.error_line()
    );
    assert_eq!(reg.ca(&id).unwrap().unwrap().status, CaStatus::Active);

    // Inactive now, but still naming the CA: as on AWS, the CA is made INACTIVE and kept.
    reg.set_certificate_status(&one.id, CertificateStatus::Inactive)
        .unwrap();
    let blocked = env
        .run(&["--local", "ca", "delete", &id, "--ca", ca])
        .expect(1);
    assert!(
        blocked.error_line().contains("1 registered certificate(s)")
            && blocked.error_line().contains("--force"),
        "{}",
        blocked.error_line()
    );
    assert_eq!(reg.ca(&id).unwrap().unwrap().status, CaStatus::Inactive);
    reg.set_certificate_status(&one.id, CertificateStatus::Active)
        .unwrap();

    let out = env
        .run(&[
            "--local", "ca", "delete", &id, "--ca", ca, "--force", "--output", "json",
        ])
        .expect(0)
        .json();
    assert_eq!(out["status"], "deleted");
    let removed = out["certificates"].as_array().unwrap();
    let ids: Vec<&str> = removed
        .iter()
        .map(|c| c["certificateId"].as_str().unwrap())
        .collect();
    // ListCertificatesByCA lists the certificates registered with the CA, as on AWS: sensor-2's,
    // registered without naming it, stays.
    assert_eq!(ids, [one.id.as_str()]);
    assert_eq!(removed[0]["things"], json!(["sensor-1"]));
    assert_eq!(removed[0]["policies"], json!(["JitrDevice"]));
    assert!(reg.ca(&id).unwrap().is_none());
    assert!(reg.certificate(&one.id).unwrap().is_none());
    assert!(reg.certificate(&two.id).unwrap().is_some());
    assert!(reg.thing_principals("sensor-1").unwrap().is_empty());
    assert_eq!(json_file(&ca_dir.join("registered.json")), json!([]));
    let again = env
        .run(&["--local", "ca", "delete", &id, "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(again["status"], "already gone");
}

#[test]
fn a_device_issued_here_registers_itself_on_its_first_local_connection() {
    let env = Env::new(None);
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let id = env
        .run(&["--local", "ca", "register", "--ca", ca, "--output", "json"])
        .expect(0)
        .json()["caCertificateId"]
        .as_str()
        .unwrap()
        .to_string();
    let issued = env
        .run(&[
            "--local",
            "device-cert",
            "issue",
            "jitr-7",
            "--ca",
            ca,
            "--output",
            "json",
        ])
        .expect(0)
        .json();
    let cert_id = issued["certificateId"].as_str().unwrap().to_string();
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let device = env.devices().join("jitr-7");
    let out = mqtt.publish(
        &device,
        "jitr-7",
        "device/jitr-7/devicePayload",
        &["-q", "1", "-m", "{}"],
    );
    assert_ne!(out.code, 0, "the first connection registers and is refused");
    let reg = registry(&env);
    let record = wait_until("the certificate to be registered", || {
        reg.certificate(&cert_id).ok().flatten()
    })
    .unwrap_or_else(|| panic!("not registered:\n{}", up.log()));
    assert_eq!(record.status, CertificateStatus::PendingActivation);
    assert_eq!(record.ca_certificate_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        issued["certificateArn"],
        record.arn.as_str(),
        "device.json names the ARN the registration gives"
    );
    drop(up);

    // Not ACTIVE, so not refused for that; but it names the CA: --force removes it.
    let blocked = env
        .run(&["--local", "ca", "delete", &id, "--ca", ca])
        .expect(1);
    assert!(
        blocked.error_line().contains("--force"),
        "{}",
        blocked.error_line()
    );
    let out = env
        .run(&[
            "--local", "ca", "delete", &id, "--ca", ca, "--force", "--output", "json",
        ])
        .expect(0)
        .json();
    assert_eq!(out["certificates"][0]["status"], "PENDING_ACTIVATION");
    assert!(reg.certificate(&cert_id).unwrap().is_none());
}

#[test]
fn aws_device_files_are_written_offline_with_the_chain_and_a_warning() {
    let env = Env::new(None);
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    let out = env
        .run(&[
            "device-cert",
            "issue",
            "soilSensor1",
            "--ca",
            ca,
            "--key-algorithm",
            "ecdsa-p384",
            "--output",
            "json",
        ])
        .expect(0);
    assert!(
        out.stderr
            .contains("is not recorded as registered in this Region")
            && out.stderr.contains("soilctl ca register"),
        "{}",
        out.stderr
    );
    let dir = env.devices().join("soilSensor1");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("private.pem.key")), 0o600);
    assert!(read(&dir.join("private.pem.key")).contains("BEGIN PRIVATE KEY"));
    let chain = read(&dir.join("certificate.pem.crt"));
    let blocks = pem_blocks(&chain);
    assert_eq!(blocks.len(), 2, "the device certificate, then the CA's");
    assert_eq!(common_name(&blocks[0]), "soilSensor1");
    assert_eq!(
        blocks[1],
        pem_to_der(&read(&ca_dir.join("ca.pem"))).unwrap().to_vec()
    );
    assert_eq!(
        read(&dir.join("root-ca.pem")),
        soilctl::pki::AMAZON_ROOT_CA1
    );
    let device = json_file(&dir.join("device.json"));
    assert_eq!(device["thingName"], "soilSensor1");
    assert_eq!(device["clientId"], "soilSensor1");
    assert_eq!(device["topic"], "device/soilSensor1/devicePayload");
    assert_eq!(device["stackName"], "iot-backend");
    assert_eq!(device["certificateId"], certificate_id(&blocks[0]).as_str());
    assert_eq!(device["port"], 8883);
    assert_eq!(device["rootCa"], "root-ca.pem");
    assert_eq!(
        device["jitr"]["caCertificateId"],
        der_id(&read(&ca_dir.join("ca.pem"))).as_str()
    );
    assert_eq!(device["jitr"]["caDir"], ca);
    let parsed: soilctl::pki::DeviceFiles = serde_json::from_value(device).unwrap();
    assert!(parsed.jitr.is_some());
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let env = Env::new(None);
    let one_line = |out: &Output, needle: &str| {
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.error_line().contains(needle), "{}", out.error_line());
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    };

    // No CA yet: say what to do, on both targets.
    for args in [
        &["ca", "register"][..],
        &["--local", "ca", "register"][..],
        &["device-cert", "issue", "s1"][..],
    ] {
        let out = env.run(args);
        one_line(&out, "no CA in ");
        assert!(
            out.error_line().contains("soilctl ca create"),
            "{}",
            out.stderr
        );
    }
    assert!(
        !state_dir(&env).exists(),
        "no CA: the local backend is not touched"
    );

    let file = env.path("a-file");
    write(&file, "x");
    let file = file.to_str().unwrap();
    one_line(&env.run(&["ca", "create", "--out", file]), "is a file");
    let ca_dir = create_ca(&env);
    let ca = ca_dir.to_str().unwrap();
    one_line(
        &env.run(&["ca", "create", "--out", ca]),
        "already holds a CA",
    );
    one_line(
        &env.run(&["ca", "register", "--ca", file]),
        "is not a directory",
    );

    one_line(
        &env.run(&["device-cert", "issue", "bad name!", "--ca", ca]),
        "thing name",
    );
    one_line(
        &env.run(&["device-cert", "issue", "s1", "--ca", ca, "--out", file]),
        "is a file, not a directory",
    );
    env.run(&["device-cert", "issue", "s1", "--ca", ca])
        .expect(0);
    let key = read(&env.devices().join("s1/private.pem.key"));
    one_line(
        &env.run(&["device-cert", "issue", "s1", "--ca", ca]),
        "already holds device files",
    );
    assert_eq!(read(&env.devices().join("s1/private.pem.key")), key);
    assert_eq!(
        env.run(&["device-cert", "issue", "s2", "--days", "0"]).code,
        2
    );

    one_line(
        &env.run(&["ca", "delete", "not-an-id"]),
        "not a CA certificate id",
    );
    one_line(
        &env.run(&["--local", "ca", "delete", "xyz"]),
        "not a CA certificate id",
    );

    let help = env.run(&["ca", "delete", "--help"]).expect(0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
    assert!(help.stdout.contains("--force"), "{}", help.stdout);
    let help = env.run(&["device-cert", "issue", "--help"]).expect(0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
}
