//! `soilctl shadow get | update | delete THING [--name SHADOW]`: a thing's classic or named
//! device shadow, on AWS through the IoT data plane (GetThingShadow, UpdateThingShadow,
//! DeleteThingShadow), on AWS or on the local backend's endpoint (`--local`), whose shadow
//! service tells connected devices at once. `--output json` prints the document as the
//! service returns it.

use std::process::ExitCode;
use std::time::{Duration, UNIX_EPOCH};

use anyhow::anyhow;
use serde_json::{Map, Value, json};

use crate::aws::Clients;
use crate::cli::{ShadowCommand, ShadowTargetArgs};
use crate::error::bad_input;
use crate::names::check_thing_name;
use crate::printer::Printer;
use crate::shadow::{MAX_CLIENT_TOKEN_BYTES, Operation};

/// What to do, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum ShadowOp {
    Get,
    /// `request` is the whole UpdateThingShadow document.
    Update {
        request: Value,
    },
    Delete,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShadowSettings {
    pub thing: String,
    /// `None`: the classic shadow.
    pub name: Option<String>,
    pub op: ShadowOp,
}

impl ShadowSettings {
    /// Checks the names and builds the update document (bad input exits 2).
    pub fn from_command(cmd: ShadowCommand) -> anyhow::Result<ShadowSettings> {
        let (target, op) = match cmd {
            ShadowCommand::Get(args) => (args.target, ShadowOp::Get),
            ShadowCommand::Delete(args) => (args.target, ShadowOp::Delete),
            ShadowCommand::Update(args) => {
                let request = update_request(
                    args.desired.as_deref(),
                    args.reported.as_deref(),
                    args.version,
                    args.client_token.as_deref(),
                )?;
                (args.target, ShadowOp::Update { request })
            }
        };
        let ShadowTargetArgs { thing, name } = target;
        check_thing_name(&thing)?;
        if let Some(name) = &name {
            check_shadow_name(name)?;
        }
        Ok(ShadowSettings { thing, name, op })
    }

    /// "the classic shadow of T" or "shadow N of T".
    fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("shadow {name} of {}", self.thing),
            None => format!("the classic shadow of {}", self.thing),
        }
    }

    /// "thing T has no shadow" (named: "... no shadow named N").
    fn missing(&self) -> String {
        match &self.name {
            Some(name) => format!("thing {} has no shadow named {name}", self.thing),
            None => format!("thing {} has no shadow", self.thing),
        }
    }

    fn topic(&self, operation: &str) -> String {
        format!(
            "{}/{operation}",
            crate::shadow::prefix(&self.thing, self.name.as_deref())
        )
    }
}

/// Shadow names: 1 to 64 of letters, digits, ':', '_' and '-'.
pub fn check_shadow_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty() || name.len() > 64 {
        return Err(bad_input(format!(
            "shadow name {name:?} must be 1 to 64 characters long"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-')))
    {
        return Err(bad_input(format!(
            "shadow name {name:?} has {c:?}: AWS IoT allows only letters, digits, ':', '_' and '-'"
        )));
    }
    Ok(())
}

/// `{"state": {"desired": ..., "reported": ...}}` with the optional version and client token.
/// Each section must be a JSON object, or null (which removes the whole section).
pub fn update_request(
    desired: Option<&str>,
    reported: Option<&str>,
    version: Option<u64>,
    client_token: Option<&str>,
) -> anyhow::Result<Value> {
    let mut state = Map::new();
    for (flag, key, text) in [
        ("--desired", "desired", desired),
        ("--reported", "reported", reported),
    ] {
        let Some(text) = text else { continue };
        let value: Value = serde_json::from_str(text)
            .map_err(|e| bad_input(format!("{flag} is not JSON ({e}): {text}")))?;
        if !matches!(value, Value::Object(_) | Value::Null) {
            return Err(bad_input(format!(
                "{flag} must be a JSON object such as '{{\"valve\":\"open\"}}' (or null), not {text}"
            )));
        }
        state.insert(key.to_owned(), value);
    }
    if state.is_empty() {
        return Err(bad_input("give --desired, --reported or both"));
    }
    let mut request = json!({ "state": state });
    if let Some(version) = version {
        request["version"] = json!(version);
    }
    if let Some(token) = client_token {
        if token.is_empty() || token.len() > MAX_CLIENT_TOKEN_BYTES {
            return Err(bad_input(format!(
                "--client-token must be 1 to {MAX_CLIENT_TOKEN_BYTES} bytes long"
            )));
        }
        request["clientToken"] = json!(token);
    }
    Ok(request)
}

/// What the shadow service answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The accepted document.
    Accepted { document: Value },
    /// The `/rejected` code (400, 404, 409, ...) and message.
    Rejected { code: u16, message: String },
}

/// Where requests go: the IoT data plane of AWS or of the local backend.
struct Backend(Box<Clients>);

impl Backend {
    async fn request(
        &mut self,
        s: &ShadowSettings,
        operation: Operation,
        request: &[u8],
    ) -> anyhow::Result<Answer> {
        use crate::aws::iotdata;
        let (thing, name) = (s.thing.as_str(), s.name.as_deref());
        let data = &self.0.data;
        let result = match operation {
            Operation::Get => iotdata::get_shadow(data, thing, name).await,
            Operation::Update => iotdata::update_shadow(data, thing, name, request).await,
            Operation::Delete => iotdata::delete_shadow(data, thing, name).await,
        };
        match result {
            Ok(document) => Ok(Answer::Accepted { document }),
            Err(e) => match iotdata::status_of(&e) {
                Some(code) => Ok(Answer::Rejected {
                    code,
                    message: match (&e.code, e.message.is_empty()) {
                        (Some(c), true) => c.clone(),
                        (Some(c), false) => format!("{c}: {}", e.message),
                        (None, _) => e.message.clone(),
                    },
                }),
                None => Err(e.into()),
            },
        }
    }
}

pub async fn run(
    s: &ShadowSettings,
    aws: &crate::aws::AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let mut backend = Backend(Box::new(crate::aws::load(aws).await?));
    match &s.op {
        ShadowOp::Get => get(s, &mut backend, printer).await,
        ShadowOp::Update { request } => update(s, request, &mut backend, printer).await,
        ShadowOp::Delete => delete(s, &mut backend, printer).await,
    }
}

async fn get(
    s: &ShadowSettings,
    backend: &mut Backend,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    match backend.request(s, Operation::Get, b"").await? {
        Answer::Accepted { document, .. } => {
            printer.result(&document, || get_text(s, &document))?;
            Ok(ExitCode::SUCCESS)
        }
        Answer::Rejected { code: 404, .. } => Err(anyhow!(s.missing())),
        Answer::Rejected { code, message } => Err(anyhow!(
            "reading {} was rejected: {code} {message}",
            s.describe()
        )),
    }
}

async fn update(
    s: &ShadowSettings,
    request: &Value,
    backend: &mut Backend,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let body = serde_json::to_vec(request)?;
    match backend.request(s, Operation::Update, &body).await? {
        Answer::Accepted { document } => {
            let delta = if request["state"].get("desired").is_some() {
                current_delta(s, backend, document["version"].as_u64()).await
            } else {
                Delta::Unknown
            };
            printer.result(&document, || update_text(s, &document, &delta))?;
            Ok(ExitCode::SUCCESS)
        }
        Answer::Rejected { code: 409, .. } => {
            let asked = request["version"].as_u64();
            let now = match backend.request(s, Operation::Get, b"").await {
                Ok(Answer::Accepted { document, .. }) => match document["version"].as_u64() {
                    Some(v) => format!("is at version {v}"),
                    None => "has no version".to_owned(),
                },
                Ok(Answer::Rejected { code: 404, .. }) => "does not exist now".to_owned(),
                _ => "could not be read".to_owned(),
            };
            let asked = asked.map_or(String::new(), |v| format!(", not {v}"));
            Err(anyhow!(
                "version conflict: {} {now}{asked} (read it again with `soilctl shadow get`, then retry)",
                s.describe()
            ))
        }
        Answer::Rejected { code, message } => Err(anyhow!(
            "the update of {} was rejected: {code} {message}",
            s.describe()
        )),
    }
}

async fn delete(
    s: &ShadowSettings,
    backend: &mut Backend,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    match backend.request(s, Operation::Delete, b"").await? {
        Answer::Accepted { document, .. } => {
            printer.result(&document, || match document["version"].as_u64() {
                Some(v) => format!("Deleted {} (it was at version {v})", s.describe()),
                None => format!("Deleted {}", s.describe()),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Answer::Rejected { code: 404, .. } => {
            printer.result(&json!({}), || format!("{}: already gone", s.missing()))?;
            Ok(ExitCode::SUCCESS)
        }
        Answer::Rejected { code, message } => Err(anyhow!(
            "deleting {} was rejected: {code} {message}",
            s.describe()
        )),
    }
}

/// The delta after an update, as far as it is known.
enum Delta {
    /// The delta state (`None`: the reported state matches the desired one).
    Known(Option<Value>),
    /// Not known (the update did not touch the desired state, or the shadow moved on since).
    Unknown,
}

/// The shadow's delta, read back after an update over HTTP, if nobody changed it meanwhile.
async fn current_delta(s: &ShadowSettings, backend: &mut Backend, version: Option<u64>) -> Delta {
    match backend.request(s, Operation::Get, b"").await {
        Ok(Answer::Accepted { document, .. })
            if version.is_some() && document["version"].as_u64() == version =>
        {
            Delta::Known(document["state"].get("delta").cloned())
        }
        _ => Delta::Unknown,
    }
}

/// A JSON value, pretty, indented under its label.
fn section(out: &mut String, label: &str, value: Option<&Value>) {
    use std::fmt::Write;
    match value {
        None | Some(Value::Null) => {
            let _ = writeln!(out, "{label}: (none)");
        }
        Some(value) => {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            let _ = writeln!(out, "{label}:");
            for line in text.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
}

/// The latest `timestamp` anywhere in a shadow's metadata (the last update of any key).
fn last_update(metadata: &Value) -> Option<u64> {
    match metadata {
        Value::Object(map) => {
            let own = map.get("timestamp").and_then(Value::as_u64);
            map.iter()
                .filter(|(k, _)| k.as_str() != "timestamp")
                .filter_map(|(_, v)| last_update(v))
                .chain(own)
                .max()
        }
        Value::Array(items) => items.iter().filter_map(last_update).max(),
        _ => None,
    }
}

fn time_text(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

fn get_text(s: &ShadowSettings, doc: &Value) -> String {
    let mut out = format!("{}: version {}", capitalized(&s.describe()), doc["version"]);
    if let Some(t) = last_update(&doc["metadata"]) {
        out.push_str(&format!(", last updated {}", time_text(t)));
    }
    out.push('\n');
    let state = &doc["state"];
    section(&mut out, "desired", state.get("desired"));
    section(&mut out, "reported", state.get("reported"));
    match state.get("delta") {
        Some(delta) => section(&mut out, "delta (desired, not reported yet)", Some(delta)),
        None => out.push_str("delta: (none: the reported state matches the desired one)\n"),
    }
    out
}

fn update_text(s: &ShadowSettings, doc: &Value, delta: &Delta) -> String {
    let mut out = format!("Updated {}: version {}\n", s.describe(), doc["version"]);
    let state = &doc["state"];
    for key in ["desired", "reported"] {
        if let Some(value) = state.get(key) {
            section(&mut out, key, Some(value));
        }
    }
    match delta {
        Delta::Known(Some(delta)) => section(
            &mut out,
            &format!("delta (sent to the device on {})", s.topic("update/delta")),
            Some(delta),
        ),
        Delta::Known(None) if state.get("desired").is_some() => {
            out.push_str("delta: (none: the reported state matches the desired one)\n")
        }
        _ => {}
    }
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(name: Option<&str>) -> ShadowSettings {
        ShadowSettings {
            thing: "sensor-1".into(),
            name: name.map(Into::into),
            op: ShadowOp::Get,
        }
    }

    #[test]
    fn update_requests_are_built_from_the_flags() {
        let r = update_request(Some(r#"{"valve":"open"}"#), None, None, None).unwrap();
        assert_eq!(r, json!({"state": {"desired": {"valve": "open"}}}));
        let r = update_request(Some("null"), Some(r#"{"a":1}"#), Some(3), Some("t")).unwrap();
        assert_eq!(
            r,
            json!({"state": {"desired": null, "reported": {"a": 1}}, "version": 3, "clientToken": "t"})
        );
        for (desired, reported) in [
            (Some("{"), None),
            (Some("[1]"), None),
            (None, Some("\"open\"")),
            (None, None),
        ] {
            let err = update_request(desired, reported, None, None).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), ExitCode::from(2), "{err}");
        }
        let long = "x".repeat(65);
        assert!(update_request(Some("{}"), None, None, Some(&long)).is_err());
    }

    #[test]
    fn shadow_names_are_checked() {
        assert!(check_shadow_name("config").is_ok());
        assert!(check_shadow_name("a:b_c-d").is_ok());
        assert!(check_shadow_name("").is_err());
        assert!(check_shadow_name(&"x".repeat(65)).is_err());
        assert!(check_shadow_name("a/b").is_err());
    }

    #[test]
    fn the_last_update_is_the_latest_timestamp() {
        let metadata = json!({
            "desired": {"a": {"timestamp": 5}, "b": [{"timestamp": 9}]},
            "reported": {"c": {"d": {"timestamp": 7}}}
        });
        assert_eq!(last_update(&metadata), Some(9));
        assert_eq!(last_update(&json!({})), None);
    }

    #[test]
    fn text_forms() {
        let doc = json!({
            "state": {"desired": {"valve": "open"}, "delta": {"valve": "open"}},
            "metadata": {"desired": {"valve": {"timestamp": 0}}},
            "version": 1,
            "timestamp": 1
        });
        let text = get_text(&settings(None), &doc);
        assert!(text.starts_with(
            "The classic shadow of sensor-1: version 1, last updated 1970-01-01T00:00:00Z\n"
        ));
        assert!(text.contains("reported: (none)\n"));
        assert!(
            text.contains(
                "delta (desired, not reported yet):\n  {\n    \"valve\": \"open\"\n  }\n"
            )
        );

        let text = update_text(
            &settings(Some("cfg")),
            &doc,
            &Delta::Known(Some(json!({"valve": "open"}))),
        );
        assert!(text.starts_with("Updated shadow cfg of sensor-1: version 1\n"));
        assert!(text.contains(
            "delta (sent to the device on $aws/things/sensor-1/shadow/name/cfg/update/delta):"
        ));
        assert_eq!(
            settings(Some("cfg")).missing(),
            "thing sensor-1 has no shadow named cfg"
        );
    }
}
