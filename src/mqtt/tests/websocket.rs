//! MQTT over WebSocket against a scripted WebSocket server (tungstenite's own server side,
//! over rustls, in a thread): the URL's path and query go out verbatim, the subprotocol is
//! `mqtt`, packets travel in binary frames (and may be split across them), pings are
//! answered, a refused upgrade reports its status.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::{self, Message as Ws, http};

use super::support::Authority;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, MqttError, QoS, sigv4};

/// What the server saw.
#[derive(Debug, Default)]
struct Seen {
    request: String,
    protocol: Option<String>,
    pong: bool,
}

/// A WebSocket server for one connection; `refuse` answers the upgrade with 403.
#[allow(clippy::result_large_err)]
fn server(refuse: bool) -> (u16, Authority, std::thread::JoinHandle<Seen>) {
    let ca = Authority::new("ws CA");
    let identity = ca.issue("ws", &["localhost"]);
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(identity.chain, identity.key)
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let tls = rustls::StreamOwned::new(
            rustls::ServerConnection::new(Arc::new(config)).unwrap(),
            tcp,
        );
        let seen = Arc::new(Mutex::new(Seen::default()));
        let record = seen.clone();
        let callback =
            move |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
                let mut seen = record.lock().unwrap();
                seen.request = request.uri().to_string();
                seen.protocol = request
                    .headers()
                    .get("Sec-WebSocket-Protocol")
                    .map(|v| v.to_str().unwrap().to_owned());
                if refuse {
                    return Err(http::Response::builder()
                        .status(403)
                        .body(Some("denied".to_owned()))
                        .unwrap());
                }
                response.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    http::HeaderValue::from_static("mqtt"),
                );
                Ok(response)
            };
        let Ok(mut ws) = tungstenite::accept_hdr(tls, callback) else {
            return Arc::try_unwrap(seen).unwrap().into_inner().unwrap();
        };
        let binary = |ws: &mut tungstenite::WebSocket<_>| loop {
            match ws.read().unwrap() {
                Ws::Binary(bytes) => return bytes,
                Ws::Pong(_) => seen.lock().unwrap().pong = true,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(binary(&mut ws)[0], 0x10, "expected CONNECT");
        ws.send(Ws::Binary(Bytes::from_static(&[0x20, 2, 0, 0])))
            .unwrap();
        ws.send(Ws::Ping(Bytes::from_static(b"there?"))).unwrap();
        let publish = binary(&mut ws);
        assert_eq!(
            &publish[..9],
            &[0x32, 11, 0, 5, b'w', b's', b'/', b'u', b'p']
        );
        ws.send(Ws::Binary(Bytes::from(vec![
            0x40,
            2,
            publish[9],
            publish[10],
        ])))
        .unwrap();
        // One PUBLISH split over two frames.
        let down = [&[0x30, 14, 0, 7][..], b"ws/down", b"hello"].concat();
        ws.send(Ws::Binary(Bytes::copy_from_slice(&down[..4])))
            .unwrap();
        ws.send(Ws::Binary(Bytes::copy_from_slice(&down[4..])))
            .unwrap();
        assert_eq!(&binary(&mut ws)[..], &[0xE0, 0], "expected DISCONNECT");
        drop(ws);
        Arc::try_unwrap(seen).unwrap().into_inner().unwrap()
    });
    (port, ca, handle)
}

fn endpoint(url: String, ca: &Authority) -> Endpoint {
    Endpoint::WebSocket {
        url: Arc::new(move || Ok(url.clone())),
        trust: ca.trust(),
    }
}

#[tokio::test]
async fn mqtt_over_websocket_to_a_presigned_url() {
    let (port, ca, handle) = server(false);
    let credentials = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE",
        "secret",
        Some("to+ken/=".to_owned()),
        None,
        "test",
    );
    let url = sigv4::presign_iot_url(
        &format!("localhost:{port}"),
        "eu-west-1",
        &credentials,
        SystemTime::now(),
        Duration::from_secs(60),
    )
    .unwrap();
    let endpoint = endpoint(url.clone(), &ca);
    assert_eq!(endpoint.describe(), format!("wss://localhost:{port}/mqtt"));
    let mut client = Connection::connect(&endpoint, &ConnectOptions::new("ws-client"))
        .await
        .unwrap();
    let id = client
        .publish("ws/up", Bytes::from_static(b"hi"), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), client.next_event())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(event, Event::PubAck(acked) if Some(acked) == id),
        "{event:?}"
    );
    match tokio::time::timeout(Duration::from_secs(5), client.next_event())
        .await
        .unwrap()
        .unwrap()
    {
        Event::Message(m) => assert_eq!(
            (m.topic.as_str(), &m.payload[..]),
            ("ws/down", &b"hello"[..])
        ),
        other => panic!("{other:?}"),
    }
    client.disconnect().await.unwrap();
    let seen = tokio::task::spawn_blocking(move || handle.join().unwrap())
        .await
        .unwrap();
    let sent = url
        .strip_prefix(&format!("wss://localhost:{port}"))
        .unwrap();
    assert_eq!(seen.request, sent);
    assert!(
        seen.request
            .ends_with("&X-Amz-Security-Token=to%2Bken%2F%3D"),
        "{}",
        seen.request
    );
    assert_eq!(seen.protocol.as_deref(), Some("mqtt"));
    assert!(seen.pong, "the ping was not answered");
}

#[tokio::test]
async fn a_refused_upgrade_reports_its_status() {
    let (port, ca, handle) = server(true);
    let endpoint = endpoint(
        format!("wss://localhost:{port}/mqtt?X-Amz-Signature=bad"),
        &ca,
    );
    let error = Connection::connect(&endpoint, &ConnectOptions::new("ws-client"))
        .await
        .err()
        .unwrap();
    assert!(
        matches!(error, MqttError::WebSocketRefused { status: 403 }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "WebSocket upgrade refused with HTTP 403 (check the AWS credentials, the region, and that the policy allows iot:Connect)"
    );
    assert!(!error.is_retryable());
    let seen = tokio::task::spawn_blocking(move || handle.join().unwrap())
        .await
        .unwrap();
    assert_eq!(seen.request, "/mqtt?X-Amz-Signature=bad");
}
