//! AWS IoT's naming rules and ARNs, for the local account and region.

use std::collections::BTreeMap;

use super::error::{RegistryError, Result};

/// The account every local resource belongs to.
pub const ACCOUNT_ID: &str = "000000000000";
/// The region every local resource lives in.
pub const REGION: &str = "local";

/// The ARN of a resource of `kind` (`thing`, `thinggroup`, `cert`, `cacert`, `policy`, `rule`).
pub fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:{kind}/{name}")
}

/// The ARN of the certificate with `id`.
pub fn certificate_arn(id: &str) -> String {
    arn("cert", id)
}

/// The certificate id inside a certificate ARN of the local account, if `arn` is one.
pub fn certificate_id_of(arn: &str) -> Option<&str> {
    let prefix = format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:cert/");
    arn.strip_prefix(prefix.as_str())
        .filter(|id| is_certificate_id(id))
}

/// Whether `id` looks like a certificate id: 64 lowercase hex digits.
pub fn is_certificate_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check(
    kind: &'static str,
    name: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    rule: &'static str,
) -> Result<()> {
    if name.is_empty() || name.chars().count() > max || !name.chars().all(allowed) {
        return Err(RegistryError::InvalidName {
            kind,
            name: name.to_owned(),
            rule,
        });
    }
    Ok(())
}

/// A thing name: 1 to 128 of letters, digits, `:`, `_` and `-`.
pub fn check_thing_name(name: &str) -> Result<()> {
    check(
        "thing",
        name,
        128,
        |c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'),
        "use 1 to 128 letters, digits, ':', '_' or '-'",
    )
}

/// A thing group name: 1 to 128 of letters, digits, `:`, `_` and `-`, as a thing name.
pub fn check_thing_group_name(name: &str) -> Result<()> {
    check(
        "thing group",
        name,
        128,
        |c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'),
        "use 1 to 128 letters, digits, ':', '_' or '-'",
    )
}

/// The name of the thing group in a thing group ARN of the local account, if `arn` is one.
pub fn thing_group_of_arn(arn: &str) -> Option<&str> {
    let prefix = format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:thinggroup/");
    arn.strip_prefix(prefix.as_str())
}

/// The name of the thing in a thing ARN of the local account, if `arn` is one.
pub fn thing_of_arn(arn: &str) -> Option<&str> {
    let prefix = format!("arn:aws:iot:{REGION}:{ACCOUNT_ID}:thing/");
    arn.strip_prefix(prefix.as_str())
}

/// A thing group description: at most 2028 printable characters or spaces.
pub fn check_group_description(description: &str) -> Result<()> {
    if description.chars().count() > 2028 || description.chars().any(char::is_control) {
        return Err(RegistryError::InvalidRequest(
            "thingGroupDescription must be at most 2028 printable characters".to_owned(),
        ));
    }
    Ok(())
}

/// A policy name: 1 to 128 of letters, digits and `_+=,.@-`.
pub fn check_policy_name(name: &str) -> Result<()> {
    check(
        "policy",
        name,
        128,
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-'),
        "use 1 to 128 letters, digits or any of _+=,.@-",
    )
}

/// A topic rule name: 1 to 128 of letters, digits and `_`.
pub fn check_rule_name(name: &str) -> Result<()> {
    check(
        "topic rule",
        name,
        128,
        |c| c.is_ascii_alphanumeric() || c == '_',
        "use 1 to 128 letters, digits or '_'",
    )
}

/// A stack name: a letter, then letters, digits and `-`, at most 128 characters.
pub fn check_stack_name(name: &str) -> Result<()> {
    check(
        "stack",
        name,
        128,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "start with a letter and use at most 128 letters, digits or '-'",
    )?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(RegistryError::InvalidName {
            kind: "stack",
            name: name.to_owned(),
            rule: "start with a letter and use at most 128 letters, digits or '-'",
        });
    }
    Ok(())
}

/// At most 50 thing attributes; names of 1 to 128 of letters, digits and `_.,@/:#-`, values
/// of at most 800 of the same and `=[]`.
pub fn check_attributes(attributes: &BTreeMap<String, String>) -> Result<()> {
    check_attributes_of("thing", attributes)
}

/// [`check_attributes`] for a resource of `kind` (`thing`, `thing group`), which the message
/// names.
pub fn check_attributes_of(kind: &str, attributes: &BTreeMap<String, String>) -> Result<()> {
    if attributes.len() > 50 {
        return Err(RegistryError::InvalidRequest(format!(
            "a {kind} has at most 50 attributes, got {}",
            attributes.len()
        )));
    }
    let name_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ',' | '@' | '/' | ':' | '#' | '-')
    };
    for (name, value) in attributes {
        check(
            "attribute",
            name,
            128,
            name_char,
            "use 1 to 128 letters, digits or any of _.,@/:#-",
        )?;
        let value_ok = value.chars().count() <= 800
            && value
                .chars()
                .all(|c| name_char(c) || matches!(c, '=' | '[' | ']'));
        if !value_ok {
            return Err(RegistryError::InvalidRequest(format!(
                "attribute {name:?} has an invalid value {value:?}: use at most 800 letters, digits or any of _.,@/:#=[]-"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert!(check_thing_name("soil:Sensor_1-a").is_ok());
        assert!(check_thing_name("").is_err());
        assert!(check_thing_name(&"a".repeat(129)).is_err());
        assert!(check_thing_name("with space").is_err());
        assert!(check_policy_name("dev+policy=1,a.b@c-d_e").is_ok());
        assert!(check_policy_name("a/b").is_err());
        assert!(check_rule_name("archive_rule1").is_ok());
        assert!(check_rule_name("archive-rule").is_err());
        assert!(check_stack_name("soil-backend").is_ok());
        assert!(check_stack_name("1soil").is_err());
        let err = check_thing_name("bad name").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid thing name \"bad name\": use 1 to 128 letters, digits, ':', '_' or '-'"
        );
        assert_eq!(err.code(), "InvalidRequestException");
    }

    #[test]
    fn thing_group_names_descriptions_and_arns() {
        assert!(check_thing_group_name("site:north_1-a").is_ok());
        assert!(check_thing_group_name("").is_err());
        assert!(check_thing_group_name(&"g".repeat(129)).is_err());
        assert_eq!(
            check_thing_group_name("a/b").unwrap_err().code(),
            "InvalidRequestException"
        );
        assert!(check_group_description("Sensors in the north field").is_ok());
        assert!(check_group_description("").is_ok());
        assert!(check_group_description("two\nlines").is_err());
        assert!(check_group_description(&"d".repeat(2029)).is_err());
        assert_eq!(
            thing_group_of_arn(&arn("thinggroup", "north")),
            Some("north")
        );
        assert_eq!(thing_group_of_arn(&arn("thing", "north")), None);
        assert_eq!(thing_of_arn(&arn("thing", "s1")), Some("s1"));
        assert_eq!(
            thing_of_arn("arn:aws:iot:us-east-1:123456789012:thing/s1"),
            None
        );
    }

    #[test]
    fn attributes_are_checked() {
        let mut attrs = BTreeMap::from([("zone".to_string(), "north/[1]".to_string())]);
        assert!(check_attributes(&attrs).is_ok());
        attrs.insert("bad name".into(), "x".into());
        assert!(check_attributes(&attrs).is_err());
        let attrs = BTreeMap::from([("zone".to_string(), "a b".to_string())]);
        assert!(check_attributes(&attrs).is_err());
        let many = (0..51).map(|i| (format!("a{i}"), String::new())).collect();
        assert!(check_attributes(&many).is_err());
    }

    #[test]
    fn certificate_arns_round_trip() {
        let id = "ab".repeat(32);
        let cert = certificate_arn(&id);
        assert_eq!(cert, format!("arn:aws:iot:local:000000000000:cert/{id}"));
        assert_eq!(certificate_id_of(&cert), Some(id.as_str()));
        assert_eq!(
            certificate_id_of("arn:aws:iot:local:000000000000:cert/xyz"),
            None
        );
        assert_eq!(certificate_id_of(&arn("thing", "t")), None);
    }
}
