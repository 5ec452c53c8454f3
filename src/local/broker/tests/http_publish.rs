//! Publishing as a certificate's principal (the device HTTPS endpoint's way in): the rules
//! engine sees the message with no client id, a QoS 1 publish returns only once the engine is
//! done with its hold, and the refusals are an MQTT PUBLISH's.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use super::support::{Options, harness_with};
use crate::local::broker::http_publish::PublishRefused;
use crate::local::gate::{Action, Principal};

#[tokio::test]
async fn a_qos1_publish_as_a_principal_returns_once_the_rules_engine_has_it() {
    let asked: Arc<Mutex<Vec<(String, Action, String)>>> = Arc::default();
    let record = asked.clone();
    let options = Options {
        keep_holds: true,
        ..Options::default()
    };
    let mut h = harness_with(
        move |client_id: &str, action, topic: &str| {
            record
                .lock()
                .unwrap()
                .push((client_id.to_owned(), action, topic.to_owned()));
            action == Action::Publish && topic.starts_with("device/d1/")
        },
        options,
    )
    .await;
    let publisher = h.broker().publisher();
    let principal = Principal {
        certificate_id: "c1".to_owned(),
        common_name: "d1".to_owned(),
    };
    let task = {
        let (publisher, principal) = (publisher.clone(), principal.clone());
        tokio::spawn(async move {
            publisher
                .publish_as(
                    &principal,
                    "device/d1/data",
                    Bytes::from_static(b"{}"),
                    1,
                    false,
                )
                .await
        })
    };
    let inbound = h.next_inbound().await;
    assert_eq!(inbound.topic, "device/d1/data");
    assert_eq!(
        (inbound.client_id.as_str(), inbound.principal.as_str()),
        ("", "c1")
    );
    assert_eq!(inbound.qos, 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !task.is_finished(),
        "answered before the rules engine was done with it"
    );
    drop(inbound);
    assert_eq!(task.await.unwrap(), Ok(()));

    let publish = |topic: &'static str, payload: Bytes, qos: u8, retain: bool| {
        let (publisher, principal) = (publisher.clone(), principal.clone());
        async move {
            publisher
                .publish_as(&principal, topic, payload, qos, retain)
                .await
        }
    };
    let small = || Bytes::from_static(b"{}");
    assert!(matches!(
        publish("device/d2/data", small(), 0, false).await,
        Err(PublishRefused::NotAuthorized(reason)) if reason.contains("publish to device/d2/data not allowed")
    ));
    assert!(matches!(
        publish("device/d1/data", small(), 0, true).await,
        Err(PublishRefused::NotAuthorized(reason)) if reason.contains("retained publish")
    ));
    assert!(matches!(
        publish("$SYS/broker", small(), 0, false).await,
        Err(PublishRefused::Reserved(_))
    ));
    assert!(matches!(
        publish("device/+/data", small(), 0, false).await,
        Err(PublishRefused::InvalidTopic(_))
    ));
    assert_eq!(
        publish("device/d1/data", small(), 2, false).await,
        Err(PublishRefused::QoS(2))
    );
    assert!(matches!(
        publish(
            "device/d1/data",
            Bytes::from(vec![0; 128 * 1024 + 1]),
            1,
            false
        )
        .await,
        Err(PublishRefused::TooLarge { .. })
    ));
    h.no_inbound().await;
    // HTTPS has no client id, and no CONNECT to check.
    let asked = asked.lock().unwrap();
    assert!(
        asked.iter().all(|(client_id, ..)| client_id.is_empty()),
        "{asked:?}"
    );
    assert!(
        asked
            .iter()
            .all(|(_, action, _)| *action != Action::Connect)
    );
}
