//! AWS Lambda's read side (REST-JSON, signing name `lambda`) over the deployed stacks'
//! `AWS::Lambda::Function` resources: GetFunction, GetFunctionConfiguration and
//! ListFunctions, with Lambda's own not-found error. The code is the template's inline code,
//! so its location is a placeholder naming the stack.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::Request;
use super::reply::Reply;
use crate::local::control::Local;
use crate::local::registry::{ACCOUNT_ID, REGION, Registry, StackRecord, StackResource};

/// ListFunctions' page when the request names none, and its largest.
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 10_000;

/// Answers one Lambda request.
pub fn handle(local: &Local, req: &Request) -> Reply {
    let segments: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let result = match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["2015-03-31", "functions"]) => list_functions(&local.registry, req),
        ("GET", ["2015-03-31", "functions", name]) => {
            find(&local.registry, name).map(|(s, r)| get_function(local, &s, &r))
        }
        ("GET", ["2015-03-31", "functions", name, "configuration"]) => {
            find(&local.registry, name).map(|(s, r)| Reply::json(&configuration(&s, &r)))
        }
        _ => return Reply::unknown_operation("lambda", &req.method, &req.path),
    };
    result.unwrap_or_else(|reply| reply)
}

/// Lambda's error shape: the type in `x-amzn-ErrorType`, and `Type` and `Message` in the body.
fn error(status: u16, code: &str, message: &str) -> Reply {
    let mut reply = Reply::rest_json_error(status, code, message);
    reply.body = json!({ "Type": "User", "Message": message })
        .to_string()
        .into();
    reply
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
}

/// Every deployed function, by name, with its stack.
fn functions(registry: &Registry) -> Result<Vec<(StackRecord, StackResource)>, Reply> {
    let stacks = registry
        .stacks()
        .map_err(|e| error(500, "ServiceException", &e.to_string()))?;
    let mut found: Vec<(StackRecord, StackResource)> = stacks
        .iter()
        .flat_map(|s| {
            s.resources
                .iter()
                .filter(|r| r.resource_type == "AWS::Lambda::Function")
                .map(move |r| (s.clone(), r.clone()))
        })
        .collect();
    found.sort_by(|a, b| a.1.physical_id.cmp(&b.1.physical_id));
    Ok(found)
}

/// The function a name or ARN (full or partial) names, or Lambda's "Function not found".
fn find(registry: &Registry, name_or_arn: &str) -> Result<(StackRecord, StackResource), Reply> {
    // A name, `<account>:function:<name>` or the ARN, with or without a qualifier.
    let name = name_or_arn
        .split_once(":function:")
        .map(|(_, n)| n)
        .unwrap_or(name_or_arn);
    let name = name.split(':').next().unwrap_or(name);
    functions(registry)?
        .into_iter()
        .find(|(_, r)| r.physical_id == name)
        .ok_or_else(|| {
            error(
                404,
                "ResourceNotFoundException",
                &format!("Function not found: {}", function_arn(name)),
            )
        })
}

/// Lambda's `LastModified`: `2020-08-27T13:47:52.677+0000`.
fn last_modified(ms: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    let text = humantime::format_rfc3339_millis(at).to_string();
    format!("{}+0000", text.trim_end_matches('Z'))
}

fn code_of(r: &StackResource) -> &str {
    r.properties
        .pointer("/Code/ZipFile")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A function's configuration, as GetFunction and ListFunctions give it.
fn configuration(stack: &StackRecord, r: &StackResource) -> Value {
    let p = &r.properties;
    let text = |key: &str| p.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str, default: i64| {
        p.get(key)
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(default)
    };
    let code = code_of(r);
    let digest = Sha256::digest(code.as_bytes());
    let mut c = Map::new();
    c.insert("FunctionName".into(), json!(r.physical_id));
    c.insert("FunctionArn".into(), json!(function_arn(&r.physical_id)));
    c.insert("Runtime".into(), json!(text("Runtime")));
    c.insert("Role".into(), json!(text("Role")));
    c.insert("Handler".into(), json!(text("Handler")));
    c.insert("CodeSize".into(), json!(code.len()));
    c.insert(
        "Description".into(),
        json!(text("Description").unwrap_or_default()),
    );
    c.insert("Timeout".into(), json!(number("Timeout", 3)));
    c.insert("MemorySize".into(), json!(number("MemorySize", 128)));
    c.insert(
        "LastModified".into(),
        json!(last_modified(stack.updated_ms)),
    );
    c.insert(
        "CodeSha256".into(),
        json!(base64::engine::general_purpose::STANDARD.encode(digest)),
    );
    c.insert("Version".into(), json!("$LATEST"));
    let variables = p
        .pointer("/Environment/Variables")
        .cloned()
        .unwrap_or_else(|| json!({}));
    c.insert("Environment".into(), json!({ "Variables": variables }));
    c.insert("TracingConfig".into(), json!({ "Mode": "PassThrough" }));
    let revision = Sha256::digest(format!("{}@{}", r.physical_id, stack.updated_ms));
    c.insert(
        "RevisionId".into(),
        json!(super::reply::uuid_of(&revision[..16])),
    );
    c.insert("State".into(), json!("Active"));
    c.insert("LastUpdateStatus".into(), json!("Successful"));
    c.insert("PackageType".into(), json!("Zip"));
    c.insert("Architectures".into(), json!(["x86_64"]));
    c.insert("EphemeralStorage".into(), json!({ "Size": 512 }));
    let group = p
        .pointer("/LoggingConfig/LogGroup")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/aws/lambda/{}", r.physical_id));
    let format = p
        .pointer("/LoggingConfig/LogFormat")
        .and_then(Value::as_str)
        .unwrap_or("Text");
    c.insert(
        "LoggingConfig".into(),
        json!({ "LogFormat": format, "LogGroup": group }),
    );
    Value::Object(c)
}

fn get_function(local: &Local, stack: &StackRecord, r: &StackResource) -> Reply {
    let location = format!(
        "file://{}#stack/{}/{}/Code.ZipFile",
        local.state.registry().display(),
        stack.name,
        r.logical_id
    );
    Reply::json(&json!({
        "Configuration": configuration(stack, r),
        "Code": { "RepositoryType": "S3", "Location": location },
        "Tags": {
            "aws:cloudformation:stack-name": stack.name,
            "aws:cloudformation:stack-id": stack.stack_id,
            "aws:cloudformation:logical-id": r.logical_id,
        },
    }))
}

fn list_functions(registry: &Registry, req: &Request) -> Result<Reply, Reply> {
    let page = match req.query("MaxItems") {
        None => DEFAULT_PAGE,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Err(error(
                    400,
                    "InvalidParameterValueException",
                    &format!(
                        "1 validation error detected: Value '{text}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and {MAX_PAGE}"
                    ),
                ));
            }
        },
    };
    let all = functions(registry)?;
    let start = match req.query("Marker") {
        None => 0,
        Some(marker) => all
            .iter()
            .position(|(_, r)| r.physical_id.as_str() > marker)
            .unwrap_or(all.len()),
    };
    let shown: Vec<&(StackRecord, StackResource)> = all.iter().skip(start).take(page).collect();
    let mut out = json!({
        "Functions": shown.iter().map(|(s, r)| configuration(s, r)).collect::<Vec<_>>(),
    });
    if start + page < all.len()
        && let Some((_, last)) = shown.last()
    {
        out["NextMarker"] = json!(last.physical_id);
    }
    Ok(Reply::json(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_times_and_missing_functions_read_as_lambdas() {
        assert_eq!(
            last_modified(1_598_536_072_677),
            "2020-08-27T13:47:52.677+0000"
        );
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        let reply = find(&registry, "arn:aws:lambda:local:000000000000:function:gone")
            .expect_err("no such function");
        assert_eq!(reply.status, 404);
        assert!(
            reply
                .headers
                .contains(&("x-amzn-errortype", "ResourceNotFoundException".to_owned()))
        );
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(
            body["Message"],
            "Function not found: arn:aws:lambda:local:000000000000:function:gone"
        );
    }
}
