//! The AWS Query protocol's side shared by the services that speak it (SNS; CloudFormation
//! speaks it too): form-encoded parameters, XML answers wrapped in `<{Action}Response>` with a
//! request id, and the `<ErrorResponse>` document.

use super::Request;
use super::reply::Reply;

/// The request's parameters: the form-encoded body of a POST, else the query string.
pub fn params(req: &Request) -> Vec<(String, String)> {
    if req.method == "POST" {
        form_urlencoded::parse(&req.body).into_owned().collect()
    } else {
        req.query.clone()
    }
}

/// The first value of parameter `name`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A request id as AWS writes them (a UUID).
pub fn request_id() -> String {
    crate::iotsql::new_uuid()
}

fn xml(status: u16, request_id: &str, body: String) -> Reply {
    Reply {
        status,
        headers: vec![
            ("content-type", "text/xml".to_owned()),
            ("x-amzn-requestid", request_id.to_owned()),
        ],
        body: body.into(),
    }
}

/// A successful answer: `result` (XML, already escaped) inside `<{action}Result>`.
pub fn ok(namespace: &str, action: &str, result: &str) -> Reply {
    let id = request_id();
    xml(
        200,
        &id,
        format!(
            "<{action}Response xmlns=\"{namespace}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

/// The Query protocol's error document: the SDKs, boto3 and the AWS CLI raise the exception
/// the service model maps `code` to.
pub fn error(namespace: &str, status: u16, code: &str, message: &str) -> Reply {
    let id = request_id();
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    xml(
        status,
        &id,
        format!(
            "<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>",
            escape(code),
            escape(message),
        ),
    )
}

/// Text for XML content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_come_from_the_body_of_a_post_else_the_query() {
        let post = Request {
            method: "POST".into(),
            body: "Action=Publish&Message=a+b%26c".into(),
            ..Request::default()
        };
        let got = params(&post);
        assert_eq!(param(&got, "Message"), Some("a b&c"));
        let get = Request {
            method: "GET".into(),
            query: vec![("Action".into(), "ListTopics".into())],
            ..Request::default()
        };
        assert_eq!(param(&params(&get), "Action"), Some("ListTopics"));
    }

    #[test]
    fn errors_are_the_error_response_document() {
        let reply = error("urn:x", 404, "NotFound", "Topic does not exist");
        assert_eq!(reply.status, 404);
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            body.starts_with("<ErrorResponse xmlns=\"urn:x\"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>"),
            "{body}"
        );
        assert_eq!(escape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
    }
}
