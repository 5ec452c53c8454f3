//! A small MQTT 3.1.1 / 5 test client over tokio-rustls, encoding with `mqtt-proto`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mqtt_proto::{Pid, Protocol, QoS, QosPid, TopicFilter, TopicName, v3, v5};
use rustls::pki_types::ServerName;
use rustls_pki_types::CertificateDer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::support::{Harness, Identity};
use crate::local::broker::codec::Version;

/// What the client received, in a shape tests can compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Got {
    Connack {
        code: u8,
        session_present: bool,
        server_keep_alive: Option<u16>,
        max_packet_size: Option<u32>,
    },
    Publish {
        topic: String,
        payload: Vec<u8>,
        qos: u8,
        pid: u16,
        retain: bool,
        dup: bool,
    },
    Puback(u16),
    Suback(Vec<u8>),
    Unsuback,
    Pingresp,
    Disconnect(u8),
    /// The connection ended (end of stream or an error such as a TLS alert).
    Closed(String),
}

#[derive(Debug, Clone, Default)]
pub(super) struct ConnectOptions {
    pub(super) keep_alive: u16,
    /// Topic, payload, QoS, retain.
    pub(super) will: Option<(String, Vec<u8>, u8, bool)>,
}

/// The session a CONNECT asks for.
#[derive(Debug, Clone, Copy)]
pub(super) struct SessionFlags {
    /// MQTT 3.1.1 clean session, MQTT 5 clean start.
    pub(super) clean: bool,
    /// MQTT 5 Session Expiry Interval.
    pub(super) expiry: Option<u32>,
}

impl Default for SessionFlags {
    fn default() -> Self {
        SessionFlags {
            clean: true,
            expiry: None,
        }
    }
}

pub(super) struct Client {
    pub(super) stream: TlsStream<TcpStream>,
    pub(super) version: Version,
}

pub(super) async fn tls(
    addr: std::net::SocketAddr,
    ca: CertificateDer<'static>,
    identity: Option<Identity>,
    tls12: bool,
) -> std::io::Result<TlsStream<TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = if tls12 {
        &[&rustls::version::TLS12]
    } else {
        &[&rustls::version::TLS13]
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        Some(identity) => builder
            .with_client_auth_cert(identity.chain, identity.key)
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").unwrap();
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}

fn pid(value: u16) -> Pid {
    Pid::try_from(value).unwrap()
}

fn qos_pid(qos: u8, id: u16) -> QosPid {
    match qos {
        0 => QosPid::Level0,
        1 => QosPid::Level1(pid(id)),
        _ => QosPid::Level2(pid(id)),
    }
}

impl Client {
    /// TLS only, nothing sent yet.
    pub(super) async fn open(h: &Harness, identity: &Identity, version: Version) -> Client {
        let stream = tls(h.addr(), h.ca.der(), Some(identity.copy()), false)
            .await
            .unwrap();
        Client { stream, version }
    }

    /// Opens, sends CONNECT with a 60 s keep-alive and returns the CONNACK.
    pub(super) async fn connect(
        h: &Harness,
        identity: &Identity,
        version: Version,
        client_id: &str,
    ) -> (Client, Got) {
        let options = ConnectOptions {
            keep_alive: 60,
            will: None,
        };
        Self::connect_with(h, identity, version, client_id, options).await
    }

    pub(super) async fn connect_with(
        h: &Harness,
        identity: &Identity,
        version: Version,
        client_id: &str,
        options: ConnectOptions,
    ) -> (Client, Got) {
        let mut client = Self::open(h, identity, version).await;
        client.send_connect(client_id, options).await;
        let connack = client.recv().await;
        (client, connack)
    }

    /// Connects and checks the CONNACK is a success.
    pub(super) async fn connected(
        h: &Harness,
        identity: &Identity,
        version: Version,
        client_id: &str,
    ) -> Client {
        let (client, connack) = Self::connect(h, identity, version, client_id).await;
        assert!(
            matches!(connack, Got::Connack { code: 0, .. }),
            "{client_id}: {connack:?}"
        );
        client
    }

    /// Connects with a persistent (or clean) session and returns the CONNACK.
    pub(super) async fn connect_session(
        h: &Harness,
        identity: &Identity,
        version: Version,
        client_id: &str,
        session: SessionFlags,
    ) -> (Client, Got) {
        let mut client = Self::open(h, identity, version).await;
        let options = ConnectOptions {
            keep_alive: 60,
            will: None,
        };
        client.send_connect_with(client_id, options, session).await;
        let connack = client.recv().await;
        (client, connack)
    }

    pub(super) async fn send_connect(&mut self, client_id: &str, options: ConnectOptions) {
        self.send_connect_with(client_id, options, SessionFlags::default())
            .await;
    }

    pub(super) async fn send_connect_with(
        &mut self,
        client_id: &str,
        options: ConnectOptions,
        session: SessionFlags,
    ) {
        let bytes = match self.version {
            Version::V3 => {
                let mut connect = v3::Connect::new(client_id.into(), options.keep_alive);
                connect.protocol = Protocol::V311;
                connect.clean_session = session.clean;
                connect.last_will =
                    options
                        .will
                        .map(|(topic, payload, qos, retain)| v3::LastWill {
                            qos: QoS::from_u8(qos).unwrap(),
                            retain,
                            topic_name: TopicName::try_from(topic.as_str()).unwrap(),
                            message: Bytes::from(payload),
                        });
                v3::Packet::Connect(connect).encode().unwrap()
            }
            Version::V5 => {
                let mut connect = v5::Connect::new(client_id.into(), options.keep_alive);
                connect.clean_start = session.clean;
                connect.properties.session_expiry_interval = session.expiry;
                connect.last_will = options.will.map(|(topic, payload, qos, retain)| {
                    let mut will = v5::LastWill::new(
                        QoS::from_u8(qos).unwrap(),
                        TopicName::try_from(topic.as_str()).unwrap(),
                        Bytes::from(payload),
                    );
                    will.retain = retain;
                    will
                });
                v5::Packet::Connect(connect).encode().unwrap()
            }
        };
        self.raw(bytes.as_ref()).await;
    }

    pub(super) async fn publish(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: u8,
        id: u16,
        retain: bool,
    ) {
        let topic = TopicName::try_from(topic).unwrap();
        let payload = Bytes::copy_from_slice(payload);
        let bytes = match self.version {
            Version::V3 => {
                let mut publish = v3::Publish::new(qos_pid(qos, id), topic, payload);
                publish.retain = retain;
                v3::Packet::Publish(publish).encode().unwrap()
            }
            Version::V5 => {
                let mut publish = v5::Publish::new(qos_pid(qos, id), topic, payload);
                publish.retain = retain;
                v5::Packet::Publish(publish).encode().unwrap()
            }
        };
        self.raw(bytes.as_ref()).await;
    }

    pub(super) async fn subscribe(&mut self, id: u16, filters: &[(&str, u8)]) {
        let bytes = match self.version {
            Version::V3 => {
                let topics = filters
                    .iter()
                    .map(|(f, q)| {
                        (
                            TopicFilter::try_from(*f).unwrap(),
                            QoS::from_u8(*q).unwrap(),
                        )
                    })
                    .collect();
                v3::Packet::Subscribe(v3::Subscribe::new(pid(id), topics))
                    .encode()
                    .unwrap()
            }
            Version::V5 => {
                let topics = filters
                    .iter()
                    .map(|(f, q)| {
                        let options = v5::SubscriptionOptions::new(QoS::from_u8(*q).unwrap());
                        (TopicFilter::try_from(*f).unwrap(), options)
                    })
                    .collect();
                v5::Packet::Subscribe(v5::Subscribe::new(pid(id), topics))
                    .encode()
                    .unwrap()
            }
        };
        self.raw(bytes.as_ref()).await;
    }

    /// Subscribes and returns the SUBACK's codes.
    pub(super) async fn subscribed(&mut self, id: u16, filters: &[(&str, u8)]) -> Vec<u8> {
        self.subscribe(id, filters).await;
        match self.recv().await {
            Got::Suback(codes) => codes,
            other => panic!("expected SUBACK, got {other:?}"),
        }
    }

    pub(super) async fn puback(&mut self, id: u16) {
        let bytes = match self.version {
            Version::V3 => v3::Packet::Puback(pid(id)).encode().unwrap(),
            Version::V5 => v5::Packet::Puback(v5::Puback::new_success(pid(id)))
                .encode()
                .unwrap(),
        };
        self.raw(bytes.as_ref()).await;
    }

    /// DISCONNECT; `code` is the MQTT 5 reason (ignored for 3.1.1).
    pub(super) async fn disconnect(&mut self, code: u8) {
        let bytes = match self.version {
            Version::V3 => v3::Packet::Disconnect.encode().unwrap(),
            Version::V5 => {
                let reason = v5::DisconnectReasonCode::from_u8(code).unwrap();
                v5::Packet::Disconnect(v5::Disconnect::new(reason))
                    .encode()
                    .unwrap()
            }
        };
        self.raw(bytes.as_ref()).await;
    }

    /// MQTT 5 DISCONNECT (normal) that sets the session's expiry.
    pub(super) async fn disconnect_with_expiry(&mut self, expiry: u32) {
        let mut disconnect = v5::Disconnect::new(v5::DisconnectReasonCode::NormalDisconnect);
        disconnect.properties.session_expiry_interval = Some(expiry);
        let bytes = v5::Packet::Disconnect(disconnect).encode().unwrap();
        self.raw(bytes.as_ref()).await;
    }

    pub(super) async fn raw(&mut self, bytes: &[u8]) {
        // The broker may already have closed; the next `recv` tells.
        let _ = self.stream.write_all(bytes).await;
        let _ = self.stream.flush().await;
    }

    /// The next packet, failing the test after 5 s.
    pub(super) async fn recv(&mut self) -> Got {
        self.recv_within(Duration::from_secs(5))
            .await
            .expect("nothing received within 5 s")
    }

    pub(super) async fn recv_within(&mut self, wait: Duration) -> Option<Got> {
        tokio::time::timeout(wait, self.read_packet()).await.ok()
    }

    /// Reads until the connection ends and returns the DISCONNECT code seen, if any.
    pub(super) async fn closed(&mut self) -> Option<u8> {
        let mut code = None;
        loop {
            match self.recv().await {
                Got::Disconnect(c) => code = Some(c),
                Got::Closed(_) => return code,
                _ => {}
            }
        }
    }

    async fn read_packet(&mut self) -> Got {
        match self.read_frame().await {
            Ok(bytes) => self.parse(&bytes),
            Err(error) => Got::Closed(error.to_string()),
        }
    }

    async fn read_frame(&mut self) -> std::io::Result<Vec<u8>> {
        let mut frame = vec![self.stream.read_u8().await?];
        let mut remaining = 0usize;
        for shift in 0..4 {
            let byte = self.stream.read_u8().await?;
            frame.push(byte);
            remaining |= usize::from(byte & 0x7F) << (7 * shift);
            if byte & 0x80 == 0 {
                break;
            }
        }
        let start = frame.len();
        frame.resize(start + remaining, 0);
        self.stream.read_exact(&mut frame[start..]).await?;
        Ok(frame)
    }

    fn parse(&self, bytes: &[u8]) -> Got {
        match self.version {
            Version::V3 => match v3::Packet::decode(bytes).unwrap().unwrap() {
                v3::Packet::Connack(c) => Got::Connack {
                    code: c.code as u8,
                    session_present: c.session_present,
                    server_keep_alive: None,
                    max_packet_size: None,
                },
                v3::Packet::Publish(p) => Got::Publish {
                    topic: p.topic_name.to_string(),
                    payload: p.payload.to_vec(),
                    qos: p.qos_pid.qos() as u8,
                    pid: p.qos_pid.pid().map_or(0, |p| p.value()),
                    retain: p.retain,
                    dup: p.dup,
                },
                v3::Packet::Puback(p) => Got::Puback(p.value()),
                v3::Packet::Suback(s) => Got::Suback(
                    s.topics
                        .iter()
                        .map(|c| match c {
                            v3::SubscribeReturnCode::Failure => 0x80,
                            v3::SubscribeReturnCode::MaxLevel0 => 0,
                            v3::SubscribeReturnCode::MaxLevel1 => 1,
                            v3::SubscribeReturnCode::MaxLevel2 => 2,
                        })
                        .collect(),
                ),
                v3::Packet::Unsuback(_) => Got::Unsuback,
                v3::Packet::Pingresp => Got::Pingresp,
                other => panic!("unexpected packet {other:?}"),
            },
            Version::V5 => match v5::Packet::decode(bytes).unwrap().unwrap() {
                v5::Packet::Connack(c) => Got::Connack {
                    code: c.reason_code as u8,
                    session_present: c.session_present,
                    server_keep_alive: c.properties.server_keep_alive,
                    max_packet_size: c.properties.max_packet_size,
                },
                v5::Packet::Publish(p) => Got::Publish {
                    topic: p.topic_name.to_string(),
                    payload: p.payload.to_vec(),
                    qos: p.qos_pid.qos() as u8,
                    pid: p.qos_pid.pid().map_or(0, |p| p.value()),
                    retain: p.retain,
                    dup: p.dup,
                },
                v5::Packet::Puback(p) => Got::Puback(p.pid.value()),
                v5::Packet::Suback(s) => Got::Suback(s.topics.iter().map(|c| *c as u8).collect()),
                v5::Packet::Unsuback(_) => Got::Unsuback,
                v5::Packet::Pingresp => Got::Pingresp,
                v5::Packet::Disconnect(d) => Got::Disconnect(d.reason_code as u8),
                other => panic!("unexpected packet {other:?}"),
            },
        }
    }
}

/// A publish as `Got` shows it.
pub(super) fn got_publish(topic: &str, payload: &[u8], qos: u8, pid: u16, retain: bool) -> Got {
    Got::Publish {
        topic: topic.to_owned(),
        payload: payload.to_vec(),
        qos,
        pid,
        retain,
        dup: false,
    }
}
