//! CloudFormation's read side (the AWS Query protocol: a form-encoded `Action`, XML answers)
//! over the stacks the local backend deployed: DescribeStacks and ListStackResources, which is
//! what a command needs to find a stack's bucket, policy and rules.

use std::fmt::Write as _;

use super::Request;
use super::reply::Reply;
use crate::local::registry::{Registry, StackRecord, iso8601};

const NAMESPACE: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// Answers one CloudFormation request.
pub fn handle(registry: &Registry, req: &Request) -> Reply {
    let params: Vec<(String, String)> = if req.method == "POST" {
        form_urlencoded::parse(&req.body).into_owned().collect()
    } else {
        req.query.clone()
    };
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let result = match param("Action") {
        Some("DescribeStacks") => describe_stacks(registry, param("StackName")),
        Some("ListStackResources") => match param("StackName") {
            Some(name) => list_stack_resources(registry, name),
            None => Err(error(400, "ValidationError", "StackName is required")),
        },
        Some(other) => Err(error(
            400,
            "InvalidAction",
            &format!("the local backend does not serve CloudFormation's {other} yet"),
        )),
        None => Err(error(400, "MissingAction", "the request names no Action")),
    };
    result.unwrap_or_else(|reply| reply)
}

/// AWS Query's error document.
fn error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        escape(code),
        escape(message),
        request_id()
    );
    xml(status, body)
}

fn xml(status: u16, body: String) -> Reply {
    Reply {
        status,
        headers: vec![("content-type", "text/xml".to_owned())],
        body: body.into(),
    }
}

fn request_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

fn ok(action: &str, result: &str) -> Reply {
    xml(
        200,
        format!(
            "<{action}Response xmlns=\"{NAMESPACE}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
            request_id()
        ),
    )
}

/// The stack called (or with the id) `name`, or CloudFormation's "does not exist".
fn find(registry: &Registry, name: &str) -> Result<StackRecord, Reply> {
    let stacks = registry
        .stacks()
        .map_err(|e| error(500, "InternalFailure", &e.to_string()))?;
    stacks
        .into_iter()
        .find(|s| s.name == name || s.stack_id == name)
        .ok_or_else(|| {
            error(
                400,
                "ValidationError",
                &format!("Stack with id {name} does not exist"),
            )
        })
}

fn describe_stacks(registry: &Registry, name: Option<&str>) -> Result<Reply, Reply> {
    let stacks = match name {
        Some(name) => vec![find(registry, name)?],
        None => registry
            .stacks()
            .map_err(|e| error(500, "InternalFailure", &e.to_string()))?,
    };
    let mut out = String::from("<Stacks>");
    for s in &stacks {
        let _ = write!(
            out,
            "<member><StackName>{}</StackName><StackId>{}</StackId><CreationTime>{}</CreationTime><LastUpdatedTime>{}</LastUpdatedTime><StackStatus>{}</StackStatus><Parameters>",
            escape(&s.name),
            escape(&s.stack_id),
            iso8601(s.created_ms / 1000),
            iso8601(s.updated_ms / 1000),
            escape(&s.status),
        );
        members(&mut out, "Parameter", &s.parameters);
        out.push_str("</Parameters><Outputs>");
        members(&mut out, "Output", &s.outputs);
        out.push_str("</Outputs></member>");
    }
    out.push_str("</Stacks>");
    Ok(ok("DescribeStacks", &out))
}

fn list_stack_resources(registry: &Registry, name: &str) -> Result<Reply, Reply> {
    let stack = find(registry, name)?;
    let mut out = String::from("<StackResourceSummaries>");
    for r in &stack.resources {
        let _ = write!(
            out,
            "<member><LogicalResourceId>{}</LogicalResourceId><PhysicalResourceId>{}</PhysicalResourceId><ResourceType>{}</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>{}</LastUpdatedTimestamp></member>",
            escape(&r.logical_id),
            escape(&r.physical_id),
            escape(&r.resource_type),
            iso8601(stack.updated_ms / 1000),
        );
    }
    out.push_str("</StackResourceSummaries>");
    Ok(ok("ListStackResources", &out))
}

/// `<member><{kind}Key>k</{kind}Key><{kind}Value>v</{kind}Value></member>` for each pair, as
/// DescribeStacks lists parameters and outputs.
fn members(out: &mut String, kind: &str, pairs: &std::collections::BTreeMap<String, String>) {
    for (k, v) in pairs {
        let _ = write!(
            out,
            "<member><{kind}Key>{}</{kind}Key><{kind}Value>{}</{kind}Value></member>",
            escape(k),
            escape(v)
        );
    }
}

/// Text for XML content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn a_missing_stack_is_cloudformations_validation_error() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        let req = Request {
            method: "POST".into(),
            body: "Action=DescribeStacks&StackName=nope&Version=2010-05-15".into(),
            ..Request::default()
        };
        let reply = handle(&registry, &req);
        assert_eq!(reply.status, 400);
        let body = String::from_utf8_lossy(&reply.body);
        assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
        assert!(body.contains("Stack with id nope does not exist"), "{body}");
    }
}
