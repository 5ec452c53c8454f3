//! CloudWatch Logs' read side (JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`, signing
//! name `logs`) over the deployed stacks' log groups: the `AWS::Logs::LogGroup` resources and,
//! for a function that names no log group of its own, `/aws/lambda/<name>`. Their events are
//! what the local backend writes to `logs/<group>.jsonl` (the rules' error actions), one
//! stream per group; the functions' own runs are not logged there.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Request;
use super::reply::Reply;
use crate::local::control::Local;
use crate::local::registry::{ACCOUNT_ID, REGION};

/// The one stream each local log group has.
const STREAM: &str = "local";
/// Largest pages: DescribeLogGroups 50, events 10,000.
const MAX_GROUPS: usize = 50;
const MAX_EVENTS: usize = 10_000;

/// One log group.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    name: String,
    created_ms: i64,
    retention_days: Option<i64>,
}

/// One event of a group's file.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    timestamp: i64,
    message: String,
}

/// Answers one CloudWatch Logs request.
pub fn handle(local: &Local, req: &Request) -> Reply {
    let operation = req
        .header("x-amz-target")
        .and_then(|t| t.strip_prefix("Logs_20140328."));
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(_) => return error("SerializationException", "the request body is not JSON"),
        }
    };
    let result = match operation {
        Some("DescribeLogGroups") => describe_log_groups(local, &body),
        Some("DescribeLogStreams") => describe_log_streams(local, &body),
        Some("FilterLogEvents") => filter_log_events(local, &body),
        Some("GetLogEvents") => get_log_events(local, &body),
        Some(other) => Err(error(
            "UnknownOperationException",
            &format!("the local backend does not serve CloudWatch Logs' {other}"),
        )),
        None => Err(error(
            "UnknownOperationException",
            "the request has no X-Amz-Target of Logs_20140328",
        )),
    };
    result.unwrap_or_else(|reply| reply)
}

/// JSON 1.1's error: status 400 and `{"__type", "message"}`.
fn error(code: &str, message: &str) -> Reply {
    Reply {
        status: 400,
        headers: vec![("content-type", "application/x-amz-json-1.1".to_owned())],
        body: json!({ "__type": code, "message": message })
            .to_string()
            .into(),
    }
}

fn ok(value: &Value) -> Reply {
    let mut reply = Reply::json(value);
    reply.headers = vec![("content-type", "application/x-amz-json-1.1".to_owned())];
    reply
}

fn groups(local: &Local) -> Result<BTreeMap<String, Group>, Reply> {
    let stacks = local
        .registry
        .stacks()
        .map_err(|e| error("ServiceUnavailableException", &e.to_string()))?;
    let mut found = BTreeMap::new();
    for s in &stacks {
        for r in &s.resources {
            let name = match r.resource_type.as_str() {
                "AWS::Logs::LogGroup" => r.physical_id.clone(),
                "AWS::Lambda::Function"
                    if r.properties.pointer("/LoggingConfig/LogGroup").is_none() =>
                {
                    format!("/aws/lambda/{}", r.physical_id)
                }
                _ => continue,
            };
            let retention_days = r
                .properties
                .get("RetentionInDays")
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
            found.insert(
                name.clone(),
                Group {
                    name,
                    created_ms: s.created_ms,
                    retention_days,
                },
            );
        }
    }
    Ok(found)
}

fn group_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}")
}

fn limit(body: &Value, max: usize) -> Result<usize, Reply> {
    match body.get("limit") {
        None | Some(Value::Null) => Ok(max),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=max as u64).contains(&n) => Ok(n as usize),
            _ => Err(error(
                "InvalidParameterException",
                &format!(
                    "1 validation error detected: Value '{v}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ),
            )),
        },
    }
}

fn offset(body: &Value, key: &str) -> Result<usize, Reply> {
    match body.get(key).and_then(Value::as_str) {
        None => Ok(0),
        Some(token) => token
            .strip_prefix("f/")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                error(
                    "InvalidParameterException",
                    "The specified nextToken is invalid.",
                )
            }),
    }
}

fn describe_log_groups(local: &Local, body: &Value) -> Result<Reply, Reply> {
    let prefix = body.get("logGroupNamePrefix").and_then(Value::as_str);
    let pattern = body.get("logGroupNamePattern").and_then(Value::as_str);
    let limit = limit(body, MAX_GROUPS)?;
    let skip = offset(body, "nextToken")?;
    let all: Vec<Group> = groups(local)?
        .into_values()
        .filter(|g| prefix.is_none_or(|p| g.name.starts_with(p)))
        .filter(|g| pattern.is_none_or(|p| g.name.to_lowercase().contains(&p.to_lowercase())))
        .collect();
    let shown: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(limit)
        .map(|g| {
            let bytes = std::fs::metadata(local.state.log_group(&g.name))
                .map(|m| m.len())
                .unwrap_or(0);
            let mut v = json!({
                "logGroupName": g.name,
                "creationTime": g.created_ms,
                "metricFilterCount": 0,
                "arn": format!("{}:*", group_arn(&g.name)),
                "storedBytes": bytes,
                "logGroupClass": "STANDARD",
                "logGroupArn": group_arn(&g.name),
            });
            if let Some(days) = g.retention_days {
                v["retentionInDays"] = json!(days);
            }
            v
        })
        .collect();
    let mut out = json!({ "logGroups": shown });
    if skip + limit < all.len() {
        out["nextToken"] = json!(format!("f/{}", skip + limit));
    }
    Ok(ok(&out))
}

/// The group a request names (`logGroupName`, or `logGroupIdentifier` as a name or ARN).
fn named_group(local: &Local, body: &Value) -> Result<Group, Reply> {
    let name = body
        .get("logGroupName")
        .or_else(|| body.get("logGroupIdentifier"))
        .and_then(Value::as_str)
        .ok_or_else(|| error("InvalidParameterException", "logGroupName is required"))?;
    let name = name
        .split_once(":log-group:")
        .map(|(_, n)| n.trim_end_matches(":*"))
        .unwrap_or(name);
    groups(local)?.remove(name).ok_or_else(|| {
        error(
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    })
}

/// The group's events, oldest first. A line's `timestamp` (RFC 3339) is its time; the line
/// itself is the message.
fn events(local: &Local, group: &Group) -> Vec<Event> {
    let Ok(text) = std::fs::read_to_string(local.state.log_group(&group.name)) else {
        return vec![];
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| Event {
            timestamp: event_time(line).unwrap_or(group.created_ms),
            message: line.to_owned(),
        })
        .collect()
}

fn event_time(line: &str) -> Option<i64> {
    let v: Value = serde_json::from_str(line).ok()?;
    let at = humantime::parse_rfc3339(v.get("timestamp")?.as_str()?).ok()?;
    Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64)
}

fn describe_log_streams(local: &Local, body: &Value) -> Result<Reply, Reply> {
    let group = named_group(local, body)?;
    let all = events(local, &group);
    let mut stream = json!({
        "logStreamName": STREAM,
        "creationTime": group.created_ms,
        "arn": format!("{}:log-stream:{STREAM}", group_arn(&group.name)),
        "storedBytes": 0,
    });
    if let (Some(first), Some(last)) = (all.first(), all.last()) {
        stream["firstEventTimestamp"] = json!(first.timestamp);
        stream["lastEventTimestamp"] = json!(last.timestamp);
        stream["lastIngestionTime"] = json!(last.timestamp);
    }
    Ok(ok(&json!({ "logStreams": [stream] })))
}

fn in_range(body: &Value, e: &Event) -> bool {
    let start = body.get("startTime").and_then(Value::as_i64);
    let end = body.get("endTime").and_then(Value::as_i64);
    start.is_none_or(|s| e.timestamp >= s) && end.is_none_or(|t| e.timestamp <= t)
}

fn filter_log_events(local: &Local, body: &Value) -> Result<Reply, Reply> {
    let group = named_group(local, body)?;
    let limit = limit(body, MAX_EVENTS)?;
    let skip = offset(body, "nextToken")?;
    // Terms of the filter pattern must all appear (quoted phrases as one term).
    let pattern = body
        .get("filterPattern")
        .and_then(Value::as_str)
        .unwrap_or("");
    let terms = pattern_terms(pattern);
    let matching: Vec<(usize, Event)> = events(local, &group)
        .into_iter()
        .enumerate()
        .filter(|(_, e)| in_range(body, e) && terms.iter().all(|t| e.message.contains(t.as_str())))
        .collect();
    let shown: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(limit)
        .map(|(i, e)| {
            json!({
                "logStreamName": STREAM,
                "timestamp": e.timestamp,
                "message": e.message,
                "ingestionTime": e.timestamp,
                "eventId": format!("{:056}", i),
            })
        })
        .collect();
    let mut out = json!({
        "events": shown,
        "searchedLogStreams": [{ "logStreamName": STREAM, "searchedCompletely": true }],
    });
    if skip + limit < matching.len() {
        out["nextToken"] = json!(format!("f/{}", skip + limit));
    }
    Ok(ok(&out))
}

fn pattern_terms(pattern: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut rest = pattern.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            terms.push(quoted[..end].to_owned());
            rest = quoted.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            terms.push(rest[..end].to_owned());
            rest = rest[end..].trim_start();
        }
    }
    terms.retain(|t| !t.is_empty());
    terms
}

fn get_log_events(local: &Local, body: &Value) -> Result<Reply, Reply> {
    let group = named_group(local, body)?;
    match body.get("logStreamName").and_then(Value::as_str) {
        Some(STREAM) => {}
        _ => {
            return Err(error(
                "ResourceNotFoundException",
                "The specified log stream does not exist.",
            ));
        }
    }
    let limit = limit(body, MAX_EVENTS)?;
    let from_head = body
        .get("startFromHead")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let all: Vec<Event> = events(local, &group)
        .into_iter()
        .filter(|e| in_range(body, e))
        .collect();
    // A token is the position the next page starts at; without one, the head or the tail.
    let start = match body.get("nextToken").and_then(Value::as_str) {
        Some(token) => token
            .get(2..)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|_| token.starts_with("f/") || token.starts_with("b/"))
            .ok_or_else(|| {
                error(
                    "InvalidParameterException",
                    "The specified nextToken is invalid.",
                )
            })?
            .min(all.len()),
        None if from_head => 0,
        None => all.len().saturating_sub(limit),
    };
    let backward = body
        .get("nextToken")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("b/"));
    let (from, to) = if backward {
        (start.saturating_sub(limit), start)
    } else {
        (start, (start + limit).min(all.len()))
    };
    let shown: Vec<Value> = all[from..to]
        .iter()
        .map(|e| json!({ "timestamp": e.timestamp, "message": e.message, "ingestionTime": e.timestamp }))
        .collect();
    Ok(ok(&json!({
        "events": shown,
        "nextForwardToken": format!("f/{to}"),
        "nextBackwardToken": format!("b/{from}"),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_patterns_are_terms_and_phrases() {
        assert_eq!(pattern_terms(""), Vec::<String>::new());
        assert_eq!(
            pattern_terms(r#"ERROR "no such bucket" x"#),
            ["ERROR", "no such bucket", "x"]
        );
    }

    #[test]
    fn event_times_come_from_the_lines() {
        assert_eq!(
            event_time(r#"{"timestamp":"2020-08-27T13:47:52.677Z","ruleName":"r"}"#),
            Some(1_598_536_072_677)
        );
        assert_eq!(event_time("not json"), None);
    }

    #[test]
    fn errors_are_json_1_1() {
        let reply = error(
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        );
        assert_eq!(reply.status, 400);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["__type"], "ResourceNotFoundException");
    }
}
