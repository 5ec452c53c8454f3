//! Where a command's SDK clients point: AWS as configured, or, with `--local`, the embedded
//! backend's AWS API endpoint. A running `local up` is found through the state directory and
//! its endpoint used (so that devices online see each change at once); with none running, the
//! endpoint is served in this process for the length of the command. Either way the command
//! runs the same code as against AWS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::aws::AwsSettings;
use crate::local::api::ApiServer;
use crate::local::control::Local;
use crate::local::server::find_running;
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::Target;

/// A command's AWS settings, and the in-process API endpoint serving them when there is one.
pub struct Resolved {
    pub aws: AwsSettings,
    server: Option<ApiServer>,
}

impl Resolved {
    /// Stops the in-process endpoint, if one was started; with a running `local up`, waits
    /// (at most 5 s) until it serves what the command changed, so that a device made by
    /// `thing create --local` can connect as soon as the command returns.
    pub async fn finish(self) {
        match (self.server, &self.aws.local) {
            (Some(server), _) => server.stop().await,
            (None, Some(state)) => {
                let _ = crate::local::server::settle(state, Duration::from_secs(5)).await;
            }
            (None, None) => {}
        }
    }
}

/// The settings for `target`, starting an in-process endpoint for `--local` when no
/// `local up` runs.
pub async fn resolve(target: &Target, printer: &Printer) -> anyhow::Result<Resolved> {
    let state = match target {
        Target::Aws(aws) => {
            return Ok(Resolved {
                aws: aws.clone(),
                server: None,
            });
        }
        Target::Local(state) => state,
    };
    if let Some(endpoint) = find_running(state).ok().and_then(|r| r.api_endpoint) {
        printer.detail(format!(
            "using the running `local up`'s AWS API endpoint {endpoint}"
        ));
        return Ok(Resolved {
            aws: local_settings(state, endpoint),
            server: None,
        });
    }
    let local = Arc::new(Local::open(state)?);
    let server = ApiServer::start(SocketAddr::from(([127, 0, 0, 1], 0)), local)
        .await
        .context("starting the local backend's AWS API endpoint on 127.0.0.1")?;
    let endpoint = format!("http://{}", server.local_addr());
    printer.detail(format!(
        "no `local up` is running: serving the local backend's AWS APIs in this process at {endpoint}"
    ));
    Ok(Resolved {
        aws: local_settings(state, endpoint),
        server: Some(server),
    })
}

fn local_settings(state: &StateDir, endpoint: String) -> AwsSettings {
    AwsSettings {
        profile: None,
        region: None,
        endpoint_url: Some(endpoint),
        local: Some(state.clone()),
    }
}
