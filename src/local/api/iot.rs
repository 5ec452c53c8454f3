//! AWS IoT's control plane (REST-JSON, signing name `iot`) over the registry: the thing
//! operations (CreateThing, DescribeThing, ListThings, UpdateThing, DeleteThing) and
//! DescribeEndpoint. Each operation takes the parsed request and answers as
//! AWS IoT does, its errors included.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::reply::Reply;
use super::{
    Request, iot_ca, iot_groups, iot_index, iot_jobs, iot_policies, iot_rules, iot_security, paging,
};
use crate::local::control::{LOCAL_HOST, Local};
use crate::local::registry::{Registry, RegistryError, ThingRecord};

/// ListThings' page size when the request gives none, and its largest (AWS's).
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 250;

/// Answers one AWS IoT request.
pub fn handle(local: &Local, req: &Request) -> Reply {
    let registry = &local.registry;
    let segments: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let result = match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["things"]) => list_things(registry, req),
        ("GET", ["things", name]) => describe_thing(registry, name),
        ("POST", ["things", name]) => create_thing(registry, name, req),
        ("PATCH", ["things", name]) => update_thing(registry, name, req),
        ("DELETE", ["things", name]) => delete_thing(registry, name, req),
        ("GET", ["endpoint"]) => describe_endpoint(req),
        _ => match iot_security::handle(local, req, &segments)
            .or_else(|| iot_policies::handle(registry, req, &segments))
            .or_else(|| iot_ca::handle(local, req, &segments))
            .or_else(|| iot_rules::handle(registry, req, &segments))
            .or_else(|| iot_groups::handle(local, req, &segments))
            .or_else(|| iot_jobs::handle(local, req, &segments))
            .or_else(|| {
                let live = local.broker.get().is_some()
                    || crate::local::server::find_running(&local.state).is_ok();
                iot_index::handle(registry, live, req, &segments)
            }) {
            Some(result) => result,
            None => return Reply::unknown_operation("iot", &req.method, &req.path),
        },
    };
    result.unwrap_or_else(|e| e.reply())
}

/// Why an operation failed, before it is answered.
pub(super) enum Failure {
    Registry(RegistryError),
    /// InvalidRequestException (400).
    Invalid(String),
    /// Any other of AWS's exceptions, with its status.
    Aws {
        status: u16,
        code: &'static str,
        message: String,
    },
}

impl Failure {
    pub(super) fn reply(self) -> Reply {
        match self {
            Failure::Registry(e) => Reply::registry_error(&e),
            Failure::Invalid(message) => Reply::invalid_request(&message),
            Failure::Aws {
                status,
                code,
                message,
            } => Reply::rest_json_error(status, code, &message),
        }
    }
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure::Registry(e)
    }
}

pub(super) type Answer = Result<Reply, Failure>;

/// AWS's thing id is a UUID fixed when the thing is made; here it is derived from the thing's
/// ARN and creation time, so it is the same on every call and new for a thing made again.
pub(super) fn thing_id(thing: &ThingRecord) -> String {
    let digest = Sha256::digest(format!("{}@{}", thing.arn, thing.created_ms));
    super::reply::uuid_of(&digest[..16])
}

fn list_things(registry: &Registry, req: &Request) -> Answer {
    let (size, after) = paging::max_results(req, DEFAULT_PAGE, MAX_PAGE)?;
    let wanted = match (req.query("attributeName"), req.query("attributeValue")) {
        (Some(name), Some(value)) => Some((name, value)),
        (None, None) => None,
        _ => {
            return Err(Failure::Invalid(
                "attributeName and attributeValue go together".to_owned(),
            ));
        }
    };
    let prefix = req.query("usePrefixAttributeValue") == Some("true");
    // Things have no type locally: a type filter matches none.
    let typed = req.query("thingTypeName").is_some_and(|t| !t.is_empty());
    let things: Vec<ThingRecord> = registry
        .things()?
        .into_iter()
        .filter(|_| !typed)
        .filter(|t| {
            wanted.is_none_or(|(name, value)| {
                t.attributes.get(name).is_some_and(|v| {
                    if prefix {
                        v.starts_with(value)
                    } else {
                        v == value
                    }
                })
            })
        })
        .collect();
    let (listed, next) = paging::page(things, |t| t.name.clone(), after.as_deref(), size);
    let listed: Vec<Value> = listed
        .iter()
        .map(|t| {
            json!({
                "thingName": t.name,
                "thingArn": t.arn,
                "attributes": t.attributes,
                "version": t.version,
            })
        })
        .collect();
    let mut body = json!({ "things": listed });
    if let Some(next) = next {
        body["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&body))
}

fn describe_thing(registry: &Registry, name: &str) -> Answer {
    let thing = registry
        .thing(name)?
        .ok_or_else(|| RegistryError::not_found("thing", name))?;
    Ok(Reply::json(&json!({
        "defaultClientId": thing.name,
        "thingName": thing.name,
        "thingId": thing_id(&thing),
        "thingArn": thing.arn,
        "attributes": thing.attributes,
        "version": thing.version,
    })))
}

fn create_thing(registry: &Registry, name: &str, req: &Request) -> Answer {
    let body = req.json_object()?;
    if body.get("thingTypeName").is_some_and(|t| !t.is_null()) {
        return Err(Failure::Invalid(
            "thing types are not kept by the local backend: create the thing without one"
                .to_owned(),
        ));
    }
    if body.get("billingGroupName").is_some_and(|t| !t.is_null()) {
        return Err(Failure::Invalid(
            "billing groups are not kept by the local backend".to_owned(),
        ));
    }
    let attributes = attributes_of(&body)?;
    let thing = registry.create_thing(name, &attributes)?;
    Ok(Reply::json(&json!({
        "thingName": thing.name,
        "thingArn": thing.arn,
        "thingId": thing_id(&thing),
    })))
}

/// UpdateThing: `attributePayload` merged into the thing's attributes or replacing them, with
/// `expectedVersion`. Things have no type locally: naming one is refused, removing it is
/// nothing to do.
fn update_thing(registry: &Registry, name: &str, req: &Request) -> Answer {
    let body = req.json_object()?;
    if body.get("thingTypeName").is_some_and(|t| !t.is_null()) {
        return Err(Failure::Invalid(
            "thing types are not kept by the local backend: update the thing without one"
                .to_owned(),
        ));
    }
    let attributes = attributes_of(&body)?;
    let expected = iot_groups::expected_version(req, &body)?;
    registry.update_thing(name, &attributes, merge_of(&body), expected)?;
    Ok(Reply::json(&json!({})))
}

/// Whether `attributePayload` is merged into the attributes there are (`merge`, false by
/// default as on AWS), or replaces them. Without an `attributePayload` nothing is replaced.
pub(super) fn merge_of(body: &Map<String, Value>) -> bool {
    match body.get("attributePayload").filter(|p| !p.is_null()) {
        None => true,
        Some(payload) => payload.get("merge").and_then(Value::as_bool) == Some(true),
    }
}

/// `attributePayload.attributes`: string values only, as AWS IoT takes them.
pub(super) fn attributes_of(
    body: &Map<String, Value>,
) -> Result<BTreeMap<String, String>, Failure> {
    let Some(attributes) = body
        .get("attributePayload")
        .and_then(|p| p.get("attributes"))
        .filter(|a| !a.is_null())
    else {
        return Ok(BTreeMap::new());
    };
    let Some(map) = attributes.as_object() else {
        return Err(Failure::Invalid(
            "attributePayload.attributes must be an object of strings".to_owned(),
        ));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(Failure::Invalid(format!(
                "attribute {k} must be a string, not {other}"
            ))),
        })
        .collect()
}

fn delete_thing(registry: &Registry, name: &str, req: &Request) -> Answer {
    if let Some(expected) = req.query("expectedVersion") {
        let Ok(expected) = expected.parse::<i64>() else {
            return Err(Failure::Invalid(format!(
                "expectedVersion must be a whole number, not {expected:?}"
            )));
        };
        if let Some(thing) = registry.thing(name)?
            && thing.version != expected
        {
            return Ok(Reply::rest_json_error(
                409,
                "VersionConflictException",
                &format!(
                    "thing {name} is at version {}, not {expected}",
                    thing.version
                ),
            ));
        }
    }
    registry.delete_thing(name)?;
    Ok(Reply::json(&json!({})))
}

/// The broker's host: devices connect there (mutual TLS, `local up --port`, 8883 by
/// default, as AWS's).
fn describe_endpoint(req: &Request) -> Answer {
    match req.query("endpointType") {
        None | Some("iot:Data-ATS" | "iot:Data" | "iot:CredentialProvider" | "iot:Jobs") => {
            Ok(Reply::json(&json!({ "endpointAddress": LOCAL_HOST })))
        }
        Some(other) => Err(Failure::Invalid(format!(
            "endpointType {other:?} is not one of iot:Data-ATS, iot:Data, iot:CredentialProvider, iot:Jobs"
        ))),
    }
}

impl Request {
    pub(super) fn json_object(&self) -> Result<Map<String, Value>, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(Failure::Invalid(
                "the request body must be a JSON object".to_owned(),
            )),
            Err(e) => Err(Failure::Invalid(format!(
                "the request body is not JSON: {e}"
            ))),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::local::api) fn request(
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &str,
    ) -> Request {
        Request {
            method: method.to_owned(),
            path: path.to_owned(),
            segments: path
                .trim_matches('/')
                .split('/')
                .map(|s| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .collect(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: Vec::new(),
            body: bytes::Bytes::from(body.to_owned()),
        }
    }

    pub(in crate::local::api) fn local() -> (tempfile::TempDir, Local) {
        let dir = tempfile::tempdir().unwrap();
        let local = Local::open(&crate::local::state::StateDir::new(dir.path())).unwrap();
        (dir, local)
    }

    pub(in crate::local::api) fn body(reply: &Reply) -> Value {
        serde_json::from_slice(&reply.body).unwrap()
    }

    pub(in crate::local::api) fn error_type(reply: &Reply) -> Option<&str> {
        reply
            .headers
            .iter()
            .find(|(k, _)| *k == "x-amzn-errortype")
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn things_are_made_listed_in_pages_described_and_deleted() {
        let (_dir, local) = local();
        let registry = &local;
        for i in 0..5 {
            let made = handle(
                registry,
                &request(
                    "POST",
                    &format!("/things/sensor-{i}"),
                    &[],
                    &format!(
                        r#"{{"attributePayload":{{"attributes":{{"site":"s{}"}}}}}}"#,
                        i % 2
                    ),
                ),
            );
            assert_eq!(made.status, 200, "{made:?}");
            assert_eq!(body(&made)["thingName"], format!("sensor-{i}"));
        }
        let first = handle(
            registry,
            &request("GET", "/things", &[("maxResults", "2")], ""),
        );
        let first = body(&first);
        assert_eq!(first["things"].as_array().unwrap().len(), 2);
        let token = first["nextToken"].as_str().unwrap().to_owned();
        let mut names = Vec::new();
        let mut token = Some(token);
        names.extend(
            first["things"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["thingName"].as_str().unwrap().to_owned()),
        );
        while let Some(t) = token.take() {
            let page = body(&handle(
                registry,
                &request(
                    "GET",
                    "/things",
                    &[("maxResults", "2"), ("nextToken", &t)],
                    "",
                ),
            ));
            names.extend(
                page["things"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["thingName"].as_str().unwrap().to_owned()),
            );
            token = page["nextToken"].as_str().map(str::to_owned);
        }
        assert_eq!(
            names,
            ["sensor-0", "sensor-1", "sensor-2", "sensor-3", "sensor-4"]
        );
        let site0 = body(&handle(
            registry,
            &request(
                "GET",
                "/things",
                &[("attributeName", "site"), ("attributeValue", "s0")],
                "",
            ),
        ));
        assert_eq!(site0["things"].as_array().unwrap().len(), 3);

        let described = body(&handle(
            registry,
            &request("GET", "/things/sensor-1", &[], ""),
        ));
        assert_eq!(described["attributes"]["site"], "s1");
        assert_eq!(described["defaultClientId"], "sensor-1");
        let again = body(&handle(
            registry,
            &request("GET", "/things/sensor-1", &[], ""),
        ));
        assert_eq!(described["thingId"], again["thingId"]);

        let deleted = handle(registry, &request("DELETE", "/things/sensor-1", &[], ""));
        assert_eq!(deleted.status, 200);
        let missing = handle(registry, &request("GET", "/things/sensor-1", &[], ""));
        assert_eq!(missing.status, 404);
        assert_eq!(error_type(&missing), Some("ResourceNotFoundException"));
        // Deleting what is not there succeeds, as on AWS.
        let deleted = handle(registry, &request("DELETE", "/things/sensor-1", &[], ""));
        assert_eq!(deleted.status, 200);
    }

    #[test]
    fn update_thing_merges_or_replaces_attributes_and_checks_the_version() {
        let (_dir, local) = local();
        let made = r#"{"attributePayload":{"attributes":{"zone":"north","depth":"10"}}}"#;
        handle(&local, &request("POST", "/things/s1", &[], made));
        let update = |b: &str| handle(&local, &request("PATCH", "/things/s1", &[], b));
        let merged = update(
            r#"{"attributePayload":{"attributes":{"depth":"","crop":"wheat"},"merge":true},"expectedVersion":1}"#,
        );
        assert_eq!((merged.status, body(&merged)), (200, json!({})));
        let described = body(&handle(&local, &request("GET", "/things/s1", &[], "")));
        assert_eq!(
            described["attributes"],
            json!({"zone": "north", "crop": "wheat"})
        );
        assert_eq!(described["version"], 2);
        let stale = update(r#"{"attributePayload":{"attributes":{}},"expectedVersion":1}"#);
        assert_eq!(
            (stale.status, error_type(&stale)),
            (409, Some("VersionConflictException"))
        );
        // Without merge the attributes are replaced; without a payload they stay.
        update(r#"{"attributePayload":{"attributes":{"site":"b"}}}"#);
        update(r#"{"removeThingType":true}"#);
        let described = body(&handle(&local, &request("GET", "/things/s1", &[], "")));
        assert_eq!(described["attributes"], json!({"site": "b"}));
        assert_eq!(described["version"], 4);
        let missing = handle(&local, &request("PATCH", "/things/s9", &[], "{}"));
        assert_eq!(error_type(&missing), Some("ResourceNotFoundException"));
        let typed = update(r#"{"thingTypeName":"sensor"}"#);
        assert_eq!(error_type(&typed), Some("InvalidRequestException"));
    }

    #[test]
    fn bad_requests_get_aws_errors() {
        let (_dir, local) = local();
        let registry = &local;
        let cases = [
            (
                request("POST", "/things/bad name", &[], ""),
                400,
                "InvalidRequestException",
            ),
            (
                request("POST", "/things/a", &[], "not json"),
                400,
                "InvalidRequestException",
            ),
            (
                request(
                    "POST",
                    "/things/a",
                    &[],
                    r#"{"attributePayload":{"attributes":{"n":1}}}"#,
                ),
                400,
                "InvalidRequestException",
            ),
            (
                request("GET", "/things", &[("maxResults", "0")], ""),
                400,
                "InvalidRequestException",
            ),
            (
                request("GET", "/things", &[("nextToken", "zz")], ""),
                400,
                "InvalidRequestException",
            ),
            (
                request("PUT", "/nothing", &[], ""),
                404,
                "UnknownOperationException",
            ),
            (
                request("GET", "/endpoint", &[("endpointType", "iot:Nope")], ""),
                400,
                "InvalidRequestException",
            ),
        ];
        for (req, status, code) in cases {
            let reply = handle(registry, &req);
            assert_eq!(
                (reply.status, error_type(&reply)),
                (status, Some(code)),
                "{req:?}"
            );
        }
        handle(
            registry,
            &request(
                "POST",
                "/things/a",
                &[],
                r#"{"attributePayload":{"attributes":{"k":"v"}}}"#,
            ),
        );
        let clash = handle(
            registry,
            &request(
                "POST",
                "/things/a",
                &[],
                r#"{"attributePayload":{"attributes":{"k":"w"}}}"#,
            ),
        );
        assert_eq!(
            (clash.status, error_type(&clash)),
            (409, Some("ResourceAlreadyExistsException"))
        );
        let stale = handle(
            registry,
            &request("DELETE", "/things/a", &[("expectedVersion", "7")], ""),
        );
        assert_eq!(error_type(&stale), Some("VersionConflictException"));
        let endpoint = body(&handle(
            registry,
            &request("GET", "/endpoint", &[("endpointType", "iot:Data-ATS")], ""),
        ));
        assert_eq!(endpoint["endpointAddress"], LOCAL_HOST);
    }
}
