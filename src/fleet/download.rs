//! What a device downloads a job's file with: one HTTPS GET of a presigned URL (S3's on AWS,
//! the local backend's download server locally), trusting the same roots as its MQTT
//! connection, with a size limit and a time limit.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;

use crate::mqtt::{ServerTrust, server_only_config};

/// How long one download may take, from connecting to the last byte.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// The body of `url`, at most `limit` bytes; the error is one line, for a job's status details.
pub async fn fetch(url: &str, trust: &ServerTrust, limit: usize) -> Result<Bytes, String> {
    tokio::time::timeout(DOWNLOAD_TIMEOUT, get(url, trust, limit))
        .await
        .unwrap_or_else(|_| Err(format!("download timed out after {DOWNLOAD_TIMEOUT:?}")))
}

async fn get(url: &str, trust: &ServerTrust, limit: usize) -> Result<Bytes, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("bad download URL: {e}"))?;
    if uri.scheme_str() != Some("https") {
        return Err(format!("refusing a download URL that is not HTTPS: {url}"));
    }
    let host = uri.host().ok_or("the download URL has no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(443);
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot reach {host}:{port}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let config = server_only_config(trust).map_err(|e| e.to_string())?;
    let name = ServerName::try_from(host.clone()).map_err(|e| format!("bad host {host}: {e}"))?;
    let tls = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS with {host}:{port} failed: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .map_err(|e| format!("HTTP with {host}:{port} failed: {e}"))?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = hyper::Request::get(path)
        .header(
            hyper::header::HOST,
            uri.authority().map(|a| a.as_str()).unwrap_or(&host),
        )
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("download failed: {e}"))?;
    let status = response.status();
    let body = Limited::new(response.into_body(), limit)
        .collect()
        .await
        .map_err(|e| format!("download failed: {e}"))?
        .to_bytes();
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let code = text
            .split_once("<Code>")
            .and_then(|(_, rest)| rest.split_once("</Code>"))
            .map(|(code, _)| code.to_owned())
            .unwrap_or_default();
        return Err(format!("download refused: HTTP {} {code}", status.as_u16()));
    }
    Ok(body)
}
