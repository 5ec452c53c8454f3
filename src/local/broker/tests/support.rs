//! Test certificates, a test gate with an in-memory policy, and a broker harness.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::Digest;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::local::broker::{
    BrokerConfig, BrokerEvent, BrokerHandle, BrokerStore, KeepAliveBounds, Limits, NoStore,
    SessionSettings, start_with,
};
use crate::local::gate::{Action, Gate, Inbound, Principal, Refusal};

/// A certificate chain and its key.
pub(super) struct Identity {
    pub(super) chain: Vec<CertificateDer<'static>>,
    pub(super) key: PrivateKeyDer<'static>,
}

impl Identity {
    pub(super) fn copy(&self) -> Identity {
        Identity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

pub(super) struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    pub(super) fn new(name: &str) -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.distinguished_name.push(DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Authority { issuer }
    }

    pub(super) fn der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    pub(super) fn issue(&self, common_name: &str, names: Vec<String>) -> Identity {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

pub(super) type Policy = dyn Fn(&str, Action, &str) -> bool + Send + Sync;

/// Knows the certificates issued in the test, some of them inactive, and allows what
/// `policy(client_id, action, target)` allows.
pub(super) struct TestGate {
    known: Mutex<HashSet<Vec<u8>>>,
    inactive: Mutex<HashSet<Vec<u8>>>,
    policy: Box<Policy>,
}

pub(super) fn certificate_id(der: &[u8]) -> String {
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Gate for TestGate {
    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal> {
        let first = chain
            .first()
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default();
        if self.known.lock().unwrap().contains(&first) {
            Ok(())
        } else {
            Err(Refusal::new("certificate not issued by a registered CA"))
        }
    }

    fn authenticate(&self, chain: &[CertificateDer<'_>]) -> Result<Principal, Refusal> {
        let first = chain
            .first()
            .map(|c| c.as_ref().to_vec())
            .unwrap_or_default();
        let id = certificate_id(&first);
        if self.inactive.lock().unwrap().contains(&first) {
            return Err(Refusal::new(format!("certificate {id} is INACTIVE")));
        }
        Ok(Principal {
            certificate_id: id,
            common_name: "device".to_owned(),
        })
    }

    fn authorize(
        &self,
        _principal: &Principal,
        client_id: &str,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal> {
        if (self.policy)(client_id, action, target) {
            Ok(())
        } else {
            Err(Refusal::new(format!(
                "{} on {target} denied",
                action.as_str()
            )))
        }
    }
}

pub(super) struct Harness {
    pub(super) handle: Option<BrokerHandle>,
    pub(super) ca: Authority,
    pub(super) gate: Arc<TestGate>,
    pub(super) events: Arc<Mutex<Vec<BrokerEvent>>>,
    pub(super) sink: mpsc::Receiver<Inbound>,
    pub(super) shutdown: CancellationToken,
    /// What a restart starts again with.
    sink_tx: mpsc::Sender<Inbound>,
    keep_alive: KeepAliveBounds,
    sessions: SessionSettings,
    store: Arc<dyn BrokerStore>,
    limits: Limits,
}

pub(super) struct Options {
    pub(super) sink_capacity: usize,
    pub(super) keep_alive: KeepAliveBounds,
    /// Hand the test the messages with their acknowledgement holds: a QoS 1 PUBACK then waits
    /// until the test drops the message. Otherwise the harness plays a rules engine that is
    /// done with each message as soon as it arrives.
    pub(super) keep_holds: bool,
    pub(super) sessions: SessionSettings,
    /// Where retained messages and sessions are kept (across [`Harness::restart`]).
    pub(super) store: Arc<dyn BrokerStore>,
    pub(super) limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sink_capacity: 1000,
            keep_alive: KeepAliveBounds::default(),
            keep_holds: false,
            sessions: SessionSettings::default(),
            store: Arc::new(NoStore),
            // The suites reconnect one client id quickly (takeovers, sessions); the connect
            // throttle has tests of its own, with AWS's value.
            limits: Limits {
                connect_interval: Duration::ZERO,
                ..Limits::default()
            },
        }
    }
}

pub(super) async fn harness(
    policy: impl Fn(&str, Action, &str) -> bool + Send + Sync + 'static,
) -> Harness {
    harness_with(policy, Options::default()).await
}

pub(super) fn allow_all() -> impl Fn(&str, Action, &str) -> bool + Send + Sync + 'static {
    |_: &str, _: Action, _: &str| true
}

pub(super) async fn harness_with(
    policy: impl Fn(&str, Action, &str) -> bool + Send + Sync + 'static,
    options: Options,
) -> Harness {
    let ca = Authority::new("test CA");
    let server = ca.issue("broker", vec!["localhost".to_owned()]);
    let gate = Arc::new(TestGate {
        known: Mutex::default(),
        inactive: Mutex::default(),
        policy: Box::new(policy),
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let (sink_tx, mut sink) = mpsc::channel::<Inbound>(options.sink_capacity);
    if !options.keep_holds {
        let (done_tx, done) = mpsc::channel(options.sink_capacity);
        tokio::spawn(async move {
            while let Some(mut inbound) = sink.recv().await {
                inbound.hold = None;
                if done_tx.send(inbound).await.is_err() {
                    break;
                }
            }
        });
        sink = done;
    }
    let shutdown = CancellationToken::new();
    let log_events: crate::local::broker::EventSink =
        Arc::new(move |event| log.lock().unwrap().push(event));
    let mut h = Harness {
        handle: None,
        ca,
        gate,
        events,
        sink,
        shutdown,
        sink_tx,
        keep_alive: options.keep_alive,
        sessions: options.sessions,
        store: options.store,
        limits: options.limits,
    };
    h.handle = Some(h.start_broker(server, log_events).await);
    h
}

impl Harness {
    async fn start_broker(
        &self,
        server: Identity,
        events: crate::local::broker::EventSink,
    ) -> BrokerHandle {
        let mut config = BrokerConfig::new(server.chain, server.key);
        config.bind = "127.0.0.1:0".parse().unwrap();
        config.sessions = self.sessions;
        config.store = self.store.clone();
        config.limits = self.limits;
        start_with(
            config,
            self.keep_alive,
            self.gate.clone(),
            self.sink_tx.clone(),
            events,
            self.shutdown.clone(),
        )
        .await
        .unwrap()
    }

    /// Stops the broker (as Ctrl-C does: every connection closed, the state written) and
    /// starts a new one on another port with the same gate, store and event log.
    pub(super) async fn restart(&mut self) {
        self.shutdown.cancel();
        self.handle.take().unwrap().closed().await;
        self.shutdown = CancellationToken::new();
        let log = self.events.clone();
        let events: crate::local::broker::EventSink =
            Arc::new(move |event| log.lock().unwrap().push(event));
        let server = self.ca.issue("broker", vec!["localhost".to_owned()]);
        self.handle = Some(self.start_broker(server, events).await);
    }

    pub(super) fn addr(&self) -> std::net::SocketAddr {
        self.handle.as_ref().unwrap().local_addr()
    }

    pub(super) fn broker(&self) -> &BrokerHandle {
        self.handle.as_ref().unwrap()
    }

    /// A device certificate the gate knows (and considers active).
    pub(super) fn device(&self, name: &str) -> Identity {
        let identity = self.ca.issue(name, Vec::new());
        let der = identity.chain[0].as_ref().to_vec();
        self.gate.known.lock().unwrap().insert(der);
        identity
    }

    pub(super) fn inactive_device(&self, name: &str) -> Identity {
        let identity = self.device(name);
        let der = identity.chain[0].as_ref().to_vec();
        self.gate.inactive.lock().unwrap().insert(der);
        identity
    }

    /// Waits for an event `pick` recognises and returns what it extracted.
    pub(super) async fn event<T>(&self, mut pick: impl FnMut(&BrokerEvent) -> Option<T>) -> T {
        for _ in 0..500 {
            if let Some(found) = self.events.lock().unwrap().iter().find_map(&mut pick) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("event not seen; events: {:#?}", self.events.lock().unwrap());
    }

    /// The next message for the rules engine other than a lifecycle event.
    pub(super) async fn next_inbound(&mut self) -> Inbound {
        loop {
            let inbound = self.next_inbound_or_event().await;
            if !is_presence(&inbound) {
                return inbound;
            }
        }
    }

    /// The next message for the rules engine, lifecycle events included.
    pub(super) async fn next_inbound_or_event(&mut self) -> Inbound {
        tokio::time::timeout(Duration::from_secs(5), self.sink.recv())
            .await
            .expect("no message reached the sink")
            .expect("sink closed")
    }

    /// Checks nothing but lifecycle events reaches the sink for a moment.
    pub(super) async fn no_inbound(&mut self) {
        let until = tokio::time::Instant::now() + Duration::from_millis(200);
        while let Ok(Some(inbound)) = tokio::time::timeout_at(until, self.sink.recv()).await {
            if !is_presence(&inbound) {
                panic!("unexpected message in the sink: {inbound:?}");
            }
        }
    }
}

/// Whether a message for the rules engine is a connected or disconnected lifecycle event.
pub(super) fn is_presence(inbound: &Inbound) -> bool {
    inbound.topic.starts_with("$aws/events/presence/")
}
