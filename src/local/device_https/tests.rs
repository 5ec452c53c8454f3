//! The device HTTPS endpoint against the real local backend in this process (the built-in
//! template deployed, devices with their own certificates, the broker and the rules engine
//! running), over real HTTPS on loopback with the devices' own client
//! ([`crate::fleet::https::HttpsClient`]) and MQTT subscribers watching.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hyper::Method;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::cli::KeyAlgorithm;
use crate::fleet::https::{Answer, HttpsClient, HttpsError};
use crate::fleet::{Counters, DeviceSpec, FleetPlan, Stop};
use crate::local::broker::BrokerEvent;
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::registry::certificate_arn;
use crate::local::server::{Observers, Server};
use crate::local::state::StateDir;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, Identity, QoS, ServerTrust};
use crate::template::Template;

struct Backend {
    _dir: tempfile::TempDir,
    server: Server,
    devices: Vec<DeviceSpec>,
    operator: Arc<Identity>,
    trust: ServerTrust,
    events: Arc<Mutex<Vec<BrokerEvent>>>,
}

/// Over HTTPS there is no client id, so the stack's device policy (written with
/// `${iot:Connection.Thing.ThingName}`) allows nothing: each device gets a policy naming its
/// own topic, as a user would attach.
fn https_policy(name: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "iot:Publish",
            "Resource": format!("arn:aws:iot:*:*:topic/device/{name}/devicePayload"),
        }]
    })
    .to_string()
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
    let plan = local.plan(&template, "https", &params).unwrap();
    let stack = local.apply(&template, "https", &params, &plan).unwrap();
    let policy = local.device_policy(&stack).unwrap();
    let mut devices = Vec::new();
    for i in 1..=n {
        let name = format!("soilSensor{i}");
        let created = local
            .create_thing(
                "https",
                &name,
                &policy,
                &dir.path().join("devices"),
                KeyAlgorithm::EcdsaP256,
            )
            .unwrap();
        let own = format!("https-{name}");
        local
            .registry
            .create_policy(&own, &https_policy(&name))
            .unwrap();
        local
            .registry
            .attach_policy(&own, &certificate_arn(&created.certificate_id))
            .unwrap();
        let identity = Identity::from_pem_files(
            &created.dir.join(crate::pki::CERTIFICATE_FILE),
            &created.dir.join(crate::pki::PRIVATE_KEY_FILE),
        )
        .unwrap();
        devices.push(DeviceSpec {
            name,
            identity: Arc::new(identity),
        });
    }
    let operator_dir =
        crate::local::authority::ensure_operator(&state, &local.registry, &local.ca).unwrap();
    let operator = Identity::from_pem_files(
        &operator_dir.join(crate::pki::CERTIFICATE_FILE),
        &operator_dir.join(crate::pki::PRIVATE_KEY_FILE),
    )
    .unwrap();
    let events: Arc<Mutex<Vec<BrokerEvent>>> = Arc::default();
    let observers = Observers {
        broker: {
            let events = events.clone();
            Arc::new(move |e| events.lock().unwrap().push(e))
        },
        rules: Arc::new(|_| {}),
        reloaded: Arc::new(|_| {}),
    };
    let server = Server::start_with(
        &state,
        0,
        None,
        Some(0),
        crate::local::broker::SessionSettings::default(),
        observers,
    )
    .await
    .unwrap();
    let trust = ServerTrust::from_pem_file(&state.ca_dir().join("ca.pem")).unwrap();
    Backend {
        _dir: dir,
        server,
        devices,
        operator: Arc::new(operator),
        trust,
        events,
    }
}

impl Backend {
    fn https_port(&self) -> u16 {
        self.server.https_addr().unwrap().port()
    }

    fn client(&self, identity: &Arc<Identity>) -> HttpsClient {
        HttpsClient::new(
            LOCAL_HOST,
            self.https_port(),
            self.trust.clone(),
            identity.clone(),
        )
    }

    /// An MQTT connection of the operator (allowed everything) subscribed to `filter`.
    async fn watch(&self, client_id: &str, filter: &str) -> Connection {
        let endpoint = Endpoint::Mtls {
            host: LOCAL_HOST.into(),
            port: self.server.local_addr().port(),
            trust: self.trust.clone(),
            identity: self.operator.clone(),
            alpn: None,
        };
        let mut conn = Connection::connect(&endpoint, &ConnectOptions::new(client_id))
            .await
            .unwrap();
        let granted = conn.subscribe(&[(filter, QoS::AtLeastOnce)]).await.unwrap();
        assert!(granted.iter().all(Option::is_some));
        conn
    }

    fn refusals(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    BrokerEvent::HttpsRefused { .. } | BrokerEvent::Refused { .. }
                )
            })
            .map(ToString::to_string)
            .collect()
    }
}

/// The next message a subscriber gets: (topic, JSON payload).
async fn next_message(conn: &mut Connection) -> (String, Value) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), conn.next_event())
            .await
            .expect("a message within 10 s")
            .unwrap();
        if let Event::Message(m) = event {
            return (m.topic.clone(), serde_json::from_slice(&m.payload).unwrap());
        }
    }
}

fn json_of(answer: &Answer) -> Value {
    serde_json::from_slice(&answer.body).unwrap()
}

fn refused(e: HttpsError) -> (u16, String) {
    match e {
        HttpsError::Refused {
            status, message, ..
        } => (status, message),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_over_https_reaches_subscribers_and_the_rules_as_an_mqtt_one_does() {
    let b = backend(1).await;
    let mut watcher = b.watch("watcher", "device/+/devicePayload").await;
    let mut client = b.client(&b.devices[0].identity);
    let payload = r#"{"name":"soilSensor1","humidity":20}"#;
    let answer = client
        .publish(
            "device/soilSensor1/devicePayload",
            Bytes::from_static(payload.as_bytes()),
            QoS::AtLeastOnce,
        )
        .await
        .unwrap();
    let body = json_of(&answer);
    assert_eq!(body["message"], "OK");
    let trace = body["traceId"].as_str().unwrap();
    assert_eq!(trace.len(), 36, "a UUID: {trace}");
    let (topic, got) = next_message(&mut watcher).await;
    assert_eq!(topic, "device/soilSensor1/devicePayload");
    assert_eq!(got["humidity"], 20);
    // The same keep-alive connection takes a second one, at QoS 0.
    client
        .publish(
            "device/soilSensor1/devicePayload",
            Bytes::from_static(br#"{"name":"soilSensor1","humidity":50}"#),
            QoS::AtMostOnce,
        )
        .await
        .unwrap();
    assert_eq!(next_message(&mut watcher).await.1["humidity"], 50);
    watcher.disconnect().await.unwrap();
    let stats = b.server.stop().await.unwrap();
    assert_eq!(stats.archived, 2, "{stats:?}");
    assert_eq!(stats.alerts, 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_answered_as_aws_answers_them() {
    let b = backend(2).await;
    let mut client = b.client(&b.devices[0].identity);
    let small = || Bytes::from_static(b"{}");
    // Another device's topic: the policies do not allow it.
    let e = client
        .publish(
            "device/soilSensor2/devicePayload",
            small(),
            QoS::AtLeastOnce,
        )
        .await
        .unwrap_err();
    assert_eq!(refused(e), (403, "Forbidden".to_owned()));
    // Reserved topics are refused as on MQTT.
    for topic in ["$aws/events/presence/connected/x", "$SYS/broker"] {
        let e = client
            .publish(topic, small(), QoS::AtLeastOnce)
            .await
            .unwrap_err();
        assert_eq!(refused(e).0, 403, "{topic}");
    }
    // Over 128 KB (on a connection of its own: the server may close one whose body it did
    // not read).
    let big = Bytes::from(vec![b'a'; 128 * 1024 + 1]);
    let e = b
        .client(&b.devices[0].identity)
        .publish("device/soilSensor1/devicePayload", big, QoS::AtLeastOnce)
        .await
        .unwrap_err();
    assert_eq!(refused(e).0, 413);
    // A retained message needs iot:RetainPublish, which no policy here grants.
    let answer = client
        .request(
            Method::POST,
            "/topics/device%2FsoilSensor1%2FdevicePayload?qos=1&retain=true",
            small(),
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 403);
    for (method, path, status) in [
        (Method::POST, "/topics/device%2Fa%2Fb?qos=2", 400),
        (Method::POST, "/topics/a%2B%2Fb", 400),
        (Method::GET, "/topics/a", 405),
        (Method::GET, "/nothing", 404),
        (Method::PUT, "/things/soilSensor1/shadow", 405),
    ] {
        let answer = client.request(method.clone(), path, small()).await.unwrap();
        assert_eq!(answer.status, status, "{method} {path}: {:?}", answer.body);
        assert!(json_of(&answer)["traceId"].is_string());
    }
    // The connection stayed usable through all of it.
    client
        .publish(
            "device/soilSensor1/devicePayload",
            small(),
            QoS::AtLeastOnce,
        )
        .await
        .unwrap();
    let refusals = b.refusals();
    assert!(
        refusals.iter().any(|r| r
            .contains("HTTPS POST /topics/device%2FsoilSensor2%2FdevicePayload from 127.0.0.1:")
            && r.contains(
                "refused with 403: publish to device/soilSensor2/devicePayload not allowed"
            )),
        "{refusals:#?}"
    );
    b.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_a_certificate_is_refused_in_the_handshake() {
    let b = backend(1).await;
    let port = b.https_port();
    let config = crate::mqtt::server_only_config(&b.trust).unwrap();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name = rustls_pki_types::ServerName::try_from(LOCAL_HOST).unwrap();
    // TLS 1.3: the client finishes its side, and learns of the refusal on its first read.
    let outcome = async {
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tls))
                .await
                .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        let request = hyper::Request::post("/topics/device%2FsoilSensor1%2FdevicePayload")
            .header(hyper::header::HOST, LOCAL_HOST)
            .body(http_body_util::Full::new(Bytes::from_static(b"{}")))
            .map_err(std::io::Error::other)?;
        sender
            .send_request(request)
            .await
            .map_err(std::io::Error::other)
    }
    .await;
    assert!(outcome.is_err(), "answered without a client certificate");
    let mut refusals = Vec::new();
    for _ in 0..100 {
        refusals = b.refusals();
        if !refusals.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        refusals
            .iter()
            .any(|r| r.contains("TLS handshake") && r.contains("no client certificate (HTTPS)")),
        "{refusals:#?}"
    );
    b.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shadow_rest_api_is_the_shadow_service_mqtt_subscribers_see() {
    let b = backend(1).await;
    let mut watcher = b
        .watch("shadow-watcher", "$aws/things/soilSensor1/shadow/#")
        .await;
    // The operator's policy allows everything; the device's allows no shadow action.
    let mut app = b.client(&b.operator);
    let path = "/things/soilSensor1/shadow";
    let missing = app.request(Method::GET, path, Bytes::new()).await.unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(
        json_of(&missing),
        json!({"code": 404, "message": "No shadow exists with name: 'soilSensor1'"})
    );
    let update = Bytes::from_static(br#"{"state":{"desired":{"valve":"open"}}}"#);
    let updated = app.request(Method::POST, path, update).await.unwrap();
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(json_of(&updated)["version"], 1);
    let mut seen = Vec::new();
    while seen.len() < 3 {
        seen.push(next_message(&mut watcher).await);
    }
    let topics: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        topics.contains(&"$aws/things/soilSensor1/shadow/update/delta"),
        "{topics:?}"
    );
    let delta = &seen.iter().find(|(t, _)| t.ends_with("/delta")).unwrap().1;
    assert_eq!(delta["state"]["valve"], "open");
    let got = app.request(Method::GET, path, Bytes::new()).await.unwrap();
    assert_eq!(json_of(&got)["state"]["desired"]["valve"], "open");
    // A bad document is the HTTP answer only: nothing on .../rejected.
    let bad = app
        .request(Method::POST, path, Bytes::from_static(b"not json"))
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    assert_eq!(json_of(&bad)["code"], 400);
    let deleted = app
        .request(Method::DELETE, path, Bytes::new())
        .await
        .unwrap();
    assert_eq!(deleted.status, 200);
    loop {
        let (topic, _) = next_message(&mut watcher).await;
        assert!(!topic.ends_with("/rejected"), "{topic}");
        if topic == "$aws/things/soilSensor1/shadow/delete/accepted" {
            break;
        }
    }
    // Named shadows go by ?name=.
    let named = app
        .request(
            Method::POST,
            "/things/soilSensor1/shadow?name=config",
            Bytes::from_static(br#"{"state":{"reported":{"interval":5}}}"#),
        )
        .await
        .unwrap();
    assert_eq!(named.status, 200);
    // The device may read its own shadow (by its certificate's common name: there is none
    // now), and no other thing's.
    let mut device = b.client(&b.devices[0].identity);
    let own = device
        .request(Method::GET, path, Bytes::new())
        .await
        .unwrap();
    assert_eq!(own.status, 404);
    let denied = device
        .request(Method::GET, "/things/someoneElse/shadow", Bytes::new())
        .await
        .unwrap();
    assert_eq!(denied.status, 403);
    assert_eq!(json_of(&denied)["message"], "Forbidden");
    watcher.disconnect().await.unwrap();
    b.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_over_https_has_every_reading_acknowledged_and_archived() {
    let b = backend(3).await;
    let plan = FleetPlan {
        devices: b.devices.clone(),
        host: LOCAL_HOST.into(),
        port: b.https_port(),
        trust: b.trust.clone(),
        alpn: None,
        interval: Duration::from_millis(20),
        model_step: None,
        stop: Stop::Count(4),
        qos: QoS::AtLeastOnce,
        threshold: 35.0,
        seed: 1,
        ramp_per_second: 1000,
        max_publish_rate: None,
        max_in_flight: 8,
        max_backoff: Duration::from_millis(400),
        refusals_before_giving_up: 1,
        follow_shadow: false,
        pairing: false,
        jobs: None,
        sleep: None,
    };
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let events = {
        let seen = seen.clone();
        Arc::new(move |e: crate::fleet::FleetEvent| seen.lock().unwrap().push(e.to_string()))
    };
    let summary = crate::fleet::run_over_https(
        plan,
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
    assert_eq!(
        (summary.sent, summary.acknowledged),
        (12, 12),
        "{summary:?}"
    );
    assert_eq!(summary.peak_connected, 3);
    assert!(summary.failed.is_empty());
    let stats = b.server.stop().await.unwrap();
    assert_eq!(stats.archived, 12);
    assert_eq!(stats.alerts, summary.under_threshold);
}
