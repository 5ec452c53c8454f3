//! The CONNECT exchange: read the first packet, check the client id, the certificate, the
//! `iot:Connect` policy and the will, and refuse with the right CONNACK or accept.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

use super::codec::{self, ConnectError, ConnectRequest, FrameError, FrameReader, Version, Will};
use super::event::{BrokerEvent, RefusedAt};
use super::router::SessionRequest;
use super::{Shared, topics};
use crate::local::gate::{Action, Principal};

/// How long a client has, after the handshake, to send CONNECT.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// AWS IoT Core's longest client id, in bytes.
pub(super) const MAX_CLIENT_ID_BYTES: usize = 128;
/// Server-side limit on unacknowledged QoS 1 messages in each direction.
pub(super) const MAX_INFLIGHT: u16 = 100;

/// An accepted session's parameters.
#[derive(Debug)]
pub(super) struct Session {
    pub(super) version: Version,
    pub(super) client_id: Arc<str>,
    pub(super) principal: Principal,
    pub(super) keep_alive: Duration,
    pub(super) will: Option<Will>,
    /// Unacknowledged QoS 1 deliveries allowed to this client.
    pub(super) max_inflight: usize,
    /// The largest packet the client accepts.
    pub(super) max_packet_size: usize,
    /// Set when the broker changed the client's keep-alive (MQTT 5 tells the client).
    pub(super) server_keep_alive: Option<u16>,
    /// Clean or persistent, and for how long the session outlives the connection.
    pub(super) session: SessionRequest,
    /// Set when the broker grants another session expiry than an MQTT 5 client asked for.
    pub(super) granted_expiry: Option<u32>,
}

/// Why a CONNECT is refused, as CONNACK codes for each version.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    UnsupportedProtocol,
    BadClientId,
    NotAuthorized,
    Malformed,
    /// AWS's connect throttle for one client id.
    Throttled,
}

impl Refusal {
    fn code(self, version: Version) -> u8 {
        match (self, version) {
            (Refusal::UnsupportedProtocol, Version::V3) => 1,
            (Refusal::BadClientId, Version::V3) => 2,
            (Refusal::NotAuthorized | Refusal::Malformed, Version::V3) => 5,
            (Refusal::UnsupportedProtocol, Version::V5) => 0x84,
            (Refusal::BadClientId, Version::V5) => 0x85,
            (Refusal::NotAuthorized, Version::V5) => 0x87,
            (Refusal::Malformed, Version::V5) => 0x81,
            // "Server unavailable"; MQTT 5 has "connection rate exceeded".
            (Refusal::Throttled, Version::V3) => 3,
            (Refusal::Throttled, Version::V5) => 0x9F,
        }
    }
}

/// Reads and checks the CONNECT. On refusal the CONNACK (if any) is sent, the event emitted and
/// `None` returned: the caller only has to drop the stream.
pub(super) async fn establish(
    shared: &Shared,
    stream: &mut TlsStream<TcpStream>,
    reader: &mut FrameReader,
    chain: &[CertificateDer<'static>],
    peer: SocketAddr,
) -> Option<Session> {
    let refused = |client_id: Option<&str>, reason: String| {
        shared.emit(BrokerEvent::Refused {
            peer,
            at: RefusedAt::Connect,
            client_id: client_id.map(str::to_owned),
            reason,
        });
    };
    let read = tokio::time::timeout(CONNECT_TIMEOUT, read_frame(stream, reader)).await;
    let frame = match read {
        Ok(Ok(frame)) => frame,
        Ok(Err(reason)) => {
            refused(None, reason);
            return None;
        }
        Err(_) => {
            refused(None, "no CONNECT within 10 s".to_owned());
            return None;
        }
    };
    let request = match codec::decode_connect(&frame) {
        Ok(request) => request,
        Err(error) => {
            let (reply, reason) = match error {
                ConnectError::NotConnect => (None, "the first packet was not CONNECT".to_owned()),
                ConnectError::UnsupportedLevel(level) => (
                    Some((Version::V3, Refusal::UnsupportedProtocol)),
                    format!("MQTT protocol level {level} is not supported (3.1.1 and 5 are)"),
                ),
                ConnectError::Malformed(version, reason) => (
                    Some((version, Refusal::Malformed)),
                    format!("malformed CONNECT: {reason}"),
                ),
            };
            if let Some((version, refusal)) = reply {
                send_connack_refusal(stream, version, refusal).await;
            }
            refused(None, reason);
            return None;
        }
    };
    match check(shared, &request, chain) {
        Ok(principal) => Some(accept(shared, request, principal)),
        Err((refusal, reason)) => {
            send_connack_refusal(stream, request.version, refusal).await;
            refused(Some(&request.client_id), reason);
            None
        }
    }
}

async fn read_frame(
    stream: &mut TlsStream<TcpStream>,
    reader: &mut FrameReader,
) -> Result<codec::Frame, String> {
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => return Ok(frame),
            Ok(None) => {}
            Err(FrameError::TooLarge { size }) => {
                return Err(format!("CONNECT of {size} bytes is too large"));
            }
            Err(FrameError::Malformed(reason)) => {
                return Err(format!("malformed CONNECT: {reason}"));
            }
        }
        match stream.read_buf(reader.buffer()).await {
            Ok(0) => return Err("connection closed before CONNECT".to_owned()),
            Ok(_) => {}
            Err(error) => return Err(format!("connection error before CONNECT: {error}")),
        }
    }
}

/// The gate's and AWS's checks, in AWS's order.
fn check(
    shared: &Shared,
    request: &ConnectRequest,
    chain: &[CertificateDer<'static>],
) -> Result<Principal, (Refusal, String)> {
    let client_id: &str = &request.client_id;
    if client_id.is_empty() {
        return Err((Refusal::BadClientId, "empty client id".to_owned()));
    }
    if client_id.len() > MAX_CLIENT_ID_BYTES {
        return Err((
            Refusal::BadClientId,
            format!(
                "client id of {} bytes is longer than {MAX_CLIENT_ID_BYTES}",
                client_id.len()
            ),
        ));
    }
    let not_authorized = |reason: String| (Refusal::NotAuthorized, reason);
    let principal = shared
        .gate
        .authenticate(chain)
        .map_err(|r| not_authorized(r.reason))?;
    let authorize = |action: Action, target: &str, what: &str| {
        shared
            .gate
            .authorize(&principal, client_id, action, target)
            .map_err(|r| {
                not_authorized(format!(
                    "{what} not allowed by the policies attached to certificate {}: {}",
                    principal.certificate_id, r.reason
                ))
            })
    };
    authorize(
        Action::Connect,
        client_id,
        &format!("connect as {client_id}"),
    )?;
    if let Some(will) = &request.will {
        topics::check_topic(&will.topic).map_err(|r| not_authorized(format!("last will: {r}")))?;
        authorize(
            Action::Publish,
            &will.topic,
            &format!("last will on {}", &*will.topic),
        )?;
        if will.retain {
            authorize(
                Action::RetainPublish,
                &will.topic,
                &format!("retained last will on {}", &*will.topic),
            )?;
        }
    }
    // Last, so only a client allowed to use the client id can keep it throttled.
    shared.throttle.admit(&request.client_id).map_err(|since| {
        (
            Refusal::Throttled,
            super::throttle::refusal(shared.throttle.interval(), since),
        )
    })?;
    Ok(principal)
}

fn accept(shared: &Shared, request: ConnectRequest, principal: Principal) -> Session {
    let bounds = shared.keep_alive;
    let keep_alive = match request.keep_alive {
        0 => bounds.max_secs,
        asked => asked.clamp(bounds.min_secs, bounds.max_secs),
    };
    // AWS IoT Core: an MQTT 3.1.1 persistent session lasts the account's session expiry;
    // an MQTT 5 client asks for an interval (absent: 0), capped at that expiry.
    let max_expiry = shared.sessions.max_expiry_secs;
    let (expiry_secs, granted_expiry) = match request.version {
        Version::V3 => (if request.clean { 0 } else { max_expiry }, None),
        Version::V5 => {
            let asked = request.session_expiry.unwrap_or(0);
            let granted = asked.min(max_expiry);
            (granted, (granted != asked).then_some(granted))
        }
    };
    let will = request.will.map(|will| Will {
        // QoS 2 is not supported: the will goes out at QoS 1.
        qos: will.qos.min(1),
        ..will
    });
    Session {
        version: request.version,
        client_id: request.client_id,
        principal,
        keep_alive: Duration::from_secs(u64::from(keep_alive)),
        will,
        max_inflight: usize::from(request.receive_max.clamp(1, MAX_INFLIGHT)),
        max_packet_size: request.max_packet_size.map_or(usize::MAX, |size| {
            usize::try_from(size).unwrap_or(usize::MAX)
        }),
        server_keep_alive: (keep_alive != request.keep_alive).then_some(keep_alive),
        session: SessionRequest {
            clean: request.clean,
            expiry_secs,
        },
        granted_expiry,
    }
}

async fn send_connack_refusal(
    stream: &mut TlsStream<TcpStream>,
    version: Version,
    refusal: Refusal,
) {
    let mut out = Vec::new();
    match version {
        Version::V3 => codec::put_connack_v3(&mut out, refusal.code(version), false),
        Version::V5 => codec::put_connack_v5(
            &mut out,
            codec::ConnackV5 {
                reason: refusal.code(version),
                session_present: false,
                session_expiry: None,
                max_packet_size: 0,
                receive_max: 0,
                server_keep_alive: None,
            },
        ),
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        stream.write_all(&out).await?;
        stream.flush().await?;
        stream.shutdown().await
    })
    .await;
}
