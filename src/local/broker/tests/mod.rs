//! End-to-end tests: a real broker on a loopback port, rcgen certificates, a test gate with an
//! in-memory policy and a small test client.

mod client;
mod connect;
mod lifecycle;
mod publish;
mod subscribe;
mod support;
