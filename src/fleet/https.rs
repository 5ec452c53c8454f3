//! Devices that send their readings over HTTPS instead of MQTT: AWS IoT Core's HTTPS publish,
//! `POST /topics/<url-encoded topic>?qos=1` with the device's own certificate, on port 8443 of
//! the account's iot:Data-ATS endpoint (the local backend's device HTTPS port locally).
//!
//! [`HttpsClient`] is one device's client: one keep-alive HTTP/1.1 connection over mutual TLS
//! (the MQTT client's TLS, [`crate::mqtt::mtls_stream`]), opened again when it closes. `run`
//! is one device's life: its ramp slot, a reading every interval, each POSTed and answered
//! before the next (an answer at QoS 1 is the acknowledgement), and after a failure the same
//! reading again with exponential backoff. A refusal (HTTP 403, a refused certificate) is
//! tried again a few times, then ends the device with the server's reason. There is no
//! shadow and no job over HTTPS: a device only publishes.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::device::ACK_GRACE;
use super::plan::FleetPlan;
use super::retry::{FIRST_BACKOFF, pause};
use super::stats::{Counters, DeviceFailure, FleetEvent};
use crate::mqtt::{Identity, MqttError, QoS, ServerTrust};
use crate::sensor::{Model, Reading};

/// How long one request may wait for its answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of an answer's body read (AWS's are a few dozen bytes).
const MAX_ANSWER: usize = 64 * 1024;

/// What can go wrong with one request, and whether a retry may help.
#[derive(Debug, thiserror::Error)]
pub enum HttpsError {
    /// The connection could not be made: unreachable, an untrusted server, a bad identity.
    #[error(transparent)]
    Connect(#[from] MqttError),
    #[error(
        "the server refused the client certificate (TLS alert: {0}): it is not registered, not active, or issued by a CA the server does not know"
    )]
    CertificateRefused(String),
    #[error("connection lost: {0}")]
    Lost(String),
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// The server answered with an error status.
    #[error("HTTP {status} {exception}: {message}")]
    Refused {
        status: u16,
        exception: String,
        message: String,
    },
}

impl HttpsError {
    /// Whether trying again later may succeed: a lost connection, a timeout, 429 and 5xx yes;
    /// a refused certificate, 4xx and an untrusted server no.
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpsError::Connect(e) => e.is_retryable(),
            HttpsError::CertificateRefused(_) => false,
            HttpsError::Lost(_) | HttpsError::Timeout(_) => true,
            HttpsError::Refused { status, .. } => *status == 429 || *status >= 500,
        }
    }

    /// Whether the connection is gone with it.
    fn ends_connection(&self) -> bool {
        !matches!(self, HttpsError::Refused { .. })
    }
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

/// One device's HTTPS client with its certificate and one keep-alive connection.
pub struct HttpsClient {
    host: String,
    port: u16,
    trust: ServerTrust,
    identity: Arc<Identity>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

/// What may stay as it is in a topic in the URL (RFC 3986 unreserved characters); `/`, `$`
/// and the rest are percent-encoded, as AWS asks for.
const TOPIC: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl HttpsClient {
    /// A client for `host:port` that trusts `trust` for the server and presents `identity`.
    /// Connects on the first request.
    pub fn new(host: &str, port: u16, trust: ServerTrust, identity: Arc<Identity>) -> Self {
        HttpsClient {
            host: host.to_owned(),
            port,
            trust,
            identity,
            sender: None,
        }
    }

    /// Whether the keep-alive connection is open.
    pub fn is_connected(&self) -> bool {
        self.sender.as_ref().is_some_and(|s| !s.is_closed())
    }

    /// Opens the connection (mutual TLS, then HTTP/1.1), unless it is open.
    pub async fn connect(&mut self) -> Result<(), HttpsError> {
        if self.is_connected() {
            return Ok(());
        }
        self.sender = None;
        let tls =
            crate::mqtt::mtls_stream(&self.host, self.port, &self.trust, &self.identity).await?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| lost(&e))?;
        tokio::spawn(connection);
        self.sender = Some(sender);
        Ok(())
    }

    /// Publishes `payload` on `topic` at `qos`; an answer other than 200 is an error.
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
    ) -> Result<Answer, HttpsError> {
        let qos = if qos == QoS::AtLeastOnce { 1 } else { 0 };
        let path = format!(
            "/topics/{}?qos={qos}",
            percent_encoding::utf8_percent_encode(topic, TOPIC)
        );
        let answer = self.request(hyper::Method::POST, &path, payload).await?;
        if answer.status == 200 {
            Ok(answer)
        } else {
            Err(refused(&answer))
        }
    }

    /// Sends one request on the connection (opened if need be) and reads the whole answer.
    pub async fn request(
        &mut self,
        method: hyper::Method,
        path_and_query: &str,
        body: Bytes,
    ) -> Result<Answer, HttpsError> {
        // A connection the server closed since the last answer is not reused.
        if self.sender.as_ref().is_some_and(|s| s.is_closed()) {
            self.sender = None;
        }
        self.connect().await?;
        let Some(sender) = self.sender.as_mut() else {
            return Err(HttpsError::Lost("no connection".to_owned()));
        };
        let request = hyper::Request::builder()
            .method(method)
            .uri(path_and_query)
            .header(hyper::header::HOST, format!("{}:{}", self.host, self.port))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .map_err(|e| HttpsError::Lost(format!("cannot make the request: {e}")))?;
        let exchange = async {
            sender.ready().await.map_err(|e| lost(&e))?;
            let response = sender.send_request(request).await.map_err(|e| lost(&e))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_ANSWER)
                .collect()
                .await
                .map_err(|e| HttpsError::Lost(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok(Answer { status, body })
        };
        let result = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .unwrap_or(Err(HttpsError::Timeout(REQUEST_TIMEOUT)));
        if result.as_ref().is_err_and(HttpsError::ends_connection) {
            self.sender = None;
        }
        result
    }
}

/// A broken exchange: a certificate the server refused (with TLS 1.3 the alert arrives only at
/// the first read) or a lost connection.
fn lost(error: &hyper::Error) -> HttpsError {
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(rustls::Error::AlertReceived(alert)) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return HttpsError::CertificateRefused(format!("{alert:?}"));
        }
        source = e.source();
    }
    HttpsError::Lost(error.to_string())
}

/// An error answer in AWS's shape: `x-amzn-ErrorType` is not kept, so the exception comes
/// from the status, the message from the JSON body.
fn refused(answer: &Answer) -> HttpsError {
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    let message = json["message"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).into_owned());
    let exception = match answer.status {
        400 => "InvalidRequestException",
        401 => "UnauthorizedException",
        403 => "ForbiddenException",
        404 => "ResourceNotFoundException",
        413 => "RequestEntityTooLargeException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ => "Exception",
    };
    HttpsError::Refused {
        status: answer.status,
        exception: exception.to_owned(),
        message,
    }
}

/// One device's state between readings.
struct Device<'a> {
    name: &'a str,
    plan: &'a FleetPlan,
    counters: &'a Counters,
    events: &'a (dyn Fn(FleetEvent) + Send + Sync),
    rng: fastrand::Rng,
    backoff: Duration,
    /// Failed attempts since the last success; refusals over the device's life.
    failures: u32,
    refusals: u32,
    connected: bool,
    ever_connected: bool,
    last_error: Option<String>,
}

impl Device<'_> {
    /// After a failure: the wait before the next attempt, or the failure that ends the device.
    fn failed(&mut self, e: &HttpsError) -> Result<Duration, DeviceFailure> {
        let error = e.to_string();
        self.last_error = Some(error.clone());
        Counters::add(&self.counters.errors, 1);
        let dropped = self.connected && e.ends_connection();
        if dropped {
            self.connected = false;
            self.counters.disconnected();
            Counters::add(&self.counters.disconnects, 1);
        }
        if !e.is_retryable() {
            self.refusals += 1;
            if self.refusals > self.plan.refusals_before_giving_up {
                (self.events)(FleetEvent::GaveUp {
                    device: self.name.to_owned(),
                    error: error.clone(),
                });
                return Err(DeviceFailure {
                    device: self.name.to_owned(),
                    error,
                });
            }
        }
        self.failures += 1;
        let wait = self.backoff.mul_f64(0.8 + 0.4 * self.rng.f64());
        self.backoff = (self.backoff * 2).min(self.plan.max_backoff);
        let device = self.name.to_owned();
        (self.events)(match e {
            HttpsError::Refused { .. } => FleetEvent::Refused {
                device,
                error,
                retry_in: wait,
            },
            _ if dropped => FleetEvent::Dropped {
                device,
                error,
                retry_in: wait,
            },
            _ => FleetEvent::ConnectFailed {
                device,
                error,
                retry_in: wait,
            },
        });
        Ok(wait)
    }

    /// The connection is open (a request got an answer): counted once per connection.
    fn reached(&mut self, started: Instant) {
        if !self.connected {
            self.connected = true;
            self.ever_connected = true;
            self.counters
                .connected(self.plan.devices.len(), started.elapsed());
        }
    }

    /// A reading was taken: the backoff starts over.
    fn succeeded(&mut self, started: Instant) {
        self.reached(started);
        if self.failures > 0 {
            Counters::add(&self.counters.reconnects, 1);
            (self.events)(FleetEvent::Reconnected {
                device: self.name.to_owned(),
                attempts: self.failures,
            });
        }
        self.failures = 0;
        self.backoff = FIRST_BACKOFF;
    }

    /// What the device ends with: a failure, with the last reason, when it never got through.
    fn end(&self) -> Option<DeviceFailure> {
        if self.connected {
            self.counters.disconnected();
        }
        Counters::add(&self.counters.done, 1);
        self.last_error
            .clone()
            .filter(|_| !self.ever_connected)
            .map(|error| DeviceFailure {
                device: self.name.to_owned(),
                error: format!("never got through: {error}"),
            })
    }
}

/// Device `index` of `plan`, publishing over HTTPS until its count, the deadline or `cancel`.
pub(super) async fn run(
    index: usize,
    plan: &FleetPlan,
    counters: &Counters,
    cancel: &CancellationToken,
    events: &(dyn Fn(FleetEvent) + Send + Sync),
    started: Instant,
) -> Option<DeviceFailure> {
    let spec = &plan.devices[index];
    tokio::select! {
        _ = cancel.cancelled() => return None,
        _ = sleep_until(started + plan.ramp_slot(index)) => {}
    }
    let end = plan.end(started);
    let wants_more = |made: u64| plan.wants_more(made);
    let mut client = HttpsClient::new(
        &plan.host,
        plan.port,
        plan.trust.clone(),
        spec.identity.clone(),
    );
    let mut device = Device {
        name: &spec.name,
        plan,
        counters,
        events,
        rng: fastrand::Rng::with_seed(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9)),
        backoff: FIRST_BACKOFF,
        failures: 0,
        refusals: 0,
        connected: false,
        ever_connected: false,
        last_error: None,
    };
    let mut model = Model::new(plan.seed, index, plan.threshold);
    let topic = FleetPlan::topic(&spec.name);
    let interval = plan.effective_interval();
    // Readings are spread over the interval so that a fleet does not publish in bursts.
    let mut next_due = Instant::now() + interval.mul_f64(device.rng.f64());
    let mut made = 0u64;
    let mut pending: Option<Bytes> = None;
    loop {
        let payload = match &pending {
            Some(payload) => payload.clone(),
            None => {
                if !wants_more(made) {
                    break;
                }
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = sleep_until(end) => break,
                    _ = sleep_until(next_due) => {}
                }
                let now = Instant::now();
                next_due += interval;
                if next_due + interval < now {
                    // Far behind (a slow machine, a long outage): skip, do not burst.
                    next_due = now + interval;
                }
                let humidity = model.next(plan.model_step.unwrap_or(interval));
                let reading = Reading {
                    name: spec.name.clone(),
                    humidity: humidity.round() as i64,
                    time_ms: crate::clock::now_ms() as u64,
                };
                if (reading.humidity as f64) < plan.threshold {
                    Counters::add(&counters.under_threshold, 1);
                }
                made += 1;
                Counters::add(&counters.sent, 1);
                let payload = Bytes::from(reading.payload());
                pending = Some(payload.clone());
                payload
            }
        };
        let sent = client.publish(&topic, payload, plan.qos);
        tokio::pin!(sent);
        let result = tokio::select! {
            result = &mut sent => result,
            _ = cancel.cancelled() => {
                // Stopping: the answer in progress still counts, within the grace period.
                let result = tokio::time::timeout(ACK_GRACE, &mut sent).await;
                let result = result.unwrap_or(Err(HttpsError::Timeout(ACK_GRACE)));
                if result.is_ok() {
                    device.succeeded(started);
                    if plan.qos == QoS::AtLeastOnce {
                        Counters::add(&counters.acknowledged, 1);
                    }
                }
                break;
            }
        };
        match result {
            Ok(_) => {
                device.succeeded(started);
                if plan.qos == QoS::AtLeastOnce {
                    Counters::add(&counters.acknowledged, 1);
                }
                pending = None;
            }
            Err(e) => {
                if matches!(e, HttpsError::Refused { .. }) {
                    device.reached(started);
                }
                match device.failed(&e) {
                    Ok(wait) => {
                        if !pause(wait, end, cancel).await {
                            break;
                        }
                    }
                    Err(failure) => {
                        device.end();
                        return Some(failure);
                    }
                }
            }
        }
    }
    device.end()
}
