//! SNS over the AWS Query protocol, for the topics the deployed stacks made: GetTopicAttributes,
//! ListTopics, ListSubscriptions, ListSubscriptionsByTopic and Publish. A publish is delivered
//! as the rules engine delivers one (a line per subscriber in the alerts log, reported by the
//! running `local up`), so `status --local` and `demo` show it. Local deliveries need no
//! confirmation: every subscription is confirmed, with an ARN of its own.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Request;
use super::query::{self, escape, param};
use super::reply::Reply;
use crate::iotsql::Output;
use crate::local::control::{Local, deployed_everything};
use crate::local::registry::ACCOUNT_ID;
use crate::local::rules::{self, Subscriber, runner};

const NAMESPACE: &str = "http://sns.amazonaws.com/doc/2010-03-31/";
/// ListTopics and the subscription lists answer this many a page, as SNS does.
const PAGE: usize = 100;
/// The largest message, attributes included (256 KiB).
const MAX_MESSAGE: usize = 262_144;
/// Message attributes a publish may carry.
const MAX_ATTRIBUTES: usize = 10;
/// The longest subject.
const MAX_SUBJECT: usize = 100;

/// Answers one SNS request; `access_key` is the caller's (a function's own code signs as
/// itself).
pub fn handle(local: &Local, access_key: Option<&str>, req: &Request) -> Reply {
    let params = query::params(req);
    let p = |name: &str| param(&params, name);
    let result = match p("Action") {
        Some("GetTopicAttributes") => get_topic_attributes(local, p("TopicArn")),
        Some("ListTopics") => list_topics(local, p("NextToken")),
        Some("ListSubscriptions") => list_subscriptions(local, None, p("NextToken")),
        Some("ListSubscriptionsByTopic") => match p("TopicArn") {
            Some(arn) => list_subscriptions(local, Some(arn), p("NextToken")),
            None => Err(invalid("TopicArn Reason: no value for required parameter")),
        },
        Some("Publish") => {
            let from = access_key.and_then(runner::caller).unwrap_or("sns:Publish");
            publish(local, &params, from)
        }
        Some(other) => Err(query::error(
            NAMESPACE,
            400,
            "InvalidAction",
            &format!("the local backend does not serve SNS's {other} yet"),
        )),
        None => Err(query::error(
            NAMESPACE,
            400,
            "MissingAction",
            "the request names no Action",
        )),
    };
    result.unwrap_or_else(|reply| reply)
}

/// SNS's InvalidParameter: "Invalid parameter: {what}".
fn invalid(what: &str) -> Reply {
    query::error(
        NAMESPACE,
        400,
        "InvalidParameter",
        &format!("Invalid parameter: {what}"),
    )
}

/// SNS's InvalidParameterValue (the code is `ParameterValueInvalid`).
fn invalid_value(message: &str) -> Reply {
    query::error(NAMESPACE, 400, "ParameterValueInvalid", message)
}

fn not_found() -> Reply {
    query::error(NAMESPACE, 404, "NotFound", "Topic does not exist")
}

fn internal(e: impl std::fmt::Display) -> Reply {
    query::error(NAMESPACE, 500, "InternalError", &e.to_string())
}

/// A deployed topic: its ARN, its template properties and its subscribers.
struct TopicView {
    arn: String,
    properties: Value,
    subscribers: Vec<Subscriber>,
}

/// Every topic of every deployed stack, by ARN.
fn topics(local: &Local) -> Result<Vec<TopicView>, Reply> {
    let (_, deployed) = deployed_everything(&local.registry).map_err(internal)?;
    let stacks = local.registry.stacks().map_err(internal)?;
    let mut found: Vec<TopicView> = stacks
        .into_iter()
        .flat_map(|s| s.resources)
        .filter(|r| r.resource_type == "AWS::SNS::Topic")
        .map(|r| TopicView {
            subscribers: deployed
                .topics
                .get(&r.physical_id)
                .cloned()
                .unwrap_or_default(),
            arn: r.physical_id,
            properties: r.properties,
        })
        .collect();
    found.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(found)
}

/// Whether `arn` is shaped as a topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`).
fn is_topic_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.split(':').collect();
    matches!(parts.as_slice(), ["arn", partition, "sns", region, account, name]
        if !partition.is_empty() && !region.is_empty() && !account.is_empty()
            && !name.is_empty() && name.len() <= 256
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'))
}

/// The topic `arn`, or SNS's error for a missing or malformed one.
fn find(local: &Local, arn: Option<&str>) -> Result<TopicView, Reply> {
    let arn = arn.ok_or_else(|| invalid("TopicArn Reason: no value for required parameter"))?;
    if !is_topic_arn(arn) {
        return Err(invalid("TopicArn"));
    }
    topics(local)?
        .into_iter()
        .find(|t| t.arn == arn)
        .ok_or_else(not_found)
}

fn get_topic_attributes(local: &Local, arn: Option<&str>) -> Result<Reply, Reply> {
    let topic = find(local, arn)?;
    let text = |name: &str| topic.properties.get(name).and_then(Value::as_str);
    let mut attributes: Vec<(&str, String)> = vec![
        ("TopicArn", topic.arn.clone()),
        ("Owner", ACCOUNT_ID.to_owned()),
        ("Policy", default_policy(&topic.arn)),
        (
            "DisplayName",
            text("DisplayName").unwrap_or_default().to_owned(),
        ),
        (
            "SubscriptionsConfirmed",
            topic.subscribers.len().to_string(),
        ),
        ("SubscriptionsPending", "0".to_owned()),
        ("SubscriptionsDeleted", "0".to_owned()),
        (
            "EffectiveDeliveryPolicy",
            EFFECTIVE_DELIVERY_POLICY.to_owned(),
        ),
    ];
    if let Some(key) = text("KmsMasterKeyId") {
        attributes.push(("KmsMasterKeyId", key.to_owned()));
    }
    let mut out = String::from("<Attributes>");
    for (k, v) in attributes {
        let _ = write!(
            out,
            "<entry><key>{}</key><value>{}</value></entry>",
            escape(k),
            escape(&v)
        );
    }
    out.push_str("</Attributes>");
    Ok(query::ok(NAMESPACE, "GetTopicAttributes", &out))
}

const EFFECTIVE_DELIVERY_POLICY: &str = r#"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#;

/// The policy a topic gets when none is set: the owner's account may do everything.
fn default_policy(arn: &str) -> String {
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT_ID}}
        }]
    })
    .to_string()
}

/// A page's start from a NextToken (opaque to clients: the offset, encoded).
fn page_start(token: Option<&str>) -> Result<usize, Reply> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("offset:")?.parse::<usize>().ok())
        .ok_or_else(|| invalid("NextToken"))
}

/// The items of one page and the token of the next, if there is one.
fn page<T>(items: Vec<T>, start: usize) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let end = start.saturating_add(PAGE).min(total);
    let next = (end < total).then(|| URL_SAFE_NO_PAD.encode(format!("offset:{end}")));
    (items.into_iter().skip(start).take(PAGE).collect(), next)
}

fn next_token(out: &mut String, next: Option<String>) {
    if let Some(token) = next {
        let _ = write!(out, "<NextToken>{}</NextToken>", escape(&token));
    }
}

fn list_topics(local: &Local, token: Option<&str>) -> Result<Reply, Reply> {
    let start = page_start(token)?;
    let (shown, next) = page(topics(local)?, start);
    let mut out = String::from("<Topics>");
    for t in shown {
        let _ = write!(
            out,
            "<member><TopicArn>{}</TopicArn></member>",
            escape(&t.arn)
        );
    }
    out.push_str("</Topics>");
    next_token(&mut out, next);
    Ok(query::ok(NAMESPACE, "ListTopics", &out))
}

/// A subscription's ARN: the topic's, then an id fixed by what it delivers to.
fn subscription_arn(topic: &str, s: &Subscriber) -> String {
    let digest = Sha256::digest(format!("{topic}\n{}\n{}", s.protocol, s.endpoint).as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{topic}:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn list_subscriptions(
    local: &Local,
    topic: Option<&str>,
    token: Option<&str>,
) -> Result<Reply, Reply> {
    let start = page_start(token)?;
    let chosen = match topic {
        Some(arn) => vec![find(local, Some(arn))?],
        None => topics(local)?,
    };
    let all: Vec<(String, Subscriber)> = chosen
        .into_iter()
        .flat_map(|t| {
            let arn = t.arn;
            t.subscribers.into_iter().map(move |s| (arn.clone(), s))
        })
        .collect();
    let (shown, next) = page(all, start);
    let mut out = String::from("<Subscriptions>");
    for (topic, s) in shown {
        let _ = write!(
            out,
            "<member><TopicArn>{}</TopicArn><Protocol>{}</Protocol><SubscriptionArn>{}</SubscriptionArn><Owner>{ACCOUNT_ID}</Owner><Endpoint>{}</Endpoint></member>",
            escape(&topic),
            escape(&s.protocol),
            escape(&subscription_arn(&topic, &s)),
            escape(&s.endpoint),
        );
    }
    out.push_str("</Subscriptions>");
    next_token(&mut out, next);
    let action = if topic.is_some() {
        "ListSubscriptionsByTopic"
    } else {
        "ListSubscriptions"
    };
    Ok(query::ok(NAMESPACE, action, &out))
}

/// A publish's message attributes (`MessageAttributes.entry.N.Name`, `.Value.DataType`,
/// `.Value.StringValue` / `.Value.BinaryValue`), checked as SNS checks them; returns their
/// size in bytes, which counts toward the message's limit.
fn attributes_size(params: &[(String, String)]) -> Result<usize, Reply> {
    let mut size = 0;
    let mut count = 0;
    for n in 1.. {
        let field = |f: &str| param(params, &format!("MessageAttributes.entry.{n}.{f}"));
        let Some(name) = field("Name") else { break };
        count += 1;
        if count > MAX_ATTRIBUTES {
            let total = (n..)
                .take_while(|i| {
                    param(params, &format!("MessageAttributes.entry.{i}.Name")).is_some()
                })
                .count()
                + MAX_ATTRIBUTES;
            return Err(invalid_value(&format!(
                "Number of message attributes [{total}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
            )));
        }
        let kind = field("Value.DataType")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                invalid_value(&format!(
                    "The message attribute '{name}' must contain non-empty message attribute type."
                ))
            })?;
        let base = kind.split('.').next().unwrap_or_default();
        let value = match base {
            "String" | "Number" => field("Value.StringValue"),
            "Binary" => field("Value.BinaryValue"),
            _ => {
                return Err(invalid_value(&format!(
                    "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
                )));
            }
        }
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            invalid_value(&format!(
                "The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{base}'."
            ))
        })?;
        if base == "Number" && value.trim().parse::<f64>().is_err() {
            return Err(invalid_value(&format!(
                "Could not cast message attribute '{name}' value to number."
            )));
        }
        size += name.len() + kind.len() + value.len();
    }
    Ok(size)
}

/// Who gets what: each subscriber's text of the message.
enum Body {
    Same(String),
    PerProtocol(serde_json::Map<String, Value>),
}

fn publish(local: &Local, params: &[(String, String)], from: &str) -> Result<Reply, Reply> {
    let p = |name: &str| param(params, name);
    if p("PhoneNumber").is_some() {
        return Err(invalid(
            "PhoneNumber Reason: the local backend delivers to topics only",
        ));
    }
    let arn = p("TopicArn")
        .or(p("TargetArn"))
        .ok_or_else(|| invalid("TopicArn or TargetArn Reason: no value for required parameter"))?;
    let message = p("Message").unwrap_or_default();
    if message.is_empty() {
        return Err(invalid("Empty message"));
    }
    if let Some(subject) = p("Subject")
        && (subject.is_empty()
            || subject.chars().count() > MAX_SUBJECT
            || !subject
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control()))
    {
        return Err(invalid("Subject"));
    }
    let attributes = attributes_size(params)?;
    if message.len() + attributes > MAX_MESSAGE {
        return Err(invalid("Message too long"));
    }
    let body = match p("MessageStructure") {
        None => Body::Same(message.to_owned()),
        Some("json") => {
            let parsed: Value = serde_json::from_str(message)
                .map_err(|_| invalid("Message Structure - JSON message body failed to parse"))?;
            let structure = rules::json_structure(&Output::Json(parsed))
                .map_err(|why| invalid(&format!("Message Structure - {why}")))?;
            Body::PerProtocol(structure)
        }
        Some(_) => return Err(invalid("MessageStructure")),
    };
    let topic = find(local, Some(arn))?;
    let fifo = topic.arn.ends_with(".fifo");
    if !fifo && p("MessageGroupId").is_some() {
        return Err(invalid(
            "The request includes MessageGroupId parameter that is not valid for this topic type",
        ));
    }
    let engine = local.engine.get().map(|e| e.as_ref());
    let message_id = rules::publish(
        &local.state,
        engine,
        (&topic.arn, &topic.subscribers),
        p("Subject"),
        |s| match &body {
            Body::Same(text) => text.clone(),
            Body::PerProtocol(structure) => rules::text_for(structure, &s.protocol).to_owned(),
        },
        from,
    )
    .map_err(internal)?;
    Ok(query::ok(
        NAMESPACE,
        "Publish",
        &format!("<MessageId>{}</MessageId>", escape(&message_id)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn topic_arns_are_checked_for_shape() {
        assert!(is_topic_arn(
            "arn:aws:sns:local:000000000000:s-AlertTopic-1"
        ));
        assert!(is_topic_arn("arn:aws:sns:eu-west-1:1:t.fifo"));
        assert!(!is_topic_arn("arn:aws:sns:local:000000000000"));
        assert!(!is_topic_arn("arn:aws:sqs:local:0:q"));
        assert!(!is_topic_arn("arn:aws:sns:local:0:bad name"));
        assert!(!is_topic_arn("topic"));
    }

    #[test]
    fn pages_follow_their_tokens() {
        let (first, next) = page((0..250).collect::<Vec<_>>(), 0);
        assert_eq!(first.len(), PAGE);
        let start = page_start(next.as_deref()).unwrap_or_default();
        assert_eq!(start, 100);
        let (second, next) = page((0..250).collect::<Vec<_>>(), start);
        assert_eq!(second.first(), Some(&100));
        let (third, last) = page(
            (0..250).collect::<Vec<_>>(),
            page_start(next.as_deref()).unwrap_or(0),
        );
        assert_eq!(third.len(), 50);
        assert_eq!(last, None);
        assert!(page_start(Some("nope")).is_err());
        assert_eq!(page_start(None).ok(), Some(0));
    }

    #[test]
    fn subscription_arns_are_the_topics_and_stable() {
        let s = Subscriber {
            protocol: "email".into(),
            endpoint: "ops@example.com".into(),
        };
        let arn = subscription_arn("arn:aws:sns:local:0:t", &s);
        assert_eq!(arn, subscription_arn("arn:aws:sns:local:0:t", &s));
        let id = arn
            .strip_prefix("arn:aws:sns:local:0:t:")
            .unwrap_or_default();
        assert_eq!(id.len(), 36, "{arn}");
        assert!(arn.starts_with("arn:"), "confirmed subscriptions have ARNs");
    }

    #[test]
    fn message_attributes_are_checked_as_sns_checks_them() {
        let ok = form(&[
            ("MessageAttributes.entry.1.Name", "device"),
            ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("MessageAttributes.entry.1.Value.StringValue", "s1"),
            ("MessageAttributes.entry.2.Name", "humidity"),
            ("MessageAttributes.entry.2.Value.DataType", "Number"),
            ("MessageAttributes.entry.2.Value.StringValue", "20"),
        ]);
        assert_eq!(attributes_size(&ok).ok(), Some(6 + 6 + 2 + 8 + 6 + 2));
        let code = |pairs: &[(&str, &str)]| {
            attributes_size(&form(pairs))
                .err()
                .map(|r| String::from_utf8_lossy(&r.body).into_owned())
                .unwrap_or_default()
        };
        assert!(
            code(&[("MessageAttributes.entry.1.Name", "a")])
                .contains("non-empty message attribute type")
        );
        assert!(
            code(&[
                ("MessageAttributes.entry.1.Name", "a"),
                ("MessageAttributes.entry.1.Value.DataType", "Number"),
                ("MessageAttributes.entry.1.Value.StringValue", "x"),
            ])
            .contains("Could not cast message attribute &apos;a&apos; value to number.")
        );
        let many: Vec<(String, String)> = (1..=11)
            .flat_map(|i| {
                [
                    (format!("MessageAttributes.entry.{i}.Name"), format!("a{i}")),
                    (
                        format!("MessageAttributes.entry.{i}.Value.DataType"),
                        "String".into(),
                    ),
                    (
                        format!("MessageAttributes.entry.{i}.Value.StringValue"),
                        "v".into(),
                    ),
                ]
            })
            .collect();
        let err = attributes_size(&many)
            .err()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned());
        assert!(
            err.as_deref().is_some_and(|e| e
                .contains("Number of message attributes [11] exceeds the allowed maximum [10].")),
            "{err:?}"
        );
    }

    #[test]
    fn publish_refuses_what_sns_refuses_before_looking_for_the_topic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = crate::local::state::StateDir::new(dir.path());
        let local = Local::open(&state).expect("opens");
        let answer = |pairs: &[(&str, &str)]| {
            let reply = publish(&local, &form(pairs), "test").unwrap_or_else(|r| r);
            (
                reply.status,
                String::from_utf8_lossy(&reply.body).into_owned(),
            )
        };
        let topic = "arn:aws:sns:local:000000000000:missing";
        let (status, body) = answer(&[("TopicArn", topic), ("Message", "")]);
        assert_eq!(status, 400);
        assert!(
            body.contains(
                "<Code>InvalidParameter</Code><Message>Invalid parameter: Empty message</Message>"
            ),
            "{body}"
        );
        let long = "x".repeat(MAX_MESSAGE + 1);
        let (_, body) = answer(&[("TopicArn", topic), ("Message", &long)]);
        assert!(
            body.contains("Invalid parameter: Message too long"),
            "{body}"
        );
        let (_, body) = answer(&[("TopicArn", topic), ("Message", "m"), ("Subject", "a\nb")]);
        assert!(body.contains("Invalid parameter: Subject"), "{body}");
        let (_, body) = answer(&[("TopicArn", "nope"), ("Message", "m")]);
        assert!(body.contains("Invalid parameter: TopicArn"), "{body}");
        let (status, body) = answer(&[("TopicArn", topic), ("Message", "m")]);
        assert_eq!(status, 404);
        assert!(
            body.contains("<Code>NotFound</Code><Message>Topic does not exist</Message>"),
            "{body}"
        );
        let (_, body) = answer(&[
            ("TopicArn", topic),
            ("Message", "{}"),
            ("MessageStructure", "json"),
        ]);
        assert!(
            body.contains("Message Structure - no default entry"),
            "{body}"
        );
    }
}
