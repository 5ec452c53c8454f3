//! soilctl's MQTT client against Debian's mosquitto: mutual TLS with mosquitto's own clients as
//! the other side, a client certificate mosquitto refuses, and MQTT over WebSocket with TLS to a
//! presigned URL (mosquitto ignores the query; framing and the `mqtt` subprotocol must be right).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use soilctl::mqtt::{
    ConnectOptions, Connection, Endpoint, Event, Identity, Message, MqttError, QoS, ServerTrust,
    sigv4,
};

use crate::mosquitto::{Mosquitto, TestPki, client_tool, start, test_pki};

fn mtls_endpoint(broker: &Mosquitto, pki: &TestPki, identity: Identity) -> Endpoint {
    Endpoint::Mtls {
        host: "localhost".to_owned(),
        port: broker.mtls_port,
        trust: ServerTrust::from_pem_file(&pki.ca).unwrap(),
        identity: Arc::new(identity),
        alpn: None,
    }
}

/// The arguments mosquitto's clients need for the mutual-TLS listener as `name`.
fn tls_args(broker: &Mosquitto, pki: &TestPki, cert: &Path, key: &Path) -> Vec<String> {
    [
        "-h",
        "localhost",
        "-p",
        &broker.mtls_port.to_string(),
        "--cafile",
        &pki.ca.display().to_string(),
        "--cert",
        &cert.display().to_string(),
        "--key",
        &key.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

async fn next_message(connection: &mut Connection, broker: &Mosquitto) -> Message {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), connection.next_event())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "nothing received in 10 s; mosquitto's log:\n{}",
                    broker.log()
                )
            })
            .unwrap();
        if let Event::Message(message) = event {
            return message;
        }
    }
}

async fn run(mut command: Command) -> Output {
    command.stdin(Stdio::null());
    tokio::task::spawn_blocking(move || command.output().expect("running a mosquitto client"))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_mosquitto_clients_on_the_other_side() {
    let dir = tempfile::tempdir().unwrap();
    let pki = test_pki(dir.path());
    let broker = start(&pki.ca, &pki.server_cert, &pki.server_key);

    // Ours publishes at QoS 1, mosquitto_sub receives. The subscriber's start is not observable,
    // so ours publishes until mosquitto_sub has its message.
    let (sub_cert, sub_key) = pki.client("watcher");
    let mut watcher = Command::new(client_tool("mosquitto_sub"));
    watcher
        .args(tls_args(&broker, &pki, &sub_cert, &sub_key))
        .args([
            "-i", "watcher", "-t", "soil/#", "-v", "-q", "1", "-C", "1", "-W", "20",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut watcher = watcher.spawn().expect("starting mosquitto_sub");
    let (cert, key) = pki.client("sensor-1");
    let identity = Identity::from_pem_files(&cert, &key).unwrap();
    let mut ours = Connection::connect(
        &mtls_endpoint(&broker, &pki, identity),
        &ConnectOptions::new("sensor-1"),
    )
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while watcher.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "mosquitto_sub got nothing; log:\n{}",
            broker.log()
        );
        let id = ours
            .publish(
                "soil/sensor-1",
                Bytes::from_static(b"{\"humidity\":41}"),
                QoS::AtLeastOnce,
                false,
            )
            .await
            .unwrap()
            .expect("a packet id");
        let acked = tokio::time::timeout(Duration::from_secs(5), ours.next_event())
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(acked, Event::PubAck(a) if a == id), "{acked:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let output = watcher.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some("soil/sensor-1 {\"humidity\":41}"),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    // mosquitto_pub publishes at QoS 1, ours receives (and acknowledges).
    assert_eq!(
        ours.subscribe(&[("cmd/#", QoS::AtLeastOnce)])
            .await
            .unwrap(),
        [Some(QoS::AtLeastOnce)]
    );
    let (pub_cert, pub_key) = pki.client("operator");
    let mut publisher = Command::new(client_tool("mosquitto_pub"));
    publisher
        .args(tls_args(&broker, &pki, &pub_cert, &pub_key))
        .args([
            "-i",
            "operator",
            "-t",
            "cmd/sensor-1",
            "-m",
            "water",
            "-q",
            "1",
        ]);
    let published = run(publisher).await;
    assert!(
        published.status.success(),
        "mosquitto_pub: {}",
        String::from_utf8_lossy(&published.stderr)
    );
    let message = next_message(&mut ours, &broker).await;
    assert_eq!(
        (message.topic.as_str(), &message.payload[..], message.qos),
        ("cmd/sensor-1", &b"water"[..], QoS::AtLeastOnce)
    );
    ours.disconnect().await.unwrap();
}

#[tokio::test]
async fn mosquitto_refusing_the_client_certificate_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pki = test_pki(dir.path());
    let broker = start(&pki.ca, &pki.server_cert, &pki.server_key);
    let other_dir = tempfile::tempdir().unwrap();
    let (cert, key) = test_pki(other_dir.path()).client("stranger");
    let identity = Identity::from_pem_files(&cert, &key).unwrap();
    let error = Connection::connect(
        &mtls_endpoint(&broker, &pki, identity),
        &ConnectOptions::new("stranger"),
    )
    .await
    .err()
    .expect("mosquitto accepted a certificate from another CA");
    assert!(
        matches!(error, MqttError::ClientCertificateRefused { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the broker refused the client certificate"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_with_a_presigned_url() {
    let dir = tempfile::tempdir().unwrap();
    let pki = test_pki(dir.path());
    let broker = start(&pki.ca, &pki.server_cert, &pki.server_key);
    let host = format!("localhost:{}", broker.ws_port);
    let credentials = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE",
        "secret",
        Some("session/token+=".to_owned()),
        None,
        "test",
    );
    let endpoint = Endpoint::WebSocket {
        url: Arc::new(move || {
            sigv4::presign_iot_url(
                &host,
                "eu-west-1",
                &credentials,
                SystemTime::now(),
                Duration::from_secs(300),
            )
        }),
        trust: ServerTrust::from_pem_file(&pki.ca).unwrap(),
    };
    assert_eq!(
        endpoint.describe(),
        format!("wss://localhost:{}/mqtt", broker.ws_port)
    );
    let mut ours = Connection::connect(&endpoint, &ConnectOptions::new("console-client"))
        .await
        .unwrap();
    assert_eq!(
        ours.subscribe(&[("ws/#", QoS::AtLeastOnce)]).await.unwrap(),
        [Some(QoS::AtLeastOnce)]
    );

    // Its own message comes back through the WebSocket.
    let big = Bytes::from(vec![b'x'; 100_000]);
    ours.publish("ws/echo", big.clone(), QoS::AtLeastOnce, false)
        .await
        .unwrap();
    let echo = next_message(&mut ours, &broker).await;
    assert_eq!(
        (echo.topic.as_str(), echo.payload.len()),
        ("ws/echo", big.len())
    );
    assert_eq!(echo.payload, big);

    // And what mosquitto_pub sends on the plain listener.
    let mut publisher = Command::new(client_tool("mosquitto_pub"));
    publisher.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.plain_port.to_string(),
        "-t",
        "ws/plain",
        "-m",
        "hello",
        "-q",
        "1",
    ]);
    let published = run(publisher).await;
    assert!(
        published.status.success(),
        "mosquitto_pub: {}",
        String::from_utf8_lossy(&published.stderr)
    );
    let message = next_message(&mut ours, &broker).await;
    assert_eq!(
        (message.topic.as_str(), &message.payload[..]),
        ("ws/plain", &b"hello"[..])
    );
    ours.disconnect().await.unwrap();
}
