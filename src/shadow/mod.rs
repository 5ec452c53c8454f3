//! Device shadows as AWS IoT's Device Shadow service keeps them: the pure document engine, with
//! no I/O. Callers load the stored [`Shadow`] (or learn there is none), call [`apply_update`],
//! [`get`] or [`delete`] with the request's payload and the time, store what comes back and
//! publish the documents it returns.
//!
//! Rules reproduced here:
//! - An update merges `state.desired` and `state.reported` into the shadow key by key: objects
//!   are merged recursively, arrays and other values replace what was there, `null` removes the
//!   key (and an object left empty disappears with it); `"desired": null`, `"reported": null`
//!   remove a whole section and `"state": null` removes both. The shadow's version goes up by one
//!   on every accepted update, even one that changes nothing.
//! - Metadata mirrors the state: every leaf has `{"timestamp": <epoch seconds>}` of its last
//!   update, and an array has one such entry per element.
//! - The delta holds the desired keys whose value differs from the reported one: objects are
//!   compared key by key (the delta keeps the path down to what differs), arrays and other values
//!   whole. An update publishes a delta only when it touched the desired state and a difference
//!   remains.
//! - A request naming a `version` is applied only if it is the shadow's current version
//!   (409 `Version conflict`); `clientToken` (at most 64 bytes) is echoed in every answer.
//! - Limits: the desired and reported sections nest at most 6 levels, and the state (desired and
//!   reported, without metadata) is at most 8 KB; arrays cannot hold `null`.
//! - Deleting a shadow does not reset its version: the next update continues from it.
//!
//! `topic` splits `$aws/things/<thing>/shadow[/name/<shadowName>]/<operation>` topics.

mod topic;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

pub use topic::{Operation, ShadowTopic, is_response, prefix};

/// The largest state (desired and reported, compact JSON, without metadata), in bytes.
pub const MAX_STATE_BYTES: usize = 8 * 1024;
/// How deep the desired and reported sections may nest.
pub const MAX_DEPTH: usize = 6;
/// The longest client token, in bytes.
pub const MAX_CLIENT_TOKEN_BYTES: usize = 64;

/// One shadow: its state, the timestamps of every leaf, and its version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shadow {
    /// Empty when the shadow has no desired state.
    pub desired: Map<String, Value>,
    /// Empty when the shadow has no reported state.
    pub reported: Map<String, Value>,
    /// Mirrors `desired`, with `{"timestamp": n}` at the leaves.
    pub desired_metadata: Map<String, Value>,
    /// Mirrors `reported`.
    pub reported_metadata: Map<String, Value>,
    pub version: u64,
}

/// Why a request was rejected: the HTTP-style code and message of the `/rejected` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowError {
    pub code: u16,
    pub message: String,
    /// The request's client token, when it could be read.
    pub client_token: Option<String>,
}

impl std::fmt::Display for ShadowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.message)
    }
}

impl std::error::Error for ShadowError {}

impl ShadowError {
    fn new(code: u16, message: impl Into<String>, client_token: Option<&str>) -> Self {
        ShadowError {
            code,
            message: message.into(),
            client_token: client_token.map(str::to_owned),
        }
    }

    /// The error document published on `/rejected`.
    pub fn document(&self, now_secs: u64) -> Value {
        let mut doc = json!({
            "code": self.code,
            "message": self.message,
            "timestamp": now_secs,
        });
        put_token(&mut doc, self.client_token.as_deref());
        doc
    }
}

/// What an accepted update produced.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateOutcome {
    /// For `/update/accepted`: the request's state with its metadata, the new version.
    pub accepted: Value,
    /// For `/update/delta`, when the update touched the desired state and a difference remains.
    pub delta: Option<Value>,
    /// For `/update/documents`: the shadow before (`null` for a new one) and after.
    pub documents: Value,
    /// What to store.
    pub shadow: Shadow,
}

/// The name shown in "no shadow" errors: the thing, or `thing~shadowName` for a named shadow.
pub fn display_name(thing: &str, shadow_name: Option<&str>) -> String {
    match shadow_name {
        Some(name) => format!("{thing}~{name}"),
        None => thing.to_owned(),
    }
}

impl Shadow {
    /// The stored form: `{"state": {...}, "metadata": {...}, "version": n}`, with empty
    /// sections left out.
    pub fn to_document(&self) -> Value {
        json!({
            "state": sections(&self.desired, &self.reported),
            "metadata": sections(&self.desired_metadata, &self.reported_metadata),
            "version": self.version,
        })
    }

    /// Reads back what [`Shadow::to_document`] wrote.
    pub fn from_document(doc: &Value) -> Result<Shadow, String> {
        let section = |part: &str, key: &str| -> Result<Map<String, Value>, String> {
            match doc.get(part).and_then(|p| p.get(key)) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(map)) => Ok(map.clone()),
                Some(other) => Err(format!("{part}.{key} is not an object: {other}")),
            }
        };
        Ok(Shadow {
            desired: section("state", "desired")?,
            reported: section("state", "reported")?,
            desired_metadata: section("metadata", "desired")?,
            reported_metadata: section("metadata", "reported")?,
            version: doc
                .get("version")
                .and_then(Value::as_u64)
                .ok_or("the version is missing")?,
        })
    }

    /// The desired keys whose value differs from the reported one.
    pub fn delta(&self) -> Map<String, Value> {
        delta(&self.desired, &self.reported)
    }

    /// The `/get/accepted` document: state (with the delta when there is one), metadata,
    /// version and timestamp.
    pub fn get_document(&self, now_secs: u64, client_token: Option<&str>) -> Value {
        let mut state = sections(&self.desired, &self.reported);
        let delta = self.delta();
        if !delta.is_empty() {
            state["delta"] = Value::Object(delta);
        }
        let mut doc = json!({
            "state": state,
            "metadata": sections(&self.desired_metadata, &self.reported_metadata),
            "version": self.version,
            "timestamp": now_secs,
        });
        put_token(&mut doc, client_token);
        doc
    }
}

fn sections(desired: &Map<String, Value>, reported: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    if !desired.is_empty() {
        out.insert("desired".into(), Value::Object(desired.clone()));
    }
    if !reported.is_empty() {
        out.insert("reported".into(), Value::Object(reported.clone()));
    }
    Value::Object(out)
}

fn put_token(doc: &mut Value, client_token: Option<&str>) {
    if let Some(token) = client_token {
        doc["clientToken"] = Value::String(token.to_owned());
    }
}

/// Reads a request whose body is optional (get, delete): its client token, if any.
fn optional_token(request: &[u8], strict: bool) -> Result<Option<String>, ShadowError> {
    if request.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let parsed: Result<Value, _> = serde_json::from_slice(request);
    match parsed {
        Ok(Value::Object(map)) => match map.get("clientToken") {
            None => Ok(None),
            Some(Value::String(t)) if t.len() <= MAX_CLIENT_TOKEN_BYTES => Ok(Some(t.clone())),
            Some(_) if strict => Err(ShadowError::new(400, "Invalid clientToken", None)),
            Some(_) => Ok(None),
        },
        _ if strict => Err(ShadowError::new(400, "Invalid JSON", None)),
        _ => Ok(None),
    }
}

fn no_shadow(display: &str, client_token: Option<&str>) -> ShadowError {
    ShadowError::new(
        404,
        format!("No shadow exists with name: '{display}'"),
        client_token,
    )
}

/// Answers `/get`: the shadow's document, or 404 when there is none. The request may be empty
/// or a JSON object with a `clientToken`.
pub fn get(
    current: Option<&Shadow>,
    request: &[u8],
    now_secs: u64,
    display: &str,
) -> Result<Value, ShadowError> {
    let token = optional_token(request, true)?;
    match current {
        Some(shadow) => Ok(shadow.get_document(now_secs, token.as_deref())),
        None => Err(no_shadow(display, token.as_deref())),
    }
}

/// Answers `/delete`: `{"version", "timestamp"}` of the shadow that goes, or 404. The request's
/// content is ignored except for a `clientToken`. The caller forgets the shadow but keeps its
/// version for the next update.
pub fn delete(
    current: Option<&Shadow>,
    request: &[u8],
    now_secs: u64,
    display: &str,
) -> Result<Value, ShadowError> {
    let token = optional_token(request, false)?;
    match current {
        Some(shadow) => {
            let mut doc = json!({ "version": shadow.version, "timestamp": now_secs });
            put_token(&mut doc, token.as_deref());
            Ok(doc)
        }
        None => Err(no_shadow(display, token.as_deref())),
    }
}

/// A section of the request: absent, `null` (remove it all) or an object to merge.
enum Section<'a> {
    Absent,
    Clear,
    Merge(&'a Map<String, Value>),
}

fn section<'a>(
    state: &'a Map<String, Value>,
    key: &str,
    what: &str,
    token: Option<&str>,
) -> Result<Section<'a>, ShadowError> {
    match state.get(key) {
        None => Ok(Section::Absent),
        Some(Value::Null) => Ok(Section::Clear),
        Some(Value::Object(map)) => {
            if depth(&Value::Object(map.clone())) > MAX_DEPTH {
                return Err(ShadowError::new(
                    400,
                    format!("JSON contains too many levels of nesting; maximum is {MAX_DEPTH}"),
                    token,
                ));
            }
            if has_null_in_array(map.values()) {
                return Err(ShadowError::new(
                    400,
                    "State contains an invalid node",
                    token,
                ));
            }
            Ok(Section::Merge(map))
        }
        Some(_) => Err(ShadowError::new(
            400,
            format!("{what} node must be an object"),
            token,
        )),
    }
}

/// Applies an `/update` request to the shadow (`None`: there is none; `deleted_version` is the
/// version a deleted shadow had reached, 0 if there never was one).
pub fn apply_update(
    current: Option<&Shadow>,
    deleted_version: u64,
    request: &[u8],
    now_secs: u64,
) -> Result<UpdateOutcome, ShadowError> {
    if std::str::from_utf8(request).is_err() {
        return Err(ShadowError::new(
            415,
            "Unsupported documented encoding; supported encoding is UTF-8",
            None,
        ));
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(request) else {
        return Err(ShadowError::new(400, "Invalid JSON", None));
    };
    let token = match body.get("clientToken") {
        None => None,
        Some(Value::String(t)) if t.len() <= MAX_CLIENT_TOKEN_BYTES => Some(t.as_str()),
        Some(_) => return Err(ShadowError::new(400, "Invalid clientToken", None)),
    };
    let expected = match body.get("version") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(v) => Some(v),
            None => return Err(ShadowError::new(400, "Invalid version", token)),
        },
    };
    let (desired, reported, raw_state) = match body.get("state") {
        None => {
            return Err(ShadowError::new(400, "Missing required node: state", token));
        }
        Some(Value::Null) => (Section::Clear, Section::Clear, Value::Null),
        Some(Value::Object(state)) => {
            if state.keys().any(|k| k != "desired" && k != "reported") {
                return Err(ShadowError::new(
                    400,
                    "State contains an invalid node",
                    token,
                ));
            }
            let desired = section(state, "desired", "Desired", token)?;
            let reported = section(state, "reported", "Reported", token)?;
            (desired, reported, Value::Object(state.clone()))
        }
        Some(_) => {
            return Err(ShadowError::new(400, "State node must be an object", token));
        }
    };
    if serde_json::to_vec(&raw_state).map_or(0, |v| v.len()) > MAX_STATE_BYTES {
        return Err(ShadowError::new(
            413,
            "The payload exceeds the maximum size allowed",
            token,
        ));
    }
    let base_version = current.map_or(deleted_version, |s| s.version);
    if let Some(expected) = expected
        && expected != base_version
    {
        return Err(ShadowError::new(409, "Version conflict", token));
    }

    let mut next = current.cloned().unwrap_or_default();
    next.version = base_version + 1;
    let touched_desired = !matches!(desired, Section::Absent);
    apply_section(
        &mut next.desired,
        &mut next.desired_metadata,
        &desired,
        now_secs,
    );
    apply_section(
        &mut next.reported,
        &mut next.reported_metadata,
        &reported,
        now_secs,
    );
    let stored =
        serde_json::to_vec(&sections(&next.desired, &next.reported)).map_or(0, |v| v.len());
    if stored > MAX_STATE_BYTES {
        return Err(ShadowError::new(
            413,
            "The payload exceeds the maximum size allowed",
            token,
        ));
    }

    let mut accepted_meta = Map::new();
    if let Value::Object(state) = &raw_state {
        for key in ["desired", "reported"] {
            if let Some(value) = state.get(key) {
                accepted_meta.insert(key.to_owned(), metadata_of(value, now_secs));
            }
        }
    }
    let mut accepted = json!({
        "state": raw_state,
        "metadata": accepted_meta,
        "version": next.version,
        "timestamp": now_secs,
    });
    put_token(&mut accepted, token);

    let delta_state = next.delta();
    let delta = (touched_desired && !delta_state.is_empty()).then(|| {
        let metadata = metadata_like(&delta_state, &next.desired_metadata);
        let mut doc = json!({
            "version": next.version,
            "timestamp": now_secs,
            "state": delta_state,
            "metadata": metadata,
        });
        put_token(&mut doc, token);
        doc
    });

    let mut documents = json!({
        "previous": current.map_or(Value::Null, Shadow::to_document),
        "current": next.to_document(),
        "timestamp": now_secs,
    });
    put_token(&mut documents, token);

    Ok(UpdateOutcome {
        accepted,
        delta,
        documents,
        shadow: next,
    })
}

fn apply_section(
    state: &mut Map<String, Value>,
    metadata: &mut Map<String, Value>,
    section: &Section<'_>,
    now_secs: u64,
) {
    match section {
        Section::Absent => {}
        Section::Clear => {
            state.clear();
            metadata.clear();
        }
        Section::Merge(request) => merge(state, metadata, request, now_secs),
    }
}

/// Merges `request` into `state`, keeping `metadata` its mirror.
pub fn merge(
    state: &mut Map<String, Value>,
    metadata: &mut Map<String, Value>,
    request: &Map<String, Value>,
    now_secs: u64,
) {
    for (key, value) in request {
        match value {
            Value::Null => {
                state.shift_remove(key);
                metadata.shift_remove(key);
            }
            Value::Object(inner) => {
                let mut child = match state.shift_remove(key) {
                    Some(Value::Object(existing)) => existing,
                    _ => Map::new(),
                };
                let mut child_meta = match (child.is_empty(), metadata.shift_remove(key)) {
                    (false, Some(Value::Object(existing))) => existing,
                    _ => Map::new(),
                };
                merge(&mut child, &mut child_meta, inner, now_secs);
                if !child.is_empty() {
                    state.insert(key.clone(), Value::Object(child));
                    metadata.insert(key.clone(), Value::Object(child_meta));
                }
            }
            other => {
                state.insert(key.clone(), other.clone());
                metadata.insert(key.clone(), metadata_of(other, now_secs));
            }
        }
    }
}

/// The metadata of a value written at `now_secs`: objects mirrored, arrays element by element,
/// `{"timestamp": now}` at the leaves (a `null` in a request gets one too).
pub fn metadata_of(value: &Value, now_secs: u64) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), metadata_of(v, now_secs)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| metadata_of(v, now_secs)).collect())
        }
        _ => json!({ "timestamp": now_secs }),
    }
}

/// The part of `metadata` that mirrors `state` (a subset of the state `metadata` belongs to).
fn metadata_like(state: &Map<String, Value>, metadata: &Map<String, Value>) -> Map<String, Value> {
    state
        .iter()
        .filter_map(|(key, value)| {
            let meta = metadata.get(key)?;
            match (value, meta) {
                (Value::Object(inner), Value::Object(inner_meta)) => {
                    Some((key.clone(), Value::Object(metadata_like(inner, inner_meta))))
                }
                _ => Some((key.clone(), meta.clone())),
            }
        })
        .collect()
}

/// The desired keys whose value differs from the reported one; objects are compared key by key,
/// everything else whole.
pub fn delta(desired: &Map<String, Value>, reported: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, want) in desired {
        match (want, reported.get(key)) {
            (Value::Object(want_map), Some(Value::Object(have_map))) => {
                let inner = delta(want_map, have_map);
                if !inner.is_empty() {
                    out.insert(key.clone(), Value::Object(inner));
                }
            }
            (want, Some(have)) if want == have => {}
            (want, _) => {
                out.insert(key.clone(), want.clone());
            }
        }
    }
    out
}

/// Levels of nesting: a scalar is 0, an object or array one more than its deepest member.
pub fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn has_null_in_array<'a>(mut values: impl Iterator<Item = &'a Value>) -> bool {
    values.any(|value| match value {
        Value::Array(items) => items
            .iter()
            .any(|i| i.is_null() || has_null_in_array(std::iter::once(i))),
        Value::Object(map) => has_null_in_array(map.values()),
        _ => false,
    })
}

/// What to do with the stored shadow after a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Nothing changes (a get, or a rejected request).
    Keep,
    /// Store this shadow.
    Put(Box<Shadow>),
    /// Forget the shadow, remembering the version it had reached.
    Delete { version: u64 },
}

/// A request served: the documents to publish, each under the request's topic followed by
/// `/<suffix>` (`accepted`, `rejected`, `delta`, `documents`), in order, and the change to
/// store.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    pub responses: Vec<(&'static str, Value)>,
    pub change: Change,
}

/// Serves one request on a shadow: `current` is the stored shadow, `deleted_version` the
/// version a deleted one had reached (0 if none).
pub fn handle(
    current: Option<&Shadow>,
    deleted_version: u64,
    operation: Operation,
    thing: &str,
    shadow_name: Option<&str>,
    request: &[u8],
    now_secs: u64,
) -> Handled {
    let display = display_name(thing, shadow_name);
    let rejected = |e: ShadowError| Handled {
        responses: vec![("rejected", e.document(now_secs))],
        change: Change::Keep,
    };
    match operation {
        Operation::Get => match get(current, request, now_secs, &display) {
            Ok(doc) => Handled {
                responses: vec![("accepted", doc)],
                change: Change::Keep,
            },
            Err(e) => rejected(e),
        },
        Operation::Delete => match delete(current, request, now_secs, &display) {
            Ok(doc) => Handled {
                responses: vec![("accepted", doc)],
                change: Change::Delete {
                    version: current.map_or(deleted_version, |s| s.version),
                },
            },
            Err(e) => rejected(e),
        },
        Operation::Update => match apply_update(current, deleted_version, request, now_secs) {
            Ok(out) => {
                let mut responses = vec![("accepted", out.accepted)];
                if let Some(delta) = out.delta {
                    responses.push(("delta", delta));
                }
                responses.push(("documents", out.documents));
                Handled {
                    responses,
                    change: Change::Put(Box::new(out.shadow)),
                }
            }
            Err(e) => rejected(e),
        },
    }
}
