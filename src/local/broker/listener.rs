//! Accepts TCP connections until shutdown and gives each its own task: TLS handshake, then
//! the MQTT connection. A handshake the gate refused after registering the certificate just in
//! time ends with the registration event published by the broker itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

use super::event::{BrokerEvent, RefusedAt};
use super::tls::{Failed, Tls};
use super::{Shared, connection};

pub(super) async fn run(listener: TcpListener, tls: Tls, shared: Arc<Shared>) {
    let tls = Arc::new(tls);
    loop {
        let accepted = tokio::select! {
            () = shared.shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((tcp, peer)) => {
                let _ = tcp.set_nodelay(true);
                tokio::spawn(serve(tcp, peer, tls.clone(), shared.clone()));
            }
            // Usually out of file descriptors: wait for some to be released.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn serve(tcp: TcpStream, peer: SocketAddr, tls: Arc<Tls>, shared: Arc<Shared>) {
    let accepted = tokio::select! {
        () = shared.shutdown.cancelled() => return,
        accepted = tls.accept(tcp) => accepted,
    };
    drop(tls);
    match accepted {
        Ok(accepted) => connection::run(shared, accepted, peer).await,
        Err(Failed {
            registered: Some(registration),
            ..
        }) => {
            shared.emit(BrokerEvent::Registered {
                peer,
                certificate_id: registration.certificate_id.clone(),
                ca_certificate_id: registration.ca_certificate_id.clone(),
            });
            connection::publish_event(&shared, &registration.topic, registration.payload).await;
        }
        Err(Failed { reason, .. }) => shared.emit(BrokerEvent::Refused {
            peer,
            at: RefusedAt::Tls,
            client_id: None,
            reason,
        }),
    }
}
