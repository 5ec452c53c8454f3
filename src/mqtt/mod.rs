//! A small MQTT 3.1.1 client for `simulate`, `tail` and the benchmarks: one
//! [`Connection`] per device, driven by whichever task owns it (no background task), so ten
//! thousand of them in one process cost little more than their TLS state and two buffers.
//!
//! Transports: mutual TLS over TCP with a device certificate (AWS IoT on 8883 without ALPN, on
//! 443 with ALPN `x-amzn-mqtt-ca`), and MQTT over a secure WebSocket to a SigV4-presigned URL
//! (as the AWS console's MQTT test client connects), subprotocol `mqtt`, binary frames.
//!
//! Layout, one job per file:
//! - `error`: what can go wrong, in words a user can act on, and which failures are worth a retry.
//! - `endpoint`: where to connect and with what: certificates, trusted CAs, TLS configuration.
//! - `transport`: TCP + TLS (and the WebSocket upgrade) behind one byte stream.
//! - `websocket`: MQTT bytes in WebSocket binary frames, over the TLS stream.
//! - `codec`: packets to bytes and back (framing ours, bodies with `mqtt-proto`).
//! - `types`: options, messages and events.
//! - `connection`: the session: CONNECT, publish with a QoS 1 window, subscribe, keep-alive,
//!   resuming a persistent session.
//! - `session`: what the client keeps of a persistent session between connections.
//! - `sigv4`: presigned `wss://` URLs for AWS IoT.

mod codec;
mod connection;
mod endpoint;
mod error;
mod session;
pub mod sigv4;
mod transport;
mod types;
mod websocket;

#[cfg(test)]
mod tests;

pub use connection::Connection;
pub use endpoint::{Endpoint, Identity, ServerTrust, server_only_config};
pub use error::MqttError;
pub use session::Session;
pub(crate) use transport::mtls_stream;
pub use types::{ConnectOptions, Event, Message, QoS, Will};
