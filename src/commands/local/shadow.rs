//! `soilctl shadow get | update | delete --local`.
//!
//! With a `local up` running, requests go through its broker as a device's would: the operator
//! identity subscribes to the answers (`.../accepted`, `.../rejected`, and for an update
//! `.../delta` and `.../documents`), publishes on `$aws/things/<thing>/shadow[/name/<n>]/<op>`
//! and matches the answers by client token, so devices online get their delta exactly as on
//! AWS. With none running, nobody is online to notify: the registry serves the request itself.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::commands::shadow::Answer;
use crate::local::control::Local;
use crate::local::state::StateDir;
use crate::mqtt::{ConnectOptions, Connection, Endpoint, Event, MqttError, QoS};
use crate::printer::Printer;
use crate::shadow::{self, Operation};

/// How long the broker has to answer a request.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// Where local shadow requests are served.
pub(crate) enum LocalShadows {
    /// Through the running `local up`'s broker.
    Broker {
        conn: Box<Connection>,
        server: String,
    },
    /// Straight from the registry (no `local up` running).
    Registry(Box<Local>),
}

impl LocalShadows {
    /// Connects to the running `local up`, or opens the registry when none is running.
    pub(crate) async fn open(state: &StateDir, printer: &Printer) -> anyhow::Result<LocalShadows> {
        if crate::local::server::find_running(state).is_err() {
            printer.detail("no `local up` is running: serving the request from the registry");
            return Ok(LocalShadows::Registry(Box::new(Local::open(state)?)));
        }
        let server = crate::commands::endpoint::local_server(state)?;
        let endpoint = Endpoint::Mtls {
            host: server.host.clone(),
            port: server.port,
            trust: server.trust.clone(),
            identity: Arc::new(crate::commands::endpoint::operator_identity(state)?),
            alpn: None,
        };
        let described = endpoint.describe();
        let options = ConnectOptions::new(format!("soilctl-shadow-{:08x}", fastrand::u32(..)));
        let conn = Connection::connect(&endpoint, &options)
            .await
            .with_context(|| format!("connecting to the local backend at {described}"))?;
        printer.detail(format!("connected to {described} as the operator"));
        Ok(LocalShadows::Broker {
            conn: Box::new(conn),
            server: described,
        })
    }

    /// Serves one request; `request` is the JSON body (empty for a get or delete).
    pub(crate) async fn request(
        &mut self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
    ) -> anyhow::Result<Answer> {
        match self {
            LocalShadows::Registry(local) => {
                let now = u64::try_from(crate::clock::now_secs()).unwrap_or_default();
                let handled = local
                    .registry
                    .shadow_request(thing, shadow_name, operation, request, now)
                    .context("serving the shadow request from the local registry")?;
                Ok(answer_of(handled.responses))
            }
            LocalShadows::Broker { conn, server } => {
                let answer = through_broker(conn, thing, shadow_name, operation, request).await;
                answer.with_context(|| format!("asking the local backend at {server}"))
            }
        }
    }

    /// Closes the connection, if any, with a DISCONNECT.
    pub(crate) async fn close(self) {
        if let LocalShadows::Broker { conn, .. } = self {
            let _ = conn.disconnect().await;
        }
    }
}

/// The answer in the documents a shadow request produced (suffix, document).
fn answer_of(responses: Vec<(&'static str, Value)>) -> Answer {
    let mut accepted = None;
    let mut delta = None;
    for (suffix, doc) in responses {
        match suffix {
            "rejected" => return rejected(&doc),
            "accepted" => accepted = Some(doc),
            "delta" => delta = Some(doc),
            _ => {}
        }
    }
    match accepted {
        Some(document) => Answer::Accepted { document, delta },
        None => Answer::Rejected {
            code: 500,
            message: "the shadow service gave no answer".to_owned(),
        },
    }
}

fn rejected(doc: &Value) -> Answer {
    Answer::Rejected {
        code: doc["code"]
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(500),
        message: doc["message"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The request with a client token to match the answers by: the caller's, or one made here
/// (then `true`: it is taken out of the answers again).
fn with_token(request: &[u8]) -> anyhow::Result<(Vec<u8>, String, bool)> {
    let mut body: Map<String, Value> = if request.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(request) {
            Ok(Value::Object(map)) => map,
            _ => anyhow::bail!("the shadow request is not a JSON object"),
        }
    };
    if let Some(Value::String(token)) = body.get("clientToken") {
        let token = token.clone();
        return Ok((request.to_vec(), token, false));
    }
    let token = format!("soilctl-{:016x}", fastrand::u64(..));
    body.insert("clientToken".into(), Value::String(token.clone()));
    Ok((serde_json::to_vec(&Value::Object(body))?, token, true))
}

fn strip_token(doc: &mut Value) {
    if let Value::Object(map) = doc {
        map.shift_remove("clientToken");
    }
}

/// Subscribes to the answers, publishes the request and waits for the answers that carry its
/// client token: `/rejected`, or `/accepted` (for an update: then the delta, if any, and
/// `/documents`, which the broker always publishes last).
async fn through_broker(
    conn: &mut Connection,
    thing: &str,
    shadow_name: Option<&str>,
    operation: Operation,
    request: &[u8],
) -> anyhow::Result<Answer> {
    let (body, token, generated) = with_token(request)?;
    let topic = format!(
        "{}/{}",
        shadow::prefix(thing, shadow_name),
        operation.as_str()
    );
    let mut suffixes = vec!["accepted", "rejected"];
    if operation == Operation::Update {
        suffixes.extend(["delta", "documents"]);
    }
    let filters: Vec<String> = suffixes.iter().map(|s| format!("{topic}/{s}")).collect();
    let wanted: Vec<(&str, QoS)> = filters
        .iter()
        .map(|f| (f.as_str(), QoS::AtLeastOnce))
        .collect();
    let granted = conn.subscribe(&wanted).await?;
    let refused: Vec<&str> = filters
        .iter()
        .zip(&granted)
        .filter(|(_, g)| g.is_none())
        .map(|(f, _)| f.as_str())
        .collect();
    if !refused.is_empty() {
        return Err(MqttError::SubscriptionRefused(refused.join(" ")).into());
    }
    conn.publish(&topic, Bytes::from(body), QoS::AtLeastOnce, false)
        .await?;

    let wait = async {
        let mut accepted: Option<Value> = None;
        let mut delta: Option<Value> = None;
        loop {
            let Event::Message(message) = conn.next_event().await? else {
                continue;
            };
            let Some(suffix) = message
                .topic
                .strip_prefix(topic.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
            else {
                continue;
            };
            let Ok(mut doc) = serde_json::from_slice::<Value>(&message.payload) else {
                continue;
            };
            if doc["clientToken"].as_str() != Some(token.as_str()) {
                continue;
            }
            if generated {
                strip_token(&mut doc);
            }
            match suffix {
                "rejected" => return Ok(rejected(&doc)),
                "accepted" if operation != Operation::Update => {
                    return Ok(Answer::Accepted {
                        document: doc,
                        delta: None,
                    });
                }
                "accepted" => accepted = Some(doc),
                "delta" => delta = Some(doc),
                "documents" => {
                    if let Some(document) = accepted.take() {
                        return Ok(Answer::Accepted {
                            document,
                            delta: delta.take(),
                        });
                    }
                }
                _ => {}
            }
        }
    };
    match tokio::time::timeout(ANSWER_TIMEOUT, wait).await {
        Ok(result) => result.map_err(|e: MqttError| anyhow::Error::new(e)),
        Err(_) => anyhow::bail!(
            "no answer on {topic}/accepted or {topic}/rejected within {}s",
            ANSWER_TIMEOUT.as_secs()
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_token_is_added_when_the_request_has_none() {
        let (body, token, generated) = with_token(b"").unwrap();
        assert!(generated);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body, json!({ "clientToken": token }));

        let request = br#"{"state":{"desired":{"a":1}},"clientToken":"mine"}"#;
        let (body, token, generated) = with_token(request).unwrap();
        assert_eq!(
            (body.as_slice(), token.as_str(), generated),
            (&request[..], "mine", false)
        );

        let (body, _, generated) = with_token(br#"{"state":{"reported":{"b":2}}}"#).unwrap();
        assert!(generated);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["state"]["reported"]["b"], 2);
    }

    #[test]
    fn registry_answers_become_answers() {
        let answer = answer_of(vec![
            ("accepted", json!({"version": 1})),
            ("delta", json!({"state": {"a": 1}})),
            ("documents", json!({})),
        ]);
        let Answer::Accepted { document, delta } = answer else {
            panic!("not accepted");
        };
        assert_eq!(document["version"], 1);
        assert_eq!(delta.unwrap()["state"]["a"], 1);
        let answer = answer_of(vec![(
            "rejected",
            json!({"code": 409, "message": "Version conflict"}),
        )]);
        assert!(matches!(answer, Answer::Rejected { code: 409, .. }));
    }
}
