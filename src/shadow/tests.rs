use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;

fn update(current: Option<&Shadow>, request: Value, now: u64) -> UpdateOutcome {
    apply_update(current, 0, request.to_string().as_bytes(), now).unwrap()
}

fn rejected(current: Option<&Shadow>, request: &[u8]) -> (u16, String) {
    let e = apply_update(current, 0, request, 5).unwrap_err();
    (e.code, e.message)
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

#[test]
fn a_first_update_creates_version_1_with_metadata_delta_and_documents() {
    let out = update(
        None,
        json!({"state": {"desired": {"color": "red", "lights": {"on": true}}}, "clientToken": "t1"}),
        100,
    );
    assert_eq!(out.shadow.version, 1);
    assert_eq!(
        out.accepted,
        json!({
            "state": {"desired": {"color": "red", "lights": {"on": true}}},
            "metadata": {"desired": {"color": {"timestamp": 100}, "lights": {"on": {"timestamp": 100}}}},
            "version": 1,
            "timestamp": 100,
            "clientToken": "t1",
        })
    );
    assert_eq!(
        out.delta,
        Some(json!({
            "version": 1,
            "timestamp": 100,
            "state": {"color": "red", "lights": {"on": true}},
            "metadata": {"color": {"timestamp": 100}, "lights": {"on": {"timestamp": 100}}},
            "clientToken": "t1",
        }))
    );
    assert_eq!(out.documents["previous"], Value::Null);
    assert_eq!(
        out.documents["current"],
        json!({
            "state": {"desired": {"color": "red", "lights": {"on": true}}},
            "metadata": {"desired": {"color": {"timestamp": 100}, "lights": {"on": {"timestamp": 100}}}},
            "version": 1,
        })
    );
    assert_eq!(out.documents["clientToken"], "t1");
    assert_eq!(out.documents["timestamp"], 100);
}

#[test]
fn reported_catching_up_clears_the_delta_and_publishes_none() {
    let first = update(None, json!({"state": {"desired": {"color": "red"}}}), 1).shadow;
    let out = update(
        Some(&first),
        json!({"state": {"reported": {"color": "red", "temp": 20}}}),
        2,
    );
    assert_eq!(out.delta, None);
    assert_eq!(out.shadow.version, 2);
    assert!(out.shadow.delta().is_empty());
    assert_eq!(out.documents["previous"], first.to_document());
    let doc = out.shadow.get_document(3, None);
    assert_eq!(
        doc,
        json!({
            "state": {"desired": {"color": "red"}, "reported": {"color": "red", "temp": 20}},
            "metadata": {
                "desired": {"color": {"timestamp": 1}},
                "reported": {"color": {"timestamp": 2}, "temp": {"timestamp": 2}},
            },
            "version": 2,
            "timestamp": 3,
        })
    );
}

#[test]
fn the_delta_holds_every_differing_desired_key_with_the_path_to_it() {
    let s = update(
        None,
        json!({"state": {
            "reported": {"lights": {"color": {"r": 255, "g": 0, "b": 255}}, "mode": "a", "extra": 1},
        }}),
        1,
    )
    .shadow;
    let out = update(
        Some(&s),
        json!({"state": {"desired": {"lights": {"color": {"r": 255, "g": 255, "b": 255}}, "mode": "a", "list": [1, 2]}}}),
        7,
    );
    let delta = out.delta.unwrap();
    assert_eq!(
        delta["state"],
        json!({"lights": {"color": {"g": 255}}, "list": [1, 2]})
    );
    assert_eq!(
        delta["metadata"],
        json!({"lights": {"color": {"g": {"timestamp": 7}}}, "list": [{"timestamp": 7}, {"timestamp": 7}]})
    );
    let got = out.shadow.get_document(8, Some("x"));
    assert_eq!(got["state"]["delta"], delta["state"]);
    assert_eq!(got["clientToken"], "x");
}

#[test]
fn arrays_are_values_and_replace_whole() {
    let s = update(
        None,
        json!({"state": {"desired": {"colors": ["RED", "GREEN", "BLUE"]}}}),
        1,
    )
    .shadow;
    let out = update(
        Some(&s),
        json!({"state": {"desired": {"colors": ["RED"]}}}),
        2,
    );
    assert_eq!(out.shadow.desired, obj(json!({"colors": ["RED"]})));
    assert_eq!(
        out.shadow.desired_metadata,
        obj(json!({"colors": [{"timestamp": 2}]}))
    );
    // Same array reported: no delta; one element different: the whole array.
    let out = update(
        Some(&out.shadow),
        json!({"state": {"reported": {"colors": ["RED"]}}}),
        3,
    );
    assert!(out.shadow.delta().is_empty());
    let out = update(
        Some(&out.shadow),
        json!({"state": {"desired": {"colors": ["RED", "X"]}}}),
        4,
    );
    assert_eq!(out.delta.unwrap()["state"], json!({"colors": ["RED", "X"]}));
}

#[test]
fn null_removes_keys_sections_and_the_whole_state() {
    let s = update(
        None,
        json!({"state": {"desired": {"a": 1, "o": {"x": 1, "y": 2}}, "reported": {"a": 1}}}),
        1,
    )
    .shadow;
    let out = update(
        Some(&s),
        json!({"state": {"desired": {"a": null, "o": {"x": null}}}}),
        2,
    );
    assert_eq!(out.shadow.desired, obj(json!({"o": {"y": 2}})));
    assert_eq!(
        out.shadow.desired_metadata,
        obj(json!({"o": {"y": {"timestamp": 1}}}))
    );
    assert_eq!(
        out.accepted["metadata"],
        json!({"desired": {"a": {"timestamp": 2}, "o": {"x": {"timestamp": 2}}}})
    );
    // An object emptied by nulls disappears.
    let out = update(
        Some(&out.shadow),
        json!({"state": {"desired": {"o": {"y": null}}}}),
        3,
    );
    assert!(out.shadow.desired.is_empty());
    assert!(out.shadow.desired_metadata.is_empty());
    assert_eq!(
        out.shadow.to_document()["state"],
        json!({"reported": {"a": 1}})
    );
    // "desired": null drops the section; "state": null drops everything; the shadow stays.
    let out = update(Some(&s), json!({"state": {"desired": null}}), 4);
    assert!(out.shadow.desired.is_empty());
    assert_eq!(out.shadow.reported, obj(json!({"a": 1})));
    let out = update(Some(&out.shadow), json!({"state": null}), 5);
    assert_eq!(
        out.shadow.to_document(),
        json!({"state": {}, "metadata": {}, "version": 3})
    );
    assert_eq!(out.accepted["state"], Value::Null);
}

#[test]
fn a_value_becoming_an_object_and_back_keeps_metadata_in_step() {
    let s = update(None, json!({"state": {"reported": {"k": 1}}}), 1).shadow;
    let s = update(Some(&s), json!({"state": {"reported": {"k": {"a": 1}}}}), 2).shadow;
    assert_eq!(
        s.reported_metadata,
        obj(json!({"k": {"a": {"timestamp": 2}}}))
    );
    let s = update(Some(&s), json!({"state": {"reported": {"k": "v"}}}), 3).shadow;
    assert_eq!(s.reported_metadata, obj(json!({"k": {"timestamp": 3}})));
}

#[test]
fn versions_conflict_unless_they_match() {
    let s = update(None, json!({"state": {"reported": {"a": 1}}}), 1).shadow;
    let e = apply_update(
        Some(&s),
        0,
        br#"{"state":{"reported":{"a":2}},"version":5,"clientToken":"c"}"#,
        2,
    )
    .unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (409, "Version conflict"));
    assert_eq!(
        e.document(2),
        json!({"code": 409, "message": "Version conflict", "timestamp": 2, "clientToken": "c"})
    );
    let out = apply_update(
        Some(&s),
        0,
        br#"{"state":{"reported":{"a":2}},"version":1}"#,
        2,
    )
    .unwrap();
    assert_eq!(out.shadow.version, 2);
    // After a delete, the version carries on.
    let out = apply_update(None, 7, br#"{"state":{"reported":{"a":2}},"version":7}"#, 2).unwrap();
    assert_eq!(out.shadow.version, 8);
    assert_eq!(
        rejected(None, br#"{"state":{"reported":{}},"version":3}"#).0,
        409
    );
}

#[test]
fn malformed_requests_are_rejected_with_aws_messages() {
    let cases: &[(&[u8], u16, &str)] = &[
        (b"{nope", 400, "Invalid JSON"),
        (b"[1]", 400, "Invalid JSON"),
        (b"", 400, "Invalid JSON"),
        (
            b"\xff\xfe",
            415,
            "Unsupported documented encoding; supported encoding is UTF-8",
        ),
        (
            br#"{"clientToken":"t"}"#,
            400,
            "Missing required node: state",
        ),
        (br#"{"state":3}"#, 400, "State node must be an object"),
        (
            br#"{"state":{"desired":[1]}}"#,
            400,
            "Desired node must be an object",
        ),
        (
            br#"{"state":{"reported":"x"}}"#,
            400,
            "Reported node must be an object",
        ),
        (
            br#"{"state":{"delta":{}}}"#,
            400,
            "State contains an invalid node",
        ),
        (
            br#"{"state":{"reported":{"a":[1,null]}}}"#,
            400,
            "State contains an invalid node",
        ),
        (br#"{"state":{},"version":"1"}"#, 400, "Invalid version"),
        (br#"{"state":{},"version":-1}"#, 400, "Invalid version"),
        (
            br#"{"state":{},"clientToken":7}"#,
            400,
            "Invalid clientToken",
        ),
        (
            br#"{"state":{"desired":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}}"#,
            400,
            "JSON contains too many levels of nesting; maximum is 6",
        ),
    ];
    for (request, code, message) in cases {
        assert_eq!(
            rejected(None, request),
            (*code, (*message).to_owned()),
            "{}",
            String::from_utf8_lossy(request)
        );
    }
    let long = "t".repeat(65);
    let e = apply_update(
        None,
        0,
        format!(r#"{{"state":{{}},"clientToken":"{long}"}}"#).as_bytes(),
        1,
    )
    .unwrap_err();
    assert_eq!(e.message, "Invalid clientToken");
    // Six levels are fine.
    update(
        None,
        json!({"state": {"desired": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}}),
        1,
    );
}

#[test]
fn the_state_is_limited_to_8_kb() {
    let big = "x".repeat(MAX_STATE_BYTES);
    assert_eq!(
        rejected(
            None,
            json!({"state": {"reported": {"a": big}}})
                .to_string()
                .as_bytes()
        ),
        (
            413,
            "The payload exceeds the maximum size allowed".to_owned()
        )
    );
    // Two halves that fit one by one but not together.
    let half = "x".repeat(MAX_STATE_BYTES / 2);
    let s = update(None, json!({"state": {"reported": {"a": half}}}), 1).shadow;
    let e = apply_update(
        Some(&s),
        0,
        json!({"state": {"desired": {"b": half}}})
            .to_string()
            .as_bytes(),
        2,
    )
    .unwrap_err();
    assert_eq!(e.code, 413);
}

#[test]
fn get_and_delete() {
    assert_eq!(
        get(None, b"", 3, "sensor-1").unwrap_err().document(3),
        json!({"code": 404, "message": "No shadow exists with name: 'sensor-1'", "timestamp": 3})
    );
    let e = get(
        None,
        br#"{"clientToken":"g"}"#,
        3,
        &display_name("t", Some("cfg")),
    )
    .unwrap_err();
    assert_eq!(e.message, "No shadow exists with name: 't~cfg'");
    assert_eq!(e.client_token.as_deref(), Some("g"));
    assert_eq!(get(None, b"{bad", 3, "t").unwrap_err().code, 400);
    let s = update(None, json!({"state": {"desired": {"a": 1}}}), 1).shadow;
    let doc = get(Some(&s), br#"{"clientToken":"g"}"#, 4, "t").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc["state"],
        json!({"desired": {"a": 1}, "delta": {"a": 1}})
    );
    assert_eq!(doc["clientToken"], "g");
    assert_eq!(
        delete(Some(&s), b"ignored", 5, "t").unwrap(),
        json!({"version": 1, "timestamp": 5})
    );
    assert_eq!(
        delete(Some(&s), br#"{"clientToken":"d"}"#, 5, "t").unwrap()["clientToken"],
        "d"
    );
    assert_eq!(delete(None, b"", 5, "t").unwrap_err().code, 404);
}

#[test]
fn documents_round_trip() {
    let s = update(
        None,
        json!({"state": {"desired": {"a": [1, {"b": 2}]}, "reported": {"c": {"d": "e"}}}}),
        9,
    )
    .shadow;
    assert_eq!(
        s.desired_metadata,
        obj(json!({"a": [{"timestamp": 9}, {"b": {"timestamp": 9}}]}))
    );
    assert_eq!(Shadow::from_document(&s.to_document()).unwrap(), s);
    assert!(Shadow::from_document(&json!({"state": {}})).is_err());
}

#[test]
fn topics() {
    let t = ShadowTopic::parse("$aws/things/sensor-1/shadow/update").unwrap();
    assert_eq!(
        (t.thing, t.name, t.operation),
        ("sensor-1", None, Operation::Update)
    );
    assert_eq!(
        t.response("accepted"),
        "$aws/things/sensor-1/shadow/update/accepted"
    );
    let t = ShadowTopic::parse("$aws/things/t/shadow/name/cfg/get").unwrap();
    assert_eq!(
        (t.thing, t.name, t.operation),
        ("t", Some("cfg"), Operation::Get)
    );
    assert_eq!(
        t.response("rejected"),
        "$aws/things/t/shadow/name/cfg/get/rejected"
    );
    for other in [
        "$aws/things/t/shadow/update/accepted",
        "$aws/things/t/shadow/name/cfg",
        "$aws/things/t/shadow/name//get",
        "$aws/things/t/shadow/list",
        "$aws/things/bad name/shadow/get",
        "$aws/things/t/jobs/get",
        "device/t/shadow/get",
    ] {
        assert_eq!(ShadowTopic::parse(other), None, "{other}");
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
        prop::collection::vec(0i32..3, 0..3).prop_map(|v| json!(v)),
    ]
}

fn tree() -> impl Strategy<Value = Map<String, Value>> {
    let value = leaf().prop_recursive(3, 16, 3, |inner| {
        prop::collection::btree_map("[a-d]", inner, 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
    });
    prop::collection::btree_map("[a-d]", value, 0..4).prop_map(|m| m.into_iter().collect())
}

/// Every leaf of `state` has a `{"timestamp"}` in `metadata`, and nothing else is there.
fn mirrors(state: &Map<String, Value>, metadata: &Map<String, Value>) -> bool {
    state.len() == metadata.len()
        && state.iter().all(|(k, v)| match (v, metadata.get(k)) {
            (Value::Object(s), Some(Value::Object(m))) => !s.is_empty() && mirrors(s, m),
            (Value::Array(items), Some(Value::Array(metas))) => items.len() == metas.len(),
            (_, Some(Value::Object(m))) => m.get("timestamp").is_some_and(Value::is_u64),
            _ => false,
        })
}

proptest! {
    #[test]
    fn the_delta_is_empty_when_desired_is_within_reported(reported in tree(), extra in tree()) {
        // Desired: a part of reported; reported may have more.
        let desired: Map<String, Value> = reported.iter().take(2).map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut all = extra.clone();
        for (k, v) in &reported {
            all.insert(k.clone(), v.clone());
        }
        prop_assert!(delta(&desired, &reported).is_empty());
        prop_assert!(delta(&desired, &all).is_empty());
    }

    #[test]
    fn updates_bump_the_version_by_one_and_keep_metadata_in_step(
        steps in prop::collection::vec((tree(), any::<bool>(), any::<bool>()), 1..6)
    ) {
        let mut current: Option<Shadow> = None;
        for (i, (part, desired, with_null)) in steps.into_iter().enumerate() {
            let mut part = part;
            if with_null && let Some(k) = part.keys().next().cloned() {
                part.insert(k, Value::Null);
            }
            let key = if desired { "desired" } else { "reported" };
            let request = json!({"state": {key: part}});
            let before = current.as_ref().map_or(0, |s| s.version);
            let out = apply_update(current.as_ref(), 0, request.to_string().as_bytes(), i as u64).unwrap();
            prop_assert_eq!(out.shadow.version, before + 1);
            prop_assert!(mirrors(&out.shadow.desired, &out.shadow.desired_metadata));
            prop_assert!(mirrors(&out.shadow.reported, &out.shadow.reported_metadata));
            // A null removed its key.
            for (k, v) in part.iter() {
                if v.is_null() {
                    let section = if desired { &out.shadow.desired } else { &out.shadow.reported };
                    prop_assert!(!section.contains_key(k));
                }
            }
            // The delta published is the shadow's delta.
            if let Some(d) = &out.delta {
                prop_assert_eq!(&d["state"], &Value::Object(out.shadow.delta()));
            }
            prop_assert_eq!(Shadow::from_document(&out.shadow.to_document()).unwrap(), out.shadow.clone());
            current = Some(out.shadow);
        }
    }

    #[test]
    fn after_reporting_the_desired_state_there_is_no_delta(desired in tree()) {
        let s = update(None, json!({"state": {"desired": desired.clone()}}), 1).shadow;
        let out = update(Some(&s), json!({"state": {"reported": desired}}), 2);
        prop_assert!(out.shadow.delta().is_empty());
        prop_assert_eq!(out.delta, None);
    }
}
