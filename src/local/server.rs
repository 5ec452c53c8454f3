//! The local backend as one running thing: the broker, the rules engine behind it and the
//! registry watcher, started together and stopped together. `local up` runs it in the
//! foreground; `demo` runs it inside its own process.
//!
//! Wiring: the broker hands every accepted message to the rules engine through a bounded
//! channel; the engine appends each batch to the journal, and only then is a QoS 1 message
//! acknowledged; at start, what the journal holds unfinished runs first. The rules engine
//! writes the bucket, runs the alert function and appends alerts. The broker keeps
//! retained messages and persistent sessions in the registry. Every 200 ms the
//! registry's generation is read: a change made by another soilctl (a new thing, a deactivated
//! certificate, a redeploy) reloads the gate's snapshot and the rules without a restart.
//! Stopping: the broker stops accepting and closes its clients, the engine drains every message
//! already accepted, and only then does [`Server::stop`] return.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::local::api::ApiServer;
use crate::local::authority::Authority;
use crate::local::broker::BrokerEvent;
use crate::local::broker::{self, BrokerConfig, BrokerHandle, EventSink, Publisher};
use crate::local::control::{LOCAL_HOST, Local, deployed_everything};
use crate::local::device_https::DeviceHttpsServer;
use crate::local::downloads::DownloadServer;
use crate::local::gate::Inbound;
use crate::local::jobs::RegistryJobs;
use crate::local::journal::{Journal, JournalError};
use crate::local::provisioning::RegistryProvisioning;
use crate::local::registry::{ConnectivityChange, Registry};
use crate::local::rules::{self, Engine, EngineStats, RuleEvent};
use crate::local::state::StateDir;

/// Messages accepted by the broker and not yet taken by the rules engine.
const QUEUE: usize = 8192;
/// How often the registry is checked for changes.
const RELOAD_EVERY: Duration = Duration::from_millis(200);

/// What the server reports while it runs; each is called from the server's own tasks and
/// threads, so keep them quick.
pub struct Observers {
    pub broker: EventSink,
    pub rules: Arc<dyn Fn(RuleEvent) + Send + Sync>,
    /// A registry change was picked up: `Ok(n)` rules now run, or why the new rules cannot run
    /// (the previous ones are kept).
    pub reloaded: Arc<dyn Fn(Result<usize, String>) + Send + Sync>,
}

/// A running local backend.
pub struct Server {
    handle: BrokerHandle,
    /// The AWS API endpoint, when asked for.
    api: Option<ApiServer>,
    /// The presigned downloads of jobs, beside the API endpoint.
    downloads: Option<DownloadServer>,
    /// HTTPS for devices (publish, Device Shadow REST API), when asked for.
    device_https: Option<DeviceHttpsServer>,
    /// Moves jobs on with time: rollouts, timeouts.
    jobs_clock: tokio::task::JoinHandle<()>,
    shutdown: CancellationToken,
    engine_task: tokio::task::JoinHandle<EngineStats>,
    watcher: tokio::task::JoinHandle<()>,
    /// Writes connection states to the registry; ends once the broker is gone.
    recorder: std::thread::JoinHandle<()>,
    state: StateDir,
}

impl Server {
    /// Starts the backend of `state` on 127.0.0.1:`port` (0 picks a free port) and writes the
    /// broker file that other soilctl commands use to find it.
    pub async fn start(state: &StateDir, port: u16, observers: Observers) -> anyhow::Result<Self> {
        Self::start_with(
            state,
            port,
            None,
            None,
            broker::SessionSettings::default(),
            observers,
        )
        .await
    }

    /// [`Server::start`] with the AWS API endpoint on 127.0.0.1:`api_port` and HTTPS for
    /// devices on 127.0.0.1:`https_port` (0 picks a free port; `None`: not served) and other
    /// persistent-session settings (`local up`).
    pub async fn start_with(
        state: &StateDir,
        port: u16,
        api_port: Option<u16>,
        https_port: Option<u16>,
        sessions: broker::SessionSettings,
        observers: Observers,
    ) -> anyhow::Result<Self> {
        // First, so that a second backend on this state directory changes nothing.
        let journal = Journal::open(&state.journal()).map_err(|e| match e {
            JournalError::InUse { .. } => crate::error::bad_input(e.to_string()),
            other => anyhow::Error::new(other).context("opening the journal of accepted messages"),
        })?;
        let local = Local::open(state)?;
        // Everything below is loaded from at least this generation of the registry.
        let generation = local.registry.generation()?;
        let (server_chain, server_key) = local
            .ca
            .server_identity(&state.ca_dir())
            .context("preparing the broker's server certificate")?;
        let authority = Arc::new(Authority::new(
            Registry::open(&state.registry())?,
            &local.ca,
        )?);

        // The API first: functions' own code calls it, so the rules need its address.
        let api = match api_port {
            None => None,
            Some(api_port) => {
                let bind = SocketAddr::from(([127, 0, 0, 1], api_port));
                let local = Arc::new(Local::open(state)?);
                let server = ApiServer::start(bind, Arc::clone(&local)).await.map_err(|e| {
                    let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                        format!(
                            ": another program uses port {api_port}; pick another with --api-port"
                        )
                    } else {
                        String::new()
                    };
                    anyhow::anyhow!("cannot listen on {bind} for the AWS APIs: {e}{hint}")
                })?;
                Some((server, local))
            }
        };
        let api_endpoint = api
            .as_ref()
            .map(|(server, _)| format!("http://{}", server.local_addr()));
        let broker_cell: Arc<OnceLock<Publisher>> = Arc::new(OnceLock::new());
        let republish = {
            let cell = broker_cell.clone();
            Arc::new(move |topic: String, payload: Bytes, qos: u8| {
                if let Some(b) = cell.get() {
                    b.publish(&topic, payload, qos, false);
                }
            })
        };
        let engine = Arc::new(Engine::new(
            load_rules(&local.registry, api_endpoint.as_deref())?,
            state.clone(),
            republish,
            observers.rules.clone(),
        ));
        let (tx, rx) = tokio::sync::mpsc::channel::<Inbound>(QUEUE);
        // Set before the journal's replay can run a function that publishes.
        let (api, api_local) = match api {
            Some((server, api_local)) => {
                let _ = api_local.engine.set(engine.clone());
                (Some(server), Some(api_local))
            }
            None => (None, None),
        };
        let engine_task = rules::spawn(engine.clone(), rx, Some(journal));

        // No session survives a restart: every client id starts disconnected.
        let connectivity = Registry::open(&state.registry())?;
        connectivity
            .clear_connectivity()
            .context("clearing the connection states")?;
        let (changes, recorder) = record_connectivity(connectivity);
        let events = {
            let observer = observers.broker.clone();
            let events: broker::EventSink = Arc::new(move |event: BrokerEvent| {
                if let Some(change) = connectivity_change(&event) {
                    let _ = changes.send(change);
                }
                observer(event);
            });
            events
        };

        let shutdown = CancellationToken::new();
        let bind = SocketAddr::from(([127, 0, 0, 1], port));
        let handle = broker::start(
            BrokerConfig {
                bind,
                sessions,
                store: Arc::new(Registry::open(&state.registry())?),
                limits: broker::Limits {
                    connect_interval: crate::settings::connect_interval(),
                    ..broker::Limits::default()
                },
                ..BrokerConfig::new(server_chain, server_key)
            },
            authority.clone(),
            tx,
            events,
            shutdown.clone(),
        )
        .await
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(": another program (or another `soilctl local up`) uses port {port}; pick another with --port")
            } else {
                String::new()
            };
            anyhow::anyhow!("cannot listen on {bind}: {e}{hint}")
        })?;
        handle.serve_shadows_from(Arc::new(Registry::open(&state.registry())?));
        // Presigned downloads for jobs, beside the API (`local up`), with the broker's
        // certificate.
        let downloads = match &api_local {
            None => None,
            Some(api_local) => {
                let (chain, key) = local
                    .ca
                    .server_identity(&state.ca_dir())
                    .context("preparing the download server's certificate")?;
                let bind = SocketAddr::from(([127, 0, 0, 1], 0));
                let server = DownloadServer::start(bind, chain, key, state.buckets())
                    .await
                    .with_context(|| format!("cannot listen on {bind} for job downloads"))?;
                let _ = api_local.downloads.set(server.signer());
                Some(server)
            }
        };
        let jobs = Arc::new(RegistryJobs {
            registry: Registry::open(&state.registry())?,
            signer: downloads.as_ref().map(DownloadServer::signer),
        });
        handle.serve_jobs_from(jobs.clone());
        let provisioning = Arc::new(RegistryProvisioning::new(
            Registry::open(&state.registry())?,
            crate::local::ca::LocalCa::load_or_create(&state.ca_dir())?,
            state.clone(),
            api_endpoint.clone(),
        ));
        handle.serve_provisioning_from(provisioning.clone());
        let jobs_clock = tokio::spawn(run_jobs_clock(
            jobs,
            provisioning,
            handle.publisher(),
            shutdown.clone(),
        ));
        // HTTPS for devices, with the broker's certificate and its handshake.
        let device_https = match https_port {
            None => None,
            Some(https_port) => Some(
                start_device_https(state, &local, &handle, https_port, observers.broker.clone())
                    .await?,
            ),
        };
        let https_addr = device_https.as_ref().map(DeviceHttpsServer::local_addr);
        let _ = broker_cell.set(handle.publisher());
        if let Some(api_local) = &api_local {
            let _ = api_local.broker.set(handle.publisher());
        }
        write_broker_file(
            state,
            handle.local_addr(),
            api.as_ref().map(ApiServer::local_addr),
            https_addr,
            generation,
        )?;

        let watcher = tokio::spawn(watch_registry(
            state.clone(),
            handle.local_addr(),
            api.as_ref().map(ApiServer::local_addr),
            https_addr,
            generation,
            local.registry,
            authority,
            engine,
            api_endpoint,
            observers.reloaded,
            shutdown.clone(),
        ));
        Ok(Server {
            handle,
            api,
            downloads,
            device_https,
            jobs_clock,
            shutdown,
            engine_task,
            watcher,
            recorder,
            state: state.clone(),
        })
    }

    /// Where the broker listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    /// Where the AWS API endpoint listens, when it runs.
    pub fn api_addr(&self) -> Option<SocketAddr> {
        self.api.as_ref().map(ApiServer::local_addr)
    }

    /// Where devices publish over HTTPS, when they can.
    pub fn https_addr(&self) -> Option<SocketAddr> {
        self.device_https
            .as_ref()
            .map(DeviceHttpsServer::local_addr)
    }

    /// Where the presigned downloads of jobs are served, when they are.
    pub fn downloads_addr(&self) -> Option<SocketAddr> {
        self.downloads.as_ref().map(DownloadServer::local_addr)
    }

    /// Publishes as the backend itself (no policy applies).
    pub fn publisher(&self) -> Publisher {
        self.handle.publisher()
    }

    /// Stops accepting, closes every connection, lets the engine finish every accepted message,
    /// removes the broker file, and returns what the engine did.
    pub async fn stop(self) -> anyhow::Result<EngineStats> {
        self.shutdown.cancel();
        let _ = self.watcher.await;
        let _ = self.jobs_clock.await;
        // Before the broker closes: requests in progress finish their hand-over.
        if let Some(device_https) = self.device_https {
            device_https.stop().await;
        }
        if let Some(downloads) = self.downloads {
            downloads.stop().await;
        }
        // Every connection closed and every accepted message handed over; the hand-over
        // channel then closes and the engine drains what it holds.
        self.handle.closed().await;
        // The broker is gone with its end of the channel: the recorder writes what is left.
        let recorder = self.recorder;
        let _ = tokio::task::spawn_blocking(move || recorder.join()).await;
        let stats = self.engine_task.await;
        // Last: the functions' own code calls the API until the engine has drained.
        if let Some(api) = self.api {
            api.stop().await;
        }
        let stats = stats.context("the rules engine stopped abnormally")?;
        let _ = std::fs::remove_file(self.state.broker_file());
        Ok(stats)
    }
}

/// HTTPS for devices on 127.0.0.1:`port`, with the broker's certificate and handshake.
async fn start_device_https(
    state: &StateDir,
    local: &Local,
    handle: &BrokerHandle,
    port: u16,
    events: EventSink,
) -> anyhow::Result<DeviceHttpsServer> {
    let (chain, key) = local
        .ca
        .server_identity(&state.ca_dir())
        .context("preparing the device HTTPS endpoint's certificate")?;
    let tls = handle
        .device_tls(chain, key)
        .context("preparing the device HTTPS endpoint's TLS")?;
    let bind = SocketAddr::from(([127, 0, 0, 1], port));
    DeviceHttpsServer::start(bind, tls, handle.publisher(), events)
        .await
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(": another program uses port {port}; pick another with --https-port")
            } else {
                String::new()
            };
            anyhow::anyhow!("cannot listen on {bind} for devices' HTTPS: {e}{hint}")
        })
}

/// How often running jobs are moved on (rollout minutes, timeouts).
const JOBS_EVERY: Duration = Duration::from_secs(1);

/// Every second: jobs' rollouts and timeouts; and fleet provisioning's certificates whose
/// ownership tokens expired unused are deleted.
async fn run_jobs_clock(
    jobs: Arc<RegistryJobs>,
    provisioning: Arc<RegistryProvisioning>,
    publisher: Publisher,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(JOBS_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let (jobs, provisioning) = (jobs.clone(), provisioning.clone());
        if let Ok(published) = tokio::task::spawn_blocking(move || {
            let _ = provisioning.sweep();
            jobs.tick()
        })
        .await
            && !published.is_empty()
        {
            publisher.publish_as_service(published);
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn watch_registry(
    state: StateDir,
    addr: SocketAddr,
    api: Option<SocketAddr>,
    https: Option<SocketAddr>,
    mut generation: u64,
    registry: Registry,
    authority: Arc<Authority>,
    engine: Arc<Engine>,
    api_endpoint: Option<String>,
    reloaded: Arc<dyn Fn(Result<usize, String>) + Send + Sync>,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(RELOAD_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = match registry.generation() {
            Ok(g) => g,
            Err(e) => {
                reloaded(Err(format!("reading the registry: {e}")));
                continue;
            }
        };
        if now == generation {
            continue;
        }
        if let Err(e) = authority.refresh_if_changed() {
            reloaded(Err(format!(
                "reloading certificates and policies: {}",
                crate::error::one_line(&e)
            )));
        }
        match load_rules(&registry, api_endpoint.as_deref()) {
            Ok(set) => {
                let n = set.len();
                engine.replace_rules(set);
                reloaded(Ok(n));
            }
            Err(e) => reloaded(Err(format!(
                "the registry's rules cannot run, keeping the previous ones: {}",
                crate::error::one_line(&e)
            ))),
        }
        generation = now;
        // Tells other soilctl commands that what they changed is now in effect.
        if let Err(e) = write_broker_file(&state, addr, api, https, generation) {
            reloaded(Err(format!(
                "updating {}: {e}",
                state.broker_file().display()
            )));
        }
    }
}

/// What a broker event changes in the connection states.
fn connectivity_change(event: &BrokerEvent) -> Option<ConnectivityChange> {
    match event {
        BrokerEvent::Connected {
            client_id, version, ..
        } => Some(ConnectivityChange::Connected {
            client_id: client_id.clone(),
            at_ms: crate::clock::now_ms(),
            version: *version,
        }),
        BrokerEvent::Disconnected {
            client_id,
            disconnect_reason,
            version,
            ..
        } => Some(ConnectivityChange::Disconnected {
            client_id: client_id.clone(),
            at_ms: crate::clock::now_ms(),
            reason: disconnect_reason.to_string(),
            version: *version,
        }),
        _ => None,
    }
}

/// A thread that writes connection states in batches (whatever arrived while the previous
/// batch was written goes in one transaction), so the broker's tasks never wait on SQLite.
fn record_connectivity(
    registry: Registry,
) -> (
    std::sync::mpsc::Sender<ConnectivityChange>,
    std::thread::JoinHandle<()>,
) {
    const BATCH: usize = 512;
    let (tx, rx) = std::sync::mpsc::channel::<ConnectivityChange>();
    let thread = std::thread::spawn(move || {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < BATCH
                && let Ok(more) = rx.try_recv()
            {
                batch.push(more);
            }
            // A failed write (the database busy for too long) is retried once; the states are
            // advisory, so a lost batch only shows a stale state until the next change.
            if registry.record_connectivity(&batch).is_err() {
                std::thread::sleep(Duration::from_millis(100));
                let _ = registry.record_connectivity(&batch);
            }
        }
    });
    (tx, thread)
}

/// The registry's rules; functions' own code calls `api_endpoint`, when there is one.
fn load_rules(registry: &Registry, api_endpoint: Option<&str>) -> anyhow::Result<rules::RuleSet> {
    let (defs, mut deployed) = deployed_everything(registry)?;
    deployed.api_endpoint = api_endpoint.map(str::to_owned);
    Ok(rules::compile(&defs, &deployed)?)
}

fn write_broker_file(
    state: &StateDir,
    addr: SocketAddr,
    api: Option<SocketAddr>,
    https: Option<SocketAddr>,
    generation: u64,
) -> anyhow::Result<()> {
    let mut info = serde_json::json!({
        "generation": generation,
        "pid": std::process::id(),
        "host": LOCAL_HOST,
        "address": addr.to_string(),
        "port": addr.port(),
        "caFile": state.ca_dir().join("ca.pem"),
        "startedMs": crate::clock::now_ms(),
    });
    if let Some(api) = api {
        info["apiPort"] = api.port().into();
        info["apiEndpoint"] = format!("http://{api}").into();
    }
    if let Some(https) = https {
        info["httpsPort"] = https.port().into();
        info["httpsEndpoint"] = format!("https://{LOCAL_HOST}:{}", https.port()).into();
    }
    crate::pki::write_file(
        &state.broker_file(),
        format!("{info:#}\n").as_bytes(),
        0o644,
    )
}

/// A running backend as other commands find it, through its broker file.
#[derive(Debug, Clone)]
pub struct Running {
    pub host: String,
    pub port: u16,
    pub ca_file: std::path::PathBuf,
    /// The registry generation whose certificates, policies and rules are in effect.
    pub generation: u64,
    /// The AWS API endpoint (`http://127.0.0.1:PORT`), when it runs.
    pub api_endpoint: Option<String>,
    /// HTTPS for devices (`https://localhost:PORT`), when it runs.
    pub https_endpoint: Option<String>,
}

/// The `local up` serving `state`, or a one-line error saying how to start one.
pub fn find_running(state: &StateDir) -> anyhow::Result<Running> {
    let path = state.broker_file();
    let missing = || {
        crate::error::bad_input(format!(
            "no `soilctl local up` is running for {}: start one in another terminal (`soilctl local up`), or use `soilctl demo`",
            state.root().display()
        ))
    };
    let text = std::fs::read_to_string(&path).map_err(|_| missing())?;
    let info: serde_json::Value = serde_json::from_str(&text).map_err(|_| missing())?;
    let port = info["port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(missing)?;
    // A broker file left by a process that died without cleaning up.
    let pid = info["pid"]
        .as_i64()
        .and_then(|p| i32::try_from(p).ok())
        .and_then(rustix::process::Pid::from_raw)
        .ok_or_else(missing)?;
    match rustix::process::test_kill_process(pid) {
        Ok(()) | Err(rustix::io::Errno::PERM) => {}
        Err(_) => return Err(missing()),
    }
    Ok(Running {
        host: info["host"].as_str().unwrap_or(LOCAL_HOST).to_string(),
        port,
        ca_file: info["caFile"]
            .as_str()
            .map(Into::into)
            .unwrap_or_else(|| state.ca_dir().join("ca.pem")),
        generation: info["generation"].as_u64().unwrap_or(0),
        api_endpoint: info["apiEndpoint"].as_str().map(str::to_owned),
        https_endpoint: info["httpsEndpoint"].as_str().map(str::to_owned),
    })
}

/// When a `local up` is running, waits (up to `timeout`) until it serves the registry as it is
/// now, so that a command's change is in effect when the command returns; else returns at once.
pub async fn settle(state: &StateDir, timeout: Duration) -> anyhow::Result<()> {
    if find_running(state).is_err() {
        return Ok(());
    }
    wait_until_served(state, timeout).await
}

/// Waits until the running backend serves the registry as it is now (it re-reads it within
/// 200 ms of a change), so that things and certificates just made are known to the broker.
/// Gives up quietly after `timeout`: a connection refused then says why.
pub async fn wait_until_served(state: &StateDir, timeout: Duration) -> anyhow::Result<()> {
    let wanted = Registry::open(&state.registry())?.generation()?;
    let until = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < until {
        match find_running(state) {
            Ok(r) if r.generation >= wanted => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(e),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
