//! Test certificates, the local broker with a small gate, and a scripted TLS server for what
//! a real broker will not do on demand (withhold PUBACK or PINGRESP, close at a chosen moment).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::local::broker::{BrokerConfig, BrokerEvent, BrokerHandle, KeepAliveBounds, start_with};
use crate::local::gate::{Action, Gate, Principal, Refusal};
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Identity, ServerTrust};

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

    pub(super) fn trust(&self) -> ServerTrust {
        ServerTrust::from_pem(self.issuer.pem().as_bytes()).unwrap()
    }

    pub(super) fn der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    pub(super) fn issue(&self, common_name: &str, names: &[&str]) -> Identity {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
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

type Policy = dyn Fn(Action, &str) -> bool + Send + Sync;

/// Knows the device certificates issued in a test (some inactive) and allows what the
/// policy allows.
pub(super) struct TestGate {
    known: Mutex<HashSet<Vec<u8>>>,
    inactive: Mutex<HashSet<Vec<u8>>>,
    policy: Box<Policy>,
}

fn first(chain: &[CertificateDer<'_>]) -> Vec<u8> {
    chain
        .first()
        .map(|c| c.as_ref().to_vec())
        .unwrap_or_default()
}

impl Gate for TestGate {
    fn verify_chain(&self, chain: &[CertificateDer<'_>]) -> Result<(), Refusal> {
        if self.known.lock().unwrap().contains(&first(chain)) {
            Ok(())
        } else {
            Err(Refusal::new("unknown certificate"))
        }
    }

    fn authenticate(&self, chain: &[CertificateDer<'_>]) -> Result<Principal, Refusal> {
        if self.inactive.lock().unwrap().contains(&first(chain)) {
            return Err(Refusal::new("certificate is INACTIVE"));
        }
        Ok(Principal {
            certificate_id: "test".to_owned(),
            common_name: "device".to_owned(),
        })
    }

    fn authorize(
        &self,
        _: &Principal,
        _: &str,
        action: Action,
        target: &str,
    ) -> Result<(), Refusal> {
        if (self.policy)(action, target) {
            Ok(())
        } else {
            Err(Refusal::new("denied"))
        }
    }
}

/// The local broker on a loopback port.
pub(super) struct Broker {
    pub(super) handle: BrokerHandle,
    pub(super) ca: Authority,
    gate: Arc<TestGate>,
    events: Arc<Mutex<Vec<BrokerEvent>>>,
    shutdown: CancellationToken,
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub(super) fn allow_all(_: Action, _: &str) -> bool {
    true
}

impl Broker {
    pub(super) async fn start(
        policy: impl Fn(Action, &str) -> bool + Send + Sync + 'static,
    ) -> Broker {
        Self::start_with(policy, KeepAliveBounds::default()).await
    }

    pub(super) async fn start_with(
        policy: impl Fn(Action, &str) -> bool + Send + Sync + 'static,
        keep_alive: KeepAliveBounds,
    ) -> Broker {
        let ca = Authority::new("test CA");
        let server = ca.issue("broker", &["localhost"]);
        let gate = Arc::new(TestGate {
            known: Mutex::default(),
            inactive: Mutex::default(),
            policy: Box::new(policy),
        });
        let events = Arc::new(Mutex::new(Vec::new()));
        let log = events.clone();
        // The rules engine is not under test: its end of the channel is closed.
        let (sink, _) = tokio::sync::mpsc::channel(1);
        let shutdown = CancellationToken::new();
        let mut config = BrokerConfig::new(server.chain, server.key);
        config.bind = "127.0.0.1:0".parse().unwrap();
        let handle = start_with(
            config,
            keep_alive,
            gate.clone(),
            sink,
            Arc::new(move |event| log.lock().unwrap().push(event)),
            shutdown.clone(),
        )
        .await
        .unwrap();
        Broker {
            handle,
            ca,
            gate,
            events,
            shutdown,
        }
    }

    /// A device certificate the gate knows, active.
    pub(super) fn device(&self, name: &str) -> Arc<Identity> {
        let identity = self.ca.issue(name, &[]);
        self.gate
            .known
            .lock()
            .unwrap()
            .insert(identity.chain[0].as_ref().to_vec());
        Arc::new(identity)
    }

    pub(super) fn inactive_device(&self, name: &str) -> Arc<Identity> {
        let identity = self.device(name);
        self.gate
            .inactive
            .lock()
            .unwrap()
            .insert(identity.chain[0].as_ref().to_vec());
        identity
    }

    pub(super) fn endpoint(&self, identity: Arc<Identity>) -> Endpoint {
        Endpoint::Mtls {
            host: "localhost".to_owned(),
            port: self.handle.local_addr().port(),
            trust: self.ca.trust(),
            identity,
            alpn: None,
        }
    }

    /// A connected session for a new known device named `client_id`.
    pub(super) async fn connect(&self, client_id: &str) -> Connection {
        let endpoint = self.endpoint(self.device(client_id));
        Connection::connect(&endpoint, &ConnectOptions::new(client_id))
            .await
            .unwrap()
    }

    pub(super) fn events(&self) -> Vec<BrokerEvent> {
        self.events.lock().unwrap().clone()
    }
}

/// A TLS server that a test scripts packet by packet.
pub(super) struct FakeServer {
    pub(super) ca: Authority,
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

impl FakeServer {
    pub(super) async fn start() -> FakeServer {
        Self::start_with(None, false).await
    }

    /// `client_ca`: require client certificates issued by it; `tls12`: offer only TLS 1.2.
    pub(super) async fn start_with(
        client_ca: Option<CertificateDer<'static>>,
        tls12: bool,
    ) -> FakeServer {
        let ca = Authority::new("fake CA");
        let server = ca.issue("fake", &["localhost"]);
        let versions: &[&rustls::SupportedProtocolVersion] = if tls12 {
            &[&rustls::version::TLS12]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .unwrap();
        let builder = match client_ca {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                roots.add(ca).unwrap();
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider(),
                )
                .build()
                .unwrap();
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let config = builder.with_single_cert(server.chain, server.key).unwrap();
        FakeServer {
            ca,
            listener: TcpListener::bind("127.0.0.1:0").await.unwrap(),
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        }
    }

    pub(super) fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap()
    }

    /// An endpoint with a device certificate this server's CA did not issue.
    pub(super) fn endpoint(&self) -> Endpoint {
        Endpoint::Mtls {
            host: "localhost".to_owned(),
            port: self.addr().port(),
            trust: self.ca.trust(),
            identity: Arc::new(Authority::new("device CA").issue("device", &[])),
            alpn: None,
        }
    }

    /// The next connection, past the handshake.
    pub(super) async fn accept(&self) -> Peer {
        self.try_accept().await.unwrap()
    }

    /// The next connection's handshake.
    pub(super) async fn try_accept(&self) -> std::io::Result<Peer> {
        let (tcp, _) = self.listener.accept().await?;
        let stream = self.acceptor.accept(tcp).await?;
        Ok(Peer {
            stream,
            buf: BytesMut::new(),
        })
    }

    /// The next connection after CONNECT, answered with a successful CONNACK.
    pub(super) async fn accept_session(&self) -> Peer {
        let mut peer = self.accept().await;
        let (first, _) = peer.packet().await;
        assert_eq!(first, 0x10, "expected CONNECT");
        peer.send(&[0x20, 2, 0, 0]).await;
        peer
    }
}

/// The server's side of one scripted connection.
pub(super) struct Peer {
    stream: tokio_rustls::server::TlsStream<TcpStream>,
    buf: BytesMut,
}

impl Peer {
    /// The next packet the client sent: its first byte and body.
    pub(super) async fn packet(&mut self) -> (u8, Vec<u8>) {
        loop {
            if self.buf.len() >= 2 {
                let mut remaining = 0usize;
                let mut at = 1;
                let mut complete = false;
                while at < self.buf.len() && at <= 4 {
                    remaining |= usize::from(self.buf[at] & 0x7F) << (7 * (at - 1));
                    at += 1;
                    if self.buf[at - 1] & 0x80 == 0 {
                        complete = true;
                        break;
                    }
                }
                if complete && self.buf.len() >= at + remaining {
                    let first = self.buf[0];
                    self.buf.advance(at);
                    return (first, self.buf.split_to(remaining).to_vec());
                }
            }
            let read =
                tokio::time::timeout(Duration::from_secs(5), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("no packet from the client within 5 s")
                    .unwrap();
            assert!(read > 0, "the client closed the connection");
        }
    }

    pub(super) async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
        self.stream.flush().await.unwrap();
    }

    /// Closes the TCP connection.
    pub(super) async fn close(mut self) {
        let _ = self.stream.shutdown().await;
    }
}
