//! The fleet against the real local backend in this process: the built-in template deployed,
//! devices with their own certificates, the broker and rules engine running.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::*;
use crate::cli::KeyAlgorithm;
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::registry::CertificateStatus;
use crate::local::server::{Observers, Server};
use crate::local::state::StateDir;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Identity, QoS, ServerTrust};
use crate::template::Template;

struct Backend {
    _dir: tempfile::TempDir,
    state: StateDir,
    server: Server,
    devices: Vec<DeviceSpec>,
    certificates: Vec<String>,
}

async fn backend(n: usize) -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::new(dir.path().join("state"));
    let local = Local::open(&state).unwrap();
    let template = Template::builtin().unwrap();
    let params = [
        ("AlertEmail".to_string(), "ops@example.com".to_string()),
        ("HumidityThreshold".to_string(), "35".to_string()),
    ]
    .into_iter()
    .collect();
    let plan = local.plan(&template, "fleet", &params).unwrap();
    let stack = local.apply(&template, "fleet", &params, &plan).unwrap();
    let policy = local.device_policy(&stack).unwrap();
    let devices_dir = dir.path().join("devices");
    let mut devices = Vec::new();
    let mut certificates = Vec::new();
    for i in 1..=n {
        let name = format!("soilSensor{i}");
        let created = local
            .create_thing(
                "fleet",
                &name,
                &policy,
                &devices_dir,
                KeyAlgorithm::EcdsaP256,
            )
            .unwrap();
        let identity = Identity::from_pem_files(
            &created.dir.join(crate::pki::CERTIFICATE_FILE),
            &created.dir.join(crate::pki::PRIVATE_KEY_FILE),
        )
        .unwrap();
        certificates.push(created.certificate_id);
        devices.push(DeviceSpec {
            name,
            identity: Arc::new(identity),
        });
    }
    let observers = Observers {
        broker: Arc::new(|_| {}),
        rules: Arc::new(|_| {}),
        reloaded: Arc::new(|_| {}),
    };
    let server = Server::start(&state, 0, observers).await.unwrap();
    Backend {
        _dir: dir,
        state,
        server,
        devices,
        certificates,
    }
}

fn plan(b: &Backend, interval_ms: u64, stop: Stop) -> FleetPlan {
    FleetPlan {
        devices: b.devices.clone(),
        host: LOCAL_HOST.into(),
        port: b.server.local_addr().port(),
        trust: ServerTrust::from_pem_file(&b.state.ca_dir().join("ca.pem")).unwrap(),
        alpn: None,
        interval: Duration::from_millis(interval_ms),
        model_step: None,
        stop,
        qos: QoS::AtLeastOnce,
        threshold: 35.0,
        seed: 1,
        ramp_per_second: 1000,
        max_publish_rate: None,
        max_in_flight: 8,
        max_backoff: Duration::from_millis(400),
        refusals_before_giving_up: 3,
        follow_shadow: true,
        pairing: false,
        jobs: None,
        sleep: None,
    }
}

type Seen = Arc<Mutex<Vec<FleetEvent>>>;

fn recorder() -> (Seen, Arc<dyn Fn(FleetEvent) + Send + Sync>) {
    let seen: Seen = Arc::default();
    let s = seen.clone();
    (seen, Arc::new(move |e| s.lock().unwrap().push(e)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reading_is_acknowledged_and_archived() {
    let b = backend(3).await;
    let (seen, events) = recorder();
    let summary = run(
        plan(&b, 20, Stop::Count(4)),
        Arc::new(Counters::default()),
        CancellationToken::new(),
        events,
    )
    .await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    assert_eq!(summary.sent, 12);
    assert_eq!(summary.acknowledged, 12);
    assert_eq!(summary.peak_connected, 3);
    assert!(summary.all_connected_after_seconds.is_some());
    assert!(summary.failed.is_empty());
    assert!(!summary.interrupted);
    let stats = b.server.stop().await.unwrap();
    assert_eq!(stats.archived, 12);
    assert_eq!(stats.alerts, summary.under_threshold);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_device_reconnects_and_sends_what_was_not_acknowledged() {
    let b = backend(1).await;
    let (seen, events) = recorder();
    // Long enough for the device to reconnect after AWS's one CONNECT per second per client id.
    let fleet_plan = plan(&b, 30, Stop::After(Duration::from_millis(4500)));
    let intruder = Endpoint::Mtls {
        host: LOCAL_HOST.into(),
        port: fleet_plan.port,
        trust: fleet_plan.trust.clone(),
        identity: b.devices[0].identity.clone(),
        alpn: None,
    };
    let runner = tokio::spawn(run(
        fleet_plan,
        Arc::new(Counters::default()),
        CancellationToken::new(),
        events,
    ));
    // A second connection with the device's client id takes the session over: the device's
    // connection is closed by the broker, as AWS IoT Core does. A second after the device's
    // CONNECT, so the throttle lets it in; the device's own reconnects within the next second
    // are refused as "server unavailable" and retried.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let other = Connection::connect(&intruder, &ConnectOptions::new("soilSensor1"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    other.disconnect().await.unwrap();
    let summary = runner.await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|e| matches!(e, FleetEvent::Dropped { .. })),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(
            |e| matches!(e, FleetEvent::Reconnected { device, .. } if device == "soilSensor1")
        ),
        "{seen:?}"
    );
    assert!(
        summary.reconnects >= 1 && summary.disconnects >= 1,
        "{summary:?}"
    );
    assert_eq!(summary.acknowledged, summary.sent, "{summary:?}");
    assert!(summary.failed.is_empty(), "{summary:?}");
    let stats = b.server.stop().await.unwrap();
    assert!(stats.archived >= summary.sent, "{stats:?} {summary:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_certificate_ends_the_device_with_the_reason() {
    let b = backend(2).await;
    Local::open(&b.state)
        .unwrap()
        .registry
        .set_certificate_status(&b.certificates[1], CertificateStatus::Inactive)
        .unwrap();
    // The running backend picks the change up within its reload interval.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (seen, events) = recorder();
    let summary = run(
        plan(&b, 20, Stop::Count(2)),
        Arc::new(Counters::default()),
        CancellationToken::new(),
        events,
    )
    .await;
    assert_eq!(summary.failed.len(), 1, "{summary:?}");
    assert_eq!(summary.failed[0].device, "soilSensor2");
    assert!(!summary.failed[0].error.is_empty());
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, FleetEvent::GaveUp { device, .. } if device == "soilSensor2"))
    );
    assert_eq!(
        summary.sent, 2,
        "the other device did its part: {summary:?}"
    );
    assert_eq!(summary.acknowledged, 2);
    b.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_every_device_cleanly() {
    let b = backend(2).await;
    let cancel = CancellationToken::new();
    let (_, events) = recorder();
    let runner = tokio::spawn(run(
        plan(&b, 20, Stop::After(Duration::from_secs(600))),
        Arc::new(Counters::default()),
        cancel.clone(),
        events,
    ));
    tokio::time::sleep(Duration::from_millis(400)).await;
    cancel.cancel();
    let summary = tokio::time::timeout(Duration::from_secs(10), runner)
        .await
        .expect("the fleet stops soon after cancelling")
        .unwrap();
    assert!(summary.interrupted);
    assert!(summary.sent > 0);
    assert_eq!(summary.acknowledged, summary.sent);
    assert!(summary.failed.is_empty());
    b.server.stop().await.unwrap();
}

#[test]
fn limits_and_ramp_slots() {
    let mut p = FleetPlan {
        devices: Vec::new(),
        host: "h".into(),
        port: 1,
        trust: ServerTrust::amazon_root(),
        alpn: None,
        interval: Duration::from_millis(1),
        model_step: None,
        stop: Stop::Count(1),
        qos: QoS::AtMostOnce,
        threshold: 35.0,
        seed: 0,
        ramp_per_second: 100,
        max_publish_rate: Some(100),
        max_in_flight: 1,
        max_backoff: Duration::from_secs(1),
        refusals_before_giving_up: 3,
        follow_shadow: true,
        pairing: false,
        jobs: None,
        sleep: None,
    };
    assert_eq!(p.effective_interval(), Duration::from_millis(10));
    p.max_publish_rate = None;
    assert_eq!(p.effective_interval(), Duration::from_millis(1));
    assert_eq!(p.ramp_slot(0), Duration::ZERO);
    assert_eq!(p.ramp_slot(250), Duration::from_millis(2500));
    assert_eq!(
        FleetPlan::topic("soilSensor1"),
        "device/soilSensor1/devicePayload"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_follow_the_desired_state_in_their_shadow_and_report_it() {
    let b = backend(1).await;
    let fleet_plan = plan(&b, 50, Stop::After(Duration::from_millis(3000)));
    let port = fleet_plan.port;
    let trust = fleet_plan.trust.clone();
    let runner = tokio::spawn(run(
        fleet_plan,
        Arc::new(Counters::default()),
        CancellationToken::new(),
        recorder().1,
    ));
    tokio::time::sleep(Duration::from_millis(700)).await;
    // An operator commands the device through its shadow, as `soilctl shadow update` does.
    let local = Local::open(&b.state).unwrap();
    let dir =
        crate::local::authority::ensure_operator(&b.state, &local.registry, &local.ca).unwrap();
    let operator = Identity::from_pem_files(
        &dir.join(crate::pki::CERTIFICATE_FILE),
        &dir.join(crate::pki::PRIVATE_KEY_FILE),
    )
    .unwrap();
    let endpoint = Endpoint::Mtls {
        host: LOCAL_HOST.into(),
        port,
        trust,
        identity: Arc::new(operator),
        alpn: None,
    };
    // Wait for the backend to know the operator certificate made just now.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut op = Connection::connect(&endpoint, &ConnectOptions::new("operator"))
        .await
        .unwrap();
    op.publish(
        "$aws/things/soilSensor1/shadow/update",
        bytes::Bytes::from_static(
            br#"{"state":{"desired":{"valve":"open","reportInterval":0.2}}}"#,
        ),
        QoS::AtLeastOnce,
        false,
    )
    .await
    .unwrap();
    let summary = runner.await.unwrap();
    assert!(summary.failed.is_empty(), "{summary:?}");
    let shadow = local
        .registry
        .shadow("soilSensor1", None)
        .unwrap()
        .expect("the shadow exists");
    assert_eq!(shadow.reported["valve"], "open", "{shadow:?}");
    assert_eq!(shadow.reported["reportInterval"], 0.2, "{shadow:?}");
    assert!(shadow.delta().is_empty(), "{shadow:?}");
    b.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleeping_devices_publish_one_reading_per_wake_and_every_one_is_archived() {
    let b = backend(2).await;
    let mut sleepy = plan(&b, 50, Stop::Count(3));
    // Longer than AWS's one CONNECT per second per client id, which the backend enforces.
    sleepy.sleep = Some(Duration::from_millis(1100));
    let (seen, events) = recorder();
    let summary = run(
        sleepy,
        Arc::new(Counters::default()),
        CancellationToken::new(),
        events,
    )
    .await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    assert!(summary.failed.is_empty(), "{summary:?}");
    // One connection per wake, one reading per wake.
    assert_eq!(summary.wakes, 6, "{summary:?}");
    assert_eq!(summary.connections, 6, "{summary:?}");
    assert_eq!(summary.sent, 6, "{summary:?}");
    assert_eq!(summary.acknowledged, 6, "{summary:?}");
    assert_eq!(summary.disconnects, 0, "{summary:?}");
    let stats = b.server.stop().await.unwrap();
    // Clean disconnects: no last will among the archived messages.
    assert_eq!(stats.archived, 6);
}

#[test]
fn downloads_are_summed_over_the_span_from_the_first_start_to_the_last_end() {
    let counters = Counters::default();
    assert_eq!(
        counters.summary(1, Duration::ZERO, false, vec![]).downloads,
        None
    );
    let t0 = std::time::UNIX_EPOCH + Duration::from_secs(1_000);
    let s = Duration::from_secs(1);
    counters.downloaded(2_000_000, t0 + s, t0 + 3 * s);
    counters.downloaded(1_000_000, t0, t0 + 2 * s);
    counters.downloaded(1_000_000, t0 + 2 * s, t0 + 4 * s);
    let d = counters
        .summary(3, Duration::ZERO, false, vec![])
        .downloads
        .unwrap();
    assert_eq!((d.count, d.bytes), (3, 4_000_000));
    assert!((d.seconds - 4.0).abs() < 1e-9, "{d:?}");
    assert!((d.megabytes_per_second - 1.0).abs() < 1e-9, "{d:?}");
}
