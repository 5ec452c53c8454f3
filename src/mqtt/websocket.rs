//! MQTT over WebSocket: the upgrade (subprotocol `mqtt`, the URL's path and query sent
//! verbatim) and a byte stream whose writes become binary frames and whose reads are the
//! payloads of the binary frames received.
//!
//! tungstenite does the protocol work without doing any I/O itself: it reads from and writes
//! to an in-memory [`Pipe`], and this adapter moves bytes between the pipe and the TLS stream.
//! tokio-tungstenite's `WebSocketStream` would need the `futures` traits, which this crate does
//! not depend on; driving tungstenite directly also keeps a connection to one task and two
//! small buffers. Pings are answered by tungstenite; the pong goes out with the next read or
//! write.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::HandshakeError;
use tokio_tungstenite::tungstenite::handshake::client::ClientHandshake;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::{WebSocket, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

use super::error::MqttError;

/// Bytes asked for per read from the TLS stream.
const READ_CHUNK: usize = 4096;

/// The buffers between tungstenite and the TLS stream.
#[derive(Debug, Default)]
struct Pipe {
    /// Read from the TLS stream, not yet taken by tungstenite.
    input: BytesMut,
    /// Written by tungstenite, not yet written to the TLS stream.
    output: BytesMut,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.input.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(self.input.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input.advance(n);
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Moves the pipe's output to the TLS stream; Ready once it is all written.
fn poll_drain(
    tls: &mut TlsStream<TcpStream>,
    pipe: &mut Pipe,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    while !pipe.output.is_empty() {
        let n = ready!(Pin::new(&mut *tls).poll_write(cx, &pipe.output))?;
        if n == 0 {
            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
        }
        pipe.output.advance(n);
    }
    Poll::Ready(Ok(()))
}

/// Reads more of the TLS stream into the pipe; Ready(0) at its end.
fn poll_fill(
    tls: &mut TlsStream<TcpStream>,
    pipe: &mut Pipe,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    pipe.input.reserve(READ_CHUNK);
    tokio_util::io::poll_read_buf(Pin::new(tls), cx, &mut pipe.input)
}

/// Small buffers (many connections, small messages); messages up to 16 MiB, as the server
/// may carry several MQTT packets in one.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_CHUNK)
        .write_buffer_size(0)
        .max_message_size(Some(16 << 20))
        .max_frame_size(Some(16 << 20))
}

fn lost(error: io::Error) -> MqttError {
    MqttError::ConnectionLost(format!("during the WebSocket upgrade: {error}"))
}

fn upgrade_error(error: tungstenite::Error) -> MqttError {
    match error {
        tungstenite::Error::Http(response) => MqttError::WebSocketRefused {
            status: response.status().as_u16(),
        },
        tungstenite::Error::Io(e) => lost(e),
        other => MqttError::WebSocket(other.to_string()),
    }
}

/// MQTT bytes over a WebSocket over TLS.
pub(super) struct WsStream {
    tls: TlsStream<TcpStream>,
    /// The WebSocket state, reading from and writing to its pipe.
    ws: WebSocket<Pipe>,
    /// The rest of the last binary message received.
    pending: Bytes,
}

impl WsStream {
    /// Sends the upgrade for `url` and waits for the 101 answer.
    pub(super) async fn upgrade(
        mut tls: TlsStream<TcpStream>,
        url: &str,
    ) -> Result<WsStream, MqttError> {
        let invalid = |reason: String| MqttError::InvalidUrl {
            url: url.split('?').next().unwrap_or_default().to_owned(),
            reason,
        };
        let mut request = url
            .into_client_request()
            .map_err(|e| invalid(e.to_string()))?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
        let mut handshake = ClientHandshake::start(Pipe::default(), request, Some(config()))
            .map_err(|e| invalid(e.to_string()))?;
        // Bytes after the 101 answer stay inside the WebSocket state and are read first.
        let ws = loop {
            match handshake.handshake() {
                Ok((ws, _response)) => break ws,
                Err(HandshakeError::Failure(error)) => return Err(upgrade_error(error)),
                Err(HandshakeError::Interrupted(mut mid)) => {
                    let pipe = mid.get_mut().get_mut();
                    let output = std::mem::take(&mut pipe.output);
                    tls.write_all(&output).await.map_err(lost)?;
                    tls.flush().await.map_err(lost)?;
                    let read = std::future::poll_fn(|cx| poll_fill(&mut tls, pipe, cx))
                        .await
                        .map_err(lost)?;
                    if read == 0 {
                        return Err(MqttError::ConnectionLost(
                            "the server closed the connection during the WebSocket upgrade"
                                .to_owned(),
                        ));
                    }
                    handshake = mid;
                }
            }
        };
        Ok(WsStream {
            tls,
            ws,
            pending: Bytes::new(),
        })
    }

    /// Writes what tungstenite queued (pongs, close replies) if the socket takes it now.
    fn poll_push(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match poll_drain(&mut self.tls, self.ws.get_mut(), cx) {
            Poll::Ready(result) => result,
            Poll::Pending => Ok(()),
        }
    }
}

fn ws_io(error: tungstenite::Error) -> io::Error {
    match error {
        tungstenite::Error::Io(e) => e,
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            io::ErrorKind::BrokenPipe.into()
        }
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

impl AsyncRead for WsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.pending.is_empty() {
                let n = buf.remaining().min(this.pending.len());
                buf.put_slice(&this.pending[..n]);
                this.pending.advance(n);
                return Poll::Ready(Ok(()));
            }
            match this.ws.read() {
                Ok(Message::Binary(data)) => this.pending = data,
                Ok(Message::Text(_)) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the server sent a text frame; MQTT uses binary frames",
                    )));
                }
                // Pongs were queued by tungstenite; close replies too.
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_)) => {
                    this.poll_push(cx)?;
                }
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Poll::Ready(Ok(()));
                }
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                    this.poll_push(cx)?;
                    if ready!(poll_fill(&mut this.tls, this.ws.get_mut(), cx))? == 0 {
                        // The TLS stream ended without a close frame.
                        return Poll::Ready(Ok(()));
                    }
                }
                Err(e) => return Poll::Ready(Err(ws_io(e))),
            }
        }
    }
}

impl AsyncWrite for WsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // At most one message waits in the pipe: that is the backpressure.
        ready!(poll_drain(&mut this.tls, this.ws.get_mut(), cx))?;
        this.ws
            .send(Message::Binary(Bytes::copy_from_slice(buf)))
            .map_err(ws_io)?;
        this.poll_push(cx)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(poll_drain(&mut this.tls, this.ws.get_mut(), cx))?;
        Pin::new(&mut this.tls).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.ws.can_write() {
            // Queues the close frame; an error means the connection is closing anyway.
            let _ = this.ws.close(None);
        }
        ready!(poll_drain(&mut this.tls, this.ws.get_mut(), cx))?;
        Pin::new(&mut this.tls).poll_shutdown(cx)
    }
}
