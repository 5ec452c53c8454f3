//! Persistent sessions of soilctl's MQTT client against Debian's mosquitto, a broker that keeps
//! them: session present 0 then 1, QoS 1 messages published while the client was away
//! delivered in order after it comes back, an unacknowledged publish sent again with DUP and
//! its packet id (as mosquitto's log and a mosquitto_sub watcher see it), and a clean session
//! making the broker forget the persistent one. mosquitto's log (`log_type all`) shows what it
//! received, packet by packet.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use soilctl::mqtt::{
    ConnectOptions, Connection, Endpoint, Event, Identity, Message, QoS, ServerTrust, Session,
};

use crate::mosquitto::{Mosquitto, TestPki, client_tool, start, test_pki};

struct Setup {
    broker: Mosquitto,
    pki: TestPki,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let pki = test_pki(dir.path());
    let broker = start(&pki.ca, &pki.server_cert, &pki.server_key);
    Setup {
        broker,
        pki,
        _dir: dir,
    }
}

impl Setup {
    /// Mutual TLS as `name` (its certificate's common name).
    fn endpoint(&self, name: &str) -> Endpoint {
        let (cert, key) = self.pki.client(name);
        Endpoint::Mtls {
            host: "localhost".to_owned(),
            port: self.broker.mtls_port,
            trust: ServerTrust::from_pem_file(&self.pki.ca).unwrap(),
            identity: Arc::new(Identity::from_pem_files(&cert, &key).unwrap()),
            alpn: None,
        }
    }

    /// mosquitto_pub on the plain listener at QoS 1; returns once mosquitto acknowledged it.
    async fn publish(&self, topic: &str, body: &str) {
        let mut cmd = Command::new(client_tool("mosquitto_pub"));
        cmd.args(["-h", "127.0.0.1", "-p", &self.broker.plain_port.to_string()])
            .args(["-q", "1", "-t", topic, "-m", body])
            .stdin(Stdio::null());
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "mosquitto_pub: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// How many lines of mosquitto's log contain `needle`.
    fn logged(&self, needle: &str) -> usize {
        self.broker.log().matches(needle).count()
    }

    /// Waits until mosquitto's log contains `needle` (a bound on waiting, not on speed).
    fn wait_for_log(&self, needle: &str) {
        crate::local::wait_until("mosquitto log", || (self.logged(needle) > 0).then_some(()))
            .unwrap_or_else(|| panic!("no {needle:?} in mosquitto's log:\n{}", self.broker.log()));
    }
}

fn persistent(client_id: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(client_id);
    options.clean_session = false;
    options
}

async fn message(connection: &mut Connection, setup: &Setup) -> Message {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), connection.next_event())
            .await
            .unwrap_or_else(|_| panic!("nothing in 10 s; mosquitto:\n{}", setup.broker.log()))
            .unwrap();
        if let Event::Message(message) = event {
            return message;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_keeps_the_session_and_delivers_what_came_meanwhile_in_order() {
    let setup = setup();
    let endpoint = setup.endpoint("sleeper");
    let options = persistent("sleeper");

    let mut conn = Connection::connect(&endpoint, &options).await.unwrap();
    assert!(!conn.session_present(), "a new session");
    assert_eq!(
        conn.subscribe(&[("cmd/sleeper/#", QoS::AtLeastOnce)])
            .await
            .unwrap(),
        [Some(QoS::AtLeastOnce)]
    );
    let session = conn.session();
    conn.disconnect().await.unwrap();
    setup.wait_for_log("Client sleeper disconnected");

    for n in 1..=5 {
        setup.publish("cmd/sleeper/valve", &format!("m{n}")).await;
    }

    let mut conn = Connection::resume(&endpoint, &options, session)
        .await
        .unwrap();
    assert!(conn.session_present(), "{}", setup.broker.log());
    for n in 1..=5 {
        let got = message(&mut conn, &setup).await;
        assert_eq!(
            (got.topic.as_str(), &got.payload[..], got.qos),
            (
                "cmd/sleeper/valve",
                format!("m{n}").as_bytes(),
                QoS::AtLeastOnce
            )
        );
    }
    conn.disconnect().await.unwrap();
    let log = setup.broker.log();
    assert_eq!(
        setup.logged("Sending CONNACK to sleeper (0, 0)"),
        1,
        "{log}"
    );
    assert_eq!(
        setup.logged("Sending CONNACK to sleeper (1, 0)"),
        1,
        "{log}"
    );
    // The session had the subscription: it was not made again.
    assert_eq!(setup.logged("Received SUBSCRIBE from sleeper"), 1, "{log}");
    assert_eq!(
        setup.logged("as sleeper (p2, c0, k30, u'sleeper')"),
        2,
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unacknowledged_publish_goes_again_with_dup_and_its_packet_id() {
    let setup = setup();
    let (cert, key) = setup.pki.client("watcher");
    let watcher = Command::new(client_tool("mosquitto_sub"))
        .args(["-h", "localhost", "-p", &setup.broker.mtls_port.to_string()])
        .arg("--cafile")
        .arg(&setup.pki.ca)
        .arg("--cert")
        .arg(cert)
        .arg("--key")
        .arg(key)
        .args(["-i", "watcher", "-t", "soil/#", "-v", "-q", "1", "-C", "2"])
        .args(["-W", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    setup.wait_for_log("Received SUBSCRIBE from watcher");

    let endpoint = setup.endpoint("sender");
    let options = persistent("sender");
    let mut conn = Connection::connect(&endpoint, &options).await.unwrap();
    let id = conn
        .publish(
            "soil/sender",
            Bytes::from_static(b"reading-1"),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap()
        .expect("a packet id");
    // The connection ends before its PUBACK is read: the publish stays unacknowledged.
    let session = conn.session();
    assert_eq!(session.unacknowledged(), 1);
    drop(conn);
    setup.wait_for_log(&format!(
        "Received PUBLISH from sender (d0, q1, r0, m{id}, 'soil/sender'"
    ));

    let mut conn = Connection::resume(&endpoint, &options, session)
        .await
        .unwrap();
    assert!(conn.session_present());
    let acked = tokio::time::timeout(Duration::from_secs(10), conn.next_event())
        .await
        .expect("no PUBACK in 10 s")
        .unwrap();
    assert!(matches!(acked, Event::PubAck(a) if a == id), "{acked:?}");
    assert_eq!(conn.session().unacknowledged(), 0);
    conn.disconnect().await.unwrap();
    let log = setup.broker.log();
    assert_eq!(
        setup.logged(&format!(
            "Received PUBLISH from sender (d1, q1, r0, m{id}, 'soil/sender'"
        )),
        1,
        "{log}"
    );

    // At least once: the watcher got the message both times.
    let out = tokio::task::spawn_blocking(move || watcher.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["soil/sender reading-1", "soil/sender reading-1"],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_session_makes_mosquitto_forget_the_persistent_one() {
    let setup = setup();
    let endpoint = setup.endpoint("forgetful");
    let options = persistent("forgetful");
    let mut conn = Connection::connect(&endpoint, &options).await.unwrap();
    conn.subscribe(&[("cmd/forgetful", QoS::AtLeastOnce)])
        .await
        .unwrap();
    let session = conn.session();
    conn.disconnect().await.unwrap();
    setup.wait_for_log("Client forgetful disconnected");
    setup.publish("cmd/forgetful", "stale").await;

    // Clean: no session present, and the queued message is gone. Had it been kept, mosquitto
    // would have sent it right after the CONNACK, before anything asked for later.
    let mut clean = Connection::connect(&endpoint, &ConnectOptions::new("forgetful"))
        .await
        .unwrap();
    assert!(!clean.session_present());
    clean
        .subscribe(&[("own/forgetful", QoS::AtLeastOnce)])
        .await
        .unwrap();
    clean
        .publish(
            "own/forgetful",
            Bytes::from_static(b"fresh"),
            QoS::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    let first = message(&mut clean, &setup).await;
    assert_eq!(&first.payload[..], b"fresh", "{first:?}");
    clean.disconnect().await.unwrap();
    setup.wait_for_log("Received DISCONNECT from forgetful");

    // Persistent again with the old half: mosquitto has no session, so the client subscribes
    // again on its own, and new messages arrive; the stale one does not.
    let mut conn = Connection::resume(&endpoint, &options, session)
        .await
        .unwrap();
    assert!(!conn.session_present());
    setup.publish("cmd/forgetful", "new").await;
    let got = message(&mut conn, &setup).await;
    assert_eq!(&got.payload[..], b"new", "{got:?}");
    conn.disconnect().await.unwrap();
    let log = setup.broker.log();
    assert_eq!(setup.logged("forgetful 1 cmd/forgetful"), 2, "{log}");
    assert_eq!(
        setup.logged("Sending CONNACK to forgetful (1, 0)"),
        0,
        "{log}"
    );

    // An empty session (none kept yet) resumes like a new connection.
    let fresh = Connection::resume(&endpoint, &options, Session::new())
        .await
        .unwrap();
    assert!(fresh.session_present(), "the previous connection's session");
    fresh.disconnect().await.unwrap();
}
