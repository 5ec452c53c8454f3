//! Just-in-time registration end to end: the real authority over a registry on disk behind a
//! real broker; devices from a CA registered with auto-registration.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::client::{Client, ConnectOptions, Got, tls};
use super::support::{Authority as TestCa, Identity, is_presence};
use crate::local::authority::Authority;
use crate::local::broker::codec::Version;
use crate::local::broker::{
    BrokerConfig, BrokerEvent, BrokerHandle, KeepAliveBounds, RefusedAt, start_with,
};
use crate::local::ca::LocalCa;
use crate::local::gate::Inbound;
use crate::local::registry::{
    ACCOUNT_ID, CaStatus, CertificateStatus, Registry, certificate_id, der_to_pem,
};
use crate::local::state::StateDir;

const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
const EVENTS: &str = "$aws/events/certificates/registered/#";

struct Backend {
    _dir: tempfile::TempDir,
    /// The CLI's handle on the registry; the authority has its own.
    registry: Registry,
    authority: Arc<Authority>,
    /// Issues the broker's server certificate.
    server_ca: TestCa,
    handle: BrokerHandle,
    events: Arc<Mutex<Vec<BrokerEvent>>>,
    sink: mpsc::Receiver<Inbound>,
    _shutdown: tokio_util::sync::DropGuard,
}

async fn backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::new(dir.path());
    let ca = LocalCa::load_or_create(&state.ca_dir()).unwrap();
    let registry = Registry::open(&state.registry()).unwrap();
    let authority =
        Arc::new(Authority::new(Registry::open(&state.registry()).unwrap(), &ca).unwrap());
    let server_ca = TestCa::new("server CA");
    let server = server_ca.issue("broker", vec!["localhost".to_owned()]);
    let mut config = BrokerConfig::new(server.chain, server.key);
    config.bind = "127.0.0.1:0".parse().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let (sink_tx, sink) = mpsc::channel(100);
    let shutdown = CancellationToken::new();
    let handle = start_with(
        config,
        KeepAliveBounds::default(),
        authority.clone(),
        sink_tx,
        Arc::new(move |event| log.lock().unwrap().push(event)),
        shutdown.clone(),
    )
    .await
    .unwrap();
    Backend {
        _dir: dir,
        registry,
        authority,
        server_ca,
        handle,
        events,
        sink,
        _shutdown: shutdown.drop_guard(),
    }
}

/// The outcome of one connection attempt.
#[derive(Debug, PartialEq, Eq)]
enum Attempt {
    /// The handshake failed or the connection closed before CONNACK.
    TlsFailed(String),
    Connack(u8),
}

impl Backend {
    /// A CA registered ACTIVE, with auto-registration as asked.
    fn registered_ca(&self, name: &str, auto_registration: bool) -> (TestCa, String) {
        let ca = TestCa::new(name);
        let record = self
            .registry
            .add_ca(&der_to_pem(&ca.der()), CaStatus::Active, auto_registration)
            .unwrap();
        self.authority.refresh_if_changed().unwrap();
        (ca, record.id)
    }

    /// An identity from a registered CA whose ACTIVE certificate has policy `Everything`;
    /// returns it with the certificate's ARN.
    fn allowed_everything(&self, name: &str) -> (Identity, String) {
        let (ops, _) = self.registered_ca("ops CA", false);
        let identity = ops.issue(name, Vec::new());
        let cert = self
            .registry
            .add_certificate(
                &der_to_pem(&identity.chain[0]),
                CertificateStatus::Active,
                None,
            )
            .unwrap();
        self.registry
            .create_policy("Everything", EVERYTHING)
            .unwrap();
        self.registry
            .attach_policy("Everything", &cert.arn)
            .unwrap();
        self.authority.refresh_if_changed().unwrap();
        (identity, cert.arn)
    }

    /// A watcher allowed everything, subscribed to the registration events.
    async fn watcher(&self) -> Client {
        let (identity, _) = self.allowed_everything("watcher");
        let mut watcher = self.connected(&identity, "watcher").await;
        assert_eq!(watcher.subscribed(1, &[(EVENTS, 1)]).await, vec![1]);
        watcher
    }

    async fn attempt(&self, identity: &Identity, client_id: &str) -> (Attempt, Option<Client>) {
        self.attempt_with(identity, client_id, false).await
    }

    async fn attempt_with(
        &self,
        identity: &Identity,
        client_id: &str,
        tls12: bool,
    ) -> (Attempt, Option<Client>) {
        let addr = self.handle.local_addr();
        let stream = match tls(addr, self.server_ca.der(), Some(identity.copy()), tls12).await {
            Ok(stream) => stream,
            Err(error) => return (Attempt::TlsFailed(error.to_string()), None),
        };
        let mut client = Client {
            stream,
            version: Version::V5,
        };
        let options = ConnectOptions {
            keep_alive: 60,
            will: None,
        };
        client.send_connect(client_id, options).await;
        match client.recv().await {
            // TLS 1.3: the client finished its side before the broker's verdict arrived.
            Got::Closed(error) => (Attempt::TlsFailed(error), None),
            Got::Connack { code, .. } => (Attempt::Connack(code), Some(client)),
            other => panic!("unexpected {other:?}"),
        }
    }

    async fn connected(&self, identity: &Identity, client_id: &str) -> Client {
        match self.attempt(identity, client_id).await {
            (Attempt::Connack(0), Some(client)) => client,
            (other, _) => panic!("{client_id} not connected: {other:?}"),
        }
    }

    fn events(&self) -> Vec<BrokerEvent> {
        self.events.lock().unwrap().clone()
    }

    async fn wait_for_event(&self, pick: impl Fn(&BrokerEvent) -> bool) -> BrokerEvent {
        for _ in 0..500 {
            if let Some(event) = self.events().into_iter().find(|e| pick(e)) {
                return event;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("event not seen: {:#?}", self.events());
    }

    /// Checks nothing but lifecycle events reaches the rules engine for a moment.
    async fn no_inbound(&mut self) {
        let until = tokio::time::Instant::now() + Duration::from_millis(300);
        while let Ok(Some(inbound)) = tokio::time::timeout_at(until, self.sink.recv()).await {
            if !is_presence(&inbound) {
                panic!("unexpected message for the rules engine: {inbound:?}");
            }
        }
    }

    /// The next message for the rules engine other than a lifecycle event.
    async fn next_inbound(&mut self) -> Inbound {
        loop {
            let inbound = tokio::time::timeout(Duration::from_secs(5), self.sink.recv())
                .await
                .unwrap()
                .unwrap();
            if !is_presence(&inbound) {
                return inbound;
            }
        }
    }
}

/// A device certificate sent with its CA, as JITR devices do.
fn device_of(ca: &TestCa, name: &str) -> Identity {
    let mut identity = ca.issue(name, Vec::new());
    identity.chain.push(ca.der());
    identity
}

#[tokio::test]
async fn a_new_device_is_registered_refused_then_let_in_once_activated() {
    let mut b = backend().await;
    let mut watcher = b.watcher().await;
    let (fleet, ca_id) = b.registered_ca("Fleet CA", true);
    let device = device_of(&fleet, "jitr-device");
    let id = certificate_id(&device.chain[0]);

    // First connection: registered, refused during the handshake.
    let (attempt, _) = b.attempt(&device, "jitr-device").await;
    assert!(
        matches!(&attempt, Attempt::TlsFailed(e) if e.contains("AccessDenied")),
        "{attempt:?}"
    );
    let record = b.registry.certificate(&id).unwrap().unwrap();
    assert_eq!(record.status, CertificateStatus::PendingActivation);
    assert_eq!(record.ca_certificate_id.as_deref(), Some(ca_id.as_str()));
    let event = b
        .wait_for_event(|e| matches!(e, BrokerEvent::Registered { .. }))
        .await;
    let line = event.to_string();
    assert!(
        line.starts_with(&format!(
            "certificate {id} of CA {ca_id} registered as PENDING_ACTIVATION (just-in-time registration); connection from 127.0.0.1:"
        )) && line.ends_with(" refused"),
        "{line}"
    );

    // The event: once to the watcher, once to the rules engine.
    let topic = format!("$aws/events/certificates/registered/{ca_id}");
    let Got::Publish {
        topic: got_topic,
        payload,
        qos: 1,
        pid,
        retain: false,
        ..
    } = watcher.recv().await
    else {
        panic!("expected the registration event");
    };
    watcher.puback(pid).await;
    assert_eq!(got_topic, topic);
    let event: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(event["certificateId"], id.as_str());
    assert_eq!(event["caCertificateId"], ca_id.as_str());
    assert_eq!(event["certificateStatus"], "PENDING_ACTIVATION");
    assert_eq!(event["awsAccountId"], ACCOUNT_ID);
    assert!(event["timestamp"].is_i64());
    assert_eq!(
        event["certificateRegistrationTimestamp"],
        record.created_ms.to_string()
    );
    let inbound = b.next_inbound().await;
    assert_eq!(inbound.topic, topic);
    assert_eq!(inbound.payload, payload);
    assert_eq!(inbound.client_id, "");
    assert_eq!(inbound.principal, "");
    b.no_inbound().await;

    // Second connection before activation: refused at CONNECT, no second event.
    let (attempt, _) = b.attempt(&device, "jitr-device").await;
    assert_eq!(attempt, Attempt::Connack(0x87));
    let (_, reason) = match b
        .wait_for_event(|e| {
            matches!(
                e,
                BrokerEvent::Refused {
                    at: RefusedAt::Connect,
                    ..
                }
            )
        })
        .await
    {
        BrokerEvent::Refused {
            client_id, reason, ..
        } => (client_id, reason),
        _ => unreachable!(),
    };
    assert_eq!(reason, format!("certificate {id} is PENDING_ACTIVATION"));
    assert_eq!(watcher.recv_within(Duration::from_millis(300)).await, None);
    b.no_inbound().await;
    let registered = b
        .events()
        .iter()
        .filter(|e| matches!(e, BrokerEvent::Registered { .. }))
        .count();
    assert_eq!(registered, 1);
    assert_eq!(b.registry.certificates().unwrap().len(), 2);

    // What the registration function does; `local up` reloads within 200 ms.
    b.registry
        .set_certificate_status(&id, CertificateStatus::Active)
        .unwrap();
    b.registry
        .create_thing("jitr-device", &Default::default())
        .unwrap();
    b.registry
        .attach_thing_principal("jitr-device", &record.arn)
        .unwrap();
    b.registry.attach_policy("Everything", &record.arn).unwrap();
    assert!(b.authority.refresh_if_changed().unwrap());
    let mut client = b.connected(&device, "jitr-device").await;
    client
        .publish("device/jitr-device/data", b"{}", 0, 0, false)
        .await;
    let inbound = b.next_inbound().await;
    assert_eq!(inbound.principal, id);
    drop(client);

    // Revoked afterwards: refused, and not registered again.
    b.registry
        .set_certificate_status(&id, CertificateStatus::Revoked)
        .unwrap();
    b.authority.refresh_if_changed().unwrap();
    let (attempt, _) = b.attempt(&device, "jitr-device").await;
    assert_eq!(attempt, Attempt::Connack(0x87));
    assert_eq!(watcher.recv_within(Duration::from_millis(300)).await, None);
    assert_eq!(
        b.registry.certificate(&id).unwrap().unwrap().status,
        CertificateStatus::Revoked
    );
}

#[tokio::test]
async fn without_auto_registration_or_from_an_unregistered_ca_nothing_is_registered() {
    let mut b = backend().await;
    let mut watcher = b.watcher().await;
    let before = b.registry.certificates().unwrap().len();

    let (manual, _) = b.registered_ca("Manual CA", false);
    let device = device_of(&manual, "manual-device");
    let (attempt, _) = b.attempt(&device, "manual-device").await;
    assert_eq!(attempt, Attempt::Connack(0x87));

    // Same name as an auto-registration CA, another key.
    b.registered_ca("Fleet CA", true);
    let impostor = TestCa::new("Fleet CA");
    let device = device_of(&impostor, "intruder");
    let (attempt, _) = b.attempt(&device, "intruder").await;
    assert!(
        matches!(&attempt, Attempt::TlsFailed(e) if e.contains("UnknownCA")),
        "{attempt:?}"
    );
    let reason = match b
        .wait_for_event(|e| {
            matches!(
                e,
                BrokerEvent::Refused {
                    at: RefusedAt::Tls,
                    ..
                }
            )
        })
        .await
    {
        BrokerEvent::Refused { reason, .. } => reason,
        _ => unreachable!(),
    };
    assert!(reason.contains("unknown CA"), "{reason}");

    assert_eq!(b.registry.certificates().unwrap().len(), before);
    assert_eq!(watcher.recv_within(Duration::from_millis(300)).await, None);
    b.no_inbound().await;
    assert!(
        !b.events()
            .iter()
            .any(|e| matches!(e, BrokerEvent::Registered { .. }))
    );
}

#[tokio::test]
async fn clients_may_watch_but_not_publish_on_event_topics() {
    let b = backend().await;
    let mut watcher = b.watcher().await;
    watcher
        .publish("$aws/events/certificates/registered/x", b"{}", 0, 0, false)
        .await;
    assert_eq!(watcher.closed().await, Some(0x87));
}

#[tokio::test]
async fn over_tls12_the_handshake_itself_fails_on_first_connection() {
    let b = backend().await;
    let (fleet, ca_id) = b.registered_ca("Fleet CA", true);
    let device = device_of(&fleet, "old-stack");
    let (attempt, client) = b.attempt_with(&device, "old-stack", true).await;
    assert!(client.is_none());
    assert!(
        matches!(&attempt, Attempt::TlsFailed(e) if e.contains("AccessDenied")),
        "{attempt:?}"
    );
    let id = certificate_id(&device.chain[0]);
    b.wait_for_event(|e| {
        matches!(e, BrokerEvent::Registered { certificate_id, ca_certificate_id, .. }
            if *certificate_id == id && *ca_certificate_id == ca_id)
    })
    .await;
    assert_eq!(
        b.registry.certificate(&id).unwrap().unwrap().status,
        CertificateStatus::PendingActivation
    );
}

// Not about registration, but it needs this file's real authority: a publish the policies
// allowed is reused only until the registry changes.
#[tokio::test]
async fn an_allowed_publish_is_evaluated_again_after_the_policies_change() {
    let mut b = backend().await;
    let (identity, cert_arn) = b.allowed_everything("operator");
    let mut client = b.connected(&identity, "operator").await;
    for body in [&b"1"[..], b"2"] {
        client.publish("device/x/data", body, 0, 0, false).await;
        assert_eq!(b.next_inbound().await.payload.as_ref(), body);
    }
    // Detached while connected: the same topic is refused at the next publish.
    b.registry.detach_policy("Everything", &cert_arn).unwrap();
    assert!(b.authority.refresh_if_changed().unwrap());
    client.publish("device/x/data", b"3", 0, 0, false).await;
    assert_eq!(client.closed().await, Some(0x87));
}
