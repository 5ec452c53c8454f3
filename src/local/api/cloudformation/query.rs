//! The AWS Query protocol as CloudFormation speaks it: the form-encoded parameters in (lists
//! as `Name.member.N`), and XML out: the result document, the error document, timestamps
//! with milliseconds, and AWS's validation messages for names.

use std::fmt::Write as _;

pub use crate::local::api::query::{escape, request_id};
use crate::local::api::reply::Reply;

pub const NAMESPACE: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// An operation's failure, as CloudFormation reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Fault {
    pub fn validation(message: impl Into<String>) -> Fault {
        Fault {
            status: 400,
            code: "ValidationError",
            message: message.into(),
        }
    }

    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Fault {
        Fault {
            status,
            code,
            message: message.into(),
        }
    }

    /// A failure of the backend itself.
    pub fn internal(e: impl std::fmt::Display) -> Fault {
        Fault::new(500, "InternalFailure", e.to_string())
    }

    /// AWS Query's error document.
    pub fn reply(&self) -> Reply {
        let body = format!(
            "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            escape(self.code),
            escape(&self.message),
            request_id()
        );
        xml(self.status, body)
    }
}

impl From<crate::local::registry::RegistryError> for Fault {
    fn from(e: crate::local::registry::RegistryError) -> Fault {
        Fault::internal(e)
    }
}

pub type Answer = Result<Reply, Fault>;

/// The request's parameters.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter the operation cannot do without.
    pub fn required(&self, name: &str) -> Result<&str, Fault> {
        self.get(name).ok_or_else(|| {
            Fault::validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(name)
            ))
        })
    }

    /// `true` when the parameter is `true` (any case).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The members of list `name` (`name.member.1`, `name.member.2`, ...), in index order.
    pub fn list(&self, name: &str) -> Vec<&str> {
        let prefix = format!("{name}.member.");
        let mut found: Vec<(u32, &str)> = self
            .0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.parse().ok()?, v.as_str())))
            .collect();
        found.sort_by_key(|(i, _)| *i);
        found.into_iter().map(|(_, v)| v).collect()
    }

    /// The structures of list `name`, each as its fields (`name.member.N.Field`), in order.
    pub fn structs(&self, name: &str) -> Vec<Vec<(&str, &str)>> {
        let prefix = format!("{name}.member.");
        let mut found: std::collections::BTreeMap<u32, Vec<(&str, &str)>> = Default::default();
        for (k, v) in &self.0 {
            let Some(rest) = k.strip_prefix(&prefix) else {
                continue;
            };
            let Some((index, field)) = rest.split_once('.') else {
                continue;
            };
            if let Ok(index) = index.parse() {
                found.entry(index).or_default().push((field, v.as_str()));
            }
        }
        found.into_values().collect()
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Checks a stack name as CloudFormation does: a letter, then letters, digits and `-`, at most
/// 128 characters (`field` is the member's name in the message, e.g. `stackName`).
pub fn check_stack_name(name: &str, field: &str) -> Result<(), Fault> {
    check_name(name, field, 128)
}

/// Checks a change set name (the same rule as a stack name's).
pub fn check_change_set_name(name: &str) -> Result<(), Fault> {
    check_name(name, "changeSetName", 128)
}

fn check_name(name: &str, field: &str, max: usize) -> Result<(), Fault> {
    if name.chars().count() > max {
        return Err(Fault::validation(format!(
            "1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}"
        )));
    }
    let mut chars = name.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !starts || !chars.all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Fault::validation(format!(
            "1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
        )));
    }
    Ok(())
}

/// An offset pagination token, as this backend hands them out.
pub fn token(offset: usize) -> String {
    format!("{offset:x}.{:08x}", offset.wrapping_mul(0x9e37_79b9) as u32)
}

/// The offset in a token from [`token`], or AWS's error for anything else.
pub fn offset_of(next_token: Option<&str>) -> Result<usize, Fault> {
    let Some(text) = next_token else {
        return Ok(0);
    };
    text.split_once('.')
        .and_then(|(n, _)| usize::from_str_radix(n, 16).ok())
        .filter(|n| token(*n) == text)
        .ok_or_else(|| Fault::validation("Invalid NextToken"))
}

pub fn xml(status: u16, body: String) -> Reply {
    Reply {
        status,
        headers: vec![("content-type", "text/xml".to_owned())],
        body: body.into(),
    }
}

/// A result document: `<{action}Response><{action}Result>result</...>`.
pub fn ok(action: &str, result: &str) -> Reply {
    xml(
        200,
        format!(
            "<{action}Response xmlns=\"{NAMESPACE}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
            request_id()
        ),
    )
}

/// A timestamp as CloudFormation writes one: `2020-08-27T13:47:52.677Z`.
pub fn timestamp(ms: i64) -> String {
    let seconds = crate::local::registry::iso8601(ms.div_euclid(1000));
    format!(
        "{}.{:03}Z",
        seconds.trim_end_matches('Z'),
        ms.rem_euclid(1000)
    )
}

/// `<name>text</name>`, escaped; nothing for `None`.
pub fn element(out: &mut String, name: &str, text: Option<&str>) {
    if let Some(text) = text {
        let _ = write!(out, "<{name}>{}</{name}>", escape(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn lists_and_structures_come_in_index_order() {
        let p = params(&[
            ("Capabilities.member.2", "CAPABILITY_NAMED_IAM"),
            ("Capabilities.member.1", "CAPABILITY_IAM"),
            ("Parameters.member.10.ParameterKey", "B"),
            ("Parameters.member.2.ParameterKey", "A"),
            ("Parameters.member.2.UsePreviousValue", "true"),
        ]);
        assert_eq!(
            p.list("Capabilities"),
            ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
        );
        assert_eq!(
            p.structs("Parameters"),
            vec![
                vec![("ParameterKey", "A"), ("UsePreviousValue", "true")],
                vec![("ParameterKey", "B")]
            ]
        );
    }

    #[test]
    fn names_are_checked_as_cloudformation_does() {
        assert!(check_stack_name("iot-backend2", "stackName").is_ok());
        let bad = check_stack_name("2fast", "stackName").unwrap_err();
        assert_eq!(bad.code, "ValidationError");
        assert!(
            bad.message
                .contains("Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"),
            "{}",
            bad.message
        );
        assert!(check_stack_name("a_b", "stackName").is_err());
        assert!(check_stack_name("", "stackName").is_err());
        let long = "a".repeat(129);
        let err = check_change_set_name(&long).unwrap_err();
        assert!(
            err.message
                .contains("Member must have length less than or equal to 128"),
            "{}",
            err.message
        );
        assert!(check_change_set_name(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn timestamps_have_milliseconds() {
        assert_eq!(timestamp(1_598_536_072_677), "2020-08-27T13:47:52.677Z");
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn tokens_round_trip_and_others_are_refused() {
        assert_eq!(offset_of(None).unwrap(), 0);
        assert_eq!(offset_of(Some(&token(250))).unwrap(), 250);
        assert_eq!(
            offset_of(Some("nonsense")).unwrap_err().code,
            "ValidationError"
        );
        assert!(offset_of(Some("fa.00000000")).is_err());
    }
}
