//! The client against the local broker (and, where a broker will not misbehave on demand, a
//! scripted TLS server): sessions, persistent sessions, failures and their messages, MQTT over
//! WebSocket.

mod failures;
mod persistent;
mod session;
mod support;
mod websocket;
