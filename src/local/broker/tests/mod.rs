//! End-to-end tests: a real broker on a loopback port, rcgen certificates, a test gate with an
//! in-memory policy and a small test client; `jitr` puts the real authority over a registry on
//! disk behind the broker.

mod client;
mod connect;
mod http_publish;
mod jitr;
mod lifecycle;
mod limits;
mod presence;
mod publish;
mod sessions;
mod shadow;
mod subscribe;
mod support;
