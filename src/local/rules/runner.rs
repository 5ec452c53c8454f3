//! How the local backend runs a Lambda function: its own inline Python code, when `python3`
//! with `boto3` is at hand and the backend's AWS API endpoint is on (the code's boto3 calls go
//! there), else the native equivalent of one of the project's functions; a function that can
//! run neither way is refused.
//!
//! The way is chosen once per function when the rules are compiled. Python code runs in warm
//! worker processes, up to one per core for each function (the script is `worker.py`, built
//! into the binary); each imports the code once and then takes one invocation at a time over a
//! line-delimited JSON protocol on its standard input and output: Lambda's handler contract
//! (the event, a context object, the function's environment variables), a timeout per
//! invocation (the function's `Timeout`), a new process when one died or timed out. What the code logs goes to
//! the function's log group, with Lambda's START, END and REPORT lines.
//!
//! Which python: `SOILCTL_PYTHON` (a path, or `none` for none), else the first `python3` on
//! the `PATH` that can `import boto3`. It is looked for once per process.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::fs::OpenFiles;
use super::function::{Builtin, Function};
use super::time::{now_ms, rfc3339_ms, uuid_v4};
use super::{LOCAL_ACCOUNT_ID, RuleError};
use crate::local::registry::REGION;
use crate::local::state::StateDir;

/// The worker process's script.
const WORKER: &str = include_str!("worker.py");
/// The environment variable that names the python to use (`none`: none).
pub const PYTHON_VARIABLE: &str = "SOILCTL_PYTHON";
/// A function's boto3 calls sign with this access key followed by the function's name, so the
/// API endpoint can tell who published.
const ACCESS_KEY_PREFIX: &str = "lambda-";
/// The secret key of those credentials (any will do: the endpoint accepts any signature).
const SECRET_ACCESS_KEY: &str = "soilctl-local-secret";
/// Lambda gives a function's init (importing its code) at most this long.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// What a worker's standard error keeps for the report of its death.
const STDERR_KEPT: usize = 4096;

/// A python that can run functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Python {
    /// The interpreter itself (`sys.executable`), not a shim in front of it.
    pub executable: PathBuf,
    pub version: String,
    pub boto3: String,
}

/// The python functions run with, looked for once (see the module's documentation).
pub fn python() -> Option<&'static Python> {
    static FOUND: OnceLock<Option<Python>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let chosen = std::env::var_os(PYTHON_VARIABLE);
            let path = std::env::var_os("PATH").unwrap_or_default();
            candidates(chosen.as_deref(), &path)
                .into_iter()
                .find_map(|candidate| probe(&candidate))
        })
        .as_ref()
}

/// The pythons to try, in order: the one `SOILCTL_PYTHON` names (none for `none` or empty),
/// else each `python3` on the `PATH`.
fn candidates(chosen: Option<&std::ffi::OsStr>, path: &std::ffi::OsStr) -> Vec<PathBuf> {
    match chosen {
        Some(v) if v == "none" || v.is_empty() => vec![],
        Some(v) => vec![PathBuf::from(v)],
        None => std::env::split_paths(path)
            .map(|dir| dir.join("python3"))
            .filter(|p| p.is_file())
            .collect(),
    }
}

/// `candidate`'s version, boto3's and its real executable, when it can import boto3.
fn probe(candidate: &Path) -> Option<Python> {
    let out = Command::new(candidate)
        .args([
            "-c",
            "import sys, boto3; print(sys.executable); print(sys.version.split()[0]); print(boto3.__version__)",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let executable = lines.next().filter(|l| !l.is_empty())?;
    Some(Python {
        executable: PathBuf::from(executable),
        version: lines.next()?.to_owned(),
        boto3: lines.next()?.to_owned(),
    })
}

/// How a function runs.
#[derive(Debug, Clone)]
pub(crate) enum Way {
    /// Its own code in a worker process; the project's function it also is, if any.
    Python(Arc<Worker>, Option<Builtin>),
    /// The native equivalent of one of the project's functions.
    Native(Builtin),
}

/// The python a function's own code runs with here, or why it cannot run.
fn python_refusal(function: &Function, endpoint: Option<&str>) -> Result<&'static Python, String> {
    if function.code.is_none() {
        return Err("its code is not inline (Code.ZipFile)".to_owned());
    }
    if !function.runtime.starts_with("python3") {
        return Err(format!(
            "its runtime {:?} is not a python3 runtime",
            function.runtime
        ));
    }
    match function.handler.split_once('.') {
        Some(("index", name)) if !name.is_empty() && !name.contains('.') => {}
        _ => {
            return Err(format!(
                "its handler {:?} is not a function of the inline code's module (index.<function>)",
                function.handler
            ));
        }
    }
    let Some(python) = python() else {
        return Err(match std::env::var(PYTHON_VARIABLE) {
            Ok(v) if v == "none" => format!("python3 is turned off ({PYTHON_VARIABLE}=none)"),
            Ok(v) => format!("{v} ({PYTHON_VARIABLE}) cannot import boto3"),
            Err(_) => "python3 with boto3 was not found".to_owned(),
        });
    };
    if endpoint.is_none() {
        return Err("the local backend's AWS API endpoint is off".to_owned());
    }
    Ok(python)
}

/// Chooses how the function `name` runs: its own code when it can, else its native
/// equivalent, else the reason it cannot run at all.
pub(crate) fn choose(
    name: &str,
    function: &Function,
    endpoint: Option<&str>,
) -> Result<Way, RuleError> {
    match python_refusal(function, endpoint) {
        Ok(python) => {
            let spec = Spec::new(name, function, python, endpoint.unwrap_or_default());
            Ok(Way::Python(
                Worker::shared(spec),
                function.builtin.clone().ok(),
            ))
        }
        Err(no_python) => match &function.builtin {
            Ok(builtin) => Ok(Way::Native(builtin.clone())),
            Err(not_builtin) => Err(RuleError::UnsupportedFunction {
                function: function.logical_id.clone(),
                reason: format!("{no_python}, and {not_builtin}"),
            }),
        },
    }
}

/// One line per function saying how it runs (`deploy --local` prints them), in logical-id
/// order; an error for a function that can run neither way.
pub fn describe<'a>(
    functions: impl IntoIterator<Item = &'a Function>,
    endpoint: Option<&str>,
) -> Result<Vec<String>, RuleError> {
    let mut functions: Vec<&Function> = functions.into_iter().collect();
    functions.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
    functions
        .into_iter()
        .map(|f| match (python_refusal(f, endpoint), &f.builtin) {
            (Ok(python), _) => Ok(format!(
                "{} runs its own Python code (python3 {}, boto3 {})",
                f.logical_id, python.version, python.boto3
            )),
            (Err(why), Ok(_)) => Ok(format!(
                "{} runs its built-in equivalent: {why}",
                f.logical_id
            )),
            (Err(why), Err(not_builtin)) => Err(RuleError::UnsupportedFunction {
                function: f.logical_id.clone(),
                reason: format!("{why}, and {not_builtin}"),
            }),
        })
        .collect()
}

/// The function whose code signed a request with `access_key`, if a function did.
pub fn caller(access_key: &str) -> Option<&str> {
    access_key
        .strip_prefix(ACCESS_KEY_PREFIX)
        .filter(|n| !n.is_empty())
}

/// Everything a worker is made from; two equal specs share one worker.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Spec {
    name: String,
    code: String,
    handler: String,
    runtime: String,
    timeout: Duration,
    memory_mb: u64,
    log_group: String,
    /// The process's environment, in order.
    environment: Vec<(String, String)>,
    python: PathBuf,
}

impl Spec {
    fn new(name: &str, function: &Function, python: &Python, endpoint: &str) -> Spec {
        let log_group = function
            .log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/lambda/{name}"));
        Spec {
            name: name.to_owned(),
            code: function.code.clone().unwrap_or_default(),
            handler: function.handler.clone(),
            runtime: function.runtime.clone(),
            timeout: Duration::from_secs(function.timeout_secs),
            memory_mb: function.memory_mb,
            environment: environment(name, function, &log_group, endpoint),
            log_group,
            python: python.executable.clone(),
        }
    }

    fn arn(&self) -> String {
        format!(
            "arn:aws:lambda:{REGION}:{LOCAL_ACCOUNT_ID}:function:{}",
            self.name
        )
    }
}

/// A function's process environment: its own variables, then what Lambda sets (which a
/// function cannot override), with credentials and the endpoint of the local API.
fn environment(
    name: &str,
    function: &Function,
    log_group: &str,
    endpoint: &str,
) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = function
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let fixed = [
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ("AWS_ACCESS_KEY_ID", format!("{ACCESS_KEY_PREFIX}{name}")),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
        // The user's own AWS configuration must not redirect the function's calls.
        ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            function.memory_mb.to_string(),
        ),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", log_group.to_owned()),
        (
            "AWS_EXECUTION_ENV",
            format!("AWS_Lambda_{}", function.runtime),
        ),
        ("_HANDLER", function.handler.clone()),
        ("PYTHONUNBUFFERED", "1".to_owned()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_owned()),
        ("PYTHONIOENCODING", "utf-8".to_owned()),
        ("LANG", "C.UTF-8".to_owned()),
    ];
    for (k, v) in fixed {
        vars.retain(|(name, _)| name != k);
        vars.push((k.to_owned(), v));
    }
    vars
}

/// What one invocation gave: the handler's result, or the error Lambda would report.
pub(crate) type Outcome = Result<Value, String>;

/// A function's warm worker processes (Lambda's execution environments): one made on first
/// use, more while every one is busy, up to [`Worker::most`]; one that died or timed out is
/// made again. Each takes one invocation at a time, as an execution environment does.
pub(crate) struct Worker {
    spec: Spec,
    pool: Mutex<Pool>,
    /// Signalled when a process is given back or gone.
    returned: Condvar,
}

/// The processes not running an invocation now, and how many there are in all.
#[derive(Default)]
struct Pool {
    idle: Vec<Process>,
    live: usize,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("function", &self.spec.name)
            .finish()
    }
}

struct Process {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    log_stream: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Worker {
    /// The worker for `spec`: the one already made while any compiled rules still hold it
    /// (rules are compiled again at every registry change), else a new one.
    fn shared(spec: Spec) -> Arc<Worker> {
        static WORKERS: OnceLock<Mutex<HashMap<Spec, Weak<Worker>>>> = OnceLock::new();
        let mut workers = WORKERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        workers.retain(|_, w| w.strong_count() > 0);
        if let Some(worker) = workers.get(&spec).and_then(Weak::upgrade) {
            return worker;
        }
        let worker = Arc::new(Worker {
            spec: spec.clone(),
            pool: Mutex::new(Pool::default()),
            returned: Condvar::new(),
        });
        workers.insert(spec, Arc::downgrade(&worker));
        worker
    }

    /// How many processes one function may have: one for each core (at least two), since
    /// invocations are mostly CPU here (on AWS each concurrent invocation gets an environment
    /// of its own).
    fn most() -> usize {
        std::thread::available_parallelism().map_or(2, |n| usize::from(n).max(2))
    }

    /// An idle process, or room for a new one (`None`), waiting while all are busy.
    fn checkout(&self) -> Option<Process> {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(process) = pool.idle.pop() {
                return Some(process);
            }
            if pool.live < Self::most() {
                pool.live += 1;
                return None;
            }
            pool = self.returned.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Gives a process back after an invocation; `None`: it is gone (died, timed out, or
    /// never started).
    fn checkin(&self, process: Option<Process>) {
        let mut pool = self.pool.lock().unwrap_or_else(|p| p.into_inner());
        match process {
            Some(p) => pool.idle.push(p),
            None => pool.live = pool.live.saturating_sub(1),
        }
        drop(pool);
        self.returned.notify_one();
    }

    /// Runs the function once with `event`, writing its logs into its log group.
    pub fn invoke(&self, event: &Value, state: &StateDir, files: &OpenFiles) -> Outcome {
        let mut process = self.checkout();
        let outcome = self.invoke_in(&mut process, event, state, files);
        self.checkin(process);
        outcome
    }

    /// [`Worker::invoke`] in `process` (started first when `None`); leaves `None` there when
    /// the process is gone.
    fn invoke_in(
        &self,
        process: &mut Option<Process>,
        event: &Value,
        state: &StateDir,
        files: &OpenFiles,
    ) -> Outcome {
        let logs = state.log_group(&self.spec.log_group);
        let log = |stream: &str, message: &str| {
            let line = json!({
                "timestamp": rfc3339_ms(now_ms()),
                "logStream": stream,
                "message": message,
            });
            let _ = files.append_line(&logs, &line.to_string());
        };
        if process.is_none() {
            let (started, init) = self.start();
            let stream = started.as_ref().map(|p| p.log_stream.clone());
            let stream = stream.unwrap_or_else(|_| log_stream());
            let logs = init.logs();
            for line in logs.lines() {
                log(&stream, line);
            }
            match (started, init) {
                (Ok(p), Answer::Ready { .. }) => *process = Some(p),
                (_, answer) => {
                    let error = answer.error(&format!("{} init", self.spec.name));
                    log(&stream, &format!("INIT_REPORT Status: error: {error}"));
                    return Err(error);
                }
            }
        }
        let Some(p) = process.as_mut() else {
            return Err("the function's worker did not start".to_owned());
        };
        let request_id = uuid_v4();
        let stream = p.log_stream.clone();
        log(
            &stream,
            &format!("START RequestId: {request_id} Version: $LATEST"),
        );
        let began = Instant::now();
        let deadline = now_ms() + i64::try_from(self.spec.timeout.as_millis()).unwrap_or(i64::MAX);
        let line = invoke_line(event, &request_id, deadline);
        let answer = p.ask(&line, self.spec.timeout);
        let took = began.elapsed();
        for line in answer.logs().lines() {
            log(&stream, line);
        }
        let outcome = match answer {
            Answer::Result { value, .. } => Ok(value),
            Answer::TimedOut => {
                *process = None;
                let message = format!(
                    "Task timed out after {:.2} seconds",
                    self.spec.timeout.as_secs_f64()
                );
                log(&stream, &format!("{request_id} {message}"));
                Err(message)
            }
            Answer::Died(why) => {
                *process = None;
                let message = format!("Runtime exited: {why}");
                log(
                    &stream,
                    &format!("RequestId: {request_id} Error: {message}"),
                );
                Err(message)
            }
            other => {
                let error = other.error(&self.spec.name);
                log(&stream, &format!("[ERROR] {error}"));
                Err(error)
            }
        };
        log(&stream, &format!("END RequestId: {request_id}"));
        log(
            &stream,
            &format!(
                "REPORT RequestId: {request_id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB",
                took.as_secs_f64() * 1000.0,
                took.as_micros().div_ceil(1000).max(1),
                self.spec.memory_mb
            ),
        );
        outcome
    }

    /// A new process with the function's code loaded, and the init's answer.
    fn start(&self) -> (Result<Process, ()>, Answer) {
        match spawn(&self.spec) {
            Ok(mut p) => {
                let init = init_line(&self.spec, &p.log_stream);
                let answer = p.ask(&init, INIT_TIMEOUT.max(self.spec.timeout));
                (Ok(p), answer)
            }
            Err(e) => (
                Err(()),
                Answer::Died(format!("{} cannot start: {e}", self.spec.python.display())),
            ),
        }
    }
}

impl Process {
    /// Sends one line and waits up to `timeout` for the answer.
    fn ask(&mut self, line: &str, timeout: Duration) -> Answer {
        let sent = self
            .stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.write_all(b"\n"))
            .and_then(|()| self.stdin.flush());
        if let Err(e) = sent {
            return Answer::Died(self.death(&e.to_string()));
        }
        match self.lines.recv_timeout(timeout) {
            Ok(line) => parse_answer(&line),
            Err(RecvTimeoutError::Timeout) => Answer::TimedOut,
            Err(RecvTimeoutError::Disconnected) => Answer::Died(self.death("it exited")),
        }
    }

    /// Why the process is gone: its exit status and the end of what it wrote on stderr.
    fn death(&mut self, what: &str) -> String {
        let status = self
            .child
            .wait()
            .map(|s| s.to_string())
            .unwrap_or_else(|_| what.to_owned());
        let stderr = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
        match stderr.trim().lines().last() {
            Some(last) => format!("{status}: {last}"),
            None => status,
        }
    }
}

fn spawn(spec: &Spec) -> std::io::Result<Process> {
    let mut command = Command::new(&spec.python);
    command
        .args(["-u", "-c", WORKER])
        .env_clear()
        .envs(spec.environment.iter().map(|(k, v)| (k, v)))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LAMBDA_TASK_ROOT", std::env::temp_dir())
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(std::io::Error::other("the worker's pipes are missing"));
    };
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let kept = Arc::new(Mutex::new(String::new()));
    let sink = kept.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if let Ok(mut kept) = sink.lock() {
                kept.push_str(&line);
                kept.push('\n');
                if kept.len() > STDERR_KEPT {
                    let cut = kept.len() - STDERR_KEPT;
                    let cut = (cut..kept.len())
                        .find(|i| kept.is_char_boundary(*i))
                        .unwrap_or(0);
                    kept.drain(..cut);
                }
            }
        }
    });
    Ok(Process {
        child,
        stdin,
        lines,
        stderr: kept,
        log_stream: log_stream(),
    })
}

/// A Lambda log stream name: `YYYY/MM/DD/[$LATEST]<32 hex digits>`.
fn log_stream() -> String {
    let day = rfc3339_ms(now_ms());
    let date = day.get(..10).unwrap_or("1970-01-01").replace('-', "/");
    format!("{date}/[$LATEST]{}", uuid_v4().replace('-', ""))
}

/// The first line a worker gets: the code and what its context reports.
fn init_line(spec: &Spec, log_stream: &str) -> String {
    json!({
        "init": {
            "code": spec.code,
            "handler": spec.handler,
            "functionName": spec.name,
            "functionArn": spec.arn(),
            "memoryMb": spec.memory_mb,
            "logGroup": spec.log_group,
            "logStream": log_stream,
        }
    })
    .to_string()
}

/// One invocation's line.
fn invoke_line(event: &Value, request_id: &str, deadline_ms: i64) -> String {
    json!({
        "invoke": {"event": event, "requestId": request_id, "deadlineMs": deadline_ms}
    })
    .to_string()
}

/// A worker's answer.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Ready {
        logs: String,
    },
    Result {
        value: Value,
        logs: String,
    },
    Error {
        kind: String,
        message: String,
        logs: String,
    },
    TimedOut,
    Died(String),
}

impl Answer {
    fn logs(&self) -> &str {
        match self {
            Answer::Ready { logs } | Answer::Result { logs, .. } | Answer::Error { logs, .. } => {
                logs
            }
            Answer::TimedOut | Answer::Died(_) => "",
        }
    }

    /// The failure as Lambda words it (`what` names the phase for an unexpected answer).
    fn error(&self, what: &str) -> String {
        match self {
            Answer::Error { kind, message, .. } => format!("{kind}: {message}"),
            Answer::TimedOut => "the function's init timed out".to_owned(),
            Answer::Died(why) => format!("Runtime exited: {why}"),
            Answer::Ready { .. } | Answer::Result { .. } => {
                format!("{what}: the worker answered out of turn")
            }
        }
    }
}

fn parse_answer(line: &str) -> Answer {
    let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(line) else {
        return Answer::Died(format!("the worker wrote {line:?}"));
    };
    let logs = match doc.remove("logs") {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    if let Some(value) = doc.remove("result") {
        return Answer::Result { value, logs };
    }
    if doc.get("ready") == Some(&Value::Bool(true)) {
        return Answer::Ready { logs };
    }
    let text = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or_default();
    if doc.contains_key("errorType") {
        return Answer::Error {
            kind: text("errorType").to_owned(),
            message: text("errorMessage").to_owned(),
            logs,
        };
    }
    Answer::Died(format!("the worker wrote {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_from_their_lines() {
        assert_eq!(
            parse_answer(r#"{"result": {"a": 1}, "logs": "hi\n"}"#),
            Answer::Result {
                value: json!({"a": 1}),
                logs: "hi\n".into()
            }
        );
        assert_eq!(
            parse_answer(r#"{"result": null, "logs": ""}"#),
            Answer::Result {
                value: Value::Null,
                logs: String::new()
            }
        );
        assert_eq!(
            parse_answer(r#"{"ready": true, "logs": ""}"#),
            Answer::Ready {
                logs: String::new()
            }
        );
        let error = parse_answer(
            r#"{"errorType": "KeyError", "errorMessage": "'x'", "stackTrace": [], "logs": ""}"#,
        );
        assert_eq!(error.error("f"), "KeyError: 'x'");
        assert!(matches!(parse_answer("garbage"), Answer::Died(_)));
        assert!(matches!(parse_answer("{}"), Answer::Died(_)));
    }

    /// Two invocations at once run side by side, in two processes: each waits for the
    /// other to have started (a worker that took one at a time would time the first out).
    #[test]
    fn concurrent_invocations_run_in_execution_environments_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let barrier = dir.path().join("barrier");
        std::fs::create_dir(&barrier).unwrap();
        let code = r#"
import os, time

def handler(event, context):
    here = os.environ["BARRIER"]
    open(os.path.join(here, event["mine"]), "w").close()
    for _ in range(500):
        if os.path.exists(os.path.join(here, event["other"])):
            return os.getpid()
        time.sleep(0.01)
    raise TimeoutError("the other invocation never ran beside this one")
"#;
        let worker = Worker::shared(Spec {
            name: "pooled".into(),
            code: code.into(),
            handler: "index.handler".into(),
            runtime: "python3.13".into(),
            timeout: Duration::from_secs(10),
            memory_mb: 128,
            log_group: "/aws/lambda/pooled".into(),
            environment: vec![("BARRIER".into(), barrier.display().to_string())],
            python: "python3".into(),
        });
        let state = StateDir::new(dir.path().join("state"));
        let pids: Vec<Outcome> = std::thread::scope(|scope| {
            let calls: Vec<_> = [("a", "b"), ("b", "a")]
                .into_iter()
                .map(|(mine, other)| {
                    let (worker, state) = (&worker, &state);
                    scope.spawn(move || {
                        let files = OpenFiles::default();
                        worker.invoke(&json!({"mine": mine, "other": other}), state, &files)
                    })
                })
                .collect();
            calls.into_iter().map(|c| c.join().unwrap()).collect()
        });
        let (a, b) = (pids[0].clone().unwrap(), pids[1].clone().unwrap());
        assert_ne!(a, b, "two processes");
        // Both are kept warm: a third invocation reuses one of them.
        std::fs::write(barrier.join("c"), "").unwrap();
        let files = OpenFiles::default();
        let again = worker
            .invoke(&json!({"mine": "d", "other": "c"}), &state, &files)
            .unwrap();
        assert!(again == a || again == b, "{again} is one of {a}, {b}");
    }

    #[test]
    fn lines_carry_the_code_the_event_and_the_deadline() {
        let spec = Spec {
            name: "f".into(),
            code: "def handler(e, c): return e".into(),
            handler: "index.handler".into(),
            runtime: "python3.13".into(),
            timeout: Duration::from_secs(3),
            memory_mb: 128,
            log_group: "/aws/lambda/f".into(),
            environment: vec![],
            python: "python3".into(),
        };
        let init: Value = serde_json::from_str(&init_line(&spec, "s")).unwrap_or_default();
        assert_eq!(init["init"]["handler"], "index.handler");
        assert_eq!(
            init["init"]["functionArn"],
            "arn:aws:lambda:local:000000000000:function:f"
        );
        assert_eq!(init["init"]["memoryMb"], 128);
        let invoke: Value = serde_json::from_str(&invoke_line(&json!({"humidity": 20}), "r", 5))
            .unwrap_or_default();
        assert_eq!(
            invoke,
            json!({"invoke": {"event": {"humidity": 20}, "requestId": "r", "deadlineMs": 5}})
        );
    }

    #[test]
    fn lambdas_variables_win_over_the_functions_own() {
        let function = Function {
            logical_id: "F".into(),
            code: Some(String::new()),
            runtime: "python3.13".into(),
            handler: "index.handler".into(),
            timeout_secs: 3,
            memory_mb: 256,
            environment: [
                ("TOPIC_ARN".to_owned(), "t".to_owned()),
                ("AWS_REGION".to_owned(), "elsewhere".to_owned()),
            ]
            .into(),
            log_group: None,
            builtin: Err(String::new()),
        };
        let vars = environment("fn", &function, "/aws/lambda/fn", "http://127.0.0.1:1");
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("TOPIC_ARN"), Some("t"));
        assert_eq!(get("AWS_REGION"), Some("local"));
        assert_eq!(get("AWS_ENDPOINT_URL"), Some("http://127.0.0.1:1"));
        assert_eq!(get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), Some("256"));
        assert_eq!(
            caller(get("AWS_ACCESS_KEY_ID").unwrap_or_default()),
            Some("fn")
        );
        assert_eq!(caller("soilctl-local"), None);
    }

    #[test]
    fn soilctl_python_chooses_or_turns_off_the_search() {
        let path = std::ffi::OsStr::new("/nonexistent-a:/nonexistent-b");
        assert!(candidates(Some("none".as_ref()), path).is_empty());
        assert_eq!(
            candidates(Some("/opt/py/bin/python3".as_ref()), path),
            vec![PathBuf::from("/opt/py/bin/python3")]
        );
        assert!(candidates(None, path).is_empty());
        assert_eq!(probe(Path::new("/nonexistent/python3")), None);
    }

    #[test]
    fn log_streams_look_like_lambdas() {
        let stream = log_stream();
        assert_eq!(stream.len(), "2026/01/01/[$LATEST]".len() + 32, "{stream}");
        assert!(stream.contains("/[$LATEST]"), "{stream}");
    }
}
