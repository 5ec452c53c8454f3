//! AWS IoT's fleet indexing over the registry (GetIndexingConfiguration,
//! UpdateIndexingConfiguration, SearchIndex on `AWS_Things`). The local index is always on,
//! as `thingIndexingMode` REGISTRY with `thingConnectivityIndexingMode` STATUS: a thing's
//! connectivity is what the running broker recorded for the client id equal to the thing's
//! name (the registry's connectivity table, which `local up` writes on every connect and
//! disconnect). Queries are parsed by `index_query`.

use serde_json::{Value, json};

use super::Request;
use super::index_query::{self, Document};
use super::iot::{Answer, Failure, thing_id};
use super::iot_security::empty;
use super::paging;
use super::reply::Reply;
use crate::local::registry::Registry;

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 500;
/// The only index of things.
const THINGS_INDEX: &str = "AWS_Things";

/// The operation for `segments`, or `None` when this module has none.
/// `live`: a broker runs (beside this endpoint or in a `local up`), so what it recorded as
/// connected is; otherwise a state left connected by a backend that died is not.
pub(super) fn handle(
    registry: &Registry,
    live: bool,
    req: &Request,
    segments: &[&str],
) -> Option<Answer> {
    Some(match (req.method.as_str(), segments) {
        ("GET", ["indexing", "config"]) => Ok(Reply::json(&json!({
            "thingIndexingConfiguration": {
                "thingIndexingMode": "REGISTRY",
                "thingConnectivityIndexingMode": "STATUS",
                "deviceDefenderIndexingMode": "OFF",
                "namedShadowIndexingMode": "OFF",
            },
            "thingGroupIndexingConfiguration": { "thingGroupIndexingMode": "OFF" },
        }))),
        ("POST", ["indexing", "config"]) => update_config(req),
        ("POST", ["indices", "search"]) => search(registry, live, req),
        _ => return None,
    })
}

/// Only the configuration the local index has can be asked for.
fn update_config(req: &Request) -> Answer {
    let body = req.json_object()?;
    if let Some(things) = body.get("thingIndexingConfiguration") {
        let mode = things.get("thingIndexingMode").and_then(Value::as_str);
        let connectivity = things
            .get("thingConnectivityIndexingMode")
            .and_then(Value::as_str);
        if mode != Some("REGISTRY") || !matches!(connectivity, None | Some("STATUS")) {
            return Err(Failure::Invalid(
                "the local index of things is always thingIndexingMode=REGISTRY,thingConnectivityIndexingMode=STATUS"
                    .to_owned(),
            ));
        }
    }
    Ok(empty())
}

fn search(registry: &Registry, live: bool, req: &Request) -> Answer {
    let body = req.json_object()?;
    let index = body
        .get("indexName")
        .and_then(Value::as_str)
        .unwrap_or(THINGS_INDEX);
    if index != THINGS_INDEX {
        return Err(Failure::Aws {
            status: 404,
            code: "ResourceNotFoundException",
            message: format!(
                "Index {index} does not exist: the local backend indexes things only (AWS_Things)"
            ),
        });
    }
    let Some(text) = body.get("queryString").and_then(Value::as_str) else {
        return Err(Failure::Invalid("queryString is required".to_owned()));
    };
    let query = index_query::parse(text).map_err(|e| Failure::Aws {
        status: 400,
        code: "InvalidQueryException",
        message: e.to_string(),
    })?;
    let size = match body.get("maxResults") {
        None | Some(Value::Null) => DEFAULT_PAGE,
        Some(n) => {
            let text = n.to_string();
            paging::page_size("maxResults", Some(&text), DEFAULT_PAGE, MAX_PAGE)?
        }
    };
    let after = paging::after(body.get("nextToken").and_then(Value::as_str))?;
    let mut connectivity = registry.connectivity()?;
    if !live {
        // Nobody is connected to a backend that is not running: unknown since when.
        connectivity.retain(|_, c| !c.connected);
    }
    let found: Vec<Value> = registry
        .things()?
        .into_iter()
        .filter_map(|thing| {
            let id = thing_id(&thing);
            let state = connectivity.get(&thing.name);
            let doc = Document {
                name: &thing.name,
                id: &id,
                thing_type: None,
                attributes: Some(&thing.attributes),
                connected: state.map(|c| c.connected),
            };
            if !query.matches(&doc) {
                return None;
            }
            let mut connectivity = json!({ "connected": state.is_some_and(|c| c.connected) });
            if let Some(state) = state {
                connectivity["timestamp"] = state.since_ms.into();
                if let Some(reason) = &state.disconnect_reason {
                    connectivity["disconnectReason"] = reason.clone().into();
                }
            }
            Some(json!({
                "thingName": thing.name,
                "thingId": id,
                "attributes": thing.attributes,
                "connectivity": connectivity,
            }))
        })
        .collect();
    let key = |v: &Value| v["thingName"].as_str().unwrap_or_default().to_owned();
    let (things, next) = paging::page(found, key, after.as_deref(), size);
    let mut out = json!({ "things": things, "thingGroups": [] });
    if let Some(next) = next {
        out["nextToken"] = Value::String(next);
    }
    Ok(Reply::json(&out))
}

#[cfg(test)]
mod tests {
    use super::super::iot::handle;
    use super::super::iot::tests::{body, error_type, local, request};
    use crate::local::registry::ConnectivityChange;
    use serde_json::json;

    #[test]
    fn search_finds_things_by_attribute_and_connectivity() {
        let (_dir, local) = local();
        for name in ["s1", "s2", "s3"] {
            handle(
                &local,
                &request(
                    "POST",
                    &format!("/things/{name}"),
                    &[],
                    r#"{"attributePayload":{"attributes":{"soilctl-stack":"b"}}}"#,
                ),
            );
        }
        local
            .registry
            .record_connectivity(&[
                ConnectivityChange::Connected {
                    client_id: "s1".into(),
                    at_ms: 5,
                    version: 0,
                },
                ConnectivityChange::Disconnected {
                    client_id: "s2".into(),
                    at_ms: 6,
                    reason: "CLIENT_INITIATED_DISCONNECT".into(),
                    version: 0,
                },
            ])
            .unwrap();
        let search_in = |q: &str| {
            handle(
                &local,
                &request(
                    "POST",
                    "/indices/search",
                    &[],
                    &json!({"indexName": "AWS_Things", "queryString": q, "maxResults": 2})
                        .to_string(),
                ),
            )
        };
        // With no backend running, what a dead one left connected is not.
        let stale = body(&search_in("connectivity.connected:true"));
        assert_eq!(stale["things"], json!([]), "{stale}");
        // A running `local up` (this process, as its broker file says) recorded it.
        std::fs::write(
            local.state.broker_file(),
            json!({"port": 1, "pid": std::process::id()}).to_string(),
        )
        .unwrap();
        let search = search_in;
        let on = body(&search(
            "attributes.soilctl-stack:b AND connectivity.connected:true",
        ));
        assert_eq!(on["things"].as_array().unwrap().len(), 1);
        assert_eq!(on["things"][0]["thingName"], "s1");
        assert_eq!(on["things"][0]["connectivity"]["timestamp"], 5);
        let off = body(&search("NOT connectivity.connected:true"));
        assert_eq!(off["things"][0]["thingName"], "s2");
        assert_eq!(
            off["things"][0]["connectivity"]["disconnectReason"],
            "CLIENT_INITIATED_DISCONNECT"
        );
        // s2 (disconnected) and s3 (never connected) fill the page of two exactly.
        assert_eq!(off["things"][1]["thingName"], "s3");
        assert_eq!(
            off["things"][1]["connectivity"],
            json!({"connected": false})
        );
        assert!(off.get("nextToken").is_none());
        let bad = search("shadow.reported.humidity:30");
        assert_eq!(
            (bad.status, error_type(&bad)),
            (400, Some("InvalidQueryException"))
        );
        let config = body(&handle(
            &local,
            &request("GET", "/indexing/config", &[], ""),
        ));
        assert_eq!(
            config["thingIndexingConfiguration"]["thingConnectivityIndexingMode"],
            "STATUS"
        );
    }
}
