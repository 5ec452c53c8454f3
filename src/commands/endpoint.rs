//! Where `simulate` and `tail` connect: the running `local up`, the account's iot:Data-ATS
//! endpoint, or what `--mqtt-endpoint` names, and which CA the server's certificate must chain
//! to.

use std::path::Path;

use anyhow::Context;

use crate::error::bad_input;
use crate::local::server::find_running;
use crate::local::state::StateDir;
use crate::mqtt::ServerTrust;

/// An MQTT server to connect to.
#[derive(Clone)]
pub struct MqttServer {
    pub host: String,
    pub port: u16,
    pub trust: ServerTrust,
}

/// `HOST:PORT` from `--mqtt-endpoint`.
pub fn parse_host_port(text: &str) -> anyhow::Result<(String, u16)> {
    let bad = || {
        bad_input(format!(
            "--mqtt-endpoint {text:?} is not HOST:PORT (for example localhost:8883)"
        ))
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
        return Err(bad());
    }
    let port: u16 = port.parse().map_err(|_| bad())?;
    if port == 0 {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

/// Reads the CA file a server's certificate must chain to.
pub fn trust_from(path: &Path) -> anyhow::Result<ServerTrust> {
    if !path.is_file() {
        return Err(bad_input(format!(
            "CA file {} does not exist (check --mqtt-ca)",
            path.display()
        )));
    }
    ServerTrust::from_pem_file(path)
        .with_context(|| format!("reading the CA file {}", path.display()))
        .map_err(|e| bad_input(crate::error::one_line(&e)))
}

/// The override from `--mqtt-endpoint`/`--mqtt-ca`, if given; `default_trust` when no CA is.
pub fn override_from(
    endpoint: Option<&str>,
    ca: Option<&Path>,
    default_trust: impl FnOnce() -> anyhow::Result<ServerTrust>,
) -> anyhow::Result<Option<MqttServer>> {
    let Some(endpoint) = endpoint else {
        return Ok(None);
    };
    let (host, port) = parse_host_port(endpoint)?;
    let trust = match ca {
        Some(path) => trust_from(path)?,
        None => default_trust()?,
    };
    Ok(Some(MqttServer { host, port, trust }))
}

/// Where local devices and watchers connect: what `--mqtt-endpoint` names (trusting `--mqtt-ca`,
/// else the backend's CA), or the running `local up` of `state`.
pub fn local_or_override(
    state: &StateDir,
    endpoint: Option<&str>,
    ca: Option<&Path>,
) -> anyhow::Result<MqttServer> {
    match override_from(endpoint, ca, || Ok(local_server(state)?.trust))? {
        Some(server) => Ok(server),
        None => local_server(state),
    }
}

/// What `--mqtt-endpoint` names on AWS, trusting `--mqtt-ca`, else Amazon Root CA 1.
pub fn aws_override(
    endpoint: Option<&str>,
    ca: Option<&Path>,
) -> anyhow::Result<Option<MqttServer>> {
    override_from(endpoint, ca, || Ok(ServerTrust::amazon_root()))
}

/// The running `local up` of `state`.
pub fn local_server(state: &StateDir) -> anyhow::Result<MqttServer> {
    let running = find_running(state)?;
    Ok(MqttServer {
        host: running.host,
        port: running.port,
        trust: trust_from(&running.ca_file)?,
    })
}

/// The local backend's operator identity (made on first use): allowed everything, for
/// watching and commanding (`tail`, `shadow`, `demo`).
pub fn operator_identity(state: &StateDir) -> anyhow::Result<crate::mqtt::Identity> {
    let local = crate::local::control::Local::open(state)?;
    let dir = crate::local::authority::ensure_operator(state, &local.registry, &local.ca)?;
    crate::mqtt::Identity::from_pem_files(
        &dir.join(crate::pki::CERTIFICATE_FILE),
        &dir.join(crate::pki::PRIVATE_KEY_FILE),
    )
    .context("reading the operator identity")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(
            parse_host_port("localhost:8883").unwrap(),
            ("localhost".to_string(), 8883)
        );
        assert_eq!(
            parse_host_port("[::1]:443").unwrap(),
            ("::1".to_string(), 443)
        );
        for bad in [
            "localhost",
            ":8883",
            "host:0",
            "host:99999",
            "a b:1",
            "http://x:1",
        ] {
            let e = parse_host_port(bad).unwrap_err();
            assert!(e.to_string().contains("HOST:PORT"), "{bad}: {e}");
        }
    }
}
