//! The AWS IoT data plane (REST-JSON, signing name `iotdata`): GetThingShadow,
//! UpdateThingShadow, DeleteThingShadow (classic and named, `?name=`),
//! ListNamedShadowsForThing, Publish, GetRetainedMessage and ListRetainedMessages.
//!
//! Inside `local up` the API holds the running broker's [`Publisher`]: shadow requests go
//! through the broker's own shadow service, so an update reaches subscribed devices on
//! `.../update/accepted`, `.../update/delta` and `.../update/documents` at once, exactly as one
//! made by a device; Publish goes to subscribers and to the rules engine as a device's publish
//! does; retained messages are the broker's. Without a broker nobody can be online: shadows
//! are served from the registry, a retained message is saved for the next `local up`, and any
//! other message has no one to reach.

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Value, json};

use super::Request;
use super::paging;
use super::reply::Reply;
use crate::local::broker::{self, Change, Publisher, StoredMessage};
use crate::local::control::Local;
use crate::local::registry::RegistryError;
use crate::shadow::{Handled, Operation, ShadowTopic};

/// The largest payload Publish takes (AWS IoT Core's 128 KB).
const MAX_PAYLOAD: usize = 128 * 1024;
/// ListNamedShadowsForThing's and ListRetainedMessages' page sizes.
const SHADOW_PAGE: usize = 25;
const MAX_SHADOW_PAGE: usize = 100;
const RETAINED_PAGE: usize = 200;
const MAX_RETAINED_PAGE: usize = 200;

/// Answers one data-plane request.
pub fn handle(local: &Local, broker: Option<&Publisher>, req: &Request) -> Reply {
    let segments: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let result = match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["things", thing, "shadow"]) => shadow(local, broker, thing, Operation::Get, req),
        ("POST", ["things", thing, "shadow"]) => {
            shadow(local, broker, thing, Operation::Update, req)
        }
        ("DELETE", ["things", thing, "shadow"]) => {
            shadow(local, broker, thing, Operation::Delete, req)
        }
        ("GET", ["api", "things", "shadow", "ListNamedShadowsForThing", thing]) => {
            named_shadows(local, thing, req)
        }
        ("POST", ["topics", topic @ ..]) if !topic.is_empty() => {
            publish(local, broker, &topic.join("/"), req)
        }
        ("GET", ["retainedMessage"]) => list_retained(local, broker, req),
        ("GET", ["retainedMessage", topic @ ..]) if !topic.is_empty() => {
            get_retained(local, broker, &topic.join("/"))
        }
        _ => return Reply::unknown_operation("iotdata", &req.method, &req.path),
    };
    result.unwrap_or_else(|reply| reply)
}

type Answer = Result<Reply, Reply>;

/// The exception the shadow service means by an HTTP-style code.
fn exception(code: u64) -> &'static str {
    match code {
        400 => "InvalidRequestException",
        401 => "UnauthorizedException",
        403 => "ForbiddenException",
        404 => "ResourceNotFoundException",
        405 => "MethodNotAllowedException",
        409 => "ConflictException",
        413 => "RequestEntityTooLargeException",
        415 => "UnsupportedDocumentEncodingException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ => "InternalFailureException",
    }
}

fn internal(message: &str) -> Reply {
    Reply::rest_json_error(500, "InternalFailureException", message)
}

fn registry_failure(e: &RegistryError) -> Reply {
    Reply::registry_error(e)
}

/// Thing and shadow names as the shadow service takes them: `[a-zA-Z0-9:_-]`, 1 to 128 and
/// 1 to 64 characters.
fn check_name(what: &str, name: &str, max: usize) -> Result<(), Reply> {
    let fine = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'));
    if fine {
        Ok(())
    } else {
        Err(Reply::invalid_request(&format!(
            "{what} {name:?} must be 1 to {max} of the characters a-z, A-Z, 0-9, :, _ and -"
        )))
    }
}

/// The answer an HTTP shadow request gets from the documents the service made: the accepted
/// document as the body, or the rejection as the exception its code names.
fn answer(handled: &Handled) -> Reply {
    match handled.responses.first() {
        Some(("accepted", document)) => Reply::json(document),
        Some((_, rejected)) => {
            let code = rejected["code"].as_u64().unwrap_or(500);
            let message = rejected["message"].as_str().unwrap_or("the request failed");
            Reply::rest_json_error(u16::try_from(code).unwrap_or(500), exception(code), message)
        }
        None => internal("the shadow service gave no answer"),
    }
}

fn shadow(
    local: &Local,
    broker: Option<&Publisher>,
    thing: &str,
    operation: Operation,
    req: &Request,
) -> Answer {
    check_name("thingName", thing, 128)?;
    let name = req.query("name").filter(|n| !n.is_empty());
    if let Some(name) = name {
        check_name("shadowName", name, 64)?;
    }
    let body: &[u8] = match operation {
        Operation::Update => &req.body,
        // GetThingShadow and DeleteThingShadow carry no document.
        Operation::Get | Operation::Delete => b"",
    };
    let served = match broker.and_then(|b| b.serve_shadow(thing, name, operation, body)) {
        Some(served) => served,
        None => {
            let now = u64::try_from(crate::clock::now_secs()).unwrap_or_default();
            local
                .registry
                .shadow_request(thing, name, operation, body, now)
                .map_err(|e| e.to_string())
        }
    };
    match served {
        Ok(handled) => Ok(answer(&handled)),
        Err(e) => Err(internal(&format!("the shadow store failed: {e}"))),
    }
}

fn named_shadows(local: &Local, thing: &str, req: &Request) -> Answer {
    check_name("thingName", thing, 128)?;
    let size = paging::page_size(
        "pageSize",
        req.query("pageSize"),
        SHADOW_PAGE,
        MAX_SHADOW_PAGE,
    )
    .map_err(super::iot::Failure::reply)?;
    let after = paging::after(req.query("nextToken")).map_err(super::iot::Failure::reply)?;
    let names = local
        .registry
        .shadow_names(thing)
        .map_err(|e| registry_failure(&e))?;
    let (names, next) = paging::page(names, Clone::clone, after.as_deref(), size);
    let mut body = json!({ "results": names, "timestamp": crate::clock::now_secs() });
    if let Some(next) = next {
        body["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

fn publish(local: &Local, broker: Option<&Publisher>, topic: &str, req: &Request) -> Answer {
    broker::check_publish_topic(topic).map_err(|e| Reply::invalid_request(&e))?;
    let qos = match req.query("qos") {
        None | Some("0") => 0,
        Some("1") => 1,
        Some(other) => {
            return Err(Reply::invalid_request(&format!(
                "qos must be 0 or 1, not {other:?}"
            )));
        }
    };
    let retain = match req.query("retain") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Reply::invalid_request(&format!(
                "retain must be true or false, not {other:?}"
            )));
        }
    };
    if req.body.len() > MAX_PAYLOAD {
        return Err(Reply::rest_json_error(
            413,
            "RequestEntityTooLargeException",
            &format!(
                "the payload is {} bytes, more than the {MAX_PAYLOAD} AWS IoT Core takes",
                req.body.len()
            ),
        ));
    }
    match broker {
        Some(broker) => broker.publish(topic, req.body.clone(), qos, retain),
        None => publish_offline(local, topic, &req.body, qos, retain)?,
    }
    Ok(Reply::json(&json!({})))
}

/// With no broker running: a retained message is saved for the next `local up`, and a shadow
/// request is served from the registry; nobody is online for anything else.
fn publish_offline(
    local: &Local,
    topic: &str,
    payload: &Bytes,
    qos: u8,
    retain: bool,
) -> Result<(), Reply> {
    if retain {
        let change = Change::Retain(StoredMessage {
            topic: topic.to_owned(),
            payload: payload.clone(),
            qos,
        });
        local
            .registry
            .apply_broker_changes(&[change])
            .map_err(|e| registry_failure(&e))?;
    }
    if let Some(request) = ShadowTopic::parse(topic) {
        let now = u64::try_from(crate::clock::now_secs()).unwrap_or_default();
        local
            .registry
            .shadow_request(request.thing, request.name, request.operation, payload, now)
            .map_err(|e| registry_failure(&e))?;
    }
    Ok(())
}

/// The retained messages with when each was kept: the broker's when it runs (a message it
/// has not saved yet counts as kept now), else the saved ones.
fn retained(local: &Local, broker: Option<&Publisher>) -> Result<Vec<(StoredMessage, i64)>, Reply> {
    let saved = local
        .registry
        .retained_messages()
        .map_err(|e| registry_failure(&e))?;
    let Some(live) = broker.and_then(Publisher::retained) else {
        return Ok(saved);
    };
    let now = crate::clock::now_ms();
    let mut messages: Vec<(StoredMessage, i64)> = live
        .into_iter()
        .map(|m| {
            let at = saved
                .iter()
                .find(|(s, _)| s.topic == m.topic && s.payload == m.payload)
                .map_or(now, |(_, at)| *at);
            (m, at)
        })
        .collect();
    messages.sort_by(|a, b| a.0.topic.cmp(&b.0.topic));
    Ok(messages)
}

fn get_retained(local: &Local, broker: Option<&Publisher>, topic: &str) -> Answer {
    let found = retained(local, broker)?
        .into_iter()
        .find(|(m, _)| m.topic == topic);
    let Some((message, at)) = found else {
        return Err(Reply::rest_json_error(
            404,
            "ResourceNotFoundException",
            &format!("No retained message exists for topic: '{topic}'"),
        ));
    };
    Ok(Reply::json(&json!({
        "topic": message.topic,
        "payload": base64::engine::general_purpose::STANDARD.encode(&message.payload),
        "qos": message.qos,
        "lastModifiedTime": at,
    })))
}

fn list_retained(local: &Local, broker: Option<&Publisher>, req: &Request) -> Answer {
    let size = paging::page_size(
        "maxResults",
        req.query("maxResults"),
        RETAINED_PAGE,
        MAX_RETAINED_PAGE,
    )
    .map_err(super::iot::Failure::reply)?;
    let after = paging::after(req.query("nextToken")).map_err(super::iot::Failure::reply)?;
    let messages = retained(local, broker)?;
    let (listed, next) = paging::page(messages, |(m, _)| m.topic.clone(), after.as_deref(), size);
    let topics: Vec<Value> = listed
        .iter()
        .map(|(m, at)| {
            json!({
                "topic": m.topic,
                "payloadSize": m.payload.len(),
                "qos": m.qos,
                "lastModifiedTime": at,
            })
        })
        .collect();
    let mut body = json!({ "retainedTopics": topics });
    if let Some(next) = next {
        body["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

#[cfg(test)]
mod tests {
    use super::super::iot::tests::{body, error_type, local, request};
    use super::*;

    #[test]
    fn shadows_without_a_broker_answer_as_aws_does() {
        let (_dir, local) = local();
        let missing = handle(&local, None, &request("GET", "/things/s1/shadow", &[], ""));
        assert_eq!(
            (missing.status, error_type(&missing)),
            (404, Some("ResourceNotFoundException"))
        );
        assert_eq!(
            body(&missing)["message"],
            "No shadow exists with name: 's1'"
        );
        let update = r#"{"state":{"desired":{"interval":60}}}"#;
        let made = handle(
            &local,
            None,
            &request("POST", "/things/s1/shadow", &[("name", "cfg")], update),
        );
        assert_eq!(made.status, 200, "{made:?}");
        assert_eq!(body(&made)["version"], 1);
        let stale = handle(
            &local,
            None,
            &request(
                "POST",
                "/things/s1/shadow",
                &[("name", "cfg")],
                r#"{"state":{"desired":{"interval":30}},"version":7}"#,
            ),
        );
        assert_eq!(
            (stale.status, error_type(&stale)),
            (409, Some("ConflictException"))
        );
        let bad = handle(
            &local,
            None,
            &request("POST", "/things/s1/shadow", &[], "{not json"),
        );
        assert_eq!(
            (bad.status, error_type(&bad)),
            (400, Some("InvalidRequestException"))
        );
        let big = format!(
            r#"{{"state":{{"desired":{{"x":"{}"}}}}}}"#,
            "a".repeat(9000)
        );
        let big = handle(
            &local,
            None,
            &request("POST", "/things/s1/shadow", &[], &big),
        );
        assert_eq!(
            (big.status, error_type(&big)),
            (413, Some("RequestEntityTooLargeException"))
        );
        let named = body(&handle(
            &local,
            None,
            &request(
                "GET",
                "/api/things/shadow/ListNamedShadowsForThing/s1",
                &[],
                "",
            ),
        ));
        assert_eq!(named["results"], json!(["cfg"]));
        let got = body(&handle(
            &local,
            None,
            &request("GET", "/things/s1/shadow", &[("name", "cfg")], ""),
        ));
        assert_eq!(got["state"]["desired"]["interval"], 60);
        let deleted = handle(
            &local,
            None,
            &request("DELETE", "/things/s1/shadow", &[("name", "cfg")], ""),
        );
        assert_eq!(body(&deleted)["version"], 1);
        let bad_name = handle(
            &local,
            None,
            &request("GET", "/things/a%20b/shadow", &[], ""),
        );
        assert_eq!(error_type(&bad_name), Some("InvalidRequestException"));
    }

    #[test]
    fn retained_messages_without_a_broker_are_kept_for_the_next_one() {
        let (_dir, local) = local();
        let published = handle(
            &local,
            None,
            &request(
                "POST",
                "/topics/cmd%2Fs1%2Fconfig",
                &[("qos", "1"), ("retain", "true")],
                "hello",
            ),
        );
        assert_eq!(published.status, 200, "{published:?}");
        let got = body(&handle(
            &local,
            None,
            &request("GET", "/retainedMessage/cmd%2Fs1%2Fconfig", &[], ""),
        ));
        assert_eq!(got["payload"], "aGVsbG8=");
        assert_eq!(got["qos"], 1);
        let listed = body(&handle(
            &local,
            None,
            &request("GET", "/retainedMessage", &[], ""),
        ));
        assert_eq!(listed["retainedTopics"][0]["payloadSize"], 5);
        let none = handle(
            &local,
            None,
            &request("GET", "/retainedMessage/nothing", &[], ""),
        );
        assert_eq!(error_type(&none), Some("ResourceNotFoundException"));
        for (query, topic) in [
            (vec![("qos", "2")], "/topics/a"),
            (vec![], "/topics/a%2F%2B"),
            (
                vec![],
                "/topics/%24aws%2Fthings%2Fs1%2Fshadow%2Fupdate%2Faccepted",
            ),
        ] {
            let refused = handle(&local, None, &request("POST", topic, &query, "x"));
            assert_eq!(
                error_type(&refused),
                Some("InvalidRequestException"),
                "{topic}"
            );
        }
    }
}
