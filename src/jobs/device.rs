//! The device MQTT API: GetPendingJobExecutions, StartNextPendingJobExecution,
//! DescribeJobExecution and UpdateJobExecution, served from a thing's executions (with their
//! jobs) and a request payload, returning the answer, the executions to store and the
//! notifications the change calls for.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::model::{Entry, Execution, ExecutionStatus, Job, JobStatus};
use super::notify::{self, Notifications, execution_data, pending, visible};
use super::presign::Presigner;
use super::topic::{NEXT, Operation};
use super::validate::TIMEOUT_MINUTES_RANGE;

/// The longest client token, in bytes.
pub const MAX_CLIENT_TOKEN_BYTES: usize = 64;
/// The longest statusDetails key and value, in characters.
pub const MAX_DETAIL_KEY_CHARS: usize = 128;
pub const MAX_DETAIL_VALUE_CHARS: usize = 1024;

/// The `code` of a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectCode {
    InvalidTopic,
    InvalidJson,
    InvalidRequest,
    InvalidStateTransition,
    ResourceNotFound,
    VersionMismatch,
    InternalError,
    RequestThrottled,
    TerminalStateReached,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::InvalidTopic => "InvalidTopic",
            RejectCode::InvalidJson => "InvalidJson",
            RejectCode::InvalidRequest => "InvalidRequest",
            RejectCode::InvalidStateTransition => "InvalidStateTransition",
            RejectCode::ResourceNotFound => "ResourceNotFound",
            RejectCode::VersionMismatch => "VersionMismatch",
            RejectCode::InternalError => "InternalError",
            RejectCode::RequestThrottled => "RequestThrottled",
            RejectCode::TerminalStateReached => "TerminalStateReached",
        }
    }
}

/// A rejected request: the `ErrorResponse` published on `.../rejected`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
    pub client_token: Option<String>,
    /// The execution's state, for `VersionMismatch` and `InvalidStateTransition`.
    pub execution_state: Option<Value>,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>, token: Option<&str>) -> Rejection {
        Rejection {
            code,
            message: message.into(),
            client_token: token.map(str::to_owned),
            execution_state: None,
        }
    }

    /// `{code, message, clientToken, timestamp, executionState}`, absent fields left out.
    pub fn document(&self, now_secs: u64) -> Value {
        let mut doc = json!({
            "code": self.code.as_str(),
            "message": self.message,
            "timestamp": now_secs,
        });
        if let Some(token) = &self.client_token {
            doc["clientToken"] = json!(token);
        }
        if let Some(state) = &self.execution_state {
            doc["executionState"] = state.clone();
        }
        doc
    }
}

fn reject(code: RejectCode, message: impl Into<String>, token: Option<&str>) -> Box<Rejection> {
    Box::new(Rejection::new(code, message, token))
}

/// A request served.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Handled {
    /// For `.../accepted`.
    pub accepted: Option<Value>,
    /// For `.../rejected`.
    pub rejected: Option<Value>,
    /// Executions to store (at most one).
    pub changes: Vec<Execution>,
    pub notifications: Notifications,
}

/// The rejection for a publish on a jobs topic that names no API (`<topic>/rejected`).
pub fn invalid_topic(payload: &[u8], now_secs: u64) -> Value {
    let token = Body::parse(payload).ok().and_then(|b| b.token);
    reject(
        RejectCode::InvalidTopic,
        "The topic does not map to any Jobs API",
        token.as_deref(),
    )
    .document(now_secs)
}

/// Serves one request of `thing`, whose executions (all of them, with their jobs) are
/// `entries`. Only executions the rollout released are visible.
pub fn handle(
    operation: &Operation<'_>,
    thing: &str,
    entries: &[Entry<'_>],
    payload: &[u8],
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Handled {
    let served = Body::parse(payload).and_then(|body| match operation {
        Operation::GetPending => Ok(get_pending(entries, &body, now_secs)),
        Operation::StartNext => start_next(entries, &body, now_secs, presign),
        Operation::Describe(job_id) => describe(entries, thing, job_id, &body, now_secs, presign),
        Operation::Update(job_id) => update(entries, thing, job_id, &body, now_secs, presign),
    });
    match served {
        Err(rejection) => Handled {
            rejected: Some(rejection.document(now_secs)),
            ..Handled::default()
        },
        Ok((accepted, None)) => Handled {
            accepted: Some(accepted),
            ..Handled::default()
        },
        Ok((accepted, Some(changed))) => {
            let after_executions: Vec<Execution> = entries
                .iter()
                .map(|e| {
                    if same(e.execution, &changed) {
                        changed.clone()
                    } else {
                        e.execution.clone()
                    }
                })
                .collect();
            let after: Vec<Entry<'_>> = entries
                .iter()
                .zip(&after_executions)
                .map(|(e, execution)| Entry {
                    job: e.job,
                    execution,
                })
                .collect();
            Handled {
                accepted: Some(accepted),
                rejected: None,
                notifications: notify::decide(entries, &after, now_secs, presign),
                changes: vec![changed],
            }
        }
    }
}

fn same(a: &Execution, b: &Execution) -> bool {
    a.job_id == b.job_id && a.thing_name == b.thing_name && a.execution_number == b.execution_number
}

/// What an operation answers, and the execution it changed.
type Served = (Value, Option<Execution>);

/// A request payload: a JSON object (an empty payload counts as `{}`) and its client token.
struct Body {
    map: Map<String, Value>,
    token: Option<String>,
}

impl Body {
    fn parse(payload: &[u8]) -> Result<Body, Box<Rejection>> {
        let map = if payload.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice::<Value>(payload) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    return Err(reject(
                        RejectCode::InvalidRequest,
                        "The request must be a JSON object",
                        None,
                    ));
                }
                Err(_) => {
                    return Err(reject(
                        RejectCode::InvalidJson,
                        "The request is not valid UTF-8 JSON",
                        None,
                    ));
                }
            }
        };
        let token = match map.get("clientToken") {
            None => None,
            Some(Value::String(t)) if t.len() <= MAX_CLIENT_TOKEN_BYTES => Some(t.clone()),
            Some(_) => {
                return Err(reject(
                    RejectCode::InvalidRequest,
                    format!(
                        "clientToken must be a string of at most {MAX_CLIENT_TOKEN_BYTES} bytes"
                    ),
                    None,
                ));
            }
        };
        Ok(Body { map, token })
    }

    fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn invalid(&self, message: impl Into<String>) -> Box<Rejection> {
        reject(RejectCode::InvalidRequest, message, self.token())
    }

    fn integer(&self, key: &str) -> Result<Option<i64>, Box<Rejection>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.invalid(format!("{key} must be an integer"))),
        }
    }

    fn unsigned(&self, key: &str) -> Result<Option<u64>, Box<Rejection>> {
        match self.integer(key)? {
            Some(n) if n < 0 => Err(self.invalid(format!("{key} must not be negative"))),
            n => Ok(n.map(|n| n.unsigned_abs())),
        }
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool, Box<Rejection>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.invalid(format!("{key} must be a boolean"))),
        }
    }

    /// `statusDetails`: keys of 1 to 128 `[a-zA-Z0-9:_-]`, string values of 1 to 1024
    /// characters without control characters.
    fn status_details(&self) -> Result<Option<BTreeMap<String, String>>, Box<Rejection>> {
        let map = match self.map.get("statusDetails") {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(map)) => map,
            Some(_) => return Err(self.invalid("statusDetails must be an object")),
        };
        let mut out = BTreeMap::new();
        for (key, value) in map {
            let key_ok = (1..=MAX_DETAIL_KEY_CHARS).contains(&key.chars().count())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'));
            if !key_ok {
                return Err(self.invalid(format!("Invalid statusDetails key '{key}'")));
            }
            let Value::String(text) = value else {
                return Err(self.invalid(format!("statusDetails.{key} must be a string")));
            };
            let value_ok = (1..=MAX_DETAIL_VALUE_CHARS).contains(&text.chars().count())
                && !text.chars().any(char::is_control);
            if !value_ok {
                return Err(self.invalid(format!("Invalid statusDetails value for '{key}'")));
            }
            out.insert(key.clone(), text.clone());
        }
        Ok(Some(out))
    }

    /// `stepTimeoutInMinutes`: 1 to 10080, or -1 (update only) to discard the step timer.
    fn step_timer(&self, may_discard: bool) -> Result<Option<StepTimer>, Box<Rejection>> {
        match self.integer("stepTimeoutInMinutes")? {
            None => Ok(None),
            Some(-1) if may_discard => Ok(Some(StepTimer::Discard)),
            Some(m) if m > 0 && TIMEOUT_MINUTES_RANGE.contains(&m.unsigned_abs()) => {
                Ok(Some(StepTimer::Set(m.unsigned_abs())))
            }
            Some(_) => Err(self.invalid("stepTimeoutInMinutes must be from 1 to 10080")),
        }
    }

    /// `{timestamp, clientToken}` plus `fields`.
    fn answer(&self, now_secs: u64, fields: Map<String, Value>) -> Value {
        let mut doc = fields;
        doc.insert("timestamp".into(), json!(now_secs));
        if let Some(token) = self.token() {
            doc.insert("clientToken".into(), json!(token));
        }
        Value::Object(doc)
    }
}

#[derive(Debug, Clone, Copy)]
enum StepTimer {
    Set(u64),
    Discard,
}

fn apply_step_timer(execution: &mut Execution, timer: Option<StepTimer>, now_secs: u64) {
    match timer {
        None => {}
        Some(StepTimer::Set(minutes)) => {
            execution.step_timeout_minutes = Some(minutes);
            execution.step_deadline = Some(now_secs + minutes * 60);
        }
        Some(StepTimer::Discard) => {
            execution.step_timeout_minutes = None;
            execution.step_deadline = None;
        }
    }
}

/// The first move to IN_PROGRESS: `startedAt` is set and the job's in-progress timer starts.
fn start(execution: &mut Execution, job: &Job, now_secs: u64) {
    execution.status = ExecutionStatus::InProgress;
    if execution.started_at.is_none() {
        execution.started_at = Some(now_secs);
        execution.in_progress_deadline = job.in_progress_timeout_minutes.map(|m| now_secs + m * 60);
    }
}

fn get_pending(entries: &[Entry<'_>], body: &Body, now_secs: u64) -> Served {
    let pending = pending(entries);
    let list = |status: ExecutionStatus| -> Value {
        let with = pending.iter().filter(|e| e.execution.status == status);
        Value::Array(with.map(|e| e.execution.summary()).collect())
    };
    let mut fields = Map::new();
    fields.insert("inProgressJobs".into(), list(ExecutionStatus::InProgress));
    fields.insert("queuedJobs".into(), list(ExecutionStatus::Queued));
    (body.answer(now_secs, fields), None)
}

fn start_next(
    entries: &[Entry<'_>],
    body: &Body,
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Result<Served, Box<Rejection>> {
    let details = body.status_details()?;
    let timer = body.step_timer(false)?;
    let Some(next) = notify::next(entries) else {
        return Ok((body.answer(now_secs, Map::new()), None));
    };
    let mut change = None;
    let mut execution = next.execution.clone();
    if execution.status == ExecutionStatus::Queued {
        start(&mut execution, next.job, now_secs);
        if let Some(details) = details {
            execution.status_details = details;
        }
        apply_step_timer(&mut execution, timer, now_secs);
        execution.version_number += 1;
        execution.last_updated_at = now_secs;
        change = Some(execution.clone());
    }
    let entry = Entry {
        job: next.job,
        execution: &execution,
    };
    let mut fields = Map::new();
    fields.insert(
        "execution".into(),
        execution_data(&entry, true, true, presign),
    );
    Ok((body.answer(now_secs, fields), change))
}

/// The visible execution of `job_id`: the one numbered `number`, or the latest.
fn find<'a>(entries: &[Entry<'a>], job_id: &str, number: Option<u64>) -> Option<Entry<'a>> {
    entries
        .iter()
        .filter(|e| visible(e) && e.execution.job_id == job_id)
        .filter(|e| number.is_none_or(|n| e.execution.execution_number == n))
        .max_by_key(|e| e.execution.execution_number)
        .copied()
}

fn not_found(thing: &str, job_id: &str, body: &Body) -> Box<Rejection> {
    reject(
        RejectCode::ResourceNotFound,
        format!("No job execution of job {job_id} exists for thing {thing}"),
        body.token(),
    )
}

fn describe(
    entries: &[Entry<'_>],
    thing: &str,
    job_id: &str,
    body: &Body,
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Result<Served, Box<Rejection>> {
    let number = body.unsigned("executionNumber")?;
    let with_document = body.boolean("includeJobDocument", true)?;
    let entry = if job_id == NEXT {
        match notify::next(entries) {
            Some(entry) => entry,
            None => return Ok((body.answer(now_secs, Map::new()), None)),
        }
    } else {
        let entry = find(entries, job_id, number).ok_or_else(|| not_found(thing, job_id, body))?;
        let job_over = matches!(entry.job.status, JobStatus::Completed | JobStatus::Canceled);
        if job_over && entry.execution.status.is_terminal() {
            return Err(reject(
                RejectCode::TerminalStateReached,
                format!("Job {job_id} is in a terminal state"),
                body.token(),
            ));
        }
        entry
    };
    let mut fields = Map::new();
    fields.insert(
        "execution".into(),
        execution_data(&entry, true, with_document, presign),
    );
    Ok((body.answer(now_secs, fields), None))
}

fn update(
    entries: &[Entry<'_>],
    thing: &str,
    job_id: &str,
    body: &Body,
    now_secs: u64,
    presign: &mut Presigner<'_>,
) -> Result<Served, Box<Rejection>> {
    let status = match body.map.get("status") {
        None | Some(Value::Null) => return Err(body.invalid("status is required")),
        Some(Value::String(name)) => ExecutionStatus::parse(name)
            .ok_or_else(|| body.invalid(format!("Invalid status '{name}'")))?,
        Some(_) => return Err(body.invalid("status must be a string")),
    };
    let details = body.status_details()?;
    let expected = body.unsigned("expectedVersion")?;
    let number = body.unsigned("executionNumber")?;
    let with_state = body.boolean("includeJobExecutionState", false)?;
    let with_document = body.boolean("includeJobDocument", false)?;
    let timer = body.step_timer(true)?;

    let entry = find(entries, job_id, number).ok_or_else(|| not_found(thing, job_id, body))?;
    let current = entry.execution;
    let refuse = |code, message: String| {
        let mut rejection = reject(code, message, body.token());
        rejection.execution_state = Some(current.state());
        rejection
    };
    if let Some(expected) = expected
        && expected != current.version_number
    {
        return Err(refuse(
            RejectCode::VersionMismatch,
            format!(
                "Expected version {expected} but the job execution is at version {}",
                current.version_number
            ),
        ));
    }
    let device_status = matches!(
        status,
        ExecutionStatus::InProgress
            | ExecutionStatus::Succeeded
            | ExecutionStatus::Failed
            | ExecutionStatus::Rejected
    );
    if current.status.is_terminal() || !device_status {
        return Err(refuse(
            RejectCode::InvalidStateTransition,
            format!(
                "Cannot update the job execution from {} to {}",
                current.status.as_str(),
                status.as_str()
            ),
        ));
    }

    let mut execution = current.clone();
    if status == ExecutionStatus::InProgress {
        start(&mut execution, entry.job, now_secs);
        apply_step_timer(&mut execution, timer, now_secs);
    } else {
        execution.status = status;
        execution.step_deadline = None;
        execution.in_progress_deadline = None;
    }
    if let Some(details) = details {
        execution.status_details = details;
    }
    execution.version_number += 1;
    execution.last_updated_at = now_secs;

    let mut fields = Map::new();
    if with_state {
        fields.insert("executionState".into(), execution.state());
    }
    if with_document {
        fields.insert(
            "jobDocument".into(),
            super::presign::device_document(entry.job, presign),
        );
    }
    Ok((body.answer(now_secs, fields), Some(execution)))
}
