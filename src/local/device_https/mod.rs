//! HTTPS for devices: what AWS IoT Core serves on port 8443 of the account's iot:Data-ATS
//! endpoint with the device's client certificate. `local up` runs it on loopback beside the
//! broker (`--https-port`, any free port by default; `broker.json` records it as `httpsPort`):
//!
//! - `POST /topics/<url-encoded topic>?qos=0|1[&retain=true]`: the body is the message. It is
//!   checked and handed to the broker as an MQTT PUBLISH of the same certificate is (see
//!   [`crate::local::broker::http_publish`]): subscribers, retained messages, the rules engine
//!   (archive, alerts) and the shadow and jobs topics see it alike. AWS's answers: 200
//!   `{"message":"OK","traceId":"..."}`; 403 `Forbidden` (`ForbiddenException`) when the
//!   policies do not allow `iot:Publish` on the topic or the topic is reserved; 413 over 128 KB;
//!   400 for a topic that is not one, or a bad `qos` or `retain`. At QoS 1 the answer waits
//!   until the message is as safe as when an MQTT PUBACK goes out.
//! - `GET|POST|DELETE /things/<thing>/shadow[?name=<shadow>]`: the Device Shadow REST API
//!   (GetThingShadow, UpdateThingShadow, DeleteThingShadow), allowed by `iot:GetThingShadow`,
//!   `iot:UpdateThingShadow` or `iot:DeleteThingShadow` on `thing/<thing>` (or
//!   `thing/<thing>/<shadow>`), served by the broker's shadow service, the one the MQTT topics
//!   and the AWS API's iot-data use: an update reaches MQTT subscribers on `.../accepted`,
//!   `.../delta` and `.../documents`. A refusal is the HTTP answer only (status and
//!   `{"code":..,"message":..}`), as AWS emits no MQTT error for a REST request.
//!
//! The TLS handshake is the broker's own ([`crate::local::broker::http_publish::DeviceTls`]):
//! a client without a certificate, or with one the broker would refuse, never gets past it (no
//! HTTP answer at all, as on AWS). A certificate that is known but not ACTIVE gets 403 for
//! every request. HTTP has no client id, so there is no `iot:Connect` and no thing policy
//! variable. Connections are HTTP/1.1 with keep-alive; every answer carries
//! `x-amzn-RequestId` (the trace id), errors `x-amzn-ErrorType` as well. Refusals are broker
//! events ([`BrokerEvent::HttpsRefused`]), which `local up` prints.
//!
//! Layout: this file accepts connections and serves them; `routes` turns one request into
//! its answer.

mod routes;

#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::local::broker::http_publish::DeviceTls;
use crate::local::broker::{BrokerEvent, EventSink, Publisher};

/// How long open requests get to finish once the server is asked to stop.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The running device HTTPS endpoint.
pub struct DeviceHttpsServer {
    addr: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl DeviceHttpsServer {
    /// Listens on `bind` and serves devices through `publisher` (the running broker), with the
    /// broker's handshake `tls`; refusals go to `events`.
    pub async fn start(
        bind: SocketAddr,
        tls: DeviceTls,
        publisher: Publisher,
        events: EventSink,
    ) -> std::io::Result<DeviceHttpsServer> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let shared = Arc::new(Served {
            tls,
            publisher,
            events,
            stop: stop.clone(),
        });
        let task = tokio::spawn(accept(listener, shared));
        Ok(DeviceHttpsServer { addr, stop, task })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets the requests in progress finish (up to 5 s), closes every
    /// connection and returns once they are closed.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// What every connection shares.
struct Served {
    tls: DeviceTls,
    publisher: Publisher,
    events: EventSink,
    stop: CancellationToken,
}

async fn accept(listener: TcpListener, served: Arc<Served>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            () = served.stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((tcp, peer)) => {
                let _ = tcp.set_nodelay(true);
                connections.spawn(serve(tcp, peer, served.clone()));
            }
            // Usually out of file descriptors: wait for some to be released.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    drop(listener);
    // Each connection finishes its request in progress and closes (see `serve`); one that
    // does not within the grace period is cut.
    let drained = tokio::time::timeout(STOP_GRACE + Duration::from_secs(1), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

/// One connection: the handshake, then HTTP/1.1 requests until the client closes or the
/// server stops.
async fn serve(tcp: TcpStream, peer: SocketAddr, served: Arc<Served>) {
    let connection = tokio::select! {
        () = served.stop.cancelled() => return,
        connection = served.tls.accept(tcp, peer) => connection,
    };
    let Some(connection) = connection else {
        return;
    };
    let device = Arc::new(routes::Device {
        certificate_id: connection.certificate_id,
        principal: connection.principal,
    });
    let service = {
        let served = served.clone();
        service_fn(move |request: hyper::Request<Incoming>| {
            let (served, device) = (served.clone(), device.clone());
            async move {
                let answer = routes::answer(&served.publisher, &device, request).await;
                if let Some(refused) = answer.refused {
                    (served.events)(BrokerEvent::HttpsRefused {
                        peer,
                        certificate_id: device.certificate_id.clone(),
                        request: refused.request,
                        status: answer.response.status().as_u16(),
                        reason: refused.reason,
                    });
                }
                Ok::<_, Infallible>(answer.response)
            }
        })
    };
    let http = http1::Builder::new().serve_connection(TokioIo::new(connection.stream), service);
    tokio::pin!(http);
    tokio::select! {
        _ = http.as_mut() => {}
        () = served.stop.cancelled() => {
            http.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(STOP_GRACE, http).await;
        }
    }
}
