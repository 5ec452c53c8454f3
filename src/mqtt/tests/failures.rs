//! Connections that fail, and the messages they fail with.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::support::{Authority, Broker, FakeServer, allow_all};
use crate::local::gate::Action;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, MqttError, QoS};

async fn refused(endpoint: &Endpoint) -> MqttError {
    let options = ConnectOptions::new("device");
    match Connection::connect(endpoint, &options).await {
        Ok(_) => panic!("connected to {}", endpoint.describe()),
        Err(error) => error,
    }
}

#[tokio::test]
async fn an_unknown_client_certificate_is_named_tls13() {
    let broker = Broker::start(allow_all).await;
    let stranger = Arc::new(Authority::new("other CA").issue("stranger", &[]));
    // With TLS 1.3 the refusal arrives as an alert after the client finished its handshake.
    let error = refused(&broker.endpoint(stranger)).await;
    assert!(
        matches!(error, MqttError::ClientCertificateRefused { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("the broker refused the client certificate (TLS alert: unknown CA)"),
        "{error}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_unknown_client_certificate_is_named_tls12() {
    let trusted = Authority::new("trusted device CA");
    let server = FakeServer::start_with(Some(trusted.der()), true).await;
    let endpoint = server.endpoint();
    // With TLS 1.2 the refusal arrives during the handshake.
    let (error, accepted) = tokio::join!(refused(&endpoint), server.try_accept());
    assert!(accepted.is_err());
    assert!(
        matches!(error, MqttError::ClientCertificateRefused { .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_inactive_certificate_gets_not_authorized() {
    let broker = Broker::start(allow_all).await;
    let error = refused(&broker.endpoint(broker.inactive_device("retired"))).await;
    assert!(
        matches!(error, MqttError::ConnectionRefused { code: 5 }),
        "{error:?}"
    );
    assert!(error.to_string().contains("not authorized"), "{error}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_untrusted_server_certificate_points_at_the_ca_file() {
    let broker = Broker::start(allow_all).await;
    let device = broker.device("device");
    let Endpoint::Mtls {
        host,
        port,
        identity,
        ..
    } = broker.endpoint(device.clone())
    else {
        unreachable!()
    };
    let wrong_ca = Endpoint::Mtls {
        host,
        port,
        trust: Authority::new("unrelated").trust(),
        identity,
        alpn: None,
    };
    let error = refused(&wrong_ca).await;
    assert!(
        matches!(error, MqttError::ServerNotTrusted { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "TLS handshake with localhost failed: the server's certificate is not trusted (it is not issued by a trusted CA); wrong CA file?"
    );
    // The certificate names localhost only.
    let wrong_name = Endpoint::Mtls {
        host: "127.0.0.1".to_owned(),
        port,
        trust: broker.ca.trust(),
        identity: device,
        alpn: None,
    };
    let error = refused(&wrong_name).await;
    assert!(
        error
            .to_string()
            .contains("not valid for the name 127.0.0.1"),
        "{error}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_closed_port_is_unreachable_and_worth_a_retry() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let broker = Broker::start(allow_all).await;
    let Endpoint::Mtls {
        trust, identity, ..
    } = broker.endpoint(broker.device("d"))
    else {
        unreachable!()
    };
    let endpoint = Endpoint::Mtls {
        host: "127.0.0.1".to_owned(),
        port,
        trust,
        identity,
        alpn: None,
    };
    let error = refused(&endpoint).await;
    assert_eq!(
        error.to_string(),
        format!(
            "cannot reach 127.0.0.1:{port}: connection refused (is the broker running and listening on that port?)"
        )
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_broker_closing_the_session_says_what_that_means_on_aws() {
    let broker =
        Broker::start(|action, target| !(action == Action::Publish && target == "forbidden")).await;
    let mut client = broker.connect("bold").await;
    client
        .publish(
            "forbidden",
            Bytes::from_static(b"x"),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    let error = tokio::time::timeout(Duration::from_secs(5), client.next_event())
        .await
        .expect("the broker did not close the connection")
        .unwrap_err();
    assert!(matches!(error, MqttError::Closed), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("on AWS IoT this is how a policy refusal looks"),
        "{error}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_server_closing_before_connack() {
    let server = FakeServer::start().await;
    let endpoint = server.endpoint();
    let (error, ()) = tokio::join!(refused(&endpoint), async {
        let mut peer = server.accept().await;
        assert_eq!(peer.packet().await.0, 0x10);
        peer.close().await;
    });
    assert!(matches!(error, MqttError::ClosedBeforeConnack), "{error:?}");
    assert!(error.to_string().contains("iot:Connect"), "{error}");
}

#[tokio::test]
async fn a_silent_server_times_out_naming_the_phase() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = Endpoint::Mtls {
        host: "127.0.0.1".to_owned(),
        port,
        trust: Authority::new("any").trust(),
        identity: Arc::new(Authority::new("any").issue("d", &[])),
        alpn: None,
    };
    let mut options = ConnectOptions::new("d");
    options.connect_timeout = Duration::from_millis(300);
    // Accepts TCP, never answers the TLS handshake.
    let _hold = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(tcp);
    });
    let error = Connection::connect(&endpoint, &options)
        .await
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        format!("timed out after 300 ms connecting to mqtts://127.0.0.1:{port} (TLS handshake)")
    );
    assert!(error.is_retryable());
}
