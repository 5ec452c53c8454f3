//! The byte stream under a session: TCP + TLS (mutual TLS with the device certificate), or
//! TCP + TLS + a WebSocket upgrade to a `wss://` URL. Both are one `AsyncRead + AsyncWrite`.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::endpoint::{Endpoint, mtls_config, server_only_config};
use super::error::{MqttError, handshake_error};
use super::websocket::WsStream;

/// How far a connection attempt got (for the timeout message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Tcp,
    Tls,
    Upgrade,
    Connack,
    /// Sending a persistent session's unacknowledged publishes again, or its subscriptions.
    Resume,
}

impl Phase {
    pub(super) fn label(self) -> &'static str {
        match self {
            Phase::Tcp => "TCP connect",
            Phase::Tls => "TLS handshake",
            Phase::Upgrade => "WebSocket upgrade",
            Phase::Connack => "waiting for CONNACK",
            Phase::Resume => "resuming the session",
        }
    }
}

/// The TLS stream is the common case (every simulated device) and stays inline; the rarer
/// WebSocket one is boxed.
#[allow(clippy::large_enum_variant)]
pub(super) enum Transport {
    Tls(TlsStream<TcpStream>),
    WebSocket(Box<WsStream>),
}

/// Opens the stream `endpoint` names, noting progress in `phase`.
pub(super) async fn open(endpoint: &Endpoint, phase: &mut Phase) -> Result<Transport, MqttError> {
    match endpoint {
        Endpoint::Mtls {
            host,
            port,
            trust,
            identity,
            alpn,
        } => {
            let config = mtls_config(trust, identity, alpn.as_deref())?;
            let tls = tls(host, *port, config, phase).await?;
            Ok(Transport::Tls(tls))
        }
        Endpoint::WebSocket { url, trust } => {
            let url = url()?;
            let (host, port) = wss_host_port(&url)?;
            let tls = tls(&host, port, server_only_config(trust)?, phase).await?;
            *phase = Phase::Upgrade;
            let ws = WsStream::upgrade(tls, &url).await?;
            Ok(Transport::WebSocket(Box::new(ws)))
        }
    }
}

/// A mutual TLS stream to `host:port` with `identity`, with this module's error words (the
/// devices' HTTPS client uses it too).
pub(crate) async fn mtls_stream(
    host: &str,
    port: u16,
    trust: &super::ServerTrust,
    identity: &super::Identity,
) -> Result<TlsStream<TcpStream>, MqttError> {
    let config = mtls_config(trust, identity, None)?;
    tls(host, port, config, &mut Phase::Tcp).await
}

async fn tls(
    host: &str,
    port: u16,
    config: Arc<ClientConfig>,
    phase: &mut Phase,
) -> Result<TlsStream<TcpStream>, MqttError> {
    let name = ServerName::try_from(host.to_owned()).map_err(|_| MqttError::Tls {
        host: host.to_owned(),
        reason: "not a valid host name".to_owned(),
    })?;
    *phase = Phase::Tcp;
    let tcp = tcp(host, port).await?;
    *phase = Phase::Tls;
    tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| handshake_error(host, e))
}

fn target(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Resolves `host` and connects to the first address that answers.
async fn tcp(host: &str, port: u16) -> Result<TcpStream, MqttError> {
    let unreachable = |reason: String| MqttError::Unreachable {
        target: target(host, port),
        reason,
    };
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| unreachable(format!("cannot resolve {host}: {e}")))?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // MQTT packets are small and each one matters now.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(unreachable(match last {
        Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            "connection refused (is the broker running and listening on that port?)".to_owned()
        }
        Some(e) => e.to_string(),
        None => format!("{host} resolves to no address"),
    }))
}

/// The host (without brackets) and port of a `wss://` URL; 443 unless the URL says otherwise.
pub(super) fn wss_host_port(url: &str) -> Result<(String, u16), MqttError> {
    let invalid = |reason: &str| MqttError::InvalidUrl {
        url: url.split('?').next().unwrap_or_default().to_owned(),
        reason: reason.to_owned(),
    };
    let rest = url
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("wss://"))
        .map(|_| &url[6..])
        .ok_or_else(|| invalid("it must start with wss://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid("user names in the URL are not supported"));
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| invalid("unclosed [ in the host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("no host"));
    }
    let port = match port {
        Some(port) => port.parse().map_err(|_| invalid("invalid port"))?,
        None => 443,
    };
    Ok((host.to_owned(), port))
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tls(tls) => Pin::new(tls).poll_read(cx, buf),
            Transport::WebSocket(ws) => Pin::new(ws.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Tls(tls) => Pin::new(tls).poll_write(cx, buf),
            Transport::WebSocket(ws) => Pin::new(ws.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tls(tls) => Pin::new(tls).poll_flush(cx),
            Transport::WebSocket(ws) => Pin::new(ws.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Tls(tls) => Pin::new(tls).poll_shutdown(cx),
            Transport::WebSocket(ws) => Pin::new(ws.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wss_urls() {
        let ok = |url: &str| wss_host_port(url).unwrap();
        assert_eq!(
            ok("wss://a.iot.eu-west-1.amazonaws.com/mqtt?X-Amz-Date=1"),
            ("a.iot.eu-west-1.amazonaws.com".to_owned(), 443)
        );
        assert_eq!(
            ok("WSS://localhost:9001/mqtt"),
            ("localhost".to_owned(), 9001)
        );
        assert_eq!(ok("wss://[::1]:8443/mqtt"), ("::1".to_owned(), 8443));
        assert_eq!(ok("wss://[::1]"), ("::1".to_owned(), 443));
        for bad in [
            "ws://h/mqtt",
            "https://h/",
            "wss:///mqtt",
            "wss://h:x/",
            "wss://u@h/",
            "wss://[::1/",
        ] {
            assert!(wss_host_port(bad).is_err(), "{bad}");
        }
    }
}
