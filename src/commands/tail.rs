//! `soilctl tail`: subscribes and prints what arrives, like the AWS console's MQTT test client.
//!
//! On AWS: MQTT over WebSocket (TLS) to the account's iot:Data-ATS endpoint with a SigV4
//! presigned URL made from the user's credentials (signed again before every connection, as
//! presigned URLs expire). Locally: mutual TLS with the backend's operator identity. A dropped
//! connection is made again with backoff, and the user is told.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::time::Instant;

use crate::aws::Clients;
use crate::commands::endpoint::{self, MqttServer};
use crate::error::bad_input;
use crate::mqtt::{
    ConnectOptions, Connection, Endpoint, Event, Identity, MqttError, QoS, ServerTrust,
};
use crate::printer::Printer;
use crate::settings::{TailSettings, Target};
use crate::tail::{Received, Style, check_filter, json_line, text_line};

/// How long presigned URLs stay valid (they are made anew for every connection).
const PRESIGN_EXPIRES: Duration = Duration::from_secs(300);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How `tail` connects, per target.
enum Source {
    Local {
        server: MqttServer,
        identity: Arc<Identity>,
    },
    Aws {
        server: MqttServer,
        clients: Box<Clients>,
    },
}

impl Source {
    async fn endpoint(&self) -> anyhow::Result<Endpoint> {
        match self {
            Source::Local { server, identity } => Ok(Endpoint::Mtls {
                host: server.host.clone(),
                port: server.port,
                trust: server.trust.clone(),
                identity: identity.clone(),
                alpn: None,
            }),
            Source::Aws { server, clients } => {
                let provider = clients.credentials.clone().ok_or_else(|| {
                    bad_input("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure`, or pass --profile")
                })?;
                use aws_credential_types::provider::ProvideCredentials;
                let credentials = provider
                    .provide_credentials()
                    .await
                    .context("loading AWS credentials to sign the WebSocket URL")?;
                let host = if server.port == 443 {
                    server.host.clone()
                } else {
                    format!("{}:{}", server.host, server.port)
                };
                let region = clients.region.clone();
                Ok(Endpoint::WebSocket {
                    url: Arc::new(move || {
                        crate::mqtt::sigv4::presign_iot_url(
                            &host,
                            &region,
                            &credentials,
                            std::time::SystemTime::now(),
                            PRESIGN_EXPIRES,
                        )
                    }),
                    trust: server.trust.clone(),
                })
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Local { server, .. } => format!("mqtts://{}:{}", server.host, server.port),
            Source::Aws { server, .. } => format!("wss://{}:{}/mqtt", server.host, server.port),
        }
    }
}

pub async fn run(s: &TailSettings, target: &Target, printer: &Printer) -> anyhow::Result<ExitCode> {
    for filter in &s.filters {
        check_filter(filter).map_err(bad_input)?;
    }
    let source = source(s, target).await?;
    if s.chart {
        return chart(s, &source, printer).await;
    }
    let style = Style {
        pretty: s.pretty,
        color: stdout_color(),
        threshold: s.threshold,
    };
    let json = printer.is_json();
    let out = move |m: &Received| {
        use std::io::Write;
        let line = if json {
            json_line(m)
        } else {
            text_line(m, style)
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").and_then(|_| out.flush())
    };
    follow(s, &source, printer, out).await
}

/// Colour on stdout: a terminal and NO_COLOR not set.
fn stdout_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

async fn source(s: &TailSettings, target: &Target) -> anyhow::Result<Source> {
    match target {
        Target::Local(state) => {
            let server = endpoint::local_or_override(
                state,
                s.mqtt_endpoint.as_deref(),
                s.mqtt_ca.as_deref(),
            )?;
            Ok(Source::Local {
                server,
                identity: Arc::new(crate::commands::endpoint::operator_identity(state)?),
            })
        }
        Target::Aws(aws) => {
            let clients = crate::aws::load(aws).await?;
            let server = match endpoint::aws_override(
                s.mqtt_endpoint.as_deref(),
                s.mqtt_ca.as_deref(),
            )? {
                Some(server) => server,
                None => {
                    let host = crate::aws::iot::data_endpoint(&clients.iot)
                        .await
                        .context("looking up the iot:Data-ATS endpoint")?;
                    if host.is_empty() {
                        anyhow::bail!(
                            "AWS IoT returned no iot:Data-ATS endpoint for this account and Region"
                        );
                    }
                    MqttServer {
                        host,
                        port: 443,
                        trust: ServerTrust::amazon_root(),
                    }
                }
            };
            Ok(Source::Aws {
                server,
                clients: Box::new(clients),
            })
        }
    }
}

/// Why following stopped.
enum End {
    /// Ctrl-C, --count reached, the chart closed, or --timeout without --count.
    Done,
    /// --timeout came before --count.
    TimedOut(u64),
}

/// Connects, subscribes, hands every message to `out` and reconnects after drops, until
/// Ctrl-C, --count or --timeout.
async fn follow(
    s: &TailSettings,
    source: &Source,
    printer: &Printer,
    mut out: impl FnMut(&Received) -> std::io::Result<()>,
) -> anyhow::Result<ExitCode> {
    let stop = tokio_util::sync::CancellationToken::new();
    let ctrl_c = {
        let stop = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.cancel();
            }
        })
    };
    let result = follow_until(s, source, printer, &mut out, &stop).await;
    ctrl_c.abort();
    match result? {
        End::Done => Ok(ExitCode::SUCCESS),
        End::TimedOut(received) => {
            printer.error(format!(
                "timed out after {} with {received} of {} message(s)",
                humantime::format_duration(s.timeout.unwrap_or_default()),
                s.count.unwrap_or(0)
            ));
            Ok(ExitCode::from(1))
        }
    }
}

async fn follow_until(
    s: &TailSettings,
    source: &Source,
    printer: &Printer,
    out: &mut impl FnMut(&Received) -> std::io::Result<()>,
    stop: &tokio_util::sync::CancellationToken,
) -> anyhow::Result<End> {
    let deadline = s.timeout.map(|t| Instant::now() + t);
    let far = Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600);
    let timed_out = |received: u64| {
        if s.count.is_some() {
            End::TimedOut(received)
        } else {
            End::Done
        }
    };
    let mut options = ConnectOptions::new(format!("soilctl-tail-{:08x}", fastrand::u32(..)));
    options.keep_alive = Duration::from_secs(30);
    let filters: Vec<(&str, QoS)> = s
        .filters
        .iter()
        .map(|f| (f.as_str(), QoS::AtLeastOnce))
        .collect();
    let mut received: u64 = 0;
    let mut connected_before = false;
    let mut backoff = Duration::from_millis(500);
    loop {
        let endpoint = source.endpoint().await?;
        let attempt = tokio::select! {
            _ = stop.cancelled() => return Ok(End::Done),
            _ = tokio::time::sleep_until(deadline.unwrap_or(far)) => return Ok(timed_out(received)),
            r = connect_and_subscribe(&endpoint, &options, &filters) => r,
        };
        let mut conn = match attempt {
            Ok(conn) => conn,
            Err(e) if !connected_before && !e.is_retryable() => {
                return Err(
                    anyhow::Error::new(e).context(format!("connecting to {}", source.describe()))
                );
            }
            Err(e) => {
                printer.warn(format!(
                    "cannot connect to {}: {e}; retrying in {:.1}s",
                    source.describe(),
                    backoff.as_secs_f64()
                ));
                tokio::select! {
                    _ = stop.cancelled() => return Ok(End::Done),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        if connected_before {
            printer.info(format!("reconnected to {}", source.describe()));
        } else {
            printer.info(format!(
                "Listening on {} to {} (Ctrl-C stops)",
                source.describe(),
                s.filters.join(" ")
            ));
        }
        connected_before = true;
        backoff = Duration::from_millis(500);
        let dropped = loop {
            let event = tokio::select! {
                _ = stop.cancelled() => {
                    let _ = conn.disconnect().await;
                    return Ok(End::Done);
                }
                _ = tokio::time::sleep_until(deadline.unwrap_or(far)) => {
                    let _ = conn.disconnect().await;
                    return Ok(timed_out(received));
                }
                e = conn.next_event() => e,
            };
            match event {
                Ok(Event::Message(m)) => {
                    let shown = Received {
                        topic: &m.topic,
                        payload: &m.payload,
                        received_ms: crate::clock::now_ms(),
                    };
                    if let Err(e) = out(&shown) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return Ok(End::Done);
                        }
                        return Err(e).context("writing to stdout");
                    }
                    received += 1;
                    if s.count.is_some_and(|c| received >= c) {
                        let _ = conn.disconnect().await;
                        return Ok(End::Done);
                    }
                }
                Ok(Event::PubAck(_)) => {}
                Err(e) => break e,
            }
        };
        printer.warn(format!(
            "connection to {} lost: {dropped}; reconnecting",
            source.describe()
        ));
    }
}

async fn connect_and_subscribe(
    endpoint: &Endpoint,
    options: &ConnectOptions,
    filters: &[(&str, QoS)],
) -> Result<Connection, MqttError> {
    let mut conn = Connection::connect(endpoint, options).await?;
    let granted = conn.subscribe(filters).await?;
    let refused: Vec<&str> = filters
        .iter()
        .zip(&granted)
        .filter(|(_, g)| g.is_none())
        .map(|((f, _), _)| *f)
        .collect();
    if !refused.is_empty() {
        return Err(MqttError::SubscriptionRefused(refused.join(" ")));
    }
    Ok(conn)
}

/// `--chart`: the live chart in the terminal, fed with every reading that has a humidity.
async fn chart(s: &TailSettings, source: &Source, printer: &Printer) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(bad_input(
            "--chart draws in a terminal, and stdout is not one: drop --chart to print lines",
        ));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut view = tokio::spawn(crate::chart::run(rx, s.threshold, color));
    // The chart owns the screen: only errors go to stderr meanwhile.
    let quiet = printer.with_level(-2);
    let feed = |m: &Received| {
        let value = crate::tail::payload_value(m.payload);
        if let (Some(device), Some(h)) = (
            crate::tail::device(m.topic, &value),
            crate::tail::humidity(&value),
        ) {
            let point = crate::chart::Point {
                device,
                time_ms: m.received_ms as u64,
                humidity: h,
            };
            if tx.try_send(point).is_err() && tx.is_closed() {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
        }
        Ok(())
    };
    let outcome = tokio::select! {
        r = follow(s, source, &quiet, feed) => r,
        r = &mut view => {
            r.context("the chart stopped abnormally")?.context("drawing the chart")?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    view.abort();
    let _ = view.await;
    outcome
}
